/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Reads the pinned flow table: every entry, its per-CPU lanes summed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "kernel/flow_read.h"
#include "kernel/stats.h"

/* The flow's counters as one pair: its lanes' and the other CPUs', less
 * what it counted under earlier verdicts (their own entries show it). */
static void flow_sum_counters(struct flow_val *v)
{
	for (int i = 0; i < FLOW_LANES; i++) {
		v->packets += v->lane[i].packets;
		v->bytes += v->lane[i].bytes;
		v->lane[i].packets = 0;
		v->lane[i].bytes = 0;
	}
	v->packets = v->packets > v->base_packets ? v->packets - v->base_packets : 0;
	v->bytes = v->bytes > v->base_bytes ? v->bytes - v->base_bytes : 0;
	v->base_packets = 0;
	v->base_bytes = 0;
}

/* One key at a time: for kernels without batch operations on this map.
 * An entry evicted between two calls makes the walk restart; the key
 * check drops the duplicates that would follow. */
static int read_one_by_one(int fd, struct flow_entry *out, uint32_t max, size_t *n)
{
	__u64 id, next;
	void *prev = NULL;

	*n = 0;
	while (*n < max && !bpf_map_get_next_key(fd, prev, &next)) {
		id = next;
		prev = &id;
		if (!bpf_map_lookup_elem(fd, &id, &out[*n].v)) {
			out[*n].k = out[*n].v.key;
			flow_sum_counters(&out[*n].v);
			(*n)++;
		}
	}
	return errno == ENOENT || *n == max ? 0 : -errno;
}

int flow_table_read(int fd, uint32_t max_entries, struct flow_entry **out, size_t *n)
{
	__u64 *keys = calloc(max_entries ? max_entries : 1, sizeof(*keys)); /* flow ids */
	struct flow_val *vals = calloc(max_entries ? max_entries : 1, sizeof(*vals));
	struct flow_entry *fe = calloc(max_entries ? max_entries : 1, sizeof(*fe));
	__u32 in_token = 0, out_token = 0;
	void *in = NULL;
	size_t got = 0;
	int ret = 0;

	*out = NULL;
	*n = 0;
	ret = flow_table_check(fd);
	if (ret)
		goto out;
	if (!keys || !vals || !fe) {
		ret = -ENOMEM;
		goto out;
	}
	while (got < max_entries) {
		__u32 count = max_entries - got;

		if (!bpf_map_lookup_batch(fd, in, &out_token, keys + got, vals + got, &count,
					  NULL)) {
			got += count;
			in_token = out_token;
			in = &in_token;
			continue;
		}
		ret = -errno;
		if (ret == -ENOENT) { /* the end of the table */
			got += count;
			ret = 0;
		} else if (!got && (ret == -EINVAL || ret == -ENOTSUP || ret == -524)) {
			/* -524 is the kernel's ENOTSUPP: no batch ops. */
			ret = read_one_by_one(fd, fe, max_entries, &got);
			if (!ret)
				goto done;
		}
		break;
	}
	if (ret)
		goto out;
	for (size_t i = 0; i < got; i++) {
		fe[i].k = vals[i].key;
		fe[i].v = vals[i];
	}
	for (size_t i = 0; i < got; i++)
		flow_sum_counters(&fe[i].v);
done:
	*out = fe;
	*n = got;
	fe = NULL;
out:
	free(keys);
	free(vals);
	free(fe);
	return ret;
}
