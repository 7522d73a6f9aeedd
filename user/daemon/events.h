/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Turns kernel events into NDJSON lines with Elastic Common Schema names. */
#ifndef JURIS_EVENTS_H
#define JURIS_EVENTS_H

#include <stdio.h>
#include "juris.h"
#include "policy/operators.h"
#include "base/rotate.h"

struct event_writer {
	FILE *out;
	struct rotating_file *rot;	/* when set, lines go there instead of out */
	char host[256];
	__s64 boot_to_real_ns;		/* CLOCK_REALTIME - CLOCK_BOOTTIME */
	const char *mode;
	const char *policy;
	const struct operator_table *ops;	/* names of the overlay's AS, or NULL */
	/* The DNS name of an event's destination (destination.domain), or
	 * NULL; none when the function is NULL. */
	const char *(*domain)(void *ctx, const struct juris_event *e);
	void *domain_ctx;
};

void event_writer_init(struct event_writer *w, FILE *out, const char *mode, const char *policy);
/* Returns a malloc'd JSON line (no newline) or NULL on allocation failure. */
char *event_to_json(const struct event_writer *w, const struct juris_event *e);
int event_write(struct event_writer *w, const struct juris_event *e);

#endif
