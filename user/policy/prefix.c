/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Prefix lists: growth, the local-range override and the merge of equal siblings. */
#include <endian.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>
#include "policy/prefix.h"
#include "base/grow.h"
#include "juris.h"

/* Maps the pages of a large buffer in one call before it is written: a
 * page fault per 4 KiB page cost a third of the compile on a VM. Only an
 * optimisation, so a kernel without MADV_POPULATE_WRITE (5.14) is fine. */
static void prefault(void *p, size_t len)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t start = ((uintptr_t)p + page - 1) & ~(page - 1);
	uintptr_t end = ((uintptr_t)p + len) & ~(page - 1);

	if (end > start)
		madvise((void *)start, end - start, MADV_POPULATE_WRITE);
}

/* Entries mapped ahead of the writes at a time: one call per 1.25 MiB. */
#define PREFAULT_CHUNK 65536

int prefix_list_push(struct prefix_list *l, const struct net_prefix *p)
{
	if (grow_for_one((void **)&l->v, &l->cap, l->n, sizeof(*l->v), 256))
		return -ENOMEM;
	/* A reservation is only address space until the entries come: a
	 * database whose metadata claims more networks than it has costs
	 * memory for those it has. */
	if (l->n >= l->faulted && l->cap > l->n) {
		size_t end = l->cap - l->n > PREFAULT_CHUNK ? l->n + PREFAULT_CHUNK : l->cap;

		prefault(&l->v[l->n], (end - l->n) * sizeof(*l->v));
		l->faulted = end;
	}
	l->v[l->n++] = *p;
	return 0;
}

int prefix_list_reserve(struct prefix_list *l, size_t n)
{
	struct net_prefix *v;

	if (n <= l->cap)
		return 0;
	v = reallocarray(l->v, n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	l->v = v;
	l->cap = n;
	return 0;
}

void prefix_list_fit(struct prefix_list *l)
{
	struct net_prefix *v;

	if (!l->n || l->n == l->cap)
		return;
	v = reallocarray(l->v, l->n, sizeof(*v));
	if (v) {
		l->v = v;
		l->cap = l->n;
	}
}

void prefix_list_free(struct prefix_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int bit_at(const uint8_t *a, int i)
{
	return a[i / 8] >> (7 - i % 8) & 1;
}

/* True when the first len bits of a and b are equal. */
static bool same_bits(const uint8_t *a, const uint8_t *b, int len)
{
	int whole = len / 8, rest = len % 8;

	/* Most pairs differ in the first byte: no memcmp call for them. */
	if (whole && a[0] != b[0])
		return false;
	if (memcmp(a, b, whole))
		return false;
	if (!rest)
		return true;
	return ((a[whole] ^ b[whole]) & (0xff00 >> rest) & 0xff) == 0;
}

/* outer contains inner (or equals it). */
static bool contains(const struct net_prefix *outer, const struct net_prefix *inner)
{
	return outer->len <= inner->len && same_bits(outer->addr, inner->addr, outer->len);
}

static bool same_value(const struct net_prefix *a, const struct net_prefix *b)
{
	return a->zone == b->zone && a->cc[0] == b->cc[0] && a->cc[1] == b->cc[1];
}

static bool nested_in_local(const struct net_prefix *p, const struct prefix_list *local)
{
	for (size_t i = 0; i < local->n; i++)
		if (contains(&local->v[i], p))
			return true;
	return false;
}

/* The tree walk gives disjoint networks, so a database network either lies
 * inside a local range (it is dropped: local always wins) or contains one
 * (it stays, and the kernel's longest-prefix match picks the local range). */
int prefix_apply_local(struct prefix_list *l, const struct prefix_list *local, int bits)
{
	size_t kept = 0;

	for (size_t i = 0; i < l->n; i++)
		if (!nested_in_local(&l->v[i], local))
			l->v[kept++] = l->v[i];
	l->n = kept;
	for (size_t i = 0; i < local->n; i++) {
		struct net_prefix p = local->v[i];
		int ret;

		if (p.len > bits)
			return -EINVAL;
		memset(p.cc, 0, sizeof(p.cc));
		p.zone = ZONE_LOCAL;
		ret = prefix_list_push(l, &p);
		if (ret)
			return ret;
	}
	return 0;
}

/* The address as two big-endian halves: a million-entry sort compares
 * faster on integers than through memcmp. */
static void addr_halves(const struct net_prefix *p, uint64_t h[2])
{
	memcpy(h, p->addr, 16);
	h[0] = be64toh(h[0]);
	h[1] = be64toh(h[1]);
}

static int cmp_prefix(const void *x, const void *y)
{
	const struct net_prefix *a = x, *b = y;
	uint64_t ha[2], hb[2];

	addr_halves(a, ha);
	addr_halves(b, hb);
	if (ha[0] != hb[0])
		return ha[0] < hb[0] ? -1 : 1;
	if (ha[1] != hb[1])
		return ha[1] < hb[1] ? -1 : 1;
	return (int)a->len - (int)b->len;
}

static void clear_bit(uint8_t *a, int i)
{
	a[i / 8] &= ~(0x80 >> (i % 8));
}

static bool same_prefix(const struct net_prefix *a, const struct net_prefix *b)
{
	return a->len == b->len && !memcmp(a->addr, b->addr, sizeof(a->addr));
}

static void remove_at(struct net_prefix *v, size_t *n, size_t i)
{
	memmove(&v[i], &v[i + 1], (*n - i - 1) * sizeof(v[0]));
	(*n)--;
}

/* Index of the left half whose right half is v[i], or -1. In sorted order
 * only prefixes nested in that left half lie between the two, so the scan
 * back stops at the first one that is not. */
static ssize_t left_sibling(const struct net_prefix *v, size_t i)
{
	struct net_prefix s = v[i];

	if (!s.len || !bit_at(s.addr, s.len - 1))
		return -1;
	clear_bit(s.addr, s.len - 1);
	while (i--) {
		if (same_prefix(&v[i], &s))
			return (ssize_t)i;
		if (!contains(&s, &v[i]))
			return -1;
	}
	return -1;
}

/* Folds v[i] into what precedes it on the stack for as long as something
 * folds; entries after v[i] are nested in it and stay valid under it. */
static void settle(struct net_prefix *v, size_t *n, size_t i)
{
	for (;;) {
		ssize_t j;

		if (i && same_prefix(&v[i - 1], &v[i])) {
			/* A parent rebuilt from its two halves shadows the
			 * old entry entirely (of duplicates, the later wins). */
			remove_at(v, n, --i);
			continue;
		}
		if (i && contains(&v[i - 1], &v[i]) && same_value(&v[i - 1], &v[i])) {
			/* It says what the prefix around it says already. */
			remove_at(v, n, i);
			return;
		}
		j = left_sibling(v, i);
		if (j < 0 || !same_value(&v[j], &v[i]))
			return;
		/* Both halves agree: their parent says it in one entry. */
		clear_bit(v[j].addr, v[j].len - 1);
		v[j].len--;
		remove_at(v, n, i);
		i = (size_t)j;
	}
}

/* Sorts l by address then length. The tree walk lists networks in that
 * order and the local ranges come after them: the short unsorted tail is
 * sorted alone and merged in from the back, where sorting the million
 * entries again took a tenth of the compile. */
static int sort_prefixes(struct prefix_list *l)
{
	size_t head = 1, k, i, j, o;
	struct net_prefix *tail;

	if (l->n < 2)
		return 0;
	while (head < l->n && cmp_prefix(&l->v[head - 1], &l->v[head]) <= 0)
		head++;
	k = l->n - head;
	if (!k)
		return 0;
	tail = malloc(k * sizeof(*tail));
	if (!tail)
		return -ENOMEM;
	memcpy(tail, &l->v[head], k * sizeof(*tail));
	qsort(tail, k, sizeof(*tail), cmp_prefix);
	for (i = head, j = k, o = l->n; j;) {
		if (i && cmp_prefix(&l->v[i - 1], &tail[j - 1]) > 0)
			l->v[--o] = l->v[--i];
		else
			l->v[--o] = tail[--j];
	}
	free(tail);
	return 0;
}

/* After sorting by address then length, a parent precedes its halves and
 * whatever is nested in them, so one pass with the output as a stack folds
 * equal siblings bottom-up: a rebuilt parent folds again with its own
 * sibling further down the stack. */
int prefix_merge(struct prefix_list *l, int bits)
{
	size_t n = 0;
	int ret;

	(void)bits; /* each prefix carries its own length */
	ret = sort_prefixes(l);
	if (ret)
		return ret;
	for (size_t i = 0; i < l->n; i++) {
		l->v[n++] = l->v[i];
		settle(l->v, &n, n - 1);
	}
	l->n = n;
	return 0;
}
