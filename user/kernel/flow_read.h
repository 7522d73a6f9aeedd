/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Reads the pinned flow table. */
#ifndef JURIS_FLOW_READ_H
#define JURIS_FLOW_READ_H

#include <stddef.h>
#include <stdint.h>
#include "juris.h"

/* One entry of the flow table, as read from the kernel. */
struct flow_entry {
	struct flow_key k;
	struct flow_val v;
};

/* Reads every entry of the flow table (batch lookups, one key at a time
 * when the kernel has no batch operations). *out is malloc'd. */
int flow_table_read(int fd, uint32_t max_entries, struct flow_entry **out, size_t *n);

#endif
