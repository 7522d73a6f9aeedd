/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris report: aggregation of the totals and the flow table into rows;
 * the printers (report_table.c, report_json.c, report_csv.c) only format. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <bpf/bpf.h>
#include "policy/names.h"
#include "base/addr.h"
#include "policy/reason.h"
#include "report/report.h"
#include "kernel/maps.h"
#include "kernel/meta.h"
#include "kernel/stats.h"

/* Designated fields only: the table-only attributes default to off. */
#define TEXT(n, ...)                                     \
	{                                                \
		.name = n, .kind = COL_TEXT, __VA_ARGS__ \
	}
#define NUM(n, ...)                                     \
	{                                               \
		.name = n, .kind = COL_NUM, __VA_ARGS__ \
	}
#define BYTES                                      \
	{                                          \
		.name = "bytes", .kind = COL_BYTES \
	}
#define BOOL(n, ...)                                     \
	{                                                \
		.name = n, .kind = COL_BOOL, __VA_ARGS__ \
	}

static const struct report_col zone_cols[] = {
	TEXT("zone"), TEXT("verdict"), NUM("flows"), NUM("packets"), BYTES,
};

static const struct report_col country_cols[] = {
	TEXT("country", .head = "CC"),
	TEXT("zone"),
	TEXT("verdict"),
	NUM("flows"),
	NUM("packets"),
	BYTES,
};

/* The source is this host (or a gateway's client) and the pid is in the
 * JSON: the first columns a narrow terminal can do without, after the
 * times, the operator and the uid; the reason goes last (the verdict and
 * zone say most of it). The domain (the name looked up, from
 * the pinned dns_names) is not elastic: it says where the bytes went, the
* command shortens before it. destination_ipv4 is the IPv4 address an
 * IPv6 destination carries (NAT64, 6to4, Teredo: what juris judged it by),
 * empty for the others. A row is one connection (one socket) under
 * one verdict: a flow whose verdict changed has a row for each. */
enum {
	FC_PROTO,
	FC_SOURCE,
	FC_DEST,
	FC_DEST4,
	FC_DOMAIN,
	FC_PORT,
	FC_CC,
	FC_ZONE,
	FC_VERDICT,
	FC_REASON,
	FC_PID,
	FC_UID,
	FC_COMMAND,
	FC_ASN,
	FC_OPERATOR,
	FC_FIRST,
	FC_LAST,
	FC_PACKETS,
	FC_BYTES,
};

static const struct report_col flow_cols[] = {
	[FC_PROTO] = TEXT("proto"),
	[FC_SOURCE] = TEXT("source", .hide = 3, .elastic = true),
	[FC_DEST] = TEXT("destination"),
	[FC_DEST4] = TEXT("destination_ipv4", .head = "IPV4", .hide = 3),
	[FC_DOMAIN] = TEXT("domain"),
	[FC_PORT] = NUM("port"),
	[FC_CC] = TEXT("country", .head = "CC"),
	[FC_ZONE] = TEXT("zone"),
	[FC_VERDICT] = TEXT("verdict"),
	[FC_REASON] = TEXT("reason", .hide = 1),
	[FC_PID] = NUM("pid", .hide = 2),
	[FC_UID] = NUM("uid", .hide = 4),
	[FC_COMMAND] = TEXT("command", .elastic = true),
	[FC_ASN] = NUM("asn", .hide = 5),
	[FC_OPERATOR] = TEXT("operator", .hide = 5, .elastic = true),
	[FC_FIRST] = TEXT("first_seen", .hide = 6),
	[FC_LAST] = TEXT("last_seen", .hide = 6),
	[FC_PACKETS] = NUM("packets"),
	[FC_BYTES] = BYTES,
};

static const struct report_col process_cols[] = {
	NUM("pid"),	NUM("uid"), TEXT("command", .elastic = true), TEXT("verdict"), NUM("flows"),
	NUM("packets"), BYTES,
};

/* The operator overlay: who runs the destinations, and from where. No
 * destination country: the exact counters are by operator x verdict (by
 * operator x country, they would take ~700 times the memory). */
static const struct report_col operator_cols[] = {
	TEXT("operator", .elastic = true),
	NUM("asn"),
	TEXT("operator_country", .head = "HOME"),
	BOOL("foreign"),
	TEXT("verdict"),
	NUM("flows"),
	NUM("packets"),
	BYTES,
};

static const struct report_col cgroup_cols[] = {
	TEXT("cgroup", .elastic = true),
	NUM("cgroup_id", .hide = 1),
	TEXT("verdict"),
	NUM("flows"),
	NUM("packets"),
	BYTES,
};

/* What flows of one row have in common under each view; zeroed whole so
 * that memcmp compares it. */
struct group_key {
	uint64_t cgroup_id;
	uint32_t pid;
	uint32_t uid;
	uint32_t asn;
	char comm[16];
	char cc[2];
	char op_cc[2];
	uint8_t zone;
	uint8_t verdict;
	uint8_t foreign;
};

struct grouped {
	struct group_key g;
	const struct flow_entry *f;
};

/* Sums of the flows of one row. */
struct sums {
	uint64_t flows, packets, bytes;
};

int report_set_text(struct report_row *row, int col, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&row->text[col], fmt, ap);
	va_end(ap);
	if (n < 0) {
		row->text[col] = NULL;
		return -ENOMEM;
	}
	return 0;
}

static int set_cc(struct report_row *row, int col, const char *cc)
{
	return report_set_text(row, col, "%.2s", cc);
}

static int set_comm(struct report_row *row, int col, const char *comm)
{
	return report_set_text(row, col, "%.16s", comm);
}

static int fill_zone(struct report_row *row, int zone, int verdict, const struct juris_totals *t)
{
	row->verdict = verdict;
	row->num[2] = t->flows;
	row->num[3] = t->packets;
	row->num[4] = t->bytes;
	if (report_set_text(row, 0, "%s", zone_name(zone)) ||
	    report_set_text(row, 1, "%s", verdict_name(verdict)))
		return -ENOMEM;
	return 0;
}

/* A kernel time as UTC ISO 8601 ("" when unknown): to_real_ns turns the
 * kernel clock it was read from into the real-time clock. */
static int set_time(struct report_row *row, int col, uint64_t ns, int64_t to_real_ns)
{
	time_t secs;
	struct tm tm;
	char buf[32];

	if (!ns)
		return report_set_text(row, col, "%s", "");
	secs = (time_t)(((int64_t)ns + to_real_ns) / 1000000000ll);
	if (!gmtime_r(&secs, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		buf[0] = 0;
	return report_set_text(row, col, "%s", buf);
}

/* The real-time clock less the kernel clock clk: what turns one into the
 * other. */
static int64_t clock_offset(clockid_t clk)
{
	struct timespec real, k;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(clk, &k);
	return ((int64_t)real.tv_sec - k.tv_sec) * 1000000000ll + (real.tv_nsec - k.tv_nsec);
}

static int fill_flow(struct report_row *row, const struct flow_entry *f,
		     const struct report_input *in, int64_t boot_to_real, int64_t mono_to_real)
{
	const char *proto = transport_name(f->k.proto);
	const struct operator* op = f->v.asn && in->ops ? operator_find(in->ops, f->v.asn) : NULL;
	char src[64], dst[64], dst4[INET_ADDRSTRLEN] = "", name[DNS_NAME_MAX];
	uint8_t v4[4];

	row->verdict = f->v.verdict;
	row->num[FC_PORT] = ntohs(f->k.dport);
	row->num[FC_PID] = f->v.pid;
	row->num[FC_UID] = f->v.uid;
	row->num[FC_ASN] = f->v.asn;
	row->num[FC_PACKETS] = f->v.packets;
	row->num[FC_BYTES] = f->v.bytes;
	/* A refused connect never chose a source address: say nothing rather
	 * than 0.0.0.0, which reads as an address. */
	if (memcmp(f->k.saddr, (const __u8[16]){ 0 }, sizeof(f->k.saddr)))
		addr_format(f->k.family, f->k.saddr, src, sizeof(src));
	else
		src[0] = 0;
	addr_format(f->k.family, f->k.daddr, dst, sizeof(dst));
	if (f->k.family == AF_INET6 && embedded_ipv4(in->nat64, f->k.daddr, v4))
		inet_ntop(AF_INET, v4, dst4, sizeof(dst4));
	if (!in->domain_of || in->domain_of(in->domain_ctx, f, name, sizeof(name)))
		name[0] = 0;
	if ((proto ? report_set_text(row, FC_PROTO, "%s", proto)
		   : report_set_text(row, FC_PROTO, "%u", f->k.proto)) ||
	    report_set_text(row, FC_SOURCE, "%s", src) ||
	    report_set_text(row, FC_DEST, "%s", dst) ||
	    report_set_text(row, FC_DEST4, "%s", dst4) ||
	    report_set_text(row, FC_DOMAIN, "%s", name) || set_cc(row, FC_CC, f->v.cc) ||
	    report_set_text(row, FC_ZONE, "%s", zone_name(f->v.zone)) ||
	    report_set_text(row, FC_VERDICT, "%s", verdict_name(f->v.verdict)) ||
	    report_set_text(row, FC_REASON, "%s", reason_name(f->v.reason)) ||
	    set_comm(row, FC_COMMAND, f->v.comm) ||
	    (f->v.asn ? report_set_text(row, FC_OPERATOR, "%s%s%.2s%s", op ? op->name : "",
					f->v.op_cc[0] ? (op ? " (" : "(") : "", f->v.op_cc,
					f->v.op_cc[0] ? ")" : "")
		      : report_set_text(row, FC_OPERATOR, "%s", "")) ||
	    set_time(row, FC_FIRST, f->v.first_ns, boot_to_real) ||
	    set_time(row, FC_LAST, f->v.last_ns, mono_to_real))
		return -ENOMEM;
	return 0;
}

static int fill_group(struct report_row *row, enum report_by by, const struct group_key *g,
		      const struct sums *s, const struct report_input *in)
{
	char path[4096];
	int base;

	row->verdict = g->verdict;
	switch (by) {
	case BY_COUNTRY:
		if (set_cc(row, 0, g->cc) || report_set_text(row, 1, "%s", zone_name(g->zone)) ||
		    report_set_text(row, 2, "%s", verdict_name(g->verdict)))
			return -ENOMEM;
		base = 3;
		break;
	case BY_OPERATOR: {
		const struct operator* op = g->asn && in->ops ? operator_find(in->ops, g->asn)
							      : NULL;

		row->num[1] = g->asn;
		/* Flows of no listed operator make one row: "-". */
		if ((g->asn ? report_set_text(row, 0, "AS%u %s", g->asn, op ? op->name : "")
			    : report_set_text(row, 0, "-")) ||
		    set_cc(row, 2, g->op_cc) || (row->num[3] = g->asn && g->foreign, 0) ||
		    report_set_text(row, 4, "%s", verdict_name(g->verdict)))
			return -ENOMEM;
		base = 5;
		break;
	}
	case BY_PROCESS:
		row->num[0] = g->pid;
		row->num[1] = g->uid;
		if (set_comm(row, 2, g->comm) ||
		    report_set_text(row, 3, "%s", verdict_name(g->verdict)))
			return -ENOMEM;
		base = 4;
		break;
	case BY_CGROUP:
		/* A cgroup removed since its flows is still worth its id. */
		if (!in->cgroup_path || in->cgroup_path(g->cgroup_id, path, sizeof(path)))
			path[0] = 0;
		row->num[1] = g->cgroup_id;
		if (report_set_text(row, 0, "%s", path) ||
		    report_set_text(row, 2, "%s", verdict_name(g->verdict)))
			return -ENOMEM;
		base = 3;
		break;
	default:
		return -EINVAL;
	}
	row->num[base] = s->flows;
	row->num[base + 1] = s->packets;
	row->num[base + 2] = s->bytes;
	return 0;
}

static void group_key_of(enum report_by by, const struct flow_entry *f, struct group_key *g)
{
	memset(g, 0, sizeof(*g));
	g->verdict = f->v.verdict;
	switch (by) {
	case BY_COUNTRY:
		memcpy(g->cc, f->v.cc, sizeof(g->cc));
		g->zone = f->v.zone;
		break;
	case BY_PROCESS:
		g->pid = f->v.pid;
		g->uid = f->v.uid;
		memcpy(g->comm, f->v.comm, sizeof(g->comm));
		break;
	case BY_CGROUP:
		g->cgroup_id = f->k.cgroup_id;
		break;
	case BY_OPERATOR:
		g->asn = f->v.asn;
		memcpy(g->op_cc, f->v.op_cc, sizeof(g->op_cc));
		g->foreign = !!(f->v.flags & GEO_F_FOREIGN_OP);
		break;
	default:
		break;
	}
}

static int cmp_grouped(const void *a, const void *b)
{
	return memcmp(&((const struct grouped *)a)->g, &((const struct grouped *)b)->g,
		      sizeof(struct group_key));
}

static struct report_row *new_row(struct report *r)
{
	struct report_row *row = &r->rows[r->n_rows++];

	memset(row, 0, sizeof(*row));
	return row;
}

static int build_zone(struct report *r, const struct report_input *in)
{
	r->rows = calloc(TOTALS_MAX, sizeof(*r->rows));
	if (!r->rows)
		return -ENOMEM;
	for (int z = 0; z < ZONE_MAX; z++)
		for (int v = 0; v < VERDICT_MAX; v++) {
			const struct juris_totals *t = &in->totals[TOTALS_INDEX(z, v)];

			/* Empty cells of zone x verdict say nothing. */
			if (!t->packets && !t->flows)
				continue;
			if (fill_zone(new_row(r), z, v, t))
				return -ENOMEM;
		}
	return 0;
}

static int build_flows(struct report *r, const struct report_input *in)
{
	r->rows = calloc(in->n_flows ? in->n_flows : 1, sizeof(*r->rows));
	if (!r->rows)
		return -ENOMEM;
	int64_t boot = clock_offset(CLOCK_BOOTTIME), mono = clock_offset(CLOCK_MONOTONIC_COARSE);

	for (size_t i = 0; i < in->n_flows; i++)
		if (fill_flow(new_row(r), &in->flows[i], in, boot, mono))
			return -ENOMEM;
	return 0;
}

/* Sorts the flows by their group key, then sums each run of equal keys:
 * O(n log n) however many processes or cgroups there are. */
static int build_groups(struct report *r, enum report_by by, const struct report_input *in)
{
	size_t n = in->n_flows;
	struct grouped *gs = calloc(n ? n : 1, sizeof(*gs));
	int ret = 0;

	r->rows = calloc(n ? n : 1, sizeof(*r->rows));
	if (!gs || !r->rows) {
		free(gs);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		group_key_of(by, &in->flows[i], &gs[i].g);
		gs[i].f = &in->flows[i];
	}
	qsort(gs, n, sizeof(*gs), cmp_grouped);
	for (size_t i = 0; i < n && !ret;) {
		struct sums s = {};
		size_t j = i;

		for (; j < n && !cmp_grouped(&gs[i], &gs[j]); j++) {
			s.flows++;
			s.packets += gs[j].f->v.packets;
			s.bytes += gs[j].f->v.bytes;
		}
		ret = fill_group(new_row(r), by, &gs[i].g, &s, in);
		i = j;
	}
	free(gs);
	return ret;
}

static uint8_t exact_zone(const struct report_input *in, unsigned id)
{
	char cc[3];

	if (id == COUNTRY_LOCAL)
		return ZONE_LOCAL;
	if (id >= COUNTRY_LETTERS)
		return ZONE_UNKNOWN;
	country_code(id, cc);
	return in->zt ? zone_of_country(in->zt, cc) : ZONE_THIRD;
}

/* --by country from the exact counters: one row per country and verdict
 * that counted anything, its zone the one it has under the live policy. */
static int build_exact_country(struct report *r, const struct report_input *in)
{
	r->rows = calloc(COUNTRY_IDS * VERDICT_MAX, sizeof(*r->rows));
	if (!r->rows)
		return -ENOMEM;
	for (unsigned c = 0; c < COUNTRY_IDS; c++)
		for (int v = 0; v < VERDICT_MAX; v++) {
			const struct juris_totals *t = &in->exact->country[c][v];
			struct report_row *row;
			char cc[3];

			if (!t->packets && !t->flows)
				continue;
			row = new_row(r);
			country_code(c, cc);
			row->verdict = v;
			row->num[3] = t->flows;
			row->num[4] = t->packets;
			row->num[5] = t->bytes;
			if (report_set_text(row, 0, "%s", cc) ||
			    report_set_text(row, 1, "%s", zone_name(exact_zone(in, c))) ||
			    report_set_text(row, 2, "%s", verdict_name(v)))
				return -ENOMEM;
		}
	return 0;
}

/* --by operator from the exact counters: the AS of each id, its home and
 * name as of the last load or reload (the pinned oper_ids). */
static int build_exact_operator(struct report *r, const struct report_input *in)
{
	r->rows = calloc(OPER_IDS * VERDICT_MAX, sizeof(*r->rows));
	if (!r->rows)
		return -ENOMEM;
	for (unsigned o = 0; o < OPER_IDS; o++)
		for (int v = 0; v < VERDICT_MAX; v++) {
			const struct juris_totals *t = &in->exact->oper[o][v];
			const struct oper_ident *id = &in->exact->idents[o];
			struct report_row *row;
			int ret;

			if (!t->packets && !t->flows)
				continue;
			row = new_row(r);
			row->verdict = v;
			row->num[1] = id->asn;
			row->num[5] = t->flows;
			row->num[6] = t->packets;
			row->num[7] = t->bytes;
			/* Destinations of no listed operator make one row: "-". */
			if (o == 0 || (o == OPER_ID_OTHER && !id->asn))
				ret = report_set_text(row, 0, "%s",
						      o ? "other listed operators" : "-") ||
				      report_set_text(row, 2, "%s", "");
			else
				ret = report_set_text(row, 0, "AS%u %.*s", id->asn, OPER_IDENT_NAME,
						      id->name) ||
				      set_cc(row, 2, id->home_cc) || (row->num[3] = id->foreign, 0);
			if (ret || report_set_text(row, 4, "%s", verdict_name(v)))
				return -ENOMEM;
		}
	return 0;
}

static int col_index(const struct report *r, const char *name)
{
	for (int c = 0; c < r->n_cols; c++)
		if (!strcmp(r->cols[c].name, name))
			return c;
	return -1;
}

static int cmp_u64_desc(uint64_t a, uint64_t b)
{
	return a < b ? 1 : a > b ? -1 : 0;
}

/* Outside the policy first (block, then would_block), then the largest;
 * the cells break ties so that the order never depends on the map's. */
static int cmp_rows(const void *pa, const void *pb, void *arg)
{
	const struct report_row *a = pa, *b = pb;
	const struct report *r = arg;
	int first = col_index(r, r->sort), bytes = col_index(r, "bytes");
	int d;

	if (a->verdict != b->verdict)
		return b->verdict - a->verdict;
	if (first < 0)
		first = bytes;
	d = cmp_u64_desc(a->num[first], b->num[first]);
	if (!d)
		d = cmp_u64_desc(a->num[bytes], b->num[bytes]);
	for (int c = 0; !d && c < r->n_cols; c++) {
		if (r->cols[c].kind == COL_TEXT)
			d = strcmp(a->text[c], b->text[c]);
		else
			d = a->num[c] < b->num[c] ? -1 : a->num[c] > b->num[c];
	}
	return d;
}

static void free_row(struct report_row *row)
{
	for (int c = 0; c < REPORT_MAX_COLS; c++) {
		free(row->text[c]);
		row->text[c] = NULL;
	}
}

int report_build(struct report *r, enum report_by by, const struct report_input *in, uint32_t top)
{
	struct report_meta meta = r->meta;
	int ret;

	memset(r, 0, sizeof(*r));
	r->meta = meta;
	r->by = by;
	r->meta.from_flow_table = by != BY_ZONE &&
				  !(in->exact && (by == BY_COUNTRY || by == BY_OPERATOR));
	r->sort = in->sort ? in->sort : "bytes";
	switch (by) {
	case BY_ZONE:
		r->cols = zone_cols;
		r->n_cols = sizeof(zone_cols) / sizeof(zone_cols[0]);
		ret = build_zone(r, in);
		break;
	case BY_FLOW:
		r->cols = flow_cols;
		r->n_cols = sizeof(flow_cols) / sizeof(flow_cols[0]);
		ret = build_flows(r, in);
		break;
	case BY_COUNTRY:
		r->cols = country_cols;
		r->n_cols = sizeof(country_cols) / sizeof(country_cols[0]);
		ret = in->exact ? build_exact_country(r, in) : build_groups(r, by, in);
		break;
	case BY_PROCESS:
		r->cols = process_cols;
		r->n_cols = sizeof(process_cols) / sizeof(process_cols[0]);
		ret = build_groups(r, by, in);
		break;
	case BY_CGROUP:
		r->cols = cgroup_cols;
		r->n_cols = sizeof(cgroup_cols) / sizeof(cgroup_cols[0]);
		ret = build_groups(r, by, in);
		break;
	case BY_OPERATOR:
		r->cols = operator_cols;
		r->n_cols = sizeof(operator_cols) / sizeof(operator_cols[0]);
		ret = in->exact ? build_exact_operator(r, in) : build_groups(r, by, in);
		break;
	default:
		ret = -EINVAL;
	}
	if (ret) {
		report_free(r);
		return ret;
	}
	report_finish(r, top);
	return 0;
}

void report_finish(struct report *r, uint32_t top)
{
	if (!r->sort)
		r->sort = "bytes";
	qsort_r(r->rows, r->n_rows, sizeof(*r->rows), cmp_rows, r);
	r->total_rows = r->n_rows;
	if (top && r->n_rows > top) {
		for (size_t i = top; i < r->n_rows; i++)
			free_row(&r->rows[i]);
		r->n_rows = top;
	}
}

void report_free(struct report *r)
{
	for (size_t i = 0; i < r->n_rows; i++)
		free_row(&r->rows[i]);
	free(r->rows);
	r->rows = NULL;
	r->n_rows = 0;
}

int report_read_exact(const struct juris_maps *m, struct juris_exact **x, struct zone_table **zt)
{
	struct juris_meta *mt = calloc(1, sizeof(*mt));
	char why[256];
	int ret;

	*x = calloc(1, sizeof(**x));
	*zt = NULL;
	ret = *x && mt ? exact_read(m, *x) : -ENOMEM;
	if (!ret)
		ret = juris_read_meta(m, mt);
	if (!ret)
		ret = zone_table_new(zt, mt->us_adequate, why, sizeof(why));
	free(mt);
	return ret;
}
