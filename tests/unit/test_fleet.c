/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of juris report --prometheus: the API answers' parser, the
 * PromQL it asks, --since durations, and the exact rows of --by country
 * and --by operator. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "cli/options.h"
#include "report/fleet.h"
#include "report/promql.h"
#include "report/report.h"

static void test_vector_answer_keeps_the_labels_asked_and_the_values(void **state)
{
	static const char body[] =
		"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
		"{\"metric\":{\"country\":\"US\",\"zone\":\"third\",\"verdict\":\"block\"},"
		"\"value\":[1764000000.5,\"1234\"]},"
		"{\"metric\":{\"zone\":\"unknown\",\"verdict\":\"allow\"},\"value\":[1,\"NaN\"]}]}}";
	const char *labels[] = { "country", "zone", "verdict" };
	struct prom_vector v;
	char err[256] = "";

	(void)state;
	assert_int_equal(prom_parse_vector(body, labels, 3, &v, err, sizeof(err)), 0);
	assert_int_equal(v.n, 2);
	assert_string_equal(v.v[0].label[0], "US");
	assert_string_equal(v.v[0].label[2], "block");
	assert_true(v.v[0].value == 1234.0);
	/* An absent label is "" (Prometheus drops empty labels). */
	assert_string_equal(v.v[1].label[0], "");
	/* No value (NaN): nothing counted. */
	assert_true(v.v[1].value == 0.0);
	prom_vector_free(&v);
}

static void test_error_answer_is_one_sanitised_line(void **state)
{
	static const char body[] = "{\"status\":\"error\",\"errorType\":\"bad_data\","
				   "\"error\":\"parse error\\n\\u001b[31mred\"}";
	struct prom_vector v;
	char err[256] = "";

	(void)state;
	assert_int_equal(prom_parse_vector(body, NULL, 0, &v, err, sizeof(err)), -EPROTO);
	assert_string_equal(err, "bad_data: parse error??[31mred");
	assert_int_equal(prom_parse_vector("<html>", NULL, 0, &v, err, sizeof(err)), -EPROTO);
	assert_string_equal(err, "answer is not JSON");
	assert_int_equal(prom_parse_vector("{\"status\":\"success\",\"data\":{\"resultType\":"
					   "\"matrix\",\"result\":[]}}",
					   NULL, 0, &v, err, sizeof(err)),
			 -EPROTO);
}

static void test_matrix_answer_has_the_points_of_each_series(void **state)
{
	static const char body[] =
		"{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
		"{\"metric\":{},\"values\":[[86400,\"10\"],[172800,\"20.5\"]]}]}}";
	struct prom_matrix m;
	char err[256];

	(void)state;
	assert_int_equal(prom_parse_matrix(body, NULL, 0, &m, err, sizeof(err)), 0);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.v[0].n, 2);
	assert_int_equal(m.v[0].t[1], 172800);
	assert_true(m.v[0].value[1] == 20.5);
	prom_matrix_free(&m);
}

static void test_expr_is_the_latest_sum_or_its_increase_over_the_period(void **state)
{
	const char *labels[] = { "host", "verdict" };
	char buf[256];

	(void)state;
	assert_int_equal(fleet_expr(buf, sizeof(buf), "juris_bytes_total", labels, 2, 0), 0);
	assert_string_equal(buf, "sum by (host,verdict) (juris_bytes_total)");
	assert_int_equal(fleet_expr(buf, sizeof(buf), "juris_bytes_total", labels, 2, 2592000), 0);
	assert_string_equal(buf, "sum by (host,verdict) (increase(juris_bytes_total[2592000s]))");
	assert_int_equal(fleet_expr(buf, 10, "juris_bytes_total", labels, 2, 0), -ENOSPC);
}

static void test_since_takes_prometheus_durations(void **state)
{
	uint64_t s;

	(void)state;
	assert_int_equal(parse_duration("30d", &s), 0);
	assert_int_equal(s, 30 * 86400);
	assert_int_equal(parse_duration("1w2d3h4m5s", &s), 0);
	assert_int_equal(s, 9 * 86400 + 3 * 3600 + 4 * 60 + 5);
	assert_int_equal(parse_duration("", &s), -EINVAL);
	assert_int_equal(parse_duration("0d", &s), -EINVAL);
	assert_int_equal(parse_duration("12", &s), -EINVAL);
	assert_int_equal(parse_duration("d", &s), -EINVAL);
	assert_int_equal(parse_duration("1y", &s), -EINVAL);
	assert_int_equal(parse_duration("99999999999d", &s), -EINVAL);
}

static int text_col(const struct report *r, const char *name)
{
	for (int c = 0; c < r->n_cols; c++)
		if (!strcmp(r->cols[c].name, name))
			return c;
	return -1;
}

static void test_exact_rows_by_country_and_operator_cover_every_counted_cell(void **state)
{
	static struct juris_exact x;
	struct report_input in = { .exact = &x };
	struct report r = {};

	(void)state;
	x.country[('F' - 'A') * 26 + 'R' - 'A'][VERDICT_ALLOW] = (struct juris_totals){ 5, 500, 1 };
	x.country[COUNTRY_LOCAL][VERDICT_ALLOW] = (struct juris_totals){ 2, 20, 1 };
	x.country[COUNTRY_NONE][VERDICT_WOULD_BLOCK] = (struct juris_totals){ 1, 10, 1 };
	x.oper[0][VERDICT_ALLOW] = (struct juris_totals){ 7, 520, 2 };
	x.oper[OPER_ID_OTHER][VERDICT_WOULD_BLOCK] = (struct juris_totals){ 1, 10, 1 };
	assert_int_equal(report_build(&r, BY_COUNTRY, &in, 0), 0);
	assert_false(r.meta.from_flow_table);
	assert_int_equal(r.n_rows, 3);
	/* Outside the policy first; then by bytes. */
	assert_string_equal(r.rows[0].text[text_col(&r, "zone")], "unknown");
	assert_string_equal(r.rows[1].text[text_col(&r, "country")], "FR");
	assert_string_equal(r.rows[2].text[text_col(&r, "zone")], "local");
	report_free(&r);
	assert_int_equal(report_build(&r, BY_OPERATOR, &in, 0), 0);
	assert_int_equal(r.n_rows, 2);
	assert_string_equal(r.rows[0].text[0], "other listed operators");
	assert_string_equal(r.rows[1].text[0], "-");
	assert_int_equal(text_col(&r, "country"), -1);
	report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_answer_keeps_the_labels_asked_and_the_values),
		cmocka_unit_test(test_error_answer_is_one_sanitised_line),
		cmocka_unit_test(test_matrix_answer_has_the_points_of_each_series),
		cmocka_unit_test(test_expr_is_the_latest_sum_or_its_increase_over_the_period),
		cmocka_unit_test(test_since_takes_prometheus_durations),
		cmocka_unit_test(test_exact_rows_by_country_and_operator_cover_every_counted_cell),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
