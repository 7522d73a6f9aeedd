/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris report --format html: one self-contained page of every view, for
 * auditors and managers. */
#ifndef JURIS_REPORT_HTML_H
#define JURIS_REPORT_HTML_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "kernel/loader.h"
#include "report/report.h"

#define HTML_DEFAULT_TOP 25 /* rows per table when --top is not given */
#define HTML_MAX_BARS 15    /* countries in the chart; the rest are summed */

/* The views the page shows, each built by report_build, and the policy and
 * database in force (the pinned config and meta maps). */
struct report_page {
	const struct report *zones;	/* BY_ZONE: exact totals */
	const struct report *countries; /* BY_COUNTRY: the chart */
	const struct report *flows;	/* BY_FLOW */
	const struct report *processes; /* BY_PROCESS */
	const struct juris_config *cfg;
	const struct juris_meta *meta;
	uint32_t top;	  /* rows per table */
	const char *host; /* this host's name */
	/* The watched cgroups' paths, meta->n_cgroups of them ("" when gone);
	 * root_cgroup: the one watched is the root (the whole host). */
	const char *const *watched;
	bool root_cgroup;
	const char *const *exceptions; /* --except prefixes and --except-domain patterns */
	size_t n_exceptions;
	const char *db_source;		/* where the database comes from, in words, or NULL */
	const struct flow_entry *table; /* the flow table as read: exposure and reasons */
	size_t n_table;
	const struct operator_table *ops; /* operators' names (NULL: numbers only) */
};

/* Writes the page: XHTML-valid markup (so that an XML parser reads it too),
 * inline CSS and SVG, no script and no external resource. Every string is
 * escaped, and bytes that are not UTF-8 become U+FFFD. Returns 0 or -EIO. */
int report_print_html(FILE *out, const struct report_page *p);

/* s as XHTML text: markup escaped, what is not UTF-8 replaced (the one
 * escaper of the HTML pages, also the fleet page's). */
void report_html_text(FILE *out, const char *s);

#endif
