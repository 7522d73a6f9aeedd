/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Sums the flow table into the exposure rows of the HTML report: per
 * operator and located country, the bytes and flows, and which processes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "report/exposure.h"

struct keyed {
	uint32_t asn;
	char op_cc[2], cc[2];
	uint32_t pid;
	char comm[16];
	const struct flow_entry *f;
};

static int cmp_keyed(const void *pa, const void *pb)
{
	const struct keyed *a = pa, *b = pb;
	int d = memcmp(a, b, offsetof(struct keyed, pid));

	if (d)
		return d;
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	return memcmp(a->comm, b->comm, sizeof(a->comm));
}

static int cmp_proc(const void *pa, const void *pb)
{
	const struct exposure_proc *a = pa, *b = pb;

	if (a->bytes != b->bytes)
		return a->bytes < b->bytes ? 1 : -1;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

static int cmp_row(const void *pa, const void *pb)
{
	const struct exposure_row *a = pa, *b = pb;

	if (a->bytes != b->bytes)
		return a->bytes < b->bytes ? 1 : -1;
	if (a->flows != b->flows)
		return a->flows < b->flows ? 1 : -1;
	return a->asn < b->asn ? -1 : a->asn > b->asn ? 1 : memcmp(a->cc, b->cc, 2);
}

/* Adds a flow's bytes to its process (the keys come sorted by process). */
static void add_proc(struct exposure_proc *all, size_t *n_all, const struct keyed *k,
		     uint64_t bytes)
{
	if (*n_all && all[*n_all - 1].pid == k->pid &&
	    !memcmp(all[*n_all - 1].comm, k->comm, sizeof(k->comm))) {
		all[*n_all - 1].bytes += bytes;
		return;
	}
	all[*n_all].pid = k->pid;
	memcpy(all[*n_all].comm, k->comm, sizeof(k->comm));
	all[*n_all].bytes = bytes;
	(*n_all)++;
}

int exposure_build(const struct flow_entry *flows, size_t n, uint8_t allow_zone,
		   struct exposure_row **rows, size_t *n_rows)
{
	struct keyed *ks = calloc(n ? n : 1, sizeof(*ks));
	struct exposure_proc *procs = calloc(n ? n : 1, sizeof(*procs));
	struct exposure_row *out = calloc(n ? n : 1, sizeof(*out));
	size_t nk = 0, no = 0;

	*rows = NULL;
	*n_rows = 0;
	if (!ks || !procs || !out) {
		free(ks);
		free(procs);
		free(out);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		const struct flow_val *v = &flows[i].v;

		if (!(v->flags & GEO_F_FOREIGN_OP) || !v->asn || v->zone < ZONE_FR ||
		    v->zone > allow_zone)
			continue;
		memset(&ks[nk], 0, sizeof(ks[nk]));
		ks[nk].asn = v->asn;
		memcpy(ks[nk].op_cc, v->op_cc, 2);
		memcpy(ks[nk].cc, v->cc, 2);
		ks[nk].pid = v->pid;
		memcpy(ks[nk].comm, v->comm, sizeof(v->comm));
		ks[nk].f = &flows[i];
		nk++;
	}
	qsort(ks, nk, sizeof(*ks), cmp_keyed);
	for (size_t i = 0; i < nk;) {
		struct exposure_row *r = &out[no++];
		size_t n_all = 0, j = i;

		r->asn = ks[i].asn;
		memcpy(r->op_cc, ks[i].op_cc, 2);
		memcpy(r->cc, ks[i].cc, 2);
		r->zone = ks[i].f->v.zone;
		for (; j < nk && !memcmp(&ks[j], &ks[i], offsetof(struct keyed, pid)); j++) {
			const struct flow_val *v = &ks[j].f->v;

			r->flows++;
			r->packets += v->packets;
			r->bytes += v->bytes;
			r->outside_flows += v->verdict != VERDICT_ALLOW;
			add_proc(procs, &n_all, &ks[j], v->bytes);
		}
		qsort(procs, n_all, sizeof(*procs), cmp_proc);
		r->n_procs = n_all < EXPOSURE_MAX_PROCS ? n_all : EXPOSURE_MAX_PROCS;
		memcpy(r->procs, procs, r->n_procs * sizeof(*procs));
		r->more_procs = n_all - r->n_procs;
		i = j;
	}
	qsort(out, no, sizeof(*out), cmp_row);
	free(ks);
	free(procs);
	*rows = out;
	*n_rows = no;
	return 0;
}
