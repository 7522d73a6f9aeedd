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
#include "kernel/exact.h"
#include "kernel/stats.h"
#include "kernel/watch_state.h"

struct juris_meta;

struct metrics_input {
	const struct juris_stats *stats;
	const struct juris_config *cfg;
	const struct report *by_country;   /* report_build(BY_COUNTRY) of the exact counters */
	const struct juris_exact *exact;   /* the operators' exact counters (NULL: none) */
	const struct juris_meta *meta;	   /* where the database comes from; NULL: unsaid */
	const struct watch_state *targets; /* watched cgroups and interfaces */
	int n_targets;
	uint64_t reattached;		   /* meta.reattached */
	uint64_t gw_attaches, gw_detaches; /* meta: inside interfaces followed */
	int64_t now;			   /* seconds since the epoch */
	const char *version;
	uint64_t walks; /* walks of the maps, this one included */
};

/* Writes every metric in the Prometheus text format (version 0.0.4). */
int metrics_render(FILE *out, const struct metrics_input *in);

#endif
