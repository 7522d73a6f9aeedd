/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The policy config of the live slot, and the daemon's pid in it. */
#include <errno.h>
#include <bpf/bpf.h>
#include "kernel/config.h"
#include "kernel/slots.h"

/* Without the active map (juris_open_config), slot 0. */
static __u32 live_slot(const struct juris_maps *m)
{
	__u32 slot = 0;

	if (m->fd[MAP_ACTIVE] >= 0 && slot_active(m, &slot))
		slot = 0;
	return slot;
}

int juris_read_config(const struct juris_maps *m, struct juris_config *c)
{
	__u32 slot = live_slot(m);

	return bpf_map_lookup_elem(m->fd[MAP_CONFIG], &slot, c) ? -errno : 0;
}

int juris_set_daemon_pid(const struct juris_maps *m, __u32 pid)
{
	int ret = 0;

	/* Both slots, so that it survives a reload and reads the same from
	 * either slot. */
	for (__u32 slot = 0; slot < POLICY_SLOTS; slot++) {
		struct juris_config c;

		if (bpf_map_lookup_elem(m->fd[MAP_CONFIG], &slot, &c)) {
			ret = -errno;
			continue;
		}
		c.daemon_pid = pid;
		if (bpf_map_update_elem(m->fd[MAP_CONFIG], &slot, &c, BPF_ANY))
			ret = -errno;
	}
	return ret;
}
