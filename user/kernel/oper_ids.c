/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Stable operator ids for the exact counters: see oper_ids.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "kernel/oper_ids.h"
#include "policy/operators.h"

int oper_ids_read(int fd, struct oper_ident *idents)
{
	for (__u32 i = 0; i < OPER_IDS; i++)
		if (bpf_map_lookup_elem(fd, &i, &idents[i]))
			return -errno;
	return 0;
}

static int cmp_pair(const void *a, const void *b)
{
	uint32_t x = ((const struct oper_id_pair *)a)->asn,
		 y = ((const struct oper_id_pair *)b)->asn;

	return x < y ? -1 : x > y;
}

uint16_t oper_id_of(const struct oper_id_map *m, uint32_t asn)
{
	struct oper_id_pair key = { .asn = asn };
	const struct oper_id_pair *p = bsearch(&key, m->v, m->n, sizeof(m->v[0]), cmp_pair);

	return p ? p->id : OPER_ID_OTHER;
}

/* The id that idents gives asn, else a free one (taken), else OPER_ID_OTHER.
 * A linear search: a few hundred ids, once per listed AS and reload. */
static uint16_t find_or_take(struct oper_ident *idents, uint32_t asn)
{
	int free_id = -1;

	for (int i = 1; i < OPER_ID_OTHER; i++) {
		if (idents[i].asn == asn)
			return (uint16_t)i;
		if (!idents[i].asn && free_id < 0)
			free_id = i;
	}
	if (free_id < 0)
		return OPER_ID_OTHER;
	idents[free_id].asn = asn;
	return (uint16_t)free_id;
}

static int cmp_prefix_asn(const void *a, const void *b)
{
	uint32_t x = (*(const struct oper_prefix *const *)a)->asn;
	uint32_t y = (*(const struct oper_prefix *const *)b)->asn;

	return x < y ? -1 : x > y;
}

int oper_ids_sync(int fd, const struct oper_table *t, struct oper_id_map *out)
{
	struct oper_ident *idents = calloc(OPER_IDS, sizeof(*idents));
	struct oper_ident *before = calloc(OPER_IDS, sizeof(*before));
	/* The prefixes by ASN: one id per run of equal ASNs. */
	const struct oper_prefix **by_asn = calloc(t->n ? t->n : 1, sizeof(*by_asn));
	int ret;

	out->n = 0;
	if (!idents || !before || !by_asn) {
		ret = -ENOMEM;
		goto out;
	}
	ret = oper_ids_read(fd, idents);
	if (ret)
		goto out;
	memcpy(before, idents, OPER_IDS * sizeof(*idents));
	for (size_t i = 0; i < t->n; i++)
		by_asn[i] = &t->v[i];
	qsort(by_asn, t->n, sizeof(*by_asn), cmp_prefix_asn);
	for (size_t i = 0; i < t->n; i++) {
		const struct oper_prefix *p = by_asn[i];
		const struct operator* op;
		uint16_t id;

		if (!p->asn || (i > 0 && by_asn[i - 1]->asn == p->asn))
			continue;
		id = find_or_take(idents, p->asn);
		if (id == OPER_ID_OTHER)
			continue; /* oper_id_of() answers OPER_ID_OTHER */
		out->v[out->n++] = (struct oper_id_pair){ .asn = p->asn, .id = id };
		idents[id].home_cc[0] = p->home_cc[0];
		idents[id].home_cc[1] = p->home_cc[1];
		idents[id].foreign = p->foreign;
		op = t->names ? operator_find(t->names, p->asn) : NULL;
		snprintf(idents[id].name, sizeof(idents[id].name), "%s", op ? op->name : "");
	}
	for (__u32 i = 0; i < OPER_IDS && !ret; i++)
		if (memcmp(&idents[i], &before[i], sizeof(idents[i])) &&
		    bpf_map_update_elem(fd, &i, &idents[i], BPF_ANY))
			ret = -errno;
out:
	free(idents);
	free(before);
	free(by_asn);
	return ret;
}
