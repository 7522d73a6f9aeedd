/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The foreign-control exposure: destinations located in an allowed zone
 * but run by an operator controlled from outside it ("located FR, operated
 * from US (AS16509 Amazon)"), summed from the flow table per operator and
 * location, with the processes that sent to them. */
#ifndef JURIS_EXPOSURE_H
#define JURIS_EXPOSURE_H

#include <stddef.h>
#include <stdint.h>
#include "juris.h"
#include "report/report.h"

#define EXPOSURE_MAX_PROCS 8 /* processes named per row; the rest counted */

struct exposure_proc {
	uint32_t pid;
	char comm[16]; /* not NUL-terminated when 16 long */
	uint64_t bytes;
};

struct exposure_row {
	uint32_t asn;
	char op_cc[2]; /* the operator's home */
	char cc[2];    /* where the destinations are located */
	uint8_t zone;  /* their zone (allowed) */
	uint64_t flows, packets, bytes;
	uint64_t outside_flows; /* of them, counted outside the policy (audit, deny) */
	struct exposure_proc procs[EXPOSURE_MAX_PROCS]; /* most bytes first */
	size_t n_procs;					/* shown, at most EXPOSURE_MAX_PROCS */
	size_t more_procs;				/* processes beyond those */
};

/* Rows of the flows to foreign operators located in zones up to
 * allow_zone (fr..adequate), the most bytes first. *rows is malloc'd. */
int exposure_build(const struct flow_entry *flows, size_t n, uint8_t allow_zone,
		   struct exposure_row **rows, size_t *n_rows);

#endif
