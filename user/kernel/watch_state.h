/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Whether each watched cgroup and interface is covered now: for juris
 * status, /metrics and the daemon's checks. */
#ifndef JURIS_WATCH_STATE_H
#define JURIS_WATCH_STATE_H

#include <stdbool.h>
#include "kernel/maps.h"
#include "kernel/meta.h"
#include "policy/policy.h"

struct watch_state {
	const char *kind; /* "cgroup" or "iface" */
	char name[4096];  /* absolute cgroup path, or interface name */
	bool present;	  /* the cgroup exists (a stopped unit's does not) */
	bool attached;	  /* covered now */
	const char *why;  /* when not attached: why, in a few words */
};

#define WATCH_STATES_MAX (MAX_CGROUPS + MAX_GW_IFACES)

/* The state of every watched cgroup (from meta and the pins of pin_dir)
 * and every gateway hook of meta; m holds the pinned maps. Returns how
 * many were written, or a negative errno. */
int watch_states(const char *pin_dir, const struct juris_maps *m, const struct juris_meta *meta,
		 struct watch_state *out, int max);

#endif
