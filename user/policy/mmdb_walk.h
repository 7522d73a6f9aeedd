/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* A walk over every network of a MaxMind DB, shared by the country and ASN readers. */
#ifndef JURIS_MMDB_WALK_H
#define JURIS_MMDB_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <maxminddb.h>
#include "policy/db_info.h"

/* decode turns a data record into a non-zero value (0: the record has
 * nothing for this reader); it runs once per distinct record. sink receives
 * each network with data, IPv4 networks as IPv4 (addr[0..3], len 0..32,
 * IPv4 subtree of an IPv6 database once, aliases skipped). Both return 0 or
 * a negative errno with a one-line reason in err. */
struct mmdb_visitor {
	int (*decode)(void *ctx, MMDB_entry_s *entry, uint32_t *value, char *err, size_t errlen);
	int (*sink)(void *ctx, bool v4, const uint8_t *addr, uint8_t len, uint32_t value, char *err,
		    size_t errlen);
	void *ctx;
};

/* Opens path (.mmdb, or gzip of one up to gz_max bytes), checks it against
 * hostile input, fills info's file fields and walks it. An error (a
 * database without networks is one) comes back with a reason in err. */
int mmdb_walk_path(const char *path, uint64_t gz_max, const struct mmdb_visitor *vis,
		   struct geodb_info *info, char *err, size_t errlen);

/* libmaxminddb's status in words, for one-line errors. */
const char *mmdb_reason(int status);

#endif
