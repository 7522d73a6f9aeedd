/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Service mode: hooks on the parents of the watched cgroups, membership by
 * the map watched_cg (see bpf/cgroup_watch.bpf.h for why). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kernel/watch.h"

const struct watch_hook watch_hooks[] = {
	{ "egress", BPF_CGROUP_INET_EGRESS },	  { "connect4", BPF_CGROUP_INET4_CONNECT },
	{ "connect6", BPF_CGROUP_INET6_CONNECT }, { "sendmsg4", BPF_CGROUP_UDP4_SENDMSG },
	{ "sendmsg6", BPF_CGROUP_UDP6_SENDMSG },  { "dns_ingress", BPF_CGROUP_INET_INGRESS },
};
const int watch_n_hooks = sizeof(watch_hooks) / sizeof(watch_hooks[0]);

/* path equals anc, or lies below it. */
static bool under_or_at(const char *path, const char *anc)
{
	size_t n = strlen(anc);

	if (!strcmp(anc, "/"))
		return true;
	return !strncmp(path, anc, n) && (path[n] == '\0' || path[n] == '/');
}

static int open_target(struct cgroup_target *t)
{
	struct stat st;

	t->fd = open(t->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t->fd < 0)
		return -errno;
	if (fstat(t->fd, &st)) {
		int ret = -errno;

		close(t->fd);
		t->fd = -1;
		return ret;
	}
	t->id = st.st_ino;
	return 0;
}

int watch_attach_points(const struct cgroup_target *t, int n, struct cgroup_target *ap, int *n_ap,
			int *membership)
{
	char mnt[PATH_MAX], root[PATH_MAX];
	int ret = cgroup2_mount(mnt, sizeof(mnt)), k = 0;

	if (ret)
		return ret;
	if (!realpath(mnt, root))
		return -errno;
	*membership = 1;
	for (int i = 0; i < n; i++) {
		char parent[4096];
		char *slash;
		bool covered = false;

		if (!strcmp(t[i].path, root)) {
			/* The whole host: hooks on the root, no membership test. */
			*membership = 0;
			k = 0;
			snprintf(ap[k++].path, sizeof(ap[0].path), "%s", root);
			break;
		}
		snprintf(parent, sizeof(parent), "%s", t[i].path);
		slash = strrchr(parent, '/');
		if (!slash)
			return -EINVAL;
		*slash = '\0';
		if (!parent[0] || strlen(parent) < strlen(root))
			snprintf(parent, sizeof(parent), "%s", root);
		for (int j = 0; j < k && !covered; j++)
			covered = under_or_at(parent, ap[j].path);
		if (covered)
			continue;
		/* The new one may cover some already chosen. */
		for (int j = 0; j < k;)
			if (under_or_at(ap[j].path, parent))
				ap[j] = ap[--k];
			else
				j++;
		snprintf(ap[k++].path, sizeof(ap[0].path), "%s", parent);
	}
	for (int j = 0; j < k; j++) {
		ret = open_target(&ap[j]);
		if (ret) {
			while (j-- > 0)
				close(ap[j].fd);
			return ret;
		}
	}
	*n_ap = k;
	return 0;
}

int watch_rel_path(const char *root, const char *abs, char *rel, size_t len)
{
	size_t rl = strcmp(root, "/") ? strlen(root) : 0;
	const char *r = abs + rl;

	if (strncmp(abs, root, rl) || (*r && *r != '/'))
		return -EINVAL;
	if (!*r)
		r = "/";
	if (strlen(r) >= len || strlen(r) >= CG_PATH_MAX)
		return -ENAMETOOLONG;
	strcpy(rel, r);
	return 0;
}

/* The tracepoint's match of a target: its parent's id and its name. */
static int watch_target_key(const char *path, struct cg_path_key *key)
{
	const char *slash = strrchr(path, '/');
	char parent[PATH_MAX];
	struct stat st;

	if (!slash || slash == path || !slash[1] || (size_t)(slash - path) >= sizeof(parent) ||
	    strlen(slash + 1) >= sizeof(key->name))
		return -EINVAL;
	memcpy(parent, path, slash - path);
	parent[slash - path] = '\0';
	if (stat(parent, &st))
		return -errno;
	key->parent_id = st.st_ino;
	strcpy(key->name, slash + 1);
	return 0;
}

/* nftw() keeps no context argument: the walk's map, for its callback. */
static __thread int walk_fd = -1;
static __thread __u32 walk_target;
static __thread int walk_err;

static int add_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	__u64 id = st->st_ino;

	(void)path;
	(void)ftw;
	if (flag != FTW_D)
		return 0;
	if (bpf_map_update_elem(walk_fd, &id, &walk_target, BPF_ANY)) {
		walk_err = -errno;
		return 1;
	}
	return 0;
}

int watch_fill(int fd_cg, int fd_paths, const struct cgroup_target *t, int n)
{
	for (__u32 i = 0; i < (__u32)n; i++) {
		struct cg_path_key key = {};
		struct stat st;
		int ret = watch_target_key(t[i].path, &key);

		/* A parent that is gone: watched by id only, and juris status
		 * says so after a restart. */
		if (!ret && bpf_map_update_elem(fd_paths, &key, &i, BPF_ANY))
			return -errno;
		if (stat(t[i].path, &st))
			continue; /* a stopped unit: watched when created */
		/* The target's own id before the walk: a cgroup created below
		 * it meanwhile is added by the kernel (its parent is watched). */
		if (bpf_map_update_elem(fd_cg, &(__u64){ st.st_ino }, &i, BPF_ANY))
			return -errno;
		walk_fd = fd_cg;
		walk_target = i;
		walk_err = 0;
		if (nftw(t[i].path, add_one, 16, FTW_PHYS | FTW_MOUNT) < 0 && !walk_err &&
		    errno != ENOENT)
			return -errno;
		if (walk_err)
			return walk_err;
	}
	return 0;
}

static int pin_name(char *buf, size_t len, const char *dir, const char *hook, uint64_t id)
{
	int n = snprintf(buf, len, "%s/link_%s_%llu", dir, hook, (unsigned long long)id);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int watch_attach_pinned(const char *pin_dir, const struct cgroup_target *ap, uint64_t old_id,
			char *err, size_t errlen)
{
	char path[4096];
	int ret = 0;

	for (int h = 0; h < watch_n_hooks; h++) {
		int prog, link;

		snprintf(path, sizeof(path), "%s/prog_%s", pin_dir, watch_hooks[h].name);
		prog = bpf_obj_get(path);
		if (prog < 0) {
			ret = -errno;
			snprintf(err, errlen, "cannot open the pinned program %s: %s", path,
				 strerror(errno));
			return ret;
		}
		link = bpf_link_create(prog, ap->fd, watch_hooks[h].attach_type, NULL);
		close(prog);
		if (link < 0) {
			ret = -errno;
			snprintf(err, errlen, "cannot attach %s to cgroup %s: %s",
				 watch_hooks[h].name, ap->path, strerror(errno));
			return ret;
		}
		ret = pin_name(path, sizeof(path), pin_dir, watch_hooks[h].name, ap->id);
		if (!ret && bpf_obj_pin(link, path) && errno != EEXIST)
			ret = -errno;
		close(link);
		if (ret) {
			snprintf(err, errlen, "cannot pin the link of %s: %s", watch_hooks[h].name,
				 strerror(-ret));
			return ret;
		}
		if (old_id && old_id != ap->id &&
		    !pin_name(path, sizeof(path), pin_dir, watch_hooks[h].name, old_id))
			unlink(path);
	}
	return 0;
}

int watch_live_links(const char *pin_dir, uint64_t *ids, int max)
{
	DIR *d = opendir(pin_dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d)) && n < max) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);
		char path[4096];
		int fd;

		if (strncmp(e->d_name, "link_egress_", 12))
			continue;
		snprintf(path, sizeof(path), "%s/%s", pin_dir, e->d_name);
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		/* A link whose cgroup was removed stays pinned, with id 0. */
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == BPF_LINK_TYPE_CGROUP &&
		    info.cgroup.cgroup_id)
			ids[n++] = info.cgroup.cgroup_id;
		close(fd);
	}
	closedir(d);
	return n;
}
