/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Growth of the malloc'd arrays of prefixes and records. */
#ifndef JURIS_GROW_H
#define JURIS_GROW_H

#include <stddef.h>

/* Makes room for one more element in *v (n used of *cap, each size bytes):
 * doubles the capacity, starting at first. Returns 0 or -ENOMEM, *v and
 * *cap untouched on failure. */
int grow_for_one(void **v, size_t *cap, size_t n, size_t size, size_t first);

#endif
