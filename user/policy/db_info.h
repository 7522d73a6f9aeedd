/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* What juris says about a geo database file: its type, date and size. */
#ifndef JURIS_DB_INFO_H
#define JURIS_DB_INFO_H

#include <stdbool.h>
#include <stdint.h>

struct geodb_info {
	char path[4096];
	char type[128];		/* metadata database_type */
	const char *schema;	/* "country_code", "country.iso_code", ... */
	uint64_t build_epoch;	/* metadata build_epoch */
	uint64_t networks_v4;	/* networks with a country, as read */
	uint64_t networks_v6;
	uint64_t file_size;	/* the file as given (compressed for a .gz) */
	uint64_t mmdb_size;	/* the MaxMind DB itself (decompressed) */
	uint32_t node_count;	/* metadata node_count */
	uint16_t ip_version;	/* metadata ip_version: 4 or 6 */
	bool gzip;		/* the file was gzip-compressed */
};

#endif
