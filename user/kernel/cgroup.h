/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Finding cgroup v2 directories and their ids, and preparing bpffs pins. */
#ifndef JURIS_CGROUP_H
#define JURIS_CGROUP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A cgroup juris watches or attaches to: canonical path, id, open fd. */
struct cgroup_target {
	char path[4096];
	uint64_t id;
	int fd;
};

/* Writes the mount point of the first cgroup2 filesystem listed in mounts
 * (the /proc/mounts format, octal escapes undone) to buf. Returns 0,
 * -ENOENT when there is none, -ENAMETOOLONG when buf is too small. */
int cgroup2_mount_from(FILE *mounts, char *buf, size_t len);

/* The same, from /proc/self/mounts. */
int cgroup2_mount(char *buf, size_t len);

/* Resolves a cgroup named by arg under the cgroup2 mount:
 *   - an absolute path under the mount;
 *   - a path relative to the mount (system.slice/nginx.service);
 *   - a bare name (postgresql.service, foo.scope, bar.slice): the
 *     shallowest directory of that name in the tree.
 * Writes the canonical absolute path and the cgroup id (the directory's
 * inode number, as bpf_get_current_cgroup_id() reports it). Returns 0,
 * -ENOENT (no such cgroup), -ENOTDIR (not a directory), -EINVAL (outside
 * the cgroup2 hierarchy), -ENOTUNIQ (a bare name found twice at the same
 * depth), -ENAMETOOLONG. */
int cgroup_resolve(const char *arg, char *path, size_t len, uint64_t *id);

/* cgroup_resolve against the tree rooted at root (a canonical absolute
 * path), without checking that it is a cgroup2 filesystem: testable on
 * an ordinary directory tree. */
int cgroup_resolve_in(const char *root, const char *arg, char *path, size_t len, uint64_t *id);

/* Finds the path of the cgroup whose id is id, under root (NULL: the
 * cgroup2 mount). Returns 0 or -ENOENT (removed since), -ENAMETOOLONG. */
int cgroup_path_of_id(const char *root, uint64_t id, char *path, size_t len);

/* Makes sure pin_dir exists on a bpffs, mounting bpffs on /sys/fs/bpf
 * when pin_dir lies under it and it is not mounted yet, then creating
 * pin_dir and its missing parents with mode 0700. Returns 0, -ENOTSUP
 * when pin_dir is on another filesystem, or a negative errno. */
int bpffs_ensure(const char *pin_dir);

#endif
