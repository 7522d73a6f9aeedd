/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Reads the exact counters by country and by operator (bpf/exact.bpf.h). */
#ifndef JURIS_EXACT_H
#define JURIS_EXACT_H

#include "juris.h"
#include "kernel/maps.h"

/* Summed over the CPUs and the nested half; about 90 KiB: allocate it. */
struct juris_exact {
	struct juris_totals country[COUNTRY_IDS][VERDICT_MAX];
	struct juris_totals oper[OPER_IDS][VERDICT_MAX];
	struct oper_ident idents[OPER_IDS]; /* the AS of each operator id */
};

int exact_read(const struct juris_maps *m, struct juris_exact *x);

/* The ISO code of a country id ("" for COUNTRY_LOCAL and COUNTRY_NONE). */
void country_code(unsigned id, char cc[3]);

#endif
