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
#include "report/report_html.h"

/* One colour for the bars alone, so that a test can find them on a
 * screenshot. */
#define BAR_COLOUR "#c0187a"
#define CHART_WIDTH 760
#define CHART_LABEL 130		/* left of the bars: country and zone */
#define CHART_BARS 480		/* the widest bar */
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
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
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
	      "<head>\n<meta charset=\"utf-8\"/>\n<title>juris egress report, ", out);
	put_time(out, m->generated);
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>Egress by jurisdiction"
		"</h1>\n<p class=\"note\">juris report, generated ", style);
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
	fprintf(out, "<dt>Mode</dt><dd>%s</dd>\n<dt>Allowed</dt><dd>up to zone %s; unknown "
		"destinations %s%s; %u exception%s</dd>\n", mode_name(c->mode),
		zone_name(c->allow_zone), c->unknown_deny ? "denied" : "allowed",
		mt->us_adequate ? "; United States adequate" : "", mt->n_excepts,
		mt->n_excepts == 1 ? "" : "s");
	fprintf(out, "<dt>Foreign operators</dt><dd>%s</dd>\n",
		!c->overlay ? "not judged (no ASN database)" :
		c->foreign_op == FOREIGN_OP_DENY ? "denied: a destination run by an operator "
		"controlled from outside the allowed zone is outside the policy" :
		c->foreign_op == FOREIGN_OP_AUDIT ? "audited: reported, never blocked" :
		"allowed (flagged only)");
	if (mt->n_uplinks) {
		fprintf(out, "<dt>Gateway</dt><dd>%u source range%s forwarded to", mt->n_sources,
			mt->n_sources == 1 ? "" : "s");
		for (uint32_t i = 0; i < mt->n_uplinks && i < MAX_IFACES; i++) {
			fputc(' ', out);
			put_text(out, mt->uplinks[i]);
		}
		fputs("</dd>\n", out);
	} else {
		fprintf(out, "<dt>Watched</dt><dd>%u cgroup%s</dd>\n", mt->n_cgroups,
			mt->n_cgroups == 1 ? "" : "s");
	}
	fprintf(out, "<dt>Fingerprint</dt><dd><code>%016" PRIx64 "</code> (database and "
		"policy)</dd>\n<dt>Database</dt><dd><code>", (uint64_t)c->policy_hash);
	put_text(out, mt->db_path);
	fputs("</code> (", out);
	put_text(out, mt->db_type);
	fputs("), built ", out);
	put_time(out, (int64_t)mt->db_build_epoch);
	fprintf(out, ", %ld days old%s; %" PRIu64 " IPv4 and %" PRIu64 " IPv6 prefixes</dd>\n"
		"</dl>\n", age, age > DB_MAX_AGE_DAYS ? " <span class=\"out\">STALE</span>" : "",
		(uint64_t)mt->prefixes_v4, (uint64_t)mt->prefixes_v6);
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
				fputs(c == verdict && row->verdict != VERDICT_ALLOW ?
				      "<td class=\"out\">" : "<td>", out);
				put_text(out, row->text[c] ? row->text[c] : "");
				break;
			case COL_NUM:
				fprintf(out, "<td class=\"n\">%" PRIu64, row->num[c]);
				break;
			case COL_BYTES:
				fputs("<td class=\"n\">", out);
				put_bytes(out, row->num[c]);
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

static int chart(FILE *out, const struct report *r)
{
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
		fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%zu\" "
			"role=\"img\" aria-label=\"bytes by destination country\">\n", CHART_WIDTH,
			shown * CHART_ROW + 4);
	for (size_t i = 0; i < shown; i++) {
		const struct bar *b = &bars[i];
		size_t y = i * CHART_ROW + 4;
		/* At least a pixel, so that no country with traffic vanishes. */
		double w = bars[0].bytes ? (double)b->bytes * CHART_BARS / (double)bars[0].bytes : 0;
		char human[32];

		fprintf(out, "<text x=\"0\" y=\"%zu\"%s>", y + 14, b->outside ? " class=\"out\"" : "");
		put_text(out, b->cc[0] ? b->cc : "??");
		fputs(" (", out);
		put_text(out, b->zone);
		fprintf(out, ")%s</text>\n", b->outside ? " *" : "");
		fprintf(out, "<rect class=\"bar\" data-cc=\"");
		put_text(out, b->cc);
		fprintf(out, "\" x=\"%d\" y=\"%zu\" width=\"%.0f\" height=\"%d\" fill=\"" BAR_COLOUR
			"\" shape-rendering=\"crispEdges\"><title>%" PRIu64 " bytes</title></rect>\n",
			CHART_LABEL, y, b->bytes && w < 1 ? 1 : w, CHART_BAR, b->bytes);
		fprintf(out, "<text x=\"%.0f\" y=\"%zu\">%s</text>\n", CHART_LABEL + w + 6, y + 14,
			report_human_bytes(b->bytes, human, sizeof(human)));
	}
	if (shown)
		fputs("</svg>\n<p class=\"note\">* some of the traffic to this country is outside "
		      "the policy. From the flow table: flows it evicted are not in the chart "
		      "(the totals by zone above are exact).</p>\n", out);
	for (size_t i = shown; i < n; i++)
		rest += bars[i].bytes;
	if (n > shown)
		fprintf(out, "<p class=\"note\">%zu more countries, %" PRIu64 " bytes in all.</p>\n",
			n - shown, rest);
	free(bars);
	return 0;
}

static void footer(FILE *out, const struct report_page *p)
{
	const struct report_meta *m = &p->zones->meta;

	fprintf(out, "<h2>Completeness</h2>\n<p>Flow table: %" PRIu64 " of %" PRIu64 " entries, "
		"%" PRIu64 " evicted since the start; ring buffer drops: %" PRIu64 ". The totals "
		"by zone are exact whatever these say; the other views come from the flow "
		"table.</p>\n</body>\n</html>\n", m->flows_in_table, m->flow_table_size,
		m->flow_evictions, m->ringbuf_drops);
}

int report_print_html(FILE *out, const struct report_page *p)
{
	int ret;

	header(out, p);
	policy(out, p);
	fputs("<h2>Totals by zone (exact)</h2>\n", out);
	table(out, p->zones, false, UINT32_MAX, "Nothing counted yet.");
	ret = chart(out, p->countries);
	if (ret)
		return ret;
	fputs("<h2>Top flows outside the policy</h2>\n", out);
	table(out, p->flows, true, p->top, "None: every flow is within the policy.");
	fputs("<h2>Top processes outside the policy</h2>\n", out);
	table(out, p->processes, true, p->top,
	      "None: every process kept within the policy.");
	footer(out, p);
	return ferror(out) ? -EIO : 0;
}
