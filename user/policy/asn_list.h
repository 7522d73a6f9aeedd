/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Lists of prefixes with their AS number, as every AS source reads them
 * (CSV, MaxMind ASN DB, libloc), kept sorted and merged for the overlay maps. */
#ifndef JURIS_ASN_LIST_H
#define JURIS_ASN_LIST_H

#include <stddef.h>
#include <stdint.h>

/* One network: IPv4 uses addr[0..3] and len 0..32; IPv6 addr[0..15], 0..128.
 * Addresses in network byte order, host bits zero. */
struct asn_prefix {
	uint8_t addr[16];
	uint8_t len;
	char cc[2]; /* operator's home (overlay only), "\0\0" as read */
	uint32_t asn;
};

struct asn_list {
	struct asn_prefix *v;
	size_t n, cap;
};

int asn_list_push(struct asn_list *l, const struct asn_prefix *p);
/* Sorts l by address then length and merges sibling prefixes of the same
 * AS into their parent; of two entries for one prefix, the later stays. */
void asn_list_sort_merge(struct asn_list *l);
void asn_list_free(struct asn_list *l);

#endif
