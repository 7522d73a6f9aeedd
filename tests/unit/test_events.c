/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of the NDJSON event formatter (ECS field names). */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include "base/text_escape.h"
#include "daemon/events.h"

static cJSON *path(cJSON *root, const char *a, const char *b)
{
	cJSON *o = cJSON_GetObjectItemCaseSensitive(root, a);

	return b ? cJSON_GetObjectItemCaseSensitive(o, b) : o;
}

static struct juris_event blocked_connect(void)
{
	struct juris_event e = {
		.ts_ns = 1000000000ull,
		.cgroup_id = 42,
		.pid = 1234,
		.uid = 1000,
		.comm = "curl",
		.dport = 443,
		.type = EVENT_CONNECT,
		.hook = HOOK_CONNECT4,
		.family = AF_INET,
		.proto = IPPROTO_TCP,
		.verdict = VERDICT_BLOCK,
		.zone = ZONE_THIRD,
		.cc = { 'U', 'S' },
	};

	inet_pton(AF_INET, "198.51.100.7", e.daddr);
	return e;
}

static void test_blocked_connect_has_ecs_fields(void **state)
{
	struct event_writer w;
	struct juris_event e = blocked_connect();
	char *line;
	cJSON *j;

	(void)state;
	event_writer_init(&w, stdout, "enforce", "eu");
	line = event_to_json(&w, &e);
	assert_non_null(line);
	assert_null(strchr(line, '\n'));
	j = cJSON_Parse(line);
	assert_non_null(j);
	assert_string_equal(path(j, "event", "action")->valuestring, "blocked");
	assert_string_equal(path(j, "event", "outcome")->valuestring, "failure");
	assert_string_equal(path(j, "destination", "ip")->valuestring, "198.51.100.7");
	assert_int_equal(path(j, "destination", "port")->valueint, 443);
	assert_string_equal(
		cJSON_GetObjectItem(path(j, "destination", "geo"), "country_iso_code")->valuestring,
		"US");
	assert_string_equal(path(j, "network", "transport")->valuestring, "tcp");
	assert_string_equal(path(j, "network", "type")->valuestring, "ipv4");
	assert_int_equal(path(j, "process", "pid")->valueint, 1234);
	assert_string_equal(path(j, "process", "name")->valuestring, "curl");
	assert_string_equal(path(j, "user", "id")->valuestring, "1000");
	assert_string_equal(path(j, "juris", "zone")->valuestring, "third");
	assert_string_equal(path(j, "juris", "mode")->valuestring, "enforce");
	assert_string_equal(path(j, "juris", "policy")->valuestring, "eu");
	assert_non_null(path(j, "host", "name"));
	/* The connect hook had no source address: no empty source object. */
	assert_null(path(j, "source", NULL));
	assert_true(cJSON_IsString(path(j, "@timestamp", NULL)));
	assert_int_equal(strlen(path(j, "@timestamp", NULL)->valuestring), 24);
	cJSON_Delete(j);
	free(line);
}

static void test_audit_flow_event_is_would_block_with_ipv6_source(void **state)
{
	struct event_writer w;
	struct juris_event e = blocked_connect();
	char *line;
	cJSON *j;

	(void)state;
	e.verdict = VERDICT_WOULD_BLOCK;
	e.family = AF_INET6;
	e.proto = IPPROTO_UDP;
	e.sport = 5353;
	e.reason = REASON_DOMAIN_EXCEPTION;
	e.sock = 1234567;
	memset(e.daddr, 0, 16);
	inet_pton(AF_INET6, "2001:db8:3::10", e.daddr);
	inet_pton(AF_INET6, "2001:db8:2::1", e.saddr);
	event_writer_init(&w, stdout, "audit", "fr");
	line = event_to_json(&w, &e);
	j = cJSON_Parse(line);
	assert_non_null(j);
	assert_string_equal(path(j, "event", "action")->valuestring, "would_block");
	assert_string_equal(path(j, "event", "outcome")->valuestring, "success");
	assert_string_equal(path(j, "source", "ip")->valuestring, "2001:db8:2::1");
	assert_int_equal(path(j, "source", "port")->valueint, 5353);
	assert_string_equal(path(j, "destination", "ip")->valuestring, "2001:db8:3::10");
	assert_string_equal(path(j, "network", "transport")->valuestring, "udp");
	assert_string_equal(path(j, "network", "type")->valuestring, "ipv6");
	assert_string_equal(path(j, "juris", "reason")->valuestring, "domain_exception");
	assert_int_equal(path(j, "juris", "socket_cookie")->valueint, 1234567);
	cJSON_Delete(j);
	free(line);
}

static const char *name_of_198_51_100_7(void *ctx, const struct juris_event *e)
{
	static const uint8_t want[4] = { 198, 51, 100, 7 };

	(void)ctx;
	return e->family == AF_INET && !memcmp(e->daddr, want, 4) ? "api.example.test" : NULL;
}

static void test_destination_domain_is_the_name_looked_up(void **state)
{
	struct event_writer w;
	struct juris_event e = blocked_connect();
	char *line;
	cJSON *j;

	(void)state;
	event_writer_init(&w, stdout, "enforce", "eu");
	w.domain = name_of_198_51_100_7;
	line = event_to_json(&w, &e);
	j = cJSON_Parse(line);
	assert_non_null(j);
	assert_string_equal(path(j, "destination", "domain")->valuestring, "api.example.test");
	cJSON_Delete(j);
	cJSON_free(line);
	/* No name known: no field, rather than an empty one. */
	inet_pton(AF_INET, "198.51.100.8", e.daddr);
	line = event_to_json(&w, &e);
	j = cJSON_Parse(line);
	assert_non_null(j);
	assert_null(path(j, "destination", "domain"));
	cJSON_Delete(j);
	cJSON_free(line);
}

static const char *hostile_name(void *ctx, const struct juris_event *e)
{
	(void)ctx;
	(void)e;
	return "api\xc0.example\xff.test";
}

/* Strict parsers (Python's json with bytes decoded as UTF-8,
 * Elasticsearch) drop a line that is not UTF-8: every byte must be. */
static void assert_valid_utf8(const char *line)
{
	for (size_t i = 0, n = strlen(line); i < n;) {
		uint32_t cp;
		int l = text_utf8_decode((const unsigned char *)line + i, n - i, &cp);

		if (!l)
			fail_msg("invalid UTF-8 at byte %zu of %s", i, line);
		i += (size_t)l;
	}
}

static void test_event_line_is_valid_utf8_whatever_the_names(void **state)
{
	struct event_writer w;
	struct juris_event e = blocked_connect();
	char *line;
	cJSON *j;

	(void)state;
	event_writer_init(&w, stdout, "enforce", "eu");
	w.domain = hostile_name;
	memcpy(e.comm, "x\xff\xfe\x1b[2K\n\xc3", 10);
	line = event_to_json(&w, &e);
	assert_non_null(line);
	assert_null(strchr(line, '\n'));
	assert_null(strchr(line, '\x1b'));
	assert_valid_utf8(line);
	j = cJSON_Parse(line);
	assert_non_null(j);
	assert_string_equal(path(j, "process", "name")->valuestring,
			    "x\xef\xbf\xbd\xef\xbf\xbd\x1b[2K\n\xef\xbf\xbd");
	cJSON_Delete(j);
	cJSON_free(line);
}

/* ECS declares network.iana_number a keyword. */
static void test_iana_number_is_a_string_as_ecs_declares(void **state)
{
	struct event_writer w;
	struct juris_event e = blocked_connect();
	char *line;
	cJSON *j;

	(void)state;
	event_writer_init(&w, stdout, "enforce", "eu");
	line = event_to_json(&w, &e);
	j = cJSON_Parse(line);
	assert_non_null(j);
	assert_true(cJSON_IsString(path(j, "network", "iana_number")));
	assert_string_equal(path(j, "network", "iana_number")->valuestring, "6");
	cJSON_Delete(j);
	cJSON_free(line);
}

static void test_readable_line_says_the_event_and_escapes_the_process_name(void **state)
{
	struct event_writer w;
	struct juris_event e = blocked_connect();
	char line[512];

	(void)state;
	event_writer_init(&w, stdout, "enforce", "eu");
	w.boot_to_real_ns = 1764921601000000000ll - 1000000000ll; /* 2025-12-05T08:00:01Z */
	memcpy(e.comm, "cu\033]0;x\arl", 11);
	assert_int_equal(event_to_line(&w, &e, line, sizeof(line)), 0);
	assert_string_equal(line,
			    "2025-12-05T08:00:01Z blocked tcp 198.51.100.7:443 country US "
			    "zone third pid 1234 (cu?]0;x?rl) uid 1000 cgroup 42 cgroup/connect4");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocked_connect_has_ecs_fields),
		cmocka_unit_test(test_audit_flow_event_is_would_block_with_ipv6_source),
		cmocka_unit_test(test_destination_domain_is_the_name_looked_up),
		cmocka_unit_test(test_event_line_is_valid_utf8_whatever_the_names),
		cmocka_unit_test(test_iana_number_is_a_string_as_ecs_declares),
		cmocka_unit_test(test_readable_line_says_the_event_and_escapes_the_process_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
