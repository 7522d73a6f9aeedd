/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of the Prometheus exposition and of the --metrics address. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>
#include "base/listen_addr.h"
#include "daemon/metrics.h"
#include "kernel/loader.h"
#include "kernel/meta.h"
#include "policy/locdb.h"

static char *render(const struct metrics_input *in)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(metrics_render(f, in), 0);
	fclose(f);
	return buf;
}

static void test_totals_are_counters_by_zone_and_verdict(void **state)
{
	static struct juris_stats st;
	struct juris_config cfg = { .mode = MODE_ENFORCE,
				    .allow_zone = ZONE_EU,
				    .db_build_epoch = 1000 };
	struct metrics_input in = { .stats = &st, .cfg = &cfg, .now = 4600, .version = "1.2\"x" };
	char *out;

	(void)state;
	memset(&st, 0, sizeof(st));
	st.totals[TOTALS_INDEX(ZONE_THIRD, VERDICT_BLOCK)] = (struct juris_totals){
		.packets = 3, .bytes = 5000000000000ull, .flows = 2
	};
	st.counters[CNT_RINGBUF_DROPS] = 7;
	st.counters[CNT_DNS_ANSWERS] = 5;
	st.counters[CNT_DNS_MALFORMED] = 1;
	st.flows_in_table = 2;
	st.flow_table_size = 65536;
	out = render(&in);
	assert_non_null(strstr(out, "# TYPE juris_packets_total counter\n"));
	assert_non_null(strstr(out, "juris_packets_total{zone=\"third\",verdict=\"block\"} 3\n"));
	assert_non_null(strstr(out, "juris_bytes_total{zone=\"third\",verdict=\"block\"} "
				    "5000000000000\n"));
	assert_non_null(strstr(out, "juris_flows_total{zone=\"fr\",verdict=\"allow\"} 0\n"));
	assert_non_null(strstr(out, "juris_ringbuf_drops_total 7\n"));
	/* DNS: counts, never names. */
	assert_non_null(strstr(out, "juris_dns_answers_total{outcome=\"read\"} 5\n"));
	assert_non_null(strstr(out, "juris_dns_answers_total{outcome=\"malformed\"} 1\n"));
	assert_non_null(strstr(out, "juris_flow_table_size 65536\n"));
	assert_non_null(strstr(out, "juris_database_age_seconds 3600\n"));
	assert_non_null(strstr(out, "juris_policy_info{mode=\"enforce\",allow=\"eu\","
				    "unknown=\"allow\",foreign_operator=\"allow\","
				    "operator_overlay=\"off\"} 1\n"));
	assert_non_null(strstr(out, "juris_policy_generation 0\n"));
	assert_non_null(strstr(out, "juris_slot_missing_total 0\n"));
	/* Label values are escaped. */
	assert_non_null(strstr(out, "juris_build_info{version=\"1.2\\\"x\"} 1\n"));
	free(out);
}

static void test_countries_and_operators_are_exact_counters(void **state)
{
	static struct juris_stats st;
	static struct juris_exact x;
	struct juris_config cfg = {};
	struct report_input rin = { .exact = &x };
	struct report r = {};
	struct metrics_input in = {
		.stats = &st, .cfg = &cfg, .by_country = &r, .exact = &x, .version = "0"
	};
	char *out;

	(void)state;
	x.country[('U' - 'A') * 26 + 'S' - 'A'][VERDICT_WOULD_BLOCK].bytes = 123;
	x.country[('U' - 'A') * 26 + 'S' - 'A'][VERDICT_WOULD_BLOCK].packets = 2;
	x.country[COUNTRY_NONE][VERDICT_ALLOW].bytes = 7;
	x.country[COUNTRY_NONE][VERDICT_ALLOW].packets = 1;
	x.oper[3][VERDICT_WOULD_BLOCK].flows = 4;
	x.oper[3][VERDICT_WOULD_BLOCK].packets = 5;
	x.idents[3] = (struct oper_ident){
		.asn = 16509, .home_cc = "US", .foreign = 1, .name = "Am\"azon"
	};
	assert_int_equal(report_build(&r, BY_COUNTRY, &rin, 0), 0);
	out = render(&in);
	assert_non_null(strstr(out, "# TYPE juris_country_bytes_total counter\n"));
	assert_non_null(strstr(out, "juris_country_bytes_total{country=\"US\",zone=\"third\","
				    "verdict=\"would_block\"} 123\n"));
	assert_non_null(strstr(out, "juris_country_bytes_total{country=\"\","
				    "zone=\"unknown\",verdict=\"allow\"} 7\n"));
	assert_non_null(strstr(out, "# TYPE juris_operator_flows_total counter\n"));
	/* The operator's name is escaped like every label value. */
	assert_non_null(strstr(out,
			       "juris_operator_flows_total{asn=\"16509\",operator=\"Am\\\"azon\","
			       "operator_country=\"US\",foreign=\"true\","
			       "verdict=\"would_block\"} 4\n"));
	assert_null(strstr(out, "juris_flow_table_country"));
	free(out);
	report_free(&r);
}

static void test_database_source_is_a_labelled_info_metric_and_refusals_a_counter(void **state)
{
	static struct juris_stats st;
	static struct juris_meta meta;
	struct juris_config cfg = { .db_build_epoch = 1000 };
	struct metrics_input in = {
		.stats = &st, .cfg = &cfg, .meta = &meta, .now = 4600, .version = "0"
	};
	char *out;

	(void)state;
	memset(&st, 0, sizeof(st));
	memset(&meta, 0, sizeof(meta));
	strcpy(meta.db_path, "/var/lib/location/database.db");
	strcpy(meta.db_vendor, "IPFire \"Project\"\n");
	strcpy(meta.db_license, "CC BY-SA 4.0");
	meta.db_libloc = 1;
	meta.db_sig = LOCDB_SIG_BAD;
	meta.db_networks = 1290053;
	meta.follow_switches = 3;
	meta.follow_refusals = 2;
	out = render(&in);
	assert_non_null(strstr(out, "juris_database_info{path=\"/var/lib/location/database.db\","
				    "vendor=\"IPFire \\\"Project\\\"\\n\",type=\"libloc\","
				    "license=\"CC BY-SA 4.0\",signature=\"bad\"} 1\n"));
	assert_non_null(strstr(out, "juris_database_networks 1290053\n"));
	assert_non_null(strstr(out, "# TYPE juris_database_follow_refusals_total counter\n"));
	assert_non_null(strstr(out, "juris_database_follow_refusals_total 2\n"));
	assert_non_null(strstr(out, "juris_database_follow_switches_total 3\n"));
	free(out);
}

static void test_metrics_address_defaults_to_loopback(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	char buf[64];

	(void)state;
	assert_int_equal(listen_addr_parse("9464", &ss, &len), 0);
	assert_int_equal(a4->sin_family, AF_INET);
	assert_int_equal(ntohs(a4->sin_port), 9464);
	assert_string_equal(inet_ntop(AF_INET, &a4->sin_addr, buf, sizeof(buf)), "127.0.0.1");
	assert_int_equal(listen_addr_parse("0.0.0.0:80", &ss, &len), 0);
	assert_string_equal(inet_ntop(AF_INET, &a4->sin_addr, buf, sizeof(buf)), "0.0.0.0");
	assert_int_equal(listen_addr_parse("[::1]:9464", &ss, &len), 0);
	assert_int_equal(a6->sin6_family, AF_INET6);
	assert_int_equal(len, sizeof(*a6));
	assert_int_equal(listen_addr_parse("", &ss, &len), -EINVAL);
	assert_int_equal(listen_addr_parse("0", &ss, &len), -EINVAL);
	assert_int_equal(listen_addr_parse("65536", &ss, &len), -EINVAL);
	assert_int_equal(listen_addr_parse("localhost:80", &ss, &len), -EINVAL);
	assert_int_equal(listen_addr_parse("::1:80", &ss, &len), -EINVAL);
	assert_int_equal(listen_addr_parse("127.0.0.1:", &ss, &len), -EINVAL);
	assert_int_equal(listen_addr_parse("127.0.0.1:+80", &ss, &len), -EINVAL);
}

/* Nothing the kernel counts is left out of /metrics: each counter of
 * bpf/juris.h, given a value of its own, shows in some series. */
static void test_every_kernel_counter_is_exported(void **state)
{
	static struct juris_stats st;
	struct juris_config cfg = { .mode = MODE_AUDIT };
	struct metrics_input in = { .stats = &st, .cfg = &cfg, .now = 1, .version = "1" };
	char *out, want[32];

	(void)state;
	memset(&st, 0, sizeof(st));
	for (int c = 0; c < CNT_MAX; c++)
		st.counters[c] = 7000001 + (unsigned)c;
	out = render(&in);
	for (int c = 0; c < CNT_MAX; c++) {
		snprintf(want, sizeof(want), "} %u\n", 7000001 + (unsigned)c);
		if (!strstr(out, want)) {
			snprintf(want, sizeof(want), " %u\n", 7000001 + (unsigned)c);
			if (!strstr(out, want))
				fail_msg("counter %d is in no series of /metrics", c);
		}
	}
	assert_non_null(strstr(out, "juris_blocked_total{what=\"forwarded\"} 7000007\n"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_totals_are_counters_by_zone_and_verdict),
		cmocka_unit_test(
			test_database_source_is_a_labelled_info_metric_and_refusals_a_counter),
		cmocka_unit_test(test_countries_and_operators_are_exact_counters),
		cmocka_unit_test(test_metrics_address_defaults_to_loopback),
		cmocka_unit_test(test_every_kernel_counter_is_exported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
