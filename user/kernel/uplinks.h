/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The uplinks of the packet-socket backstop: named (--uplink), or every
 * interface of this network namespace that carries a default route. */
#ifndef JURIS_UPLINKS_H
#define JURIS_UPLINKS_H

#include <stddef.h>
#include "kernel/gateway.h"
#include "policy/policy.h"

struct uplink_plan {
	struct gw_iface links[MAX_IFACES];
	int n_links;
	int n_skipped; /* default-route interfaces without Ethernet framing */
};

/* Resolves pol->uplinks in the current network namespace, or without any
 * finds the interfaces of the IPv4 and IPv6 default routes. The backstop
 * reads Ethernet frames: a named interface of another link type is an
 * error, a found one is skipped (counted in n_skipped). Returns 0, or a
 * negative errno with a one-line reason in err. */
int uplinks_resolve(const struct juris_policy *pol, struct uplink_plan *u, char *err, size_t len);

#endif
