/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Whether each watched cgroup and interface is covered now. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <net/if.h>
#include "kernel/gw_follow.h"
#include "kernel/watch.h"
#include "kernel/watch_state.h"

static void abs_path(char *buf, size_t len, const char *root, const char *rel)
{
	snprintf(buf, len, "%s%s", strcmp(root, "/") ? root : "", strcmp(rel, "/") ? rel : "");
	if (!buf[0])
		snprintf(buf, len, "/");
}

static bool below_or_at(const char *path, const char *anc)
{
	size_t n = strlen(anc);

	if (!strcmp(anc, "/"))
		return true;
	return !strncmp(path, anc, n) && (path[n] == '\0' || path[n] == '/');
}

static int cgroup_states(const char *pin_dir, const struct juris_maps *m,
			 const struct juris_meta *meta, struct watch_state *out, int max)
{
	uint64_t live[MAX_CGROUPS];
	bool alive[MAX_CGROUPS] = { false };
	char root[PATH_MAX], mnt[PATH_MAX], path[4096];
	int n_live, n = 0;
	__u32 n_attach = meta->n_attach < MAX_CGROUPS ? meta->n_attach : MAX_CGROUPS;

	if (cgroup2_mount(mnt, sizeof(mnt)) || !realpath(mnt, root))
		return -ENOENT;
	n_live = watch_live_links(pin_dir, live, MAX_CGROUPS);
	if (n_live < 0)
		return n_live;
	for (__u32 j = 0; j < n_attach; j++) {
		struct stat st;

		abs_path(path, sizeof(path), root, meta->attach_paths[j]);
		if (stat(path, &st))
			continue;
		for (int l = 0; l < n_live; l++)
			if (live[l] == st.st_ino)
				alive[j] = true;
	}
	for (__u32 i = 0; i < meta->n_cgroups && i < MAX_CGROUPS && n < max; i++) {
		struct watch_state *w = &out[n++];
		const char *rel = meta->cgroup_paths[i];
		struct stat st;
		bool hooked = false;

		w->kind = "cgroup";
		w->why = NULL;
		abs_path(w->name, sizeof(w->name), root, rel);
		w->present = !stat(w->name, &st);
		for (__u32 j = 0; j < n_attach; j++)
			if (below_or_at(rel, meta->attach_paths[j]) && alive[j])
				hooked = true;
		w->attached = hooked;
		if (!hooked) {
			w->why =
				"its hooks went with a removed cgroup (juris run attaches them again)";
		} else if (meta->membership && w->present) {
			__u64 id = st.st_ino;
			__u32 v;

			if (bpf_map_lookup_elem(m->fd[MAP_WATCHED_CG], &id, &v)) {
				w->attached = false;
				w->why = "this cgroup is not in the watched map (juris run adds it)";
			}
		}
	}
	return n;
}

int watch_states(const char *pin_dir, const struct juris_maps *m, const struct juris_meta *meta,
		 struct watch_state *out, int max)
{
	int n = cgroup_states(pin_dir, m, meta, out, max);

	if (n < 0)
		return n;
	for (__u32 i = 0; i < meta->n_tc_hooks && i < MAX_GW_IFACES && n < max; i++) {
		const struct tc_hook_rec *r = &meta->tc_hooks[i];
		struct watch_state *w = &out[n++];
		char now[IF_NAMESIZE];

		w->kind = "iface";
		snprintf(w->name, sizeof(w->name), "%s", r->ifname);
		/* A removed interface carries nothing left to watch. */
		w->present = if_indextoname(r->ifindex, now) && !strcmp(now, r->ifname);
		w->attached = !w->present || tc_attached(r) == 1;
		w->why = w->attached ? NULL
				     : "its tc filter was deleted (juris run attaches it again)";
	}
	if (meta->n_uplinks) {
		struct gw_iface *un = calloc(MAX_GW_IFACES, sizeof(*un));
		int k = un ? gw_unwatched(m, meta, un, MAX_GW_IFACES) : -ENOMEM;

		for (int i = 0; i < k && n < max; i++) {
			struct watch_state *w = &out[n++];

			w->kind = "iface";
			snprintf(w->name, sizeof(w->name), "%s", un[i].name);
			w->present = true;
			w->attached = false;
			w->why = "routes a --source range but carries no juris hook (juris run "
				 "attaches it)";
		}
		free(un);
		if (k < 0)
			return k;
	}
	return n;
}
