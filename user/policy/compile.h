/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Geo database → zone-tagged prefix lists, ready for the kernel maps. */
#ifndef JURIS_COMPILE_H
#define JURIS_COMPILE_H

#include <stddef.h>
#include <stdint.h>
#include "policy/geodb.h"
#include "policy/prefix.h"
#include "policy/zones.h"

struct compile_stats {
	uint64_t read_v4, read_v6;     /* networks read from the database */
	uint64_t merged_v4, merged_v6; /* prefixes after local override and merge */
	double seconds;
};

/* Full pipeline: read, tag zones, local ranges win, merge adjacent equal
 * prefixes. The lists in out are owned by the caller (prefix_list_free). */
int compile_geodb(const char *path, const struct zone_table *zt, struct prefix_list *v4,
		  struct prefix_list *v6, struct geodb_info *info, struct compile_stats *stats,
		  char *err, size_t errlen);

#endif
