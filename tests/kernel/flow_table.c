/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Kernel test driver of the flow table (tests/kernel/test_flow_table.sh):
 * runs the real juris_egress program on synthetic packets
 * (BPF_PROG_TEST_RUN) in a private instance and prints what the kernel
 * counted, one "name value" line each, for the shell suite to check.
 *
 * usage: flow_table DB exact FLOWS PACKETS [taken]
 *                            each flow's packets sent from every CPU in
 *                            turn; taken: its second lane taken at once
 *        flow_table DB clash PACKETS         another flow holds the id
 *        flow_table DB key                   one flow's id in two loads
 *        flow_table DB generation PACKETS    the policy changes under a flow
 *        flow_table DB layout                a flow table of the old layout
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "policy/names.h"
#include "kernel/pins.h"
#include "kernel/meta.h"
#include "kernel/config.h"
#include "juris.skel.h"
#include "policy/database.h"
#include "cli/options.h"
#include "kernel/loader.h"
#include "report/report.h"
#include "kernel/stats.h"
#include "base/synth_packet.h"
#include "policy/reason.h"

struct inst {
	struct juris_bpf *skel;
	int prog, flows, ncpu;
};

static int pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

/* Sends one datagram of len bytes (IP header and all) of the flow from
 * src:40000 to dst:dport; *cb0 is the program's skb->cb[0]. */
static int send_one(const struct inst *in, int family, const char *src, const char *dst,
		    __u16 dport, size_t len, __u32 *cb0)
{
	unsigned char pkt[SYNTH_PACKET_MAX + 1500], s[16] = { 0 }, d[16] = { 0 };
	size_t hdr;
	struct __sk_buff ctx = {};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .ctx_out = &ctx, .ctx_size_out = sizeof(ctx),
		    .repeat = 1);

	if (inet_pton(family, src, s) != 1 || inet_pton(family, dst, d) != 1)
		return -EINVAL;
	hdr = synth_udp_packet(pkt, family, s, d, dport);
	/* Pad the datagram: the egress program counts skb->len, from the IP
	 * header (synth_udp_packet() adds an Ethernet header first). */
	if (len + 14 < hdr || len + 14 > sizeof(pkt))
		return -EINVAL;
	memset(pkt + hdr, 'x', len + 14 - hdr);
	o.data_size_in = len + 14;
	if (bpf_prog_test_run_opts(in->prog, &o))
		return -errno;
	if (cb0)
		*cb0 = ctx.cb[0];
	return 0;
}

/* The flow table as juris report reads it. */
static int read_flows(const struct inst *in, struct flow_entry **f, size_t *n)
{
	return flow_table_read(in->flows, 4096, f, n);
}

static int sum_percpu(int fd, __u32 key, int ncpu, size_t words, __u64 *sum)
{
	__u64 *v = calloc((size_t)ncpu, words * sizeof(__u64));

	if (!v)
		return -ENOMEM;
	memset(sum, 0, words * sizeof(__u64));
	if (bpf_map_lookup_elem(fd, &key, v)) {
		free(v);
		return -errno;
	}
	for (int c = 0; c < ncpu; c++)
		for (size_t w = 0; w < words; w++)
			sum[w] += v[(size_t)c * words + w];
	free(v);
	return 0;
}

/* Packets and bytes of every zone and verdict's totals; new flows. */
static int totals(const struct inst *in, __u64 *packets, __u64 *bytes, __u64 *flows)
{
	struct juris_totals t;
	int ret = 0;

	*packets = *bytes = *flows = 0;
	for (__u32 i = 0; i < TOTALS_ENTRIES && !ret; i++) {
		ret = sum_percpu(bpf_map__fd(in->skel->maps.totals), i, in->ncpu, 3, (__u64 *)&t);
		*packets += t.packets;
		*bytes += t.bytes;
		*flows += t.flows;
	}
	return ret;
}

static __u64 counter(const struct inst *in, __u32 idx)
{
	__u64 v = 0;

	sum_percpu(bpf_map__fd(in->skel->maps.counters), idx, in->ncpu, 1, &v);
	return v;
}

static int print_totals(const struct inst *in)
{
	__u64 p, b, f;
	int ret = totals(in, &p, &b, &f);

	if (!ret)
		printf("totals_packets %llu\ntotals_bytes %llu\ntotals_flows %llu\n",
		       (unsigned long long)p, (unsigned long long)b, (unsigned long long)f);
	return ret;
}

/* Packets that CPUs added to their lanes without atomics, and that the
 * CPUs without a lane added with, summed over the raw entries. With take,
 * gives every flow's free lanes to a CPU that does not exist first (after
 * the walk: an update moves the entry to the head of its bucket, and a
 * walk that updates as it goes can go round two entries of one bucket
 * for ever). */
static int split(const struct inst *in, __u64 *lanes, __u64 *shared, bool take)
{
	__u64 ids[64], next;
	struct flow_val v;
	size_t n = 0;

	*lanes = *shared = 0;
	while (n < 64 && !bpf_map_get_next_key(in->flows, n ? &ids[n - 1] : NULL, &next))
		ids[n++] = next;
	for (size_t i = 0; i < n; i++) {
		if (bpf_map_lookup_elem(in->flows, &ids[i], &v))
			return -errno;
		for (int l = 0; l < FLOW_LANES; l++) {
			*lanes += v.lane[l].packets;
			if (take && !v.lane[l].cpu)
				v.lane[l].cpu = 1 + 1000000;
		}
		*shared += v.packets;
		if (take && bpf_map_update_elem(in->flows, &ids[i], &v, BPF_EXIST))
			return -errno;
	}
	return 0;
}

/* FLOWS flows (half IPv4, half IPv6), PACKETS packets each, of sizes
 * 100..163, each flow's packets sent from every online CPU in turn: CPUs
 * with a lane add without atomics, the others with; taken: only the CPU
 * that made the entry has one. */
static int exact(const struct inst *in, int nflows, int npackets, bool taken)
{
	cpu_set_t online;
	int cpus[64], ncpus = 0, ret = 0;
	struct flow_entry *f = NULL;
	__u64 packets = 0, bytes = 0, want_bytes = 0, lanes, shared;
	size_t n;

	if (sched_getaffinity(0, sizeof(online), &online))
		return -errno;
	for (int c = 0; c < CPU_SETSIZE && ncpus < 64; c++)
		if (CPU_ISSET(c, &online))
			cpus[ncpus++] = c;
	for (int p = 0; p < npackets && !ret; p++) {
		if (p == 1 && taken)
			ret = split(in, &lanes, &shared, true);
		if (!ret)
			ret = pin_cpu(cpus[p % ncpus]);
		for (int i = 0; i < nflows && !ret; i++) {
			char src[64];
			size_t len = 100 + (size_t)((p + i) % 64);

			if (i % 2)
				snprintf(src, sizeof(src), "2001:db8:ffff::%x", i + 1);
			else
				snprintf(src, sizeof(src), "203.0.113.%d", i + 1);
			ret = send_one(in, i % 2 ? AF_INET6 : AF_INET, src,
				       i % 2 ? "2001:db8:3::10" : "192.0.2.241", 443, len, NULL);
			want_bytes += len;
		}
	}
	if (!ret)
		ret = split(in, &lanes, &shared, false);
	if (!ret)
		ret = read_flows(in, &f, &n);
	if (ret)
		return ret;
	printf("lane_packets %llu\nshared_packets %llu\n", (unsigned long long)lanes,
	       (unsigned long long)shared);
	for (size_t i = 0; i < n; i++) {
		packets += f[i].v.packets;
		bytes += f[i].v.bytes;
	}
	printf("cpus %d\nflows %zu\nflow_packets %llu\nflow_bytes %llu\nwant_bytes %llu\n", ncpus,
	       n, (unsigned long long)packets, (unsigned long long)bytes,
	       (unsigned long long)want_bytes);
	free(f);
	return print_totals(in);
}

/* Flow A's entry is made, then overwritten with flow B's key, as if B held
 * A's id: A's next packets must not land in B's counters. */
static int default_policy(const struct inst *in);

static int count_event(void *ctx, void *data, size_t len)
{
	(void)data;
	(void)len;
	(*(int *)ctx)++;
	return 0;
}

/* Events in the ring buffer, read to the end. */
static int drain_events(const struct inst *in)
{
	int n = 0;
	struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(in->skel->maps.events), count_event,
						  &n, NULL);

	if (!rb)
		return -1;
	ring_buffer__consume(rb);
	ring_buffer__free(rb);
	return n;
}

/* The only flow-table key of the instance, after one packet of a flow. */
static int only_id(const struct inst *in, __u64 *id)
{
	__u64 next;

	if (bpf_map_get_next_key(in->flows, NULL, &next))
		return -errno;
	*id = next;
	return 0;
}

/* The same flow in a second load of the programs: another id (the key of
 * flow_id() is drawn at each load). */
static int key(const struct inst *in, const struct juris_policy *jo, const struct loaded_db *db)
{
	struct inst other = *in;
	__u64 a, b;
	char err[512];
	int ret = send_one(in, AF_INET, "203.0.113.1", "192.0.2.241", 443, 100, NULL);

	if (!ret)
		ret = only_id(in, &a);
	if (!ret)
		ret = juris_load_private(jo, &db->v4, &db->v6, NULL, NULL, &other.skel, err,
					 sizeof(err));
	if (ret)
		return ret;
	other.prog = bpf_program__fd(other.skel->progs.juris_egress);
	other.flows = bpf_map__fd(other.skel->maps.flows);
	ret = default_policy(&other);
	if (!ret)
		ret = send_one(&other, AF_INET, "203.0.113.1", "192.0.2.241", 443, 100, NULL);
	if (!ret)
		ret = only_id(&other, &b);
	if (!ret)
		printf("same_id %d\n", a == b);
	juris_bpf__destroy(other.skel);
	return ret;
}

static int clash(const struct inst *in, int npackets)
{
	struct flow_entry *f = NULL;
	__u64 id, next;
	struct flow_val v;
	size_t n;
	int ret = send_one(in, AF_INET, "203.0.113.1", "192.0.2.241", 443, 100, NULL);

	if (ret)
		return ret;
	printf("first_events %d\n", drain_events(in));
	if (bpf_map_get_next_key(in->flows, NULL, &next) ||
	    bpf_map_lookup_elem(in->flows, &next, &v))
		return -errno;
	id = next;
	inet_pton(AF_INET, "203.0.113.99", v.key.saddr); /* flow B */
	v.packets = 0;
	v.bytes = 0;
	memset(v.lane, 0, sizeof(v.lane));
	if (bpf_map_update_elem(in->flows, &id, &v, BPF_EXIST))
		return -errno;
	for (int p = 0; p < npackets && !ret; p++)
		ret = send_one(in, AF_INET, "203.0.113.1", "192.0.2.241", 443, 100, NULL);
	if (!ret)
		ret = read_flows(in, &f, &n);
	if (ret)
		return ret;
	printf("clash_events %d\n", drain_events(in));
	printf("flows %zu\nholder_packets %llu\nholder_bytes %llu\ninsert_fail %llu\n", n,
	       (unsigned long long)(n ? f[0].v.packets : 0),
	       (unsigned long long)(n ? f[0].v.bytes : 0),
	       (unsigned long long)counter(in, CNT_FLOW_INSERT_FAIL));
	free(f);
	return print_totals(in);
}

/* An unknown destination, allowed; --unknown deny written in the live
 * config without a new generation (the flow keeps its cached verdict), then
 * with one (the flow is judged again). PACKETS packets in each phase. */
static int generation(const struct inst *in, int npackets)
{
	int cfg_fd = bpf_map__fd(in->skel->maps.config);
	struct juris_config cfg;
	struct flow_entry *f = NULL;
	__u32 slot = 0, cb0 = 0;
	size_t n;
	int ret = 0;

	for (int phase = 0; phase < 3 && !ret; phase++) {
		if (phase && bpf_map_lookup_elem(cfg_fd, &slot, &cfg))
			return -errno;
		if (phase == 1)
			cfg.unknown_deny = 1;
		if (phase == 2)
			cfg.generation++;
		if (phase && bpf_map_update_elem(cfg_fd, &slot, &cfg, BPF_ANY))
			return -errno;
		for (int p = 0; p < npackets && !ret; p++)
			ret = send_one(in, AF_INET, "203.0.113.1", "192.0.2.250", 443, 100, &cb0);
		printf("phase%d_verdict %s\n", phase, verdict_name(cb0 >> 8 & 0xff));
	}
	if (!ret)
		ret = read_flows(in, &f, &n);
	if (ret)
		return ret;
	/* One entry per verdict: the live one (epoch 0) and the copy of what
	 * went under the verdict before the change (epoch 1). */
	printf("flows %zu\n", n);
	for (size_t i = 0; i < n; i++)
		printf("epoch%u_packets %llu\nepoch%u_verdict %s\nepoch%u_reason %s\n",
		       f[i].k.epoch, (unsigned long long)f[i].v.packets, f[i].k.epoch,
		       verdict_name(f[i].v.verdict), f[i].k.epoch, reason_name(f[i].v.reason));
	for (int v = 0; v < VERDICT_MAX; v++) {
		__u64 t[3], nested[3];
		__u32 idx = TOTALS_INDEX(ZONE_UNKNOWN, v);

		ret = sum_percpu(bpf_map__fd(in->skel->maps.totals), idx, in->ncpu, 3, t);
		if (!ret)
			ret = sum_percpu(bpf_map__fd(in->skel->maps.totals), idx + TOTALS_MAX,
					 in->ncpu, 3, nested);
		if (ret)
			break;
		printf("unknown_%s_packets %llu\n", verdict_name(v),
		       (unsigned long long)(t[0] + nested[0]));
	}
	free(f);
	return ret;
}

/* A flow table as the juris before flow ids pinned it (48-byte key, 80-byte
 * value): the readers must refuse it, not overrun their buffers. */
static int old_layout(void)
{
	struct flow_entry *f = NULL;
	size_t n = 0;
	int fd = bpf_map_create(BPF_MAP_TYPE_LRU_HASH, "flows", 48, 80, 16, NULL);
	int ret;

	if (fd < 0)
		return -errno;
	printf("check %s\n", strerror(-flow_table_check(fd)));
	ret = flow_table_read(fd, 16, &f, &n);
	printf("read %s\n", strerror(-ret));
	free(f);
	close(fd);
	return 0;
}

/* The policy of a default run: audit, EU allowed, unknown allowed. */
static int default_policy(const struct inst *in)
{
	int fd = bpf_map__fd(in->skel->maps.config);
	struct juris_config cfg;
	__u32 slot = 0;

	if (bpf_map_lookup_elem(fd, &slot, &cfg))
		return -errno;
	cfg.mode = MODE_AUDIT;
	cfg.allow_zone = ZONE_EU;
	cfg.unknown_deny = 0;
	return bpf_map_update_elem(fd, &slot, &cfg, BPF_ANY) ? -errno : 0;
}

int main(int argc, char **argv)
{
	struct juris_policy jo = { .mode = MODE_AUDIT, .allow_zone = ZONE_EU };
	struct loaded_db db = { 0 };
	struct inst in = { 0 };
	char err[512];
	int ret;

	if (argc < 3) {
		fprintf(stderr,
			"usage: flow_table DB exact FLOWS PACKETS [taken] | clash PACKETS | "
			"generation PACKETS | layout\n");
		return 2;
	}
	jo.db = argv[1];
	in.ncpu = libbpf_num_possible_cpus();
	ret = database_load(&jo, &db, err, sizeof(err));
	if (!ret)
		ret = juris_load_private(&jo, &db.v4, &db.v6, NULL, NULL, &in.skel, err,
					 sizeof(err));
	if (ret) {
		fprintf(stderr, "flow_table: %s\n", err);
		database_free(&db);
		return 1;
	}
	in.prog = bpf_program__fd(in.skel->progs.juris_egress);
	in.flows = bpf_map__fd(in.skel->maps.flows);
	ret = default_policy(&in);
	if (ret)
		; /* said below */
	else if (!strcmp(argv[2], "exact") && argc >= 5)
		ret = exact(&in, atoi(argv[3]), atoi(argv[4]),
			    argc > 5 && !strcmp(argv[5], "taken"));
	else if (!strcmp(argv[2], "clash") && argc >= 4)
		ret = clash(&in, atoi(argv[3]));
	else if (!strcmp(argv[2], "key"))
		ret = key(&in, &jo, &db);
	else if (!strcmp(argv[2], "layout"))
		ret = old_layout();
	else if (!strcmp(argv[2], "generation") && argc >= 4)
		ret = generation(&in, atoi(argv[3]));
	else
		ret = -EINVAL;
	if (ret)
		fprintf(stderr, "flow_table: %s: %s\n", argv[2], strerror(-ret));
	juris_bpf__destroy(in.skel);
	database_free(&db);
	return ret ? 1 : 0;
}
