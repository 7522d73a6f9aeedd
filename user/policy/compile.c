/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The compile pipeline: geo database → zone-tagged, local-overridden, merged prefixes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "base/threads.h"
#include "policy/compile.h"
#include "juris.h"

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void tag_zones(struct prefix_list *l, const struct zone_table *zt)
{
	for (size_t i = 0; i < l->n; i++)
		l->v[i].zone = zone_of_country(zt, l->v[i].cc);
}

/* Local ranges go in before the merge, so that the merge can fold them
 * (224.0.0.0/4 and 240.0.0.0/4 become one entry) and drop what they
 * shadow. */
static int finish(struct prefix_list *l, const struct zone_table *zt,
		  const struct prefix_list *local, int bits)
{
	int ret;

	tag_zones(l, zt);
	ret = prefix_apply_local(l, local, bits);
	if (!ret)
		ret = prefix_merge(l, bits);
	if (!ret)
		prefix_list_fit(l);
	return ret;
}

struct finish_job {
	struct prefix_list *l;
	const struct zone_table *zt;
	int ret;
};

static void *finish_v6(void *arg)
{
	struct finish_job *j = arg;

	j->ret = finish(j->l, j->zt, zone_local_v6(j->zt), 128);
	return NULL;
}

/* The two families on two cores: they share nothing but the read-only
 * zone table. */
static int finish_both(struct prefix_list *v4, struct prefix_list *v6, const struct zone_table *zt)
{
	struct finish_job j = { .l = v6, .zt = zt };
	struct beside b;
	int ret;

	beside_start(&b, finish_v6, &j);
	ret = finish(v4, zt, zone_local_v4(zt), 32);
	beside_join(&b);
	return ret ? ret : j.ret;
}

int compile_geodb(const char *path, const struct zone_table *zt, struct prefix_list *v4,
		  struct prefix_list *v6, struct geodb_info *info, struct compile_stats *stats,
		  char *err, size_t errlen)
{
	double start = now_seconds();
	int ret;

	memset(v4, 0, sizeof(*v4));
	memset(v6, 0, sizeof(*v6));
	memset(stats, 0, sizeof(*stats));
	ret = geodb_read(path, v4, v6, info, err, errlen);
	if (ret)
		return ret;
	stats->read_v4 = info->networks_v4;
	stats->read_v6 = info->networks_v6;
	ret = finish_both(v4, v6, zt);
	if (ret) {
		snprintf(err, errlen, "%s", ret == -ENOMEM ? "out of memory" : strerror(-ret));
		prefix_list_free(v4);
		prefix_list_free(v6);
		return ret;
	}
	stats->merged_v4 = v4->n;
	stats->merged_v6 = v6->n;
	stats->seconds = now_seconds() - start;
	return 0;
}
