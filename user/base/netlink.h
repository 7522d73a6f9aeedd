/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* A minimal rtnetlink dump client: the routing table and tc filter lists. */
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

#endif
