/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of the libloc reader (user/policy/locdb.c) on the databases of
 * tests/data/make-testlocdb.py. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "policy/asndb.h"
#include "policy/compile.h"
#include "policy/locdb.h"
#include "policy/operators.h"
#include "testdata.h"
#include "juris.h"

struct fixture {
	struct prefix_list v4, v6;
	struct geodb_info info;
	struct asn_list a4, a6;
	struct asndb_info ainfo;
	struct operator_table ops;
	char err[512];
	char tmp[64];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || operator_table_builtin(&f->ops, f->err, sizeof(f->err)))
		return -1;
	snprintf(f->tmp, sizeof(f->tmp), "/tmp/juris-test-locdb-%d.db", getpid());
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	prefix_list_free(&f->v4);
	prefix_list_free(&f->v6);
	asn_list_free(&f->a4);
	asn_list_free(&f->a6);
	operator_table_free(&f->ops);
	unlink(f->tmp);
	free(f);
	return 0;
}

/* The country the longest prefix of l gives addr ("--" when none). */
static const char *country_of(const struct prefix_list *l, const char *text)
{
	static char cc[3];
	uint8_t a[16] = { 0 };
	int bits = strchr(text, ':') ? 128 : 32, best = -1;

	assert_int_equal(inet_pton(bits == 32 ? AF_INET : AF_INET6, text, a), 1);
	for (size_t i = 0; i < l->n; i++) {
		const struct net_prefix *p = &l->v[i];
		int whole = p->len / 8, rest = p->len % 8;

		if (p->len <= best || memcmp(p->addr, a, (size_t)whole))
			continue;
		if (rest && ((p->addr[whole] ^ a[whole]) & (0xff00 >> rest) & 0xff))
			continue;
		best = p->len;
		cc[0] = p->cc[0] ? p->cc[0] : '-';
		cc[1] = p->cc[1] ? p->cc[1] : '-';
	}
	if (best < 0)
		return "--";
	return cc;
}

static const struct asn_prefix *asn_of(const struct asn_list *l, const char *text)
{
	const struct asn_prefix *found = NULL;
	uint8_t a[16] = { 0 };
	int bits = strchr(text, ':') ? 128 : 32;

	assert_int_equal(inet_pton(bits == 32 ? AF_INET : AF_INET6, text, a), 1);
	for (size_t i = 0; i < l->n; i++) {
		const struct asn_prefix *p = &l->v[i];
		int whole = p->len / 8, rest = p->len % 8;

		if (memcmp(p->addr, a, (size_t)whole))
			continue;
		if (rest && ((p->addr[whole] ^ a[whole]) & (0xff00 >> rest) & 0xff))
			continue;
		if (!found || p->len > found->len)
			found = p;
	}
	return found;
}

static void test_libloc_file_is_told_by_its_magic_not_its_name(void **state)
{
	(void)state;
	assert_true(locdb_is_libloc(testdata("test-loc.db")));
	assert_false(locdb_is_libloc(testdata("test-country.mmdb")));
	assert_false(locdb_is_libloc("/nonexistent/location.db"));
}

static void test_countries_follow_the_longest_network_as_libloc_does(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(geodb_read(testdata("test-loc.db"), &f->v4, &f->v6, &f->info, f->err,
				    sizeof(f->err)),
			 0);
	assert_true(f->info.libloc);
	assert_string_equal(f->info.vendor, "juris tests");
	assert_string_equal(f->info.license, "CC0");
	assert_true(f->info.build_epoch > 1700000000);
	assert_string_equal(country_of(&f->v4, "192.0.2.10"), "FR");
	assert_string_equal(country_of(&f->v4, "192.0.2.130"), "DE");
	assert_string_equal(country_of(&f->v4, "198.51.100.10"), "US");
	assert_string_equal(country_of(&f->v4, "198.51.100.70"), "FR"); /* nested /26 */
	assert_string_equal(country_of(&f->v4, "192.0.2.250"), "--");	/* absent */
	assert_string_equal(country_of(&f->v6, "2001:db8:2::1"), "DE");
	assert_string_equal(country_of(&f->v6, "2001:db8:1:1::1"), "FR");
}

static void test_regions_no_code_anycast_and_satellite_read_as_unknown(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(geodb_read(testdata("test-loc.db"), &f->v4, &f->v6, &f->info, f->err,
				    sizeof(f->err)),
			 0);
	assert_string_equal(country_of(&f->v4, "203.0.113.130"), "--"); /* EU */
	assert_string_equal(country_of(&f->v4, "203.0.113.200"), "--"); /* anycast */
	assert_string_equal(country_of(&f->v4, "203.0.113.230"), "--"); /* satellite */
	assert_string_equal(country_of(&f->v6, "2001:db8:7::1"), "--"); /* AP */
	assert_string_equal(country_of(&f->v6, "2001:db8:8::1"), "--"); /* no code */
	assert_int_equal(f->info.anycast, 1);
	assert_int_equal(f->info.satellite, 1);
	assert_int_equal(f->info.no_location, 3);
}

static void test_anonymous_proxy_and_drop_networks_keep_their_country(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(geodb_read(testdata("test-loc.db"), &f->v4, &f->v6, &f->info, f->err,
				    sizeof(f->err)),
			 0);
	assert_string_equal(country_of(&f->v4, "203.0.113.241"), "FR");
	assert_string_equal(country_of(&f->v4, "203.0.113.250"), "FR");
}

static void test_overlay_reads_the_ases_of_the_same_file_with_holes(void **state)
{
	struct fixture *f = *state;
	const struct asn_prefix *p;

	assert_int_equal(asndb_compile(testdata("test-loc.db"), &f->ops, &f->a4, &f->a6, &f->ainfo,
				       f->err, sizeof(f->err)),
			 0);
	assert_true(f->ainfo.libloc);
	p = asn_of(&f->a4, "192.0.2.10");
	assert_non_null(p);
	assert_int_equal(p->asn, 16509);
	assert_memory_equal(p->cc, "US", 2);
	p = asn_of(&f->a4, "203.0.113.200"); /* anycast: the operator still counts */
	assert_non_null(p);
	assert_int_equal(p->asn, 13335);
	assert_null(asn_of(&f->a4, "198.51.100.10")); /* AS64500: not listed */
	/* AS64502 inside Amazon's /48: a hole with no home, not Amazon. */
	p = asn_of(&f->a6, "2001:db8:1:1::1");
	assert_non_null(p);
	assert_int_equal(p->asn, 64502);
	assert_int_equal(p->cc[0], 0);
	p = asn_of(&f->a6, "2001:db8:1:2::1");
	assert_non_null(p);
	assert_int_equal(p->asn, 16509);
}

static void test_truncated_file_is_refused_with_a_reason(void **state)
{
	struct fixture *f = *state;
	FILE *in = fopen(testdata("test-loc.db"), "rb"), *out = fopen(f->tmp, "wb");
	char buf[3000];

	assert_non_null(in);
	assert_non_null(out);
	assert_int_equal(fread(buf, 1, sizeof(buf), in), sizeof(buf));
	assert_int_equal(fwrite(buf, 1, sizeof(buf), out), sizeof(buf));
	fclose(in);
	fclose(out);
	assert_int_equal(geodb_read(f->tmp, &f->v4, &f->v6, &f->info, f->err, sizeof(f->err)),
			 -EINVAL);
	assert_non_null(strstr(f->err, "truncated"));
	assert_int_equal(f->v4.n, 0);
}

static void test_signature_is_good_with_its_key_and_bad_with_another(void **state)
{
	struct fixture *f = *state;
	enum locdb_sig sig;
	char key[4096], good[4096], bad[4096];

	/* testdata() answers in one static buffer: copy each path. */
	snprintf(key, sizeof(key), "%s", testdata("test-loc-key.pub.pem"));
	snprintf(good, sizeof(good), "%s", testdata("test-loc.db"));
	snprintf(bad, sizeof(bad), "%s", testdata("test-loc-badsig.db"));
	assert_int_equal(locdb_verify(good, key, &sig, f->err, sizeof(f->err)), 0);
	assert_int_equal(sig, LOCDB_SIG_GOOD);
	assert_int_equal(locdb_verify(bad, key, &sig, f->err, sizeof(f->err)), 0);
	assert_int_equal(sig, LOCDB_SIG_BAD);
	assert_int_equal(locdb_verify(testdata("test-loc.db"), "/nonexistent/key.pem", &sig, f->err,
				      sizeof(f->err)),
			 -ENOENT);
}

static void test_build_date_is_read_without_walking_the_networks(void **state)
{
	struct fixture *f = *state;
	uint64_t old = 0, cur = 0, new = 0;

	(void)f;
	assert_int_equal(locdb_built(testdata("test-loc-old.db"), &old), 0);
	assert_int_equal(locdb_built(testdata("test-loc.db"), &cur), 0);
	assert_int_equal(locdb_built(testdata("test-loc-new.db"), &new), 0);
	assert_true(old < cur);
	assert_true(cur < new);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_libloc_file_is_told_by_its_magic_not_its_name,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_countries_follow_the_longest_network_as_libloc_does, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_regions_no_code_anycast_and_satellite_read_as_unknown, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_anonymous_proxy_and_drop_networks_keep_their_country, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_overlay_reads_the_ases_of_the_same_file_with_holes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated_file_is_refused_with_a_reason, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_signature_is_good_with_its_key_and_bad_with_another, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_build_date_is_read_without_walking_the_networks, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
