/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The IPv6 geo table as sorted ranges: a binary search of a fixed number
 * of steps, whatever the number of prefixes (see GEO6_* in bpf/juris.h). */
#ifndef JURIS_RANGE6_H
#define JURIS_RANGE6_H

#include <stddef.h>
#include <stdint.h>
#include "policy/compile.h"
#include "juris.h"

/* Ranges in address order: v[0] starts at ::, each runs up to the next
 * one's start, two neighbours never hold the same value. */
struct range6_table {
	struct geo6_range *v;
	size_t n;
};

/* The ranges of l (IPv6 prefixes, any order, nested or not): each address
 * gets the value of its longest prefix, none (all zero) outside them.
 * 0, or a negative errno with a one-line reason in err. */
int range6_build(const struct prefix_list *l, struct range6_table *t, char *err, size_t len);

/* The range that holds addr (network order), as the kernel finds it. */
const struct geo6_range *range6_lookup(const struct range6_table *t, const uint8_t addr[16]);

void range6_free(struct range6_table *t);

#endif
