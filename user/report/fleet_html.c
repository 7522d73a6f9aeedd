/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris report --prometheus --format html: the fleet's audit page. Like the
 * single-host page: XHTML, inline CSS and SVG, no script; every label value
 * from Prometheus is untrusted and escaped by report_html_text(). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/errmsg.h"
#include "report/fleet.h"
#include "report/fleet_html.h"
#include "report/promql.h"
#include "report/report_html.h"

#define BAR_COLOUR "#c0187a"
#define OUT_COLOUR "#b00020"
#define BAR_WIDTH 480
#define ROW_HEIGHT 26
#define DAY_MIN 86400

static const char style[] =
	"body{font-family:sans-serif;margin:2em;color:#222;max-width:70em}"
	"h1{font-size:1.6em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #ccc}"
	"table{border-collapse:collapse;font-size:.9em}"
	"th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#eee}"
	".out{color:#b00020;font-weight:bold}.note{color:#555;font-size:.9em}"
	"svg text{font-family:sans-serif;font-size:13px;fill:#222}";

static void put_time(FILE *out, int64_t when)
{
	time_t t = (time_t)when;
	char buf[32];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M UTC", &tm);
	fputs(buf, out);
}

static void put_bytes(FILE *out, uint64_t b)
{
	char h[32];

	fprintf(out, "%s", report_human_bytes(b, h, sizeof(h)));
}

/* A report's rows as a table, every column. */
static void put_table(FILE *out, const struct report *r)
{
	fputs("<table><tr>", out);
	for (int c = 0; c < r->n_cols; c++) {
		fputs("<th>", out);
		report_html_text(out, r->cols[c].name);
		fputs("</th>", out);
	}
	fputs("</tr>\n", out);
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct report_row *row = &r->rows[i];

		fprintf(out, "<tr%s>", row->verdict != VERDICT_ALLOW ? " class=\"out\"" : "");
		for (int c = 0; c < r->n_cols; c++) {
			if (r->cols[c].kind == COL_TEXT) {
				fputs("<td>", out);
				report_html_text(out, row->text[c] ? row->text[c] : "");
			} else if (r->cols[c].kind == COL_BYTES) {
				fputs("<td class=\"n\">", out);
				put_bytes(out, row->num[c]);
			} else {
				fprintf(out, "<td class=\"n\">%" PRIu64, row->num[c]);
			}
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
	if (!r->n_rows)
		fputs("<p class=\"note\">Nothing counted.</p>\n", out);
}

/* The hosts that reported a policy over the period, and that policy. */
static int put_hosts(FILE *out, const struct fleet_query *q, size_t *hosts, char *err,
		     size_t errlen)
{
	const char *labels[] = { q->host_label,	    "mode", "allow", "unknown", "foreign_operator",
				 "operator_overlay" };
	struct prom_vector v;
	char expr[256];
	int ret;

	if (q->since)
		snprintf(expr, sizeof(expr),
			 "max by (%s,mode,allow,unknown,foreign_operator,"
			 "operator_overlay) (last_over_time(juris_policy_info[%" PRIu64 "s]))",
			 q->host_label, q->since);
	else
		snprintf(expr, sizeof(expr),
			 "max by (%s,mode,allow,unknown,foreign_operator,"
			 "operator_overlay) (juris_policy_info)",
			 q->host_label);
	ret = prom_query(q->url, expr, q->at, labels, 6, &v, err, errlen);
	if (ret)
		return ret;
	fputs("<h2>Hosts and their policies</h2>\n<table><tr><th>host</th><th>mode</th>"
	      "<th>allowed zone</th><th>unknown</th><th>foreign operators</th>"
	      "<th>operator overlay</th></tr>\n",
	      out);
	for (size_t i = 0; i < v.n; i++) {
		fputs("<tr>", out);
		for (int l = 0; l < 6; l++) {
			fputs("<td>", out);
			report_html_text(out, v.v[i].label[l]);
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</table>\n", out);
	fprintf(out, "<p class=\"note\">%zu host%s (label <code>", v.n, v.n == 1 ? "" : "s");
	report_html_text(out, q->host_label);
	fputs("</code>). A host that changed its policy in the period shows once per "
	      "policy.</p>\n",
	      out);
	*hosts = v.n;
	prom_vector_free(&v);
	return 0;
}

struct bar {
	const char *cc;
	uint64_t bytes, outside;
};

static int cmp_bar(const void *a, const void *b)
{
	const struct bar *x = a, *y = b;

	return x->bytes < y->bytes ? 1 : x->bytes > y->bytes ? -1 : strcmp(x->cc, y->cc);
}

/* Bytes by country over the fleet, the part outside the policy darker. */
static int put_country_chart(FILE *out, const struct report *r)
{
	struct bar *bars = calloc(r->n_rows + 1, sizeof(*bars));
	size_t n = 0;
	uint64_t max = 1;

	if (!bars)
		return -ENOMEM;
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct report_row *row = &r->rows[i];
		size_t j = 0;

		while (j < n && strcmp(bars[j].cc, row->text[0]))
			j++;
		if (j == n)
			bars[n++].cc = row->text[0];
		bars[j].bytes += row->num[5];
		if (row->verdict != VERDICT_ALLOW)
			bars[j].outside += row->num[5];
	}
	qsort(bars, n, sizeof(*bars), cmp_bar);
	if (n > HTML_MAX_BARS)
		n = HTML_MAX_BARS;
	for (size_t i = 0; i < n; i++)
		if (bars[i].bytes > max)
			max = bars[i].bytes;
	fputs("<h2>Bytes by destination country</h2>\n", out);
	fprintf(out,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"%zu\" "
		"role=\"img\" aria-label=\"bytes by country\">\n",
		n * ROW_HEIGHT + 4);
	for (size_t i = 0; i < n; i++) {
		unsigned w = (unsigned)((double)bars[i].bytes * BAR_WIDTH / (double)max);
		unsigned wo = (unsigned)((double)bars[i].outside * BAR_WIDTH / (double)max);
		size_t y = i * ROW_HEIGHT;

		fprintf(out, "<text x=\"0\" y=\"%zu\">", y + 17);
		report_html_text(out, bars[i].cc[0] ? bars[i].cc : "(none)");
		fprintf(out,
			"</text><rect x=\"80\" y=\"%zu\" width=\"%u\" height=\"18\" "
			"fill=\"" BAR_COLOUR "\"/>",
			y + 4, w ? w : 1);
		if (wo)
			fprintf(out,
				"<rect x=\"80\" y=\"%zu\" width=\"%u\" height=\"18\" "
				"fill=\"" OUT_COLOUR "\"/>",
				y + 4, wo);
		fprintf(out, "<text x=\"%u\" y=\"%zu\">", 86 + w, y + 17);
		put_bytes(out, bars[i].bytes);
		fputs("</text>\n", out);
	}
	fputs("</svg>\n<p class=\"note\">Red: bytes outside the policy (would_block or "
	      "block).</p>\n",
	      out);
	free(bars);
	return 0;
}

/* Bytes to operators controlled from outside the allowed zone, by host. */
static int put_foreign(FILE *out, const struct fleet_query *q, char *err, size_t errlen)
{
	const char *labels[] = { q->host_label, "asn", "operator", "operator_country" };
	struct prom_vector v;
	char by[160], expr[512];
	int ret;

	snprintf(by, sizeof(by), "%s,asn,operator,operator_country", q->host_label);
	if (q->since)
		snprintf(expr, sizeof(expr),
			 "sort_desc(sum by (%s) (increase("
			 "juris_operator_bytes_total{foreign=\"true\"}[%" PRIu64 "s])))",
			 by, q->since);
	else
		snprintf(expr, sizeof(expr),
			 "sort_desc(sum by (%s) "
			 "(juris_operator_bytes_total{foreign=\"true\"}))",
			 by);
	ret = prom_query(q->url, expr, q->at, labels, 4, &v, err, errlen);
	if (ret)
		return ret;
	fputs("<h2>Foreign-operator exposure</h2>\n<p class=\"note\">Bytes to listed operators "
	      "controlled from outside each host's allowed zone, wherever their servers "
	      "are.</p>\n<table><tr><th>host</th><th>operator</th><th>home</th>"
	      "<th>bytes</th></tr>\n",
	      out);
	for (size_t i = 0; i < v.n; i++) {
		uint64_t b = v.v[i].value > 0 ? (uint64_t)llround(v.v[i].value) : 0;

		if (!b)
			continue;
		fputs("<tr><td>", out);
		report_html_text(out, v.v[i].label[0]);
		fputs("</td><td>AS", out);
		report_html_text(out, v.v[i].label[1]);
		fputc(' ', out);
		report_html_text(out, v.v[i].label[2]);
		fputs("</td><td>", out);
		report_html_text(out, v.v[i].label[3]);
		fputs("</td><td class=\"n\">", out);
		put_bytes(out, b);
		fputs("</td></tr>\n", out);
	}
	fputs("</table>\n", out);
	prom_vector_free(&v);
	return 0;
}

/* One bar per day of bytes outside the policy, when the period has days. */
static int put_timeline(FILE *out, const struct fleet_query *q, char *err, size_t errlen)
{
	struct prom_matrix m;
	double max = 1;
	int64_t days = (int64_t)(q->since / DAY_MIN);
	int ret;

	if (days < 2)
		return 0;
	ret = prom_query_range(q->url, "sum(increase(juris_bytes_total{verdict!=\"allow\"}[1d]))",
			       q->at - (days - 1) * DAY_MIN, q->at, DAY_MIN, NULL, 0, &m, err,
			       errlen);
	if (ret)
		return ret;
	for (size_t i = 0; m.n && i < m.v[0].n; i++)
		if (m.v[0].value[i] > max)
			max = m.v[0].value[i];
	fputs("<h2>Bytes outside the policy, day by day</h2>\n", out);
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"760\" height=\"180\" "
		     "role=\"img\" aria-label=\"daily bytes outside the policy\">\n");
	for (int64_t d = 0; d < days; d++) {
		int64_t t = q->at - (days - 1 - d) * DAY_MIN;
		double v = 0;
		unsigned x = (unsigned)(d * 740 / days), w = (unsigned)(740 / days);
		unsigned h;

		for (size_t i = 0; m.n && i < m.v[0].n; i++)
			if (m.v[0].t[i] == t)
				v = m.v[0].value[i];
		h = (unsigned)(v * 140 / max);
		fprintf(out,
			"<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"" OUT_COLOUR
			"\"><title>",
			x, 150 - h, w > 2 ? w - 2 : 1, h);
		put_time(out, t);
		fputs(": ", out);
		put_bytes(out, v > 0 ? (uint64_t)llround(v) : 0);
		fputs("</title></rect>\n", out);
	}
	fputs("<text x=\"0\" y=\"170\">", out);
	put_time(out, q->at - (days - 1) * DAY_MIN);
	fputs("</text><text x=\"560\" y=\"170\">", out);
	put_time(out, q->at);
	fputs("</text>\n</svg>\n", out);
	prom_matrix_free(&m);
	return 0;
}

int fleet_print_html(FILE *out, const struct fleet_query *q, uint32_t top, char *err, size_t errlen)
{
	struct report zones = {}, countries = {};
	size_t hosts = 0;
	int ret;

	ret = fleet_build(&zones, BY_ZONE, q, 0, err, errlen);
	if (!ret)
		ret = fleet_build(&countries, BY_COUNTRY, q, 0, err, errlen);
	if (ret)
		goto out;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n"
	      "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head>"
	      "<meta charset=\"UTF-8\"/><title>juris fleet audit</title><style>",
	      out);
	fputs(style, out);
	fputs("</style></head><body>\n<h1>juris fleet audit</h1>\n<p>Period: ", out);
	if (q->since) {
		put_time(out, q->at - (int64_t)q->since);
		fputs(" to ", out);
		put_time(out, q->at);
		fputs(" (increase() of the counters: restarts that lost them count from "
		      "zero)",
		      out);
	} else {
		fputs("since each host's counters began, as of ", out);
		put_time(out, q->at);
	}
	fputs(".<br/>Source: ", out);
	report_html_text(out, q->url);
	fputs("</p>\n", out);
	ret = put_hosts(out, q, &hosts, err, errlen);
	if (ret)
		goto out;
	fputs("<h2>Totals by zone</h2>\n", out);
	put_table(out, &zones);
	ret = put_country_chart(out, &countries);
	if (!ret)
		ret = put_foreign(out, q, err, errlen);
	if (!ret)
		ret = put_timeline(out, q, err, errlen);
	if (ret)
		goto out;
	(void)top;
	fputs("</body></html>\n", out);
	ret = ferror(out) ? -EIO : 0;
out:
	report_free(&zones);
	report_free(&countries);
	return ret;
}
