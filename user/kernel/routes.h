/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The unicast routes of this network namespace, one output interface at
 * a time: what gateway mode and the backstop read of the routing table. */
#ifndef JURIS_ROUTES_H
#define JURIS_ROUTES_H

#include <linux/types.h>

struct route {
	int family;   /* AF_INET or AF_INET6 */
	__u8 dst[16]; /* network byte order; zero for a default route */
	int dst_len;  /* prefix length; 0 for a default route */
};

/* Called once per output interface of a route: a multipath route calls
 * it once for each next hop. */
typedef void (*route_oif_fn)(const struct route *r, __u32 oif, void *ctx);

/* Walks the unicast routes of family in every table but the local one.
 * Returns 0 or a negative errno. */
int routes_walk(int family, route_oif_fn fn, void *ctx);

/* A small set of interface indexes, in the order first seen. */
struct oif_set {
	__u32 *oifs;
	int n, max; /* max: the room in oifs; more are not kept */
};

void oif_set_add(struct oif_set *s, __u32 oif);

#endif
