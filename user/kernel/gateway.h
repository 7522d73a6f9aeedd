/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Gateway mode: which interfaces are uplinks, which carry the sensitive
 * sources, and the kernel maps that tell the tc program so. */
#ifndef JURIS_GATEWAY_H
#define JURIS_GATEWAY_H

#include <net/if.h>
#include <stddef.h>
#include "juris.h"
#include "policy/policy.h"

struct gw_iface {
	char name[IF_NAMESIZE];
	__u32 ifindex;
	__u32 l3_off; /* where the network header starts at tc ingress */
};

struct gw_plan {
	struct gw_iface uplinks[MAX_IFACES];
	int n_uplinks;
	struct gw_iface inside[MAX_GW_IFACES];
	int n_inside;
};

/* Resolves the --iface names in the current network namespace and finds
 * the inside interfaces: those that the routing table uses for some part
 * of a --source range, uplinks and loopback excepted. Returns 0, or a
 * negative errno with a one-line reason in err. */
int gw_resolve(const struct juris_policy *pol, struct gw_plan *g, char *err, size_t len);

/* Fills the sources_v4/v6, uplinks and inside maps. */
int gw_fill_maps(const struct juris_policy *pol, const struct gw_plan *g, int src4, int src6,
		 int uplinks, int inside);

#endif
