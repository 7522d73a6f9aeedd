/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Least privilege for juris run: after the attach, keep only what reading maps needs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include "daemon/privilege.h"

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

/* glibc wraps neither capget nor capset; libcap would be a run-time
 * dependency for two system calls, so call them directly. */
static int caps_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };

	return syscall(SYS_capget, &h, d) ? -errno : 0;
}

static int caps_set(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };

	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

static int last_cap(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int n = -1;

	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = -1;
		fclose(f);
	}
	/* Without /proc, assume the newest set this was written against. */
	return n > 0 ? n : 40;
}

int privilege_user(const char *name, uid_t *uid, gid_t *gid, char *err, size_t errlen)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(name);
	if (!pw) {
		snprintf(err, errlen, "unknown user %s%s%s", name, errno ? ": " : "",
			 errno ? strerror(errno) : "");
		return errno ? -errno : -ENOENT;
	}
	if (!pw->pw_uid) {
		snprintf(err, errlen, "--user %s is uid 0: give an unprivileged user", name);
		return -EINVAL;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

/* Gives dir (an open directory) and everything below it to uid:gid,
 * without following links. */
static int chown_below(int dir, uid_t uid, gid_t gid)
{
	DIR *d = fdopendir(dir);
	struct dirent *e;
	int ret = 0;

	if (!d) {
		ret = -errno;
		close(dir);
		return ret;
	}
	while (!ret && (e = readdir(d))) {
		int sub;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (fchownat(dirfd(d), e->d_name, uid, gid, AT_SYMLINK_NOFOLLOW))
			ret = -errno;
		else if (e->d_type == DT_DIR) {
			sub = openat(dirfd(d), e->d_name,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			ret = sub < 0 ? -errno : chown_below(sub, uid, gid);
		}
	}
	closedir(d);
	return ret;
}

int privilege_chown_tree(const char *path, uid_t uid, gid_t gid)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fchown(fd, uid, gid)) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return chown_below(fd, uid, gid);
}

/* Becomes uid:gid keeping the permitted capabilities (PR_SET_KEEPCAPS):
 * with euid 0, writes to /proc/sys need no capability at all, so a
 * daemon that kept uid 0 could make itself root again (core_pattern). */
static int become(uid_t uid, gid_t gid, char *err, size_t errlen)
{
	int ret = 0;

	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || setgroups(1, &gid) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid)) {
		ret = -errno;
		snprintf(err, errlen, "cannot become uid %u gid %u: %s", (unsigned)uid,
			 (unsigned)gid, strerror(errno));
	}
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	return ret;
}

int privilege_drop(bool reattach, uid_t uid, gid_t gid, char *err, size_t errlen)
{
	struct __user_cap_data_struct d[2];
	int top = last_cap();
	/* From here on the daemon only works through the map fds it holds:
	 * lookups, one config update on exit, the ring buffer. Kernels since
	 * 6.5 check capabilities only to create maps and load programs; older
	 * ones with unprivileged_bpf_disabled want bpf_capable() for every
	 * bpf() call, which CAP_BPF (or, before 5.8, CAP_SYS_ADMIN) gives. */
	int keep = top >= CAP_BPF ? CAP_BPF : CAP_SYS_ADMIN;
	int ret;

	ret = caps_get(d);
	if (ret) {
		snprintf(err, errlen, "capget: %s", strerror(-ret));
		return ret;
	}
	/* The bounding set needs CAP_SETPCAP, which a hardened unit does not
	 * grant: then its own CapabilityBoundingSet already did this. */
	for (int cap = 0; cap <= top; cap++)
		if (cap != keep && !(reattach && cap == CAP_NET_ADMIN) &&
		    prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EPERM && errno != EINVAL) {
			ret = -errno;
			snprintf(err, errlen, "dropping capability %d from the bounding set: %s",
				 cap, strerror(errno));
			return ret;
		}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (uid) {
		/* The change of uid empties the effective set: read again. */
		ret = become(uid, gid, err, errlen);
		if (!ret)
			ret = caps_get(d);
		if (ret) {
			if (!err[0])
				snprintf(err, errlen, "capget: %s", strerror(-ret));
			return ret;
		}
	}
	for (int i = 0; i < 2; i++) {
		__u32 bit = keep / 32 == i ? 1u << (keep % 32) : 0;

		if (reattach && CAP_NET_ADMIN / 32 == i)
			bit |= 1u << (CAP_NET_ADMIN % 32);

		d[i].permitted &= bit;
		d[i].effective = d[i].permitted;
		d[i].inheritable = 0;
	}
	ret = caps_set(d);
	if (ret) {
		snprintf(err, errlen, "capset: %s", strerror(-ret));
		return ret;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		ret = -errno;
		snprintf(err, errlen, "no_new_privs: %s", strerror(errno));
		return ret;
	}
	return 0;
}
