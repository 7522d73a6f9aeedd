/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The IPv4 geo table as DIR-24-8: one array read per /24, a second for
 * the /24s that hold longer prefixes, whatever the number of prefixes. */
#ifndef JURIS_DIR24_H
#define JURIS_DIR24_H

#include <stddef.h>
#include <stdint.h>
#include "policy/compile.h"
#include "juris.h"

/* Layout shared with the BPF side: see DIR24_* in bpf/juris.h. An entry
 * is 0 (not in the database), a class id 1..DIR24_MAX_CLASS, or, in
 * tbl24 only, DIR24_GROUP | the index of a tbl8 group. */

/* One prefix of the list, with its class, in painting order. */
struct dir24_item {
	uint32_t addr; /* host order */
	uint8_t len;
	uint16_t cls;
};

/* What the tables of one prefix list need, before they are created. */
struct dir24_plan {
	struct dir24_item *v; /* sorted by length, shortest first */
	size_t n;
	uint32_t groups;	 /* tbl8 groups of DIR24_GROUP_SIZE entries */
	uint32_t n_classes;	 /* class ids 1..n_classes are used */
	struct geo_val *classes; /* DIR24_CLASSES entries; [0] is unused */
};

/* Sorts l (IPv4 prefixes, any order), gives each distinct (cc, zone) a
 * class id and counts the tbl8 groups. 0, or a negative errno with a
 * one-line reason in err (too many classes or groups, no memory). */
int dir24_plan(const struct prefix_list *l, struct dir24_plan *p, char *err, size_t len);

/* Paints the plan into zeroed tables: tbl24 of DIR24_TBL24 entries and
 * tbl8 of p->groups * DIR24_GROUP_SIZE entries. Longer prefixes are
 * painted later, so each address ends with its longest match. */
void dir24_paint(const struct dir24_plan *p, uint16_t *tbl24, uint16_t *tbl8);

/* The class id of addr (host order) in painted tables: 0 when none. */
uint16_t dir24_lookup(const uint16_t *tbl24, const uint16_t *tbl8, uint32_t addr);

void dir24_plan_free(struct dir24_plan *p);

#endif
