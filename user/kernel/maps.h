/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The maps of one juris instance, by name, and their pins under bpffs. */
#ifndef JURIS_MAPS_H
#define JURIS_MAPS_H

#include <stddef.h>

enum juris_map {
	MAP_GEO4_TBL24,
	MAP_GEO4_TBL8,
	MAP_GEO4_CLASS,
	MAP_GEO_V6,
	MAP_EXCEPT_V4,
	MAP_EXCEPT_V6,
	MAP_OPER_V4,
	MAP_OPER_V6,
	MAP_CONFIG,
	MAP_FLOWS,
	MAP_TOTALS,
	MAP_COUNTERS,
	MAP_EVENTS,
	MAP_SOCK_FLOWS,
	MAP_SOURCES_V4,
	MAP_SOURCES_V6,
	MAP_UPLINKS,
	MAP_INSIDE,
	MAP_ACTIVE,
	MAP_DNS_ANSWERS,
	MAP_EXCEPT_DYN,
	MAP_DNS_PATTERNS,
	MAP_DNS_NAMES,
	MAP_WATCHED_CG,
	MAP_WATCHED_PATHS,
	MAP_PACKET_REPORTED,
	MAP_EXACT,
	MAP_EXACT_NESTED,
	MAP_OPER_IDS,
	MAP_META,
	MAP_COUNT,
};

extern const char *const juris_map_names[MAP_COUNT];

/* File descriptors of one instance's maps, either freshly created or
 * opened from the pins. */
struct juris_maps {
	int fd[MAP_COUNT];
};

/* "DIR/PREFIXNAME" into buf; -ENAMETOOLONG when it does not fit. */
int pin_path(char *buf, size_t len, const char *dir, const char *prefix, const char *name);

/* Opens the maps pinned under dir. -ENOENT when nothing is pinned there. */
int juris_open_pinned(const char *dir, struct juris_maps *m);
/* Opens the config map alone: enough to find the daemon of pins that are
 * incomplete (another map removed by hand). -ENOENT when it is gone too. */
int juris_open_config(const char *dir, struct juris_maps *m);
void juris_maps_close(struct juris_maps *m);

#endif
