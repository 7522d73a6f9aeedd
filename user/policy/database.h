/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Finds the geo database in force and compiles it for the kernel maps. */
#ifndef JURIS_DATABASE_H
#define JURIS_DATABASE_H

#include <stdio.h>
#include "policy/compile.h"
#include "policy/policy.h"

#define DEFAULT_DB_NAME "geo-whois-asn-country.mmdb"
/* Older than this, juris warns that the database is stale: the location
 * updater runs daily, so a month means it stopped. */
#define DB_MAX_AGE_DAYS 30
/* The libloc databases looked for when none is given, in this order: the
 * one `location update` keeps current, then Debian's packaged snapshot. */
#define LOCDB_UPDATED "/var/lib/location/database.db"
#define LOCDB_PACKAGED "/usr/share/libloc-location/location.db"

struct loaded_db {
	char path[4096];
	struct prefix_list v4, v6;
	struct geodb_info info;
	struct compile_stats stats;
};

/* name in data/default/ beside the binary's source tree, else in
 * JURIS_DATADIR; -ENOENT (buf holding the latter) when in neither. */
int data_file_path(const char *name, char *buf, size_t len);
/* --db, else $JURIS_DB, else the newest libloc database of LOCDB_UPDATED
 * and LOCDB_PACKAGED that libloc opens (the first of equals), else
 * data_file_path(DEFAULT_DB_NAME): the frozen npm database, kept only for a
 * machine without libloc-database. */
int database_path(const struct juris_policy *pol, char *buf, size_t len);
/* The newest openable libloc database of the candidates (NULL-terminated)
 * into buf: 0, or -ENOENT when none opens. */
int database_newest_libloc(const char *const *candidates, char *buf, size_t len);
int database_load(const struct juris_policy *pol, struct loaded_db *db, char *err, size_t errlen);
void database_free(struct loaded_db *db);
/* Whole days since the build epoch (0 when the epoch is in the future). */
long database_age_days(uint64_t build_epoch);
/* Prints a warning line when the database is older than DB_MAX_AGE_DAYS. */
void database_warn_age(FILE *out, const char *path, uint64_t build_epoch);
/* One line: which database is in force, its source, build date, age and
 * signature; then database_warn_age's warning, with how to update it. */
void database_note(FILE *out, const struct geodb_info *info);
/* The attribution the licence of a database asks for, one line: libloc's,
 * or that of a MaxMind DB of this database_type. */
const char *database_attribution(bool libloc, const char *type);

#endif
