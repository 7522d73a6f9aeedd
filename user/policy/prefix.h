/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Lists of networks, each tagged with a country and a zone: built by the
 * readers, overridden by the local ranges and merged for the kernel. */
#ifndef JURIS_PREFIX_H
#define JURIS_PREFIX_H

#include <stddef.h>
#include <stdint.h>

/* One network: IPv4 uses addr[0..3] and len 0..32; IPv6 addr[0..15], 0..128.
 * Addresses in network byte order, host bits zero. */
struct net_prefix {
	uint8_t addr[16];
	uint8_t len;
	char cc[2];   /* ISO alpha-2, "\0\0" when the database has none */
	uint8_t zone; /* enum juris_zone */
};

struct prefix_list {
	struct net_prefix *v;
	size_t n, cap;
	size_t faulted; /* entries below this are mapped (prefix_list_push) */
};

int prefix_list_push(struct prefix_list *l, const struct net_prefix *p);
/* Room for n prefixes without further allocation. */
int prefix_list_reserve(struct prefix_list *l, size_t n);
/* Gives back the room beyond the prefixes held. */
void prefix_list_fit(struct prefix_list *l);
void prefix_list_free(struct prefix_list *l);
/* Drops prefixes nested inside a local range, adds the local ranges. */
int prefix_apply_local(struct prefix_list *l, const struct prefix_list *local, int bits);
/* Sorts by address then length and merges sibling prefixes with equal
 * (cc, zone) into their parent, repeatedly. bits is 32 or 128. */
int prefix_merge(struct prefix_list *l, int bits);

#endif
