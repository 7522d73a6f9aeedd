/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Address → AS number sources (CSV ranges, MaxMind ASN DB) and the operator
 * overlay built on them. */
#ifndef JURIS_ASNDB_H
#define JURIS_ASNDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "policy/asn_list.h"
#include "policy/db_info.h"
#include "policy/operators.h"

/* Largest CSV accepted, decompressed (a gzip bomb guard). */
#define ASNDB_MAX_BYTES (1024ull << 20)

/* Reads path into lists of prefixes (appended to v4 and v6) with their ASN.
 * A libloc location database, told by its content, is read by
 * locdb_read_asn (every network with an AS). A name ending in .mmdb or .mmdb.gz is a MaxMind DB with
 * autonomous_system_number (GeoLite2-ASN schema); anything else is a CSV of
 * @ip-location-db/asn rows "first,last,asn,organisation" (inclusive address
 * ranges, each family's rows in address order, IPv4 and IPv6 rows in one
 * file or two, IPv4-mapped IPv6 as IPv4, RFC 4180 quoting), plain or
 * gzip. Each range becomes its minimal set of CIDR blocks; a row that
 * overlaps an earlier row of its family is clipped to what is not yet
 * covered (info->overlaps counts them). On error returns
 * a negative errno and a one-line reason in err ("line N: reason" for a CSV
 * row), without the file name; the lists are then freed. */
int asndb_read(const char *path, struct asn_list *v4, struct asn_list *v6, struct asndb_info *info,
	       char *err, size_t errlen);

/* asndb_read keeping only the prefixes whose ASN is in ops, with the
 * operator's home in cc, then sorted and merged as asn_overlay_compile does:
 * the contents of the overlay maps, without holding the whole source. */
int asndb_compile(const char *path, const struct operator_table *ops, struct asn_list *v4,
		  struct asn_list *v6, struct asndb_info *info, char *err, size_t errlen);

/* The ASN and organisation of one address (addr as in struct asn_prefix,
 * bits 32 or 128), by a pass over the source: for `juris lookup`. *asn is 0
 * and org "" when no network holds the address. */
int asndb_find(const char *path, const uint8_t *addr, int bits, uint32_t *asn, char *org,
	       size_t orglen, char *err, size_t errlen);

/* Appends the minimal CIDR blocks covering first..last (bits 32 or 128,
 * first <= last) to l. */
int asn_range_to_cidrs(struct asn_list *l, const uint8_t *first, const uint8_t *last, int bits,
		       uint32_t asn);

/* The overlay for one family's kernel map: the prefixes of in (disjoint, as
 * asndb_read returns them) whose ASN is in ops, with the operator's home in
 * cc, sorted by address then length, sibling prefixes of the same ASN merged
 * into their parent. out is replaced. */
int asn_overlay_compile(const struct asn_list *in, const struct operator_table *ops,
			struct asn_list *out);

#endif
