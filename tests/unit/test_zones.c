/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of the country → zone tables and local ranges (user/policy/zones.c, data/zones/). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "policy/compile.h"
#include "juris.h"
#include "policy/zones_data.h"

static const char *const eu26[] = {
	"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "DE", "GR", "HU", "IE",
	"IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
};
static const char *const french_overseas[] = {
	"GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "WF", "PF", "NC", "TF",
};
static const char *const adequate[] = {
	"AD", "AR", "BR", "CA", "FO", "GG", "IL", "IM", "JP", "JE", "NZ", "KR", "CH", "GB", "UY",
};

static int setup(void **state)
{
	struct zone_table *zt;
	char err[256] = "";

	if (zone_table_new(&zt, false, err, sizeof(err))) {
		print_error("zone_table_new: %s\n", err);
		return -1;
	}
	*state = zt;
	return 0;
}

static int teardown(void **state)
{
	zone_table_free(*state);
	return 0;
}

static uint8_t zone(void **state, const char *cc)
{
	return zone_of_country(*state, cc);
}

static void test_every_eu27_state_but_france_is_eu(void **state)
{
	for (size_t i = 0; i < sizeof(eu26) / sizeof(eu26[0]); i++) {
		if (zone(state, eu26[i]) != ZONE_EU)
			fail_msg("%s is not in zone eu", eu26[i]);
	}
	assert_int_equal(zone(state, "FR"), ZONE_FR);
}

static void test_greece_is_gr_not_el(void **state)
{
	assert_int_equal(zone(state, "GR"), ZONE_EU);
	assert_int_equal(zone(state, "EL"), ZONE_THIRD);
}

static void test_french_overseas_territories_are_fr(void **state)
{
	for (size_t i = 0; i < sizeof(french_overseas) / sizeof(french_overseas[0]); i++) {
		if (zone(state, french_overseas[i]) != ZONE_FR)
			fail_msg("%s is not in zone fr", french_overseas[i]);
	}
}

static void test_aland_is_eu(void **state)
{
	assert_int_equal(zone(state, "AX"), ZONE_EU);
}

static void test_octs_and_microstates_outside_the_eu_are_third(void **state)
{
	static const char *const third[] = { "GL", "AW", "CW", "SX", "BQ", "MC", "SM", "VA", "GI" };

	for (size_t i = 0; i < sizeof(third) / sizeof(third[0]); i++) {
		if (zone(state, third[i]) != ZONE_THIRD)
			fail_msg("%s is not in zone third", third[i]);
	}
}

static void test_eea_states_are_eea(void **state)
{
	assert_int_equal(zone(state, "IS"), ZONE_EEA);
	assert_int_equal(zone(state, "LI"), ZONE_EEA);
	assert_int_equal(zone(state, "NO"), ZONE_EEA);
	assert_int_equal(zone(state, "SJ"), ZONE_THIRD);
}

static void test_adequacy_decisions_are_adequate(void **state)
{
	for (size_t i = 0; i < sizeof(adequate) / sizeof(adequate[0]); i++) {
		if (zone(state, adequate[i]) != ZONE_ADEQUATE)
			fail_msg("%s is not in zone adequate", adequate[i]);
	}
}

static void test_us_is_third_unless_asked(void **state)
{
	struct zone_table *us;
	char err[256] = "";

	assert_int_equal(zone(state, "US"), ZONE_THIRD);
	assert_int_equal(zone_table_new(&us, true, err, sizeof(err)), 0);
	assert_int_equal(zone_of_country(us, "US"), ZONE_ADEQUATE);
	/* Only the US moves. */
	assert_int_equal(zone_of_country(us, "CN"), ZONE_THIRD);
	assert_int_equal(zone_of_country(us, "JP"), ZONE_ADEQUATE);
	zone_table_free(us);
}

static void test_empty_country_is_unknown(void **state)
{
	assert_int_equal(zone(state, "\0\0"), ZONE_UNKNOWN);
}

static void test_non_letter_code_is_unknown(void **state)
{
	assert_int_equal(zone(state, "1A"), ZONE_UNKNOWN);
	assert_int_equal(zone(state, "F\0"), ZONE_UNKNOWN);
	assert_int_equal(zone(state, "--"), ZONE_UNKNOWN);
}

static void test_other_countries_are_third(void **state)
{
	assert_int_equal(zone(state, "CN"), ZONE_THIRD);
	assert_int_equal(zone(state, "RU"), ZONE_THIRD);
	assert_int_equal(zone(state, "BY"), ZONE_THIRD);
	assert_int_equal(zone(state, "XK"), ZONE_THIRD);
	assert_int_equal(zone(state, "ZZ"), ZONE_THIRD);
}

static void test_lower_case_code_finds_its_zone(void **state)
{
	assert_int_equal(zone(state, "fr"), ZONE_FR);
	assert_int_equal(zone(state, "De"), ZONE_EU);
}

/* The local range of list l that holds addr, or NULL. */
static const struct net_prefix *local_holding(const struct prefix_list *l, int af, const char *addr)
{
	uint8_t a[16] = { 0 };
	int bytes = af == AF_INET ? 4 : 16;

	assert_int_equal(inet_pton(af, addr, a), 1);
	for (size_t i = 0; i < l->n; i++) {
		const struct net_prefix *p = &l->v[i];
		int whole = p->len / 8, rest = p->len % 8;

		assert_true(whole <= bytes);
		if (memcmp(p->addr, a, (size_t)whole))
			continue;
		if (rest && ((p->addr[whole] ^ a[whole]) & (0xff00 >> rest) & 0xff))
			continue;
		return p;
	}
	return NULL;
}

static void test_special_purpose_ipv4_ranges_are_local(void **state)
{
	static const char *const local[] = {
		"0.0.0.0",   "10.1.2.3",	"100.64.0.1", "100.127.255.255",
		"127.0.0.1", "169.254.1.1",	"172.16.0.1", "172.31.255.255",
		"192.0.0.8", "192.168.1.1",	"198.18.0.1", "198.19.255.255",
		"224.0.0.1", "239.255.255.255", "240.0.0.1",  "255.255.255.255",
	};
	const struct prefix_list *l = zone_local_v4(*state);

	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++) {
		if (!local_holding(l, AF_INET, local[i]))
			fail_msg("%s is not local", local[i]);
	}
	for (size_t i = 0; i < l->n; i++) {
		assert_int_equal(l->v[i].zone, ZONE_LOCAL);
		assert_int_equal(l->v[i].cc[0], 0);
		assert_int_equal(l->v[i].cc[1], 0);
	}
}

/* RFC 8215 local-use NAT64 reaches any IPv4 address: never local, so
 * that unknown = deny holds there (judged by the IPv4 address when
 * configured with --nat64-prefix). */
static void test_local_use_nat64_prefix_is_not_local(void **state)
{
	const struct prefix_list *l = zone_local_v6(*state);

	assert_false(local_holding(l, AF_INET6, "64:ff9b:1::c633:640a"));
	assert_false(local_holding(l, AF_INET6, "64:ff9b::c633:640a"));
}

static void test_special_purpose_ipv6_ranges_are_local(void **state)
{
	static const char *const local[] = {
		"::",	   "::1",     "fc00::1", "fd12:3456::1", "fe80::1",
		"febf::1", "ff02::1", "100::1",	 "2001:2::1",	 "5f00::1",
	};
	const struct prefix_list *l = zone_local_v6(*state);

	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++) {
		if (!local_holding(l, AF_INET6, local[i]))
			fail_msg("%s is not local", local[i]);
	}
}

static void test_documentation_and_public_ranges_are_not_local(void **state)
{
	static const char *const v4[] = {
		"192.0.2.1",   "198.51.100.1", "203.0.113.1", "8.8.8.8",     "100.63.255.255",
		"100.128.0.0", "172.32.0.0",   "192.0.1.255", "192.88.99.1", "223.255.255.255",
	};
	static const char *const v6[] = {
		"2001:db8::1", "2001:db8:ffff::1", "3fff::1", "2001:4860::8888", "::ffff:10.0.0.1",
		"2002:a00::1", "64:ff9b::a00:1",   "fec0::1", "2001:3::1",
	};

	for (size_t i = 0; i < sizeof(v4) / sizeof(v4[0]); i++) {
		if (local_holding(zone_local_v4(*state), AF_INET, v4[i]))
			fail_msg("%s is local", v4[i]);
	}
	for (size_t i = 0; i < sizeof(v6) / sizeof(v6[0]); i++) {
		if (local_holding(zone_local_v6(*state), AF_INET6, v6[i]))
			fail_msg("%s is local", v6[i]);
	}
}

static void test_every_table_states_its_source_and_date(void **state)
{
	(void)state;
	for (unsigned i = 0; i < zones_data_count; i++) {
		const char *t = zones_data[i].text;

		if (t[0] != '#' || !strstr(t, "\n# Source:") || !strstr(t, "\n# Date: "))
			fail_msg("%s.txt does not begin with comments giving Source: and Date:",
				 zones_data[i].name);
	}
}

/* The embedded tables with one replaced: the rest must stay valid. */
static int parse_with(const char *name, const char *text, char *err, size_t errlen)
{
	struct embedded_file files[16];
	struct zone_table *zt = NULL;
	unsigned n = 0;
	int ret;

	assert_true(zones_data_count < 16);
	for (unsigned i = 0; i < zones_data_count; i++) {
		files[n] = zones_data[i];
		if (!strcmp(files[n].name, name)) {
			if (!text)
				continue;
			files[n].text = text;
		}
		n++;
	}
	ret = zone_table_parse(&zt, files, n, false, err, errlen);
	assert_int_equal(ret == 0, zt != NULL);
	zone_table_free(zt);
	return ret;
}

static void test_malformed_country_names_file_and_line(void **state)
{
	char err[256] = "";

	(void)state;
	assert_int_equal(parse_with("eea", "# c\n\nIS\nNOR\n", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "eea.txt:4:"));
	assert_non_null(strstr(err, "NOR"));
	assert_int_equal(parse_with("eea", "IS\nno\n", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "eea.txt:2:"));
	assert_int_equal(parse_with("eea", "IS LI\n", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "eea.txt:1:"));
}

static void test_country_in_two_tables_is_refused(void **state)
{
	char err[256] = "";

	(void)state;
	/* The tables are read in file name order: fr.txt after eu.txt. */
	assert_int_equal(parse_with("fr", "FR\nDE\t# also in eu.txt\n", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "fr.txt:2: DE is already in zone eu");
}

static void test_malformed_cidr_names_file_and_line(void **state)
{
	char err[256] = "";

	(void)state;
	assert_int_equal(parse_with("local-v4", "10.0.0.0/8\n10.0.0.1/8\n", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "local-v4.txt:2: host bits set"));
	assert_int_equal(parse_with("local-v4", "10.0.0.0\n", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "local-v4.txt:1:"));
	assert_int_equal(parse_with("local-v4", "10.0.0.0/33\n", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "local-v4.txt:1:"));
	assert_int_equal(parse_with("local-v4", "fc00::/7\n", err, sizeof(err)), -EINVAL);
	assert_int_equal(parse_with("local-v6", "fe80::/10\n\n10.0.0.0/8\n", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "local-v6.txt:3:"));
	assert_int_equal(parse_with("local-v6", "fe80::/1x\n", err, sizeof(err)), -EINVAL);
}

static void test_comments_blank_lines_and_crlf_are_accepted(void **state)
{
	char err[256] = "";

	(void)state;
	assert_int_equal(
		parse_with("eea", "# a\r\n\r\n  IS  # Iceland\r\n\tLI\nNO", err, sizeof(err)), 0);
	assert_int_equal(parse_with("local-v4", "# only comments\n", err, sizeof(err)), 0);
}

static void test_unknown_or_missing_table_is_refused(void **state)
{
	struct embedded_file files[17];
	struct zone_table *zt = NULL;
	char err[256] = "";

	(void)state;
	assert_int_equal(parse_with("fr", NULL, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "fr.txt"));
	assert_true(zones_data_count < 16);
	memcpy(files, zones_data, zones_data_count * sizeof(files[0]));
	files[zones_data_count] = (struct embedded_file){ "mars", "MA\n" };
	assert_int_equal(
		zone_table_parse(&zt, files, zones_data_count + 1, false, err, sizeof(err)),
		-EINVAL);
	assert_null(zt);
	assert_non_null(strstr(err, "mars.txt"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_eu27_state_but_france_is_eu, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_greece_is_gr_not_el, setup, teardown),
		cmocka_unit_test_setup_teardown(test_french_overseas_territories_are_fr, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_aland_is_eu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_octs_and_microstates_outside_the_eu_are_third,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_eea_states_are_eea, setup, teardown),
		cmocka_unit_test_setup_teardown(test_adequacy_decisions_are_adequate, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_us_is_third_unless_asked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_country_is_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_non_letter_code_is_unknown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_countries_are_third, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lower_case_code_finds_its_zone, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_special_purpose_ipv4_ranges_are_local, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_special_purpose_ipv6_ranges_are_local, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_local_use_nat64_prefix_is_not_local, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_documentation_and_public_ranges_are_not_local,
						setup, teardown),
		cmocka_unit_test(test_every_table_states_its_source_and_date),
		cmocka_unit_test(test_malformed_country_names_file_and_line),
		cmocka_unit_test(test_country_in_two_tables_is_refused),
		cmocka_unit_test(test_malformed_cidr_names_file_and_line),
		cmocka_unit_test(test_comments_blank_lines_and_crlf_are_accepted),
		cmocka_unit_test(test_unknown_or_missing_table_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
