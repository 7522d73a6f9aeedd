/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The pinned cgroup programs seen from a cgroup: query and repair. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "base/errmsg.h"
#include "kernel/cgroup.h"
#include "kernel/cgroup_attach.h"

const struct cgroup_hook cgroup_hooks[N_CGROUP_HOOKS] = {
	{ "egress", BPF_CGROUP_INET_EGRESS },
	{ "connect4", BPF_CGROUP_INET4_CONNECT },
	{ "connect6", BPF_CGROUP_INET6_CONNECT },
	{ "sendmsg4", BPF_CGROUP_UDP4_SENDMSG },
	{ "sendmsg6", BPF_CGROUP_UDP6_SENDMSG },
	{ "dns_ingress", BPF_CGROUP_INET_INGRESS },
	{ "sock_release", BPF_CGROUP_INET_SOCK_RELEASE },
};

/* A cgroup holds at most 64 programs per hook (BPF_CGROUP_MAX_PROGS). */
#define MAX_QUERY 64

/* The pinned program of hook h: its fd and id. */
static int open_prog(const char *pin_dir, const struct cgroup_hook *h, int *fd, __u32 *id,
		     char *path, size_t pathlen)
{
	struct bpf_prog_info info = { 0 };
	__u32 ilen = sizeof(info);
	int n = snprintf(path, pathlen, "%s/prog_%s", pin_dir, h->name);

	if (n < 0 || (size_t)n >= pathlen)
		return -ENAMETOOLONG;
	*fd = bpf_obj_get(path);
	if (*fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(*fd, &info, &ilen)) {
		int ret = -errno;

		close(*fd);
		return ret;
	}
	*id = info.id;
	return 0;
}

/* Whether prog id is among the programs of the hook on cgroup fd cg
 * (flags: 0 for those attached there, BPF_F_QUERY_EFFECTIVE for those
 * that run there, inherited ones included). */
static int prog_on_cgroup(int cg, int attach_type, __u32 flags, __u32 id, bool *found)
{
	__u32 ids[MAX_QUERY], n = MAX_QUERY;

	*found = false;
	if (bpf_prog_query(cg, attach_type, flags, NULL, ids, &n))
		return -errno;
	for (__u32 i = 0; i < n && i < MAX_QUERY; i++)
		if (ids[i] == id)
			*found = true;
	return 0;
}

int cgroup_hooks_attached(const char *pin_dir, const char *cgroup_path, char *err, size_t len)
{
	char path[4096];
	int cg, ret = 0;

	cg = open(cgroup_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0)
		return errorf(err, len, -errno, "cannot open cgroup %s: %s", cgroup_path,
			      strerror(errno));
	for (int i = 0; i < N_CGROUP_HOOKS && !ret; i++) {
		const struct cgroup_hook *h = &cgroup_hooks[i];
		bool found;
		__u32 id;
		int fd;

		ret = open_prog(pin_dir, h, &fd, &id, path, sizeof(path));
		if (ret) {
			errorf(err, len, ret,
			       "no juris program pinned at %s (%s): juris stop ran, "
			       "or the pins are gone",
			       path, strerror(-ret));
			break;
		}
		ret = prog_on_cgroup(cg, h->attach_type, BPF_F_QUERY_EFFECTIVE, id, &found);
		close(fd);
		if (ret)
			errorf(err, len, ret, "cannot query the programs of cgroup %s: %s",
			       cgroup_path, strerror(-ret));
		else if (!found)
			ret = errorf(err, len, -ENOLINK,
				     "the juris program %s (id %u) is not "
				     "attached to cgroup %s",
				     path, id, cgroup_path);
	}
	close(cg);
	return ret;
}

/* Unpins the links whose cgroup is gone (the kernel detached them when it
 * freed the cgroup): what a restart of a watched unit leaves behind. */
static void unpin_dead_links(const char *pin_dir)
{
	char path[4096];
	struct dirent *d;
	DIR *dp = opendir(pin_dir);

	if (!dp)
		return;
	while ((d = readdir(dp))) {
		struct bpf_link_info info = { 0 };
		__u32 ilen = sizeof(info);
		int fd, n;

		if (strncmp(d->d_name, "link_", 5))
			continue;
		n = snprintf(path, sizeof(path), "%s/%s", pin_dir, d->d_name);
		if (n < 0 || (size_t)n >= sizeof(path))
			continue;
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &ilen) &&
		    info.type == BPF_LINK_TYPE_CGROUP && info.cgroup.cgroup_id == 0)
			unlink(path);
		close(fd);
	}
	closedir(dp);
}

int cgroup_hooks_repair(const char *pin_dir, const struct cgroup_target *t, int *attached,
			char *err, size_t len)
{
	char path[4096], link_path[4096];
	int ret = 0;

	*attached = 0;
	unpin_dead_links(pin_dir);
	for (int i = 0; i < N_CGROUP_HOOKS && !ret; i++) {
		const struct cgroup_hook *h = &cgroup_hooks[i];
		bool found;
		__u32 id;
		int fd, link, n;

		ret = open_prog(pin_dir, h, &fd, &id, path, sizeof(path));
		if (ret)
			return errorf(err, len, ret,
				      "no juris program pinned at %s (%s): juris "
				      "stop ran, or the pins are gone",
				      path, strerror(-ret));
		/* Running there already: attached by juris run on the cgroup
		 * or, in service mode, on its parent (inherited; the kernel
		 * watched the new cgroup as it was made), or by an earlier
		 * start step. Never twice: it would count twice. */
		ret = prog_on_cgroup(t->fd, h->attach_type, BPF_F_QUERY_EFFECTIVE, id, &found);
		if (ret || found) {
			close(fd);
			if (ret)
				errorf(err, len, ret, "cannot query the programs of cgroup %s: %s",
				       t->path, strerror(-ret));
			continue;
		}
		link = bpf_link_create(fd, t->fd, h->attach_type, NULL);
		if (link < 0) {
			ret = errorf(err, len, -errno, "cannot attach %s to cgroup %s: %s", h->name,
				     t->path, strerror(errno));
			close(fd);
			break;
		}
		n = snprintf(link_path, sizeof(link_path), "%s/link_%s_%llu", pin_dir, h->name,
			     (unsigned long long)t->id);
		if (n < 0 || (size_t)n >= sizeof(link_path))
			ret = errorf(err, len, -ENAMETOOLONG, "pin path too long in %s", pin_dir);
		else if (bpf_obj_pin(link, link_path))
			ret = errorf(err, len, -errno, "cannot pin link %s: %s", link_path,
				     strerror(errno));
		else
			(*attached)++;
		/* Unpinned on failure, the link detaches as it closes. */
		close(link);
		close(fd);
	}
	return ret;
}

int cgroup_self_path(char *buf, size_t len)
{
	char mount[4096], *line = NULL;
	size_t cap = 0;
	int ret = -ENOENT;
	FILE *f;

	ret = cgroup2_mount(mount, sizeof(mount));
	if (ret)
		return ret;
	f = fopen("/proc/self/cgroup", "re");
	if (!f)
		return -errno;
	ret = -ENOENT;
	while (getline(&line, &cap, f) > 0) {
		/* The unified hierarchy's line: "0::/system.slice/x.service". */
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = 0;
		ret = snprintf(buf, len, "%s%s", mount, line + 3) >= (int)len ? -ENAMETOOLONG : 0;
		break;
	}
	free(line);
	fclose(f);
	return ret;
}
