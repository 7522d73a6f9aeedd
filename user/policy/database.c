/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Finds the geo database in force and compiles it for the kernel maps. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "policy/database.h"

static int exists(const char *p)
{
	return access(p, R_OK) == 0;
}

int data_file_path(const char *name, char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n;

	/* A build tree: build/juris finds data/default/ one level up. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char candidate[PATH_MAX + 64], resolved[PATH_MAX];

		exe[n] = 0;
		snprintf(candidate, sizeof(candidate), "%s/../data/default/%s", dirname(exe), name);
		if (realpath(candidate, resolved) && exists(resolved)) {
			snprintf(buf, len, "%s", resolved);
			return 0;
		}
	}
	snprintf(buf, len, "%s/%s", JURIS_DATADIR, name);
	return exists(buf) ? 0 : -ENOENT;
}

int database_path(const struct juris_policy *pol, char *buf, size_t len)
{
	const char *env = getenv("JURIS_DB");

	if (pol->db || (env && *env)) {
		snprintf(buf, len, "%s", pol->db ? pol->db : env);
		return 0;
	}
	return data_file_path(DEFAULT_DB_NAME, buf, len);
}

int database_load(const struct juris_policy *pol, struct loaded_db *db, char *err, size_t errlen)
{
	struct zone_table *zt = NULL;
	char why[256] = "";
	int ret;

	memset(db, 0, sizeof(*db));
	if (database_path(pol, db->path, sizeof(db->path))) {
		snprintf(err, errlen, "no database: %s is missing (run scripts/install-db.sh, "
			 "or give --db FILE)", db->path);
		return -ENOENT;
	}
	ret = zone_table_new(&zt, pol->us_adequate, why, sizeof(why));
	if (ret) {
		snprintf(err, errlen, "zone tables: %s", why);
		return ret;
	}
	ret = compile_geodb(db->path, zt, &db->v4, &db->v6, &db->info, &db->stats, why,
			    sizeof(why));
	zone_table_free(zt);
	if (ret) {
		snprintf(err, errlen, "cannot open database %s: %s", db->path, why);
		database_free(db);
		return ret;
	}
	return 0;
}

void database_free(struct loaded_db *db)
{
	prefix_list_free(&db->v4);
	prefix_list_free(&db->v6);
}

long database_age_days(uint64_t build_epoch)
{
	time_t now = time(NULL);

	if (!build_epoch || (uint64_t)now <= build_epoch)
		return 0;
	return (long)(((uint64_t)now - build_epoch) / 86400);
}

void database_warn_age(FILE *out, const char *path, uint64_t build_epoch)
{
	long age = database_age_days(build_epoch);
	char date[32];
	time_t t = (time_t)build_epoch;
	struct tm tm;

	if (age <= DB_MAX_AGE_DAYS)
		return;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	fprintf(out, "juris: warning: database %s is %ld days old (built %s); "
		"give --db a maintained database\n", path, age, date);
}
