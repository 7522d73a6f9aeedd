/* SPDX-License-Identifier: GPL-2.0-only */
/* The flow table: its key, flow_id(), and the counters of each packet.
 * Included by juris.bpf.c, after the maps.
 *
 * The key is a 64-bit hash of a struct flow_key: with the 48-byte key
 * itself (48 bytes then), the kernel's jhash and memcmp of it were a third of an
 * established packet's time; 8 bytes cost a few instructions. The value
 * keeps the whole key and every lookup checks it, so two flows with one id
 * are never merged: the second one is counted as a flow the table could
 * not take (CNT_FLOW_INSERT_FAIL), its packets in the totals, and each of
 * its packets outside the policy makes an event (account_flow()). */

/* The key of flow_id(), drawn by the loader (getrandom) before the load:
 * each coefficient is the public constant XOR its word of the key (bit 0
 * of the key clear, so that the coefficient stays odd). Left at zero, the
 * hash is the public one. Indexed by the key's 32-bit word. */
const volatile __u64 flow_id_key[FLOW_ID_KEY_WORDS] = {};

/* Multilinear hash over the key's 32-bit words: the sum of each word times
 * an odd 64-bit coefficient, modulo 2^64. Two keys that differ in one word
 * never collide (a nonzero difference below 2^32 times an odd number is
 * not a multiple of 2^64). With coefficients drawn at random, it is a
 * universal family: two given flows share an id with probability at most
 * 2^-32, so that nobody who does not know the key can pick flows that
 * collide (with the public constants, a process could hide one flow's
 * events behind another's). One multiply per word, all independent:
 * cheaper than SipHash's rounds on every packet, and the kernel's own hash
 * spreads the ids over its buckets. */
static __always_inline __u64 flow_id(const struct flow_key *k)
{
	const __u32 *w = (const __u32 *)k;
	__u64 h = w[0] * (0xeb0eef12735d7f07ull ^ flow_id_key[0]) +   /* family, proto, dport */
		  w[1] * (0xc6a4a7935bd1e995ull ^ flow_id_key[1]) +   /* sport, epoch */
		  w[2] * (0xf9cd0d7cbbdbfdddull ^ flow_id_key[2]) +   /* saddr */
		  w[6] * (0xebc33b92ed97e61dull ^ flow_id_key[6]) +   /* daddr */
		  w[10] * (0x97c278b4dd55e6b3ull ^ flow_id_key[10]) + /* cgroup_id */
		  w[11] * (0xed358e54b21d531bull ^ flow_id_key[11]) +
		  w[12] * (0xb492b66fbe98f273ull ^ flow_id_key[12]) + /* sock */
		  w[13] * (0x9ae16a3b2f90404full ^ flow_id_key[13]);

	if (k->family == AF_INET) /* the rest of the addresses is zero */
		return h;
	return h + w[3] * (0x921c0a2d8e785819ull ^ flow_id_key[3]) +
	       w[4] * (0xd6be59946b1976dbull ^ flow_id_key[4]) +
	       w[5] * (0xeaa9e1d37d450453ull ^ flow_id_key[5]) +
	       w[7] * (0x8cfcfac364f7f881ull ^ flow_id_key[7]) +
	       w[8] * (0x938eb16bca3721fbull ^ flow_id_key[8]) +
	       w[9] * (0xa5909a7647c2f577ull ^ flow_id_key[9]);
}

static __always_inline int same_flow(const struct flow_key *a, const struct flow_key *b)
{
	const __u64 *x = (const __u64 *)a, *y = (const __u64 *)b;

	return !((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) | (x[4] ^ y[4]) |
		 (x[5] ^ y[5]) | (x[6] ^ y[6]));
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

/* Counts packets and bytes (and new flows) in the per-CPU totals of c's
 * (zone, verdict), in the exact counters of its country and operator
 * (count_exact()) and, unless v is NULL, in flow v. A plain add (load, add,
 * store) is exact when nothing else writes the word in between: only this
 * CPU writes its totals, and a flow's lane. But a softirq may interrupt a
 * program on this CPU and run one itself: cpu_busy tells it to add, with
 * atomics, to words the interrupted program does not write (the flow's
 * shared counters, the second half of the totals). Atomics (two locked
 * instructions) were a third of an established packet's time. */
static __always_inline void add_counts(struct flow_val *v, const struct classification *c,
				       __u64 packets, __u64 bytes, __u64 flows)
{
	__u32 idx = TOTALS_INDEX(c->zone, c->verdict), zero = 0;
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
		count_exact(c, packets, bytes, flows, 0);
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
	count_exact(c, packets, bytes, flows, 1);
}

/* Adds packets and bytes to flow v from a path that may share the flow with
 * any CPU (a socket's flush, its release): with atomics, into the words
 * no lane owns. */
static __always_inline void flow_add_shared(struct flow_val *v, __u64 packets, __u64 bytes)
{
	__sync_fetch_and_add(&v->packets, packets);
	__sync_fetch_and_add(&v->bytes, bytes);
}

/* Scratch for a flow_val that does not fit the stack beside the caller's
 * key and classification: one per CPU and nesting level, for a softirq may
 * interrupt a program on its CPU between filling the scratch and using it. */
struct flow_scratch_slot {
	__u64 busy;
	struct flow_val v;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct flow_scratch_slot);
} flow_scratch SEC(".maps");

/* A free scratch slot of this CPU, to give back with scratch_put(); NULL
 * when both are taken (never at two levels of nesting). */
static __always_inline struct flow_scratch_slot *scratch_get(void)
{
	__u32 i = 0;
	struct flow_scratch_slot *s = bpf_map_lookup_elem(&flow_scratch, &i);

	if (s && __sync_val_compare_and_swap(&s->busy, 0, 1) == 0)
		return s;
	i = 1;
	s = bpf_map_lookup_elem(&flow_scratch, &i);
	if (s && __sync_val_compare_and_swap(&s->busy, 0, 1) == 0)
		return s;
	return NULL;
}

static __always_inline void scratch_put(struct flow_scratch_slot *s)
{
	barrier();
	s->busy = 0;
}

/* Before flow v takes another verdict: copies what it counted under the old
 * one to an entry of its own (key.epoch = the number of this change), and
 * makes the live entry count on from here (base_packets, base_bytes). So a
 * reload never rewrites history: bytes sent in audit mode stay
 * would_block after a switch to enforce. A copy the table refuses is
 * counted (CNT_FLOW_INSERT_FAIL); the totals stay exact either way. */
static __always_inline void flow_archive(struct flow_val *v)
{
	struct flow_scratch_slot *slot = scratch_get();
	struct flow_val *a;
	__u64 p, b, id;

	if (!slot) {
		count(CNT_FLOW_INSERT_FAIL);
		return;
	}
	a = &slot->v;
	p = v->packets + v->lane[0].packets + v->lane[1].packets;
	b = v->bytes + v->lane[0].bytes + v->lane[1].bytes;
	__builtin_memcpy(a, v, sizeof(*a));
	v->epochs++;
	a->key.epoch = v->epochs;
	a->epochs = 0;
	__builtin_memset(a->lane, 0, sizeof(a->lane));
	a->packets = p - v->base_packets;
	a->bytes = b - v->base_bytes;
	a->base_packets = 0;
	a->base_bytes = 0;
	a->last_ns = bpf_ktime_get_coarse_ns();
	id = flow_id(&a->key);
	if (bpf_map_update_elem(&flows, &id, a, BPF_NOEXIST))
		count(CNT_FLOW_INSERT_FAIL);
	else
		count(CNT_FLOW_ENTRIES_EXTRA);
	scratch_put(slot);
	v->base_packets = p;
	v->base_bytes = b;
	v->first_ns = bpf_ktime_get_boot_ns();
}
