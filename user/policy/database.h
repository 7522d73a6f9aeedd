/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Finds the geo database in force and compiles it for the kernel maps. */
#ifndef JURIS_DATABASE_H
#define JURIS_DATABASE_H

#include <stdio.h>
#include "policy/compile.h"
#include "policy/policy.h"

#define DEFAULT_DB_NAME "geo-whois-asn-country.mmdb"
/* Older than this, juris warns that the database is stale. */
#define DB_MAX_AGE_DAYS 90

struct loaded_db {
	char path[4096];
	struct prefix_list v4, v6;
	struct geodb_info info;
	struct compile_stats stats;
};

/* name in data/default/ beside the binary's source tree, else in
 * JURIS_DATADIR; -ENOENT (buf holding the latter) when in neither. */
int data_file_path(const char *name, char *buf, size_t len);
/* --db, else $JURIS_DB, else data_file_path(DEFAULT_DB_NAME). */
int database_path(const struct juris_policy *pol, char *buf, size_t len);
int database_load(const struct juris_policy *pol, struct loaded_db *db, char *err, size_t errlen);
void database_free(struct loaded_db *db);
/* Whole days since the build epoch (0 when the epoch is in the future). */
long database_age_days(uint64_t build_epoch);
/* Prints a warning line when the database is older than DB_MAX_AGE_DAYS. */
void database_warn_age(FILE *out, const char *path, uint64_t build_epoch);

#endif
