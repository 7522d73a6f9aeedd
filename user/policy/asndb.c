/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Reads address → AS number sources: @ip-location-db/asn CSV ranges and MaxMind ASN databases. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <zlib.h>
#include "policy/asndb.h"
#include "base/errmsg.h"
#include "policy/geodb.h"
#include "policy/locdb.h"
#include "policy/mmdb_walk.h"

/* Longest CSV line accepted: the longest in the 2026-06 package is 231 bytes. */
#define CSV_LINE_MAX 1024
#define CSV_FIELDS 4

typedef unsigned __int128 u128;

/* What a reader does with each prefix: keep all, or only listed operators. */
struct sink {
	struct asn_list *v4, *v6;
	const struct operator_table *ops; /* NULL: keep every prefix */
	struct asndb_info *info;
};

/* One CSV row, addresses as in struct asn_prefix. */
struct csv_row {
	uint8_t first[16], last[16];
	int bits;
	uint32_t asn;
	unsigned line;
	const char *org;
};

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Addresses as 128-bit integers make the range arithmetic plain. */
static u128 load(const uint8_t *a, int bits)
{
	u128 v = 0;

	for (int i = 0; i < bits / 8; i++)
		v = v << 8 | a[i];
	return v;
}

static void store(uint8_t *a, u128 v, int bits)
{
	for (int i = bits / 8 - 1; i >= 0; i--, v >>= 8)
		a[i] = (uint8_t)v;
}

static int trailing_zeros(u128 v, int bits)
{
	if (!v)
		return bits;
	if ((uint64_t)v)
		return __builtin_ctzll((uint64_t)v);
	return 64 + __builtin_ctzll((uint64_t)(v >> 64));
}

/* Each step takes the largest block that starts at first (its alignment)
 * and does not run past last. */
int asn_range_to_cidrs(struct asn_list *l, const uint8_t *first, const uint8_t *last, int bits,
		       uint32_t asn)
{
	u128 start = load(first, bits), end = load(last, bits);

	for (;;) {
		struct asn_prefix p = { .asn = asn };
		int host = trailing_zeros(start, bits);
		u128 mask;
		int ret;

		for (;;) {
			mask = host == 128 ? ~(u128)0 : ((u128)1 << host) - 1;
			/* start is aligned on mask: start | mask is its block's end. */
			if ((start | mask) <= end)
				break;
			host--;
		}
		store(p.addr, start, bits);
		p.len = (uint8_t)(bits - host);
		ret = asn_list_push(l, &p);
		if (ret)
			return ret;
		if ((start | mask) == end)
			return 0;
		start = (start | mask) + 1;
	}
}

static int sink_prefix(struct sink *s, struct asn_prefix *p, bool v4)
{
	const struct operator* op = NULL;

	if (v4)
		s->info->prefixes_v4++;
	else
		s->info->prefixes_v6++;
	if (s->ops) {
		op = operator_find(s->ops, p->asn);
		if (!op)
			return 0;
		memcpy(p->cc, op->cc, 2);
	}
	return asn_list_push(v4 ? s->v4 : s->v6, p);
}

/* A range through a scratch list, so that the filter sees every block. */
static int sink_range(struct sink *s, const struct csv_row *r, struct asn_list *scratch)
{
	int ret;

	scratch->n = 0;
	ret = asn_range_to_cidrs(scratch, r->first, r->last, r->bits, r->asn);
	for (size_t i = 0; !ret && i < scratch->n; i++)
		ret = sink_prefix(s, &scratch->v[i], r->bits == 32);
	return ret;
}

/* Splits a line into fields in place, RFC 4180 quoting ("a, ""b""" is
 * a, "b"). Returns the number of fields, or -1 with *why set. Hand-rolled
 * rather than libcsv: a row is one line of four fields (the format has no
 * quoted line breaks), and the quoting rules take fewer lines than the glue
 * a callback library would need, with line numbers in every error. */
static int split_csv(char *s, char **fields, int max, const char **why)
{
	int n = 0;

	for (;;) {
		char *w = s;

		if (n == max) {
			*why = "more than 4 fields";
			return -1;
		}
		fields[n++] = s;
		if (*s == '"') {
			for (s++;; s++) {
				if (!*s) {
					*why = "unterminated quoted field";
					return -1;
				}
				if (*s == '"' && s[1] == '"')
					s++;
				else if (*s == '"')
					break;
				*w++ = *s;
			}
			s++;
			if (*s && *s != ',') {
				*why = "text after a closing quote";
				return -1;
			}
		} else {
			s += strcspn(s, ",\"");
			if (*s == '"') {
				*why = "quote inside an unquoted field";
				return -1;
			}
			w = s;
		}
		if (!*s) {
			*w = 0;
			return n;
		}
		*w = 0;
		s++;
	}
}

static bool v4_mapped(const uint8_t *a)
{
	static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a, prefix, sizeof(prefix));
}

/* An address of either family; IPv4-mapped IPv6 is IPv4 (as in the kernel
 * maps). Returns 32, 128 or 0. */
static int parse_addr(const char *s, uint8_t *a)
{
	memset(a, 0, 16);
	if (!strchr(s, ':'))
		return inet_pton(AF_INET, s, a) == 1 ? 32 : 0;
	if (inet_pton(AF_INET6, s, a) != 1)
		return 0;
	if (v4_mapped(a)) {
		memmove(a, a + 12, 4);
		memset(a + 4, 0, 12);
		return 32;
	}
	return 128;
}

static int parse_asn(const char *s, uint32_t *asn)
{
	unsigned long long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned)(*s - '0');
		if (v > UINT32_MAX)
			return -1;
	}
	*asn = (uint32_t)v;
	return 0;
}

/* Parses one row; on error returns -EINVAL with the reason in err. */
static int parse_row(char *line, unsigned lineno, struct csv_row *r, char *err, size_t errlen)
{
	char *f[CSV_FIELDS];
	const char *why = NULL;
	int n = split_csv(line, f, CSV_FIELDS, &why), b2;

	if (n < 0)
		return errorf(err, errlen, -EINVAL, "line %u: %s", lineno, why);
	if (n != CSV_FIELDS)
		return errorf(err, errlen, -EINVAL,
			      "line %u: expected 4 fields "
			      "(first,last,asn,organisation), got %d",
			      lineno, n);
	r->bits = parse_addr(f[0], r->first);
	if (!r->bits)
		return errorf(err, errlen, -EINVAL, "line %u: not an IP address: '%.64s'", lineno,
			      f[0]);
	b2 = parse_addr(f[1], r->last);
	if (!b2)
		return errorf(err, errlen, -EINVAL, "line %u: not an IP address: '%.64s'", lineno,
			      f[1]);
	if (b2 != r->bits)
		return errorf(err, errlen, -EINVAL, "line %u: range from IPv%d to IPv%d", lineno,
			      r->bits == 32 ? 4 : 6, b2 == 32 ? 4 : 6);
	if (load(r->first, r->bits) > load(r->last, r->bits))
		return errorf(err, errlen, -EINVAL, "line %u: range ends before it starts", lineno);
	if (parse_asn(f[2], &r->asn))
		return errorf(err, errlen, -EINVAL, "line %u: not an AS number: '%.64s'", lineno,
			      f[2]);
	r->org = f[3];
	r->line = lineno;
	return 0;
}

/* Called per row; returns 0 to go on, 1 to stop, or a negative errno. */
typedef int (*row_fn)(void *ctx, const struct csv_row *r, char *err, size_t errlen);

struct csv_reader {
	gzFile gz;
	unsigned line;
	uint64_t bytes;
	char buf[CSV_LINE_MAX + 2];
};

/* Next line without its end of line; 0 at the end, 1 for a line. */
static int next_line(struct csv_reader *c, char *err, size_t errlen)
{
	size_t len;
	int zerr;

	if (!gzgets(c->gz, c->buf, sizeof(c->buf))) {
		const char *msg = gzerror(c->gz, &zerr);

		if (zerr == Z_BUF_ERROR)
			return errorf(err, errlen, -EINVAL, "line %u: truncated gzip stream",
				      c->line);
		if (zerr != Z_OK)
			return errorf(err, errlen, -EIO, "line %u: %s", c->line, msg);
		return 0;
	}
	c->line++;
	len = strlen(c->buf);
	c->bytes += len;
	if (c->bytes > ASNDB_MAX_BYTES)
		return errorf(err, errlen, -EFBIG, "line %u: more than %llu MiB of text", c->line,
			      ASNDB_MAX_BYTES >> 20);
	if (len && c->buf[len - 1] == '\n')
		c->buf[--len] = 0;
	else if (gzerror(c->gz, &zerr), zerr == Z_BUF_ERROR)
		/* A cut stream hands back its last, partial line first. */
		return errorf(err, errlen, -EINVAL, "line %u: truncated gzip stream", c->line);
	else if (len == sizeof(c->buf) - 1)
		return errorf(err, errlen, -EINVAL, "line %u: line longer than %d bytes", c->line,
			      CSV_LINE_MAX);
	else if (!gzeof(c->gz))
		return errorf(err, errlen, -EINVAL, "line %u: NUL byte in the line", c->line);
	if (len && c->buf[len - 1] == '\r')
		c->buf[--len] = 0;
	return 1;
}

static int csv_each(const char *path, row_fn fn, void *ctx, bool *gzip, char *err, size_t errlen)
{
	struct csv_reader *c = calloc(1, sizeof(*c));
	struct csv_row r;
	int ret;

	if (!c)
		return errorf(err, errlen, -ENOMEM, "out of memory");
	errno = 0;
	c->gz = gzopen(path, "rb");
	if (!c->gz) {
		ret = errno ? -errno : -ENOMEM;
		free(c);
		return errorf(err, errlen, ret, "%s", strerror(-ret));
	}
	gzbuffer(c->gz, 1u << 17);
	while ((ret = next_line(c, err, errlen)) == 1) {
		if (!c->buf[0])
			continue;
		ret = parse_row(c->buf, c->line, &r, err, errlen);
		if (!ret)
			ret = fn(ctx, &r, err, errlen);
		if (ret)
			break;
	}
	if (ret >= 0 && !c->line)
		ret = errorf(err, errlen, -EINVAL, "empty file");
	*gzip = !gzdirect(c->gz);
	gzclose_r(c->gz);
	free(c);
	return ret < 0 ? ret : 0;
}

/* Reading: the rows of one family come in address order. A row that
 * overlaps an earlier one is clipped to the addresses not yet covered (the
 * earlier row wins, as the package has one such data error: 215.0.0.0/16 in
 * two DoD rows), and counted, so that the prefixes stay disjoint and the
 * merge exact. */
struct read_ctx {
	struct sink sink;
	struct asn_list scratch;
	u128 next[2];	      /* first address a row of each family may start at */
	bool any[2], full[2]; /* a row seen; the family's last address reached */
};

static int read_row(void *ctx, const struct csv_row *r, char *err, size_t errlen)
{
	struct read_ctx *c = ctx;
	int fam = r->bits == 128, ret;
	u128 first = load(r->first, r->bits), last = load(r->last, r->bits);
	struct csv_row clipped = *r;

	c->sink.info->rows++;
	if (c->any[fam] && (c->full[fam] || first < c->next[fam])) {
		c->sink.info->overlaps++;
		if (c->full[fam] || last < c->next[fam])
			return 0;
		store(clipped.first, c->next[fam], r->bits);
	}
	c->any[fam] = true;
	c->full[fam] = last == (r->bits == 128 ? ~(u128)0 : (u128)UINT32_MAX);
	c->next[fam] = last + 1;
	if (!r->asn) {
		c->sink.info->no_asn++;
		return 0;
	}
	ret = sink_range(&c->sink, &clipped, &c->scratch);
	return ret ? errorf(err, errlen, ret, "out of memory") : 0;
}

static int read_csv(const char *path, struct sink *s, char *err, size_t errlen)
{
	struct read_ctx c = { .sink = *s };
	char why[256];
	int ret;

	ret = csv_each(path, read_row, &c, &s->info->gzip, why, sizeof(why));
	asn_list_free(&c.scratch);
	if (ret)
		return errorf(err, errlen, ret, "%s", why);
	return 0;
}

static int decode_asn(void *ctx, MMDB_entry_s *entry, uint32_t *asn, char *err, size_t errlen)
{
	MMDB_entry_data_s d;
	int status = MMDB_get_value(entry, &d, "autonomous_system_number", NULL);

	(void)ctx;
	*asn = 0;
	if (status == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR ||
	    status == MMDB_INVALID_LOOKUP_PATH_ERROR)
		return 0;
	if (status != MMDB_SUCCESS)
		return errorf(err, errlen, -EINVAL, "data record at offset %u: %s", entry->offset,
			      MMDB_strerror(status));
	if (!d.has_data)
		return 0;
	if (d.type == MMDB_DATA_TYPE_UINT32)
		*asn = d.uint32;
	else if (d.type == MMDB_DATA_TYPE_UINT16)
		*asn = d.uint16;
	else if (d.type == MMDB_DATA_TYPE_UINT64 && d.uint64 <= UINT32_MAX)
		*asn = (uint32_t)d.uint64;
	return 0;
}

static int sink_mmdb(void *ctx, bool v4, const uint8_t *addr, uint8_t len, uint32_t asn, char *err,
		     size_t errlen)
{
	struct sink *s = ctx;
	struct asn_prefix p = { .len = len, .asn = asn };

	memcpy(p.addr, addr, v4 ? 4 : 16);
	s->info->rows++;
	return sink_prefix(s, &p, v4) ? errorf(err, errlen, -ENOMEM, "out of memory") : 0;
}

static int read_mmdb(const char *path, struct sink *s, char *err, size_t errlen)
{
	struct mmdb_visitor vis = { .decode = decode_asn, .sink = sink_mmdb, .ctx = s };
	struct geodb_info *gi = calloc(1, sizeof(*gi));
	int ret;

	if (!gi)
		return errorf(err, errlen, -ENOMEM, "out of memory");
	ret = mmdb_walk_path(path, GEODB_GZ_MAX_BYTES, &vis, gi, err, errlen);
	s->info->gzip = gi->gzip;
	s->info->build_epoch = gi->build_epoch;
	free(gi);
	if (!ret && !s->info->rows)
		ret = errorf(err, errlen, -EINVAL,
			     "unknown schema: no autonomous_system_number "
			     "in any record");
	return ret;
}

static bool is_mmdb_name(const char *path)
{
	size_t n = strlen(path);

	return (n >= 5 && !strcmp(path + n - 5, ".mmdb")) ||
	       (n >= 8 && !strcmp(path + n - 8, ".mmdb.gz"));
}

static int read_source(const char *path, struct sink *s, char *err, size_t errlen)
{
	double start = now_seconds();
	int ret;

	/* A libloc file is told by its content and holds the ASNs itself. */
	if (locdb_is_libloc(path))
		return locdb_read_asn(path, s->ops, s->v4, s->v6, s->info, err, errlen);
	memset(s->info, 0, sizeof(*s->info));
	snprintf(s->info->path, sizeof(s->info->path), "%s", path);
	s->info->mmdb = is_mmdb_name(path);
	ret = s->info->mmdb ? read_mmdb(path, s, err, errlen) : read_csv(path, s, err, errlen);
	if (ret) {
		asn_list_free(s->v4);
		asn_list_free(s->v6);
	}
	s->info->seconds = now_seconds() - start;
	return ret;
}

int asndb_read(const char *path, struct asn_list *v4, struct asn_list *v6, struct asndb_info *info,
	       char *err, size_t errlen)
{
	struct sink s = { .v4 = v4, .v6 = v6, .info = info };

	return read_source(path, &s, err, errlen);
}

int asn_overlay_compile(const struct asn_list *in, const struct operator_table *ops,
			struct asn_list *out)
{
	asn_list_free(out);
	for (size_t i = 0; i < in->n; i++) {
		const struct operator* op = operator_find(ops, in->v[i].asn);
		struct asn_prefix p = in->v[i];

		if (!op)
			continue;
		memcpy(p.cc, op->cc, 2);
		if (asn_list_push(out, &p)) {
			asn_list_free(out);
			return -ENOMEM;
		}
	}
	asn_list_sort_merge(out);
	return 0;
}

int asndb_compile(const char *path, const struct operator_table *ops, struct asn_list *v4,
		  struct asn_list *v6, struct asndb_info *info, char *err, size_t errlen)
{
	struct sink s = { .v4 = v4, .v6 = v6, .ops = ops, .info = info };
	double start = now_seconds();
	int ret = read_source(path, &s, err, errlen);

	if (ret)
		return ret;
	asn_list_sort_merge(v4);
	asn_list_sort_merge(v6);
	info->seconds = now_seconds() - start;
	return 0;
}

struct find_ctx {
	const uint8_t *addr;
	int bits;
	uint32_t *asn;
	char *org;
	size_t orglen;
};

static int find_row(void *ctx, const struct csv_row *r, char *err, size_t errlen)
{
	struct find_ctx *f = ctx;
	u128 a = load(f->addr, f->bits);

	(void)err;
	(void)errlen;
	if (r->bits != f->bits || a < load(r->first, r->bits) || a > load(r->last, r->bits))
		return 0;
	*f->asn = r->asn;
	snprintf(f->org, f->orglen, "%s", r->org);
	return 1;
}

static int find_mmdb(const char *path, const uint8_t *addr, int bits, uint32_t *asn, char *org,
		     size_t orglen, char *err, size_t errlen)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	MMDB_lookup_result_s res;
	MMDB_entry_data_s d;
	MMDB_s mmdb;
	int status, mmerr;

	status = MMDB_open(path, MMDB_MODE_MMAP, &mmdb);
	if (status != MMDB_SUCCESS)
		return errorf(err, errlen, -EINVAL, "%s%s", MMDB_strerror(status),
			      strstr(path, ".gz") ? " (lookup needs an uncompressed .mmdb)" : "");
	memcpy(&sin.sin_addr, addr, 4);
	memcpy(&sin6.sin6_addr, addr, 16);
	res = MMDB_lookup_sockaddr(
		&mmdb, bits == 32 ? (struct sockaddr *)&sin : (struct sockaddr *)&sin6, &mmerr);
	if (mmerr == MMDB_SUCCESS && res.found_entry &&
	    MMDB_get_value(&res.entry, &d, "autonomous_system_number", NULL) == MMDB_SUCCESS &&
	    d.has_data && d.type == MMDB_DATA_TYPE_UINT32) {
		*asn = d.uint32;
		if (MMDB_get_value(&res.entry, &d, "autonomous_system_organization", NULL) ==
			    MMDB_SUCCESS &&
		    d.has_data && d.type == MMDB_DATA_TYPE_UTF8_STRING)
			snprintf(org, orglen, "%.*s", (int)d.data_size, d.utf8_string);
	}
	MMDB_close(&mmdb);
	if (mmerr != MMDB_SUCCESS)
		return errorf(err, errlen, -EINVAL, "%s", MMDB_strerror(mmerr));
	return 0;
}

int asndb_find(const char *path, const uint8_t *addr, int bits, uint32_t *asn, char *org,
	       size_t orglen, char *err, size_t errlen)
{
	struct find_ctx f = { .addr = addr, .bits = bits, .asn = asn, .org = org, .orglen = orglen };
	bool gzip;

	*asn = 0;
	if (orglen)
		org[0] = 0;
	if (is_mmdb_name(path))
		return find_mmdb(path, addr, bits, asn, org, orglen, err, errlen);
	return csv_each(path, find_row, &f, &gzip, err, errlen);
}
