/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Reads the IPFire location database through libloc: see locdb.h.
 *
 * What a network's location means for a jurisdiction, decided here:
 * - EU and AP are RIR regions (RIPE NCC's and APNIC's), not countries: "EU"
 *   is not the European Union (it covers Russia and the Middle East). Such a
 *   network, and one with no code, is unknown: the unknown policy decides.
 * - Anycast (A3): the same address answers from many sites, the nearest
 *   one wins; the country is where the prefix is registered, not where the
 *   bytes go. Unknown.
 * - Satellite provider (A2): the terminals are anywhere under the
 *   footprint; unknown too.
 * - Anonymous proxy (A1) and drop (XD, Spamhaus DROP and friends): the
 *   bytes still go to a server in the country given; the flag says what the
 *   network is used for, not where it is. The country stays.
 * The operator overlay (AS number) applies to all of them alike. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <libloc/libloc.h>
#include <libloc/as.h>
#include <libloc/database.h>
#include <libloc/network.h>
#include "base/errmsg.h"
#include "policy/locdb.h"
#include "policy/operators.h"

#define MAGIC "LOCDBXX"
#define MAGIC_LEN 7
/* The file is mapped and its header trusted by libloc 0.9.16: check that
 * every section it names lies inside the file before handing it over. */
#define HEADER_OFF 8	  /* after the magic and the version byte */
#define HEADER_SECTIONS 5 /* as, network data, tree, countries, pool */
#define NEST_MAX 129

static __thread char last_log[256];

/* libloc logs to standard error by default: keep its last complaint for
 * the one-line error instead. */
static void keep_log(struct loc_ctx *ctx, int priority, const char *file, int line, const char *fn,
		     const char *format, va_list args)
{
	(void)ctx;
	(void)file;
	(void)line;
	(void)fn;
	if (priority > LOG_ERR)
		return;
	vsnprintf(last_log, sizeof(last_log), format, args);
	last_log[strcspn(last_log, "\n")] = 0;
}

bool locdb_is_libloc(const char *path)
{
	char magic[MAGIC_LEN];
	FILE *f = fopen(path, "rbe");
	bool yes;

	if (!f)
		return false;
	yes = fread(magic, 1, sizeof(magic), f) == sizeof(magic) &&
	      !memcmp(magic, MAGIC, MAGIC_LEN);
	fclose(f);
	return yes;
}

const char *locdb_sig_name(int sig)
{
	switch (sig) {
	case LOCDB_SIG_GOOD:
		return "good";
	case LOCDB_SIG_BAD:
		return "BAD";
	case LOCDB_SIG_NO_KEY:
		return "not checked (no key)";
	default:
		return "not checked";
	}
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Version 1 header (libloc/format.h): created_at (8 bytes), vendor,
 * description, license (4 each), then (offset, length) of each section,
 * big-endian. */
static int check_sections(FILE *f, char *err, size_t errlen)
{
	uint8_t h[HEADER_OFF + 8 + 12 + HEADER_SECTIONS * 8];
	struct stat st;

	if (fstat(fileno(f), &st))
		return errorf(err, errlen, -errno, "%s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return errorf(err, errlen, -EINVAL, "not a regular file");
	if (fread(h, 1, sizeof(h), f) != sizeof(h))
		return errorf(err, errlen, -EINVAL, "truncated libloc header");
	rewind(f);
	if (memcmp(h, MAGIC, MAGIC_LEN))
		return errorf(err, errlen, -EINVAL, "not a libloc database");
	if (h[MAGIC_LEN] != 1)
		return errorf(err, errlen, -EINVAL, "libloc database version %u (juris reads 1)",
			      h[MAGIC_LEN]);
	for (int i = 0; i < HEADER_SECTIONS; i++) {
		const uint8_t *p = h + HEADER_OFF + 8 + 12 + i * 8;
		uint64_t off = be32(p), len = be32(p + 4);

		if (off + len > (uint64_t)st.st_size)
			return errorf(err, errlen, -EINVAL,
				      "truncated: a section runs past the end "
				      "of the file (%llu bytes)",
				      (unsigned long long)st.st_size);
	}
	return 0;
}

struct handle {
	struct loc_ctx *ctx;
	struct loc_database *db;
	FILE *f;
};

static void handle_close(struct handle *h)
{
	if (h->db)
		loc_database_unref(h->db);
	if (h->ctx)
		loc_unref(h->ctx);
	if (h->f)
		fclose(h->f);
	memset(h, 0, sizeof(*h));
}

static int handle_open(struct handle *h, const char *path, char *err, size_t errlen)
{
	int ret;

	memset(h, 0, sizeof(*h));
	h->f = fopen(path, "rbe");
	if (!h->f)
		return errorf(err, errlen, -errno, "%s", strerror(errno));
	ret = check_sections(h->f, err, errlen);
	if (ret)
		goto fail;
	if (loc_new(&h->ctx)) {
		ret = errorf(err, errlen, -ENOMEM, "cannot start libloc");
		goto fail;
	}
	loc_set_log_fn(h->ctx, keep_log);
	last_log[0] = 0;
	if (loc_database_new(h->ctx, &h->db, h->f)) {
		h->db = NULL;
		ret = errorf(err, errlen, -EINVAL, "libloc cannot open it%s%s",
			     last_log[0] ? ": " : "", last_log);
		goto fail;
	}
	return 0;
fail:
	handle_close(h);
	return ret;
}

/* One network as libloc gives it: IPv4 inside ::ffff:0:0/96. */
struct net {
	uint8_t addr[16];
	uint8_t len;
	bool v4;
};

static void net_of(struct loc_network *n, struct net *out)
{
	const struct in6_addr *a = loc_network_get_first_address(n);

	memset(out, 0, sizeof(*out));
	out->v4 = loc_network_address_family(n) == AF_INET;
	out->len = (uint8_t)loc_network_prefix(n);
	if (out->v4)
		memcpy(out->addr, a->s6_addr + 12, 4);
	else
		memcpy(out->addr, a->s6_addr, 16);
}

typedef int (*net_fn)(void *ctx, struct loc_network *n, const struct net *net);

static int enumerate(struct handle *h, net_fn fn, void *ctx, char *err, size_t errlen)
{
	struct loc_database_enumerator *e = NULL;
	int ret;

	if (loc_database_enumerator_new(&e, h->db, LOC_DB_ENUMERATE_NETWORKS, 0))
		return errorf(err, errlen, -ENOMEM, "cannot enumerate the networks");
	for (;;) {
		struct loc_network *n = NULL;
		struct net net;

		last_log[0] = 0;
		if (loc_database_enumerator_next_network(e, &n)) {
			ret = errorf(err, errlen, -EINVAL, "corrupt network tree%s%s",
				     last_log[0] ? ": " : "", last_log);
			break;
		}
		if (!n) {
			ret = 0;
			break;
		}
		net_of(n, &net);
		ret = fn(ctx, n, &net);
		loc_network_unref(n);
		if (ret)
			break;
	}
	loc_database_enumerator_unref(e);
	return ret;
}

static bool letter(char c)
{
	return c >= 'A' && c <= 'Z';
}

struct country_ctx {
	struct prefix_list *v4, *v6;
	struct geodb_info *info;
};

static int add_country(void *ctx, struct loc_network *n, const struct net *net)
{
	struct country_ctx *c = ctx;
	const char *cc = loc_network_get_country_code(n);
	struct net_prefix p = { .len = net->len };

	memcpy(p.addr, net->addr, sizeof(p.addr));
	if (loc_network_has_flag(n, LOC_NETWORK_FLAG_ANYCAST))
		c->info->anycast++;
	else if (loc_network_has_flag(n, LOC_NETWORK_FLAG_SATELLITE_PROVIDER))
		c->info->satellite++;
	else if (!cc || !letter(cc[0]) || !letter(cc[1]) || cc[2] || !strcmp(cc, "EU") ||
		 !strcmp(cc, "AP"))
		c->info->no_location++;
	else
		memcpy(p.cc, cc, 2);
	if (net->v4)
		c->info->networks_v4++;
	else
		c->info->networks_v6++;
	return prefix_list_push(net->v4 ? c->v4 : c->v6, &p);
}

static void fill_info(struct handle *h, const char *path, struct geodb_info *info)
{
	const char *vendor = loc_database_get_vendor(h->db);
	const char *license = loc_database_get_license(h->db);
	struct stat st;

	snprintf(info->path, sizeof(info->path), "%s", path);
	snprintf(info->type, sizeof(info->type), "libloc location database v1");
	snprintf(info->vendor, sizeof(info->vendor), "%s", vendor ? vendor : "");
	snprintf(info->license, sizeof(info->license), "%s", license ? license : "");
	info->build_epoch = (uint64_t)loc_database_created_at(h->db);
	info->libloc = true;
	info->schema = "libloc";
	info->ip_version = 6;
	if (!fstat(fileno(h->f), &st))
		info->file_size = info->mmdb_size = (uint64_t)st.st_size;
}

int locdb_read_country(const char *path, struct prefix_list *v4, struct prefix_list *v6,
		       struct geodb_info *info, char *err, size_t errlen)
{
	struct country_ctx c = { .v4 = v4, .v6 = v6, .info = info };
	struct handle h;
	int ret;

	memset(info, 0, sizeof(*info));
	ret = handle_open(&h, path, err, errlen);
	if (ret)
		return ret;
	fill_info(&h, path, info);
	ret = enumerate(&h, add_country, &c, err, errlen);
	if (!ret && !info->networks_v4 && !info->networks_v6)
		ret = errorf(err, errlen, -EINVAL, "the database holds no networks");
	handle_close(&h);
	if (ret) {
		prefix_list_free(v4);
		prefix_list_free(v6);
	}
	return ret;
}

/* The overlay walk: networks come parent first, in address order, so the
 * chain of networks around the current one is a stack. */
struct nest {
	struct net net;
	uint32_t asn;
	bool emitted;
	bool listed;
};

struct asn_ctx {
	const struct operator_table *ops;
	struct asn_list *v4, *v6;
	struct asndb_info *info;
	struct nest stack[2][NEST_MAX]; /* per family */
	int depth[2];
};

static bool contains(const struct net *outer, const struct net *inner)
{
	int whole = outer->len / 8, rest = outer->len % 8;

	if (outer->v4 != inner->v4 || outer->len > inner->len)
		return false;
	if (memcmp(outer->addr, inner->addr, (size_t)whole))
		return false;
	return !rest || !((outer->addr[whole] ^ inner->addr[whole]) & (0xff00 >> rest) & 0xff);
}

static int add_asn(void *ctx, struct loc_network *n, const struct net *net)
{
	struct asn_ctx *c = ctx;
	int fam = net->v4 ? 0 : 1;
	struct nest *stack = c->stack[fam], *around = NULL, cur = { .net = *net };
	const struct operator* op;
	int *depth = &c->depth[fam];

	cur.asn = loc_network_get_asn(n);
	if (cur.asn)
		c->info->rows++;
	if (net->v4)
		c->info->prefixes_v4++;
	else
		c->info->prefixes_v6++;
	while (*depth && !contains(&stack[*depth - 1].net, net))
		(*depth)--;
	for (int i = *depth - 1; i >= 0 && !around; i--)
		if (stack[i].emitted)
			around = &stack[i];
	/* Without a table (asndb_read), every network with an AS is kept. */
	op = cur.asn && c->ops ? operator_find(c->ops, cur.asn) : NULL;
	cur.listed = c->ops ? op != NULL : cur.asn != 0;
	/* A hole: another AS inside a kept network says so, or the longest
	 * match would lend it the operator around it. */
	cur.emitted = cur.listed || (around && (around->listed || around->asn != cur.asn));
	if (cur.emitted) {
		struct asn_prefix p = { .len = net->len, .asn = cur.asn };
		int ret;

		memcpy(p.addr, net->addr, sizeof(p.addr));
		if (op)
			memcpy(p.cc, op->cc, 2);
		ret = asn_list_push(net->v4 ? c->v4 : c->v6, &p);
		if (ret)
			return ret;
	}
	if (*depth >= NEST_MAX)
		return -EINVAL;
	stack[(*depth)++] = cur;
	return 0;
}

int locdb_read_asn(const char *path, const struct operator_table *ops, struct asn_list *v4,
		   struct asn_list *v6, struct asndb_info *info, char *err, size_t errlen)
{
	struct asn_ctx *c = calloc(1, sizeof(*c));
	struct timespec t0, t1;
	struct handle h;
	int ret;

	memset(info, 0, sizeof(*info));
	snprintf(info->path, sizeof(info->path), "%s", path);
	if (!c)
		return errorf(err, errlen, -ENOMEM, "out of memory");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	c->ops = ops;
	c->v4 = v4;
	c->v6 = v6;
	c->info = info;
	ret = handle_open(&h, path, err, errlen);
	if (!ret) {
		info->libloc = true;
		info->build_epoch = (uint64_t)loc_database_created_at(h.db);
		ret = enumerate(&h, add_asn, c, err, errlen);
		handle_close(&h);
	}
	free(c);
	if (!ret) {
		asn_list_sort_merge(v4);
		asn_list_sort_merge(v6);
	} else {
		asn_list_free(v4);
		asn_list_free(v6);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	info->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	return ret;
}

int locdb_built(const char *path, uint64_t *epoch)
{
	struct handle h;
	char err[256];
	int ret = handle_open(&h, path, err, sizeof(err));

	if (ret)
		return ret;
	*epoch = (uint64_t)loc_database_created_at(h.db);
	handle_close(&h);
	return 0;
}

int locdb_verify(const char *path, const char *key, enum locdb_sig *sig, char *err, size_t errlen)
{
	struct handle h;
	FILE *k;
	int ret;

	*sig = LOCDB_SIG_NO_KEY;
	/* "none": the operator vouches for an unsigned file. */
	if (key && !strcmp(key, "none"))
		return 0;
	if (!key) {
		if (access(LOCDB_SYSTEM_KEY, R_OK))
			return 0;
		key = LOCDB_SYSTEM_KEY;
	}
	k = fopen(key, "re");
	if (!k)
		return errorf(err, errlen, -errno, "signing key %s: %s", key, strerror(errno));
	ret = handle_open(&h, path, err, errlen);
	if (!ret) {
		/* 0: good; anything else: no signature matches the key. */
		*sig = loc_database_verify(h.db, k) == 0 ? LOCDB_SIG_GOOD : LOCDB_SIG_BAD;
		handle_close(&h);
	}
	fclose(k);
	return ret;
}
