/* SPDX-License-Identifier: GPL-2.0-only */
/* Gateway mode: the ICMP error that answers a denied packet other than TCP
 * (which gets a reset, reply_rst()), so that a client behind the router
 * fails at once instead of waiting for a timeout: destination unreachable,
 * communication administratively prohibited (ICMPv4 type 3 code 13,
 * RFC 1812 5.2.7.1; ICMPv6 type 1 code 1, RFC 4443 3.1). Included by
 * juris.bpf.c after reply_rst().
 *
 * The error carries the offending packet's IP header and first 8 bytes of
 * payload (RFC 792, RFC 4443 asks for more but the client matches its
 * socket on these), and comes from the denied destination, as the reset
 * does: the tc program knows no address of the router's own. Errors are
 * never answered (RFC 1122 3.2.2), nor non-first fragments; ICMP itself
 * only for echo requests. At most GW_ICMP_PER_SEC per CPU each second: a
 * flood of denied datagrams must not become a flood of errors. */

#define GW_ICMP_PER_SEC 100
#define ICMP_DEST_UNREACH 3
#define ICMP_PKT_FILTERED 13
#define ICMP_ECHO_REQ 8
#define ICMPV6_DEST_UNREACH 1
#define ICMPV6_ADM_PROHIBITED 1
#define ICMPV6_ECHO_REQ 128
#ifndef IPPROTO_ICMPV6
#define IPPROTO_ICMPV6 58
#endif

struct icmp_rate {
	__u64 second;
	__u32 sent;
	__u32 pad0;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct icmp_rate);
} gw_icmp_rate SEC(".maps");

static __always_inline int icmp_rate_ok(void)
{
	__u32 zero = 0;
	struct icmp_rate *r = bpf_map_lookup_elem(&gw_icmp_rate, &zero);
	__u64 sec = bpf_ktime_get_ns() / 1000000000ull;

	if (!r)
		return 0;
	if (r->second != sec) {
		r->second = sec;
		r->sent = 0;
	}
	if (r->sent >= GW_ICMP_PER_SEC)
		return 0;
	r->sent++;
	return 1;
}

/* The ICMP header of an error: type, code, checksum, 4 unused bytes. */
struct icmp_err {
	__u8 type;
	__u8 code;
	__u16 check;
	__u32 unused;
};

struct icmp4_reply {
	struct iphdr ip;
	struct icmp_err icmp;
	__u8 orig[28]; /* the denied packet's header and 8 bytes */
};

struct icmp6_reply {
	struct ipv6hdr ip6;
	struct icmp_err icmp;
	__u8 orig[48];
};

static __always_inline int icmp4_build(struct __sk_buff *skb, __u32 nh, const struct flow_key *k,
				       struct icmp4_reply *r)
{
	const struct iphdr *o = (const struct iphdr *)r->orig;

	if (bpf_skb_load_bytes(skb, nh, r->orig, sizeof(r->orig)))
		return -1;
	if (o->ihl != 5 || (o->frag_off & bpf_htons(IP_OFFSET_MASK)))
		return -1;
	if (k->proto == IPPROTO_ICMP && r->orig[20] != ICMP_ECHO_REQ)
		return -1;
	__builtin_memset(&r->ip, 0, sizeof(r->ip));
	r->ip.version = 4;
	r->ip.ihl = 5;
	r->ip.tot_len = bpf_htons(sizeof(*r));
	r->ip.ttl = 64;
	r->ip.protocol = IPPROTO_ICMP;
	__builtin_memcpy(&r->ip.saddr, k->daddr, 4);
	__builtin_memcpy(&r->ip.daddr, k->saddr, 4);
	r->ip.check = csum_fold(bpf_csum_diff(NULL, 0, (__u32 *)&r->ip, sizeof(r->ip), 0));
	r->icmp.type = ICMP_DEST_UNREACH;
	r->icmp.code = ICMP_PKT_FILTERED;
	r->icmp.check = 0;
	r->icmp.unused = 0;
	r->icmp.check = csum_fold(
		bpf_csum_diff(NULL, 0, (__u32 *)&r->icmp, sizeof(r->icmp) + sizeof(r->orig), 0));
	return 0;
}

static __always_inline int icmp6_build(struct __sk_buff *skb, __u32 nh, const struct flow_key *k,
				       struct icmp6_reply *r)
{
	const struct ipv6hdr *o = (const struct ipv6hdr *)r->orig;
	__u32 ph[10] = {};
	__s64 sum;

	if (bpf_skb_load_bytes(skb, nh, r->orig, sizeof(r->orig)))
		return -1;
	/* The flow key's proto is past any extension header; without one
	 * the 8 bytes copied are the transport header's. */
	if (o->nexthdr != k->proto)
		return -1;
	if (k->proto == IPPROTO_ICMPV6 && r->orig[40] != ICMPV6_ECHO_REQ)
		return -1;
	__builtin_memset(&r->ip6, 0, sizeof(r->ip6));
	r->ip6.version = 6;
	r->ip6.payload_len = bpf_htons(sizeof(r->icmp) + sizeof(r->orig));
	r->ip6.nexthdr = IPPROTO_ICMPV6;
	r->ip6.hop_limit = 64;
	__builtin_memcpy(&r->ip6.saddr, k->daddr, 16);
	__builtin_memcpy(&r->ip6.daddr, k->saddr, 16);
	r->icmp.type = ICMPV6_DEST_UNREACH;
	r->icmp.code = ICMPV6_ADM_PROHIBITED;
	r->icmp.check = 0;
	r->icmp.unused = 0;
	/* Pseudo-header: addresses, upper-layer length, next header. */
	__builtin_memcpy(&ph[0], &r->ip6.saddr, 16);
	__builtin_memcpy(&ph[4], &r->ip6.daddr, 16);
	ph[8] = bpf_htonl(sizeof(r->icmp) + sizeof(r->orig));
	ph[9] = bpf_htonl(IPPROTO_ICMPV6);
	sum = bpf_csum_diff(NULL, 0, ph, sizeof(ph), 0);
	if (sum < 0)
		return -1;
	sum = bpf_csum_diff(NULL, 0, (__u32 *)&r->icmp, sizeof(r->icmp) + sizeof(r->orig),
			    (__u32)sum);
	if (sum < 0)
		return -1;
	r->icmp.check = csum_fold(sum);
	return 0;
}

/* Turns a denied packet (not TCP) into the ICMP error that answers it and
 * sends it back out of the interface it came in by. Returns the tc
 * verdict: a redirect, or a drop when no error is due or allowed. */
static __always_inline int reply_icmp(struct __sk_buff *skb, __u32 nh, const struct flow_key *k)
{
	struct ethhdr eth;
	__u32 len;
	int ret;

	if ((nh != 0 && nh != ETH_HLEN) || skb->gso_size)
		return TC_ACT_SHOT;
	if (nh && bpf_skb_load_bytes(skb, 0, &eth, sizeof(eth)))
		return TC_ACT_SHOT;
	if (k->family == AF_INET) {
		struct icmp4_reply r;

		if (icmp4_build(skb, nh, k, &r))
			return TC_ACT_SHOT;
		if (!icmp_rate_ok()) {
			count(CNT_GW_ICMP_RATE_LIMITED);
			return TC_ACT_SHOT;
		}
		len = sizeof(r);
		ret = bpf_skb_change_tail(skb, nh + len, 0) ||
		      bpf_skb_store_bytes(skb, nh, &r, sizeof(r), 0);
	} else {
		struct icmp6_reply r;

		if (icmp6_build(skb, nh, k, &r))
			return TC_ACT_SHOT;
		if (!icmp_rate_ok()) {
			count(CNT_GW_ICMP_RATE_LIMITED);
			return TC_ACT_SHOT;
		}
		len = sizeof(r);
		ret = bpf_skb_change_tail(skb, nh + len, 0) ||
		      bpf_skb_store_bytes(skb, nh, &r, sizeof(r), 0);
	}
	if (ret)
		return TC_ACT_SHOT;
	if (nh && swap_macs(skb, &eth))
		return TC_ACT_SHOT;
	count(CNT_GW_ICMP_SENT);
	return bpf_redirect(skb->ingress_ifindex, 0);
}
