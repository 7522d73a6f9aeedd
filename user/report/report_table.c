/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris report --format table: aligned columns that fit the terminal, sizes
 * in KiB/MiB for people; the exact numbers are in the JSON and CSV. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "base/text_escape.h"
#include <sys/ioctl.h>
#include "report/report_table.h"

#define GAP 2	   /* spaces between columns */
#define MIN_TEXT 4 /* a text column never shrinks below this */

const char *report_human_bytes(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, len, "%" PRIu64 " B", bytes);
		return buf;
	}
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	/* One decimal while it carries information, none once it is noise. */
	snprintf(buf, len, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
	return buf;
}

int report_output_width(int fd)
{
	const char *env = getenv("COLUMNS");
	struct winsize ws;
	char *end;
	long v;

	if (env && *env) {
		errno = 0;
		v = strtol(env, &end, 10);
		if (!errno && !*end && v > 0 && v <= 100000)
			return (int)v;
	}
	if (!ioctl(fd, TIOCGWINSZ, &ws) && ws.ws_col > 0)
		return ws.ws_col;
	return REPORT_WIDTH_ANY;
}

/* The text of one cell as the table shows it; "-" for an unknown value.
 * Text comes from text_terminal() (shown[], one per row and column). */
static const char *cell(const struct report *r, const struct report_row *row, int c, char *buf,
			size_t len, char *const *shown)
{
	switch (r->cols[c].kind) {
	case COL_TEXT:
		return row->text[c] && row->text[c][0] ? shown[c] : "-";
	case COL_BYTES:
		return report_human_bytes(row->num[c], buf, len);
	case COL_BOOL:
		return row->num[c] ? "yes" : "no";
	default:
		snprintf(buf, len, "%" PRIu64, row->num[c]);
		return buf;
	}
}

static int total_width(const struct report *r, const int *w, const bool *shown)
{
	int total = 0, n = 0;

	for (int c = 0; c < r->n_cols; c++)
		if (shown[c])
			total += w[c] + (n++ ? GAP : 0);
	return total;
}

/* The widest text column that may still shrink (elastic ones only, if
 * elastic_only), or -1. */
static int widest_text(const struct report *r, const int *w, const bool *shown, bool elastic_only)
{
	int widest = -1;

	for (int c = 0; c < r->n_cols; c++)
		if (shown[c] && r->cols[c].kind == COL_TEXT && w[c] > MIN_TEXT &&
		    (!elastic_only || r->cols[c].elastic) && (widest < 0 || w[c] > w[widest]))
			widest = c;
	return widest;
}

/* True when no row has a value in text column c (a domain column when
 * juris saw no DNS answer): it says nothing. */
static bool empty_text_col(const struct report *r, int c)
{
	if (r->cols[c].kind != COL_TEXT || !r->n_rows)
		return false;
	for (size_t i = 0; i < r->n_rows; i++)
		if (r->rows[i].text[c] && r->rows[i].text[c][0])
			return false;
	return true;
}

/* Makes the row fit width: first drops the text columns without a value,
 * then the columns a narrow terminal can do without, then shortens the
 * elastic text (commands, cgroup paths), then any text. The numbers are
 * what the reader came for: never cut. */
static void fit(const struct report *r, int *w, bool *shown, int width)
{
	for (int c = 0; c < r->n_cols && total_width(r, w, shown) > width; c++)
		if (empty_text_col(r, c))
			shown[c] = false;
	for (;;) {
		int drop = -1;

		if (total_width(r, w, shown) <= width)
			return;
		for (int c = 0; c < r->n_cols; c++)
			if (shown[c] && r->cols[c].hide > 0 &&
			    (drop < 0 || r->cols[c].hide > r->cols[drop].hide))
				drop = c;
		if (drop < 0)
			break;
		shown[drop] = false;
	}
	for (int pass = 0; pass < 2; pass++)
		for (;;) {
			int c;

			if (total_width(r, w, shown) <= width)
				return;
			c = widest_text(r, w, shown, pass == 0);
			if (c < 0)
				break;
			w[c]--;
		}
}

/* Prints s in w columns, cut with "…" when longer: columns, not bytes,
 * so that wide and combining characters keep the next column in place. */
static void put_cell(FILE *out, const char *s, int w, bool right)
{
	int n = text_width(s), used;
	size_t cut;

	if (n > w) {
		cut = text_cut(s, w - 1, &used);
		fprintf(out, "%.*s\u2026%*s", (int)cut, s, w - 1 - used, "");
		return;
	}
	if (right)
		fprintf(out, "%*s%s", w - n, "", s);
	else
		fprintf(out, "%s%*s", s, w - n, "");
}

static void put_line(FILE *out, const struct report *r, const int *w, const bool *shown,
		     const char *const *cells)
{
	int last = -1, n = 0;

	for (int c = 0; c < r->n_cols; c++)
		if (shown[c])
			last = c;
	for (int c = 0; c < r->n_cols; c++) {
		bool right = r->cols[c].kind == COL_NUM || r->cols[c].kind == COL_BYTES;
		int cw = w[c];

		if (!shown[c])
			continue;
		if (n++)
			fprintf(out, "%*s", GAP, "");
		/* No trailing blanks after a left-aligned last column. */
		if (c == last && !right && text_width(cells[c]) < cw)
			cw = text_width(cells[c]);
		put_cell(out, cells[c], cw, right);
	}
	fputc('\n', out);
}

/* Every text cell through text_terminal(): rows × REPORT_MAX_COLS strings
 * (NULL where no text), or NULL when out of memory. */
static char **escape_cells(const struct report *r)
{
	char **t = calloc(r->n_rows * REPORT_MAX_COLS + 1, sizeof(*t));

	for (size_t i = 0; t && i < r->n_rows; i++)
		for (int c = 0; c < r->n_cols; c++) {
			const char *s = r->rows[i].text[c];

			if (r->cols[c].kind != COL_TEXT || !s)
				continue;
			t[i * REPORT_MAX_COLS + c] = text_terminal(s);
			if (!t[i * REPORT_MAX_COLS + c]) {
				for (size_t j = 0; j < r->n_rows * REPORT_MAX_COLS; j++)
					free(t[j]);
				free(t);
				return NULL;
			}
		}
	return t;
}

int report_print_table(FILE *out, const struct report *r, int width)
{
	char bufs[REPORT_MAX_COLS][32], head[REPORT_MAX_COLS][32];
	const char *cells[REPORT_MAX_COLS];
	int w[REPORT_MAX_COLS];
	bool shown[REPORT_MAX_COLS];
	char **text = escape_cells(r);

	if (!text)
		return -ENOMEM;

	for (int c = 0; c < r->n_cols; c++) {
		const char *name = r->cols[c].head ? r->cols[c].head : r->cols[c].name;
		size_t i;

		for (i = 0; name[i] && i < sizeof(head[c]) - 1; i++)
			head[c][i] = (char)toupper((unsigned char)name[i]);
		head[c][i] = 0;
		cells[c] = head[c];
		shown[c] = true;
		w[c] = (int)strlen(head[c]);
	}
	for (size_t i = 0; i < r->n_rows; i++)
		for (int c = 0; c < r->n_cols; c++) {
			int n = text_width(cell(r, &r->rows[i], c, bufs[c], sizeof(bufs[c]),
						&text[i * REPORT_MAX_COLS]));

			if (n > w[c])
				w[c] = n;
		}
	fit(r, w, shown, width);
	put_line(out, r, w, shown, cells);
	for (size_t i = 0; i < r->n_rows; i++) {
		for (int c = 0; c < r->n_cols; c++)
			cells[c] = cell(r, &r->rows[i], c, bufs[c], sizeof(bufs[c]),
					&text[i * REPORT_MAX_COLS]);
		put_line(out, r, w, shown, cells);
	}
	if (!r->n_rows)
		fprintf(out, "(nothing counted yet)\n");
	if (r->n_rows < r->total_rows)
		fprintf(out, "(top %zu of %zu rows)\n", r->n_rows, r->total_rows);
	/* The flow table forgets (LRU): say how much, so that nobody takes
	 * these rows for the exact totals (--by zone). */
	if (r->meta.from_flow_table)
		fprintf(out, "flow table: %" PRIu64 "/%" PRIu64 ", %" PRIu64 " evicted\n",
			r->meta.flows_in_table, r->meta.flow_table_size, r->meta.flow_evictions);
	for (size_t j = 0; j < r->n_rows * REPORT_MAX_COLS; j++)
		free(text[j]);
	free(text);
	return ferror(out) ? -EIO : 0;
}
