/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of the DIR-24-8 builder (user/policy/dir24.c) against a naive
 * longest-prefix match over the same prefixes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "policy/dir24.h"

struct tables {
	struct dir24_plan p;
	uint16_t *t24, *t8;
};

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static struct net_prefix pfx(uint32_t a, int len, const char *cc, int zone)
{
	struct net_prefix p = { .addr = { a >> 24, a >> 16 & 0xff, a >> 8 & 0xff, a & 0xff },
				.len = (uint8_t)len,
				.cc = { cc[0], cc[1] },
				.zone = (uint8_t)zone };
	return p;
}

static uint32_t addr_of(const struct net_prefix *p)
{
	return (uint32_t)p->addr[0] << 24 | (uint32_t)p->addr[1] << 16 | (uint32_t)p->addr[2] << 8 |
	       p->addr[3];
}

static uint32_t mask(int len)
{
	return len ? ~(uint32_t)0 << (32 - len) : 0;
}

/* The naive answer: the longest prefix of l holding a, NULL if none. */
static const struct net_prefix *naive(const struct prefix_list *l, uint32_t a)
{
	const struct net_prefix *best = NULL;

	for (size_t i = 0; i < l->n; i++)
		if ((a & mask(l->v[i].len)) == (addr_of(&l->v[i]) & mask(l->v[i].len)) &&
		    (!best || l->v[i].len > best->len))
			best = &l->v[i];
	return best;
}

static void build(const struct prefix_list *l, struct tables *t)
{
	char err[256] = "";

	assert_int_equal(dir24_plan(l, &t->p, err, sizeof(err)), 0);
	t->t24 = calloc(DIR24_TBL24, sizeof(uint16_t));
	t->t8 = calloc((size_t)t->p.groups * DIR24_GROUP_SIZE + 1, sizeof(uint16_t));
	assert_non_null(t->t24);
	assert_non_null(t->t8);
	dir24_paint(&t->p, t->t24, t->t8);
}

static void release(struct tables *t)
{
	dir24_plan_free(&t->p);
	free(t->t24);
	free(t->t8);
}

static void assert_agrees(const struct prefix_list *l, const struct tables *t, uint32_t a)
{
	const struct net_prefix *want = naive(l, a);
	uint16_t cls = dir24_lookup(t->t24, t->t8, a);

	if (!want) {
		if (cls)
			fail_msg("%08x: class %u, want none", a, cls);
		return;
	}
	if (!cls || cls > t->p.n_classes)
		fail_msg("%08x: class %u, want /%u %.2s", a, cls, want->len, want->cc);
	if (memcmp(t->p.classes[cls].cc, want->cc, 2) || t->p.classes[cls].zone != want->zone)
		fail_msg("%08x: %.2s/%u, want %.2s/%u (/%u)", a, t->p.classes[cls].cc,
			 t->p.classes[cls].zone, want->cc, want->zone, want->len);
}

/* Every prefix's first and last address and their neighbours, then
 * random addresses, half of them inside a random prefix. */
static void assert_agrees_everywhere(const struct prefix_list *l, const struct tables *t,
				     int n_random)
{
	for (size_t i = 0; i < l->n; i++) {
		uint32_t lo = addr_of(&l->v[i]) & mask(l->v[i].len), hi = lo | ~mask(l->v[i].len);

		assert_agrees(l, t, lo);
		assert_agrees(l, t, hi);
		assert_agrees(l, t, lo - 1);
		assert_agrees(l, t, hi + 1);
	}
	for (int i = 0; i < n_random; i++) {
		uint32_t a = rnd();

		if (l->n && i % 2) {
			const struct net_prefix *p = &l->v[rnd() % l->n];

			a = (addr_of(p) & mask(p->len)) | (a & ~mask(p->len));
		}
		assert_agrees(l, t, a);
	}
}

static void test_edge_prefixes_match_the_longest_prefix(void **state)
{
	struct prefix_list l = { 0 };
	struct net_prefix v[] = {
		pfx(0x0a010281, 32, "NO", ZONE_EEA), /* inside the /25 below */
		pfx(0x00000000, 0, "US", ZONE_THIRD),	  pfx(0x0a010280, 25, "JP", ZONE_ADEQUATE),
		pfx(0x0a000000, 8, "FR", ZONE_FR),	  pfx(0x0a010200, 24, "DE", ZONE_EU),
		pfx(0x0a010300, 24, "IT", ZONE_EU), /* adjacent /24 */
		pfx(0xc0000200, 25, "FR", ZONE_FR), /* two adjacent /25, no /24 */
		pfx(0xc0000280, 25, "DE", ZONE_EU),	  pfx(0xcb007107, 32, "GB", ZONE_ADEQUATE),
		pfx(0xffffffff, 32, "JP", ZONE_ADEQUATE), pfx(0x7f000000, 8, "\0\0", ZONE_LOCAL),
	};
	struct tables t;

	(void)state;
	l.v = v;
	l.n = sizeof(v) / sizeof(v[0]);
	build(&l, &t);
	assert_int_equal(t.p.groups, 4); /* 10.1.2, 192.0.2, 203.0.113, 255.255.255 */
	assert_int_equal(t.p.n_classes, 8);
	assert_memory_equal(t.p.classes[dir24_lookup(t.t24, t.t8, 0x0a010281)].cc, "NO", 2);
	assert_agrees_everywhere(&l, &t, 100000);
	release(&t);
}

static void test_addresses_outside_every_prefix_have_no_class(void **state)
{
	struct prefix_list l = { 0 };
	struct net_prefix v[] = { pfx(0xc6336400, 24, "FR", ZONE_FR),
				  pfx(0xc6336440, 26, "US", ZONE_THIRD) };
	struct tables t;

	(void)state;
	l.v = v;
	l.n = 2;
	build(&l, &t);
	assert_int_equal(dir24_lookup(t.t24, t.t8, 0xc6336300), 0);
	assert_int_equal(dir24_lookup(t.t24, t.t8, 0x08080808), 0);
	assert_agrees_everywhere(&l, &t, 20000);
	release(&t);
}

static void test_empty_list_has_no_class(void **state)
{
	struct prefix_list l = { 0 };
	struct tables t;

	(void)state;
	build(&l, &t);
	assert_int_equal(t.p.groups, 0);
	assert_int_equal(t.p.n_classes, 0);
	assert_int_equal(dir24_lookup(t.t24, t.t8, 0xc0000201), 0);
	release(&t);
}

/* A database holds a network once: the same prefix twice would be a tie. */
static int has_prefix(const struct prefix_list *l, const struct net_prefix *p)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].len == p->len && addr_of(&l->v[i]) == addr_of(p))
			return 1;
	return 0;
}

/* Random nested prefixes in random order, many of them in the same few
 * /16s so that short and long prefixes overlap. */
static void test_random_prefixes_agree_with_the_naive_match(void **state)
{
	static const char *const ccs[] = { "FR", "DE", "US", "JP", "NO", "CN", "GB", "IT" };
	struct prefix_list l = { 0 };
	struct tables t;

	(void)state;
	for (int round = 0; round < 4; round++) {
		l.n = 0;
		for (int i = 0; i < 600; i++) {
			int len = (int)(rnd() % 33);
			uint32_t a = i % 3 ? 0xc0a80000 | (rnd() & 0x3ffff) : rnd();
			struct net_prefix p = pfx(a & mask(len), len, ccs[rnd() % 8],
						  ZONE_FR + (int)(rnd() % 5));

			if (!has_prefix(&l, &p))
				assert_int_equal(prefix_list_push(&l, &p), 0);
		}
		build(&l, &t);
		assert_agrees_everywhere(&l, &t, 20000);
		release(&t);
	}
	prefix_list_free(&l);
}

static void list_of_classes(struct prefix_list *l, int n)
{
	l->n = 0;
	for (int i = 0; i < n; i++) {
		char cc[2] = { (char)(i >> 8 & 0xff), (char)(i & 0xff) };
		struct net_prefix p = pfx((uint32_t)i << 8, 24, cc, ZONE_THIRD);

		assert_int_equal(prefix_list_push(l, &p), 0);
	}
}

static void test_32767_classes_fit_and_one_more_is_refused(void **state)
{
	struct prefix_list l = { 0 };
	struct dir24_plan p;
	char err[256] = "";

	(void)state;
	list_of_classes(&l, DIR24_MAX_CLASS);
	assert_int_equal(dir24_plan(&l, &p, err, sizeof(err)), 0);
	assert_int_equal(p.n_classes, DIR24_MAX_CLASS);
	dir24_plan_free(&p);
	list_of_classes(&l, DIR24_MAX_CLASS + 1);
	assert_int_equal(dir24_plan(&l, &p, err, sizeof(err)), -E2BIG);
	assert_non_null(strstr(err, "more than 32767 distinct (country, zone) pairs"));
	assert_null(p.v);
	prefix_list_free(&l);
}

static void test_too_many_tbl8_groups_are_refused(void **state)
{
	struct prefix_list l = { 0 };
	struct dir24_plan p;
	char err[256] = "";

	(void)state;
	for (uint32_t i = 0; i <= DIR24_MAX_GROUPS; i++) {
		struct net_prefix np = pfx(i << 8 | 1, 32, "FR", ZONE_FR);

		assert_int_equal(prefix_list_push(&l, &np), 0);
	}
	assert_int_equal(dir24_plan(&l, &p, err, sizeof(err)), -E2BIG);
	assert_non_null(strstr(err, "32769 /24 networks hold longer prefixes"));
	l.n--;
	assert_int_equal(dir24_plan(&l, &p, err, sizeof(err)), 0);
	assert_int_equal(p.groups, DIR24_MAX_GROUPS);
	dir24_plan_free(&p);
	prefix_list_free(&l);
}

static void test_prefix_longer_than_32_is_refused(void **state)
{
	struct prefix_list l = { 0 };
	struct net_prefix v[] = { pfx(0xc0000200, 33, "FR", ZONE_FR) };
	struct dir24_plan p;
	char err[256] = "";

	(void)state;
	l.v = v;
	l.n = 1;
	assert_int_equal(dir24_plan(&l, &p, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "IPv4 prefix length 33 is over 32");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edge_prefixes_match_the_longest_prefix),
		cmocka_unit_test(test_addresses_outside_every_prefix_have_no_class),
		cmocka_unit_test(test_empty_list_has_no_class),
		cmocka_unit_test(test_random_prefixes_agree_with_the_naive_match),
		cmocka_unit_test(test_32767_classes_fit_and_one_more_is_refused),
		cmocka_unit_test(test_too_many_tbl8_groups_are_refused),
		cmocka_unit_test(test_prefix_longer_than_32_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
