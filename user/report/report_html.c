/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris report --format html: a page that opens anywhere, offline, years
 * later: inline CSS, the chart as inline SVG drawn here, no script. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "policy/names.h"
#include "kernel/meta.h"
#include "policy/database.h"
#include "policy/locdb.h"
#include "report/exposure.h"
#include "report/report_html.h"

/* One colour for the bars alone, so that a test can find them on a
 * screenshot. */
#define BAR_COLOUR "#c0187a"
#define CHART_WIDTH 760
#define CHART_LABEL 130 /* left of the bars: country and zone */
#define CHART_BARS 480	/* the widest bar */
#define CHART_ROW 26
#define CHART_BAR 18

static const char style[] =
	"body{font-family:sans-serif;margin:2em;color:#222;max-width:70em}"
	"h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.8em;"
	"border-bottom:1px solid #ccc}"
	"table{border-collapse:collapse;font-size:.9em}"
	"th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}"
	"td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}th{background:#eee}"
	"dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}dt{font-weight:bold}"
	"dd{margin:0}.out{color:#b00020;font-weight:bold}.note{color:#555;font-size:.9em}"
	"p.summary{font-size:1.05em;line-height:1.5;border-left:4px solid #555;padding-left:.8em}"
	"svg text{font-family:sans-serif;font-size:13px;fill:#222}svg text.out{fill:#b00020}";

/* Length of the valid UTF-8 sequence at s (RFC 3629: no overlongs, no
 * surrogates, nothing past U+10FFFF), or 0. */
static int utf8_len(const unsigned char *s)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	int n;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (int i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	/* U+FFFE and U+FFFF are not characters in XML. */
	if (c == 0xef && s[1] == 0xbf && s[2] >= 0xbe)
		return 0;
	return n;
}

/* Process names and cgroup paths are chosen by whoever runs the process:
 * markup characters become references, control characters and bytes that
 * are not UTF-8 become U+FFFD, so that the page stays well-formed. */
static void put_text(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		int n;

		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			if (*s >= 0x20 && *s < 0x7f) {
				fputc(*s, out);
			} else if (*s >= 0x80 && (n = utf8_len(s)) > 0) {
				fwrite(s, 1, (size_t)n, out);
				s += n;
				continue;
			} else {
				fputs("\xef\xbf\xbd", out);
			}
		}
		s++;
	}
}

static void put_time(FILE *out, int64_t when)
{
	time_t t = (time_t)when;
	char buf[32];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fputs(buf, out);
}

static void put_duration(FILE *out, int64_t secs)
{
	if (secs < 0)
		secs = 0;
	fprintf(out, "%" PRId64 " d %" PRId64 " h %" PRId64 " min", secs / 86400,
		secs % 86400 / 3600, secs % 3600 / 60);
}

static void put_bytes(FILE *out, uint64_t bytes)
{
	char human[32];

	fprintf(out, "%" PRIu64 " (%s)", bytes, report_human_bytes(bytes, human, sizeof(human)));
}

/* At most n bytes of s (a comm is not NUL-terminated when 16 long). */
static void put_text_n(FILE *out, const char *s, size_t n)
{
	char buf[64];

	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	memcpy(buf, s, n);
	buf[n] = 0;
	buf[strnlen(buf, n)] = 0;
	put_text(out, buf);
}

/* "17 June 2026": a date a reader does not have to decode. */
static void put_date(FILE *out, int64_t when)
{
	time_t t = (time_t)when;
	char buf[32];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%B %Y", &tm);
	fprintf(out, "%d %s", tm.tm_mday, buf);
}

/* As the programs judge a zone (bpf/juris.bpf.c, zone_allowed()). */
static bool zone_ok(const struct juris_config *c, int zone)
{
	if (zone == ZONE_LOCAL)
		return true;
	if (zone == ZONE_UNKNOWN)
		return !c->unknown_deny;
	return zone >= ZONE_FR && zone <= c->allow_zone;
}

static const char *operator_name(const struct report_page *p, uint32_t asn)
{
	const struct operator* op = p->ops && asn ? operator_find(p->ops, asn) : NULL;

	return op ? op->name : NULL;
}

/* "located FR, operated from US (AS16509 Amazon)", escaped. */
static void put_operator(FILE *out, const struct report_page *p, const char cc[2], uint32_t asn,
			 const char op_cc[2])
{
	char line[160];

	if (!operator_describe(line, sizeof(line), cc, asn, op_cc, operator_name(p, asn)))
		put_text(out, line);
}

static int col_of(const struct report *r, const char *name)
{
	for (int c = 0; c < r->n_cols; c++)
		if (!strcmp(r->cols[c].name, name))
			return c;
	return -1;
}

static void header(FILE *out, const struct report_page *p)
{
	const struct report_meta *m = &p->zones->meta;

	fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n"
	      "<head>\n<meta charset=\"utf-8\"/>\n<title>juris egress report, ",
	      out);
	put_time(out, m->generated);
	fputs(" on ", out);
	put_text(out, p->host ? p->host : "");
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>Egress by jurisdiction: ",
		style);
	put_text(out, p->host ? p->host : "");
	fputs("</h1>\n<p class=\"note\">juris report of host <b>", out);
	put_text(out, p->host ? p->host : "");
	fputs("</b>, generated ", out);
	put_time(out, m->generated);
	fputs(" from the state pinned at <code>", out);
	put_text(out, m->pin_dir ? m->pin_dir : "");
	fprintf(out, "</code>; daemon %s.</p>\n", m->daemon_running ? "running" : "not running");
}

static void policy(FILE *out, const struct report_page *p)
{
	const struct juris_config *c = p->cfg;
	const struct juris_meta *mt = p->meta;
	long age = database_age_days(mt->db_build_epoch);

	fputs("<h2>Period, policy and database</h2>\n<dl>\n<dt>Period</dt><dd>", out);
	put_time(out, (int64_t)mt->started_realtime);
	fputs(" to ", out);
	put_time(out, p->zones->meta.generated);
	fputs(" (", out);
	put_duration(out, p->zones->meta.generated - (int64_t)mt->started_realtime);
	fputs(")</dd>\n", out);
	fprintf(out,
		"<dt>Mode</dt><dd>%s</dd>\n<dt>Allowed</dt><dd>up to zone %s; unknown "
		"destinations %s%s; %u exception%s</dd>\n",
		mode_name(c->mode), zone_name(c->allow_zone),
		c->unknown_deny ? "denied" : "allowed",
		mt->us_adequate ? "; United States adequate" : "", mt->n_excepts,
		mt->n_excepts == 1 ? "" : "s");
	fprintf(out, "<dt>Foreign operators</dt><dd>%s</dd>\n",
		!c->overlay ? "not judged (no ASN database)"
		: c->foreign_op == FOREIGN_OP_DENY
			? "denied: a destination run by an operator "
			  "controlled from outside the allowed zone is outside the policy"
		: c->foreign_op == FOREIGN_OP_AUDIT ? "audited: reported, never blocked"
						    : "allowed (flagged only)");
	if (mt->n_uplinks) {
		fprintf(out, "<dt>Gateway</dt><dd>%u source range%s forwarded to", mt->n_sources,
			mt->n_sources == 1 ? "" : "s");
		for (uint32_t i = 0; i < mt->n_uplinks && i < MAX_IFACES; i++) {
			fputc(' ', out);
			put_text(out, mt->uplinks[i]);
		}
		fputs("</dd>\n", out);
	}
	if (mt->n_cgroups) {
		fputs("<dt>Watched</dt><dd>", out);
		if (p->root_cgroup) {
			fputs("every process of this host (the root cgroup", out);
		} else {
			fprintf(out, "the processes of %u cgroup%s:", mt->n_cgroups,
				mt->n_cgroups == 1 ? "" : "s");
		}
		for (uint32_t i = 0; i < mt->n_cgroups && i < MAX_CGROUPS; i++) {
			const char *path = p->watched ? p->watched[i] : "";

			fputs(i || p->root_cgroup ? ", " : " ", out);
			if (path && path[0]) {
				fputs("<code>", out);
				put_text(out, path);
				fputs("</code>", out);
			} else {
				fprintf(out, "cgroup id %" PRIu64 " (gone)",
					(uint64_t)mt->cgroup_ids[i]);
			}
		}
		fputs(p->root_cgroup ? ")</dd>\n" : "</dd>\n", out);
	}
	fputs("<dt>Exceptions</dt><dd>", out);
	if (!p->n_exceptions)
		fputs("none", out);
	for (size_t i = 0; i < p->n_exceptions; i++) {
		fputs(i ? ", <code>" : "<code>", out);
		put_text(out, p->exceptions[i]);
		fputs("</code>", out);
	}
	fputs(" (always allowed: a prefix, or the addresses DNS gives for a name)</dd>\n", out);
	fprintf(out,
		"<dt>Fingerprint</dt><dd><code>%016" PRIx64 "</code> (database and "
		"policy)</dd>\n<dt>Database</dt><dd>",
		(uint64_t)c->policy_hash);
	if (p->db_source && p->db_source[0]) {
		put_text(out, p->db_source);
		fputs(", read from ", out);
	}
	fputs("<code>", out);
	put_text(out, mt->db_path);
	fputs("</code>. Built on ", out);
	put_date(out, (int64_t)mt->db_build_epoch);
	fprintf(out,
		", %ld day%s before this report%s. It places %" PRIu64 " IPv4 and %" PRIu64
		" IPv6 address blocks in countries (its own description: <q>",
		age, age == 1 ? "" : "s",
		age > DB_MAX_AGE_DAYS ? " <span class=\"out\">(stale: "
					"older than 90 days, locations may have moved)</span>"
				      : "",
		(uint64_t)mt->prefixes_v4, (uint64_t)mt->prefixes_v6);
	put_text(out, mt->db_type);
	fputs("</q>).</dd>\n", out);
	/* Where the answers come from, and the credit its licence asks for. */
	fputs("<dt>Source</dt><dd>", out);
	put_text(out, mt->db_libloc ? "IPFire location database (libloc)" : "MaxMind DB");
	if (mt->db_vendor[0]) {
		fputs(" by ", out);
		put_text(out, mt->db_vendor);
	}
	if (mt->db_license[0]) {
		fputs(", licence ", out);
		put_text(out, mt->db_license);
	}
	fprintf(out, "; signature %s</dd>\n",
		mt->db_sig == LOCDB_SIG_GOOD	 ? "good"
		: mt->db_sig == LOCDB_SIG_BAD	 ? "<span class=\"out\">BAD</span>"
		: mt->db_sig == LOCDB_SIG_NO_KEY ? "not checked (no key)"
						 : "not checked");
	fputs("<dt>Data</dt><dd>", out);
	put_text(out, database_attribution(mt->db_libloc, mt->db_type));
	fputs("</dd>\n", out);
	if (mt->follow_switches || mt->follow_refusals) {
		fprintf(out, "<dt>Database updates</dt><dd>%u followed, %u refused%s; last: ",
			mt->follow_switches, mt->follow_refusals,
			mt->follow_refusals
				? " <span class=\"out\">(the one in force stayed)</span>"
				: "");
		put_text(out, mt->follow_msg);
		fputs("</dd>\n", out);
	}
	fputs("</dl>\n", out);
}

/* The paragraph an auditor can quote: what was sent, how much stayed
 * within the policy, what left it, and the foreign-control exposure. */
static void summary(FILE *out, const struct report_page *p, const struct exposure_row *ex,
		    size_t n_ex)
{
	const struct report *z = p->zones;
	const struct juris_meta *mt = p->meta;
	int verdict = col_of(z, "verdict"), flows = col_of(z, "flows"), bytes = col_of(z, "bytes");
	uint64_t all_b = 0, all_f = 0, block_b = 0, block_f = 0, would_b = 0, would_f = 0;
	uint64_t ex_b = 0, ex_f = 0;
	char human[32];

	for (size_t i = 0; i < z->n_rows && verdict >= 0 && flows >= 0 && bytes >= 0; i++) {
		const struct report_row *r = &z->rows[i];

		all_b += r->num[bytes];
		all_f += r->num[flows];
		if (r->verdict == VERDICT_BLOCK) {
			block_b += r->num[bytes];
			block_f += r->num[flows];
		} else if (r->verdict == VERDICT_WOULD_BLOCK) {
			would_b += r->num[bytes];
			would_f += r->num[flows];
		}
	}
	for (size_t i = 0; i < n_ex; i++) {
		ex_b += ex[i].bytes;
		ex_f += ex[i].flows;
	}
	fputs("<p class=\"summary\" id=\"summary\">From ", out);
	put_time(out, (int64_t)mt->started_realtime);
	fputs(" to ", out);
	put_time(out, z->meta.generated);
	fputs(", the watched processes of <b>", out);
	put_text(out, p->host ? p->host : "");
	fprintf(out,
		"</b> sent %s in %" PRIu64 " flow%s (%s mode, destinations allowed up to "
		"zone %s). ",
		report_human_bytes(all_b, human, sizeof(human)), all_f, all_f == 1 ? "" : "s",
		mode_name(p->cfg->mode), zone_name(p->cfg->allow_zone));
	if (!block_f && !would_f)
		fputs("Every flow stayed within the policy. ", out);
	if (block_f)
		fprintf(out, "%" PRIu64 " flow%s outside the policy %s blocked (%s never left). ",
			block_f, block_f == 1 ? "" : "s", block_f == 1 ? "was" : "were",
			report_human_bytes(block_b, human, sizeof(human)));
	if (would_f)
		fprintf(out,
			"%" PRIu64 " flow%s (%s) %s outside the policy and left, counted as "
			"would_block (audit mode, or foreign operators audited). ",
			would_f, would_f == 1 ? "" : "s",
			report_human_bytes(would_b, human, sizeof(human)),
			would_f == 1 ? "was" : "were");
	if (n_ex) {
		fprintf(out,
			"%s in %" PRIu64 " flow%s went to servers located in the allowed zone "
			"but run by operators controlled from outside it, whose home law can reach "
			"the data there: ",
			report_human_bytes(ex_b, human, sizeof(human)), ex_f, ex_f == 1 ? "" : "s");
		for (size_t i = 0; i < n_ex && i < 3; i++) {
			fputs(i ? "; " : "", out);
			put_operator(out, p, ex[i].cc, ex[i].asn, ex[i].op_cc);
		}
		fputs(n_ex > 3 ? "; and others (below). " : ". ", out);
	} else if (p->cfg->overlay) {
		fputs("No flow in the flow table went to a server run by an operator controlled "
		      "from outside the allowed zone. ",
		      out);
	} else {
		fputs("Who operates the destinations was not checked (no ASN database). ", out);
	}
	fputs("Totals are exact; the per-flow figures come from the flow table.</p>\n", out);
}

/* Destinations on allowed soil, run from outside the allowed zone. */
static void exposure_section(FILE *out, const struct report_page *p, const struct exposure_row *ex,
			     size_t n_ex)
{
	char human[32];

	fputs("<h2 id=\"foreign-operators\">Located in the allowed zone, operated from outside "
	      "it</h2>\n<p class=\"note\">A server in an allowed country run by a company "
	      "controlled from outside the allowed zone answers to that company's home law too "
	      "(the US CLOUD Act, for one). ",
	      out);
	if (!p->cfg->overlay) {
		fputs("No ASN database was in force: operators were not checked.</p>\n", out);
		return;
	}
	fprintf(out, "Policy for such destinations: %s.</p>\n",
		p->cfg->foreign_op == FOREIGN_OP_DENY ? "denied (outside the policy)"
		: p->cfg->foreign_op == FOREIGN_OP_AUDIT
			? "audited (reported as would_block, never "
			  "blocked)"
			: "allowed (flagged only)");
	if (!n_ex) {
		fputs("<p>None in the flow table.</p>\n", out);
		return;
	}
	fputs("<table id=\"exposure\">\n<tr><th>destination</th><th>bytes</th><th>flows</th>"
	      "<th>processes</th></tr>\n",
	      out);
	for (size_t i = 0; i < n_ex && i < p->top; i++) {
		const struct exposure_row *r = &ex[i];

		fprintf(out, "<tr data-asn=\"%u\" data-cc=\"", r->asn);
		put_text_n(out, r->cc, 2);
		fputs("\" data-home=\"", out);
		put_text_n(out, r->op_cc, 2);
		fprintf(out, "\" data-bytes=\"%" PRIu64 "\" data-flows=\"%" PRIu64 "\"><td>",
			r->bytes, r->flows);
		put_operator(out, p, r->cc, r->asn, r->op_cc);
		fprintf(out, "</td><td class=\"n\">%s</td><td class=\"n\">%" PRIu64 "</td><td>",
			report_human_bytes(r->bytes, human, sizeof(human)), r->flows);
		for (size_t j = 0; j < r->n_procs; j++) {
			fputs(j ? ", " : "", out);
			if (r->procs[j].comm[0])
				put_text_n(out, r->procs[j].comm, sizeof(r->procs[j].comm));
			else
				fputs("unknown process", out);
			if (r->procs[j].pid)
				fprintf(out, " (pid %u)", r->procs[j].pid);
		}
		if (r->more_procs)
			fprintf(out, " and %zu more", r->more_procs);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
	if (n_ex > p->top)
		fprintf(out, "<p class=\"note\">%zu more rows.</p>\n", n_ex - p->top);
}

/* Why a country's traffic is marked outside the policy: one note per
 * marked bar, from the flows to it that left the policy. */
static void chart_reasons(FILE *out, const struct report_page *p, const char cc[2])
{
	bool zone = false, unknown = false, foreign = false;
	uint32_t asns[4] = { 0 };
	char homes[4][2];
	int n_asn = 0, z = -1;

	for (size_t i = 0; i < p->n_table; i++) {
		const struct flow_val *v = &p->table[i].v;

		if (v->verdict == VERDICT_ALLOW || memcmp(v->cc, cc, 2))
			continue;
		if (v->zone == ZONE_UNKNOWN && !zone_ok(p->cfg, v->zone)) {
			unknown = true;
		} else if (!zone_ok(p->cfg, v->zone)) {
			zone = true;
			z = v->zone;
		} else if (v->flags & GEO_F_FOREIGN_OP) {
			bool seen = false;

			foreign = true;
			for (int a = 0; a < n_asn; a++)
				seen |= asns[a] == v->asn;
			if (!seen && n_asn < 4) {
				asns[n_asn] = v->asn;
				memcpy(homes[n_asn++], v->op_cc, 2);
			}
		}
	}
	fputs("<li>", out);
	put_text_n(out, cc[0] ? cc : "??", 2);
	fputs(": ", out);
	if (zone)
		fprintf(out, "outside the allowed zone (zone %s; allowed up to %s)%s", zone_name(z),
			zone_name(p->cfg->allow_zone), unknown || foreign ? "; " : "");
	if (unknown)
		fprintf(out, "not in the database, and unknown destinations are denied%s",
			foreign ? "; " : "");
	if (foreign) {
		fputs("run by an operator controlled from outside the allowed zone (", out);
		for (int a = 0; a < n_asn; a++) {
			char home[3] = { homes[a][0], homes[a][1], 0 };
			const char *name = operator_name(p, asns[a]);

			fprintf(out, "%sAS%u ", a ? ", " : "", asns[a]);
			put_text(out, name ? name : "");
			fputs(", from ", out);
			put_text(out, home[0] ? home : "an unknown country");
		}
		fprintf(out, "): foreign operators are %s",
			p->cfg->foreign_op == FOREIGN_OP_DENY ? "denied"
							      : "audited, reported, never blocked");
	}
	if (!zone && !unknown && !foreign)
		fputs("judged outside under an earlier policy", out);
	fputs("</li>\n", out);
}

/* The rows of r (those outside the policy alone when asked), at most top. */
static void table(FILE *out, const struct report *r, bool outside_only, uint32_t top,
		  const char *none)
{
	int verdict = col_of(r, "verdict");
	uint32_t shown = 0;

	fputs("<table>\n<tr>", out);
	for (int c = 0; c < r->n_cols; c++)
		fprintf(out, "<th>%s</th>", r->cols[c].name);
	fputs("</tr>\n", out);
	for (size_t i = 0; i < r->n_rows && shown < top; i++) {
		const struct report_row *row = &r->rows[i];

		if (outside_only && row->verdict == VERDICT_ALLOW)
			continue;
		shown++;
		fputs("<tr>", out);
		for (int c = 0; c < r->n_cols; c++) {
			switch (r->cols[c].kind) {
			case COL_TEXT:
				fputs(c == verdict && row->verdict != VERDICT_ALLOW
					      ? "<td class=\"out\">"
					      : "<td>",
				      out);
				put_text(out, row->text[c] ? row->text[c] : "");
				break;
			case COL_NUM:
				fprintf(out, "<td class=\"n\">%" PRIu64, row->num[c]);
				break;
			case COL_BYTES:
				fputs("<td class=\"n\">", out);
				put_bytes(out, row->num[c]);
				break;
			case COL_BOOL:
				fputs(row->num[c] ? "<td>yes" : "<td>no", out);
				break;
			}
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
	if (!shown)
		fprintf(out, "<p>%s</p>\n", none);
}

struct bar {
	char cc[3];
	const char *zone;
	uint64_t bytes;
	bool outside;
};

static int cmp_bars(const void *pa, const void *pb)
{
	const struct bar *a = pa, *b = pb;

	if (a->bytes != b->bytes)
		return a->bytes < b->bytes ? 1 : -1;
	return strcmp(a->cc, b->cc);
}

/* Sums the rows of --by country (one per country, zone and verdict) into
 * one bar per country, the largest first. */
static struct bar *country_bars(const struct report *r, size_t *n)
{
	struct bar *bars = calloc(r->n_rows ? r->n_rows : 1, sizeof(*bars));
	int cc = col_of(r, "country"), zone = col_of(r, "zone"), bytes = col_of(r, "bytes");

	*n = 0;
	if (!bars || cc < 0 || zone < 0 || bytes < 0) {
		free(bars);
		return NULL;
	}
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct report_row *row = &r->rows[i];
		size_t b = 0;

		while (b < *n && strcmp(bars[b].cc, row->text[cc]))
			b++;
		if (b == *n) {
			snprintf(bars[b].cc, sizeof(bars[b].cc), "%s", row->text[cc]);
			bars[b].zone = row->text[zone];
			(*n)++;
		}
		bars[b].bytes += row->num[bytes];
		bars[b].outside |= row->verdict != VERDICT_ALLOW;
	}
	qsort(bars, *n, sizeof(*bars), cmp_bars);
	return bars;
}

static int chart(FILE *out, const struct report_page *p)
{
	const struct report *r = p->countries;
	size_t n, shown;
	struct bar *bars = country_bars(r, &n);
	uint64_t rest = 0;

	if (!bars)
		return -ENOMEM;
	fputs("<h2>Bytes by destination country</h2>\n", out);
	shown = n < HTML_MAX_BARS ? n : HTML_MAX_BARS;
	if (!shown)
		fputs("<p>No flow in the flow table.</p>\n", out);
	else
		fprintf(out,
			"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%zu\" "
			"role=\"img\" aria-label=\"bytes by destination country\">\n",
			CHART_WIDTH, shown * CHART_ROW + 4);
	for (size_t i = 0; i < shown; i++) {
		const struct bar *b = &bars[i];
		size_t y = i * CHART_ROW + 4;
		/* At least a pixel, so that no country with traffic vanishes. */
		double w = bars[0].bytes ? (double)b->bytes * CHART_BARS / (double)bars[0].bytes
					 : 0;
		char human[32];

		fprintf(out, "<text x=\"0\" y=\"%zu\"%s>", y + 14,
			b->outside ? " class=\"out\"" : "");
		put_text(out, b->cc[0] ? b->cc : "??");
		fputs(" (", out);
		put_text(out, b->zone);
		fprintf(out, ")%s</text>\n", b->outside ? " *" : "");
		fprintf(out, "<rect class=\"bar\" data-cc=\"");
		put_text(out, b->cc);
		fprintf(out,
			"\" x=\"%d\" y=\"%zu\" width=\"%.0f\" height=\"%d\" fill=\"" BAR_COLOUR
			"\" shape-rendering=\"crispEdges\"><title>%" PRIu64
			" bytes</title></rect>\n",
			CHART_LABEL, y, b->bytes && w < 1 ? 1 : w, CHART_BAR, b->bytes);
		fprintf(out, "<text x=\"%.0f\" y=\"%zu\">%s</text>\n", CHART_LABEL + w + 6, y + 14,
			report_human_bytes(b->bytes, human, sizeof(human)));
	}
	if (shown) {
		bool any = false;

		fputs("</svg>\n<p class=\"note\">* some of the traffic to this country is outside "
		      "the policy, because:</p>\n<ul class=\"note\" id=\"reasons\">\n",
		      out);
		for (size_t i = 0; i < shown; i++)
			if (bars[i].outside) {
				chart_reasons(out, p, bars[i].cc);
				any = true;
			}
		if (!any)
			fputs("<li>(no country is marked)</li>\n", out);
		fputs("</ul>\n<p class=\"note\">From the flow table: flows it evicted are not in "
		      "the chart (the totals by zone above are exact).</p>\n",
		      out);
	}
	for (size_t i = shown; i < n; i++)
		rest += bars[i].bytes;
	if (n > shown)
		fprintf(out,
			"<p class=\"note\">%zu more countries, %" PRIu64 " bytes in all.</p>\n",
			n - shown, rest);
	free(bars);
	return 0;
}

static void footer(FILE *out, const struct report_page *p)
{
	const struct report_meta *m = &p->zones->meta;

	fprintf(out,
		"<h2>Completeness</h2>\n<p>Flow table: %" PRIu64 " of %" PRIu64 " entries, "
		"%" PRIu64 " evicted since the start; ring buffer drops: %" PRIu64 ". The totals "
		"by zone are exact whatever these say; the other views come from the flow "
		"table.</p>\n</body>\n</html>\n",
		m->flows_in_table, m->flow_table_size, m->flow_evictions, m->ringbuf_drops);
}

int report_print_html(FILE *out, const struct report_page *p)
{
	struct exposure_row *ex;
	size_t n_ex;
	int ret;

	ret = exposure_build(p->table, p->n_table, p->cfg->allow_zone, &ex, &n_ex);
	if (ret)
		return ret;
	header(out, p);
	summary(out, p, ex, n_ex);
	policy(out, p);
	fputs("<h2>Totals by zone (exact)</h2>\n", out);
	table(out, p->zones, false, UINT32_MAX, "Nothing counted yet.");
	ret = chart(out, p);
	if (!ret)
		exposure_section(out, p, ex, n_ex);
	free(ex);
	if (ret)
		return ret;
	fputs("<h2>Top flows outside the policy</h2>\n", out);
	table(out, p->flows, true, p->top, "None: every flow is within the policy.");
	fputs("<h2>Top processes outside the policy</h2>\n", out);
	table(out, p->processes, true, p->top, "None: every process kept within the policy.");
	footer(out, p);
	return ferror(out) ? -EIO : 0;
}

void report_html_text(FILE *out, const char *s)
{
	put_text(out, s);
}
