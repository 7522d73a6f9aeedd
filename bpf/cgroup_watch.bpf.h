/* SPDX-License-Identifier: GPL-2.0-only */
/* Which cgroups are watched in service mode: a map of cgroup ids that the
 * kernel itself keeps current when a watched unit's cgroup is recreated.
 * Included by juris.bpf.c, after the counters.
 *
 * The hooks are attached on the parent of each watched cgroup, not on the
 * cgroup: a link dies with its cgroup, and systemd removes and recreates a
 * unit's cgroup on every restart. On the parent they stay, and every
 * program first asks whether the packet's (or the task's) cgroup is in
 * watched_cg. A tracing program on the cgroup_mkdir tracepoint puts a new
 * cgroup in watched_cg when its parent and name are a watched target's or
 * its parent is watched. The tracepoint fires inside mkdir(), under cgroup_mutex and
 * before the directory is made visible (kernfs_activate): no process can
 * be moved into the new cgroup, nor a socket be created there, before it
 * is watched. The daemon plays no part in it, so this holds while it is
 * dead too. */

#include <bpf/bpf_core_read.h>

/* Only the fields juris reads, relocated by CO-RE against the running
 * kernel's BTF: no generated vmlinux.h (see DESIGN.md). */

/* Set by the loader before load: 1 in service mode (hooks on parents,
 * membership by watched_cg), 0 in host mode and for private instances
 * (juris lookup), where every packet the hook sees is watched. */
const volatile __u8 cfg_membership = 0;

/* Watched cgroup ids (the targets and their descendants); the value is
 * the index of the --cgroup target. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WATCHED_CG_MAX);
	__type(key, __u64);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} watched_cg SEC(".maps");

/* The targets by parent cgroup id and name (struct cg_path_key). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_WATCH_TARGETS);
	__type(key, struct cg_path_key);
	__type(value, __u32);
} watched_paths SEC(".maps");

/* 1 when the cgroup of id is watched. */
static __always_inline int cg_watched(__u64 id)
{
	if (!cfg_membership)
		return 1;
	return bpf_map_lookup_elem(&watched_cg, &id) != NULL;
}

SEC("tp_btf/cgroup_mkdir")
int juris_cg_mkdir(__u64 *ctx)
{
	struct cgroup *cg = (struct cgroup *)ctx[0];
	struct cg_path_key key = {};
	__u64 id, parent;
	__u32 *t, target;

	id = BPF_CORE_READ(cg, kn, id);
	parent = BPF_CORE_READ(cg, self.parent, cgroup, kn, id);
	t = bpf_map_lookup_elem(&watched_cg, &parent);
	if (!t) {
		key.parent_id = parent;
		if (bpf_probe_read_kernel_str(key.name, sizeof(key.name),
					      BPF_CORE_READ(cg, kn, name)) < 0)
			return 0;
		t = bpf_map_lookup_elem(&watched_paths, &key);
		if (!t)
			return 0;
	}
	target = *t;
	if (bpf_map_update_elem(&watched_cg, &id, &target, BPF_ANY))
		count(CNT_WATCH_FULL);
	else
		count(CNT_WATCH_ADDED);
	return 0;
}

/* A removed cgroup's id is never reused (64-bit kernfs ids): dropping it
 * only keeps the map small. */
SEC("tp_btf/cgroup_rmdir")
int juris_cg_rmdir(__u64 *ctx)
{
	struct cgroup *cg = (struct cgroup *)ctx[0];
	__u64 id = BPF_CORE_READ(cg, kn, id);

	bpf_map_delete_elem(&watched_cg, &id);
	return 0;
}
