/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The pinned cgroup programs seen from a cgroup: are they attached, and
 * attach the missing ones. */
#ifndef JURIS_CGROUP_ATTACH_H
#define JURIS_CGROUP_ATTACH_H

#include <stddef.h>
#include "kernel/cgroup.h"

/* One cgroup hook: its pin (PIN_DIR/prog_NAME) and its attach type. */
struct cgroup_hook {
	const char *name;
	int attach_type; /* enum bpf_attach_type */
};

#define N_CGROUP_HOOKS 7
extern const struct cgroup_hook cgroup_hooks[N_CGROUP_HOOKS];

/* 0 when every program pinned under pin_dir is attached to the cgroup at
 * cgroup_path (directly or inherited). Otherwise a negative errno and a
 * one-line reason in err: -ENOENT for a missing pin, -ENOLINK for a
 * program that is pinned but not attached there. */
int cgroup_hooks_attached(const char *pin_dir, const char *cgroup_path, char *err, size_t len);

/* Attaches to cgroup t (through a link, pinned as link_NAME_ID) each
 * pinned program that is not attached to it yet: a watched unit restarted
 * has a new cgroup. *attached counts the links made. */
int cgroup_hooks_repair(const char *pin_dir, const struct cgroup_target *t, int *attached,
			char *err, size_t len);

/* The cgroup of the calling process, as an absolute path under the
 * cgroup2 mount (from /proc/self/cgroup). */
int cgroup_self_path(char *buf, size_t len);

#endif
