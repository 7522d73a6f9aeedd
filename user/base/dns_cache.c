/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The daemon's address -> name cache: a chained hash table over a fixed
 * array, with an LRU list through the same entries. Hand-rolled because
 * neither glibc's hsearch (no removal) nor anything in Debian's C
 * libraries juris already uses gives a bounded LRU map. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "base/dns_cache.h"

#define NONE UINT32_MAX

static uint32_t hash(const struct dns_addr_key *k)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < sizeof(k->addr); i++)
		h = (h ^ k->addr[i]) * 0x100000001b3ull;
	return (uint32_t)(h ^ h >> 32);
}

void dns_addr_key_of(int family, const uint8_t *addr, struct dns_addr_key *k)
{
	memset(k, 0, sizeof(*k));
	if (family == AF_INET) {
		k->addr[10] = 0xff;
		k->addr[11] = 0xff;
		memcpy(&k->addr[12], addr, 4);
	} else {
		memcpy(k->addr, addr, 16);
	}
}

int dns_cache_init(struct dns_cache *c, uint32_t cap)
{
	memset(c, 0, sizeof(*c));
	if (!cap)
		return -EINVAL;
	c->cap = cap;
	for (c->n_buckets = 1; c->n_buckets < cap * 2; c->n_buckets <<= 1)
		;
	c->e = calloc(cap, sizeof(*c->e));
	c->buckets = malloc(c->n_buckets * sizeof(*c->buckets));
	if (!c->e || !c->buckets) {
		dns_cache_free(c);
		return -ENOMEM;
	}
	memset(c->buckets, 0xff, c->n_buckets * sizeof(*c->buckets));
	c->head = c->tail = NONE;
	return 0;
}

void dns_cache_free(struct dns_cache *c)
{
	free(c->e);
	free(c->buckets);
	c->e = NULL;
	c->buckets = NULL;
}

static void unlink_lru(struct dns_cache *c, uint32_t i)
{
	struct dns_cache_entry *e = &c->e[i];

	if (e->prev != NONE)
		c->e[e->prev].next = e->next;
	else
		c->head = e->next;
	if (e->next != NONE)
		c->e[e->next].prev = e->prev;
	else
		c->tail = e->prev;
}

static void push_front(struct dns_cache *c, uint32_t i)
{
	c->e[i].prev = NONE;
	c->e[i].next = c->head;
	if (c->head != NONE)
		c->e[c->head].prev = i;
	c->head = i;
	if (c->tail == NONE)
		c->tail = i;
}

static uint32_t find(const struct dns_cache *c, const struct dns_addr_key *k)
{
	uint32_t i = c->buckets[hash(k) & (c->n_buckets - 1)];

	while (i != NONE && memcmp(&c->e[i].key, k, sizeof(*k)))
		i = c->e[i].chain;
	return i;
}

/* Takes entry i out of its bucket and the LRU list. */
static void remove_entry(struct dns_cache *c, uint32_t i)
{
	uint32_t *p = &c->buckets[hash(&c->e[i].key) & (c->n_buckets - 1)];

	while (*p != i)
		p = &c->e[*p].chain;
	*p = c->e[i].chain;
	unlink_lru(c, i);
	c->e[i].used = 0;
	c->n--;
}

void dns_cache_put(struct dns_cache *c, const struct dns_addr_key *addr, const char *name,
		   uint64_t learned_ns, uint64_t expires_ns)
{
	uint32_t i = find(c, addr), b;
	struct dns_cache_entry *e;

	if (i != NONE) {
		unlink_lru(c, i);
	} else {
		if (c->n == c->cap) {
			i = c->tail;
			if (c->e[i].val.expires_ns > learned_ns)
				c->live_evictions++;
			remove_entry(c, i);
		} else {
			while (c->e[c->free].used)
				c->free = (c->free + 1) % c->cap;
			i = c->free;
		}
		e = &c->e[i];
		e->key = *addr;
		e->used = 1;
		b = hash(addr) & (c->n_buckets - 1);
		e->chain = c->buckets[b];
		c->buckets[b] = i;
		c->n++;
	}
	e = &c->e[i];
	e->val.learned_ns = learned_ns;
	e->val.expires_ns = expires_ns;
	snprintf(e->val.name, sizeof(e->val.name), "%s", name);
	push_front(c, i);
}

const struct dns_name_val *dns_cache_get(struct dns_cache *c, const struct dns_addr_key *addr,
					 uint64_t now_ns)
{
	uint32_t i = find(c, addr);

	if (i == NONE)
		return NULL;
	if (c->e[i].val.expires_ns < now_ns) {
		remove_entry(c, i);
		return NULL;
	}
	unlink_lru(c, i);
	push_front(c, i);
	return &c->e[i].val;
}
