/* SPDX-License-Identifier: GPL-2.0-only */
/* DNS answers received by the watched processes: copied to the daemon, which
 * names the destinations in events and reports, and, for --except-domain,
 * turned into exceptions right here, before the application can read the
 * answer and connect (the daemon would come too late: a race it loses).
 *
 * Only answers to queries a watched socket sent count: the egress side
 * records each query (dns_note_query), and an answer must come back on the
 * reversed 5-tuple with the same id and question, over UDP or at the start
 * of a DNS message of a TCP stream the watched process opened (the stream
 * offset is followed from the server's SYN-ACK), and, with --dns-resolver,
 * from one of those resolvers. Of its records, only those on the chain
 * from the question (the name, then CNAME targets) allow an address.
 * Included by juris.bpf.c, after the maps and count() it uses. */

#include <linux/udp.h>

#define DNS_PORT 53
#define DNS_HDR_LEN 12
#define DNS_MAX_LABELS 32 /* labels of a name walked here (DNS_NAME_MAX bytes hold fewer) */
#define DNS_MAX_RRS 32	  /* answer records walked here for --except-domain */
#define DNS_TYPE_A 1
#define DNS_TYPE_AAAA 28
#define DNS_TYPE_CNAME 5
#define DNS_CLASS_IN 1
#define DNS_QUERIES_MAX 4096 /* queries awaiting their answer */
#define DNS_TCP_MAX 1024     /* TCP streams to port 53 followed */
#define DNS_MAX_HOPS 8	     /* compression pointers followed in one name */
#define DNS_TCP_MSGS 4	     /* messages of one TCP segment stepped over */
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
	__type(value, struct dns_except_val);
} except_dyn SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, DNS_PATTERNS_MAX);
	__type(key, struct dns_pattern_key);
	__type(value, struct dns_pattern_val);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} dns_patterns SEC(".maps");

/* Queries the watched sockets sent, until answered (LRU: an unanswered
 * one ages out; an answer to one forgotten is ignored, fails closed). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, DNS_QUERIES_MAX);
	__type(key, struct dns_query_key);
	__type(value, struct dns_query_val);
} dns_queries SEC(".maps");

/* TCP streams to port 53 that watched sockets opened: where the server's
 * next message starts. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, DNS_TCP_MAX);
	__type(key, struct dns_query_key);
	__type(value, struct dns_tcp_val);
} dns_tcp SEC(".maps");

/* Room for names: the stack of the egress program is nearly full. Slot 0
 * for the egress side, 1 for the ingress side (a softirq may run one
 * while the other is half-way on the same CPU). */
/* The addresses, ports and transport of a packet, as DNS needs them. */
struct dns_pkt {
	__u8 family;
	__u8 proto;
	__u8 tcp_flags; /* byte 13 of the TCP header */
	__u8 pad0;
	__u16 sport; /* network order */
	__u16 dport;
	__u32 seq;     /* TCP, host order */
	__u32 payload; /* offset of the transport payload */
	__u32 payload_len;
	__u8 saddr[16];
	__u8 daddr[16];
};

struct dns_name_buf {
	__u8 b[2 * DNS_NAME_MAX]; /* a name, then room for its last label */
};

struct dns_scratch {
	struct dns_query_val q;
	struct dns_query_key k;
	struct dns_pkt p;
	struct dns_name_buf chain; /* the name the chain has reached */
	struct dns_name_buf owner; /* a record's owner name */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, struct dns_scratch);
} dns_scratch SEC(".maps");

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
	struct dns_except_val *e;

	dns_key_of(family, addr, &k);
	e = bpf_map_lookup_elem(&except_dyn, &k);
	return e && e->expires_ns > bpf_ktime_get_boot_ns();
}

/* ASCII upper case to lower case, eight bytes at a time and without a
 * branch per byte (the verifier walks it once): a byte gets 0x20 when it
 * is in 'A'..'Z'. Label lengths (1..63) are below 'A' and stay. */
static __always_inline void dns_lower(struct dns_pattern_key *key)
{
	__u64 *w = (__u64 *)key;

#pragma unroll
	for (int i = 0; i < DNS_NAME_MAX / 8; i++) {
		__u64 x = w[i] & 0x7f7f7f7f7f7f7f7full;
		__u64 ge_a = x + 0x3f3f3f3f3f3f3f3full; /* high bit: x >= 'A' */
		__u64 gt_z = x + 0x2525252525252525ull; /* high bit: x > 'Z' */

		w[i] |= (ge_a & ~gt_z & ~w[i] & 0x8080808080808080ull) >> 2;
		/* One word at a time: interleaved, the words spill to the stack. */
		barrier();
	}
}

/* Does the question name at off match an --except-domain pattern? Each
 * suffix after a label is looked up whole, as the loader stored it. Sets
 * the pattern's id and the kind that matched. A global function: its
 * frame is not on the stack of the record walk that follows. */
__noinline int dns_name_matches(struct __sk_buff *skb, __u32 off, __u32 *end, __u32 *id,
				__u8 *kind_matched)
{
	struct dns_pattern_key *key;
	struct dns_scratch *s;
	__u32 pos = off, len, one = 1;
	const struct dns_pattern_val *pv;
	__u8 l = 0, want;

	if (!skb || !end || !id || !kind_matched)
		return 0;
	for (int i = 0; i < DNS_MAX_LABELS; i++) {
		pos &= DNS_OFF_MASK;
		if (bpf_skb_load_bytes(skb, pos, &l, 1) || l > 63)
			return 0; /* a question name is never compressed */
		if (!l)
			break;
		pos += l + 1;
		if (pos - off >= DNS_NAME_MAX)
			return 0;
	}
	if (l)
		return 0;
	*end = pos + 1;
	/* The key in scratch space: the stack is the programs' scarcest. */
	s = bpf_map_lookup_elem(&dns_scratch, &one);
	if (!s)
		return 0;
	key = &s->q.qname;
	/* Again from the start: each suffix, the whole name first. */
	for (int i = 0; i < DNS_MAX_LABELS; i++) {
		if (off >= pos)
			break;
		/* The mask lets the verifier see the bound the test gives. */
		len = (pos + 1 - off) & (2 * DNS_NAME_MAX - 1);
		if (len > DNS_NAME_MAX || len < 1)
			return 0;
		__builtin_memset(key, 0, sizeof(*key));
		if (bpf_skb_load_bytes(skb, off, key->name, len))
			return 0;
		dns_lower(key);
		pv = bpf_map_lookup_elem(&dns_patterns, key);
		want = i ? DNS_MATCH_SUBDOMAINS : DNS_MATCH_EXACT;
		if (pv && (pv->kind & want)) {
			*id = pv->id;
			*kind_matched = want;
			return 1;
		}
		off = (off + key->name[0] + 1) & DNS_OFF_MASK;
	}
	return 0;
}

/* State of dns_read_name's walk, one label or pointer a step. */
struct dns_name_walk {
	struct __sk_buff *skb;
	struct dns_name_buf *nb;
	__u32 dns;  /* where the message starts */
	__u32 off;  /* the next label */
	__u32 pos;  /* bytes of nb written */
	__u32 hops; /* compression pointers followed */
	__u32 next; /* the offset after the name as written, once known */
	int done;   /* 1: read whole; -1: malformed or too long */
};

/* A bpf_loop() callback: the verifier checks it until its state repeats
 * (the offsets of a few steps), where an open loop was checked once per
 * possible step and label length, past the verifier's budget. */
static long dns_name_step(__u32 i, void *data)
{
	struct dns_name_walk *w = data;
	__u32 off = w->off & DNS_OFF_MASK, pos = w->pos;
	__u8 l, p2;

	w->done = -1;
	if (bpf_skb_load_bytes(w->skb, off, &l, 1))
		return 1;
	if ((l & 0xc0) == 0xc0) {
		if (++w->hops > DNS_MAX_HOPS || bpf_skb_load_bytes(w->skb, off + 1, &p2, 1))
			return 1;
		if (!w->next)
			w->next = off + 2;
		w->off = w->dns + ((__u32)(l & 0x3f) << 8 | p2);
		w->done = 0;
		return 0;
	}
	if (l > 63)
		return 1;
	if (!l) {
		if (!w->next)
			w->next = off + 1;
		w->done = 1;
		return 1;
	}
	if (pos + l + 1 >= DNS_NAME_MAX)
		return 1;
	pos &= DNS_NAME_MAX - 1;
	w->nb->b[pos] = l;
	/* l is 1..63: the form lets the verifier see it. */
	if (bpf_skb_load_bytes(w->skb, off + 1, &w->nb->b[pos + 1], ((l - 1) & 63) + 1))
		return 1;
	w->pos = pos + l + 1;
	w->off = off + l + 1;
	w->done = 0;
	return 0;
}

/* Reads the name at off of the message that starts at dns into nb,
 * compression pointers followed, lower case, zero-padded over its first
 * DNS_NAME_MAX bytes: two names compare as 16 words. Sets *next to the
 * offset after the name as written (after its first pointer). Returns 0,
 * or -1 for a name that is malformed or longer than DNS_NAME_MAX. A
 * global function: the verifier checks it once, not at each call. */
__noinline int dns_read_name(struct __sk_buff *skb, __u32 dns, __u32 off, struct dns_name_buf *nb,
			     __u32 *next)
{
	struct dns_name_walk w = { .skb = skb, .dns = dns, .off = off };

	if (!skb || !nb || !next)
		return -1;
	w.nb = nb;
	*next = 0;
	__builtin_memset(nb->b, 0, DNS_NAME_MAX);
	bpf_loop(DNS_MAX_LABELS + DNS_MAX_HOPS, dns_name_step, &w, 0);
	if (w.done != 1)
		return -1;
	*next = w.next;
	dns_lower((struct dns_pattern_key *)nb->b);
	return 0;
}

static __always_inline int dns_same_name(const __u8 *a, const __u8 *b)
{
	const __u64 *x = (const __u64 *)a, *y = (const __u64 *)b;
	__u64 d = 0;

#pragma unroll
	for (int i = 0; i < DNS_NAME_MAX / 8; i++)
		d |= x[i] ^ y[i];
	return !d;
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
	__u32 dns; /* where the message starts */
	__u32 off; /* the next record */
	__u32 ancount;
	__u32 pattern_id; /* the --except-domain pattern the question matched */
	__u8 kind;
};

/* One answer record, as a bpf_loop() callback: the verifier checks it
 * once instead of once per record. Only records whose owner is the name
 * the chain has reached count: a CNAME moves the chain to its target, an
 * A or AAAA record allows its address. The others are ignored here (the
 * daemon counts them, dns_off_chain). Returns 1 to stop. */
static long dns_rr_step(__u32 i, void *data)
{
	struct dns_rr_walk *w = data;
	struct dns_except_val ev = {};
	struct dns_scratch *s;
	struct dns_addr_key k;
	struct dns_rr_fixed rr;
	__u32 one = 1, off, rdata;
	__u8 addr[16];
	__u64 ttl;

	if (i >= w->ancount)
		return 1;
	s = bpf_map_lookup_elem(&dns_scratch, &one);
	if (!s || dns_read_name(w->skb, w->dns, w->off, &s->owner, &off) ||
	    bpf_skb_load_bytes(w->skb, off, &rr, sizeof(rr)))
		return 1;
	rdata = off + sizeof(rr);
	w->off = (rdata + bpf_ntohs(rr.rdlen)) & DNS_OFF_MASK;
	if (rr.class != bpf_htons(DNS_CLASS_IN) || !dns_same_name(s->owner.b, s->chain.b))
		return 0;
	if (rr.type == bpf_htons(DNS_TYPE_CNAME))
		return dns_read_name(w->skb, w->dns, rdata, &s->chain, &off) ? 1 : 0;
	if (rr.type == bpf_htons(DNS_TYPE_A) && rr.rdlen == bpf_htons(4)) {
		if (bpf_skb_load_bytes(w->skb, rdata & DNS_OFF_MASK, addr, 4))
			return 1;
		dns_key_of(AF_INET, addr, &k);
	} else if (rr.type == bpf_htons(DNS_TYPE_AAAA) && rr.rdlen == bpf_htons(16)) {
		if (bpf_skb_load_bytes(w->skb, rdata & DNS_OFF_MASK, addr, 16))
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
	ev.expires_ns = w->now + ttl * 1000000000ull;
	ev.pattern_id = w->pattern_id;
	ev.kind = w->kind;
	if (!bpf_map_update_elem(&except_dyn, &k, &ev, BPF_ANY)) {
		count(CNT_DNS_EXCEPT_ADDED);
		__u64 seq = __sync_fetch_and_add(&dns_except_seq, 1);

		/* The value used: a fetching atomic, a full barrier after
		 * the write on every architecture. */
		barrier_var(seq);
	}
	return 0;
}

/* For an answer to an --except-domain name: each A and AAAA record on the
 * chain from the question name (its CNAMEs) allows its address until its
 * TTL runs out. A global function (as the others below that the ingress
 * program calls): each has its own stack frame, and the frames of one
 * call chain must fit 512 bytes together. */
__noinline int dns_learn_exceptions(struct __sk_buff *skb, __u32 dns, __u32 ancount)
{
	struct dns_rr_walk w = { .skb = skb, .dns = dns, .ancount = ancount };
	struct dns_scratch *s;
	__u32 one = 1, end;

	if (!skb || !dns_name_matches(skb, dns + DNS_HDR_LEN, &w.off, &w.pattern_id, &w.kind))
		return 0;
	s = bpf_map_lookup_elem(&dns_scratch, &one);
	if (!s || dns_read_name(skb, dns, dns + DNS_HDR_LEN, &s->chain, &end))
		return 0;
	w.off += 4; /* QTYPE, QCLASS */
	w.now = bpf_ktime_get_boot_ns();
	bpf_loop(DNS_MAX_RRS, dns_rr_step, &w, 0);
	return 0;
}

#define DNS_TCP_SYN 0x02
#define DNS_TCP_ACK 0x10

/* Fills p for a UDP or TCP packet (IPv6 extension headers are not walked:
 * DNS over them is not read). Returns 0 when it is one. Fields are read
 * one by one into p: header copies on the stack would not fit the egress
 * program's frame beside its own. */
static __always_inline int dns_parse_pkt(struct __sk_buff *skb, struct dns_pkt *p)
{
	__u8 b[2];
	__u32 l4;

	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		/* version/IHL, then fragment offset at 6, protocol at 9 */
		if (bpf_skb_load_bytes(skb, 0, b, 1))
			return -1;
		l4 = (b[0] & 0x0f) * 4;
		if (bpf_skb_load_bytes(skb, 6, b, 2) || ((b[0] & 0x1f) | b[1]) ||
		    bpf_skb_load_bytes(skb, 9, &p->proto, 1) ||
		    bpf_skb_load_bytes(skb, 12, p->saddr, 4) ||
		    bpf_skb_load_bytes(skb, 16, p->daddr, 4))
			return -1;
		p->family = AF_INET;
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		if (bpf_skb_load_bytes(skb, 6, &p->proto, 1) ||
		    bpf_skb_load_bytes(skb, 8, p->saddr, 16) ||
		    bpf_skb_load_bytes(skb, 24, p->daddr, 16))
			return -1;
		p->family = AF_INET6;
		l4 = 40;
	} else {
		return -1;
	}
	if ((p->proto != IPPROTO_UDP && p->proto != IPPROTO_TCP) ||
	    bpf_skb_load_bytes(skb, l4, &p->sport, 4)) /* sport, dport */
		return -1;
	if (p->proto == IPPROTO_UDP) {
		p->payload = l4 + sizeof(struct udphdr);
	} else {
		/* sequence number at 4; data offset and flags at 12 */
		if (bpf_skb_load_bytes(skb, l4 + 4, &p->seq, 4) ||
		    bpf_skb_load_bytes(skb, l4 + 12, b, 2))
			return -1;
		p->seq = bpf_ntohl(p->seq);
		p->tcp_flags = b[1];
		p->payload = l4 + (b[0] >> 4) * 4;
	}
	p->payload = p->payload & 0xffff;
	p->payload_len = skb->len > p->payload ? skb->len - p->payload : 0;
	return 0;
}

/* The key of the query an answer p answers (id left zero), from the
 * client's side: the reversed 5-tuple. */
static __always_inline void dns_answer_key(const struct dns_pkt *p, struct dns_query_key *k)
{
	__builtin_memset(k, 0, sizeof(*k));
	k->family = p->family;
	k->proto = p->proto;
	k->cport = p->dport;
	__builtin_memcpy(k->caddr, p->daddr, 16);
	__builtin_memcpy(k->saddr, p->saddr, 16);
}

/* On egress, for a packet to port 53: records the standard query it
 * carries (over UDP, or at the start of a TCP segment after its length
 * prefix), so that its answer is recognised. A global function with its
 * state in scratch space: the egress program's own frame leaves it little
 * stack. A question name is never compressed: read whole, as written. */
__noinline int dns_note_query(struct __sk_buff *skb)
{
	struct dns_scratch *s;
	__u32 zero = 0, dns, pos, len;
	__u8 h[DNS_HDR_LEN], l = 0;
	__u16 tc[2];

	s = bpf_map_lookup_elem(&dns_scratch, &zero);
	if (!skb || !s)
		return 0;
	__builtin_memset(&s->p, 0, sizeof(s->p));
	if (dns_parse_pkt(skb, &s->p) || s->p.dport != bpf_htons(DNS_PORT))
		return 0;
	dns = s->p.payload + (s->p.proto == IPPROTO_TCP ? 2 : 0);
	/* A query (QR 0), standard (opcode 0), with one question. */
	if (bpf_skb_load_bytes(skb, dns, h, sizeof(h)) || (h[2] & 0xf8) || h[4] || h[5] != 1)
		return 0;
	pos = dns + DNS_HDR_LEN;
	for (int i = 0; i < DNS_MAX_LABELS; i++) {
		pos &= DNS_OFF_MASK;
		if (bpf_skb_load_bytes(skb, pos, &l, 1) || l > 63)
			return 0;
		if (!l)
			break;
		pos += l + 1;
		if (pos - dns - DNS_HDR_LEN >= DNS_NAME_MAX)
			return 0;
	}
	if (l)
		return 0;
	len = (pos + 1 - dns - DNS_HDR_LEN) & (2 * DNS_NAME_MAX - 1);
	if (len > DNS_NAME_MAX || len < 1)
		return 0;
	__builtin_memset(&s->q.qname, 0, sizeof(s->q.qname));
	if (bpf_skb_load_bytes(skb, dns + DNS_HDR_LEN, s->q.qname.name, len) ||
	    bpf_skb_load_bytes(skb, (pos + 1) & DNS_OFF_MASK, tc, sizeof(tc)))
		return 0;
	dns_lower(&s->q.qname);
	s->q.qtype = tc[0];
	s->q.qclass = tc[1];
	s->q.ts_ns = bpf_ktime_get_boot_ns();
	__builtin_memset(&s->k, 0, sizeof(s->k));
	s->k.family = s->p.family;
	s->k.proto = s->p.proto;
	s->k.cport = s->p.sport;
	__builtin_memcpy(&s->k.id, h, 2);
	__builtin_memcpy(s->k.caddr, s->p.saddr, 16);
	__builtin_memcpy(s->k.saddr, s->p.daddr, 16);
	bpf_map_update_elem(&dns_queries, &s->k, &s->q, BPF_ANY);
	return 0;
}

/* With --dns-resolver, answers count only from those addresses. */
static __always_inline int dns_from_resolver(const struct dns_pkt *p)
{
	__u32 slot;
	const struct juris_config *cfg = live_policy(&slot);
	struct dns_addr_key k;
	__u64 a[2], r[2];

	if (!cfg || !cfg->n_dns_resolvers)
		return 1;
	dns_key_of(p->family, p->saddr, &k);
	__builtin_memcpy(a, k.addr, 16);
	for (__u32 i = 0; i < DNS_RESOLVERS_MAX; i++) {
		if (i >= cfg->n_dns_resolvers)
			break;
		__builtin_memcpy(r, cfg->dns_resolvers[i], 16);
		if (a[0] == r[0] && a[1] == r[1])
			return 1;
	}
	return 0;
}

/* A TCP segment from port 53: the SYN-ACK of a stream a watched socket
 * opened starts following it; a data segment counts only when it starts
 * a message where the stream says the next one starts (never mid-stream).
 * Sets the message's offset and length; returns 0 when there is one. The
 * messages that start later in the same segment are stepped over, unread,
 * so that the stream stays followed. */
__noinline int dns_tcp_message(struct __sk_buff *skb, const struct dns_pkt *p, __u32 *dns,
			       __u32 *msg_len)
{
	struct dns_tcp_val nv = {}, *t;
	struct dns_query_key k;
	__u32 next, rel;
	__u16 prefix;

	if (!skb || !p || !dns || !msg_len)
		return -1;
	dns_answer_key(p, &k);
	if ((p->tcp_flags & (DNS_TCP_SYN | DNS_TCP_ACK)) == (DNS_TCP_SYN | DNS_TCP_ACK)) {
		nv.next_seq = p->seq + 1;
		bpf_map_update_elem(&dns_tcp, &k, &nv, BPF_ANY);
		return -1;
	}
	if (!p->payload_len)
		return -1;
	t = bpf_map_lookup_elem(&dns_tcp, &k);
	if (!t) {
		count(CNT_DNS_UNSOLICITED);
		return -1;
	}
	if (p->seq != t->next_seq) {
		count(CNT_DNS_MIDSTREAM);
		return -1;
	}
	if (bpf_skb_load_bytes(skb, p->payload, &prefix, sizeof(prefix)))
		return -1;
	*msg_len = bpf_ntohs(prefix);
	*dns = p->payload + sizeof(prefix);
	next = p->seq + sizeof(prefix) + *msg_len;
	for (int i = 0; i < DNS_TCP_MSGS; i++) {
		rel = next - p->seq;
		if (rel + sizeof(prefix) > p->payload_len ||
		    bpf_skb_load_bytes(skb, (p->payload + rel) & DNS_OFF_MASK, &prefix,
				       sizeof(prefix)))
			break;
		next += sizeof(prefix) + bpf_ntohs(prefix);
		count(CNT_DNS_MIDSTREAM);
	}
	t->next_seq = next;
	return 0;
}

/* Does the answer at dns (transaction id, network order) answer a query
 * a watched socket sent, on this 5-tuple, with this id and this question?
 * The query is then answered: a second answer to it is not. */
__noinline int dns_answers_query(struct __sk_buff *skb, const struct dns_pkt *p, __u32 dns,
				 __u32 id)
{
	const struct dns_query_val *q;
	struct dns_query_key k;
	struct dns_scratch *s;
	__u32 one = 1, end;
	__u16 tc[2];

	if (!skb || !p)
		return 0;
	dns_answer_key(p, &k);
	k.id = (__u16)id;
	q = bpf_map_lookup_elem(&dns_queries, &k);
	if (!q) {
		count(CNT_DNS_UNSOLICITED);
		return 0;
	}
	s = bpf_map_lookup_elem(&dns_scratch, &one);
	if (!s || dns_read_name(skb, dns, dns + DNS_HDR_LEN, &s->owner, &end) ||
	    bpf_skb_load_bytes(skb, end & DNS_OFF_MASK, tc, sizeof(tc)) ||
	    !dns_same_name(s->owner.b, q->qname.name) || tc[0] != q->qtype || tc[1] != q->qclass) {
		count(CNT_DNS_MISMATCHED);
		return 0;
	}
	bpf_map_delete_elem(&dns_queries, &k);
	return 1;
}

/* On the ingress of the watched cgroups. Never drops: returns 1 always. */
SEC("cgroup_skb/ingress")
int juris_dns_ingress(struct __sk_buff *skb)
{
	struct dns_pkt p = {};
	struct dns_answer *e;
	__u8 h[DNS_HDR_LEN];
	__u32 dns, len, msg_len, id = 0;

	if (!cg_watched(bpf_skb_cgroup_id(skb)))
		return 1;
	if (dns_parse_pkt(skb, &p) || p.sport != bpf_htons(DNS_PORT))
		return 1;
	if (p.proto == IPPROTO_TCP) {
		if (dns_tcp_message(skb, &p, &dns, &msg_len))
			return 1;
	} else {
		dns = p.payload;
		msg_len = p.payload_len & 0xffff;
	}
	if (!dns_from_resolver(&p)) {
		count(CNT_DNS_NOT_RESOLVER);
		return 1;
	}
	if (bpf_skb_load_bytes(skb, dns, h, sizeof(h)))
		return 1;
	/* A response (QR) to a standard query (opcode 0) with one question:
	 * anything else is not an answer juris can use. */
	if (!(h[2] & 0x80) || (h[2] & 0x78) || h[4] != 0 || h[5] != 1)
		return 1;
	__builtin_memcpy(&id, h, 2);
	if (!dns_answers_query(skb, &p, dns, id & 0xffff))
		return 1;
	/* The mask keeps the verifier's view of len within 32 bits. */
	len = (skb->len - dns) & 0xffff;
	if (len > msg_len)
		len = msg_len;
	if (len > DNS_CAPTURE_MAX)
		len = DNS_CAPTURE_MAX;
	if (len < DNS_HDR_LEN)
		return 1;
	if (h[6] || h[7])
		dns_learn_exceptions(skb, dns, (__u32)h[6] << 8 | h[7]);
	e = bpf_ringbuf_reserve(&dns_answers, sizeof(*e), 0);
	if (!e) {
		count(CNT_DNS_RINGBUF_DROPS);
		return 1;
	}
	e->ts_ns = bpf_ktime_get_boot_ns();
	e->cgroup_id = bpf_skb_cgroup_id(skb);
	e->family = p.family;
	e->proto = p.proto;
	e->len = (__u16)len;
	e->msg_len = (__u16)msg_len;
	e->pad0 = 0;
	__builtin_memcpy(e->server, p.saddr, 16);
	if (bpf_skb_load_bytes(skb, dns, e->data, len)) {
		bpf_ringbuf_discard(e, 0);
		return 1;
	}
	bpf_ringbuf_submit(e, 0);
	count(CNT_DNS_ANSWERS);
	return 1;
}
