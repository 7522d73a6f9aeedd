/* SPDX-License-Identifier: GPL-2.0-only */
/* DNS answers received by the watched processes: copied to the daemon, which
 * names the destinations in events and reports, and, for --except-domain,
 * turned into exceptions right here, before the application can read the
 * answer and connect (the daemon would come too late: a race it loses).
 * Included by juris.bpf.c, after the maps and count() it uses. */

#include <linux/udp.h>

#define DNS_PORT 53
#define DNS_HDR_LEN 12
#define DNS_MAX_LABELS 32	/* labels of a name walked here (DNS_NAME_MAX bytes hold fewer) */
#define DNS_MAX_RRS 32		/* answer records walked here for --except-domain */
#define DNS_TYPE_A 1
#define DNS_TYPE_AAAA 28
#define DNS_CLASS_IN 1
/* Offsets are masked to 16 bits (an skb's linear span is smaller): the
 * verifier then sees the same bounds each time round a loop and stops
 * exploring, instead of one state per possible offset. */
#define DNS_OFF_MASK 0xffff

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 19);
} dns_answers SEC(".maps");

/* Bumped after each write to except_dyn: a flow judged outside the policy
 * looks its destination up there again only when it has moved (see
 * flow_val.except_seq). Starts at 1: a new flow's 0 has never looked. */
__u64 dns_except_seq = 1;

/* Addresses allowed by --except-domain, until a CLOCK_BOOTTIME expiry.
 * LRU: without a daemon it still keeps itself; what it forgets is judged
 * by its zone again (fails closed). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, DNS_EXCEPT_MAX);
	__type(key, struct dns_addr_key);
	__type(value, __u64);
} except_dyn SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DNS_PATTERNS_MAX);
	__type(key, struct dns_pattern_key);
	__type(value, __u8);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} dns_patterns SEC(".maps");

/* Written by the daemon alone; declared here so that it is created and
 * pinned with the others, and outlives the daemon for juris report. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, DNS_NAMES_MAX);
	__type(key, struct dns_addr_key);
	__type(value, struct dns_name_val);
} dns_names SEC(".maps");

static __always_inline void dns_key_of(int family, const __u8 *addr, struct dns_addr_key *k)
{
	__builtin_memset(k, 0, sizeof(*k));
	if (family == AF_INET) {
		k->addr[10] = 0xff;
		k->addr[11] = 0xff;
		__builtin_memcpy(&k->addr[12], addr, 4);
	} else {
		__builtin_memcpy(k->addr, addr, 16);
	}
}

/* True while an answer for an --except-domain name vouches for addr. */
static __always_inline int dns_excepted(int family, const __u8 *addr)
{
	struct dns_addr_key k;
	__u64 *expires;

	dns_key_of(family, addr, &k);
	expires = bpf_map_lookup_elem(&except_dyn, &k);
	return expires && *expires > bpf_ktime_get_boot_ns();
}

/* ASCII upper case to lower case, eight bytes at a time and without a
 * branch per byte (the verifier walks it once): a byte gets 0x20 when it
 * is in 'A'..'Z'. Label lengths (1..63) are below 'A' and stay. */
static __always_inline void dns_lower(struct dns_pattern_key *key)
{
	__u64 *w = (__u64 *)key->name;

#pragma unroll
	for (int i = 0; i < DNS_NAME_MAX / 8; i++) {
		__u64 x = w[i] & 0x7f7f7f7f7f7f7f7full;
		__u64 ge_a = x + 0x3f3f3f3f3f3f3f3full;	/* high bit: x >= 'A' */
		__u64 gt_z = x + 0x2525252525252525ull;	/* high bit: x > 'Z' */

		w[i] |= (ge_a & ~gt_z & ~w[i] & 0x8080808080808080ull) >> 2;
	}
}

/* Does the question name at off match an --except-domain pattern? Each
 * suffix after a label is looked up whole, as the loader stored it. */
static __always_inline int dns_name_matches(struct __sk_buff *skb, __u32 off, __u32 *end)
{
	struct dns_pattern_key key;
	__u32 pos = off, len;
	const __u8 *kind;
	__u8 l = 0;

	for (int i = 0; i < DNS_MAX_LABELS; i++) {
		pos &= DNS_OFF_MASK;
		if (bpf_skb_load_bytes(skb, pos, &l, 1) || l > 63)
			return 0;	/* a question name is never compressed */
		if (!l)
			break;
		pos += l + 1;
		if (pos - off >= DNS_NAME_MAX)
			return 0;
	}
	if (l)
		return 0;
	*end = pos + 1;
	/* Again from the start: each suffix, the whole name first. */
	for (int i = 0; i < DNS_MAX_LABELS; i++) {
		if (off >= pos)
			break;
		/* The mask lets the verifier see the bound the test gives. */
		len = (pos + 1 - off) & (2 * DNS_NAME_MAX - 1);
		if (len > DNS_NAME_MAX || len < 1)
			return 0;
		__builtin_memset(&key, 0, sizeof(key));
		if (bpf_skb_load_bytes(skb, off, key.name, len))
			return 0;
		dns_lower(&key);
		kind = bpf_map_lookup_elem(&dns_patterns, &key);
		if (kind && (*kind & (i ? DNS_MATCH_SUBDOMAINS : DNS_MATCH_EXACT)))
			return 1;
		off = (off + key.name[0] + 1) & DNS_OFF_MASK;
	}
	return 0;
}

/* Skips the owner name of a record: labels, ended by a zero or a
 * compression pointer. Returns the offset after it, or 0. */
static __always_inline __u32 dns_skip_name(struct __sk_buff *skb, __u32 off)
{
	__u8 l;

	for (int i = 0; i < DNS_MAX_LABELS; i++) {
		off &= DNS_OFF_MASK;
		if (bpf_skb_load_bytes(skb, off, &l, 1))
			return 0;
		if ((l & 0xc0) == 0xc0)
			return off + 2;
		if (l > 63)
			return 0;
		off += l + 1;
		if (!l)
			return off;
	}
	return 0;
}

struct dns_rr_fixed {
	__u16 type;
	__u16 class;
	__u32 ttl;
	__u16 rdlen;
} __attribute__((packed));

struct dns_rr_walk {
	struct __sk_buff *skb;
	__u64 now;
	__u32 off;		/* the next record */
	__u32 ancount;
};

/* One answer record, as a bpf_loop() callback: the verifier checks it
 * once instead of once per record. Returns 1 to stop. */
static long dns_rr_step(__u32 i, void *data)
{
	struct dns_rr_walk *w = data;
	struct dns_addr_key k;
	struct dns_rr_fixed rr;
	__u8 addr[16];
	__u64 ttl;
	__u32 off;

	if (i >= w->ancount)
		return 1;
	off = dns_skip_name(w->skb, w->off);
	if (!off || bpf_skb_load_bytes(w->skb, off, &rr, sizeof(rr)))
		return 1;
	off = (off + sizeof(rr) + bpf_ntohs(rr.rdlen)) & DNS_OFF_MASK;
	w->off = off;
	if (rr.class != bpf_htons(DNS_CLASS_IN))
		return 0;
	if (rr.type == bpf_htons(DNS_TYPE_A) && rr.rdlen == bpf_htons(4)) {
		if (bpf_skb_load_bytes(w->skb, off - 4, addr, 4))
			return 1;
		dns_key_of(AF_INET, addr, &k);
	} else if (rr.type == bpf_htons(DNS_TYPE_AAAA) && rr.rdlen == bpf_htons(16)) {
		if (bpf_skb_load_bytes(w->skb, off - 16, addr, 16))
			return 1;
		dns_key_of(AF_INET6, addr, &k);
	} else {
		return 0;
	}
	/* RFC 2181 8: a TTL with the top bit set means zero. */
	ttl = bpf_ntohl(rr.ttl);
	if (ttl & 0x80000000u)
		ttl = 0;
	ttl = ttl < DNS_TTL_MIN ? DNS_TTL_MIN : ttl > DNS_TTL_MAX ? DNS_TTL_MAX : ttl;
	ttl = w->now + ttl * 1000000000ull;
	if (!bpf_map_update_elem(&except_dyn, &k, &ttl, BPF_ANY)) {
		count(CNT_DNS_EXCEPT_ADDED);
		__u64 seq = __sync_fetch_and_add(&dns_except_seq, 1);

		/* The value used: a fetching atomic, a full barrier after
		 * the write on every architecture. */
		barrier_var(seq);
	}
	return 0;
}

/* For an answer to an --except-domain name: each A and AAAA record of the
 * answer section (the chain of CNAMEs of that name) allows its address
 * until its TTL runs out. */
static __always_inline void dns_learn_exceptions(struct __sk_buff *skb, __u32 dns, __u16 ancount)
{
	struct dns_rr_walk w = { .skb = skb, .ancount = ancount };

	if (!dns_name_matches(skb, dns + DNS_HDR_LEN, &w.off))
		return;
	w.off += 4;	/* QTYPE, QCLASS */
	w.now = bpf_ktime_get_boot_ns();
	bpf_loop(DNS_MAX_RRS, dns_rr_step, &w, 0);
}

/* What dns_locate finds out about a packet (a whole dns_answer is too big
 * for the stack). */
struct dns_loc {
	__u8 family;
	__u8 proto;
	__u16 msg_len;
	__u8 server[16];
};

/* Where the DNS message of a packet from port 53 starts, its length as
 * the transport says, and the source address. Returns 0 when it is one. */
static __always_inline int dns_locate(struct __sk_buff *skb, struct dns_loc *hdr, __u32 *dns)
{
	__u32 l4;
	__u16 ports[2], prefix;
	__u8 proto;

	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		struct iphdr ip;

		if (bpf_skb_load_bytes(skb, 0, &ip, sizeof(ip)) ||
		    (ip.frag_off & bpf_htons(IP_OFFSET_MASK)))
			return -1;
		hdr->family = AF_INET;
		__builtin_memcpy(hdr->server, &ip.saddr, 4);
		proto = ip.protocol;
		l4 = ip.ihl * 4;
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr ip6;

		/* Extension headers before the transport are not walked. */
		if (bpf_skb_load_bytes(skb, 0, &ip6, sizeof(ip6)))
			return -1;
		hdr->family = AF_INET6;
		__builtin_memcpy(hdr->server, &ip6.saddr, 16);
		proto = ip6.nexthdr;
		l4 = sizeof(ip6);
	} else {
		return -1;
	}
	if ((proto != IPPROTO_UDP && proto != IPPROTO_TCP) ||
	    bpf_skb_load_bytes(skb, l4, ports, sizeof(ports)) || ports[0] != bpf_htons(DNS_PORT))
		return -1;
	hdr->proto = proto;
	if (proto == IPPROTO_UDP) {
		*dns = l4 + sizeof(struct udphdr);
		hdr->msg_len = skb->len > *dns ? skb->len - *dns : 0;
		return 0;
	}
	{
		struct tcphdr th;

		if (bpf_skb_load_bytes(skb, l4, &th, sizeof(th)))
			return -1;
		*dns = l4 + th.doff * 4;
	}
	/* The segment that starts a message: the length prefix, then it. */
	if (bpf_skb_load_bytes(skb, *dns, &prefix, sizeof(prefix)))
		return -1;
	*dns += sizeof(prefix);
	hdr->msg_len = bpf_ntohs(prefix);
	return 0;
}

/* On the ingress of the watched cgroups. Never drops: returns 1 always. */
SEC("cgroup_skb/ingress")
int juris_dns_ingress(struct __sk_buff *skb)
{
	struct dns_loc hdr = {};
	struct dns_answer *e;
	__u8 h[DNS_HDR_LEN];
	__u32 dns, len;

	if (dns_locate(skb, &hdr, &dns) || bpf_skb_load_bytes(skb, dns, h, sizeof(h)))
		return 1;
	/* A response (QR) to a standard query (opcode 0) with one question:
	 * anything else, TCP segments that continue a message included, is
	 * not an answer juris can use. */
	if (!(h[2] & 0x80) || (h[2] & 0x78) || h[4] != 0 || h[5] != 1)
		return 1;
	/* The mask keeps the verifier's view of len within 32 bits. */
	len = (skb->len - dns) & 0xffff;
	if (len > hdr.msg_len)
		len = hdr.msg_len;
	if (len > DNS_CAPTURE_MAX)
		len = DNS_CAPTURE_MAX;
	if (len < DNS_HDR_LEN)
		return 1;
	if (h[6] || h[7])
		dns_learn_exceptions(skb, dns, (__u16)(h[6] << 8 | h[7]));
	e = bpf_ringbuf_reserve(&dns_answers, sizeof(*e), 0);
	if (!e) {
		count(CNT_DNS_RINGBUF_DROPS);
		return 1;
	}
	e->ts_ns = bpf_ktime_get_boot_ns();
	e->cgroup_id = bpf_skb_cgroup_id(skb);
	e->family = hdr.family;
	e->proto = hdr.proto;
	e->len = (__u16)len;
	e->msg_len = hdr.msg_len;
	e->pad0 = 0;
	__builtin_memcpy(e->server, hdr.server, 16);
	if (bpf_skb_load_bytes(skb, dns, e->data, len)) {
		bpf_ringbuf_discard(e, 0);
		return 1;
	}
	bpf_ringbuf_submit(e, 0);
	count(CNT_DNS_ANSWERS);
	return 1;
}
