/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* tc (clsact) attach and detach of the gateway program (ingress) and the
 * packet-socket backstop (egress), sharing the qdisc with other tc users. */
#ifndef JURIS_TC_H
#define JURIS_TC_H

#include <linux/types.h>

/* juris's filters: one handle and priority of their own, so that they
 * never replace another user's. The priority is below tc's default
 * (49152): juris judges a packet before later filters see it. */
#define JURIS_TC_HANDLE 0x4a55
#define JURIS_TC_PRIORITY 0x4a55

/* What juris attached, recorded in the pinned meta map so that stop and
 * status find it after the daemon is gone (tc filters are not links and
 * cannot be pinned). */
struct tc_hook_rec {
	char ifname[16];
	__u32 ifindex;
	__u32 handle;
	__u32 priority;
	__u32 prog_id;	    /* the filter is ours only if it still runs this */
	__u8 created_qdisc; /* juris created clsact: it may delete it */
	__u8 egress;	    /* 1: the backstop, on egress; 0: gateway, on ingress */
	__u8 pad0[2];
};

/* Attaches prog_fd to the ingress of ifindex, creating clsact if missing;
 * fills rec. Returns 0 or a negative errno. */
int tc_attach_ingress(int prog_fd, __u32 ifindex, const char *ifname, struct tc_hook_rec *rec);

/* The same on egress. Another juris instance's backstop on the same
 * interface keeps its filter: this one takes the next free handle. */
int tc_attach_egress(int prog_fd, __u32 ifindex, const char *ifname, struct tc_hook_rec *rec);

/* Removes juris's filter if it is still there and still runs rec's
 * program, then the clsact qdisc if juris created it and it holds no
 * filter any more. A vanished interface is not an error. */
int tc_detach(const struct tc_hook_rec *rec);

/* 1 when rec's filter is attached, 0 when not (or the interface is gone). */
int tc_attached(const struct tc_hook_rec *rec);

#endif
