/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The maps of an instance by name, opened from their pins under bpffs. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kernel/maps.h"

const char *const juris_map_names[MAP_COUNT] = {
	[MAP_GEO4_TBL24] = "geo4_tbl24",
	[MAP_GEO4_TBL8] = "geo4_tbl8",
	[MAP_GEO4_CLASS] = "geo4_class",
	[MAP_GEO_V6] = "geo_v6",
	[MAP_EXCEPT_V4] = "except_v4",
	[MAP_EXCEPT_V6] = "except_v6",
	[MAP_OPER_V4] = "oper_v4",
	[MAP_OPER_V6] = "oper_v6",
	[MAP_CONFIG] = "config",
	[MAP_FLOWS] = "flows",
	[MAP_TOTALS] = "totals",
	[MAP_COUNTERS] = "counters",
	[MAP_EVENTS] = "events",
	[MAP_SOCK_FLOWS] = "sock_flows",
	[MAP_SOURCES_V4] = "sources_v4",
	[MAP_SOURCES_V6] = "sources_v6",
	[MAP_UPLINKS] = "uplinks",
	[MAP_INSIDE] = "inside",
	[MAP_ACTIVE] = "active",
	[MAP_DNS_ANSWERS] = "dns_answers",
	[MAP_EXCEPT_DYN] = "except_dyn",
	[MAP_DNS_PATTERNS] = "dns_patterns",
	[MAP_DNS_NAMES] = "dns_names",
	[MAP_WATCHED_CG] = "watched_cg",
	[MAP_WATCHED_PATHS] = "watched_paths",
	[MAP_PACKET_REPORTED] = "packet_reported",
	[MAP_EXACT] = "exact",
	[MAP_EXACT_NESTED] = "exact_nested",
	[MAP_OPER_IDS] = "oper_ids",
	[MAP_META] = "meta",
};

int pin_path(char *buf, size_t len, const char *dir, const char *prefix, const char *name)
{
	int n = snprintf(buf, len, "%s/%s%s", dir, prefix, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int juris_open_pinned(const char *dir, struct juris_maps *m)
{
	char path[4096];
	int ret;

	for (int i = 0; i < MAP_COUNT; i++)
		m->fd[i] = -1;
	/* Config first: its absence means nothing is pinned; the absence of
	 * any other map means pins were removed by hand. */
	for (int n = 0; n < MAP_COUNT; n++) {
		int i = n == 0 ? MAP_CONFIG : n == MAP_CONFIG ? 0 : n;

		ret = pin_path(path, sizeof(path), dir, "", juris_map_names[i]);
		if (ret)
			goto err;
		m->fd[i] = bpf_obj_get(path);
		if (m->fd[i] < 0) {
			ret = -errno;
			if (ret == -ENOENT && i != MAP_CONFIG)
				ret = -EBADF;
			goto err;
		}
	}
	return 0;
err:
	juris_maps_close(m);
	return ret;
}

int juris_open_config(const char *dir, struct juris_maps *m)
{
	char path[4096];
	int ret;

	for (int i = 0; i < MAP_COUNT; i++)
		m->fd[i] = -1;
	ret = pin_path(path, sizeof(path), dir, "", juris_map_names[MAP_CONFIG]);
	if (ret)
		return ret;
	m->fd[MAP_CONFIG] = bpf_obj_get(path);
	if (m->fd[MAP_CONFIG] < 0)
		return -errno;
	if (!pin_path(path, sizeof(path), dir, "", juris_map_names[MAP_ACTIVE]))
		m->fd[MAP_ACTIVE] = bpf_obj_get(path); /* optional: slot 0 without */
	return 0;
}

void juris_maps_close(struct juris_maps *m)
{
	for (int i = 0; i < MAP_COUNT; i++) {
		if (m->fd[i] >= 0)
			close(m->fd[i]);
		m->fd[i] = -1;
	}
}
