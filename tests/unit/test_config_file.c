/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of the policy file: its syntax (config_file.c) and how
 * options_parse applies it under the flags. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "juris.h"
#include "cli/config_file.h"
#include "cli/options.h"

static int parse(const char *text, struct config_file *f, char *err)
{
	return config_file_parse(text, strlen(text), "p.conf", f, err, 256);
}

static void test_keys_values_comments_and_quotes(void **state)
{
	struct config_file f;
	char err[256];

	(void)state;
	assert_int_equal(parse("# comment\n\n  mode = enforce  # trailing\r\n"
			       "us_adequate=yes\ncgroup = a#b\ndb = \" /x y \"\n"
			       "except = \"a\"b\"\n",
			       &f, err),
			 0);
	assert_int_equal(f.n, 5);
	assert_string_equal(f.v[0].key, "mode");
	assert_string_equal(f.v[0].value, "enforce");
	assert_int_equal(f.v[0].line, 3);
	assert_string_equal(f.v[1].key, "us-adequate"); /* '_' folds to '-' */
	assert_string_equal(f.v[1].value, "yes");
	assert_string_equal(f.v[2].value, "a#b");    /* no blank before '#' */
	assert_string_equal(f.v[3].value, " /x y "); /* quotes keep blanks */
	assert_string_equal(f.v[4].value, "a\"b");
	assert_int_equal(f.v[4].line, 7);
	config_file_free(&f);
}

static void test_errors_name_the_file_and_line(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "mode = audit\nmode enforce\n", "p.conf:2: expected key = value" },
		{ "= x\n", "p.conf:1: missing key" },
		{ "\n\nallow =\n", "p.conf:3: missing value for allow" },
		{ "Mode = audit\n", "p.conf:1: invalid key: Mode" },
		{ "mo de = audit\n", "p.conf:1: invalid key: mo de" },
		{ "db = \"x\n", "p.conf:1: unbalanced quote" },
		{ "allow = \"\"\n", "p.conf:1: missing value for allow" },
	};
	struct config_file f;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i].text, &f, err), -EINVAL);
		if (!strstr(err, bad[i].want))
			fail_msg("'%s': got '%s', want '%s'", bad[i].text, err, bad[i].want);
	}
}

static void test_nul_bytes_and_huge_files_are_refused(void **state)
{
	struct config_file f;
	char err[256];
	char *big = malloc(CONFIG_MAX_BYTES + 2);

	(void)state;
	assert_int_equal(config_file_parse("mode = a\0udit\n", 14, "p.conf", &f, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "NUL"));
	assert_non_null(big);
	memset(big, '#', CONFIG_MAX_BYTES + 1);
	assert_int_equal(
		config_file_parse(big, CONFIG_MAX_BYTES + 1, "p.conf", &f, err, sizeof(err)),
		-EFBIG);
	free(big);
}

static void test_missing_file_is_enoent(void **state)
{
	struct config_file f;
	char err[256];

	(void)state;
	assert_int_equal(config_file_read("/nonexistent/juris.conf", &f, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/juris.conf"));
}

/* Writes text to a temporary file; returns its path (static buffer). */
static const char *policy_file(const char *text)
{
	static char path[] = "/tmp/juris-test-conf-XXXXXX";
	int fd;

	strcpy(path, "/tmp/juris-test-conf-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

#define PARSE(o, ...)                                                         \
	({                                                                    \
		char *argv[] = { "juris", __VA_ARGS__, NULL };                \
		options_parse(sizeof(argv) / sizeof(argv[0]) - 1, argv, (o)); \
	})

static void test_the_file_sets_the_policy_and_flags_override_it(void **state)
{
	const char *p = policy_file("mode = enforce\nallow = fr\nunknown = deny\n"
				    "except = 192.0.2.0/24\nexcept = 2001:db8::/32\n"
				    "events = /var/log/x.ndjson\nsyslog = yes\n");
	struct juris_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "run", "-c", (char *)p), 0);
	assert_int_equal(o.policy.mode, MODE_ENFORCE);
	assert_int_equal(o.policy.allow_zone, ZONE_FR);
	assert_true(o.policy.unknown_deny);
	assert_int_equal(o.policy.n_excepts, 2);
	assert_string_equal(o.events, "/var/log/x.ndjson");
	assert_true(o.syslog);
	options_free(&o);

	/* A flag wins; a repeated flag replaces the file's whole list. */
	assert_int_equal(PARSE(&o, "run", "--config", (char *)p, "--allow", "eea", "--except",
			       "198.51.100.0/24"),
			 0);
	assert_int_equal(o.policy.allow_zone, ZONE_EEA);
	assert_int_equal(o.policy.mode, MODE_ENFORCE);
	assert_int_equal(o.policy.n_excepts, 1);
	assert_int_equal(o.policy.excepts[0].addr.a[0], 198);
	options_free(&o);

	/* Keys of juris run that lookup does not take are skipped there. */
	assert_int_equal(PARSE(&o, "lookup", "-c", (char *)p, "192.0.2.1"), 0);
	assert_int_equal(o.policy.allow_zone, ZONE_FR);
	assert_null(o.events);
	options_free(&o);
	unlink(p);
}

static void test_bad_values_in_the_file_are_refused(void **state)
{
	static const char *const bad[] = {
		"allow = world\n",
		"colour = blue\n",
		"syslog = maybe\n",
		"json = yes\n",
		"config = /etc/other.conf\n",
		"except = 192.0.2.1/24\n",
		"flow-table = 12\n",
		"pin-dir = relative\n",
		"iface = eth0\n",
	};
	struct juris_opts o;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *p = policy_file(bad[i]);
		int ret = PARSE(&o, "check", "-c", (char *)p);

		options_free(&o);
		unlink(p);
		if (ret == 0)
			fail_msg("accepted: %s", bad[i]);
		assert_non_null(strstr(options_last_error(), i == 8 ? "" : ":1: "));
	}
}

static void test_yes_no_flags_and_an_explicit_missing_file(void **state)
{
	const char *p = policy_file("us-adequate = no\nsyslog = off\n");
	struct juris_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "run", "-c", (char *)p), 0);
	assert_false(o.policy.us_adequate);
	assert_false(o.syslog);
	options_free(&o);
	unlink(p);
	assert_int_not_equal(PARSE(&o, "run", "-c", "/nonexistent/juris.conf"), 0);
	assert_non_null(strstr(options_last_error(), "/nonexistent/juris.conf"));
	options_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_values_comments_and_quotes),
		cmocka_unit_test(test_errors_name_the_file_and_line),
		cmocka_unit_test(test_nul_bytes_and_huge_files_are_refused),
		cmocka_unit_test(test_missing_file_is_enoent),
		cmocka_unit_test(test_the_file_sets_the_policy_and_flags_override_it),
		cmocka_unit_test(test_bad_values_in_the_file_are_refused),
		cmocka_unit_test(test_yes_no_flags_and_an_explicit_missing_file),
	};

	/* The host's /etc/juris/juris.conf must not leak into these tests. */
	setenv("JURIS_CONFIG", "none", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
