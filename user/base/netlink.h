/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* A minimal rtnetlink client: dumps of the routing table and tc filter
 * lists, and notifications of link and route changes. */
#ifndef JURIS_NETLINK_H
#define JURIS_NETLINK_H

#include <stddef.h>
#include <linux/netlink.h>

/* Called once per message of the dump; a non-zero return stops it and
 * becomes nl_dump's return. */
typedef int (*nl_cb)(const struct nlmsghdr *h, void *ctx);

/* Sends the request (its nlmsg_type, body and length set by the caller;
 * flags, sequence and pid set here) as a dump in the current network
 * namespace and calls cb for each answer. Returns 0 or a negative errno. */
int nl_dump(struct nlmsghdr *req, nl_cb cb, void *ctx);

/* A non-blocking rtnetlink socket bound to the multicast groups (RTMGRP_*
 * bits): notifications of changes. Returns the fd or a negative errno. */
int nl_subscribe(unsigned int groups);

/* Reads every pending notification of fd without blocking; 1 when there
 * was any (or some were lost to an overrun), else 0. */
int nl_drain(int fd);

#endif
