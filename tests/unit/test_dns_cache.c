/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of the daemon's address -> name cache (user/base/dns_cache.c) and of
 * the --except-domain patterns (user/kernel/dns_pattern.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include "base/dns_cache.h"
#include "base/siphash.h"
#include "policy/dns_pattern.h"

#define S 1000000000ull

static struct dns_addr_key key4(const char *text)
{
	struct dns_addr_key k;
	uint8_t a[4];

	assert_int_equal(inet_pton(AF_INET, text, a), 1);
	dns_addr_key_of(AF_INET, a, &k);
	return k;
}

static void test_ipv4_key_is_the_ipv4_mapped_address(void **state)
{
	struct dns_addr_key k = key4("192.0.2.241");
	uint8_t want[16];

	(void)state;
	inet_pton(AF_INET6, "::ffff:192.0.2.241", want);
	assert_memory_equal(k.addr, want, 16);
}

static void test_name_is_found_until_its_ttl_runs_out(void **state)
{
	struct dns_cache c;
	struct dns_addr_key k = key4("192.0.2.241");
	const struct dns_name_val *v;

	(void)state;
	assert_int_equal(dns_cache_init(&c, 4), 0);
	dns_cache_put(&c, &k, "www.example.test", 10 * S, 12 * S);
	v = dns_cache_get(&c, &k, 11 * S);
	assert_non_null(v);
	assert_string_equal(v->name, "www.example.test");
	assert_null(dns_cache_get(&c, &k, 13 * S));
	/* Gone for good once expired. */
	assert_null(dns_cache_get(&c, &k, 11 * S));
	dns_cache_free(&c);
}

static void test_a_new_answer_replaces_the_name(void **state)
{
	struct dns_cache c;
	struct dns_addr_key k = key4("192.0.2.241");

	(void)state;
	assert_int_equal(dns_cache_init(&c, 4), 0);
	dns_cache_put(&c, &k, "old.test", 1 * S, 100 * S);
	dns_cache_put(&c, &k, "new.test", 2 * S, 100 * S);
	assert_string_equal(dns_cache_get(&c, &k, 3 * S)->name, "new.test");
	assert_int_equal(c.n, 1);
	dns_cache_free(&c);
}

static void test_full_cache_evicts_the_least_recently_used_and_counts_it(void **state)
{
	struct dns_cache c;
	struct dns_addr_key a = key4("192.0.2.1"), b = key4("192.0.2.2"), d = key4("192.0.2.3");

	(void)state;
	assert_int_equal(dns_cache_init(&c, 2), 0);
	dns_cache_put(&c, &a, "a.test", 1 * S, 100 * S);
	dns_cache_put(&c, &b, "b.test", 2 * S, 100 * S);
	assert_non_null(dns_cache_get(&c, &a, 3 * S)); /* a is now the most recent */
	dns_cache_put(&c, &d, "d.test", 4 * S, 100 * S);
	assert_null(dns_cache_get(&c, &b, 5 * S));
	assert_non_null(dns_cache_get(&c, &a, 5 * S));
	assert_non_null(dns_cache_get(&c, &d, 5 * S));
	assert_int_equal(c.live_evictions, 1);
	assert_int_equal(c.n, 2);
	dns_cache_free(&c);
}

static void test_evicting_an_expired_name_is_not_counted(void **state)
{
	struct dns_cache c;
	struct dns_addr_key a = key4("192.0.2.1"), b = key4("192.0.2.2");

	(void)state;
	assert_int_equal(dns_cache_init(&c, 1), 0);
	dns_cache_put(&c, &a, "a.test", 1 * S, 2 * S);
	dns_cache_put(&c, &b, "b.test", 5 * S, 9 * S);
	assert_int_equal(c.live_evictions, 0);
	dns_cache_free(&c);
}

static void test_cache_survives_many_puts(void **state)
{
	struct dns_cache c;
	struct dns_addr_key k;
	uint8_t a[4] = { 198, 51, 100, 0 };

	(void)state;
	assert_int_equal(dns_cache_init(&c, 64), 0);
	for (int i = 0; i < 10000; i++) {
		a[2] = (uint8_t)(i >> 8);
		a[3] = (uint8_t)i;
		dns_addr_key_of(AF_INET, a, &k);
		dns_cache_put(&c, &k, "x.test", (uint64_t)i, 1000000ull);
		assert_non_null(dns_cache_get(&c, &k, (uint64_t)i));
	}
	assert_int_equal(c.n, 64);
	assert_int_equal(c.live_evictions, 10000 - 64);
	dns_cache_free(&c);
}

static void test_patterns_become_lower_case_wire_names(void **state)
{
	struct dns_pattern_key k, want = { .name = "\004gouv\002fr" };
	uint8_t kind;

	(void)state;
	assert_int_equal(dns_pattern_parse("*.GOUV.fr", &k, &kind), 0);
	assert_int_equal(kind, DNS_MATCH_SUBDOMAINS);
	assert_memory_equal(&k, &want, sizeof(k));
	assert_int_equal(dns_pattern_parse("gouv.fr.", &k, &kind), 0);
	assert_int_equal(kind, DNS_MATCH_EXACT);
	assert_memory_equal(&k, &want, sizeof(k));
}

static void test_bad_patterns_are_refused(void **state)
{
	static const char *const bad[] = {
		"", ".", "*", "*.", "a..b", ".a", "gouv.*", "a.*.b", "a b", "a/b", "**.a", "é.fr",
	};
	struct dns_pattern_key k;
	char long_label[80], long_name[200];
	uint8_t kind;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(dns_pattern_parse(bad[i], &k, &kind), -EINVAL);
	memset(long_label, 'a', 64);
	strcpy(long_label + 64, ".fr");
	assert_int_equal(dns_pattern_parse(long_label, &k, &kind), -EINVAL);
	/* 63 + 63 octets and their lengths, then "fr": over DNS_NAME_MAX. */
	memset(long_name, 'b', sizeof(long_name));
	long_name[63] = '.';
	strcpy(long_name + 127, ".fr");
	assert_int_equal(dns_pattern_parse(long_name, &k, &kind), -EINVAL);
}

/* The reference vectors of SipHash-2-4: key 00..0f, message 00..len-1. */
static void test_siphash_matches_the_reference_vectors(void **state)
{
	struct siphash_key k = { 0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull };
	uint8_t msg[15];

	(void)state;
	for (int i = 0; i < 15; i++)
		msg[i] = (uint8_t)i;
	assert_true(siphash24(&k, msg, 0) == 0x726fdb47dd0e0e31ull);
	assert_true(siphash24(&k, msg, 1) == 0x74f839c593dc67fdull);
	assert_true(siphash24(&k, msg, 15) == 0xa129ca6149be45e5ull);
}

/* The bucket of the cache's old, public hash (FNV-1a, fixed seed, 15 bits
 * with 16384 entries): what an attacker who crafts DNS answers computes. */
static uint32_t public_bucket(const struct dns_addr_key *k)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < sizeof(k->addr); i++)
		h = (h ^ k->addr[i]) * 0x100000001b3ull;
	return (uint32_t)(h ^ h >> 32) & 32767;
}

/* 256 addresses of 2001:db8::/32 that share one bucket of the public
 * hash: in the keyed cache they spread like any others. */
static void test_addresses_crafted_for_one_bucket_spread_under_the_keyed_hash(void **state)
{
	struct dns_cache c;
	struct dns_addr_key k;
	uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	int found = 0;

	(void)state;
	assert_int_equal(dns_cache_init(&c, 16384), 0);
	assert_int_equal(c.n_buckets, 32768);
	for (uint32_t x = 0; found < 256; x++) {
		memcpy(&a[12], &x, 4);
		dns_addr_key_of(AF_INET6, a, &k);
		if (public_bucket(&k))
			continue;
		dns_cache_put(&c, &k, "flood.example.test", S, 100 * S);
		found++;
	}
	/* 256 of 16384 entries in 32768 buckets: a handful at most. */
	assert_true(dns_cache_longest_chain(&c) <= 6);
	dns_cache_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_key_is_the_ipv4_mapped_address),
		cmocka_unit_test(test_name_is_found_until_its_ttl_runs_out),
		cmocka_unit_test(test_a_new_answer_replaces_the_name),
		cmocka_unit_test(test_full_cache_evicts_the_least_recently_used_and_counts_it),
		cmocka_unit_test(test_evicting_an_expired_name_is_not_counted),
		cmocka_unit_test(test_cache_survives_many_puts),
		cmocka_unit_test(test_patterns_become_lower_case_wire_names),
		cmocka_unit_test(test_bad_patterns_are_refused),
		cmocka_unit_test(test_siphash_matches_the_reference_vectors),
		cmocka_unit_test(test_addresses_crafted_for_one_bucket_spread_under_the_keyed_hash),
	};

	return cmocka_run_group_tests_name("dns_cache", tests, NULL, NULL);
}
