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
#include "policy/compile.h"
#include "policy/operators.h"
#include "kernel/exact.h"
#include "kernel/flow_read.h"
#include "report/report_names.h"
#include "policy/embed4.h"

/* How a printer shows a column: text as is; a number exactly; a byte
 * count exactly in JSON and CSV, human-readable (KiB, MiB) in the table;
 * a flag as true/false in JSON and CSV, yes/no in the table and HTML. */
enum report_col_kind {
	COL_TEXT,
	COL_NUM,
	COL_BYTES,
	COL_BOOL, /* num 0 or 1: a JSON boolean, "yes"/"no" for people */
};

struct report_col {
	const char *name; /* JSON key and CSV header; upper-cased in the table */
	enum report_col_kind kind;
	const char *head; /* table header when not the upper-cased name */
	int hide;	  /* > 0: the table drops it when too narrow, highest first */
	bool elastic;	  /* the table shortens it before the other text */
};

#define REPORT_MAX_COLS 21

struct report_row {
	char *text[REPORT_MAX_COLS];   /* COL_TEXT cells, malloc'd ("" when unknown) */
	uint64_t num[REPORT_MAX_COLS]; /* COL_NUM, COL_BYTES and COL_BOOL cells */
	int verdict;		       /* enum juris_verdict, for the order */
};

/* What the printers say about where the rows come from. */
struct report_meta {
	const char *pin_dir;
	int64_t generated; /* seconds since the epoch */
	bool daemon_running;
	bool from_flow_table; /* rows from the flow table, not the exact totals */
	uint64_t flows_in_table;
	uint64_t flow_table_size;
	uint64_t flow_evictions;
	uint64_t ringbuf_drops;
	/* juris report --prometheus: the API and the period (0: latest). */
	const char *prometheus;
	uint64_t since;
	size_t hosts; /* hosts that answered */
};

struct report {
	enum report_by by;
	struct report_meta meta;
	const struct report_col *cols;
	int n_cols;
	struct report_row *rows;
	size_t n_rows;
	size_t total_rows; /* before --top */
	const char *sort;  /* the column that orders rows of a verdict */
};

/* Where report_build reads: the exact totals for --by zone, the flow table
 * for the other views. cgroup_path names a cgroup id (NULL: ids only). */
struct report_input {
	const struct juris_totals *totals; /* TOTALS_MAX entries, summed over CPUs */
	const struct flow_entry *flows;
	size_t n_flows;
	int (*cgroup_path)(uint64_t id, char *buf, size_t len);
	const struct operator_table *ops; /* names of the AS (NULL: numbers only) */
	/* The DNS name of a flow's destination (NULL: none shown). */
	int (*domain_of)(void *ctx, const struct flow_entry *f, char *buf, size_t len);
	void *domain_ctx;
	const char *sort;		/* NULL: "bytes"; or "packets" */
	const struct nat64_list *nat64; /* the policy's --nat64-prefix (NULL: none) */
	/* The exact counters: --by country and --by operator read them
	 * instead of the flow table (NULL: the flow table). */
	const struct juris_exact *exact;
	/* The zone of a country under the live policy, for the exact rows
	 * (NULL: zones from ZONE_THIRD for every country). */
	const struct zone_table *zt;
};

/* Aggregates in into r by `by`, flows outside the policy first then by
 * bytes (or in->sort), keeping at most top rows (0: all). Returns 0 or
 * -ENOMEM. */
int report_build(struct report *r, enum report_by by, const struct report_input *in, uint32_t top);
void report_free(struct report *r);
/* Orders r's rows as report_build does and keeps the first top (0: all):
 * for builders of rows from elsewhere (report/fleet.c). */
void report_finish(struct report *r, uint32_t top);

/* The exact counters by country and operator (*x) and the zone of each
 * country under the pinned policy (*zt: its zones, --us-adequate), for
 * report_input. Both are the caller's to free, whatever it returns. */
struct juris_maps;
int report_read_exact(const struct juris_maps *m, struct juris_exact **x, struct zone_table **zt);

/* Sets row's text column col from a printf format (for the builders of
 * rows). Returns 0 or -ENOMEM, the cell then NULL. */
int report_set_text(struct report_row *row, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* One printer per format; width is the terminal's (the table alone uses it). */
typedef int (*report_printer)(FILE *out, const struct report *r, int width);

/* "1.5 KiB": 1024-based units, one decimal below 10, none above. */
const char *report_human_bytes(uint64_t bytes, char *buf, size_t len);

#endif
