/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The country reader of MaxMind DBs: the ISO code of every network. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <maxminddb.h>
#include "base/errmsg.h"
#include "policy/geodb.h"
#include "policy/locdb.h"
#include "policy/mmdb_walk.h"

/* Where each schema keeps the ISO code, in order of preference. */
static const char *const path_country_code[] = { "country_code", NULL };
static const char *const path_country[] = { "country", "iso_code", NULL };
static const char *const path_registered[] = { "registered_country", "iso_code", NULL };

static const struct schema {
	const char *name;
	const char *const *path;
} schemas[] = {
	{ "country_code", path_country_code },		    /* ip-location-db */
	{ "country.iso_code", path_country },		    /* GeoLite2/GeoIP2, DB-IP */
	{ "registered_country.iso_code", path_registered }, /* their fallback */
};

#define N_SCHEMAS (sizeof(schemas) / sizeof(schemas[0]))

static bool ascii_letter(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* The first schema whose path holds exactly two ASCII letters wins; a path
 * that does not fit the record's shape is "no answer", not an error. */
/* What the country reader collects through the walk. */
struct country_ctx {
	struct prefix_list *v4, *v6;
	struct geodb_info *info;
	unsigned schemas_seen; /* bit i: schemas[i] gave a country */
};

static int decode_country(void *ctx, MMDB_entry_s *entry, uint32_t *cc, char *err, size_t errlen)
{
	struct country_ctx *c = ctx;

	*cc = 0;
	for (size_t i = 0; i < N_SCHEMAS; i++) {
		MMDB_entry_data_s d;
		int status = MMDB_aget_value(entry, &d, schemas[i].path);

		if (status == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR ||
		    status == MMDB_INVALID_LOOKUP_PATH_ERROR)
			continue;
		if (status != MMDB_SUCCESS)
			return errorf(err, errlen, -EINVAL, "data record at offset %u: %s",
				      entry->offset, mmdb_reason(status));
		if (!d.has_data || d.type != MMDB_DATA_TYPE_UTF8_STRING || d.data_size != 2 ||
		    !ascii_letter(d.utf8_string[0]) || !ascii_letter(d.utf8_string[1]))
			continue;
		*cc = (uint32_t)((uint8_t)upper(d.utf8_string[0]) << 8 |
				 (uint8_t)upper(d.utf8_string[1]));
		c->schemas_seen |= 1u << i;
		return 0;
	}
	return 0;
}

static int sink_country(void *ctx, bool v4, const uint8_t *addr, uint8_t len, uint32_t cc,
			char *err, size_t errlen)
{
	struct country_ctx *c = ctx;
	struct net_prefix np = { .len = len, .cc = { (char)(cc >> 8), (char)(cc & 0xff) } };
	int ret;

	memcpy(np.addr, addr, v4 ? 4 : 16);
	/* No list holds more networks than the tree has nodes: room for
	 * them at once, not a copy at every doubling; the rest is given back
	 * after the merge (prefix_list_fit()). */
	if (!(v4 ? c->v4 : c->v6)->cap)
		prefix_list_reserve(v4 ? c->v4 : c->v6, (size_t)c->info->node_count + 1);
	ret = prefix_list_push(v4 ? c->v4 : c->v6, &np);
	if (ret)
		return errorf(err, errlen, ret, "out of memory");
	if (v4)
		c->info->networks_v4++;
	else
		c->info->networks_v6++;
	return 0;
}

static int country_schema(struct country_ctx *c, char *err, size_t errlen)
{
	if (!c->schemas_seen)
		return errorf(err, errlen, -EINVAL,
			      "unknown schema: no country_code or "
			      "country.iso_code in any record");
	for (size_t i = 0; i < N_SCHEMAS; i++) {
		if (c->schemas_seen & 1u << i) {
			c->info->schema = schemas[i].name;
			break;
		}
	}
	return 0;
}

int geodb_read_max(const char *path, uint64_t gz_max, struct prefix_list *v4,
		   struct prefix_list *v6, struct geodb_info *info, char *err, size_t errlen)
{
	struct country_ctx c = { .v4 = v4, .v6 = v6, .info = info };
	struct mmdb_visitor vis = { .decode = decode_country, .sink = sink_country, .ctx = &c };
	int ret;

	/* By content: a location.db has no telling name. */
	if (locdb_is_libloc(path))
		return locdb_read_country(path, v4, v6, info, err, errlen);
	ret = mmdb_walk_path(path, gz_max, &vis, info, err, errlen);

	if (!ret)
		ret = country_schema(&c, err, errlen);
	if (ret) {
		prefix_list_free(v4);
		prefix_list_free(v6);
	}
	return ret;
}

int geodb_read(const char *path, struct prefix_list *v4, struct prefix_list *v6,
	       struct geodb_info *info, char *err, size_t errlen)
{
	return geodb_read_max(path, GEODB_GZ_MAX_BYTES, v4, v6, info, err, errlen);
}
