/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of the address and CIDR parsers (user/base/addr.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include "base/addr.h"

static void assert_v4(const struct ip_addr *ip, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	const uint8_t want[16] = { a, b, c, d };

	assert_int_equal(ip->family, AF_INET);
	assert_memory_equal(ip->a, want, 16);
}

static void assert_v6(const struct ip_addr *ip, const char *text)
{
	uint8_t want[16];

	assert_int_equal(inet_pton(AF_INET6, text, want), 1);
	assert_int_equal(ip->family, AF_INET6);
	assert_memory_equal(ip->a, want, 16);
}

static void test_ipv4_address_parses_in_network_order(void **state)
{
	struct ip_addr ip;

	(void)state;
	assert_int_equal(addr_parse("192.0.2.10", &ip), 0);
	assert_v4(&ip, 192, 0, 2, 10);
	assert_int_equal(addr_parse("0.0.0.0", &ip), 0);
	assert_v4(&ip, 0, 0, 0, 0);
	assert_int_equal(addr_parse("255.255.255.255", &ip), 0);
	assert_v4(&ip, 255, 255, 255, 255);
}

static void test_ipv6_address_parses(void **state)
{
	struct ip_addr ip;

	(void)state;
	assert_int_equal(addr_parse("2001:db8:1::10", &ip), 0);
	assert_v6(&ip, "2001:db8:1::10");
	assert_int_equal(addr_parse("::", &ip), 0);
	assert_v6(&ip, "::");
	assert_int_equal(addr_parse("2001:DB8:0:0:0:0:0:1", &ip), 0);
	assert_v6(&ip, "2001:db8::1");
}

static void test_ipv4_mapped_ipv6_address_becomes_ipv4(void **state)
{
	struct ip_addr ip;

	(void)state;
	assert_int_equal(addr_parse("::ffff:198.51.100.10", &ip), 0);
	assert_v4(&ip, 198, 51, 100, 10);
	/* The same address written in hex. */
	assert_int_equal(addr_parse("::ffff:c633:640a", &ip), 0);
	assert_v4(&ip, 198, 51, 100, 10);
}

static void test_ipv4_compatible_and_nat64_addresses_stay_ipv6(void **state)
{
	struct ip_addr ip;

	(void)state;
	assert_int_equal(addr_parse("::198.51.100.10", &ip), 0);
	assert_v6(&ip, "::198.51.100.10");
	assert_int_equal(addr_parse("64:ff9b::c633:640a", &ip), 0);
	assert_v6(&ip, "64:ff9b::c633:640a");
}

static void test_malformed_addresses_are_rejected(void **state)
{
	static const char *const bad[] = {
		"",
		"300.1.1.1",
		"1.2.3",
		"1.2.3.4.5",
		"192.0.2.1 ",
		" 192.0.2.1",
		"192.0.2.1/32",
		"0x7f.0.0.1",
		"2001:db8::1::2",
		"2001:db8::g",
		"fe80::1%eth0",
		"localhost",
		"1:2:3:4:5:6:7:8:9",
		"1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa:bbbb",
	};
	struct ip_addr ip;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = addr_parse(bad[i], &ip);

		if (ret != -EINVAL)
			fail_msg("addr_parse(\"%s\") = %d, want -EINVAL", bad[i], ret);
	}
	assert_int_equal(addr_parse(NULL, &ip), -EINVAL);
}

static void test_overlong_input_is_rejected_without_overflow(void **state)
{
	char big[4096];
	struct ip_addr ip;
	int len;

	(void)state;
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(addr_parse(big, &ip), -EINVAL);
	assert_int_equal(cidr_parse(big, &ip, &len), -EINVAL);
	big[100] = '/';
	assert_int_equal(cidr_parse(big, &ip, &len), -EINVAL);
}

static void test_cidr_parses_address_and_length(void **state)
{
	struct ip_addr ip;
	int len = -1;

	(void)state;
	assert_int_equal(cidr_parse("198.51.100.0/24", &ip, &len), 0);
	assert_v4(&ip, 198, 51, 100, 0);
	assert_int_equal(len, 24);
	assert_int_equal(cidr_parse("2001:db8:3::/48", &ip, &len), 0);
	assert_v6(&ip, "2001:db8:3::");
	assert_int_equal(len, 48);
	assert_int_equal(cidr_parse("0.0.0.0/0", &ip, &len), 0);
	assert_int_equal(len, 0);
	assert_int_equal(cidr_parse("::/0", &ip, &len), 0);
	assert_int_equal(ip.family, AF_INET6);
	assert_int_equal(len, 0);
	assert_int_equal(cidr_parse("192.0.2.130/32", &ip, &len), 0);
	assert_int_equal(len, 32);
	assert_int_equal(cidr_parse("2001:db8::1/128", &ip, &len), 0);
	assert_int_equal(len, 128);
}

static void test_bare_address_is_a_host_prefix(void **state)
{
	struct ip_addr ip;
	int len = -1;

	(void)state;
	assert_int_equal(cidr_parse("192.0.2.10", &ip, &len), 0);
	assert_v4(&ip, 192, 0, 2, 10);
	assert_int_equal(len, 32);
	assert_int_equal(cidr_parse("2001:db8:1::10", &ip, &len), 0);
	assert_int_equal(len, 128);
	assert_int_equal(cidr_parse("::ffff:192.0.2.10", &ip, &len), 0);
	assert_v4(&ip, 192, 0, 2, 10);
	assert_int_equal(len, 32);
}

static void test_cidr_with_host_bits_set_is_rejected(void **state)
{
	struct ip_addr ip;
	int len = -1;

	(void)state;
	assert_int_equal(cidr_parse("198.51.100.1/24", &ip, &len), -EINVAL);
	assert_int_equal(cidr_parse("192.0.2.128/24", &ip, &len), -EINVAL);
	assert_int_equal(cidr_parse("192.0.2.129/25", &ip, &len), -EINVAL);
	assert_int_equal(cidr_parse("11.0.0.0/7", &ip, &len), -EINVAL);
	assert_int_equal(cidr_parse("2001:db8:3::1/48", &ip, &len), -EINVAL);
	assert_int_equal(cidr_parse("2001:db8:3:8000::/49", &ip, &len), 0);
	assert_int_equal(cidr_parse("2001:db8:3:8000::/48", &ip, &len), -EINVAL);
	/* Nothing is written on failure. */
	assert_int_equal(len, 49);
}

static void test_cidr_with_bad_length_is_rejected(void **state)
{
	static const char *const bad[] = {
		"192.0.2.0/33",
		"192.0.2.0/",
		"192.0.2.0/-1",
		"192.0.2.0/+24",
		"192.0.2.0/ 24",
		"192.0.2.0/24 ",
		"192.0.2.0/2a",
		"192.0.2.0/0x18",
		"192.0.2.0/0024",
		"192.0.2.0/24/24",
		"2001:db8::/129",
		"2001:db8::/999",
		"/24",
		"192.0.2.0/99999999999999999999",
	};
	struct ip_addr ip;
	int len;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = cidr_parse(bad[i], &ip, &len);

		if (ret != -EINVAL)
			fail_msg("cidr_parse(\"%s\") = %d, want -EINVAL", bad[i], ret);
	}
}

static void test_ipv4_mapped_prefix_of_96_or_more_becomes_ipv4(void **state)
{
	struct ip_addr ip;
	int len;

	(void)state;
	assert_int_equal(cidr_parse("::ffff:198.51.100.0/120", &ip, &len), 0);
	assert_v4(&ip, 198, 51, 100, 0);
	assert_int_equal(len, 24);
	assert_int_equal(cidr_parse("::ffff:0.0.0.0/96", &ip, &len), 0);
	assert_v4(&ip, 0, 0, 0, 0);
	assert_int_equal(len, 0);
	/* Host bits are checked on the IPv4 prefix. */
	assert_int_equal(cidr_parse("::ffff:198.51.100.1/120", &ip, &len), -EINVAL);
	/* Shorter than 96 also covers non-mapped space: stays IPv6. */
	assert_int_equal(cidr_parse("::ffff:0:0/95", &ip, &len), -EINVAL);
	assert_int_equal(cidr_parse("::/80", &ip, &len), 0);
	assert_int_equal(ip.family, AF_INET6);
}

static void test_format_prints_both_families(void **state)
{
	uint8_t v4[16] = { 203, 0, 113, 1 };
	uint8_t v6[16];
	char buf[INET6_ADDRSTRLEN];

	(void)state;
	assert_string_equal(addr_format(AF_INET, v4, buf, sizeof(buf)), "203.0.113.1");
	inet_pton(AF_INET6, "2001:db8:2::1", v6);
	assert_string_equal(addr_format(AF_INET6, v6, buf, sizeof(buf)), "2001:db8:2::1");
}

static void test_format_round_trips_parse(void **state)
{
	static const char *const addrs[] = {
		"192.0.2.1", "0.0.0.0", "2001:db8::", "2001:db8:3::10", "::1",
	};
	struct ip_addr ip;
	char buf[INET6_ADDRSTRLEN];

	(void)state;
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		assert_int_equal(addr_parse(addrs[i], &ip), 0);
		assert_string_equal(addr_format(ip.family, ip.a, buf, sizeof(buf)), addrs[i]);
	}
}

static void test_format_never_returns_null(void **state)
{
	uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	char small[4];

	(void)state;
	assert_string_equal(addr_format(AF_UNIX, v6, small, sizeof(small)), "?");
	assert_string_equal(addr_format(AF_INET6, v6, small, sizeof(small)), "?");
	assert_non_null(addr_format(AF_INET, v6, NULL, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_address_parses_in_network_order),
		cmocka_unit_test(test_ipv6_address_parses),
		cmocka_unit_test(test_ipv4_mapped_ipv6_address_becomes_ipv4),
		cmocka_unit_test(test_ipv4_compatible_and_nat64_addresses_stay_ipv6),
		cmocka_unit_test(test_malformed_addresses_are_rejected),
		cmocka_unit_test(test_overlong_input_is_rejected_without_overflow),
		cmocka_unit_test(test_cidr_parses_address_and_length),
		cmocka_unit_test(test_bare_address_is_a_host_prefix),
		cmocka_unit_test(test_cidr_with_host_bits_set_is_rejected),
		cmocka_unit_test(test_cidr_with_bad_length_is_rejected),
		cmocka_unit_test(test_ipv4_mapped_prefix_of_96_or_more_becomes_ipv4),
		cmocka_unit_test(test_format_prints_both_families),
		cmocka_unit_test(test_format_round_trips_parse),
		cmocka_unit_test(test_format_never_returns_null),
	};

	return cmocka_run_group_tests_name("addr", tests, NULL, NULL);
}
