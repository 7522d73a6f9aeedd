/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Sorted-range builder for the IPv6 geo table (see range6.h). Hand-rolled:
 * the table is the kernel's layout, which no library writes. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "base/errmsg.h"
#include "policy/range6.h"

typedef unsigned __int128 u128;

static const u128 ALL_ONES = ~(u128)0;

struct item {
	u128 start, end;
	uint8_t len;
	struct geo_val val;
};

static u128 load128(const uint8_t a[16])
{
	u128 x = 0;

	for (int i = 0; i < 16; i++)
		x = x << 8 | a[i];
	return x;
}

static u128 host_mask(uint8_t len)
{
	return len >= 128 ? 0 : ALL_ONES >> len;
}

/* Address order; a prefix before the longer ones it holds. */
static int by_start(const void *a, const void *b)
{
	const struct net_prefix *x = a, *y = b;
	int c = memcmp(x->addr, y->addr, 16);

	return c ? c : x->len - y->len;
}

static bool sorted(const struct prefix_list *l)
{
	for (size_t i = 1; i < l->n; i++)
		if (by_start(&l->v[i - 1], &l->v[i]) > 0)
			return false;
	return true;
}

static struct item item_of(const struct net_prefix *p)
{
	u128 a = load128(p->addr) & ~host_mask(p->len);

	return (struct item){ .start = a,
			      .end = a | host_mask(p->len),
			      .len = p->len,
			      .val = { .cc = { p->cc[0], p->cc[1] }, .zone = p->zone } };
}

static u128 start_of(const struct geo6_range *r)
{
	return (u128)r->hi << 64 | r->lo;
}

/* Appends the range starting at start; one starting at the same address
 * is replaced (the longer prefix wins), and a range with the value of the
 * range before it is not a new range. */
static void emit(struct range6_table *t, u128 start, struct geo_val val)
{
	struct geo6_range *last = t->n ? &t->v[t->n - 1] : NULL;

	if (last && start_of(last) == start) {
		last->val = val;
		if (t->n > 1 && !memcmp(&t->v[t->n - 2].val, &val, sizeof(val)))
			t->n--;
		return;
	}
	if (last && !memcmp(&last->val, &val, sizeof(val)))
		return;
	t->v[t->n++] = (struct geo6_range){ .hi = (uint64_t)(start >> 64),
					    .lo = (uint64_t)start,
					    .val = val };
}

/* Closes the innermost open prefix: after its end, the value of the one
 * around it (or none) takes over. */
static void close_top(struct range6_table *t, const struct item *stack, int *sp)
{
	const struct item *e = &stack[--*sp];
	struct geo_val outer = *sp ? stack[*sp - 1].val : (struct geo_val){ 0 };

	if (e->end != ALL_ONES)
		emit(t, e->end + 1, outer);
}

int range6_build(const struct prefix_list *l, struct range6_table *t, char *err, size_t len)
{
	/* Prefixes nest at most 129 deep (/0 to /128). */
	struct item stack[129];
	struct prefix_list copy = { 0 };
	const struct prefix_list *in = l;
	int sp = 0;

	t->n = 0;
	/* Each prefix opens one range and closes one at most, plus ::. */
	t->v = malloc((2 * l->n + 1) * sizeof(*t->v));
	/* The compiler's lists come sorted (prefix.c); others are sorted here. */
	if (t->v && !sorted(l)) {
		copy.v = malloc(l->n * sizeof(*copy.v));
		if (!copy.v) {
			range6_free(t);
		} else {
			memcpy(copy.v, l->v, l->n * sizeof(*copy.v));
			copy.n = l->n;
			qsort(copy.v, copy.n, sizeof(*copy.v), by_start);
			in = &copy;
		}
	}
	if (!t->v)
		return errorf(err, len, -ENOMEM, "no memory for the IPv6 table");
	for (size_t i = 0; i < in->n; i++) {
		if (in->v[i].len > 128) {
			int bad = in->v[i].len;

			free(copy.v);
			range6_free(t);
			return errorf(err, len, -EINVAL, "IPv6 prefix length %d is over 128", bad);
		}
	}
	emit(t, 0, (struct geo_val){ 0 });
	for (size_t i = 0; i < in->n; i++) {
		struct item it = item_of(&in->v[i]);

		while (sp && stack[sp - 1].end < it.start)
			close_top(t, stack, &sp);
		/* The same prefix twice: one range, of the one sorted last. */
		if (sp && stack[sp - 1].start == it.start && stack[sp - 1].len == it.len)
			sp--;
		stack[sp++] = it;
		emit(t, it.start, it.val);
	}
	while (sp)
		close_top(t, stack, &sp);
	free(copy.v);
	if (t->n > GEO6_MAX_RANGES) {
		size_t n = t->n;

		range6_free(t);
		return errorf(err, len, -E2BIG,
			      "the IPv6 table needs %zu ranges, more than the %u a lookup searches",
			      n, GEO6_MAX_RANGES);
	}
	return 0;
}
/* The same search as lookup_geo6() in bpf/juris.bpf.c. */
const struct geo6_range *range6_lookup(const struct range6_table *t, const uint8_t addr[16])
{
	u128 a = load128(addr);
	uint32_t at = 0;

	if (!t->n)
		return NULL;
	for (int s = GEO6_STEPS - 1; s >= 0; s--) {
		uint32_t mid = at + (1u << s);

		if (mid < t->n && start_of(&t->v[mid]) <= a)
			at = mid;
	}
	return &t->v[at];
}

void range6_free(struct range6_table *t)
{
	free(t->v);
	t->v = NULL;
	t->n = 0;
}
