/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Prometheus metrics of juris: the text exposition format, and the HTTP
 * server of juris run --metrics that serves it. */
#ifndef JURIS_METRICS_H
#define JURIS_METRICS_H

#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include "kernel/loader.h"
#include "report/report.h"
#include "kernel/stats.h"

struct metrics_input {
	const struct juris_stats *stats;
	const struct juris_config *cfg;
	const struct report *by_country;	/* report_build(BY_COUNTRY) of the flow table */
	const struct report *by_operator;	/* report_build(BY_OPERATOR), or NULL */
	int64_t now;				/* seconds since the epoch */
	const char *version;
};

/* Writes every metric in the Prometheus text format (version 0.0.4). */
int metrics_render(FILE *out, const struct metrics_input *in);

#endif
