/* SPDX-License-Identifier: GPL-2.0-only */
/* Closes the open sockets of watched processes whose destination the live
 * policy now blocks: socket iterators (iter/tcp, iter/udp) that userspace
 * runs once after each policy switch, with bpf_sock_destroy() (Linux 6.5).
 *
 * The iterators judge a socket's destination with the very classifier of
 * the egress hooks (classify() of juris.bpf.c, included here, on the same
 * pinned maps, which userspace hands over with bpf_map__reuse_fd()), so
 * the two can never disagree. Only the iterators are loaded from this
 * object; the hooks of juris.bpf.c stay unloaded here (autoload off).
 *
 * Kernel structures are read through CO-RE: the few fields used are
 * declared below with preserve_access_index, and libbpf moves each access
 * to the running kernel's offset (no vmlinux.h, which would clash with
 * the UAPI headers the rest of the programs use). */
#include "juris.bpf.c"
#include <bpf/bpf_core_read.h>

#define TCP_ESTABLISHED 1
#define TCP_SYN_SENT 2
#define TCP_CLOSE_WAIT 8
#define CGROUP_DEPTH_MAX 32 /* a watched cgroup is found among this many ancestors */

struct udp_sock;
struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
} __attribute__((preserve_access_index));

struct bpf_iter__tcp {
	struct bpf_iter_meta *meta;
	struct sock_common *sk_common;
	__u32 uid;
} __attribute__((preserve_access_index));

struct bpf_iter__udp {
	struct bpf_iter_meta *meta;
	struct udp_sock *udp_sk;
	__u32 uid;
} __attribute__((preserve_access_index));

extern int bpf_sock_destroy(struct sock_common *sk) __ksym;

/* The watched cgroups (their ids), filled by userspace before the first
 * run: a socket is closed only when its cgroup is one of them or below. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u64);
	__type(value, __u8);
} sd_watched SEC(".maps");

/* Sockets that bpf_sock_destroy() refused (-errno from the kernel), read
 * by userspace after a run so that none goes unsaid. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} sd_failed SEC(".maps");

/* The id of sk's cgroup in *id; 1 when it or an ancestor is watched. */
static __always_inline int sock_watched(const struct sock *sk, __u64 *id)
{
	struct cgroup *cg = BPF_CORE_READ(sk, sk_cgrp_data.cgroup);

	*id = cg ? BPF_CORE_READ(cg, kn, id) : 0;
	for (int i = 0; i < CGROUP_DEPTH_MAX && cg; i++) {
		__u64 cur = BPF_CORE_READ(cg, kn, id);
		struct cgroup_subsys_state *parent;

		if (bpf_map_lookup_elem(&sd_watched, &cur))
			return 1;
		parent = BPF_CORE_READ(cg, self.parent);
		cg = parent ? BPF_CORE_READ(parent, cgroup) : NULL;
	}
	return 0;
}

/* Judges the socket skc (of sock sk) and closes it when the live policy
 * blocks its destination; the closed connection goes to the iterator's
 * output as one struct juris_event, for the daemon to write. */
static __always_inline int judge_and_close(struct seq_file *seq, struct sock_common *skc,
					   const struct sock *sk, __u32 uid, __u8 hook)
{
	struct juris_event e = {};
	struct classification c;
	struct sock_flow *sf;
	__u16 family = BPF_CORE_READ(skc, skc_family);
	__u32 zero = 0;
	__u64 *failed;
	int ret;

	if (family == AF_INET) {
		__be32 d = BPF_CORE_READ(skc, skc_daddr), s = BPF_CORE_READ(skc, skc_rcv_saddr);

		__builtin_memcpy(e.daddr, &d, 4);
		__builtin_memcpy(e.saddr, &s, 4);
	} else if (family == AF_INET6) {
		BPF_CORE_READ_INTO(&e.daddr, skc, skc_v6_daddr);
		BPF_CORE_READ_INTO(&e.saddr, skc, skc_v6_rcv_saddr);
	} else {
		return 0;
	}
	/* An unconnected UDP socket has no destination: nothing to judge. */
	if (!BPF_CORE_READ(skc, skc_dport))
		return 0;
	if (!sock_watched(sk, &e.cgroup_id))
		return 0;
	classify(family, e.daddr, &c);
	if (c.verdict != VERDICT_BLOCK)
		return 0;
	ret = bpf_sock_destroy(skc);
	if (ret) {
		failed = bpf_map_lookup_elem(&sd_failed, &zero);
		if (failed)
			__sync_fetch_and_add(failed, 1);
		return 0;
	}
	e.ts_ns = bpf_ktime_get_boot_ns();
	e.uid = uid;
	sf = bpf_sk_storage_get(&sock_flows, (void *)sk, 0, 0);
	if (sf && sf->owner.pid) {
		e.pid = sf->owner.pid;
		e.uid = sf->owner.uid;
		__builtin_memcpy(e.comm, sf->owner.comm, sizeof(e.comm));
	}
	e.sport = BPF_CORE_READ(skc, skc_num);
	e.dport = bpf_ntohs(BPF_CORE_READ(skc, skc_dport));
	e.type = EVENT_CLOSED;
	e.hook = hook;
	e.family = family;
	e.proto = hook == HOOK_ITER_TCP ? IPPROTO_TCP : IPPROTO_UDP;
	e.verdict = c.verdict;
	e.zone = c.zone;
	e.cc[0] = c.cc[0];
	e.cc[1] = c.cc[1];
	e.flags = c.flags;
	e.op_cc[0] = c.op_cc[0];
	e.op_cc[1] = c.op_cc[1];
	e.asn = c.asn;
	bpf_seq_write(seq, &e, sizeof(e));
	return 0;
}

SEC("iter/tcp")
int juris_close_tcp(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct tcp_sock *tp;
	__u8 state;

	if (!skc)
		return 0;
	/* Listening, time-wait and request sockets carry no connection of a
	 * process to a destination; only full sockets can be destroyed. */
	state = BPF_CORE_READ(skc, skc_state);
	if (state != TCP_ESTABLISHED && state != TCP_SYN_SENT && state != TCP_CLOSE_WAIT)
		return 0;
	tp = bpf_skc_to_tcp_sock(skc);
	if (!tp)
		return 0;
	return judge_and_close(ctx->meta->seq, skc, (const struct sock *)tp, ctx->uid,
			       HOOK_ITER_TCP);
}

SEC("iter/udp")
int juris_close_udp(struct bpf_iter__udp *ctx)
{
	struct sock *sk = (struct sock *)ctx->udp_sk;

	if (!sk)
		return 0;
	return judge_and_close(ctx->meta->seq, (struct sock_common *)sk, sk, ctx->uid,
			       HOOK_ITER_UDP);
}
