/* SPDX-License-Identifier: GPL-2.0-only */
/* The flow table: its key, flow_id(), and the counters of each packet.
 * Included by juris.bpf.c, after the maps.
 *
 * The key is a 64-bit hash of a struct flow_key: with the 48-byte key
 * itself, the kernel's jhash and memcmp of it were a third of an
 * established packet's time; 8 bytes cost a few instructions. The value
 * keeps the whole key and every lookup checks it, so two flows with one id
 * are never merged: the second one is counted as a flow the table could
 * not take (CNT_FLOW_INSERT_FAIL), its packets in the totals. */

/* Multilinear hash over the key's 32-bit words: the sum of each word times
 * an odd 64-bit constant, modulo 2^64. Two keys that differ in one word
 * never collide (a nonzero difference below 2^32 times an odd number is
 * not a multiple of 2^64); in more, only for a few exact differences. One
 * multiply per word, all independent: cheaper than a chain of mixing
 * rounds, and the kernel's own hash spreads the ids over its buckets. The
 * constants are random; word 1 (pad0) is always zero. */
static __always_inline __u64 flow_id(const struct flow_key *k)
{
	const __u32 *w = (const __u32 *)k;
	__u64 h = w[0] * 0xeb0eef12735d7f07ull +	/* family, proto, dport */
		  w[2] * 0xf9cd0d7cbbdbfdddull +	/* saddr */
		  w[6] * 0xebc33b92ed97e61dull +	/* daddr */
		  w[10] * 0x97c278b4dd55e6b3ull +	/* cgroup_id */
		  w[11] * 0xed358e54b21d531bull;

	if (k->family == AF_INET)	/* the rest of the addresses is zero */
		return h;
	return h + w[3] * 0x921c0a2d8e785819ull + w[4] * 0xd6be59946b1976dbull +
	       w[5] * 0xeaa9e1d37d450453ull + w[7] * 0x8cfcfac364f7f881ull +
	       w[8] * 0x938eb16bca3721fbull + w[9] * 0xa5909a7647c2f577ull;
}

static __always_inline int same_flow(const struct flow_key *a, const struct flow_key *b)
{
	const __u64 *x = (const __u64 *)a, *y = (const __u64 *)b;

	return !((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) |
		 (x[4] ^ y[4]) | (x[5] ^ y[5]));
}

/* The entry of flow k, whose flow_id() is id; NULL when there is none, or
 * when another flow holds that id. */
static __always_inline struct flow_val *flow_find(const struct flow_key *k, __u64 id)
{
	struct flow_val *v = bpf_map_lookup_elem(&flows, &id);

	return v && same_flow(&v->key, k) ? v : NULL;
}

/* 1 while a program on this CPU adds to counters without atomics. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cpu_busy SEC(".maps");

/* The lane of flow v that this CPU adds to: its own, or a free one it
 * takes; NULL when the others are taken. */
static __always_inline struct flow_lane *flow_lane(struct flow_val *v)
{
	__u64 cpu = bpf_get_smp_processor_id() + 1;

	if (v->lane[0].cpu == cpu)
		return &v->lane[0];
	if (v->lane[1].cpu == cpu)
		return &v->lane[1];
	if (!v->lane[1].cpu && __sync_val_compare_and_swap(&v->lane[1].cpu, 0, cpu) == 0)
		return &v->lane[1];
	return NULL;
}

/* Counts packets and bytes (and new flows) in the per-CPU totals of (zone,
 * verdict) and, unless v is NULL, in flow v. A plain add (load, add,
 * store) is exact when nothing else writes the word in between: only this
 * CPU writes its totals, and a flow's lane. But a softirq may interrupt a
 * program on this CPU and run one itself: cpu_busy tells it to add, with
 * atomics, to words the interrupted program does not write (the flow's
 * shared counters, the second half of the totals). Atomics (two locked
 * instructions) were a third of an established packet's time. */
static __always_inline void add_counts(struct flow_val *v, __u8 zone, __u8 verdict,
				       __u64 packets, __u64 bytes, __u64 flows)
{
	__u32 idx = TOTALS_INDEX(zone, verdict), zero = 0;
	struct juris_totals *t = NULL;
	volatile __u32 *busy = bpf_map_lookup_elem(&cpu_busy, &zero);
	struct flow_lane *l;

	if (idx < TOTALS_MAX)
		t = bpf_map_lookup_elem(&totals, &idx);
	if (busy && !*busy) {
		*busy = 1;
		barrier();
		l = v ? flow_lane(v) : NULL;
		if (l) {
			l->packets += packets;
			l->bytes += bytes;
		} else if (v) {
			__sync_fetch_and_add(&v->packets, packets);
			__sync_fetch_and_add(&v->bytes, bytes);
		}
		if (t) {
			t->packets += packets;
			t->bytes += bytes;
			t->flows += flows;
		}
		barrier();
		*busy = 0;
		return;
	}
	if (v) {
		__sync_fetch_and_add(&v->packets, packets);
		__sync_fetch_and_add(&v->bytes, bytes);
	}
	idx += TOTALS_MAX;
	t = idx < TOTALS_ENTRIES ? bpf_map_lookup_elem(&totals, &idx) : NULL;
	if (t) {
		__sync_fetch_and_add(&t->packets, packets);
		__sync_fetch_and_add(&t->bytes, bytes);
		__sync_fetch_and_add(&t->flows, flows);
	}
}
