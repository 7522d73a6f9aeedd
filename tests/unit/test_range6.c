/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of the IPv6 range table builder (user/policy/range6.c) against a
 * naive longest-prefix match over the same prefixes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "policy/range6.h"

typedef unsigned __int128 u128;

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static u128 mask(int len)
{
	return len ? ~(u128)0 << (128 - len) : 0;
}

static void store(u128 a, uint8_t out[16])
{
	for (int i = 15; i >= 0; i--, a >>= 8)
		out[i] = (uint8_t)a;
}

static u128 load(const uint8_t a[16])
{
	u128 x = 0;

	for (int i = 0; i < 16; i++)
		x = x << 8 | a[i];
	return x;
}

static struct net_prefix pfx(u128 a, int len, const char *cc, int zone)
{
	struct net_prefix p = { .len = (uint8_t)len,
				.cc = { cc[0], cc[1] },
				.zone = (uint8_t)zone };

	store(a & mask(len), p.addr);
	return p;
}

/* 2001:db8:HHHH:... from the top 64 bits. */
static u128 doc(uint64_t hi_after_32, uint64_t lo)
{
	return (u128)(0x20010db800000000ull | (hi_after_32 & 0xffffffffull)) << 64 | lo;
}

static const struct net_prefix *naive(const struct prefix_list *l, u128 a)
{
	const struct net_prefix *best = NULL;

	for (size_t i = 0; i < l->n; i++)
		if ((a & mask(l->v[i].len)) == load(l->v[i].addr) &&
		    (!best || l->v[i].len > best->len))
			best = &l->v[i];
	return best;
}

static void assert_agrees(const struct prefix_list *l, const struct range6_table *t, u128 a)
{
	const struct net_prefix *want = naive(l, a);
	uint8_t addr[16];
	const struct geo6_range *r;

	store(a, addr);
	r = range6_lookup(t, addr);
	assert_non_null(r);
	if (!want) {
		if (r->val.zone || r->val.cc[0] || r->val.cc[1])
			fail_msg("%016llx%016llx: %.2s/%u, want none",
				 (unsigned long long)(a >> 64), (unsigned long long)a, r->val.cc,
				 r->val.zone);
		return;
	}
	if (memcmp(r->val.cc, want->cc, 2) || r->val.zone != want->zone)
		fail_msg("%016llx%016llx: %.2s/%u, want %.2s/%u (/%u)",
			 (unsigned long long)(a >> 64), (unsigned long long)a, r->val.cc,
			 r->val.zone, want->cc, want->zone, want->len);
}

/* The table's own invariants: :: first, starts increasing, neighbours
 * differ. */
static void assert_well_formed(const struct range6_table *t)
{
	assert_true(t->n >= 1);
	assert_int_equal(t->v[0].hi, 0);
	assert_int_equal(t->v[0].lo, 0);
	for (size_t i = 1; i < t->n; i++) {
		u128 a = (u128)t->v[i - 1].hi << 64 | t->v[i - 1].lo;
		u128 b = (u128)t->v[i].hi << 64 | t->v[i].lo;

		assert_true(a < b);
		assert_memory_not_equal(&t->v[i - 1].val, &t->v[i].val, sizeof(t->v[i].val));
	}
}

/* Every prefix's first and last address and their neighbours, then random
 * addresses, half of them inside a random prefix. */
static void assert_agrees_everywhere(const struct prefix_list *l, const struct range6_table *t,
				     int n_random)
{
	assert_well_formed(t);
	for (size_t i = 0; i < l->n; i++) {
		u128 lo = load(l->v[i].addr), hi = lo | ~mask(l->v[i].len);

		assert_agrees(l, t, lo);
		assert_agrees(l, t, hi);
		assert_agrees(l, t, lo - 1);
		assert_agrees(l, t, hi + 1);
	}
	for (int i = 0; i < n_random; i++) {
		u128 a = (u128)rnd() << 64 | rnd();

		if (l->n && i % 2) {
			const struct net_prefix *p = &l->v[rnd() % l->n];

			a = load(p->addr) | (a & ~mask(p->len));
		}
		assert_agrees(l, t, a);
	}
}

static void build(const struct prefix_list *l, struct range6_table *t)
{
	char err[256] = "";

	assert_int_equal(range6_build(l, t, err, sizeof(err)), 0);
}

static void test_edge_prefixes_match_the_longest_prefix(void **state)
{
	struct prefix_list l = { 0 };
	struct net_prefix v[] = {
		pfx(doc(0x00010000, 5), 128, "NO", ZONE_EEA), /* inside the /48 below */
		pfx(0, 0, "US", ZONE_THIRD),
		pfx(doc(0x00010000, 0), 48, "JP", ZONE_ADEQUATE),
		pfx(doc(0, 0), 32, "FR", ZONE_FR),
		pfx(doc(0x00020000, 0), 48, "DE", ZONE_EU),	 /* adjacent /48 */
		pfx(doc(0x0001ffff, ~0ull), 128, "IT", ZONE_EU), /* the /48's last address */
		pfx(~(u128)0, 128, "JP", ZONE_ADEQUATE),	 /* the last address */
		pfx((u128)0xfe80ull << 112, 10, "\0\0", ZONE_LOCAL),
	};
	struct range6_table t;
	uint8_t a[16];

	(void)state;
	l.v = v;
	l.n = sizeof(v) / sizeof(v[0]);
	build(&l, &t);
	store(doc(0x00010000, 5), a);
	assert_memory_equal(range6_lookup(&t, a)->val.cc, "NO", 2);
	store(~(u128)0, a);
	assert_memory_equal(range6_lookup(&t, a)->val.cc, "JP", 2);
	assert_agrees_everywhere(&l, &t, 100000);
	range6_free(&t);
}

static void test_adjacent_equal_prefixes_make_one_range(void **state)
{
	struct prefix_list l = { 0 };
	struct net_prefix v[] = {
		pfx(doc(0x00010000, 0), 48, "FR", ZONE_FR),
		pfx(doc(0x00010001, 0), 48, "FR", ZONE_FR),
		pfx(doc(0x00010002, 0), 47, "FR", ZONE_FR),
		pfx(doc(0x00010002, 0), 64, "FR", ZONE_FR), /* inside, same value */
	};
	struct range6_table t;

	(void)state;
	l.v = v;
	l.n = sizeof(v) / sizeof(v[0]);
	build(&l, &t);
	assert_int_equal(t.n, 3); /* none, FR, none */
	assert_agrees_everywhere(&l, &t, 10000);
	range6_free(&t);
}

static void test_empty_list_is_one_empty_range(void **state)
{
	struct prefix_list l = { 0 };
	struct range6_table t;
	uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	(void)state;
	build(&l, &t);
	assert_int_equal(t.n, 1);
	assert_int_equal(range6_lookup(&t, a)->val.zone, ZONE_UNKNOWN);
	range6_free(&t);
}

static int has_prefix(const struct prefix_list *l, const struct net_prefix *p)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].len == p->len && !memcmp(l->v[i].addr, p->addr, 16))
			return 1;
	return 0;
}

/* Random nested prefixes in random order (the builder sorts them), most
 * of them under a few /40s so that short and long prefixes overlap. */
static void test_random_prefixes_agree_with_the_naive_match(void **state)
{
	static const char *const ccs[] = { "FR", "DE", "US", "JP", "NO", "CN", "GB", "IT" };
	struct prefix_list l = { 0 };
	struct range6_table t;

	(void)state;
	for (int round = 0; round < 4; round++) {
		l.n = 0;
		for (int i = 0; i < 600; i++) {
			int len = (int)(rnd() % 129);
			u128 a = (u128)rnd() << 64 | rnd();
			struct net_prefix p;

			if (i % 3)
				a = doc(rnd() & 0x3, rnd()) ^ (a & ~mask(40));
			p = pfx(a, len, ccs[rnd() % 8], ZONE_FR + (int)(rnd() % 5));
			if (!has_prefix(&l, &p))
				assert_int_equal(prefix_list_push(&l, &p), 0);
		}
		build(&l, &t);
		assert_agrees_everywhere(&l, &t, 20000);
		range6_free(&t);
	}
	prefix_list_free(&l);
}

static void test_prefix_longer_than_128_is_refused(void **state)
{
	struct prefix_list l = { 0 };
	struct net_prefix v[] = { pfx(doc(0, 0), 32, "FR", ZONE_FR), pfx(doc(0, 0), 32, "FR", 0) };
	struct range6_table t;
	char err[256] = "";

	(void)state;
	v[1].len = 129;
	l.v = v;
	l.n = 2;
	assert_int_equal(range6_build(&l, &t, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "IPv6 prefix length 129 is over 128");
	assert_null(t.v);
}

/* n separate /128s: 2n + 1 ranges. */
static void list_of_hosts(struct prefix_list *l, size_t n)
{
	l->n = 0;
	for (size_t i = 0; i < n; i++) {
		struct net_prefix p = pfx(doc(0, 2 * i + 1), 128, "FR", ZONE_FR);

		assert_int_equal(prefix_list_push(l, &p), 0);
	}
}

static void test_more_ranges_than_a_lookup_searches_are_refused(void **state)
{
	struct prefix_list l = { 0 };
	struct range6_table t;
	char err[256] = "";
	uint8_t a[16];

	(void)state;
	list_of_hosts(&l, (GEO6_MAX_RANGES - 1) / 2);
	build(&l, &t);
	assert_int_equal(t.n, GEO6_MAX_RANGES - 1);
	store(doc(0, 2 * l.n - 1), a);
	assert_memory_equal(range6_lookup(&t, a)->val.cc, "FR", 2);
	store(doc(0, 2 * l.n), a);
	assert_int_equal(range6_lookup(&t, a)->val.zone, ZONE_UNKNOWN);
	range6_free(&t);
	list_of_hosts(&l, GEO6_MAX_RANGES / 2);
	assert_int_equal(range6_build(&l, &t, err, sizeof(err)), -E2BIG);
	assert_string_equal(err, "the IPv6 table needs 2097153 ranges, more than the 2097152 a "
				 "lookup searches");
	prefix_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edge_prefixes_match_the_longest_prefix),
		cmocka_unit_test(test_adjacent_equal_prefixes_make_one_range),
		cmocka_unit_test(test_empty_list_is_one_empty_range),
		cmocka_unit_test(test_random_prefixes_agree_with_the_naive_match),
		cmocka_unit_test(test_prefix_longer_than_128_is_refused),
		cmocka_unit_test(test_more_ranges_than_a_lookup_searches_are_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
