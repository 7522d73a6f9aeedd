/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris report --format csv: RFC 4180 (CRLF, quotes only where needed),
 * one header line of the column names, exact numbers. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include "report/report_csv.h"

static void put_field(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

int report_print_csv(FILE *out, const struct report *r, int width)
{
	(void)width;
	for (int c = 0; c < r->n_cols; c++) {
		if (c)
			fputc(',', out);
		put_field(out, r->cols[c].name);
	}
	fputs("\r\n", out);
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct report_row *row = &r->rows[i];

		for (int c = 0; c < r->n_cols; c++) {
			if (c)
				fputc(',', out);
			if (r->cols[c].kind == COL_TEXT)
				put_field(out, row->text[c] ? row->text[c] : "");
			else
				fprintf(out, "%" PRIu64, row->num[c]);
		}
		fputs("\r\n", out);
	}
	return ferror(out) ? -EIO : 0;
}
