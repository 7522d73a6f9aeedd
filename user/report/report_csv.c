/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris report --format csv: RFC 4180 (CRLF, quotes only where needed),
 * one header line of the column names, exact numbers; text cells through
 * text_csv_field() (no formula can start a cell). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include "base/text_escape.h"
#include "report/report_csv.h"

int report_print_csv(FILE *out, const struct report *r, int width)
{
	(void)width;
	for (int c = 0; c < r->n_cols; c++) {
		if (c)
			fputc(',', out);
		fputs(r->cols[c].name, out);
	}
	fputs("\r\n", out);
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct report_row *row = &r->rows[i];

		for (int c = 0; c < r->n_cols; c++) {
			if (c)
				fputc(',', out);
			if (r->cols[c].kind == COL_TEXT) {
				if (text_csv_field(out, row->text[c] ? row->text[c] : ""))
					return -ENOMEM;
			} else if (r->cols[c].kind == COL_BOOL) {
				fputs(row->num[c] ? "true" : "false", out);
			} else
				fprintf(out, "%" PRIu64, row->num[c]);
		}
		fputs("\r\n", out);
	}
	return ferror(out) ? -EIO : 0;
}
