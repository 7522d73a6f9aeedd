/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Whether this process may use BPF at all. */
#ifndef JURIS_BPF_ACCESS_H
#define JURIS_BPF_ACCESS_H

#include <stddef.h>

/* Fails early, with a clear reason, when this process may not use BPF. */
int juris_check_privilege(char *err, size_t errlen);

#endif
