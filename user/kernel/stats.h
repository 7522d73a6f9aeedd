/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Reads the kernel's totals, counters and flow table. */
#ifndef JURIS_STATS_H
#define JURIS_STATS_H

#include "juris.h"
#include "kernel/loader.h"

struct juris_stats {
	struct juris_totals totals[TOTALS_MAX]; /* summed over CPUs */
	__u64 counters[CNT_MAX];		/* summed over CPUs */
	__u64 flows_in_table;
	__u64 flows_created;   /* sum of totals[].flows */
	__u64 entries_created; /* flows_created + CNT_FLOW_ENTRIES_EXTRA */
	__u64 flow_evictions;  /* created but no longer in the table */
	__u64 flow_table_size;
};

int stats_read(const struct juris_maps *m, struct juris_stats *s);

/* 0 when the flow table fd has this build's key and value (an 8-byte flow
 * id, struct flow_val); -EPROTO for pins left by a juris of another layout,
 * which would overrun the buffers (juris stop, then juris run, anew). */
int flow_table_check(int fd);

/* strerror(-err) of a read of the pins, where -EPROTO says what it means
 * there: they were made by another version of juris. */
const char *pins_strerror(int err);

#endif
