/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Dropping the capabilities the daemon no longer needs once it is attached. */
#ifndef JURIS_PRIVILEGE_H
#define JURIS_PRIVILEGE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Keeps only CAP_BPF (CAP_SYS_ADMIN on kernels older than 5.8, which have
 * no CAP_BPF), and CAP_NET_ADMIN too when reattach is true (service mode:
 * attaching the pinned programs to a recreated parent cgroup needs it),
 * in the permitted and effective sets, clears the inheritable and ambient
 * sets, narrows the bounding set when allowed to, becomes uid:gid (its only
 * group) unless uid is 0, and sets no_new_privs. Call it before any thread
 * starts: all of this applies to the calling thread only. On error returns
 * a negative errno and writes a reason. */
int privilege_drop(bool reattach, uid_t uid, gid_t gid, char *err, size_t errlen);

/* The uid and primary gid of user name; refuses uid 0. */
int privilege_user(const char *name, uid_t *uid, gid_t *gid, char *err, size_t errlen);

/* Gives path, a directory, and everything below it to uid:gid (links
 * not followed). Returns 0 or a negative errno. */
int privilege_chown_tree(const char *path, uid_t uid, gid_t gid);

#endif
