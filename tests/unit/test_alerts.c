/* Unit tests of the syslog alerts: priorities, wording, per-flow limit. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <cmocka.h>
#include "alerts.h"

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
		.ts_ns = ts, .cgroup_id = 42, .pid = 1234, .uid = 1000, .comm = "curl",
		.dport = 443, .type = EVENT_CONNECT, .family = AF_INET, .proto = IPPROTO_TCP,
		.verdict = verdict, .zone = ZONE_THIRD, .cc = { 'U', 'S' },
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
				   "pid 1234 (curl) uid 1000 cgroup 42");
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
				   "pid 1234 (-) uid 1000 cgroup 42");
	alerter_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocked_is_an_error_and_would_block_a_warning),
		cmocka_unit_test(test_allowed_flows_never_alert),
		cmocka_unit_test(test_one_alert_per_flow_per_interval_then_the_suppressed_count),
		cmocka_unit_test(test_ipv6_destination_is_bracketed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
