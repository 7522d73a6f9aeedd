/* The flow table's key: flow_id(), a 64-bit hash of a struct flow_key.
 * With the 48-byte key itself, the kernel's jhash and memcmp of it were a
 * third of an established packet's time; 8 bytes cost a few instructions.
 * The value keeps the whole key and every lookup checks it, so two flows
 * with one id are never merged: the second one is counted as a flow the
 * table could not take (CNT_FLOW_INSERT_FAIL), its packets in the totals.
 * Included by juris.bpf.c, after the flows map. */

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
