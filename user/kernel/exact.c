/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Reads the exact counters by country and by operator: see exact.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "kernel/exact.h"
#include "kernel/oper_ids.h"

void country_code(unsigned id, char cc[3])
{
	if (id < COUNTRY_LETTERS) {
		cc[0] = (char)('A' + id / 26);
		cc[1] = (char)('A' + id % 26);
		cc[2] = 0;
	} else {
		cc[0] = 0;
	}
}

/* Entry i of the exact counters: its per-CPU values and its nested half. */
static int read_entry(const struct juris_maps *m, __u32 i, int ncpu, struct juris_totals *percpu,
		      struct juris_totals *out)
{
	struct juris_totals nested;

	if (bpf_map_lookup_elem(m->fd[MAP_EXACT], &i, percpu) ||
	    bpf_map_lookup_elem(m->fd[MAP_EXACT_NESTED], &i, &nested))
		return -errno;
	*out = nested;
	for (int c = 0; c < ncpu; c++) {
		out->packets += percpu[c].packets;
		out->bytes += percpu[c].bytes;
		out->flows += percpu[c].flows;
	}
	return 0;
}

int exact_read(const struct juris_maps *m, struct juris_exact *x)
{
	int ncpu = libbpf_num_possible_cpus();
	struct juris_totals *percpu;
	int ret = 0;

	if (ncpu < 0)
		return ncpu;
	if (m->fd[MAP_EXACT] < 0 || m->fd[MAP_EXACT_NESTED] < 0 || m->fd[MAP_OPER_IDS] < 0)
		return -EBADF;
	percpu = calloc(ncpu, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	memset(x, 0, sizeof(*x));
	/* One lookup per entry: a few thousand system calls, some ms. */
	for (__u32 c = 0; c < COUNTRY_IDS && !ret; c++)
		for (__u32 v = 0; v < VERDICT_MAX && !ret; v++)
			ret = read_entry(m, EXACT_COUNTRY(c, v), ncpu, percpu, &x->country[c][v]);
	for (__u32 o = 0; o < OPER_IDS && !ret; o++)
		for (__u32 v = 0; v < VERDICT_MAX && !ret; v++)
			ret = read_entry(m, EXACT_OPER(o, v), ncpu, percpu, &x->oper[o][v]);
	if (!ret)
		ret = oper_ids_read(m->fd[MAP_OPER_IDS], x->idents);
	free(percpu);
	return ret;
}
