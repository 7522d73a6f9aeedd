/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Reads the kernel's totals, counters and flow table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "kernel/stats.h"

static int sum_percpu(int fd, __u32 key, void *out, size_t size, int ncpu)
{
	__u64 *vals = calloc(ncpu, size);
	__u64 *sum = out;
	size_t words = size / sizeof(__u64);

	if (!vals)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &key, vals)) {
		int ret = -errno;

		free(vals);
		return ret;
	}
	memset(out, 0, size);
	for (int c = 0; c < ncpu; c++)
		for (size_t w = 0; w < words; w++)
			sum[w] += vals[c * words + w];
	free(vals);
	return 0;
}

int flow_table_check(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	return info.key_size == sizeof(__u64) && info.value_size == sizeof(struct flow_val)
		       ? 0
		       : -EPROTO;
}

const char *pins_strerror(int err)
{
	if (err == -EPROTO)
		return "pinned by another version of juris (juris stop --pin-dir lifts them)";
	return strerror(-err);
}

static int count_keys(int fd, __u64 *n)
{
	__u64 id, next; /* the flow table's keys: flow ids */
	void *prev = NULL;

	*n = 0;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		(*n)++;
		id = next;
		prev = &id;
	}
	return errno == ENOENT ? 0 : -errno;
}

int stats_read(const struct juris_maps *m, struct juris_stats *s)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int ncpu = libbpf_num_possible_cpus();
	int ret;

	memset(s, 0, sizeof(*s));
	if (ncpu < 0)
		return ncpu;
	/* The layout first: older pins fail the reads below otherwise, with
	 * some other error (their totals are shorter). */
	ret = flow_table_check(m->fd[MAP_FLOWS]);
	if (ret)
		return ret;
	for (__u32 i = 0; i < TOTALS_MAX; i++) {
		struct juris_totals nested;

		ret = sum_percpu(m->fd[MAP_TOTALS], i, &s->totals[i], sizeof(s->totals[i]), ncpu);
		if (!ret)
			ret = sum_percpu(m->fd[MAP_TOTALS], i + TOTALS_MAX, &nested, sizeof(nested),
					 ncpu);
		if (ret)
			return ret;
		s->totals[i].packets += nested.packets;
		s->totals[i].bytes += nested.bytes;
		s->totals[i].flows += nested.flows;
		s->flows_created += s->totals[i].flows;
	}
	for (__u32 i = 0; i < CNT_MAX; i++) {
		ret = sum_percpu(m->fd[MAP_COUNTERS], i, &s->counters[i], sizeof(__u64), ncpu);
		if (ret)
			return ret;
	}
	ret = count_keys(m->fd[MAP_FLOWS], &s->flows_in_table);
	if (ret)
		return ret;
	/* Entries made are the new flows and the others (verdict epochs, live
	 * sockets' entries made again): those not in the table were evicted. */
	s->entries_created = s->flows_created + s->counters[CNT_FLOW_ENTRIES_EXTRA];
	s->flow_evictions = s->entries_created > s->flows_in_table
				    ? s->entries_created - s->flows_in_table
				    : 0;
	if (!bpf_obj_get_info_by_fd(m->fd[MAP_FLOWS], &info, &len))
		s->flow_table_size = info.max_entries;
	return 0;
}
