/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of juris report: aggregation of synthetic flows, and the table,
 * JSON and CSV printers (JSON parsed back with cJSON). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include "base/text_escape.h"
#include "report/report_csv.h"
#include "report/report_json.h"
#include "report/report_table.h"
#include "report/report.h"

static struct flow_entry flow(const char *dst, int port, const char *cc, int zone, int verdict,
			      uint32_t pid, const char *comm, uint64_t cg, uint64_t packets,
			      uint64_t bytes)
{
	struct flow_entry f = {};

	f.k.family = AF_INET;
	f.k.proto = IPPROTO_TCP;
	f.k.dport = htons(port);
	f.k.cgroup_id = cg;
	inet_pton(AF_INET, "203.0.113.1", f.k.saddr);
	inet_pton(AF_INET, dst, f.k.daddr);
	f.v.packets = packets;
	f.v.bytes = bytes;
	f.v.pid = pid;
	f.v.uid = 1000;
	memcpy(f.v.comm, comm, strnlen(comm, sizeof(f.v.comm)));
	memcpy(f.v.cc, cc, 2);
	f.v.zone = zone;
	f.v.verdict = verdict;
	return f;
}

/* Two processes, three countries; the US flows are outside the policy. */
static struct flow_entry flows[5];

static int setup(void **state)
{
	(void)state;
	flows[0] = flow("192.0.2.10", 443, "FR", ZONE_FR, VERDICT_ALLOW, 10, "nginx", 7, 100,
			90000);
	flows[1] = flow("192.0.2.11", 443, "FR", ZONE_FR, VERDICT_ALLOW, 10, "nginx", 7, 50, 10000);
	flows[2] = flow("192.0.2.241", 443, "US", ZONE_THIRD, VERDICT_WOULD_BLOCK, 20, "curl", 8, 3,
			300);
	flows[3] = flow("192.0.2.242", 80, "US", ZONE_THIRD, VERDICT_WOULD_BLOCK, 20, "curl", 8, 2,
			200);
	flows[4] = flow("192.0.2.130", 53, "DE", ZONE_EU, VERDICT_ALLOW, 10, "nginx", 7, 1,
			5000000000000ull);
	return 0;
}

static int fake_cgroup_path(uint64_t id, char *buf, size_t len)
{
	if (id == 8)
		return -ENOENT; /* removed since */
	snprintf(buf, len, "/sys/fs/cgroup/system.slice/web,\"front\".service");
	return 0;
}

static struct report_input input(void)
{
	return (struct report_input){ .flows = flows,
				      .n_flows = 5,
				      .cgroup_path = fake_cgroup_path };
}

static int col(const struct report *r, const char *name)
{
	for (int c = 0; c < r->n_cols; c++)
		if (!strcmp(r->cols[c].name, name))
			return c;
	fail_msg("no column %s", name);
	return -1;
}

static char *print(report_printer p, const struct report *r, int width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(p(f, r, width), 0);
	fclose(f);
	return buf;
}

static void test_by_country_sums_flows_and_puts_outside_policy_first(void **state)
{
	struct report_input in = input();
	struct report r = {};

	(void)state;
	assert_int_equal(report_build(&r, BY_COUNTRY, &in, 0), 0);
	assert_int_equal(r.n_rows, 3);
	assert_string_equal(r.rows[0].text[col(&r, "country")], "US");
	assert_string_equal(r.rows[0].text[col(&r, "verdict")], "would_block");
	assert_int_equal(r.rows[0].num[col(&r, "flows")], 2);
	assert_int_equal(r.rows[0].num[col(&r, "packets")], 5);
	assert_int_equal(r.rows[0].num[col(&r, "bytes")], 500);
	/* Then the allowed ones, largest first. */
	assert_string_equal(r.rows[1].text[col(&r, "country")], "DE");
	assert_string_equal(r.rows[2].text[col(&r, "country")], "FR");
	assert_int_equal(r.rows[2].num[col(&r, "bytes")], 100000);
	assert_int_equal(r.rows[2].num[col(&r, "flows")], 2);
	report_free(&r);
}

static void test_by_process_groups_by_pid_and_verdict(void **state)
{
	struct report_input in = input();
	struct report r = {};

	(void)state;
	assert_int_equal(report_build(&r, BY_PROCESS, &in, 0), 0);
	assert_int_equal(r.n_rows, 2);
	assert_string_equal(r.rows[0].text[col(&r, "command")], "curl");
	assert_int_equal(r.rows[0].num[col(&r, "pid")], 20);
	assert_int_equal(r.rows[0].num[col(&r, "uid")], 1000);
	assert_int_equal(r.rows[1].num[col(&r, "flows")], 3);
	assert_int_equal(r.rows[1].num[col(&r, "packets")], 151);
	report_free(&r);
}

static void test_by_cgroup_names_paths_and_keeps_removed_ones_by_id(void **state)
{
	struct report_input in = input();
	struct report r = {};

	(void)state;
	assert_int_equal(report_build(&r, BY_CGROUP, &in, 0), 0);
	assert_int_equal(r.n_rows, 2);
	assert_string_equal(r.rows[0].text[col(&r, "cgroup")], "");
	assert_int_equal(r.rows[0].num[col(&r, "cgroup_id")], 8);
	assert_string_equal(r.rows[1].text[col(&r, "cgroup")],
			    "/sys/fs/cgroup/system.slice/web,\"front\".service");
	report_free(&r);
}

static void test_by_flow_shows_addresses_and_ports_in_host_order(void **state)
{
	struct report_input in = input();
	struct report r = {};

	(void)state;
	assert_int_equal(report_build(&r, BY_FLOW, &in, 0), 0);
	assert_int_equal(r.n_rows, 5);
	assert_string_equal(r.rows[0].text[col(&r, "destination")], "192.0.2.241");
	assert_string_equal(r.rows[0].text[col(&r, "source")], "203.0.113.1");
	assert_string_equal(r.rows[0].text[col(&r, "proto")], "tcp");
	assert_int_equal(r.rows[0].num[col(&r, "port")], 443);
	assert_int_equal(r.rows[1].num[col(&r, "port")], 80);
	report_free(&r);
}

/* A flow row says why and when: reason, uid, the operator, first and last
 * seen in UTC ISO 8601 from the kernel's boot-time and monotonic clocks. */
static void test_flow_rows_carry_reason_uid_operator_and_utc_times(void **state)
{
	struct report_input in = input();
	struct flow_entry f = flow("192.0.2.241", 443, "US", ZONE_THIRD, VERDICT_WOULD_BLOCK, 42,
				   "curl", 7, 1, 60);
	struct timespec boot, mono;
	struct report r = {};
	const char *first, *last;

	(void)state;
	clock_gettime(CLOCK_BOOTTIME, &boot);
	clock_gettime(CLOCK_MONOTONIC_COARSE, &mono);
	f.v.reason = REASON_FOREIGN_OP;
	f.v.asn = 16509;
	memcpy(f.v.op_cc, "US", 2);
	f.v.first_ns = (uint64_t)boot.tv_sec * 1000000000ull - 3600ull * 1000000000ull;
	f.v.last_ns = (uint64_t)mono.tv_sec * 1000000000ull;
	in.flows = &f;
	in.n_flows = 1;
	assert_int_equal(report_build(&r, BY_FLOW, &in, 0), 0);
	assert_string_equal(r.rows[0].text[col(&r, "reason")], "foreign_operator");
	assert_int_equal(r.rows[0].num[col(&r, "uid")], 1000);
	assert_int_equal(r.rows[0].num[col(&r, "asn")], 16509);
	assert_string_equal(r.rows[0].text[col(&r, "operator")], "(US)");
	first = r.rows[0].text[col(&r, "first_seen")];
	last = r.rows[0].text[col(&r, "last_seen")];
	assert_int_equal(strlen(first), 20);
	assert_int_equal(first[10], 'T');
	assert_int_equal(first[19], 'Z');
	assert_true(strcmp(first, last) < 0); /* an hour apart, both in UTC */
	report_free(&r);
	f.v.first_ns = 0;
	assert_int_equal(report_build(&r, BY_FLOW, &in, 0), 0);
	assert_string_equal(r.rows[0].text[col(&r, "first_seen")], "");
	report_free(&r);
}

static int fake_domain(void *ctx, const struct flow_entry *f, char *buf, size_t len)
{
	(void)ctx;
	if (f->k.daddr[3] != 241)
		return -ENOENT;
	snprintf(buf, len, "api.example.test");
	return 0;
}

static void test_flow_domain_is_shown_and_dropped_from_the_table_when_empty(void **state)
{
	struct report_input in = input();
	struct report r = {};
	char *out;

	(void)state;
	assert_int_equal(report_build(&r, BY_FLOW, &in, 0), 0);
	assert_string_equal(r.rows[0].text[col(&r, "domain")], "");
	out = print(report_print_table, &r, 80);
	assert_null(strstr(out, "DOMAIN"));
	free(out);
	report_free(&r);
	in.domain_of = fake_domain;
	assert_int_equal(report_build(&r, BY_FLOW, &in, 0), 0);
	assert_string_equal(r.rows[0].text[col(&r, "destination")], "192.0.2.241");
	assert_string_equal(r.rows[0].text[col(&r, "domain")], "api.example.test");
	assert_string_equal(r.rows[1].text[col(&r, "domain")], "");
	out = print(report_print_table, &r, 120);
	assert_non_null(strstr(out, "DOMAIN"));
	assert_non_null(strstr(out, "api.example.test"));
	free(out);
	report_free(&r);
}

static void test_by_zone_reads_totals_and_skips_empty_cells(void **state)
{
	struct juris_totals t[TOTALS_MAX] = {};
	struct report_input in = { .totals = t };
	struct report r = {};

	(void)state;
	t[TOTALS_INDEX(ZONE_FR, VERDICT_ALLOW)] = (struct juris_totals){ 10, 5000, 2 };
	t[TOTALS_INDEX(ZONE_THIRD, VERDICT_BLOCK)] = (struct juris_totals){ 1, 60, 1 };
	assert_int_equal(report_build(&r, BY_ZONE, &in, 0), 0);
	assert_int_equal(r.n_rows, 2);
	assert_false(r.meta.from_flow_table);
	assert_string_equal(r.rows[0].text[col(&r, "zone")], "third");
	assert_string_equal(r.rows[0].text[col(&r, "verdict")], "block");
	assert_int_equal(r.rows[1].num[col(&r, "bytes")], 5000);
	report_free(&r);
}

static void test_top_keeps_the_first_rows_and_counts_all(void **state)
{
	struct report_input in = input();
	struct report r = {};

	(void)state;
	assert_int_equal(report_build(&r, BY_FLOW, &in, 2), 0);
	assert_int_equal(r.n_rows, 2);
	assert_int_equal(r.total_rows, 5);
	report_free(&r);
}

static void test_human_bytes_uses_binary_units(void **state)
{
	char b[32];

	(void)state;
	assert_string_equal(report_human_bytes(0, b, sizeof(b)), "0 B");
	assert_string_equal(report_human_bytes(1023, b, sizeof(b)), "1023 B");
	assert_string_equal(report_human_bytes(1536, b, sizeof(b)), "1.5 KiB");
	assert_string_equal(report_human_bytes(100000, b, sizeof(b)), "98 KiB");
	assert_string_equal(report_human_bytes(5ull << 20, b, sizeof(b)), "5.0 MiB");
	assert_string_equal(report_human_bytes(5000000000000ull, b, sizeof(b)), "4.5 TiB");
	assert_string_equal(report_human_bytes(UINT64_MAX, b, sizeof(b)), "16 EiB");
}

static void test_csv_quotes_commas_and_quotes_as_rfc4180_says(void **state)
{
	struct report_input in = input();
	struct report r = {};
	char *out;

	(void)state;
	assert_int_equal(report_build(&r, BY_CGROUP, &in, 0), 0);
	out = print(report_print_csv, &r, 80);
	assert_string_equal(
		out, "cgroup,cgroup_id,verdict,flows,packets,bytes\r\n"
		     ",8,would_block,2,5,500\r\n"
		     "\"/sys/fs/cgroup/system.slice/web,\"\"front\"\".service\",7,allow,3,151,"
		     "5000000100000\r\n");
	free(out);
	report_free(&r);
}

static void test_json_numbers_are_exact_beyond_32_bits(void **state)
{
	struct report_input in = input();
	struct report r = { .meta = { .pin_dir = "/sys/fs/bpf/x",
				      .flows_in_table = 5,
				      .flow_table_size = 65536 } };
	cJSON *j, *rows, *de = NULL, *row;
	char *out;

	(void)state;
	assert_int_equal(report_build(&r, BY_COUNTRY, &in, 0), 0);
	out = print(report_print_json, &r, 80);
	j = cJSON_Parse(out);
	assert_non_null(j);
	assert_string_equal(cJSON_GetObjectItem(j, "by")->valuestring, "country");
	assert_string_equal(cJSON_GetObjectItem(j, "source")->valuestring, "flow_table");
	assert_int_equal(
		cJSON_GetObjectItem(cJSON_GetObjectItem(j, "flow_table"), "size")->valuedouble,
		65536);
	rows = cJSON_GetObjectItem(j, "rows");
	assert_int_equal(cJSON_GetArraySize(rows), 3);
	cJSON_ArrayForEach(row, rows) if (!strcmp(cJSON_GetObjectItem(row, "country")->valuestring,
						  "DE")) de = row;
	assert_non_null(de);
	assert_true(cJSON_GetObjectItem(de, "bytes")->valuedouble == 5000000000000.0);
	assert_non_null(strstr(out, "\"bytes\":5000000000000"));
	cJSON_Delete(j);
	free(out);
	report_free(&r);
}

/* Lines of out: each at most width columns ("…" is one column). */
static void assert_fits(const char *out, int width)
{
	const char *line = out;

	while (*line) {
		const char *end = strchr(line, '\n');
		int cols = 0;

		assert_non_null(end);
		for (const char *p = line; p < end; p++)
			cols += ((unsigned char)*p & 0xc0) != 0x80;
		if (cols > width)
			fail_msg("line of %d columns, want <= %d: %.*s", cols, width,
				 (int)(end - line), line);
		line = end + 1;
	}
}

static void test_table_fits_the_width_dropping_then_cutting_columns(void **state)
{
	struct report_input in = input();
	struct report r = {};
	char *out;

	(void)state;
	assert_int_equal(report_build(&r, BY_FLOW, &in, 0), 0);
	out = print(report_print_table, &r, 200);
	assert_non_null(strstr(out, "SOURCE"));
	assert_non_null(strstr(out, "4.5 TiB"));
	free(out);
	out = print(report_print_table, &r, 80);
	assert_null(strstr(out, "SOURCE"));
	assert_non_null(strstr(out, "DESTINATION"));
	assert_fits(out, 80);
	free(out);
	report_free(&r);

	assert_int_equal(report_build(&r, BY_CGROUP, &in, 0), 0);
	out = print(report_print_table, &r, 50);
	assert_fits(out, 50);
	assert_non_null(strstr(out, "\u2026"));
	/* The removed cgroup shows as "-"; its row leads: outside the policy. */
	assert_non_null(strstr(out, "\n-  "));
	free(out);
	report_free(&r);
}

/* Process names a process set for itself (prctl(PR_SET_NAME) takes any 15
 * bytes): an erase-line sequence with CR/LF, a formula, a name that is not
 * UTF-8, and a wide one. */
static struct flow_entry hostile[4];

static int setup_hostile(void **state)
{
	(void)state;
	hostile[0] = flow("192.0.2.241", 443, "US", ZONE_THIRD, VERDICT_WOULD_BLOCK, 30,
			  "\x1b[2K\rok\nfake", 9, 3, 300);
	hostile[1] = flow("192.0.2.242", 443, "US", ZONE_THIRD, VERDICT_WOULD_BLOCK, 31,
			  "=cmd|' /C calc'", 9, 2, 200);
	hostile[2] = flow("192.0.2.243", 443, "US", ZONE_THIRD, VERDICT_WOULD_BLOCK, 32,
			  "bad\xff\xfe", 9, 1, 100);
	hostile[3] = flow("192.0.2.244", 443, "US", ZONE_THIRD, VERDICT_WOULD_BLOCK, 33,
			  "\xe6\x9d\xb1\xe4\xba\xac\xe6\x9d\xb1\xe4\xba\xac", 9, 1, 50);
	return 0;
}

static void build_hostile(struct report *r)
{
	struct report_input in = { .flows = hostile, .n_flows = 4 };

	assert_int_equal(report_build(r, BY_PROCESS, &in, 0), 0);
	assert_int_equal(r->n_rows, 4);
}

static void test_table_shows_control_chars_and_invalid_bytes_visibly(void **state)
{
	struct report r = {};
	char *out;

	(void)state;
	build_hostile(&r);
	out = print(report_print_table, &r, 120);
	assert_null(strchr(out, '\x1b'));
	assert_null(strchr(out, '\r'));
	assert_null(strstr(out, "\xff"));
	assert_non_null(strstr(out, "\\x1b[2K\\x0dok\\x0afake"));
	assert_non_null(strstr(out, "bad\\xff\\xfe"));
	/* Header, 4 rows, the flow-table line: no row forged by a newline. */
	int lines = 0;

	for (const char *p = out; *p; p++)
		lines += *p == '\n';
	if (lines != 6)
		fail_msg("%d lines: %s", lines, out);
	free(out);
	report_free(&r);
}

/* The display column where the first "VERDICT"-column word of each line
 * starts: the same on every line when wide names are aligned. */
static void test_table_columns_stay_aligned_with_wide_characters(void **state)
{
	struct report r = {};
	char *out, *line;
	int want = -1;

	(void)state;
	build_hostile(&r);
	out = print(report_print_table, &r, 120);
	line = out;
	for (int n = 0; n < 5; n++) {
		char *end = strchr(line, '\n');
		char *v = strstr(line, n ? "would_block" : "VERDICT");

		assert_non_null(end);
		assert_non_null(v);
		*v = 0;
		if (want < 0)
			want = text_width(line);
		assert_int_equal(text_width(line), want);
		line = end + 1;
	}
	free(out);
	report_free(&r);
}

static void test_csv_neutralises_formulas_and_keeps_utf8_valid(void **state)
{
	struct report r = {};
	char *out;

	(void)state;
	build_hostile(&r);
	out = print(report_print_csv, &r, 80);
	assert_non_null(strstr(out, ",\"'=cmd|' /C calc'\","));
	assert_null(strstr(out, ",=cmd"));
	assert_non_null(strstr(out, "bad\xef\xbf\xbd\xef\xbf\xbd"));
	free(out);
	report_free(&r);
}

static void test_json_text_is_valid_utf8_and_foreign_is_a_boolean(void **state)
{
	struct flow_entry f[1];
	struct report_input in = { .flows = f, .n_flows = 1 };
	struct report r = {};
	cJSON *j;
	char *out;

	(void)state;
	f[0] = flow("192.0.2.241", 443, "FR", ZONE_FR, VERDICT_ALLOW, 30, "x", 9, 1, 100);
	f[0].v.asn = 16509;
	f[0].v.flags = GEO_F_FOREIGN_OP;
	memcpy(f[0].v.op_cc, "US", 2);
	assert_int_equal(report_build(&r, BY_OPERATOR, &in, 0), 0);
	out = print(report_print_json, &r, 80);
	j = cJSON_Parse(out);
	assert_non_null(j);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(
		cJSON_GetArrayItem(cJSON_GetObjectItem(j, "rows"), 0), "foreign")));
	cJSON_Delete(j);
	free(out);
	report_free(&r);

	build_hostile(&r);
	out = print(report_print_json, &r, 80);
	assert_null(strstr(out, "\xff"));
	assert_non_null(strstr(out, "bad\xef\xbf\xbd\xef\xbf\xbd"));
	free(out);
	report_free(&r);
}

static void test_empty_flow_table_prints_a_header_and_says_so(void **state)
{
	struct report_input in = {};
	struct report r = {};
	char *out;

	(void)state;
	assert_int_equal(report_build(&r, BY_PROCESS, &in, 0), 0);
	assert_int_equal(r.n_rows, 0);
	out = print(report_print_table, &r, 80);
	assert_non_null(strstr(out, "(nothing counted yet)"));
	free(out);
	out = print(report_print_csv, &r, 80);
	assert_string_equal(out, "pid,uid,command,verdict,flows,packets,bytes\r\n");
	free(out);
	report_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_by_country_sums_flows_and_puts_outside_policy_first,
				       setup),
		cmocka_unit_test_setup(test_by_process_groups_by_pid_and_verdict, setup),
		cmocka_unit_test_setup(test_by_cgroup_names_paths_and_keeps_removed_ones_by_id,
				       setup),
		cmocka_unit_test_setup(test_by_flow_shows_addresses_and_ports_in_host_order, setup),
		cmocka_unit_test(test_flow_domain_is_shown_and_dropped_from_the_table_when_empty),
		cmocka_unit_test(test_flow_rows_carry_reason_uid_operator_and_utc_times),
		cmocka_unit_test(test_by_zone_reads_totals_and_skips_empty_cells),
		cmocka_unit_test_setup(test_top_keeps_the_first_rows_and_counts_all, setup),
		cmocka_unit_test(test_human_bytes_uses_binary_units),
		cmocka_unit_test_setup(test_csv_quotes_commas_and_quotes_as_rfc4180_says, setup),
		cmocka_unit_test_setup(test_json_numbers_are_exact_beyond_32_bits, setup),
		cmocka_unit_test_setup(test_table_fits_the_width_dropping_then_cutting_columns,
				       setup),
		cmocka_unit_test(test_empty_flow_table_prints_a_header_and_says_so),
		cmocka_unit_test_setup(test_table_shows_control_chars_and_invalid_bytes_visibly,
				       setup_hostile),
		cmocka_unit_test_setup(test_table_columns_stay_aligned_with_wide_characters,
				       setup_hostile),
		cmocka_unit_test_setup(test_csv_neutralises_formulas_and_keeps_utf8_valid,
				       setup_hostile),
		cmocka_unit_test_setup(test_json_text_is_valid_utf8_and_foreign_is_a_boolean,
				       setup_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
