/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of the IPv4 address an IPv6 destination carries (policy/embed4.c,
 * the code the BPF classifier runs too), with the examples of RFC 6052 2.4,
 * RFC 3056 and RFC 4380. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "policy/embed4.h"

/* The kind and the IPv4 address that text carries under l. */
static int carried(const struct nat64_list *l, const char *text, char *v4text)
{
	uint8_t a[16], v4[4];
	int kind;

	assert_int_equal(inet_pton(AF_INET6, text, a), 1);
	kind = embedded_ipv4(l, a, v4);
	if (kind)
		inet_ntop(AF_INET, v4, v4text, INET_ADDRSTRLEN);
	else
		strcpy(v4text, "-");
	return kind;
}

static void assert_carries(const struct nat64_list *l, const char *text, int kind, const char *want)
{
	char got[INET_ADDRSTRLEN];
	int k = carried(l, text, got);

	if (k != kind || strcmp(got, want))
		fail_msg("%s: got kind %d %s, want kind %d %s", text, k, got, kind, want);
}

/* RFC 6052 2.4, Table 1: 192.0.2.33 under each prefix length. */
static void test_rfc6052_examples_carry_192_0_2_33_at_every_length(void **state)
{
	static const struct {
		const char *prefix, *addr;
	} t[] = {
		{ "2001:db8::/32", "2001:db8:c000:221::" },
		{ "2001:db8:100::/40", "2001:db8:1c0:2:21::" },
		{ "2001:db8:122::/48", "2001:db8:122:c000:2:2100::" },
		{ "2001:db8:122:300::/56", "2001:db8:122:3c0:0:221::" },
		{ "2001:db8:122:344::/64", "2001:db8:122:344:c0:2:2100:0" },
		{ "2001:db8:122:344::/96", "2001:db8:122:344::192.0.2.33" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct nat64_list l = { 0 };

		assert_int_equal(nat64_list_add(&l, t[i].prefix), 0);
		assert_carries(&l, t[i].addr, EMBED4_NAT64, "192.0.2.33");
	}
}

static void test_well_known_prefix_carries_the_last_32_bits_unconfigured(void **state)
{
	(void)state;
	assert_carries(NULL, "64:ff9b::192.0.2.33", EMBED4_NAT64_WKP, "192.0.2.33");
	assert_carries(NULL, "64:ff9b::c633:640a", EMBED4_NAT64_WKP, "198.51.100.10");
	/* Not the well-known /96: bits 64..95 set. */
	assert_carries(NULL, "64:ff9b::1:0:c633:640a", EMBED4_NONE, "-");
}

/* RFC 6052 2.2: bits 64..71 are skipped, whatever they hold. */
static void test_u_octet_is_skipped_whatever_it_holds(void **state)
{
	struct nat64_list l = { 0 };

	(void)state;
	assert_int_equal(nat64_list_add(&l, "2001:db8:122:344::/64"), 0);
	assert_carries(&l, "2001:db8:122:344:ffc0:2:2100:0", EMBED4_NAT64, "192.0.2.33");
	assert_int_equal(nat64_list_add(&l, "2001:db8:100::/40"), 0);
	assert_carries(&l, "2001:db8:1c0:2:ff21::", EMBED4_NAT64, "192.0.2.33");
}

/* RFC 8215: 64:ff9b:1::/48 carries an address only when configured. */
static void test_local_use_prefix_carries_nothing_unless_configured(void **state)
{
	struct nat64_list l = { 0 };

	(void)state;
	assert_carries(NULL, "64:ff9b:1::c633:640a", EMBED4_NONE, "-");
	assert_int_equal(nat64_list_add(&l, "64:ff9b:1::/96"), 0);
	assert_carries(&l, "64:ff9b:1::c633:640a", EMBED4_NAT64, "198.51.100.10");
	assert_carries(&l, "64:ff9b:1:1::c633:640a", EMBED4_NONE, "-");
}

/* RFC 3056: 2002:V4ADDR::/48. */
static void test_6to4_carries_bits_16_to_47(void **state)
{
	(void)state;
	assert_carries(NULL, "2002:c633:640a::1", EMBED4_6TO4, "198.51.100.10");
	assert_carries(NULL, "2002:c000:221:ffff:1:2:3:4", EMBED4_6TO4, "192.0.2.33");
}

/* RFC 4380 4 (and the example of RFC 5991): the client's address is the
 * last 32 bits inverted; the server's (bits 32..63) is not the endpoint. */
static void test_teredo_carries_the_client_not_the_server(void **state)
{
	(void)state;
	assert_carries(NULL, "2001:0:4136:e378:8000:63bf:3fff:fdd2", EMBED4_TEREDO, "192.0.2.45");
	assert_carries(NULL, "2001:0:c000:201::39cc:9bf5", EMBED4_TEREDO, "198.51.100.10");
}

static void test_ipv4_mapped_carries_the_last_32_bits(void **state)
{
	(void)state;
	assert_carries(NULL, "::ffff:198.51.100.10", EMBED4_MAPPED, "198.51.100.10");
}

static void test_other_ipv6_addresses_carry_nothing(void **state)
{
	(void)state;
	assert_carries(NULL, "2001:db8:3::1", EMBED4_NONE, "-");
	assert_carries(NULL, "2001:1::1", EMBED4_NONE, "-");
	assert_carries(NULL, "2003:c633:640a::1", EMBED4_NONE, "-");
	assert_carries(NULL, "::198.51.100.10", EMBED4_NONE, "-");
	assert_carries(NULL, "::1", EMBED4_NONE, "-");
}

/* A network's own prefix wins over 6to4 and Teredo. */
static void test_configured_prefix_wins_over_teredo(void **state)
{
	struct nat64_list l = { 0 };

	(void)state;
	assert_int_equal(nat64_list_add(&l, "2001::/32"), 0);
	assert_carries(&l, "2001:0:c633:640a::", EMBED4_NAT64, "198.51.100.10");
}

static void test_prefix_lengths_outside_rfc6052_are_refused(void **state)
{
	static const char *const bad[] = {
		"2001:db8::/33",  "2001:db8::/128",    "2001:db8::/0",
		"2001:db8::",	  "192.0.2.0/24",      "2001:db8::1/32",
		"2001:db8::/96x", "not-an-address/32", "::ffff:0:0/96x",
	};
	struct nat64_prefix p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (nat64_prefix_parse(bad[i], &p) != -EINVAL)
			fail_msg("%s was accepted", bad[i]);
}

static void test_list_holds_eight_prefixes_and_keeps_duplicates_once(void **state)
{
	struct nat64_list l = { 0 };
	char text[64], buf[64];

	(void)state;
	for (int i = 0; i < NAT64_PREFIXES_MAX; i++) {
		snprintf(text, sizeof(text), "2001:db8:%x::/48", i + 1);
		assert_int_equal(nat64_list_add(&l, text), 0);
	}
	assert_int_equal(nat64_list_add(&l, "2001:db8:1::/48"), 0);
	assert_int_equal(l.n, NAT64_PREFIXES_MAX);
	assert_int_equal(nat64_list_add(&l, "2001:db8:99::/48"), -E2BIG);
	assert_string_equal(nat64_prefix_format(&l.v[0], buf, sizeof(buf)), "2001:db8:1::/48");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6052_examples_carry_192_0_2_33_at_every_length),
		cmocka_unit_test(test_well_known_prefix_carries_the_last_32_bits_unconfigured),
		cmocka_unit_test(test_u_octet_is_skipped_whatever_it_holds),
		cmocka_unit_test(test_local_use_prefix_carries_nothing_unless_configured),
		cmocka_unit_test(test_6to4_carries_bits_16_to_47),
		cmocka_unit_test(test_teredo_carries_the_client_not_the_server),
		cmocka_unit_test(test_ipv4_mapped_carries_the_last_32_bits),
		cmocka_unit_test(test_other_ipv6_addresses_carry_nothing),
		cmocka_unit_test(test_configured_prefix_wins_over_teredo),
		cmocka_unit_test(test_prefix_lengths_outside_rfc6052_are_refused),
		cmocka_unit_test(test_list_holds_eight_prefixes_and_keeps_duplicates_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
