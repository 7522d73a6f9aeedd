/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of the operator table (user/policy/operators.c, data/operators/operators.txt). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "juris.h"
#include "policy/operators.h"

static int setup(void **state)
{
	static struct operator_table t;
	char err[256] = "";

	memset(&t, 0, sizeof(t));
	if (operator_table_builtin(&t, err, sizeof(err))) {
		print_error("operator_table_builtin: %s\n", err);
		return -1;
	}
	*state = &t;
	return 0;
}

static int teardown(void **state)
{
	operator_table_free(*state);
	return 0;
}

static void assert_operator(const struct operator_table *t, uint32_t asn, const char *cc,
			    const char *name)
{
	const struct operator* op = operator_find(t, asn);

	if (!op)
		fail_msg("AS%u is not in the table", asn);
	assert_memory_equal(op->cc, cc, 2);
	assert_string_equal(op->name, name);
}

static void test_builtin_list_names_the_big_operators_and_their_homes(void **state)
{
	const struct operator_table *t = *state;

	assert_operator(t, 16509, "US", "Amazon");
	assert_operator(t, 8987, "US", "Amazon");
	assert_operator(t, 15169, "US", "Google");
	assert_operator(t, 8075, "US", "Microsoft");
	assert_operator(t, 20940, "US", "Akamai");
	assert_operator(t, 63949, "US", "Akamai (Linode)");
	assert_operator(t, 45102, "CN", "Alibaba Cloud");
	assert_operator(t, 16276, "FR", "OVHcloud");
	assert_operator(t, 12876, "FR", "Scaleway");
	assert_operator(t, 50624, "FR", "Outscale");
	assert_operator(t, 24940, "DE", "Hetzner");
	/* AS50474 is o2switch, not Outscale: it is not listed. */
	assert_null(operator_find(t, 50474));
	assert_null(operator_find(t, 64500));
}

static void test_builtin_list_is_sorted_with_one_entry_per_asn(void **state)
{
	const struct operator_table *t = *state;

	assert_true(t->n >= 60);
	for (size_t i = 1; i < t->n; i++)
		assert_true(t->v[i - 1].asn < t->v[i].asn);
}

static int parse(const char *text, struct operator_table *t, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	return operator_table_parse(t, "ops.txt", text, err, errlen);
}

static void test_parse_accepts_comments_blanks_as_prefix_and_spaces_in_names(void **state)
{
	struct operator_table t;
	char err[256] = "";

	(void)state;
	assert_int_equal(parse("# header\n\n  AS64500\tUS  Example  Cloud, Inc.  # c\r\n"
			       "64501 FR Autre\n",
			       &t, err, sizeof(err)),
			 0);
	assert_int_equal(t.n, 2);
	assert_operator(&t, 64500, "US", "Example  Cloud, Inc.");
	assert_operator(&t, 64501, "FR", "Autre");
	operator_table_free(&t);
}

static void assert_parse_error(const char *text, const char *want)
{
	struct operator_table t;
	char err[256] = "";

	assert_int_equal(parse(text, &t, err, sizeof(err)), -EINVAL);
	if (!strstr(err, want))
		fail_msg("error '%s' does not contain '%s'", err, want);
	operator_table_free(&t);
}

static void test_parse_rejects_malformed_lines_with_file_and_line(void **state)
{
	(void)state;
	assert_parse_error("1 US A\nx16509 US Amazon\n", "ops.txt:2: not an AS number: 'x16509'");
	assert_parse_error("0 US Zero\n", "ops.txt:1: not an AS number: '0'");
	assert_parse_error("4294967296 US Big\n", "ops.txt:1: AS number out of range");
	assert_parse_error("\n\n16509 us Amazon\n", "ops.txt:3: not an upper-case ISO 3166-1");
	assert_parse_error("16509 USA Amazon\n", "not an upper-case ISO 3166-1");
	assert_parse_error("16509 US\n", "ops.txt:1: no operator name after 'US'");
	assert_parse_error("16509\n", "ops.txt:1: expected ASN CC NAME, got only '16509'");
	assert_parse_error("16509 US Amazon\n16509 FR Amazon\n",
			   "ops.txt:2: AS16509 is listed twice");
	assert_parse_error(
		"1 US 0123456789012345678901234567890123456789012345678901234567890123\n",
		"ops.txt:1: operator name longer than 63 bytes");
	assert_parse_error("1 US bell\a\n", "ops.txt:1: control character in operator name");
}

static void test_policy_entry_overrides_the_curated_one_and_adds_new_ones(void **state)
{
	struct operator_table *t = *state;
	size_t n = t->n;
	char err[256] = "";

	assert_int_equal(operator_table_set(t, "16509 FR Amazon (contract with an EU entity)", err,
					    sizeof(err)),
			 0);
	assert_operator(t, 16509, "FR", "Amazon (contract with an EU entity)");
	assert_int_equal(t->n, n);
	assert_int_equal(operator_table_set(t, "AS64500 CH Example", err, sizeof(err)), 0);
	assert_operator(t, 64500, "CH", "Example");
	assert_int_equal(t->n, n + 1);
	for (size_t i = 1; i < t->n; i++)
		assert_true(t->v[i - 1].asn < t->v[i].asn);
}

static void test_policy_entry_errors_name_the_option_not_a_line(void **state)
{
	struct operator_table *t = *state;
	char err[256] = "";

	assert_int_equal(operator_table_set(t, "16509 United-States Amazon", err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "operator: not an upper-case ISO 3166-1 alpha-2 code: "
				 "'United-States'");
	assert_int_equal(operator_table_set(t, "  # nothing", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "operator: expected \"ASN CC NAME\", got '  # nothing'");
	assert_int_equal(operator_table_set(t, "1 US A\n2 US B", err, sizeof(err)), -EINVAL);
	assert_operator(t, 16509, "US", "Amazon");
}

static void test_foreign_operator_follows_the_allowed_zone(void **state)
{
	struct zone_table *zt, *zt_us;
	char err[256] = "";

	(void)state;
	assert_int_equal(zone_table_new(&zt, false, err, sizeof(err)), 0);
	assert_int_equal(zone_table_new(&zt_us, true, err, sizeof(err)), 0);
	assert_true(operator_is_foreign(zt, "US", ZONE_EU));
	assert_true(operator_is_foreign(zt, "US", ZONE_ADEQUATE));
	assert_true(operator_is_foreign(zt, "CN", ZONE_ADEQUATE));
	assert_false(operator_is_foreign(zt, "FR", ZONE_FR));
	assert_false(operator_is_foreign(zt, "GP", ZONE_FR));
	assert_true(operator_is_foreign(zt, "DE", ZONE_FR));
	assert_false(operator_is_foreign(zt, "DE", ZONE_EU));
	assert_true(operator_is_foreign(zt, "NO", ZONE_EU));
	assert_false(operator_is_foreign(zt, "NO", ZONE_EEA));
	assert_false(operator_is_foreign(zt, "JP", ZONE_ADEQUATE));
	assert_false(operator_is_foreign(zt, "GB", ZONE_ADEQUATE));
	assert_true(operator_is_foreign(zt, "GB", ZONE_EEA));
	/* --us-adequate: the US is adequate for operators as for locations. */
	assert_false(operator_is_foreign(zt_us, "US", ZONE_ADEQUATE));
	assert_true(operator_is_foreign(zt_us, "US", ZONE_EEA));
	/* A home the tables cannot place is never inside the allowed zone. */
	assert_true(operator_is_foreign(zt, "\0\0", ZONE_ADEQUATE));
	zone_table_free(zt);
	zone_table_free(zt_us);
}

static void test_describe_says_where_and_who(void **state)
{
	char buf[128];

	(void)state;
	assert_int_equal(operator_describe(buf, sizeof(buf), "FR", 16509, "US", "Amazon"), 0);
	assert_string_equal(buf, "located FR, operated from US (AS16509 Amazon)");
	assert_int_equal(operator_describe(buf, sizeof(buf), "\0\0", 16276, "FR", "OVHcloud"), 0);
	assert_string_equal(buf, "location unknown, operated from FR (AS16276 OVHcloud)");
	assert_int_equal(operator_describe(buf, sizeof(buf), "DE", 64500, "\0\0", NULL), 0);
	assert_string_equal(buf, "located DE, operator's home unknown (AS64500)");
	assert_int_equal(operator_describe(buf, sizeof(buf), "DE", 0, "\0\0", ""), 0);
	assert_string_equal(buf, "located DE, operator unknown");
	assert_int_equal(operator_describe(buf, 20, "FR", 16509, "US", "Amazon"), -ENOSPC);
	assert_string_equal(buf, "located FR, operate");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_builtin_list_names_the_big_operators_and_their_homes),
		T(test_builtin_list_is_sorted_with_one_entry_per_asn),
		T(test_parse_accepts_comments_blanks_as_prefix_and_spaces_in_names),
		T(test_parse_rejects_malformed_lines_with_file_and_line),
		T(test_policy_entry_overrides_the_curated_one_and_adds_new_ones),
		T(test_policy_entry_errors_name_the_option_not_a_line),
		T(test_foreign_operator_follows_the_allowed_zone),
		T(test_describe_says_where_and_who),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
