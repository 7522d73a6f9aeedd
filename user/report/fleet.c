/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris report --prometheus: fleet rows from PromQL answers (see fleet.h).
 * Prometheus does the aggregation; this file only asks and arranges. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/errmsg.h"
#include "policy/names.h"
#include "report/fleet.h"
#include "report/promql.h"

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

/* The single-host columns, plus host for --by host. */
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
static const struct report_col operator_cols[] = {
	TEXT("operator", .elastic = true),
	NUM("asn"),
	TEXT("operator_country", .head = "HOME"),
	TEXT("foreign"),
	TEXT("verdict"),
	NUM("flows"),
	NUM("packets"),
	BYTES,
};
static const struct report_col host_cols[] = {
	TEXT("host", .elastic = true), TEXT("verdict"), NUM("flows"), NUM("packets"), BYTES,
};

/* A view: the metrics (%s: bytes, packets, flows) and the labels a row
 * is keyed by (NULL: the host label), then how they fill the columns. */
struct view {
	const char *metric;
	const char *labels[6];
	int n_labels;
	const struct report_col *cols;
	int n_cols;
};

static const struct view views[BY_MAX] = {
	[BY_ZONE] = { "juris_%s_total", { "zone", "verdict" }, 2, zone_cols, 5 },
	[BY_COUNTRY] = { "juris_country_%s_total",
			 { "country", "zone", "verdict" },
			 3,
			 country_cols,
			 6 },
	[BY_OPERATOR] = { "juris_operator_%s_total",
			  { "asn", "operator", "operator_country", "foreign", "verdict" },
			  5,
			  operator_cols,
			  8 },
	[BY_HOST] = { "juris_%s_total", { NULL, "verdict" }, 2, host_cols, 5 },
};

static const char *const measures[3] = { "flows", "packets", "bytes" };

int fleet_expr(char *buf, size_t len, const char *metric, const char *const *labels, int n,
	       uint64_t since)
{
	char by[256] = "";
	size_t at = 0;
	int w;

	for (int i = 0; i < n; i++) {
		w = snprintf(by + at, sizeof(by) - at, "%s%s", i ? "," : "", labels[i]);
		if (w < 0 || (size_t)w >= sizeof(by) - at)
			return -ENOSPC;
		at += (size_t)w;
	}
	/* increase() over a range: a counter that went down (a restart that
	 * did not adopt the pins, juris stop) counts from zero again. */
	if (since)
		w = snprintf(buf, len, "sum by (%s) (increase(%s[%" PRIu64 "s]))", by, metric,
			     since);
	else
		w = snprintf(buf, len, "sum by (%s) (%s)", by, metric);
	return w < 0 || (size_t)w >= len ? -ENOSPC : 0;
}

static int verdict_index(const char *s)
{
	for (int v = 0; v < VERDICT_MAX; v++)
		if (!strcmp(s, verdict_name(v)))
			return v;
	return -1;
}

/* The text columns of a row from its labels, as the single-host report
 * writes them. */
static int fill_labels(struct report_row *row, enum report_by by, char *const *l)
{
	if (by == BY_OPERATOR) {
		char *end;
		unsigned long asn = strtoul(l[0], &end, 10);

		row->num[1] = *end ? 0 : asn;
		if (row->num[1] ? report_set_text(row, 0, "AS%lu %s", asn, l[1])
				: report_set_text(row, 0, "%s", l[1][0] ? l[1] : "-"))
			return -ENOMEM;
		if (report_set_text(row, 2, "%s", l[2]) ||
		    report_set_text(row, 3, "%s",
				    !strcmp(l[3], "true")    ? "yes"
				    : !strcmp(l[3], "false") ? "no"
							     : "") ||
		    report_set_text(row, 4, "%s", l[4]))
			return -ENOMEM;
		return 0;
	}
	for (int i = 0; i < views[by].n_labels; i++)
		if (report_set_text(row, i, "%s", l[i]))
			return -ENOMEM;
	return 0;
}

static bool same_labels(char *const *a, char *const *b, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(a[i], b[i]))
			return false;
	return true;
}

/* Rows keyed by label values while the three answers are merged. */
struct pending {
	char **labels;
	uint64_t num[3];
};

/* A counter's increase() is a float (extrapolated to the edges of the
 * range); the latest value is an integer in a float. */
static uint64_t to_count(double v)
{
	return v <= 0 ? 0 : v >= 1.8e19 ? UINT64_MAX : (uint64_t)llround(v);
}

int fleet_build(struct report *r, enum report_by by, const struct fleet_query *q, uint32_t top,
		char *err, size_t errlen)
{
	const struct view *vw = by >= 0 && by < BY_MAX ? &views[by] : NULL;
	const char *labels[6];
	struct prom_vector ans[3] = {};
	struct pending *p = NULL;
	size_t n = 0, cap = 0;
	int ret = 0, first_num;

	memset(r, 0, sizeof(*r));
	if (!vw || !vw->metric)
		return errorf(err, errlen, -EINVAL, "--by %s is not in the metrics",
			      report_by_name(by));
	for (int i = 0; i < vw->n_labels; i++)
		labels[i] = vw->labels[i] ? vw->labels[i] : q->host_label;
	for (int m = 0; m < 3 && !ret; m++) {
		char metric[64], expr[512];

		snprintf(metric, sizeof(metric), vw->metric, measures[m]);
		ret = fleet_expr(expr, sizeof(expr), metric, labels, vw->n_labels, q->since);
		if (!ret)
			ret = prom_query(q->url, expr, q->at, labels, vw->n_labels, &ans[m], err,
					 errlen);
		for (size_t i = 0; !ret && i < ans[m].n; i++) {
			size_t j = 0;

			/* A few hundred rows at most: a linear search is enough. */
			while (j < n && !same_labels(p[j].labels, ans[m].v[i].label, vw->n_labels))
				j++;
			if (j == n) {
				if (n == cap) {
					struct pending *np = realloc(p, (cap = cap ? 2 * cap : 64) *
										sizeof(*p));
					if (!np) {
						ret = -ENOMEM;
						break;
					}
					p = np;
				}
				p[n] = (struct pending){ .labels = ans[m].v[i].label };
				n++;
			}
			p[j].num[m] = to_count(ans[m].v[i].value);
		}
	}
	r->by = by;
	r->cols = vw->cols;
	r->n_cols = vw->n_cols;
	r->sort = "bytes";
	first_num = vw->n_cols - 3;
	if (!ret) {
		r->rows = calloc(n ? n : 1, sizeof(*r->rows));
		if (!r->rows)
			ret = -ENOMEM;
	}
	for (size_t j = 0; !ret && j < n; j++) {
		struct report_row *row = &r->rows[r->n_rows];

		/* As the single-host report: cells that counted nothing say nothing. */
		if (!p[j].num[1] && !p[j].num[0])
			continue;
		r->n_rows++;
		row->verdict = verdict_index(p[j].labels[vw->n_labels - 1]);
		for (int m = 0; m < 3; m++)
			row->num[first_num + m] = p[j].num[m];
		ret = fill_labels(row, by, p[j].labels);
	}
	free(p);
	for (int m = 0; m < 3; m++)
		prom_vector_free(&ans[m]);
	if (ret) {
		report_free(r);
		return ret;
	}
	r->meta.prometheus = q->url;
	r->meta.since = q->since;
	r->meta.generated = q->at;
	report_finish(r, top);
	return 0;
}
