/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris report --prometheus: the report of a fleet over a period, built
 * from PromQL answers into the rows the single-host printers write. */
#ifndef JURIS_FLEET_H
#define JURIS_FLEET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "report/report.h"

struct fleet_query {
	const char *url;	/* the Prometheus-compatible API */
	const char *host_label; /* the label that names a host */
	uint64_t since;		/* seconds; 0: the latest values */
	int64_t at;		/* the end of the period, seconds since the epoch */
};

/* The PromQL expression summing metric by labels: the latest values, or
 * their increase() over the period (counter resets handled by the
 * engine). buf gets it; -ENOSPC when too small. */
int fleet_expr(char *buf, size_t len, const char *metric, const char *const *labels, int n,
	       uint64_t since);

/* The rows of view by (zone, country, operator or host) summed over the
 * fleet, in report order, at most top (0: all). */
int fleet_build(struct report *r, enum report_by by, const struct fleet_query *q, uint32_t top,
		char *err, size_t errlen);

#endif
