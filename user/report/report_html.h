/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris report --format html: one self-contained page of every view, for
 * auditors and managers. */
#ifndef JURIS_REPORT_HTML_H
#define JURIS_REPORT_HTML_H

#include <stdint.h>
#include <stdio.h>
#include "kernel/loader.h"
#include "report/report.h"

#define HTML_DEFAULT_TOP 25	/* rows per table when --top is not given */
#define HTML_MAX_BARS 15	/* countries in the chart; the rest are summed */

/* The views the page shows, each built by report_build, and the policy and
 * database in force (the pinned config and meta maps). */
struct report_page {
	const struct report *zones;	/* BY_ZONE: exact totals */
	const struct report *countries;	/* BY_COUNTRY: the chart */
	const struct report *flows;	/* BY_FLOW */
	const struct report *processes;	/* BY_PROCESS */
	const struct juris_config *cfg;
	const struct juris_meta *meta;
	uint32_t top;			/* rows per table */
};

/* Writes the page: XHTML-valid markup (so that an XML parser reads it too),
 * inline CSS and SVG, no script and no external resource. Every string is
 * escaped, and bytes that are not UTF-8 become U+FFFD. Returns 0 or -EIO. */
int report_print_html(FILE *out, const struct report_page *p);

#endif
