/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of the command-line parser. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <sys/socket.h>
#include "policy/names.h"
#include "juris.h"
#include "cli/options.h"

#define PARSE(o, ...)                                                         \
	({                                                                    \
		char *argv[] = { "juris", __VA_ARGS__, NULL };                \
		options_parse(sizeof(argv) / sizeof(argv[0]) - 1, argv, (o)); \
	})

static void test_run_defaults_are_audit_eu_unknown_allow(void **state)
{
	struct juris_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "run"), 0);
	assert_int_equal(o.cmd, CMD_RUN);
	assert_int_equal(o.policy.mode, MODE_AUDIT);
	assert_int_equal(o.policy.allow_zone, ZONE_EU);
	assert_false(o.policy.unknown_deny);
	assert_false(o.policy.us_adequate);
	assert_string_equal(o.policy.pin_dir, DEFAULT_PIN_DIR);
	assert_int_equal(o.policy.flow_table, DEFAULT_FLOW_TABLE);
	assert_int_equal(o.policy.n_cgroups, 0);
	assert_null(o.policy.db);
	options_free(&o);
}

static void test_run_takes_every_policy_flag(void **state)
{
	struct juris_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "run", "--mode", "enforce", "--allow", "adequate", "--unknown",
			       "deny", "--us-adequate", "--except", "192.0.2.0/24", "--except",
			       "2001:db8::/32", "--cgroup", "a.service", "--cgroup", "b/c", "--db",
			       "x.mmdb", "--pin-dir", "/sys/fs/bpf/t", "--events", "-",
			       "--flow-table", "4096"),
			 0);
	assert_int_equal(o.policy.mode, MODE_ENFORCE);
	assert_int_equal(o.policy.allow_zone, ZONE_ADEQUATE);
	assert_true(o.policy.unknown_deny);
	assert_true(o.policy.us_adequate);
	assert_true(o.policy_given);
	assert_int_equal(o.policy.n_excepts, 2);
	assert_int_equal(o.policy.excepts[0].addr.family, AF_INET);
	assert_int_equal(o.policy.excepts[0].len, 24);
	assert_int_equal(o.policy.excepts[1].addr.family, AF_INET6);
	assert_int_equal(o.policy.excepts[1].len, 32);
	assert_int_equal(o.policy.n_cgroups, 2);
	assert_string_equal(o.policy.cgroups[1], "b/c");
	assert_string_equal(o.policy.db, "x.mmdb");
	assert_string_equal(o.events, "-");
	assert_int_equal(o.policy.flow_table, 4096);
	options_free(&o);
}

static void test_allow_names_map_to_zones(void **state)
{
	(void)state;
	assert_int_equal(parse_allow_zone("fr"), ZONE_FR);
	assert_int_equal(parse_allow_zone("eu"), ZONE_EU);
	assert_int_equal(parse_allow_zone("eea"), ZONE_EEA);
	assert_int_equal(parse_allow_zone("adequate"), ZONE_ADEQUATE);
	assert_true(parse_allow_zone("third") < 0);
	assert_true(parse_allow_zone("local") < 0);
	assert_true(parse_allow_zone("") < 0);
}

static void test_bad_values_are_refused(void **state)
{
	struct juris_opts o;

	(void)state;
	assert_true(PARSE(&o, "run", "--mode", "block") < 0);
	options_free(&o);
	assert_true(PARSE(&o, "run", "--allow", "world") < 0);
	options_free(&o);
	assert_true(PARSE(&o, "run", "--unknown", "maybe") < 0);
	options_free(&o);
	assert_true(PARSE(&o, "run", "--except", "192.0.2.1/33") < 0);
	options_free(&o);
	assert_true(PARSE(&o, "run", "--except", "not-an-address") < 0);
	options_free(&o);
	assert_true(PARSE(&o, "run", "--flow-table", "12x") < 0);
	options_free(&o);
	assert_true(PARSE(&o, "run", "--pin-dir", "relative/dir") < 0);
	options_free(&o);
}

static void test_options_of_another_command_are_refused(void **state)
{
	struct juris_opts o;

	(void)state;
	assert_true(PARSE(&o, "status", "--mode", "enforce") < 0);
	options_free(&o);
	assert_true(PARSE(&o, "stop", "--db", "x") < 0);
	options_free(&o);
	assert_true(PARSE(&o, "run", "--json") < 0);
	options_free(&o);
}

static void test_unknown_command_and_option_are_refused(void **state)
{
	struct juris_opts o;

	(void)state;
	assert_true(PARSE(&o, "frobnicate") < 0);
	options_free(&o);
	assert_true(PARSE(&o, "run", "--frobnicate") < 0);
	options_free(&o);
	assert_true(PARSE(&o, "run", "--db") < 0);
	options_free(&o);
	assert_true(PARSE(&o, "status", "extra") < 0);
	options_free(&o);
}

static void test_lookup_keeps_addresses_as_arguments(void **state)
{
	struct juris_opts o;

	char *argv[] = { "juris", "lookup", "--json", "192.0.2.1", "2001:db8::1", NULL };

	(void)state;
	assert_int_equal(options_parse(5, argv, &o), 0);
	assert_int_equal(o.cmd, CMD_LOOKUP);
	assert_true(o.json);
	assert_int_equal(o.n_args, 2);
	assert_string_equal(o.args[0], "192.0.2.1");
	assert_string_equal(o.args[1], "2001:db8::1");
	options_free(&o);
}

static void test_gateway_takes_repeated_iface_and_source(void **state)
{
	struct juris_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "run", "--iface", "eth0", "--source", "203.0.113.0/28",
			       "--iface", "wan1", "--source", "2001:db8:a::/64"),
			 0);
	assert_int_equal(o.policy.n_ifaces, 2);
	assert_string_equal(o.policy.ifaces[1], "wan1");
	assert_int_equal(o.policy.n_sources, 2);
	assert_int_equal(o.policy.sources[0].addr.family, AF_INET);
	assert_int_equal(o.policy.sources[0].len, 28);
	assert_int_equal(o.policy.sources[1].addr.family, AF_INET6);
	assert_int_equal(o.policy.sources[1].len, 64);
	options_free(&o);
}

static void test_gateway_bad_input_is_refused(void **state)
{
	struct juris_opts o;

	(void)state;
	assert_true(PARSE(&o, "run", "--iface", "eth0", "--source", "203.0.113.0/33") < 0);
	options_free(&o);
	assert_true(PARSE(&o, "run", "--iface", "eth0", "--source", "203.0.113.1/24") < 0);
	options_free(&o);
	assert_true(PARSE(&o, "run", "--iface", "eth0", "--source", "eth1") < 0);
	options_free(&o);
	assert_true(PARSE(&o, "run", "--iface", "eth0") < 0);
	options_free(&o);
	assert_true(PARSE(&o, "run", "--source", "203.0.113.0/28") < 0);
	options_free(&o);
	assert_true(PARSE(&o, "run", "--iface", "a-name-far-too-long", "--source", "::/0") < 0);
	options_free(&o);
	assert_true(PARSE(&o, "status", "--iface", "eth0") < 0);
	options_free(&o);
}

static void test_uplink_is_repeatable_and_not_for_gateway_mode(void **state)
{
	struct juris_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "run", "--uplink", "eth0", "--uplink", "wan1"), 0);
	assert_int_equal(o.policy.n_uplinks, 2);
	assert_string_equal(o.policy.uplinks[1], "wan1");
	options_free(&o);
	assert_true(PARSE(&o, "run", "--uplink", "eth0", "--iface", "eth1", "--source",
			  "203.0.113.0/28") < 0);
	options_free(&o);
	assert_true(PARSE(&o, "run", "--uplink", "a-name-far-too-long") < 0);
	options_free(&o);
	assert_true(PARSE(&o, "run", "--uplink", "../eth0") < 0);
	options_free(&o);
	assert_true(PARSE(&o, "status", "--uplink", "eth0") < 0);
	options_free(&o);
}

static void test_help_and_version(void **state)
{
	struct juris_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "--help"), 0);
	assert_int_equal(o.cmd, CMD_HELP);
	assert_int_equal(PARSE(&o, "--version"), 0);
	assert_int_equal(o.cmd, CMD_VERSION);
}

static void test_report_takes_format_by_and_top(void **state)
{
	struct juris_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "report"), 0);
	assert_int_equal(o.cmd, CMD_REPORT);
	assert_int_equal(o.report_format, REPORT_TABLE);
	assert_int_equal(o.report_by, BY_ZONE);
	assert_int_equal(o.top, 0);
	assert_int_equal(PARSE(&o, "report", "--format", "csv", "--by", "cgroup", "--top", "5",
			       "--pin-dir", "/sys/fs/bpf/x"),
			 0);
	assert_int_equal(o.report_format, REPORT_CSV);
	assert_int_equal(o.report_by, BY_CGROUP);
	assert_int_equal(o.top, 5);
	assert_string_equal(o.policy.pin_dir, "/sys/fs/bpf/x");
	assert_int_equal(PARSE(&o, "report", "--format", "json", "--by", "process"), 0);
	assert_int_equal(o.report_format, REPORT_JSON);
	assert_int_equal(o.report_by, BY_PROCESS);
	assert_int_equal(PARSE(&o, "report", "--format", "xml"), -EINVAL);
	assert_int_equal(PARSE(&o, "report", "--by", "planet"), -EINVAL);
	assert_int_equal(PARSE(&o, "report", "--top", "0"), -EINVAL);
	assert_int_equal(PARSE(&o, "report", "--top", "-3"), -EINVAL);
	assert_int_equal(PARSE(&o, "run", "--format", "json"), -EINVAL);
	assert_int_equal(PARSE(&o, "report", "extra"), -EINVAL);
}

static void test_events_rotation_sizes_and_keep(void **state)
{
	struct juris_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "run"), 0);
	assert_int_equal(o.events_max_size, 64ull << 20);
	assert_int_equal(o.events_keep, 5);
	assert_int_equal(PARSE(&o, "run", "--events-max-size", "2048", "--events-keep", "0"), 0);
	assert_int_equal(o.events_max_size, 2048);
	assert_int_equal(o.events_keep, 0);
	assert_int_equal(PARSE(&o, "run", "--events-max-size", "10M"), 0);
	assert_int_equal(o.events_max_size, 10ull << 20);
	assert_int_equal(PARSE(&o, "run", "--events-max-size", "1G"), 0);
	assert_int_equal(o.events_max_size, 1ull << 30);
	assert_int_equal(PARSE(&o, "run", "--events-max-size", "100"), -EINVAL);
	assert_int_equal(PARSE(&o, "run", "--events-max-size", "-1"), -EINVAL);
	assert_int_equal(PARSE(&o, "run", "--events-max-size", "5T"), -EINVAL);
	assert_int_equal(PARSE(&o, "run", "--events-keep", "1001"), -EINVAL);
	assert_int_equal(PARSE(&o, "status", "--events-keep", "2"), -EINVAL);
}

static void test_except_domain_is_a_repeatable_run_option(void **state)
{
	struct juris_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "run", "--except-domain", "*.gouv.fr", "--except-domain",
			       "impots.gouv.fr"),
			 0);
	assert_int_equal(o.policy.n_except_domains, 2);
	assert_string_equal(o.policy.except_domains[0], "*.gouv.fr");
	assert_string_equal(o.policy.except_domains[1], "impots.gouv.fr");
	assert_true(o.policy_given);
	options_free(&o);
	assert_int_equal(PARSE(&o, "run", "--except-domain", "*"), -EINVAL);
	options_free(&o);
	assert_int_equal(PARSE(&o, "lookup", "--except-domain", "gouv.fr"), -EINVAL);
	options_free(&o);
}

static void test_metrics_and_syslog_are_run_options(void **state)
{
	struct juris_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "run"), 0);
	assert_null(o.metrics);
	assert_false(o.syslog);
	assert_int_equal(PARSE(&o, "run", "--metrics", "9464", "--syslog"), 0);
	assert_string_equal(o.metrics, "9464");
	assert_true(o.syslog);
	assert_int_equal(PARSE(&o, "run", "--metrics", "[::1]:9464"), 0);
	assert_int_equal(PARSE(&o, "run", "--metrics", "localhost:9464"), -EINVAL);
	assert_int_equal(PARSE(&o, "run", "--metrics", "99999"), -EINVAL);
	assert_int_equal(PARSE(&o, "status", "--metrics", "9464"), -EINVAL);
	assert_int_equal(PARSE(&o, "report", "--syslog"), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_defaults_are_audit_eu_unknown_allow),
		cmocka_unit_test(test_run_takes_every_policy_flag),
		cmocka_unit_test(test_allow_names_map_to_zones),
		cmocka_unit_test(test_bad_values_are_refused),
		cmocka_unit_test(test_options_of_another_command_are_refused),
		cmocka_unit_test(test_unknown_command_and_option_are_refused),
		cmocka_unit_test(test_lookup_keeps_addresses_as_arguments),
		cmocka_unit_test(test_gateway_takes_repeated_iface_and_source),
		cmocka_unit_test(test_uplink_is_repeatable_and_not_for_gateway_mode),
		cmocka_unit_test(test_gateway_bad_input_is_refused),
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_report_takes_format_by_and_top),
		cmocka_unit_test(test_events_rotation_sizes_and_keep),
		cmocka_unit_test(test_except_domain_is_a_repeatable_run_option),
		cmocka_unit_test(test_metrics_and_syslog_are_run_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
