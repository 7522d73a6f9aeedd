/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of the syslog alerts: priorities, wording, per-flow limit, the
 * limiter's table (colliding flows, eviction) and its periodic summary. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <cmocka.h>
#include "daemon/alerts.h"

#define SEC 1000000000ull

struct captured {
	int n;
	int priority;
	char msg[512];
};

static void capture(void *arg, int priority, const char *msg)
{
	struct captured *c = arg;

	c->n++;
	c->priority = priority;
	snprintf(c->msg, sizeof(c->msg), "%s", msg);
}

static struct juris_event event(int verdict, const char *dst, uint64_t ts)
{
	struct juris_event e = {
		.ts_ns = ts,
		.cgroup_id = 42,
		.pid = 1234,
		.uid = 1000,
		.comm = "curl",
		.dport = 443,
		.type = EVENT_CONNECT,
		.family = AF_INET,
		.proto = IPPROTO_TCP,
		.verdict = verdict,
		.zone = ZONE_THIRD,
		.cc = { 'U', 'S' },
	};

	inet_pton(AF_INET, dst, e.daddr);
	return e;
}

static void test_blocked_is_an_error_and_would_block_a_warning(void **state)
{
	struct captured c = {};
	struct alerter a;
	struct juris_event e = event(VERDICT_BLOCK, "198.51.100.7", SEC);

	(void)state;
	assert_int_equal(alerter_init(&a, 64, 60 * SEC, capture, &c), 0);
	assert_int_equal(alerter_event(&a, &e), 1);
	assert_int_equal(c.priority, LOG_ERR);
	assert_string_equal(c.msg, "blocked tcp 198.51.100.7:443 country US zone third "
				   "pid 1234 comm \"curl\" uid 1000 cgroup 42");
	e = event(VERDICT_WOULD_BLOCK, "198.51.100.8", SEC);
	assert_int_equal(alerter_event(&a, &e), 1);
	assert_int_equal(c.priority, LOG_WARNING);
	assert_non_null(strstr(c.msg, "would_block tcp 198.51.100.8:443"));
	alerter_free(&a);
}

static void test_allowed_flows_never_alert(void **state)
{
	struct captured c = {};
	struct alerter a;
	struct juris_event e = event(VERDICT_ALLOW, "192.0.2.10", SEC);

	(void)state;
	assert_int_equal(alerter_init(&a, 64, 60 * SEC, capture, &c), 0);
	assert_int_equal(alerter_event(&a, &e), 0);
	assert_int_equal(c.n, 0);
	alerter_free(&a);
}

static void test_one_alert_per_flow_per_interval_then_the_suppressed_count(void **state)
{
	struct captured c = {};
	struct alerter a;
	struct juris_event e;

	(void)state;
	assert_int_equal(alerter_init(&a, 64, 60 * SEC, capture, &c), 0);
	for (int i = 0; i < 100; i++) {
		e = event(VERDICT_BLOCK, "198.51.100.7", SEC + i * (SEC / 10));
		alerter_event(&a, &e);
	}
	assert_int_equal(c.n, 1);
	/* Another destination is another flow. */
	e = event(VERDICT_BLOCK, "198.51.100.9", 2 * SEC);
	assert_int_equal(alerter_event(&a, &e), 1);
	e = event(VERDICT_BLOCK, "198.51.100.7", 61 * SEC);
	assert_int_equal(alerter_event(&a, &e), 1);
	assert_int_equal(c.n, 3);
	assert_non_null(strstr(c.msg, "198.51.100.7:443"));
	assert_non_null(strstr(c.msg, "; 99 suppressed"));
	e = event(VERDICT_BLOCK, "198.51.100.7", 122 * SEC);
	assert_int_equal(alerter_event(&a, &e), 1);
	assert_null(strstr(c.msg, "suppressed"));
	alerter_free(&a);
}

static void test_ipv6_destination_is_bracketed(void **state)
{
	struct captured c = {};
	struct alerter a;
	struct juris_event e = event(VERDICT_BLOCK, "0.0.0.0", SEC);

	(void)state;
	e.family = AF_INET6;
	e.comm[0] = 0;
	e.cc[0] = e.cc[1] = 0;
	e.zone = ZONE_UNKNOWN;
	inet_pton(AF_INET6, "2001:db8:3::10", e.daddr);
	assert_int_equal(alerter_init(&a, 64, 60 * SEC, capture, &c), 0);
	assert_int_equal(alerter_event(&a, &e), 1);
	assert_string_equal(c.msg, "blocked tcp [2001:db8:3::10]:443 country -- zone unknown "
				   "pid 1234 comm \"\" uid 1000 cgroup 42");
	alerter_free(&a);
}

/* Flow n of a test: its own destination and port. */
static struct juris_event flow_event(int n, uint64_t ts)
{
	struct juris_event e;
	char dst[32];

	snprintf(dst, sizeof(dst), "198.51.100.%d", n % 256);
	e = event(VERDICT_BLOCK, dst, ts);
	e.dport = (uint16_t)(1000 + n * 7);
	return e;
}

/* How many flows share a hash chain with another. */
static int chained(const struct alerter *a)
{
	int n = 0;

	for (size_t i = 0; i < a->n_used; i++)
		n += a->slots[i].next != ALERT_NONE;
	return n;
}

static void test_flows_in_the_same_bucket_keep_their_own_limit(void **state)
{
	struct captured c = {};
	struct alerter a;
	struct juris_event e;

	(void)state;
	/* 64 flows in 64 buckets: some share one (checked below). */
	assert_int_equal(alerter_init(&a, 64, 60 * SEC, capture, &c), 0);
	for (int round = 0; round < 3; round++)
		for (int n = 0; n < 64; n++) {
			e = flow_event(n, SEC + round * SEC + n);
			assert_int_equal(alerter_event(&a, &e), round == 0);
		}
	assert_true(chained(&a) > 0);
	assert_int_equal(c.n, 64);
	assert_int_equal(a.total.sent, 64);
	assert_int_equal(a.total.suppressed, 128);
	assert_int_equal(a.total.evictions, 0);
	/* A minute on, each says its own count. */
	for (int n = 0; n < 64; n++) {
		e = flow_event(n, 62 * SEC);
		assert_int_equal(alerter_event(&a, &e), 1);
		assert_non_null(strstr(c.msg, "; 2 suppressed"));
	}
	alerter_free(&a);
}

static void test_full_table_forgets_the_least_recently_seen_flow(void **state)
{
	struct captured c = {};
	struct alerter a;
	struct juris_event e;

	(void)state;
	assert_int_equal(alerter_init(&a, 4, 60 * SEC, capture, &c), 0);
	for (int n = 1; n <= 4; n++) {
		e = flow_event(n, n * SEC);
		assert_int_equal(alerter_event(&a, &e), 1);
	}
	e = flow_event(1, 5 * SEC); /* flow 1 seen again: 2 is now the oldest */
	assert_int_equal(alerter_event(&a, &e), 0);
	e = flow_event(5, 6 * SEC);
	assert_int_equal(alerter_event(&a, &e), 1);
	assert_int_equal(a.total.evictions, 1);
	e = flow_event(1, 7 * SEC); /* kept: still limited */
	assert_int_equal(alerter_event(&a, &e), 0);
	e = flow_event(3, 8 * SEC); /* kept */
	assert_int_equal(alerter_event(&a, &e), 0);
	e = flow_event(2, 9 * SEC); /* forgotten: alerts again, evicts 4 */
	assert_int_equal(alerter_event(&a, &e), 1);
	assert_int_equal(a.total.evictions, 2);
	e = flow_event(4, 10 * SEC);
	assert_int_equal(alerter_event(&a, &e), 1);
	assert_int_equal(a.total.evictions, 3);
	assert_int_equal(a.total.sent, 7);
	assert_int_equal(a.total.suppressed, 3);
	alerter_free(&a);
}

static void test_summary_counts_what_was_held_back_once_per_interval(void **state)
{
	struct captured c = {};
	struct alerter a;
	struct juris_event e;

	(void)state;
	assert_int_equal(alerter_init(&a, 2, 60 * SEC, capture, &c), 0);
	assert_int_equal(alerter_tick(&a, 100 * SEC), 0); /* no event yet */
	for (int i = 0; i < 10; i++) {
		e = flow_event(7, SEC + i);
		alerter_event(&a, &e);
	}
	for (int n = 1; n <= 3; n++) { /* a table of 2: one forgotten */
		e = flow_event(n, 2 * SEC);
		alerter_event(&a, &e);
	}
	assert_int_equal(alerter_tick(&a, 30 * SEC), 0); /* within the interval */
	assert_int_equal(c.n, 4);
	assert_int_equal(alerter_tick(&a, 61 * SEC), 1);
	assert_int_equal(c.priority, LOG_NOTICE);
	assert_string_equal(c.msg, "alerts: 4 sent, 9 suppressed (one per flow per 60 s), "
				   "2 flows forgotten by the full limiter (2 flows); since the "
				   "start: 4 sent, 9 suppressed, 2 forgotten");
	/* Nothing held back since: no notice. */
	assert_int_equal(alerter_tick(&a, 200 * SEC), 0);
	assert_int_equal(c.n, 5);
	alerter_free(&a);
}

/* A command that tries to end the line and pose as the fields after it. */
static void test_syslog_command_cannot_forge_fields_or_lines(void **state)
{
	struct captured c = {};
	struct alerter a;
	struct juris_event e = event(VERDICT_BLOCK, "198.51.100.7", SEC);

	(void)state;
	memcpy(e.comm, "x) uid 0\r\n\x1b[2K", 15);
	assert_int_equal(alerter_init(&a, 64, 60 * SEC, capture, &c), 0);
	assert_int_equal(alerter_event(&a, &e), 1);
	assert_null(strpbrk(c.msg, "\r\n\x1b"));
	/* One uid field, the real one, after the quoted command. */
	assert_non_null(strstr(c.msg, "comm \"x) uid 0\\x0d\\x0a\\x1b[2K\" uid 1000 cgroup 42"));
	alerter_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocked_is_an_error_and_would_block_a_warning),
		cmocka_unit_test(test_syslog_command_cannot_forge_fields_or_lines),
		cmocka_unit_test(test_allowed_flows_never_alert),
		cmocka_unit_test(test_one_alert_per_flow_per_interval_then_the_suppressed_count),
		cmocka_unit_test(test_ipv6_destination_is_bracketed),
		cmocka_unit_test(test_flows_in_the_same_bucket_keep_their_own_limit),
		cmocka_unit_test(test_full_table_forgets_the_least_recently_seen_flow),
		cmocka_unit_test(test_summary_counts_what_was_held_back_once_per_interval),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
