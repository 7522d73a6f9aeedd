/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Gateway mode: inside interfaces that come and go after juris started
 * (a VLAN, bridge, veth or WireGuard interface that routes a --source
 * range): attach to new ones, forget gone ones, and tell which are not
 * watched. */
#ifndef JURIS_GW_FOLLOW_H
#define JURIS_GW_FOLLOW_H

#include <stdio.h>
#include "kernel/gateway.h"
#include "kernel/maps.h"
#include "kernel/meta.h"
#include "policy/policy.h"

/* Compares the inside interfaces the routing table names now (for the
 * --source ranges and --iface uplinks of pol) with the tc hooks recorded in
 * meta: attaches the pinned tc program of pin_dir to each new one, drops
 * the records of interfaces that are gone, logs each change to log and
 * counts it in meta (gw_attaches, gw_detaches). Returns 0, or the first
 * negative errno (the other interfaces are still handled). */
int gw_follow(const struct juris_policy *pol, const char *pin_dir, const struct juris_maps *m,
	      FILE *log);

/* The inside interfaces that route a --source range (as the pinned maps
 * sources_v4/v6 and meta's uplinks say) and carry no attached juris hook.
 * Returns how many were written to out, or a negative errno. */
int gw_unwatched(const struct juris_maps *m, const struct juris_meta *meta, struct gw_iface *out,
		 int max);

#endif
