/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Stable operator ids for the exact counters: one per listed AS, kept in
 * the pinned map oper_ids so that reloads and restarts never remap them. */
#ifndef JURIS_OPER_IDS_H
#define JURIS_OPER_IDS_H

#include <stddef.h>
#include <stdint.h>
#include "juris.h"
#include "policy/overlay.h"

/* The ids of the ASNs of one operator table, sorted by ASN. */
struct oper_id_map {
	struct oper_id_pair {
		uint32_t asn;
		uint16_t id;
	} v[OPER_IDS];
	size_t n;
};

/* Gives every ASN of t an id in the map oper_ids (fd): the one it holds
 * already, else the first free one, else OPER_ID_OTHER when the table is
 * full; rewrites the home and foreign flag of each with t's. ASNs no
 * longer listed keep their ids (their counts stay theirs). out gets the
 * ASN -> id pairs of t. */
int oper_ids_sync(int fd, const struct oper_table *t, struct oper_id_map *out);

/* The id of asn in m; OPER_ID_OTHER when it has none. */
uint16_t oper_id_of(const struct oper_id_map *m, uint32_t asn);

/* Reads the whole map oper_ids into idents[OPER_IDS]. */
int oper_ids_read(int fd, struct oper_ident *idents);

#endif
