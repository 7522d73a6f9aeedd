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
#include "policy/locdb.h"

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

int database_newest_libloc(const char *const *candidates, char *buf, size_t len)
{
	uint64_t best = 0;
	int ret = -ENOENT;

	for (int i = 0; candidates[i]; i++) {
		uint64_t built;

		if (!locdb_is_libloc(candidates[i]) || locdb_built(candidates[i], &built))
			continue;
		if (ret || built > best) {
			snprintf(buf, len, "%s", candidates[i]);
			best = built;
			ret = 0;
		}
	}
	return ret;
}

int database_path(const struct juris_policy *pol, char *buf, size_t len)
{
	static const char *const candidates[] = { LOCDB_UPDATED, LOCDB_PACKAGED, NULL };
	const char *env = getenv("JURIS_DB");

	if (pol->db || (env && *env)) {
		snprintf(buf, len, "%s", pol->db ? pol->db : env);
		return 0;
	}
	if (!database_newest_libloc(candidates, buf, len))
		return 0;
	return data_file_path(DEFAULT_DB_NAME, buf, len);
}

int database_load(const struct juris_policy *pol, struct loaded_db *db, char *err, size_t errlen)
{
	struct zone_table *zt = NULL;
	char why[256] = "";
	int ret;

	memset(db, 0, sizeof(*db));
	if (database_path(pol, db->path, sizeof(db->path))) {
		snprintf(err, errlen,
			 "no database: neither %s nor %s nor %s (install "
			 "libloc-database, or give --db FILE)",
			 LOCDB_UPDATED, LOCDB_PACKAGED, db->path);
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
	fprintf(out, "juris: warning: database %s is %ld days old (built %s); %s\n", path, age,
		date,
		locdb_is_libloc(path)
			? "`location update` refreshes it, "
			  "`systemctl enable --now location-update.timer` keeps it current"
			: "give --db a maintained database (libloc's, or MaxMind's kept by geoipupdate)");
}

const char *database_attribution(bool libloc, const char *type)
{
	if (libloc)
		return "IPFire Location Database, IPFire Project, CC BY-SA 4.0 "
		       "(https://location.ipfire.org/)";
	if (strstr(type, "GeoLite2") || strstr(type, "GeoIP2"))
		return "GeoLite2/GeoIP2 by MaxMind (https://www.maxmind.com), under its licence";
	if (strstr(type, "DBIP") || strstr(type, "DB-IP") || strstr(type, "dbip"))
		return "IP Geolocation by DB-IP (https://db-ip.com), CC BY 4.0";
	return "ip-location-db: NRO RIR statistics (nro.net), RouteViews (routeviews.org), "
	       "DB-IP (db-ip.com), CC BY 4.0";
}

void database_note(FILE *out, const struct geodb_info *info)
{
	time_t t = (time_t)info->build_epoch;
	char date[32];
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	if (info->libloc)
		fprintf(out,
			"juris: database %s: %s, libloc, built %s, %ld days old, "
			"signature %s\n",
			info->path, info->vendor[0] ? info->vendor : "(no vendor)", date,
			database_age_days(info->build_epoch), locdb_sig_name(info->sig));
	else
		fprintf(out, "juris: database %s: MaxMind DB %s, built %s, %ld days old\n",
			info->path, info->type, date, database_age_days(info->build_epoch));
	database_warn_age(out, info->path, info->build_epoch);
}
