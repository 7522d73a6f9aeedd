/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* See grow.h. */
#include <errno.h>
#include <stdlib.h>
#include "base/grow.h"

int grow_for_one(void **v, size_t *cap, size_t n, size_t size, size_t first)
{
	size_t c;
	void *p;

	if (n < *cap)
		return 0;
	c = *cap ? *cap * 2 : first;
	p = reallocarray(*v, c, size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = c;
	return 0;
}
