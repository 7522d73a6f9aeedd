/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Country → zone tables (embedded data, see data/zones/), and the local
 * special-purpose ranges. */
#ifndef JURIS_ZONES_H
#define JURIS_ZONES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "policy/prefix.h"

struct zone_table;
int zone_table_new(struct zone_table **out, bool us_adequate, char *err, size_t errlen);
/* zone_table_new from the given tables instead of the embedded ones (tests);
 * a malformed table is an error "NAME.txt:LINE: reason". */
struct embedded_file;
int zone_table_parse(struct zone_table **out, const struct embedded_file *files, unsigned n,
		     bool us_adequate, char *err, size_t errlen);
void zone_table_free(struct zone_table *zt);
/* zone of an ISO alpha-2 code; ZONE_UNKNOWN for "\0\0", ZONE_THIRD for any
 * other country not listed. */
uint8_t zone_of_country(const struct zone_table *zt, const char cc[2]);
/* The local (special-purpose) ranges, zone ZONE_LOCAL, cc "\0\0". */
const struct prefix_list *zone_local_v4(const struct zone_table *zt);
const struct prefix_list *zone_local_v6(const struct zone_table *zt);

#endif
