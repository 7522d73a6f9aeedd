/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris report --format json: one object, exact numbers, rows in report order. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <cjson/cJSON.h>
#include "report/report_json.h"

static cJSON *row_json(const struct report *r, const struct report_row *row)
{
	cJSON *o = cJSON_CreateObject();

	for (int c = 0; o && c < r->n_cols; c++) {
		const char *name = r->cols[c].name;

		if (r->cols[c].kind == COL_TEXT)
			cJSON_AddStringToObject(o, name, row->text[c] ? row->text[c] : "");
		else
			cJSON_AddNumberToObject(o, name, (double)row->num[c]);
	}
	return o;
}

int report_print_json(FILE *out, const struct report *r, int width)
{
	cJSON *root = cJSON_CreateObject(), *ft, *rows;
	time_t t = (time_t)r->meta.generated;
	char when[32], *text;
	struct tm tm;
	int ret = 0;

	(void)width;
	if (!root)
		return -ENOMEM;
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON_AddStringToObject(root, "by", report_by_name(r->by));
	cJSON_AddStringToObject(root, "generated", when);
	cJSON_AddStringToObject(root, "pin_dir", r->meta.pin_dir ? r->meta.pin_dir : "");
	cJSON_AddBoolToObject(root, "daemon_running", r->meta.daemon_running);
	cJSON_AddStringToObject(root, "source", r->meta.from_flow_table ? "flow_table" : "totals");
	ft = cJSON_AddObjectToObject(root, "flow_table");
	cJSON_AddNumberToObject(ft, "entries", (double)r->meta.flows_in_table);
	cJSON_AddNumberToObject(ft, "size", (double)r->meta.flow_table_size);
	cJSON_AddNumberToObject(ft, "evictions", (double)r->meta.flow_evictions);
	cJSON_AddNumberToObject(root, "ringbuf_drops", (double)r->meta.ringbuf_drops);
	cJSON_AddNumberToObject(root, "rows_total", (double)r->total_rows);
	rows = cJSON_AddArrayToObject(root, "rows");
	for (size_t i = 0; rows && i < r->n_rows; i++)
		cJSON_AddItemToArray(rows, row_json(r, &r->rows[i]));
	text = cJSON_PrintUnformatted(root);
	if (!text || fprintf(out, "%s\n", text) < 0)
		ret = text ? -EIO : -ENOMEM;
	cJSON_free(text);
	cJSON_Delete(root);
	return ret;
}
