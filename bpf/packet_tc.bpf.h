/* SPDX-License-Identifier: GPL-2.0-only */
/* The tc egress backstop on the uplinks: frames a watched process writes
 * through a packet socket, judged by their destination where the BPF LSM
 * cannot refuse the socket. Included by juris.bpf.c, after the classifier,
 * the packet parsers and packet_sock.bpf.h.
 *
 * packet_snd() hands its frame to dev_queue_xmit() with skb->sk set to the
 * packet socket, in the sender's own context: tc egress runs before the
 * qdisc enqueues it, so bpf_get_current_* name the process that wrote it.
 * Unlike at the LSM (packet_sock.bpf.h), the frame is the kernel's copy by
 * now: what is judged is what leaves.
 * What skips tc (PACKET_QDISC_BYPASS, AF_XDP) is not seen here: status says
 * so. Every other frame already passed the cgroup hooks (or is the
 * kernel's own): it costs one load and one compare. */

#define ETH_P_8021Q_BE bpf_htons(0x8100)
#define ETH_P_8021AD_BE bpf_htons(0x88a8)

/* The EtherType and network header offset of an Ethernet frame, past one
 * VLAN tag; -1 when the frame is too short. */
static __always_inline int frame_l3(struct __sk_buff *skb, __be16 *proto, __u32 *nh)
{
	__be16 buf[3];
	const __be16 *p = pkt_bytes(skb, 2 * ETH_ALEN, sizeof(__be16), buf);

	if (!p)
		return -1;
	*proto = *p;
	*nh = ETH_HLEN;
	if (*proto == ETH_P_8021Q_BE || *proto == ETH_P_8021AD_BE) {
		/* TCI then the inner EtherType. */
		p = pkt_bytes(skb, ETH_HLEN, 2 * sizeof(__be16), buf);
		if (!p)
			return -1;
		*proto = p[1];
		*nh = ETH_HLEN + 4;
	}
	return 0;
}

SEC("tc")
int juris_packet_tc(struct __sk_buff *skb)
{
	struct bpf_sock *sk = skb->sk;
	struct sock_owner owner = {};
	struct flow_key k = {};
	struct classification c;
	struct flow_val *v;
	__be16 proto;
	__u16 sport;
	__u32 nh;
	__u64 id;
	int err;

	/* TC_ACT_UNSPEC lets the next filter of another tc user run. */
	if (!sk || sk->family != AF_PACKET)
		return TC_ACT_UNSPEC;
	/* The socket's cgroup, as the cgroup hooks judge, or the sender's: a
	 * socket opened outside and brought into a watched cgroup (the hole
	 * the socket() fallback leaves) is judged by who sends through it. */
	k.cgroup_id = bpf_get_current_cgroup_id();
	if (!cg_watched(bpf_skb_cgroup_id(skb)) && !cg_watched(k.cgroup_id))
		return TC_ACT_UNSPEC;
	if (frame_l3(skb, &proto, &nh))
		err = -1;
	else if (proto == bpf_htons(ETH_P_IP))
		err = parse_ipv4(skb, nh, &k, &sport);
	else if (proto == bpf_htons(ETH_P_IPV6))
		err = parse_ipv6(skb, nh, &k, &sport);
	else
		err = -1;
	/* ARP and the like stay on the link: not a destination to judge. */
	if (err) {
		count(CNT_NOT_IP);
		return TC_ACT_UNSPEC;
	}
	owner.pid = bpf_get_current_pid_tgid() >> 32;
	owner.uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(owner.comm, sizeof(owner.comm));
	id = flow_id(&k);
	v = classify_flow(&k, id, &c);
	if (account_flow(&k, id, v, &c, 1, skb->len > nh ? skb->len - nh : 0, &owner, owner.uid) &&
	    c.verdict != VERDICT_ALLOW)
		emit_event(&k, &c, EVENT_PACKET_FRAME, HOOK_TC_EGRESS, &owner);
	if (c.verdict == VERDICT_BLOCK) {
		count(CNT_PACKET_SENDS_REFUSED);
		return TC_ACT_SHOT;
	}
	count(CNT_PACKET_SENDS_SEEN);
	return TC_ACT_UNSPEC;
}
