/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Service mode: where the hooks go (the parents of the watched cgroups),
 * which cgroups are watched (the map watched_cg), and whether each watched
 * cgroup is covered right now. */
#ifndef JURIS_WATCH_H
#define JURIS_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "juris.h"
#include "kernel/cgroup.h"

/* The cgroup hooks juris attaches, by the short name of their program
 * (its pin is prog_NAME, a link link_NAME_CGROUPID). */
struct watch_hook {
	const char *name;
	int attach_type; /* enum bpf_attach_type */
};

extern const struct watch_hook watch_hooks[];
extern const int watch_n_hooks;

/* Where the hooks of targets t go: the parent of each, without those below
 * another one (a program attached twice on one path would count a packet
 * twice). Opens each (ap[i].fd) and sets its id. Returns 0, with
 * *membership = 1; or, when a target is the cgroup2 root itself (host
 * mode), the root alone with *membership = 0; or a negative errno. */
int watch_attach_points(const struct cgroup_target *t, int n, struct cgroup_target *ap, int *n_ap,
			int *membership);

/* The path of abs relative to the cgroup2 mount root, as the kernel's
 * cgroup tracepoints write it ("/" for the root). -ENAMETOOLONG when it
 * does not fit CG_PATH_MAX. */
int watch_rel_path(const char *root, const char *abs, char *rel, size_t len);

/* Fills watched_paths with the targets' parent ids and names, and watched_cg with
 * the targets' ids and every cgroup below them. Idempotent. */
int watch_fill(int fd_cg, int fd_paths, const struct cgroup_target *t, int n);

/* Attaches the pinned programs of pin_dir (prog_NAME) to the cgroup ap (its
 * fd and id) and pins the links; removes the link pins of old_id, the
 * cgroup the hooks were on before. */
int watch_attach_pinned(const char *pin_dir, const struct cgroup_target *ap, uint64_t old_id,
			char *err, size_t errlen);

/* The ids of the cgroups that carry a live link pinned in pin_dir. */
int watch_live_links(const char *pin_dir, uint64_t *ids, int max);

#endif
