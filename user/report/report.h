/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris report: the pinned counters and flow table, aggregated into a table
 * of rows that one printer per output format writes out. */
#ifndef JURIS_REPORT_H
#define JURIS_REPORT_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "juris.h"
#include "policy/operators.h"
#include "kernel/flow_read.h"
#include "report/report_names.h"

/* How a printer shows a column: text as is; a number exactly; a byte
 * count exactly in JSON and CSV, human-readable (KiB, MiB) in the table. */
enum report_col_kind {
	COL_TEXT,
	COL_NUM,
	COL_BYTES,
};

struct report_col {
	const char *name;		/* JSON key and CSV header; upper-cased in the table */
	enum report_col_kind kind;
	const char *head;		/* table header when not the upper-cased name */
	int hide;			/* > 0: the table drops it when too narrow, highest first */
	bool elastic;			/* the table shortens it before the other text */
};

#define REPORT_MAX_COLS 12

struct report_row {
	char *text[REPORT_MAX_COLS];	/* COL_TEXT cells, malloc'd ("" when unknown) */
	uint64_t num[REPORT_MAX_COLS];	/* COL_NUM and COL_BYTES cells */
	int verdict;			/* enum juris_verdict, for the order */
};

/* What the printers say about where the rows come from. */
struct report_meta {
	const char *pin_dir;
	int64_t generated;		/* seconds since the epoch */
	bool daemon_running;
	bool from_flow_table;		/* rows from the flow table, not the exact totals */
	uint64_t flows_in_table;
	uint64_t flow_table_size;
	uint64_t flow_evictions;
	uint64_t ringbuf_drops;
};

struct report {
	enum report_by by;
	struct report_meta meta;
	const struct report_col *cols;
	int n_cols;
	struct report_row *rows;
	size_t n_rows;
	size_t total_rows;		/* before --top */
	const char *sort;		/* the column that orders rows of a verdict */
};

/* Where report_build reads: the exact totals for --by zone, the flow table
 * for the other views. cgroup_path names a cgroup id (NULL: ids only). */
struct report_input {
	const struct juris_totals *totals;	/* TOTALS_MAX entries, summed over CPUs */
	const struct flow_entry *flows;
	size_t n_flows;
	int (*cgroup_path)(uint64_t id, char *buf, size_t len);
	const struct operator_table *ops;	/* names of the AS (NULL: numbers only) */
	/* The DNS name of a flow's destination (NULL: none shown). */
	int (*domain_of)(void *ctx, const struct flow_entry *f, char *buf, size_t len);
	void *domain_ctx;
	const char *sort;			/* NULL: "bytes"; or "packets" */
};

/* Aggregates in into r by `by`, flows outside the policy first then by
 * bytes (or in->sort), keeping at most top rows (0: all). Returns 0 or
 * -ENOMEM. */
int report_build(struct report *r, enum report_by by, const struct report_input *in,
		 uint32_t top);
void report_free(struct report *r);

/* One printer per format; width is the terminal's (the table alone uses it). */
typedef int (*report_printer)(FILE *out, const struct report *r, int width);


/* "1.5 KiB": 1024-based units, one decimal below 10, none above. */
const char *report_human_bytes(uint64_t bytes, char *buf, size_t len);

#endif
