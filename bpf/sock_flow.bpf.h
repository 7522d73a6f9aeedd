/* SPDX-License-Identifier: GPL-2.0-only */
/* Socket-local flow state: the flow of a socket's packets one pointer from
 * the socket. Included by juris.bpf.c, after flow_table.bpf.h.
 *
 * Most packets belong to a socket. Its flow's verdict, policy generation
 * and counters live in the socket's own storage (BPF_MAP_TYPE_SK_STORAGE),
 * so an established packet reads them with no hash lookup and no LRU, at
 * the same cost for one flow or a million: the socket was just touched by
 * the send path. Packets without a socket and forwarded ones keep the flow
 * table alone (flow_table.bpf.h).
 *
 * The record is still the flow table: every socket flow has its entry
 * there (keyed by its flow key, socket cookie included), made by its first
 * packet, so that readers (report, top, metrics) walk one bounded map, as
 * for every other flow. The socket adds its counts to that entry (a flush)
 * at most once every SOCK_FLUSH_TICKS jiffies, before its verdict changes
 * and when it is closed (cgroup/sock_release): reports of live sockets lag
 * by at most that long, and nothing a closed socket sent is missing.
 * Socket-local storage cannot be walked from userspace by a map walk; a
 * bpf_iter over it would be exact for live sockets but a second source for
 * every reader, and lose closed sockets all the same without the release
 * hook. Memory stays bounded: the flow table is the LRU it was, and an
 * entry it evicted while the socket lives is made again at the next flush
 * (CNT_FLOW_ENTRIES_EXTRA keeps the eviction count right). */

/* About a second at HZ=250, a quarter at HZ=1000. */
#define SOCK_FLUSH_TICKS 250

/* Who opened a socket, recorded by the socket hooks so that the packet hook
 * can attribute a flow to a process even when it runs in softirq context. */
struct sock_owner {
	__u32 pid;
	__u32 uid;
	char comm[16];
	__u64 last_refused; /* destination of the last datagram event */
};

struct sock_flow {
	/* First cache line: all that an established packet reads or writes. */
	__u8 daddr[16]; /* the flow's destination, network order */
	__u16 dport;	/* network order */
	__u8 family;
	__u8 proto;
	__u32 generation; /* of the verdict; 0: no flow yet */
	__u8 zone;
	__u8 verdict;
	__u8 reason;
	__u8 flags;
	char cc[2];  /* destination country, for the exact counters */
	__u16 op_id; /* its listed operator's id, 0: none */
	/* Counted since the flow began on this socket; the flow-table entry
	 * has had flushed_packets and flushed_bytes of them. */
	__u64 packets;
	__u64 bytes;
	__u64 flushed_jiffies;
	__u64 except_seq; /* as flow_val.except_seq */
	/* Then what a flush, a new flow and the socket hooks use. */
	__u64 flushing; /* 1 while a CPU flushes: one at a time */
	__u64 id;	/* flow_id(&key) */
	__u64 flushed_packets;
	__u64 flushed_bytes;
	struct flow_key key;
	struct sock_owner owner;
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sock_flow);
} sock_flows SEC(".maps");

/* Adds what socket flow sf counted since its last flush to its flow-table
 * entry, made again from sf when the table evicted it. One CPU at a time
 * (sf->flushing): another one that finds it taken leaves the counts to
 * the next flush, and a datagram socket's threads never add twice. */
static __always_inline void sock_flow_flush(struct sock_flow *sf)
{
	struct flow_scratch_slot *slot;
	__u64 p, b, dp, db;
	struct flow_val *v;

	if (!sf->id || __sync_val_compare_and_swap(&sf->flushing, 0, 1) != 0)
		return;
	sf->flushed_jiffies = bpf_jiffies64();
	p = sf->packets;
	b = sf->bytes;
	dp = p - sf->flushed_packets;
	db = b - sf->flushed_bytes;
	sf->flushed_packets = p;
	sf->flushed_bytes = b;
	if (!dp && !db)
		goto out;
	v = flow_find(&sf->key, sf->id);
	if (v) {
		flow_add_shared(v, dp, db);
		v->last_jiffies = bpf_jiffies64();
		v->last_ns = bpf_ktime_get_coarse_ns();
		goto out;
	}
	slot = scratch_get();
	if (!slot) {
		count(CNT_FLOW_INSERT_FAIL);
		goto out;
	}
	v = &slot->v;
	__builtin_memset(v, 0, sizeof(*v));
	v->key = sf->key;
	v->generation = sf->generation;
	v->zone = sf->zone;
	v->verdict = sf->verdict;
	v->reason = sf->reason;
	v->flags = sf->flags;
	v->packets = dp;
	v->bytes = db;
	v->first_ns = bpf_ktime_get_boot_ns();
	v->last_ns = bpf_ktime_get_coarse_ns();
	v->last_jiffies = bpf_jiffies64();
	v->pid = sf->owner.pid;
	v->uid = sf->owner.uid;
	__builtin_memcpy(v->comm, sf->owner.comm, sizeof(v->comm));
	if (bpf_map_update_elem(&flows, &sf->id, v, BPF_NOEXIST))
		count(CNT_FLOW_INSERT_FAIL);
	else
		count(CNT_FLOW_ENTRIES_EXTRA);
	scratch_put(slot);
out:
	barrier();
	sf->flushing = 0;
}

/* The established path: 1 when socket flow sf holds the verdict of this
 * packet of k (len bytes), which it then counts; 0 when the packet must
 * take the flow table's path (another destination, a new policy, an
 * --except-domain answer since). */
static __always_inline int sock_flow_packet(struct sock_flow *sf, const struct flow_key *k,
					    __u32 len, const struct juris_config *cfg)
{
	const __u64 *a = (const __u64 *)sf->daddr, *d = (const __u64 *)k->daddr;

	if (!cfg || sf->generation != cfg->generation || !sf->generation || sf->dport != k->dport ||
	    sf->family != k->family || sf->proto != k->proto || ((a[0] ^ d[0]) | (a[1] ^ d[1])))
		return 0;
	if (sf->verdict != VERDICT_ALLOW && sf->except_seq != dns_except_seq)
		return 0;
	/* A TCP socket sends under its lock, one CPU at a time (process
	 * context, or softirq when the process does not hold it): plain adds
	 * are exact. Datagram sockets may send from several threads at once. */
	if (sf->proto == IPPROTO_TCP) {
		sf->packets += 1;
		sf->bytes += len;
	} else {
		__sync_fetch_and_add(&sf->packets, 1);
		__sync_fetch_and_add(&sf->bytes, len);
	}
	{
		struct classification c = { .cc = { sf->cc[0], sf->cc[1] },
					    .zone = sf->zone,
					    .verdict = sf->verdict,
					    .op_id = sf->op_id };

		add_counts(NULL, &c, 1, len, 0);
	}
	if (bpf_jiffies64() - sf->flushed_jiffies >= SOCK_FLUSH_TICKS)
		sock_flow_flush(sf);
	return 1;
}

/* After the flow table's path judged a packet of flow k (id) on the
 * socket: sf follows that flow from now on, with its verdict. The caller
 * flushed sf before that path, so that what sf counted for an earlier
 * flow (an unconnected socket's other destination) or under an earlier
 * verdict went to that flow's entry as it was. */
static __always_inline void sock_flow_follow(struct sock_flow *sf, const struct flow_key *k,
					     __u64 id, const struct classification *c)
{
	if (sf->id != id) {
		sf->id = id;
		sf->key = *k;
		__builtin_memcpy(sf->daddr, k->daddr, sizeof(sf->daddr));
		sf->dport = k->dport;
		sf->family = k->family;
		sf->proto = k->proto;
	}
	sf->zone = c->zone;
	sf->verdict = c->verdict;
	sf->reason = c->reason;
	sf->flags = c->flags;
	sf->cc[0] = c->cc[0];
	sf->cc[1] = c->cc[1];
	sf->op_id = c->op_id;
	sf->except_seq = dns_except_seq;
	/* Last: a packet on another CPU takes the fast path only once the
	 * rest is in place. */
	barrier();
	sf->generation = c->generation;
}
