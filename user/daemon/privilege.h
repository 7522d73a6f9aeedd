/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Dropping the capabilities the daemon no longer needs once it is attached. */
#ifndef JURIS_PRIVILEGE_H
#define JURIS_PRIVILEGE_H

#include <stddef.h>

/* Keeps only CAP_BPF (CAP_SYS_ADMIN on kernels older than 5.8, which have
 * no CAP_BPF) in the permitted and effective sets, clears the inheritable
 * and ambient sets, narrows the bounding set when allowed to, and sets
 * no_new_privs. On error returns a negative errno and writes a reason. */
int privilege_drop(char *err, size_t errlen);

#endif
