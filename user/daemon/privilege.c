/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Least privilege for juris run: after the attach, keep only what reading maps needs. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
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

int privilege_drop(char *err, size_t errlen)
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
		if (cap != keep && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) && errno != EPERM &&
		    errno != EINVAL) {
			ret = -errno;
			snprintf(err, errlen, "dropping capability %d from the bounding set: %s",
				 cap, strerror(errno));
			return ret;
		}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	for (int i = 0; i < 2; i++) {
		__u32 bit = keep / 32 == i ? 1u << (keep % 32) : 0;

		d[i].permitted &= bit;
		d[i].effective &= bit;
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
