/* SPDX-License-Identifier: GPL-2.0-only */
/* Exact counters by destination country and by listed operator, each x
 * verdict (see EXACT_* in juris.h). Included by juris.bpf.c after the
 * classification type; count_exact() is called where the totals are
 * counted, with the same packets, bytes and flows, so that their sums
 * over countries and over operators equal the totals, whatever the flow
 * table forgets. */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, EXACT_ENTRIES);
	__type(key, __u32);
	__type(value, struct juris_totals);
} exact SEC(".maps");

/* What a program that interrupted another on its CPU adds, with atomics:
 * shared by the CPUs, since that path is rare (a softirq landing in the
 * few instructions of a plain add), where a second per-CPU half would
 * cost EXACT_ENTRIES * 24 bytes on every CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, EXACT_ENTRIES);
	__type(key, __u32);
	__type(value, struct juris_totals);
} exact_nested SEC(".maps");

/* id -> the AS it counts (written by userspace only; see juris.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, OPER_IDS);
	__type(key, __u32);
	__type(value, struct oper_ident);
} oper_ids SEC(".maps");

/* Set before load by make bench only, to measure the totals alone beside
 * the totals with these counters: the verifier prunes the branch on a
 * read-only constant, so it costs juris run nothing. */
const volatile __u8 exact_off = 0;

/* The fixed id of a destination's country: no table to read, and the
 * same id under every database and policy. */
static __always_inline __u32 country_id(const char *cc, __u8 zone)
{
	__u32 a = (__u32)(__u8)cc[0] - 'A', b = (__u32)(__u8)cc[1] - 'A';

	if (a < 26 && b < 26)
		return a * 26 + b;
	return zone == ZONE_LOCAL ? COUNTRY_LOCAL : COUNTRY_NONE;
}

/* Adds to the country's and the operator's counters of c's verdict.
 * nested: this program interrupted another that is adding on this CPU
 * (add_counts()'s cpu_busy), so it must not touch the per-CPU words. */
static __always_inline void count_exact(const struct classification *c, __u64 packets, __u64 bytes,
					__u64 flows, int nested)
{
	__u32 ci = EXACT_COUNTRY(country_id(c->cc, c->zone), c->verdict);
	__u32 oi = EXACT_OPER((__u32)c->op_id, c->verdict);
	struct juris_totals *tc, *to;

	if (exact_off)
		return;
	if (!nested) {
		tc = bpf_map_lookup_elem(&exact, &ci);
		to = bpf_map_lookup_elem(&exact, &oi);
		if (tc) {
			tc->packets += packets;
			tc->bytes += bytes;
			tc->flows += flows;
		}
		if (to) {
			to->packets += packets;
			to->bytes += bytes;
			to->flows += flows;
		}
		return;
	}
	tc = bpf_map_lookup_elem(&exact_nested, &ci);
	to = bpf_map_lookup_elem(&exact_nested, &oi);
	if (tc) {
		__sync_fetch_and_add(&tc->packets, packets);
		__sync_fetch_and_add(&tc->bytes, bytes);
		__sync_fetch_and_add(&tc->flows, flows);
	}
	if (to) {
		__sync_fetch_and_add(&to->packets, packets);
		__sync_fetch_and_add(&to->bytes, bytes);
		__sync_fetch_and_add(&to->flows, flows);
	}
}
