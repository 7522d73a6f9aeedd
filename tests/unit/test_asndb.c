/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of the ASN sources and the operator overlay (user/policy/asndb.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "policy/asndb.h"
#include "testdata.h"

struct fixture {
	char tmp[64]; /* scratch directory for malformed files */
	char path[128];
	struct asn_list v4, v6;
	struct asndb_info info;
	struct operator_table ops;
	char err[256];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->tmp, sizeof(f->tmp), "%s", "/tmp/juris-test-asndb-XXXXXX");
	if (!mkdtemp(f->tmp) || operator_table_builtin(&f->ops, f->err, sizeof(f->err))) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	unlink(f->path);
	rmdir(f->tmp);
	asn_list_free(&f->v4);
	asn_list_free(&f->v6);
	operator_table_free(&f->ops);
	free(f);
	return 0;
}

static struct asn_prefix prefix(const char *cidr, uint32_t asn)
{
	struct asn_prefix p = { .asn = asn };
	char buf[64];
	char *slash;

	snprintf(buf, sizeof(buf), "%s", cidr);
	slash = strchr(buf, '/');
	assert_non_null(slash);
	*slash = 0;
	p.len = (uint8_t)atoi(slash + 1);
	assert_int_equal(inet_pton(strchr(buf, ':') ? AF_INET6 : AF_INET, buf, p.addr), 1);
	return p;
}

static void assert_prefixes(const struct asn_list *l, const char *const *want, size_t n,
			    uint32_t asn)
{
	assert_int_equal(l->n, n);
	for (size_t i = 0; i < n; i++) {
		struct asn_prefix p = prefix(want[i], asn);

		if (memcmp(l->v[i].addr, p.addr, 16) || l->v[i].len != p.len || l->v[i].asn != asn)
			fail_msg("prefix %zu is not %s AS%u", i, want[i], asn);
	}
}

static void range(struct asn_list *l, const char *first, const char *last, int bits)
{
	uint8_t a[16] = { 0 }, b[16] = { 0 };
	int af = bits == 32 ? AF_INET : AF_INET6;

	l->n = 0;
	assert_int_equal(inet_pton(af, first, a), 1);
	assert_int_equal(inet_pton(af, last, b), 1);
	assert_int_equal(asn_range_to_cidrs(l, a, b, bits, 64500), 0);
}

static void test_range_of_one_address_is_one_host_prefix(void **state)
{
	struct fixture *f = *state;
	static const char *const v4[] = { "192.0.2.7/32" };
	static const char *const v6[] = { "2001:db8::7/128" };

	range(&f->v4, "192.0.2.7", "192.0.2.7", 32);
	assert_prefixes(&f->v4, v4, 1, 64500);
	range(&f->v6, "2001:db8::7", "2001:db8::7", 128);
	assert_prefixes(&f->v6, v6, 1, 64500);
}

static void test_range_of_the_whole_space_is_the_default_prefix(void **state)
{
	struct fixture *f = *state;
	static const char *const v4[] = { "0.0.0.0/0" };
	static const char *const v6[] = { "::/0" };

	range(&f->v4, "0.0.0.0", "255.255.255.255", 32);
	assert_prefixes(&f->v4, v4, 1, 64500);
	range(&f->v6, "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 128);
	assert_prefixes(&f->v6, v6, 1, 64500);
}

static void test_unaligned_range_is_its_minimal_cidr_set(void **state)
{
	struct fixture *f = *state;
	static const char *const v4[] = {
		"198.51.100.10/31", "198.51.100.12/30",	 "198.51.100.16/28", "198.51.100.32/27",
		"198.51.100.64/26", "198.51.100.128/25", "198.51.101.0/32",
	};
	static const char *const v6[] = {
		"2001:db8::ffff/128",
		"2001:db8::1:0/112",
		"2001:db8::2:0/127",
	};
	static const char *const top[] = { "255.255.255.254/32", "255.255.255.255/32" };

	range(&f->v4, "198.51.100.10", "198.51.101.0", 32);
	assert_prefixes(&f->v4, v4, 7, 64500);
	range(&f->v6, "2001:db8::ffff", "2001:db8::2:1", 128);
	assert_prefixes(&f->v6, v6, 3, 64500);
	/* The last address of the space: no wrap-around. */
	range(&f->v4, "255.255.255.254", "255.255.255.255", 32);
	assert_int_equal(f->v4.n, 1);
	range(&f->v4, "255.255.255.255", "255.255.255.255", 32);
	assert_prefixes(&f->v4, top + 1, 1, 64500);
	/* Everything but the first and the last address: 2 * 31 blocks. */
	range(&f->v4, "0.0.0.1", "255.255.255.254", 32);
	assert_int_equal(f->v4.n, 62);
	range(&f->v6, "::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", 128);
	assert_int_equal(f->v6.n, 254);
}

static unsigned __int128 value(const uint8_t *a, int bits)
{
	unsigned __int128 v = 0;

	for (int i = 0; i < bits / 8; i++)
		v = v << 8 | a[i];
	return v;
}

/* For random ranges, the blocks are aligned, contiguous, in order, start and
 * end at the range's ends, and as few as a greedy cover allows. */
static void test_random_ranges_are_covered_exactly(void **state)
{
	struct fixture *f = *state;

	srandom(20261123);
	for (int round = 0; round < 2000; round++) {
		int bits = round % 2 ? 128 : 32;
		struct asn_list *l = bits == 32 ? &f->v4 : &f->v6;
		uint8_t a[16] = { 0 }, b[16] = { 0 };
		unsigned __int128 next, lo, hi;

		for (int i = 0; i < bits / 8; i++) {
			a[i] = (uint8_t)random();
			b[i] = (uint8_t)random();
		}
		/* Shared leading bytes make short ranges likely too. */
		for (int i = 0; i < (int)(random() % (bits / 8)); i++)
			b[i] = a[i];
		if (value(a, bits) > value(b, bits)) {
			uint8_t t[16];

			memcpy(t, a, 16);
			memcpy(a, b, 16);
			memcpy(b, t, 16);
		}
		lo = value(a, bits);
		hi = value(b, bits);
		l->n = 0;
		assert_int_equal(asn_range_to_cidrs(l, a, b, bits, 1), 0);
		assert_true(l->n >= 1 && l->n <= (size_t)(2 * bits));
		next = lo;
		for (size_t i = 0; i < l->n; i++) {
			int host = bits - l->v[i].len;
			unsigned __int128 start = value(l->v[i].addr, bits);
			unsigned __int128 mask = host == 128 ? ~(unsigned __int128)0
							     : ((unsigned __int128)1 << host) - 1;

			assert_true(start == next);
			assert_true((start & mask) == 0);
			next = start + mask + 1;
		}
		assert_true(next - 1 == hi);
	}
}

static int read_csv(struct fixture *f, const char *text)
{
	FILE *out;

	snprintf(f->path, sizeof(f->path), "%s/bad.csv", f->tmp);
	out = fopen(f->path, "w");
	assert_non_null(out);
	fputs(text, out);
	fclose(out);
	return asndb_read(f->path, &f->v4, &f->v6, &f->info, f->err, sizeof(f->err));
}

static void assert_csv_error(struct fixture *f, const char *text, const char *want)
{
	assert_int_equal(read_csv(f, text), -EINVAL);
	if (strcmp(f->err, want))
		fail_msg("error '%s' is not '%s'", f->err, want);
	assert_int_equal(f->v4.n + f->v6.n, 0);
}

static void test_malformed_csv_lines_are_refused_with_their_line(void **state)
{
	struct fixture *f = *state;
	const char *ok = "192.0.2.0,192.0.2.255,16509,Amazon\n";
	char buf[2048];

	assert_csv_error(f, "", "empty file");
	snprintf(buf, sizeof(buf), "%s192.0.2.x,192.0.2.255,1,A\n", ok);
	assert_csv_error(f, buf, "line 2: not an IP address: '192.0.2.x'");
	assert_csv_error(f, "3232235520,3232235775,1,A\n",
			 "line 1: not an IP address: '3232235520'");
	assert_csv_error(f, "192.0.2.0,192.0.2.255,1\n",
			 "line 1: expected 4 fields (first,last,asn,organisation), got 3");
	assert_csv_error(f, "192.0.2.0,192.0.2.255,1,A,B\n", "line 1: more than 4 fields");
	assert_csv_error(f, "\n\n192.0.2.0,192.0.2.255,1,\"A, Inc.\n",
			 "line 3: unterminated quoted field");
	assert_csv_error(f, "192.0.2.0,192.0.2.255,1,\"A\"x\n",
			 "line 1: text after a closing quote");
	assert_csv_error(f, "192.0.2.0,192.0.2.255,1,A \"B\"\n",
			 "line 1: quote inside an unquoted field");
	assert_csv_error(f, "192.0.2.9,192.0.2.8,1,A\n", "line 1: range ends before it starts");
	assert_csv_error(f, "192.0.2.0,2001:db8::,1,A\n", "line 1: range from IPv4 to IPv6");
	assert_csv_error(f, "192.0.2.0,192.0.2.255,AS1,A\n", "line 1: not an AS number: 'AS1'");
	assert_csv_error(f, "192.0.2.0,192.0.2.255,4294967296,A\n",
			 "line 1: not an AS number: '4294967296'");
	memset(buf, 'x', sizeof(buf));
	memcpy(buf, ok, strlen(ok) - 1);
	buf[sizeof(buf) - 1] = 0;
	assert_csv_error(f, buf, "line 1: line longer than 1024 bytes");
}

static void test_truncated_gzip_csv_is_refused(void **state)
{
	struct fixture *f = *state;
	FILE *in = fopen(testdata("asn-test.csv.gz"), "rb");
	FILE *out;
	char buf[4096];
	size_t n;

	assert_non_null(in);
	n = fread(buf, 1, sizeof(buf), in);
	fclose(in);
	assert_true(n > 100);
	snprintf(f->path, sizeof(f->path), "%s/cut.csv.gz", f->tmp);
	for (size_t cut = 20; cut < n - 8; cut += 40) {
		out = fopen(f->path, "wb");
		assert_non_null(out);
		assert_int_equal(fwrite(buf, 1, cut, out), cut);
		fclose(out);
		assert_int_equal(
			asndb_read(f->path, &f->v4, &f->v6, &f->info, f->err, sizeof(f->err)),
			-EINVAL);
		if (!strstr(f->err, "truncated gzip stream"))
			fail_msg("cut at %zu: '%s'", cut, f->err);
	}
}

static void test_csv_reads_both_families_quotes_and_crlf(void **state)
{
	struct fixture *f = *state;
	uint8_t a[16] = { 0 };
	uint32_t asn;
	char org[64];

	assert_int_equal(read_csv(f, "192.0.2.0,192.0.2.127,16509,\"Amazon.com, Inc.\"\r\n"
				     "2001:db8::,2001:db8::ffff,64500,\r\n"
				     "::ffff:198.51.100.0,::ffff:198.51.100.255,0,Not routed\r\n"
				     "\r\n"
				     "203.0.113.0,203.0.113.0,13335,\"Say \"\"hi\"\"\"\n"),
			 0);
	assert_int_equal(f->info.rows, 4);
	assert_int_equal(f->info.no_asn, 1);
	assert_false(f->info.mmdb);
	assert_false(f->info.gzip);
	assert_int_equal(f->v4.n, 2);
	assert_int_equal(f->v6.n, 1);
	assert_int_equal(f->info.prefixes_v4, 2);
	inet_pton(AF_INET, "203.0.113.0", a);
	assert_int_equal(asndb_find(f->path, a, 32, &asn, org, sizeof(org), f->err, sizeof(f->err)),
			 0);
	assert_int_equal(asn, 13335);
	assert_string_equal(org, "Say \"hi\"");
}

static void test_overlapping_rows_are_clipped_and_counted(void **state)
{
	struct fixture *f = *state;
	struct asn_prefix first = prefix("192.0.2.0/24", 1), last = prefix("198.51.100.0/25", 1);

	assert_int_equal(read_csv(f,
				  "192.0.2.0,192.0.2.255,1,A\n"
				  "192.0.2.128,192.0.2.255,2,inside the previous row\n"
				  "192.0.2.0,192.0.2.127,2,before the end of the previous row\n"),
			 0);
	assert_int_equal(f->info.overlaps, 2);
	assert_int_equal(f->v4.n, 1);
	asn_list_free(&f->v4);
	/* The second row keeps 192.0.3.0 .. 198.51.100.127, many blocks. */
	assert_int_equal(read_csv(f, "192.0.2.0,192.0.2.255,1,A\n"
				     "192.0.2.0,198.51.100.127,1,overlaps then extends\n"),
			 0);
	assert_int_equal(f->info.overlaps, 1);
	assert_true(f->v4.n > 2);
	assert_memory_equal(f->v4.v[0].addr, first.addr, 16);
	assert_int_equal(f->v4.v[0].len, 24);
	assert_int_equal(f->v4.v[1].addr[2], 3);
	assert_memory_equal(f->v4.v[f->v4.n - 1].addr, last.addr, 16);
	assert_int_equal(f->v4.v[f->v4.n - 1].len, 25);
}

static void test_csv_fixture_plain_and_gzip_read_the_same(void **state)
{
	struct fixture *f = *state;
	struct asn_list v4 = { 0 }, v6 = { 0 };
	struct asndb_info info;

	assert_int_equal(asndb_read(testdata("asn-test.csv"), &f->v4, &f->v6, &f->info, f->err,
				    sizeof(f->err)),
			 0);
	assert_int_equal(f->info.rows, 12);
	assert_int_equal(f->info.overlaps, 0);
	assert_int_equal(f->v4.n, 21);
	assert_int_equal(f->v6.n, 4);
	if (asndb_read(testdata("asn-test.csv.gz"), &v4, &v6, &info, f->err, sizeof(f->err)))
		fail_msg("asn-test.csv.gz: %s", f->err);
	assert_true(info.gzip);
	assert_int_equal(v4.n, f->v4.n);
	assert_int_equal(v6.n, f->v6.n);
	assert_memory_equal(v4.v, f->v4.v, v4.n * sizeof(*v4.v));
	assert_memory_equal(v6.v, f->v6.v, v6.n * sizeof(*v6.v));
	asn_list_free(&v4);
	asn_list_free(&v6);
}

static void assert_overlay(const struct asn_prefix *p, const char *cidr, uint32_t asn,
			   const char *cc)
{
	struct asn_prefix want = prefix(cidr, asn);

	if (memcmp(p->addr, want.addr, 16) || p->len != want.len || p->asn != asn ||
	    memcmp(p->cc, cc, 2))
		fail_msg("overlay entry is not %s AS%u %s (len %u AS%u %.2s)", cidr, asn, cc,
			 p->len, p->asn, p->cc);
}

static void test_overlay_keeps_listed_operators_only_and_merges_siblings(void **state)
{
	struct fixture *f = *state;

	if (asndb_compile(testdata("asn-test.csv"), &f->ops, &f->v4, &f->v6, &f->info, f->err,
			  sizeof(f->err)))
		fail_msg("%s", f->err);
	/* 64500-64502 are not listed; the two /26 of AS16509 merge into a /25. */
	assert_int_equal(f->v4.n, 10);
	assert_overlay(&f->v4.v[0], "192.0.2.0/25", 16509, "US");
	assert_overlay(&f->v4.v[1], "192.0.2.128/26", 16509, "US");
	assert_overlay(&f->v4.v[2], "192.0.2.192/26", 16276, "FR");
	assert_overlay(&f->v4.v[3], "198.51.100.10/31", 15169, "US");
	assert_overlay(&f->v4.v[8], "198.51.100.128/25", 15169, "US");
	assert_overlay(&f->v4.v[9], "203.0.113.0/32", 13335, "US");
	assert_int_equal(f->v6.n, 2);
	assert_overlay(&f->v6.v[0], "2001:db8:1::/48", 16509, "US");
	assert_overlay(&f->v6.v[1], "2001:db8:2::/47", 16276, "FR");
	/* The same from a full list. */
	{
		struct asn_list all4 = { 0 }, all6 = { 0 }, out = { 0 };
		struct asndb_info info;

		assert_int_equal(asndb_read(testdata("asn-test.csv"), &all4, &all6, &info, f->err,
					    sizeof(f->err)),
				 0);
		assert_int_equal(asn_overlay_compile(&all4, &f->ops, &out), 0);
		assert_int_equal(out.n, f->v4.n);
		assert_memory_equal(out.v, f->v4.v, out.n * sizeof(*out.v));
		assert_int_equal(asn_overlay_compile(&all6, &f->ops, &out), 0);
		assert_memory_equal(out.v, f->v6.v, out.n * sizeof(*out.v));
		asn_list_free(&out);
		asn_list_free(&all4);
		asn_list_free(&all6);
	}
}

static void test_policy_operator_enters_the_overlay(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(operator_table_set(&f->ops, "64500 CH Example", f->err, sizeof(f->err)),
			 0);
	assert_int_equal(asndb_compile(testdata("asn-test.csv"), &f->ops, &f->v4, &f->v6, &f->info,
				       f->err, sizeof(f->err)),
			 0);
	assert_int_equal(f->v4.n, 12);
	assert_overlay(&f->v4.v[3], "198.51.100.0/29", 64500, "CH");
	assert_overlay(&f->v4.v[4], "198.51.100.8/31", 64500, "CH");
}

/* The walk gives networks in tree order, not sorted. */
static bool has_prefix(const struct asn_list *l, const char *cidr, uint32_t asn)
{
	struct asn_prefix p = prefix(cidr, asn);

	for (size_t i = 0; i < l->n; i++)
		if (!memcmp(l->v[i].addr, p.addr, 16) && l->v[i].len == p.len && l->v[i].asn == asn)
			return true;
	return false;
}

static void test_mmdb_in_geolite2_asn_schema_is_read(void **state)
{
	struct fixture *f = *state;
	uint8_t a[16] = { 0 };
	uint32_t asn;
	char org[64];

	if (asndb_read(testdata("test-asn.mmdb"), &f->v4, &f->v6, &f->info, f->err, sizeof(f->err)))
		fail_msg("%s", f->err);
	assert_true(f->info.mmdb);
	assert_true(f->info.build_epoch > 0);
	/* 203.0.113.0/24 has an organisation but no number: not a network here. */
	assert_int_equal(f->info.rows, 5);
	assert_int_equal(f->v4.n, 3);
	assert_int_equal(f->v6.n, 2);
	assert_true(has_prefix(&f->v4, "192.0.2.0/25", 16509));
	assert_true(has_prefix(&f->v4, "192.0.2.128/25", 16276));
	assert_true(has_prefix(&f->v4, "198.51.100.0/24", 64500));
	assert_true(has_prefix(&f->v6, "2001:db8:1::/48", 16509));
	assert_true(has_prefix(&f->v6, "2001:db8:2::/48", 16276));
	asn_list_free(&f->v4);
	asn_list_free(&f->v6);
	assert_int_equal(asndb_compile(testdata("test-asn.mmdb"), &f->ops, &f->v4, &f->v6, &f->info,
				       f->err, sizeof(f->err)),
			 0);
	assert_int_equal(f->v4.n, 2);
	assert_overlay(&f->v4.v[0], "192.0.2.0/25", 16509, "US");
	assert_overlay(&f->v4.v[1], "192.0.2.128/25", 16276, "FR");
	inet_pton(AF_INET, "192.0.2.130", a);
	assert_int_equal(asndb_find(testdata("test-asn.mmdb"), a, 32, &asn, org, sizeof(org),
				    f->err, sizeof(f->err)),
			 0);
	assert_int_equal(asn, 16276);
	assert_string_equal(org, "OVH SAS");
}

static void test_country_mmdb_is_not_an_asn_source(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(asndb_read(testdata("test-country.mmdb"), &f->v4, &f->v6, &f->info, f->err,
				    sizeof(f->err)),
			 -EINVAL);
	assert_string_equal(f->err, "unknown schema: no autonomous_system_number in any record");
	assert_int_equal(asndb_read("/nonexistent/asn.csv", &f->v4, &f->v6, &f->info, f->err,
				    sizeof(f->err)),
			 -ENOENT);
	assert_string_equal(f->err, "No such file or directory");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_range_of_one_address_is_one_host_prefix),
		T(test_range_of_the_whole_space_is_the_default_prefix),
		T(test_unaligned_range_is_its_minimal_cidr_set),
		T(test_random_ranges_are_covered_exactly),
		T(test_malformed_csv_lines_are_refused_with_their_line),
		T(test_truncated_gzip_csv_is_refused),
		T(test_csv_reads_both_families_quotes_and_crlf),
		T(test_overlapping_rows_are_clipped_and_counted),
		T(test_csv_fixture_plain_and_gzip_read_the_same),
		T(test_overlay_keeps_listed_operators_only_and_merges_siblings),
		T(test_policy_operator_enters_the_overlay),
		T(test_mmdb_in_geolite2_asn_schema_is_read),
		T(test_country_mmdb_is_not_an_asn_source),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
