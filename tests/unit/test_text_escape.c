/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of the per-output escaping of hostile names (user/base/text_escape.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include "base/text_escape.h"

/* True when every byte of s is printable ASCII or part of valid UTF-8 with
 * no C0/C1 control: what a terminal can show without acting on it. */
static int inert_on_a_terminal(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str);

	while (n) {
		uint32_t cp;
		int l = text_utf8_decode(s, n, &cp);

		if (!l || cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			return 0;
		s += l;
		n -= (size_t)l;
	}
	return 1;
}

static void test_terminal_shows_escape_cr_lf_bel_and_invalid_bytes_visibly(void **state)
{
	char *t = text_terminal("a\x1b[2K\rb\nc\a\xff\xc3(\\");

	(void)state;
	assert_non_null(t);
	assert_string_equal(t, "a\\x1b[2K\\x0db\\x0ac\\x07\\xff\\xc3(\\\\");
	assert_true(inert_on_a_terminal(t));
	free(t);
	/* C1 controls (U+009B is a one-byte CSI) and bidi overrides too. */
	t = text_terminal("x\xc2\x9b"
			  "2Ky\xe2\x80\xae"
			  "z");
	assert_string_equal(t, "x\\u{009b}2Ky\\u{202e}z");
	free(t);
}

static void test_terminal_keeps_valid_utf8_names(void **state)
{
	char *t = text_terminal("caf\xc3\xa9 \xe6\x9d\xb1\xe4\xba\xac");

	(void)state;
	assert_string_equal(t, "caf\xc3\xa9 \xe6\x9d\xb1\xe4\xba\xac");
	free(t);
}

static void test_width_counts_wide_characters_twice_and_combining_ones_not(void **state)
{
	(void)state;
	assert_int_equal(text_width("abc"), 3);
	assert_int_equal(text_width("\xe6\x9d\xb1\xe4\xba\xac"), 4); /* 東京 */
	assert_int_equal(text_width("e\xcc\x81"), 1);		     /* e + U+0301 */
	/* A cut never splits a wide character. */
	int used;
	size_t n = text_cut("\xe6\x9d\xb1\xe4\xba\xac", 3, &used);

	assert_int_equal(n, 3);
	assert_int_equal(used, 2);
}

static void test_utf8_clean_replaces_invalid_sequences_with_u_fffd(void **state)
{
	/* A lone continuation byte, a cut sequence, an overlong '/', a
	 * surrogate, and a valid é kept as is. */
	char *s = text_utf8_clean("a\x80"
				  "b\xe2\x82"
				  "c\xc0\xaf"
				  "d\xed\xa0\x80"
				  "\xc3\xa9");
	cJSON *j;
	char *json;

	(void)state;
	assert_string_equal(s, "a\xef\xbf\xbd"
			       "b\xef\xbf\xbd\xef\xbf\xbd"
			       "c\xef\xbf\xbd\xef\xbf\xbd"
			       "d\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
			       "\xc3\xa9");
	j = cJSON_CreateString(s);
	json = cJSON_PrintUnformatted(j);
	/* Every byte of the JSON text is now valid UTF-8. */
	for (size_t i = 0, n = strlen(json); i < n;) {
		uint32_t cp;
		int l = text_utf8_decode((const unsigned char *)json + i, n - i, &cp);

		assert_true(l > 0);
		i += (size_t)l;
	}
	cJSON_free(json);
	cJSON_Delete(j);
	free(s);
}

static char *csv(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(text_csv_field(f, s), 0);
	fclose(f);
	return buf;
}

static void test_csv_cell_starting_a_formula_gets_a_leading_quote(void **state)
{
	static const char *const in[] = {
		"=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://x\",\"y\")"
	};
	static const char *const out[] = { "\"'=1+1\"",
					   "\"'+1\"",
					   "\"'-2\"",
					   "\"'@SUM(A1)\"",
					   "\"'\tx\"",
					   "\"'\rx\"",
					   "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" };

	(void)state;
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		char *s = csv(in[i]);

		assert_string_equal(s, out[i]);
		free(s);
	}
	char *s = csv("curl");

	assert_string_equal(s, "curl");
	free(s);
	s = csv("a,b");
	assert_string_equal(s, "\"a,b\"");
	free(s);
}

static void test_syslog_name_is_quoted_and_cannot_forge_a_field(void **state)
{
	char buf[80];

	(void)state;
	assert_string_equal(text_syslog("curl", buf, sizeof(buf)), "\"curl\"");
	assert_string_equal(text_syslog("x\") uid 0\r\n\x1b", buf, sizeof(buf)),
			    "\"x\\\") uid 0\\x0d\\x0a\\x1b\"");
	assert_string_equal(text_syslog("\xff\\", buf, sizeof(buf)), "\"\\xff\\\\\"");
	/* Cut between escapes, never inside one; always closed. */
	assert_string_equal(text_syslog("\x1b\x1b\x1b", buf, 11), "\"\\x1b\\x1b\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terminal_shows_escape_cr_lf_bel_and_invalid_bytes_visibly),
		cmocka_unit_test(test_terminal_keeps_valid_utf8_names),
		cmocka_unit_test(test_width_counts_wide_characters_twice_and_combining_ones_not),
		cmocka_unit_test(test_utf8_clean_replaces_invalid_sequences_with_u_fffd),
		cmocka_unit_test(test_csv_cell_starting_a_formula_gets_a_leading_quote),
		cmocka_unit_test(test_syslog_name_is_quoted_and_cannot_forge_a_field),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
