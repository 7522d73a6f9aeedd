/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The country reader of MaxMind DBs (.mmdb or .mmdb.gz). */
#ifndef JURIS_GEODB_H
#define JURIS_GEODB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "policy/db_info.h"
#include "policy/prefix.h"

/* Largest decompressed size accepted from a .mmdb.gz (a gzip bomb guard). */
#define GEODB_GZ_MAX_BYTES (1024ull << 20)

/* Reads a .mmdb or .mmdb.gz through libmaxminddb and lists every network
 * that has a country (IPv4 subtree of an IPv6 database once, aliases
 * skipped). On error returns a negative errno and writes a one-line reason
 * (without the file name) to err. */
int geodb_read(const char *path, struct prefix_list *v4, struct prefix_list *v6,
	       struct geodb_info *info, char *err, size_t errlen);
/* geodb_read with another cap on the decompressed size of a .gz. */
int geodb_read_max(const char *path, uint64_t gz_max, struct prefix_list *v4,
		   struct prefix_list *v6, struct geodb_info *info, char *err, size_t errlen);

#endif
