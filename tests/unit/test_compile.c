/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of the geo database compiler (user/policy/geodb.c, prefix.c, compile.c) on
 * databases written by MaxMind's own writer (tests/data/make-testdbs.pl). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <maxminddb.h>
#include <zlib.h>
#include "policy/compile.h"
#include "juris.h"
#include "testdata.h"

/* libmaxminddb 1.7 (Debian 12) leaks in MMDB_open on some invalid files
 * (fixed in 1.12); that is not juris's leak, and must not fail ASan runs. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libmaxminddb.so\n";
}

struct fixture {
	char tmp[64]; /* scratch directory for hostile files */
	struct zone_table *zt;
	struct prefix_list v4, v6;
	struct geodb_info info;
	struct compile_stats stats;
	char err[256];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char err[256];

	if (!f)
		return -1;
	snprintf(f->tmp, sizeof(f->tmp), "%s", "/tmp/juris-test-compile-XXXXXX");
	if (!mkdtemp(f->tmp) || zone_table_new(&f->zt, false, err, sizeof(err))) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	DIR *d = opendir(f->tmp);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char p[512];

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", f->tmp, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(f->tmp);
	prefix_list_free(&f->v4);
	prefix_list_free(&f->v6);
	zone_table_free(f->zt);
	free(f);
	return 0;
}

static int compile(struct fixture *f, const char *path)
{
	prefix_list_free(&f->v4);
	prefix_list_free(&f->v6);
	f->err[0] = 0;
	return compile_geodb(path, f->zt, &f->v4, &f->v6, &f->info, &f->stats, f->err,
			     sizeof(f->err));
}

static int read_db(struct fixture *f, const char *path)
{
	prefix_list_free(&f->v4);
	prefix_list_free(&f->v6);
	f->err[0] = 0;
	return geodb_read(path, &f->v4, &f->v6, &f->info, f->err, sizeof(f->err));
}

static bool prefix_holds(const struct net_prefix *p, const uint8_t *a)
{
	int whole = p->len / 8, rest = p->len % 8;

	if (memcmp(p->addr, a, (size_t)whole))
		return false;
	return !rest || !((p->addr[whole] ^ a[whole]) & (0xff00 >> rest) & 0xff);
}

/* Longest-prefix match over a list, as the kernel's LPM trie answers. */
static const struct net_prefix *lpm(const struct fixture *f, const char *addr)
{
	uint8_t a[16] = { 0 };
	bool v4 = inet_pton(AF_INET, addr, a) == 1;
	const struct prefix_list *l = v4 ? &f->v4 : &f->v6;
	const struct net_prefix *best = NULL;

	if (!v4)
		assert_int_equal(inet_pton(AF_INET6, addr, a), 1);
	for (size_t i = 0; i < l->n; i++)
		if (prefix_holds(&l->v[i], a) && (!best || l->v[i].len > best->len))
			best = &l->v[i];
	return best;
}

/* addr classifies as country cc ("" for none) in zone z; z == ZONE_UNKNOWN
 * means no prefix at all. */
static void expect(const struct fixture *f, const char *addr, const char *cc, uint8_t z)
{
	const struct net_prefix *p = lpm(f, addr);
	char got[3] = "";

	if (!p) {
		if (z != ZONE_UNKNOWN)
			fail_msg("%s: no prefix, want %s zone %u", addr, cc, z);
		return;
	}
	memcpy(got, p->cc, 2);
	if (z == ZONE_UNKNOWN || strcmp(got, cc) || p->zone != z)
		fail_msg("%s: got '%s' zone %u (/%u), want '%s' zone %u", addr, got, p->zone,
			 p->len, cc, z);
}

static struct net_prefix pfx(const char *cidr, const char *cc, uint8_t zone)
{
	struct net_prefix p = { .zone = zone };
	char buf[64];
	char *slash;

	snprintf(buf, sizeof(buf), "%s", cidr);
	slash = strchr(buf, '/');
	assert_non_null(slash);
	*slash = 0;
	p.len = (uint8_t)atoi(slash + 1);
	if (inet_pton(AF_INET, buf, p.addr) != 1)
		assert_int_equal(inet_pton(AF_INET6, buf, p.addr), 1);
	if (cc)
		memcpy(p.cc, cc, 2);
	return p;
}

static void push(struct prefix_list *l, const char *cidr, const char *cc, uint8_t zone)
{
	struct net_prefix p = pfx(cidr, cc, zone);

	assert_int_equal(prefix_list_push(l, &p), 0);
}

static void assert_prefix(const struct prefix_list *l, size_t i, const char *cidr, const char *cc)
{
	struct net_prefix want = pfx(cidr, cc, 0);

	assert_true(i < l->n);
	if (memcmp(l->v[i].addr, want.addr, 16) || l->v[i].len != want.len ||
	    memcmp(l->v[i].cc, want.cc, 2))
		fail_msg("entry %zu is not %s %s", i, cidr, cc);
}

static void *slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	void *buf = malloc(1 << 20);

	assert_non_null(fp);
	assert_non_null(buf);
	*n = fread(buf, 1, 1 << 20, fp);
	assert_true(*n > 0 && *n < 1 << 20);
	fclose(fp);
	return buf;
}

static const char *spit(struct fixture *f, const char *name, const void *buf, size_t n)
{
	static char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", f->tmp, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(buf, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
	return path;
}

static void expect_error(struct fixture *f, const char *path, const char *reason)
{
	int ret = compile(f, path);

	if (ret >= 0)
		fail_msg("%s compiled (%d), want an error '%s'", path, ret, reason);
	assert_int_equal(f->v4.n + f->v6.n, 0);
	assert_null(strchr(f->err, '\n'));
	if (!f->err[0] || (reason && !strstr(f->err, reason)))
		fail_msg("%s: reason '%s', want '%s'", path, f->err, reason ? reason : "any");
}

static void test_country_code_schema_gives_every_zone(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(compile(f, testdata("test-country.mmdb")), 0);
	expect(f, "192.0.2.1", "FR", ZONE_FR);
	expect(f, "192.0.2.130", "DE", ZONE_EU);
	expect(f, "192.0.2.200", "NO", ZONE_EEA);
	expect(f, "192.0.2.230", "JP", ZONE_ADEQUATE);
	expect(f, "192.0.2.241", "US", ZONE_THIRD);
	expect(f, "192.0.2.250", "", ZONE_UNKNOWN);
	expect(f, "203.0.113.10", "DE", ZONE_EU);
	expect(f, "2001:db8:1::10", "FR", ZONE_FR);
	expect(f, "2001:db8:2::10", "DE", ZONE_EU);
	expect(f, "2001:db8:3::10", "US", ZONE_THIRD);
	expect(f, "2001:db8:4::10", "NO", ZONE_EEA);
	expect(f, "2001:db8:5::10", "JP", ZONE_ADEQUATE);
	expect(f, "2001:db8:6::10", "", ZONE_UNKNOWN);
	assert_string_equal(f->info.schema, "country_code");
}

static void test_geolite2_schema_reads_iso_code_and_falls_back_to_registered_country(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(compile(f, testdata("test-geolite2.mmdb")), 0);
	expect(f, "192.0.2.1", "FR", ZONE_FR);
	expect(f, "2001:db8:3::10", "US", ZONE_THIRD);
	/* This network has registered_country only. */
	expect(f, "203.0.113.10", "DE", ZONE_EU);
	expect(f, "203.0.113.200", "GP", ZONE_FR);
	assert_string_equal(f->info.schema, "country.iso_code");
	assert_string_equal(f->info.type, "GeoLite2-Country");
}

static void test_nested_network_wins_over_its_parent(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(compile(f, testdata("test-country.mmdb")), 0);
	expect(f, "198.51.100.64", "FR", ZONE_FR);
	expect(f, "198.51.100.127", "FR", ZONE_FR);
	expect(f, "198.51.100.63", "US", ZONE_THIRD);
	expect(f, "198.51.100.128", "US", ZONE_THIRD);
	expect(f, "198.51.100.255", "US", ZONE_THIRD);
}

static void test_french_overseas_network_is_fr(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(compile(f, testdata("test-country.mmdb")), 0);
	expect(f, "203.0.113.200", "GP", ZONE_FR);
}

static bool in_v6_range(const struct net_prefix *p, const char *cidr)
{
	struct net_prefix r = pfx(cidr, NULL, 0);

	return prefix_holds(&r, p->addr);
}

static void test_ipv6_aliases_do_not_duplicate_ipv4_subtree(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(read_db(f, testdata("test-country.mmdb")), 0);
	/* 11 IPv4 networks once, not again under ::ffff:0:0/96, 2001::/32 or
	 * 2002::/16; the 6 IPv6 networks are the database's own. */
	assert_int_equal(f->v4.n, 11);
	assert_int_equal(f->v6.n, 6);
	assert_int_equal(f->info.networks_v4, 11);
	assert_int_equal(f->info.networks_v6, 6);
	for (size_t i = 0; i < f->v6.n; i++) {
		assert_false(in_v6_range(&f->v6.v[i], "::ffff:0:0/96"));
		assert_false(in_v6_range(&f->v6.v[i], "2002::/16"));
		assert_false(in_v6_range(&f->v6.v[i], "2001::/32"));
		assert_false(in_v6_range(&f->v6.v[i], "::/96"));
	}
}

static int cmp_np(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct net_prefix));
}

static void sort_list(struct prefix_list *l)
{
	qsort(l->v, l->n, sizeof(l->v[0]), cmp_np);
}

static void assert_same_lists(struct prefix_list *a, struct prefix_list *b)
{
	assert_int_equal(a->n, b->n);
	sort_list(a);
	sort_list(b);
	assert_memory_equal(a->v, b->v, a->n * sizeof(a->v[0]));
}

static void test_database_with_and_without_aliases_read_the_same(void **state)
{
	struct fixture *f = *state;
	struct prefix_list v4, v6;

	assert_int_equal(read_db(f, testdata("test-noalias.mmdb")), 0);
	v4 = f->v4;
	v6 = f->v6;
	memset(&f->v4, 0, sizeof(f->v4));
	memset(&f->v6, 0, sizeof(f->v6));
	assert_int_equal(read_db(f, testdata("test-country.mmdb")), 0);
	assert_same_lists(&f->v4, &v4);
	assert_same_lists(&f->v6, &v6);
	prefix_list_free(&v4);
	prefix_list_free(&v6);
}

static void test_ipv4_networks_come_out_as_ipv4_prefixes(void **state)
{
	struct fixture *f = *state;
	bool found = false;

	assert_int_equal(read_db(f, testdata("test-country.mmdb")), 0);
	for (size_t i = 0; i < f->v4.n; i++) {
		const struct net_prefix *p = &f->v4.v[i];
		static const uint8_t zero[12];

		assert_true(p->len <= 32);
		assert_memory_equal(p->addr + 4, zero, 12);
		if (p->len == 25 && !memcmp(p->addr, "\xc0\x00\x02\x00", 4))
			found = !memcmp(p->cc, "FR", 2);
	}
	assert_true(found);
}

static void test_ipv4_only_database_reads_as_ipv4(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(compile(f, testdata("test-ipv4only.mmdb")), 0);
	assert_int_equal(f->info.ip_version, 4);
	assert_int_equal(f->stats.read_v4, 3);
	assert_int_equal(f->stats.read_v6, 0);
	expect(f, "192.0.2.1", "FR", ZONE_FR);
	expect(f, "198.51.100.1", "US", ZONE_THIRD);
	expect(f, "203.0.113.1", "DE", ZONE_EU);
	expect(f, "192.0.2.129", "", ZONE_UNKNOWN);
	/* The local IPv6 ranges are there all the same. */
	expect(f, "fe80::1", "", ZONE_LOCAL);
}

static void test_ipv6_network_covering_ipv4_space_answers_for_ipv4(void **state)
{
	struct fixture *f = *state;

	/* ::/64 holds ::/96, the IPv4 subtree: libmaxminddb answers FR for
	 * every IPv4 address there. */
	assert_int_equal(compile(f, testdata("test-v4-covered.mmdb")), 0);
	assert_int_equal(f->stats.read_v4, 1);
	assert_int_equal(f->stats.read_v6, 2);
	expect(f, "8.8.8.8", "FR", ZONE_FR);
	expect(f, "192.0.2.1", "FR", ZONE_FR);
	expect(f, "10.0.0.1", "", ZONE_LOCAL);
	expect(f, "::1:2:3:4", "FR", ZONE_FR);
	expect(f, "2001:db8:2::1", "DE", ZONE_EU);
	expect(f, "2001:db8:3::1", "", ZONE_UNKNOWN);
}

static void test_local_ranges_win_over_the_database(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(compile(f, testdata("test-country.mmdb")), 0);
	/* The database says US for 10.0.0.0/8 and fd00::/8. */
	expect(f, "10.1.2.3", "", ZONE_LOCAL);
	expect(f, "fd00::1", "", ZONE_LOCAL);
	expect(f, "127.0.0.1", "", ZONE_LOCAL);
	expect(f, "100.64.0.1", "", ZONE_LOCAL);
	expect(f, "224.0.0.1", "", ZONE_LOCAL);
	expect(f, "255.255.255.255", "", ZONE_LOCAL);
	expect(f, "fe80::1", "", ZONE_LOCAL);
	expect(f, "::1", "", ZONE_LOCAL);
	for (size_t i = 0; i < f->v4.n; i++)
		assert_false(f->v4.v[i].addr[0] == 10 && f->v4.v[i].zone != ZONE_LOCAL);
}

static void test_metadata_is_reported(void **state)
{
	struct fixture *f = *state;
	struct stat st;

	assert_int_equal(compile(f, testdata("test-country.mmdb")), 0);
	assert_int_equal(stat(testdata("test-country.mmdb"), &st), 0);
	assert_string_equal(f->info.type, "juris-test-country");
	/* make-testdbs.pl stamps the start of the UTC day it ran. */
	assert_int_equal(f->info.build_epoch, (uint64_t)(st.st_mtime - st.st_mtime % 86400));
	assert_int_equal(f->info.ip_version, 6);
	assert_true(f->info.node_count > 0);
	assert_int_equal(f->info.file_size, (uint64_t)st.st_size);
	assert_int_equal(f->info.mmdb_size, (uint64_t)st.st_size);
	assert_false(f->info.gzip);
	assert_non_null(strstr(f->info.path, "test-country.mmdb"));
}

static void test_compile_stats_count_networks_read_and_prefixes_kept(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(compile(f, testdata("test-country.mmdb")), 0);
	assert_int_equal(f->stats.read_v4, 11);
	assert_int_equal(f->stats.read_v6, 6);
	assert_int_equal(f->stats.merged_v4, f->v4.n);
	assert_int_equal(f->stats.merged_v6, f->v6.n);
	assert_true(f->stats.seconds >= 0 && f->stats.seconds < 10);
	for (size_t i = 0; i < f->v4.n; i++)
		assert_int_not_equal(f->v4.v[i].zone, ZONE_UNKNOWN);
}

static void test_country_codes_are_upper_cased_and_odd_ones_skipped(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(compile(f, testdata("test-odd-codes.mmdb")), 0);
	expect(f, "192.0.2.1", "FR", ZONE_FR);	     /* "fr" */
	expect(f, "192.0.2.129", "", ZONE_UNKNOWN);  /* "FRA" */
	expect(f, "198.51.100.1", "", ZONE_UNKNOWN); /* "1A" */
	expect(f, "203.0.113.1", "", ZONE_UNKNOWN);  /* "" */
	expect(f, "2001:db8:1::1", "DE", ZONE_EU);   /* "De" */
	assert_int_equal(f->stats.read_v4, 1);
	assert_int_equal(f->stats.read_v6, 1);
}

static void test_gzip_database_gives_the_same_networks(void **state)
{
	struct fixture *f = *state;
	struct prefix_list v4, v6;
	uint64_t plain_size;

	assert_int_equal(compile(f, testdata("test-country.mmdb")), 0);
	v4 = f->v4;
	v6 = f->v6;
	plain_size = f->info.file_size;
	memset(&f->v4, 0, sizeof(f->v4));
	memset(&f->v6, 0, sizeof(f->v6));
	assert_int_equal(compile(f, testdata("test-country.mmdb.gz")), 0);
	assert_true(f->info.gzip);
	assert_int_equal(f->info.mmdb_size, plain_size);
	assert_true(f->info.file_size < plain_size);
	assert_same_lists(&f->v4, &v4);
	assert_same_lists(&f->v6, &v6);
	prefix_list_free(&v4);
	prefix_list_free(&v6);
}

static void test_gzip_is_recognised_by_content_not_name(void **state)
{
	struct fixture *f = *state;
	size_t n;
	void *gz = slurp(testdata("test-country.mmdb.gz"), &n);
	void *plain;

	assert_int_equal(compile(f, spit(f, "named-plain.mmdb", gz, n)), 0);
	assert_true(f->info.gzip);
	free(gz);
	plain = slurp(testdata("test-country.mmdb"), &n);
	assert_int_equal(compile(f, spit(f, "named-gzip.mmdb.gz", plain, n)), 0);
	assert_false(f->info.gzip);
	free(plain);
}

static void test_gzip_output_beyond_the_cap_is_refused(void **state)
{
	struct fixture *f = *state;
	const char *gz = testdata("test-country.mmdb.gz");

	assert_int_equal(geodb_read_max(gz, 1024, &f->v4, &f->v6, &f->info, f->err, sizeof(f->err)),
			 -EFBIG);
	assert_string_equal(f->err, "decompressed size exceeds 1024 bytes");
	assert_int_equal(f->v4.n + f->v6.n, 0);
	assert_int_equal(
		geodb_read_max(gz, 1 << 20, &f->v4, &f->v6, &f->info, f->err, sizeof(f->err)), 0);
	prefix_list_free(&f->v4);
	prefix_list_free(&f->v6);
	assert_int_equal(geodb_read_max(gz, 0, &f->v4, &f->v6, &f->info, f->err, sizeof(f->err)),
			 -EFBIG);
	assert_string_equal(f->err, "decompressed size exceeds 0 MiB");
}

/* Writers of a MaxMind DB whose metadata lies: node_count claims `nodes`
 * (32-bit records), but only the first 97 are a tree (8000::/1 and the two
 * halves of the IPv4 space, to {country_code: US}); the rest is zeros. */
static void put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static size_t meta_key(uint8_t *p, const char *k)
{
	p[0] = (uint8_t)(0x40 | strlen(k));
	memcpy(p + 1, k, strlen(k));
	return 1 + strlen(k);
}

static size_t lying_tail(uint8_t *buf, uint32_t nodes)
{
	static const char marker[] = "\xab\xcd\xefMaxMind.com";
	size_t o = 16; /* the separator, zeros */

	memset(buf, 0, 16);
	memcpy(buf + o,
	       "\xe1\x4c"
	       "country_code"
	       "\x42US",
	       17);
	o += 17;
	memcpy(buf + o, marker, sizeof(marker) - 1);
	o += sizeof(marker) - 1;
	buf[o++] = 0xe9; /* a map of 9 pairs */
	o += meta_key(buf + o, "node_count");
	buf[o++] = 0xc4;
	put_be(buf + o, nodes, 4);
	o += 4;
	o += meta_key(buf + o, "record_size");
	memcpy(buf + o, "\xa2\x00\x20", 3);
	o += 3;
	o += meta_key(buf + o, "ip_version");
	memcpy(buf + o, "\xa2\x00\x06", 3);
	o += 3;
	o += meta_key(buf + o, "database_type");
	memcpy(buf + o,
	       "\x47"
	       "hostile",
	       8);
	o += 8;
	o += meta_key(buf + o, "languages");
	memcpy(buf + o, "\x00\x04", 2); /* an empty array */
	o += 2;
	o += meta_key(buf + o, "binary_format_major_version");
	memcpy(buf + o, "\xa2\x00\x02", 3);
	o += 3;
	o += meta_key(buf + o, "binary_format_minor_version");
	buf[o++] = 0xa0;
	o += meta_key(buf + o, "build_epoch");
	memcpy(buf + o, "\x08\x02", 2); /* uint64 */
	put_be(buf + o + 2, 1764892800, 8);
	o += 10;
	o += meta_key(buf + o, "description");
	buf[o++] = 0xe0;
	return o;
}

static void write_lying_mmdb(const char *path, uint32_t nodes, bool gz)
{
	static uint8_t zeros[1 << 20];
	uint8_t node[8], tail[512];
	uint32_t data = nodes + 16; /* the record value of data offset 0 */
	uint64_t left = (uint64_t)nodes * 8;
	gzFile g = gz ? gzopen(path, "wb9") : NULL;
	FILE *fp = gz ? NULL : fopen(path, "wb");
	size_t n;

	assert_true(g || fp);
#define OUT(p, len) (g ? (size_t)gzwrite(g, p, (unsigned)(len)) : fwrite(p, 1, len, fp))
	for (uint32_t i = 0; i <= 96; i++) {
		put_be(node, i < 96 ? i + 1 : data, 4);
		put_be(node + 4, i == 0 || i == 96 ? data : nodes, 4);
		assert_int_equal(OUT(node, 8), 8);
		left -= 8;
	}
	while (left) {
		n = left < sizeof(zeros) ? (size_t)left : sizeof(zeros);
		assert_int_equal(OUT(zeros, n), n);
		left -= n;
	}
	n = lying_tail(tail, nodes);
	assert_int_equal(OUT(tail, n), n);
#undef OUT
	if (g)
		assert_int_equal(gzclose(g), Z_OK);
	else
		assert_int_equal(fclose(fp), 0);
}

/* geodb_read(path) in a child: its return, message and peak RSS (KiB). */
static int read_in_child(const char *path, char *err, size_t errlen, long *rss_kib)
{
	struct {
		int ret;
		long rss;
		char err[256];
	} r = {};
	int p[2];
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		struct prefix_list v4 = {}, v6 = {};
		struct geodb_info info;
		struct rusage ru;

		close(p[0]);
		r.ret = geodb_read(path, &v4, &v6, &info, r.err, sizeof(r.err));
		getrusage(RUSAGE_SELF, &ru);
		r.rss = ru.ru_maxrss;
		if (write(p[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	assert_int_equal(read(p[0], &r, sizeof(r)), sizeof(r));
	close(p[0]);
	waitpid(pid, NULL, 0);
	snprintf(err, errlen, "%s", r.err);
	*rss_kib = r.rss;
	return r.ret;
}

/* 64 MiB of zeros behind 8 million claimed nodes, gzipped to 64 KiB: the
 * old reader reserved and mapped 20 bytes per claimed node and family. */
static void test_gzip_whose_metadata_claims_millions_of_nodes_is_refused_in_little_memory(
	void **state)
{
	struct fixture *f = *state;
	char path[128];
	long rss;
	int ret;

	snprintf(path, sizeof(path), "%s/lying.mmdb.gz", f->tmp);
	write_lying_mmdb(path, 8u << 20, true);
	ret = read_in_child(path, f->err, sizeof(f->err), &rss);
	print_message("lying .mmdb.gz: %d (%s), peak RSS %ld KiB\n", ret, f->err, rss);
	assert_int_equal(ret, -EFBIG);
	assert_string_equal(f->err, "decompressed size exceeds 32 times the compressed file: "
				    "refused (a MaxMind DB compresses about 2:1)");
	assert_true(rss < 48 * 1024);
	unlink(path);
}

/* The same lie in a plain file of 32 MiB: its three networks are read, in
 * memory for three networks, not for the four million claimed nodes. */
static void test_database_claiming_more_nodes_than_networks_costs_memory_for_its_networks(
	void **state)
{
	struct fixture *f = *state;
	char path[128];
	long rss;
	int ret;

	snprintf(path, sizeof(path), "%s/lying.mmdb", f->tmp);
	write_lying_mmdb(path, 4u << 20, false);
	ret = read_in_child(path, f->err, sizeof(f->err), &rss);
	print_message("lying .mmdb: %d (%s), peak RSS %ld KiB\n", ret, f->err, rss);
	assert_int_equal(ret, 0);
	assert_true(rss < 48 * 1024);
	unlink(path);
}

static void test_truncated_gzip_is_an_error(void **state)
{
	struct fixture *f = *state;
	size_t n;
	uint8_t *gz = slurp(testdata("test-country.mmdb.gz"), &n);

	for (size_t len = 2; len < n; len += 7)
		expect_error(f, spit(f, "cut.mmdb.gz", gz, len), NULL);
	expect_error(f, spit(f, "cut.mmdb.gz", gz, n - 4), "truncated gzip stream");
	free(gz);
}

static void test_gzip_of_garbage_is_not_a_maxmind_db(void **state)
{
	struct fixture *f = *state;
	char path[128];
	uint8_t junk[4096];
	gzFile gz;

	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 7919 >> 3);
	snprintf(path, sizeof(path), "%s/junk.gz", f->tmp);
	gz = gzopen(path, "wb");
	assert_non_null(gz);
	assert_int_equal(gzwrite(gz, junk, sizeof(junk)), sizeof(junk));
	assert_int_equal(gzclose(gz), Z_OK);
	expect_error(f, path, "not a MaxMind DB file");
	/* gzip magic, then not gzip at all. */
	junk[0] = 0x1f;
	junk[1] = 0x8b;
	expect_error(f, spit(f, "fake.gz", junk, sizeof(junk)), "gzip");
}

static void test_empty_file_is_an_error(void **state)
{
	struct fixture *f = *state;

	expect_error(f, spit(f, "empty.mmdb", "", 0), "file is empty");
}

static void test_missing_file_or_directory_is_an_error(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(compile(f, "/nonexistent/juris.mmdb"), -ENOENT);
	assert_string_equal(f->err, strerror(ENOENT));
	assert_int_equal(compile(f, f->tmp), -EISDIR);
	assert_string_equal(f->err, "is a directory");
}

static void test_every_truncation_is_an_error_without_crash(void **state)
{
	struct fixture *f = *state;
	size_t n;
	uint8_t *db = slurp(testdata("test-country.mmdb"), &n);

	for (size_t len = 1; len < n; len++)
		expect_error(f, spit(f, "cut.mmdb", db, len), NULL);
	expect_error(f, spit(f, "cut.mmdb", db, n / 2), "not a MaxMind DB file");
	free(db);
}

static void fill_junk(uint8_t *buf, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245 + 12345;
		buf[i] = (uint8_t)(seed >> 16);
	}
}

static void test_garbage_is_an_error(void **state)
{
	struct fixture *f = *state;
	static const char marker[] = "\xab\xcd\xefMaxMind.com";
	uint8_t junk[65536];

	fill_junk(junk, sizeof(junk), 1);
	expect_error(f, spit(f, "garbage.mmdb", junk, sizeof(junk)), "not a MaxMind DB file");
	/* A marker with garbage metadata after it, or with nothing after it. */
	memcpy(junk + 60000, marker, sizeof(marker) - 1);
	expect_error(f, spit(f, "garbage.mmdb", junk, sizeof(junk)), NULL);
	expect_error(f, spit(f, "garbage.mmdb", junk, 60000 + sizeof(marker) - 1),
		     "invalid metadata");
	expect_error(f, spit(f, "garbage.mmdb", "x", 1), "not a MaxMind DB file");
}

static void test_unknown_schema_is_an_error(void **state)
{
	struct fixture *f = *state;

	expect_error(f, testdata("test-unknown-schema.mmdb"),
		     "unknown schema: no country_code or country.iso_code in any record");
}

static void test_database_without_networks_is_an_error(void **state)
{
	struct fixture *f = *state;

	expect_error(f, testdata("test-no-networks.mmdb"), "no networks");
}

/* The test database's tree, to corrupt by hand: 24-bit records. */
struct tree {
	uint8_t *buf;
	size_t size;
	uint32_t nodes;
};

static void tree_load(struct tree *t)
{
	MMDB_s mmdb;
	const char *path = testdata("test-country.mmdb");

	assert_int_equal(MMDB_open(path, MMDB_MODE_MMAP, &mmdb), MMDB_SUCCESS);
	assert_int_equal(mmdb.metadata.record_size, 24);
	t->nodes = mmdb.metadata.node_count;
	MMDB_close(&mmdb);
	t->buf = slurp(path, &t->size);
}

static void set_record(struct tree *t, uint32_t node, int right, uint32_t value)
{
	uint8_t *r = t->buf + node * 6 + (right ? 3 : 0);

	assert_true(node < t->nodes);
	r[0] = (uint8_t)(value >> 16);
	r[1] = (uint8_t)(value >> 8);
	r[2] = (uint8_t)value;
}

static uint32_t get_record(const struct tree *t, uint32_t node, int right)
{
	const uint8_t *r = t->buf + node * 6 + (right ? 3 : 0);

	return (uint32_t)r[0] << 16 | (uint32_t)r[1] << 8 | r[2];
}

static void test_shared_nodes_are_refused_as_a_corrupt_tree(void **state)
{
	struct fixture *f = *state;
	struct tree t;

	/* Both halves of each of the first nodes lead to the next: 2^100
	 * paths through 100 nodes. The walk must give up, not loop. */
	tree_load(&t);
	assert_true(t.nodes > 101);
	for (uint32_t i = 0; i < 100; i++) {
		set_record(&t, i, 0, i + 1);
		set_record(&t, i, 1, i + 1);
	}
	expect_error(f, spit(f, "shared.mmdb", t.buf, t.size), "corrupt search tree");
	free(t.buf);
}

static void test_cyclic_tree_is_refused(void **state)
{
	struct fixture *f = *state;
	struct tree t;
	uint32_t n;

	/* Follow the left path down a few nodes and point back up. */
	tree_load(&t);
	n = get_record(&t, 0, 0);
	n = get_record(&t, n, 0);
	assert_true(n < t.nodes);
	set_record(&t, n, 1, 1 < t.nodes ? get_record(&t, 0, 0) : 0);
	expect_error(f, spit(f, "cycle.mmdb", t.buf, t.size), "corrupt search tree");
	free(t.buf);
}

static void test_record_outside_the_data_section_is_refused(void **state)
{
	struct fixture *f = *state;
	struct tree t;

	tree_load(&t);
	/* Into the 16-byte separator between tree and data. */
	set_record(&t, 0, 1, t.nodes + 3);
	expect_error(f, spit(f, "separator.mmdb", t.buf, t.size), "corrupt search tree");
	/* Past the end of the file. */
	set_record(&t, 0, 1, 0xffffff);
	expect_error(f, spit(f, "beyond.mmdb", t.buf, t.size), "corrupt search tree");
	/* Zero: back to the root. */
	set_record(&t, 0, 1, 0);
	expect_error(f, spit(f, "zero.mmdb", t.buf, t.size), NULL);
	free(t.buf);
}

static void test_search_tree_larger_than_the_file_is_refused(void **state)
{
	struct fixture *f = *state;
	struct tree t;
	uint8_t *p;

	/* record_size 24 → 32 in the metadata: the tree no longer fits. */
	tree_load(&t);
	p = memmem(t.buf, t.size, "record_size\xa1\x18", 13);
	assert_non_null(p);
	p[12] = 32;
	expect_error(f, spit(f, "bigtree.mmdb", t.buf, t.size), NULL);
	free(t.buf);
}

static void test_corrupted_bytes_never_crash(void **state)
{
	struct fixture *f = *state;
	static const uint8_t values[] = { 0x00, 0xff, 0x80, 0x01 };
	size_t n;
	uint8_t *db = slurp(testdata("test-country.mmdb"), &n);

	/* Every byte, a few values: an answer or a one-line reason, no crash
	 * (ASan and UBSan watch the reads). */
	for (size_t i = 0; i < n; i++) {
		uint8_t orig = db[i];

		for (size_t v = 0; v < sizeof(values); v++) {
			int ret;

			db[i] = values[v];
			ret = compile(f, spit(f, "flip.mmdb", db, n));
			if (ret)
				assert_true(f->err[0] && !strchr(f->err, '\n'));
			prefix_list_free(&f->v4);
			prefix_list_free(&f->v6);
		}
		db[i] = orig;
	}
	free(db);
}

static void test_merge_folds_equal_siblings(void **state)
{
	struct prefix_list l = { 0 };

	(void)state;
	push(&l, "192.0.2.128/25", "FR", ZONE_FR);
	push(&l, "192.0.2.0/25", "FR", ZONE_FR);
	assert_int_equal(prefix_merge(&l, 32), 0);
	assert_int_equal(l.n, 1);
	assert_prefix(&l, 0, "192.0.2.0/24", "FR");
	prefix_list_free(&l);
}

static void test_merge_keeps_adjacent_non_siblings(void **state)
{
	struct prefix_list l = { 0 };

	(void)state;
	/* Adjacent, equal, but 10.0.1.0/24 and 10.0.2.0/24 have no common /23. */
	push(&l, "10.0.1.0/24", "DE", ZONE_EU);
	push(&l, "10.0.2.0/24", "DE", ZONE_EU);
	/* Siblings of different lengths do not fold either. */
	push(&l, "10.0.4.0/24", "DE", ZONE_EU);
	push(&l, "10.0.5.0/25", "DE", ZONE_EU);
	assert_int_equal(prefix_merge(&l, 32), 0);
	assert_int_equal(l.n, 4);
	prefix_list_free(&l);
}

static void test_merge_keeps_siblings_with_different_values(void **state)
{
	struct prefix_list l = { 0 };

	(void)state;
	push(&l, "192.0.2.0/25", "DE", ZONE_EU);
	push(&l, "192.0.2.128/25", "IT", ZONE_EU);
	push(&l, "198.51.100.0/25", "US", ZONE_THIRD);
	push(&l, "198.51.100.128/25", "US", ZONE_ADEQUATE);
	assert_int_equal(prefix_merge(&l, 32), 0);
	assert_int_equal(l.n, 4);
	assert_prefix(&l, 0, "192.0.2.0/25", "DE");
	assert_prefix(&l, 1, "192.0.2.128/25", "IT");
	prefix_list_free(&l);
}

static void test_merge_cascades_up_the_tree(void **state)
{
	struct prefix_list l = { 0 };

	(void)state;
	push(&l, "203.0.113.192/26", "FR", ZONE_FR);
	push(&l, "203.0.113.0/26", "FR", ZONE_FR);
	push(&l, "203.0.113.128/27", "FR", ZONE_FR);
	push(&l, "203.0.113.64/26", "FR", ZONE_FR);
	push(&l, "203.0.113.160/27", "FR", ZONE_FR);
	push(&l, "203.0.112.0/24", "FR", ZONE_FR);
	assert_int_equal(prefix_merge(&l, 32), 0);
	assert_int_equal(l.n, 1);
	assert_prefix(&l, 0, "203.0.112.0/23", "FR");
	prefix_list_free(&l);
}

static void test_merge_folds_ipv6_siblings(void **state)
{
	struct prefix_list l = { 0 };

	(void)state;
	push(&l, "2001:db8:1::/48", "FR", ZONE_FR);
	push(&l, "2001:db8::/48", "FR", ZONE_FR);
	push(&l, "2001:db8:3::/48", "FR", ZONE_FR);
	push(&l, "2001:db8:2::/48", "FR", ZONE_FR);
	push(&l, "::/1", "US", ZONE_THIRD);
	push(&l, "8000::/1", "US", ZONE_THIRD);
	assert_int_equal(prefix_merge(&l, 128), 0);
	assert_int_equal(l.n, 2);
	assert_prefix(&l, 0, "::/0", "US");
	assert_prefix(&l, 1, "2001:db8::/46", "FR");
	prefix_list_free(&l);
}

static void test_merge_lets_rebuilt_parent_replace_the_old_one(void **state)
{
	struct prefix_list l = { 0 };

	(void)state;
	/* Both halves say FR: the /24 that said US is shadowed everywhere. */
	push(&l, "198.51.100.0/24", "US", ZONE_THIRD);
	push(&l, "198.51.100.0/25", "FR", ZONE_FR);
	push(&l, "198.51.100.128/25", "FR", ZONE_FR);
	assert_int_equal(prefix_merge(&l, 32), 0);
	assert_int_equal(l.n, 1);
	assert_prefix(&l, 0, "198.51.100.0/24", "FR");
	prefix_list_free(&l);
}

static void test_merge_drops_nested_prefix_that_says_the_same(void **state)
{
	struct prefix_list l = { 0 };

	(void)state;
	push(&l, "240.0.0.0/4", NULL, ZONE_LOCAL);
	push(&l, "255.255.255.255/32", NULL, ZONE_LOCAL);
	push(&l, "224.0.0.0/4", NULL, ZONE_LOCAL);
	/* A nested prefix that differs stays. */
	push(&l, "198.51.100.0/24", "US", ZONE_THIRD);
	push(&l, "198.51.100.64/26", "FR", ZONE_FR);
	assert_int_equal(prefix_merge(&l, 32), 0);
	assert_int_equal(l.n, 3);
	assert_prefix(&l, 0, "198.51.100.0/24", "US");
	assert_prefix(&l, 1, "198.51.100.64/26", "FR");
	assert_prefix(&l, 2, "224.0.0.0/3", "\0\0");
	prefix_list_free(&l);
}

static void test_merge_of_an_empty_list_is_a_no_op(void **state)
{
	struct prefix_list l = { 0 };

	(void)state;
	assert_int_equal(prefix_merge(&l, 32), 0);
	assert_int_equal(l.n, 0);
}

static void test_local_apply_drops_nested_and_keeps_containing_prefixes(void **state)
{
	struct prefix_list l = { 0 }, local = { 0 };

	(void)state;
	push(&local, "10.0.0.0/8", NULL, 0);
	push(&local, "100.64.0.0/10", NULL, 0);
	push(&l, "10.1.0.0/16", "US", ZONE_THIRD); /* inside: dropped */
	push(&l, "10.0.0.0/8", "US", ZONE_THIRD);  /* equal: dropped */
	push(&l, "100.0.0.0/8", "US", ZONE_THIRD); /* contains: stays */
	push(&l, "192.0.2.0/24", "FR", ZONE_FR);
	assert_int_equal(prefix_apply_local(&l, &local, 32), 0);
	assert_int_equal(prefix_merge(&l, 32), 0);
	assert_int_equal(l.n, 4);
	assert_prefix(&l, 0, "10.0.0.0/8", "\0\0");
	assert_int_equal(l.v[0].zone, ZONE_LOCAL);
	assert_prefix(&l, 1, "100.0.0.0/8", "US");
	assert_prefix(&l, 2, "100.64.0.0/10", "\0\0");
	assert_int_equal(l.v[2].zone, ZONE_LOCAL);
	assert_prefix(&l, 3, "192.0.2.0/24", "FR");
	prefix_list_free(&l);
	prefix_list_free(&local);
}

/* Longest match of host h (10.0.h.h/32 space, h < 65536) in l, or -1. */
static int lpm_value(const struct prefix_list *l, uint32_t h)
{
	uint8_t a[16] = { 10, 0, (uint8_t)(h >> 8), (uint8_t)h };
	const struct net_prefix *best = NULL;

	for (size_t i = 0; i < l->n; i++)
		if (prefix_holds(&l->v[i], a) && (!best || l->v[i].len > best->len))
			best = &l->v[i];
	return best ? best->zone << 16 | (uint8_t)best->cc[0] << 8 | (uint8_t)best->cc[1] : -1;
}

static void test_merge_preserves_every_answer(void **state)
{
	static const char *const ccs[] = { "FR", "DE", "US" };
	uint32_t seed = 42;

	(void)state;
	for (int round = 0; round < 20; round++) {
		struct prefix_list l = { 0 }, orig = { 0 };

		/* Nested and overlapping prefixes in 10.0.0.0/16, three values. */
		for (int i = 0; i < 120; i++) {
			struct net_prefix p = { .addr = { 10, 0 } };
			uint32_t host;
			int k;

			seed = seed * 1103515245 + 12345;
			p.len = (uint8_t)(16 + (seed >> 8) % 9);
			host = (seed >> 12) & 0xffff & ~(0xffffu >> (p.len - 16));
			p.addr[2] = (uint8_t)(host >> 8);
			p.addr[3] = (uint8_t)host;
			k = (int)((seed >> 28) % 3);
			memcpy(p.cc, ccs[k], 2);
			p.zone = (uint8_t)(ZONE_FR + k);
			/* Keep one value per prefix: duplicates have no order. */
			for (size_t j = 0; j < l.n; j++)
				if (l.v[j].len == p.len && !memcmp(l.v[j].addr, p.addr, 4))
					p.len = 0;
			if (!p.len)
				continue;
			assert_int_equal(prefix_list_push(&l, &p), 0);
			assert_int_equal(prefix_list_push(&orig, &p), 0);
		}
		assert_int_equal(prefix_merge(&l, 32), 0);
		assert_true(l.n <= orig.n);
		for (uint32_t h = 0; h < 65536; h += 3)
			assert_int_equal(lpm_value(&l, h), lpm_value(&orig, h));
		prefix_list_free(&l);
		prefix_list_free(&orig);
	}
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

/* MaxMind DB encoding, just enough to write a hostile file by hand. */
static size_t put_str(uint8_t *p, const char *s)
{
	size_t n = strlen(s);

	p[0] = (uint8_t)(0x40 | n); /* utf8_string, n < 29 */
	memcpy(p + 1, s, n);
	return n + 1;
}

static size_t put_u16(uint8_t *p, const char *key, uint8_t v)
{
	size_t n = put_str(p, key);

	p[n] = v ? 0xa1 : 0xa0; /* uint16 of 1 or 0 bytes */
	p[n + 1] = v;
	return n + (v ? 2 : 1);
}

/* An IPv4 database of one node whose two records lead to one data record
 * {"": {"": ... levels deep ... {}}, "country_code": "FR"}. */
static int write_deep_db(const char *path, size_t levels)
{
	size_t cap = 64 + 2 * levels + 512, n = 0;
	uint8_t *b = calloc(1, cap);
	FILE *f;
	int ret = -1;

	if (!b)
		return -1;
	/* Search tree: node_count 1, record_size 24; data at 1 + 16 + 0. */
	b[2] = 17;
	b[5] = 17;
	n = 6 + 16;
	b[n++] = 0xe2; /* map of 2 */
	n += put_str(b + n, "");
	for (size_t i = 0; i < levels; i++) {
		b[n++] = 0xe1; /* map of 1 ... */
		b[n++] = 0x40; /* ... whose key is "" */
	}
	b[n++] = 0xe0; /* the innermost, empty map */
	n += put_str(b + n, "country_code");
	n += put_str(b + n, "FR");
	memcpy(b + n, "\xab\xcd\xefMaxMind.com", 14);
	n += 14;
	b[n++] = 0xe9; /* metadata: map of 9 */
	n += put_str(b + n, "languages");
	b[n++] = 0x00; /* empty array (extended type 11) */
	b[n++] = 0x04;
	n += put_str(b + n, "description");
	b[n++] = 0xe0;
	n += put_u16(b + n, "binary_format_major_version", 2);
	n += put_u16(b + n, "binary_format_minor_version", 0);
	n += put_str(b + n, "build_epoch");
	b[n++] = 0x04; /* uint64 of 4 bytes (extended type 9) */
	b[n++] = 0x02;
	memcpy(b + n, "\x65\x53\xf1\x00", 4);
	n += 4;
	n += put_str(b + n, "node_count");
	b[n++] = 0xc1; /* uint32 of 1 byte */
	b[n++] = 1;
	n += put_u16(b + n, "record_size", 24);
	n += put_u16(b + n, "ip_version", 4);
	n += put_str(b + n, "database_type");
	n += put_str(b + n, "deep");
	f = fopen(path, "wb");
	if (f) {
		ret = fwrite(b, 1, n, f) == n ? 0 : -1;
		if (fclose(f))
			ret = -1;
	}
	free(b);
	return ret;
}

/* libmaxminddb 1.7 skips the "" key's value by recursion, a call per
 * level: a million levels (2 MB) overflowed an 8 MiB stack (SIGSEGV)
 * before the walk got a stack sized from the data section. */
static void test_record_nested_a_million_levels_deep_is_read_without_crashing(void **state)
{
	struct fixture *f = *state;
	char path[512];
	const struct net_prefix *p;

	snprintf(path, sizeof(path), "%s/deep.mmdb", f->tmp);
	assert_int_equal(write_deep_db(path, 1000000), 0);
	assert_int_equal(compile(f, path), 0);
	p = lpm(f, "192.0.2.1");
	assert_non_null(p);
	assert_memory_equal(p->cc, "FR", 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_country_code_schema_gives_every_zone),
		T(test_record_nested_a_million_levels_deep_is_read_without_crashing),
		T(test_geolite2_schema_reads_iso_code_and_falls_back_to_registered_country),
		T(test_nested_network_wins_over_its_parent),
		T(test_french_overseas_network_is_fr),
		T(test_ipv6_aliases_do_not_duplicate_ipv4_subtree),
		T(test_database_with_and_without_aliases_read_the_same),
		T(test_ipv4_networks_come_out_as_ipv4_prefixes),
		T(test_ipv4_only_database_reads_as_ipv4),
		T(test_ipv6_network_covering_ipv4_space_answers_for_ipv4),
		T(test_local_ranges_win_over_the_database),
		T(test_metadata_is_reported),
		T(test_compile_stats_count_networks_read_and_prefixes_kept),
		T(test_country_codes_are_upper_cased_and_odd_ones_skipped),
		T(test_gzip_database_gives_the_same_networks),
		T(test_gzip_is_recognised_by_content_not_name),
		T(test_gzip_output_beyond_the_cap_is_refused),
		T(test_gzip_whose_metadata_claims_millions_of_nodes_is_refused_in_little_memory),
		T(test_database_claiming_more_nodes_than_networks_costs_memory_for_its_networks),
		T(test_truncated_gzip_is_an_error),
		T(test_gzip_of_garbage_is_not_a_maxmind_db),
		T(test_empty_file_is_an_error),
		T(test_missing_file_or_directory_is_an_error),
		T(test_every_truncation_is_an_error_without_crash),
		T(test_garbage_is_an_error),
		T(test_unknown_schema_is_an_error),
		T(test_database_without_networks_is_an_error),
		T(test_shared_nodes_are_refused_as_a_corrupt_tree),
		T(test_cyclic_tree_is_refused),
		T(test_record_outside_the_data_section_is_refused),
		T(test_search_tree_larger_than_the_file_is_refused),
		T(test_corrupted_bytes_never_crash),
		cmocka_unit_test(test_merge_folds_equal_siblings),
		cmocka_unit_test(test_merge_keeps_adjacent_non_siblings),
		cmocka_unit_test(test_merge_keeps_siblings_with_different_values),
		cmocka_unit_test(test_merge_cascades_up_the_tree),
		cmocka_unit_test(test_merge_folds_ipv6_siblings),
		cmocka_unit_test(test_merge_lets_rebuilt_parent_replace_the_old_one),
		cmocka_unit_test(test_merge_drops_nested_prefix_that_says_the_same),
		cmocka_unit_test(test_merge_of_an_empty_list_is_a_no_op),
		cmocka_unit_test(test_merge_preserves_every_answer),
		cmocka_unit_test(test_local_apply_drops_nested_and_keeps_containing_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
