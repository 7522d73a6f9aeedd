/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Finding cgroup v2 directories and their ids, and preparing bpffs pins. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include "kernel/cgroup.h"

#define BPFFS_DEFAULT "/sys/fs/bpf"

/* Bounds of a tree search: systemd trees are a few levels deep and a few
 * thousand cgroups wide; a runaway walk must not hang juris run. */
#define WALK_MAX_DEPTH 32
#define WALK_MAX_VISITS 200000

/* /proc/mounts escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *out = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	*out = '\0';
}

int cgroup2_mount_from(FILE *mounts, char *buf, size_t len)
{
	char *line = NULL;
	size_t cap = 0;
	int ret = -ENOENT;

	if (!mounts || !buf || !len)
		return -EINVAL;
	while (getline(&line, &cap, mounts) > 0) {
		char *save = NULL, *dir, *type;

		/* device, mount point, type, options... */
		if (!strtok_r(line, " \t\n", &save))
			continue;
		dir = strtok_r(NULL, " \t\n", &save);
		type = strtok_r(NULL, " \t\n", &save);
		if (!dir || !type || strcmp(type, "cgroup2"))
			continue;
		unescape_octal(dir);
		if (strlen(dir) >= len) {
			ret = -ENAMETOOLONG;
		} else {
			strcpy(buf, dir);
			ret = 0;
		}
		break;
	}
	free(line);
	return ret;
}

int cgroup2_mount(char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/mounts", "re");
	int ret;

	if (!f)
		return -errno;
	ret = cgroup2_mount_from(f, buf, len);
	fclose(f);
	return ret;
}

/* One tree search, for a directory by name (shallowest wins) or by inode. */
struct walk {
	const char *name; /* looked-for name, or NULL to look for ino */
	uint64_t ino;
	dev_t dev;	    /* do not leave the filesystem of the root */
	char cur[PATH_MAX]; /* path of the directory being read */
	char found[PATH_MAX];
	int best_depth; /* depth of found, INT_MAX while none */
	int n_best;	/* matches at best_depth */
	long visits;
};

static bool walk_done(const struct walk *w)
{
	return w->visits >= WALK_MAX_VISITS || (!w->name && w->n_best);
}

/* Reads the directory open at dfd (consumed), w->cur being its path. */
static void walk_dir(struct walk *w, int dfd, int depth)
{
	size_t curlen = strlen(w->cur);
	DIR *d = fdopendir(dfd);
	struct dirent *e;

	if (!d) {
		close(dfd);
		return;
	}
	while (!walk_done(w) && (e = readdir(d))) {
		struct stat st;
		int cfd;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
			continue;
		w->visits++;
		if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISDIR(st.st_mode) || st.st_dev != w->dev)
			continue;
		if (curlen + 1 + strlen(e->d_name) >= sizeof(w->cur))
			continue;
		w->cur[curlen] = '/';
		strcpy(w->cur + curlen + 1, e->d_name);

		if (w->name ? !strcmp(e->d_name, w->name) : st.st_ino == w->ino) {
			if (depth + 1 < w->best_depth) {
				w->best_depth = depth + 1;
				w->n_best = 1;
				strcpy(w->found, w->cur);
			} else if (depth + 1 == w->best_depth) {
				w->n_best++;
			}
		}
		/* Below the best match nothing can win any more. */
		if (depth + 2 <= w->best_depth && depth + 1 < WALK_MAX_DEPTH && !walk_done(w)) {
			cfd = openat(dirfd(d), e->d_name,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (cfd >= 0)
				walk_dir(w, cfd, depth + 1);
		}
		w->cur[curlen] = '\0';
	}
	closedir(d);
}

static int walk_tree(struct walk *w, const char *root)
{
	struct stat st;
	int fd;

	if (strlen(root) >= sizeof(w->cur))
		return -ENAMETOOLONG;
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	w->dev = st.st_dev;
	w->best_depth = INT_MAX;
	w->n_best = 0;
	w->visits = 0;
	/* "/" as root would make every path start with "//". */
	strcpy(w->cur, strcmp(root, "/") ? root : "");
	walk_dir(w, fd, 0);
	return 0;
}

static bool path_is_under(const char *path, const char *root)
{
	size_t rl = strlen(root);

	if (!strcmp(root, "/"))
		return path[0] == '/';
	return !strncmp(path, root, rl) && (path[rl] == '\0' || path[rl] == '/');
}

/* A bare name: the cgroup of that name nearest the root. */
static int find_by_name(const char *root, const char *name, char *out, size_t len)
{
	struct walk *w;
	struct stat st;
	int ret;

	/* The common case, a direct child, needs no walk. */
	if ((size_t)snprintf(out, len, "%s/%s", strcmp(root, "/") ? root : "", name) >= len)
		return -ENAMETOOLONG;
	if (!stat(out, &st))
		return 0;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->name = name;
	ret = walk_tree(w, root);
	if (!ret && !w->n_best)
		ret = -ENOENT;
	else if (!ret && w->n_best > 1)
		ret = -ENOTUNIQ;
	else if (!ret && strlen(w->found) >= len)
		ret = -ENAMETOOLONG;
	else if (!ret)
		strcpy(out, w->found);
	free(w);
	return ret;
}

int cgroup_resolve_in(const char *root, const char *arg, char *path, size_t len, uint64_t *id)
{
	char full[PATH_MAX], canon[PATH_MAX];
	struct stat st;
	int ret;

	if (!root || root[0] != '/' || !arg || !*arg || !path || !len || !id)
		return -EINVAL;
	if (arg[0] == '/') {
		if (strlen(arg) >= sizeof(full))
			return -ENAMETOOLONG;
		strcpy(full, arg);
	} else if (strchr(arg, '/') || !strcmp(arg, ".") || !strcmp(arg, "..")) {
		if ((size_t)snprintf(full, sizeof(full), "%s/%s", root, arg) >= sizeof(full))
			return -ENAMETOOLONG;
	} else {
		ret = find_by_name(root, arg, full, sizeof(full));
		if (ret)
			return ret;
	}
	/* Canonical form: ".." and symlinks cannot lead outside the tree
	 * unnoticed, and two spellings of one cgroup compare equal. */
	if (!realpath(full, canon))
		return -errno;
	if (!path_is_under(canon, root))
		return -EINVAL;
	if (stat(canon, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (strlen(canon) >= len)
		return -ENAMETOOLONG;
	strcpy(path, canon);
	*id = st.st_ino;
	return 0;
}

static int cgroup2_root(char *root, size_t len)
{
	char mnt[PATH_MAX];
	int ret = cgroup2_mount(mnt, sizeof(mnt));

	if (ret)
		return ret;
	if (len < PATH_MAX)
		return -ENAMETOOLONG;
	if (!realpath(mnt, root))
		return -errno;
	return 0;
}

int cgroup_resolve(const char *arg, char *path, size_t len, uint64_t *id)
{
	char root[PATH_MAX];
	struct statfs sfs;
	int ret;

	ret = cgroup2_root(root, sizeof(root));
	if (ret)
		return ret;
	ret = cgroup_resolve_in(root, arg, path, len, id);
	if (ret)
		return ret;
	/* Another filesystem mounted inside the hierarchy is no cgroup. */
	if (statfs(path, &sfs))
		return -errno;
	if (sfs.f_type != CGROUP2_SUPER_MAGIC)
		return -EINVAL;
	return 0;
}

int cgroup_path_of_id(const char *root, uint64_t id, char *path, size_t len)
{
	char rootbuf[PATH_MAX];
	struct stat st;
	struct walk *w;
	int ret;

	if (!path || !len)
		return -EINVAL;
	if (!root) {
		ret = cgroup2_root(rootbuf, sizeof(rootbuf));
		if (ret)
			return ret;
		root = rootbuf;
	}
	if (stat(root, &st))
		return -errno;
	if (st.st_ino == id) {
		if (strlen(root) >= len)
			return -ENAMETOOLONG;
		strcpy(path, root);
		return 0;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->ino = id;
	ret = walk_tree(w, root);
	if (!ret && !w->n_best)
		ret = -ENOENT;
	else if (!ret && strlen(w->found) >= len)
		ret = -ENAMETOOLONG;
	else if (!ret)
		strcpy(path, w->found);
	free(w);
	return ret;
}

static bool is_bpffs(const char *path)
{
	struct statfs sfs;

	return !statfs(path, &sfs) && sfs.f_type == BPF_FS_MAGIC;
}

/* mkdir -p with mode 0700: pins are readable by root only. */
static int mkdir_p(char *path)
{
	struct stat st;

	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) && errno != EEXIST) {
			int ret = -errno;

			*p = '/';
			return ret;
		}
		*p = '/';
	}
	if (mkdir(path, 0700) && errno != EEXIST)
		return -errno;
	if (stat(path, &st))
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

int bpffs_ensure(const char *pin_dir)
{
	char path[PATH_MAX], probe[PATH_MAX];
	size_t n;
	int ret;

	if (!pin_dir || pin_dir[0] != '/')
		return -EINVAL;
	n = strlen(pin_dir);
	if (n >= sizeof(path))
		return -ENAMETOOLONG;
	strcpy(path, pin_dir);
	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';

	/* The nearest existing ancestor tells which filesystem it will be on. */
	strcpy(probe, path);
	for (;;) {
		struct stat st;
		char *slash;

		if (!stat(probe, &st)) {
			if (!strcmp(probe, path) && !S_ISDIR(st.st_mode))
				return -ENOTDIR;
			break;
		}
		if (errno != ENOENT)
			return -errno;
		slash = strrchr(probe, '/');
		if (slash == probe) {
			strcpy(probe, "/");
			break;
		}
		*slash = '\0';
	}
	if (!is_bpffs(probe)) {
		if (!path_is_under(path, BPFFS_DEFAULT))
			return -ENOTSUP;
		if (!is_bpffs(BPFFS_DEFAULT) &&
		    mount("bpf", BPFFS_DEFAULT, "bpf", 0, "mode=0700")) {
			ret = -errno;
			/* Losing a race to another juris is fine. */
			if (!is_bpffs(BPFFS_DEFAULT))
				return ret;
		}
	}
	ret = mkdir_p(path);
	if (ret)
		return ret;
	return is_bpffs(path) ? 0 : -ENOTSUP;
}
