/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Turns kernel events into NDJSON lines with Elastic Common Schema names. */
#ifndef JURIS_EVENTS_H
#define JURIS_EVENTS_H

#include <stdbool.h>
#include <stdio.h>
#include "juris.h"
#include "policy/embed4.h"
#include "policy/operators.h"
#include "base/rotate.h"

struct event_writer {
	FILE *out;
	struct rotating_file *rot; /* when set, lines go there instead of out */
	char host[256];
	__s64 boot_to_real_ns; /* CLOCK_REALTIME - CLOCK_BOOTTIME */
	const char *mode;
	const char *policy;
	const struct operator_table *ops; /* names of the overlay's AS, or NULL */
	const struct nat64_list *nat64;	  /* the policy's --nat64-prefix, or NULL */
	/* The DNS name of an event's destination (destination.domain), or
	 * NULL; none when the function is NULL. */
	const char *(*domain)(void *ctx, const struct juris_event *e);
	void *domain_ctx;
	/* One readable line per event (a person at a terminal) instead of
	 * NDJSON (files, pipes, collectors). */
	bool human;
};

void event_writer_init(struct event_writer *w, FILE *out, const char *mode, const char *policy);
/* Returns a malloc'd JSON line (no newline) or NULL on allocation failure. */
char *event_to_json(const struct event_writer *w, const struct juris_event *e);
/* The readable line of an event, like the syslog alert: "2026-12-05T08:40:01Z
 * would_block tcp 192.0.2.241:443 us.test US third pid 4242 (curl) uid 1000
 * cgroup 7701 cgroup/connect4". Names from outside are made printable. */
int event_to_line(const struct event_writer *w, const struct juris_event *e, char *buf, size_t len);
int event_write(struct event_writer *w, const struct juris_event *e);

#endif
