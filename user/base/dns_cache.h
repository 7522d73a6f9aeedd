/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The daemon's address -> name cache: bounded, TTLs honoured, the least
 * recently used entry evicted when full (and counted when still live). */
#ifndef JURIS_DNS_CACHE_H
#define JURIS_DNS_CACHE_H

#include <stdint.h>
#include "juris.h"
#include "base/siphash.h"

struct dns_cache_entry {
	struct dns_addr_key key;
	struct dns_name_val val;
	uint32_t prev, next; /* LRU list, most recent first; NONE at the ends */
	uint32_t chain;	     /* next entry of the same hash bucket */
	uint8_t used;
};

struct dns_cache {
	struct dns_cache_entry *e;
	uint32_t *buckets;
	uint32_t cap, n_buckets, n;
	uint32_t head, tail, free; /* LRU ends; first unused entry */
	uint64_t live_evictions;   /* unexpired names forgotten for room */
	struct siphash_key key;	   /* of the bucket hash, drawn at init */
};

/* Returns 0, -EINVAL, -ENOMEM, or getrandom()'s error. */
int dns_cache_init(struct dns_cache *c, uint32_t cap);
/* Entries in the longest bucket chain: what one lookup may walk. */
uint32_t dns_cache_longest_chain(const struct dns_cache *c);
void dns_cache_free(struct dns_cache *c);
/* Records that addr answered for name until expires_ns (CLOCK_BOOTTIME). */
void dns_cache_put(struct dns_cache *c, const struct dns_addr_key *addr, const char *name,
		   uint64_t learned_ns, uint64_t expires_ns);
/* The name addr answered for, if that answer is still valid at now_ns. */
const struct dns_name_val *dns_cache_get(struct dns_cache *c, const struct dns_addr_key *addr,
					 uint64_t now_ns);
/* The key of a family's address (IPv4 as ::ffff:a.b.c.d). */
void dns_addr_key_of(int family, const uint8_t *addr, struct dns_addr_key *k);

#endif
