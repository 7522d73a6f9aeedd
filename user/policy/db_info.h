/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* What juris says about a geo or AS database file: its type, date and size. */
#ifndef JURIS_DB_INFO_H
#define JURIS_DB_INFO_H

#include <stdbool.h>
#include <stdint.h>

struct geodb_info {
	char path[4096];
	char type[128];	      /* metadata database_type */
	const char *schema;   /* "country_code", "country.iso_code", ... */
	uint64_t build_epoch; /* metadata build_epoch */
	uint64_t networks_v4; /* networks with a country, as read */
	uint64_t networks_v6;
	uint64_t file_size;   /* the file as given (compressed for a .gz) */
	uint64_t mmdb_size;   /* the MaxMind DB itself (decompressed) */
	uint32_t node_count;  /* metadata node_count */
	uint16_t ip_version;  /* metadata ip_version: 4 or 6 */
	bool gzip;	      /* the file was gzip-compressed */
	bool libloc;	      /* an IPFire location database, read through libloc */
	char vendor[64];      /* libloc: who built it ("IPFire Project"); "" for a .mmdb */
	char license[64];     /* libloc: its licence ("CC BY-SA 4.0") */
	int sig;	      /* enum locdb_sig: signature state of a libloc file */
	uint64_t no_location; /* libloc networks read as unknown (EU, AP, no code) */
	uint64_t anycast;     /* libloc networks read as unknown for their flag */
	uint64_t satellite;
};

struct asndb_info {
	char path[4096];
	bool mmdb; /* a MaxMind DB, else a CSV of ranges */
	bool gzip;
	bool libloc;	      /* an IPFire location database (read for its ASNs) */
	uint64_t rows;	      /* CSV rows (ranges) read; for a .mmdb, networks with an ASN */
	uint64_t no_asn;      /* CSV rows with AS number 0 ("not routed"), not kept */
	uint64_t overlaps;    /* CSV rows overlapping an earlier row: clipped or dropped */
	uint64_t prefixes_v4; /* CIDR blocks read, before any filter */
	uint64_t prefixes_v6;
	uint64_t build_epoch; /* .mmdb metadata; 0 for a CSV */
	double seconds;
};

#endif
