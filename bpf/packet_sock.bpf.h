/* SPDX-License-Identifier: GPL-2.0-only */
/* Packet sockets (AF_PACKET, AF_XDP) of watched processes, through the BPF
 * LSM. Included by juris.bpf.c, after the classifier and emit_event().
 *
 * A process with CAP_NET_RAW writes whole frames through a packet socket:
 * they never pass the cgroup hooks, and with PACKET_QDISC_BYPASS (or
 * AF_XDP) not tc egress either. Judging each frame at the LSM is not
 * sound: the frame is in user memory, read by the kernel after the hook
 * (the process can change it in between), or in a TX ring the hook never
 * sees. So in enforce mode a watched process cannot open a packet socket
 * (socket_create, EPERM), nor send through one it got some other way
 * (inherited from before juris started, or passed over a unix socket):
 * socket_sendmsg refuses it. In audit mode both are reported and counted.
 * The LSM programs are global: they test membership like the cgroup hooks
 * (cg_watched), and need no attachment per cgroup. */

#ifndef AF_PACKET
#define AF_PACKET 17
#endif
#ifndef AF_XDP
#define AF_XDP 44
#endif
#define LSM_EPERM 1

/* Sockets already reported by socket_sendmsg: one event per socket, the
 * counters count every send. Keyed by the socket's kernel address; LRU: a
 * socket forgotten is reported again, never lost. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} packet_reported SEC(".maps");

static __always_inline int is_packet_family(int family)
{
	return family == AF_PACKET || family == AF_XDP;
}

/* Reports a packet socket of the current task. */
static __always_inline void packet_event(int family, int sock_type, __u8 hook, __u8 verdict)
{
	struct sock_owner owner = {};
	struct classification c = { .zone = ZONE_UNKNOWN, .verdict = verdict };
	struct flow_key k = {};

	owner.pid = bpf_get_current_pid_tgid() >> 32;
	owner.uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(owner.comm, sizeof(owner.comm));
	k.cgroup_id = bpf_get_current_cgroup_id();
	k.family = (__u8)family;
	k.proto = (__u8)sock_type;
	emit_event(&k, &c, EVENT_PACKET_SOCKET, hook, &owner);
}

/* The verdict on a packet socket of a watched task: block in enforce
 * mode, would_block in audit mode. */
static __always_inline __u8 packet_verdict(void)
{
	__u32 slot;
	const struct juris_config *cfg = live_policy(&slot);

	/* No policy (mid-load): fail closed, as classify() does. */
	return !cfg || cfg->mode == MODE_ENFORCE ? VERDICT_BLOCK : VERDICT_WOULD_BLOCK;
}

SEC("lsm/socket_create")
int juris_packet_create(__u64 *ctx)
{
	int family = (int)ctx[0], type = (int)ctx[1], kern = (int)ctx[3], prev = (int)ctx[4];
	__u8 verdict;

	/* Kernel sockets are the kernel's; an earlier LSM's refusal stands. */
	if (prev || kern || !is_packet_family(family))
		return prev;
	if (!cg_watched(bpf_get_current_cgroup_id()))
		return 0;
	verdict = packet_verdict();
	packet_event(family, type, HOOK_LSM_SOCKET_CREATE, verdict);
	if (verdict == VERDICT_BLOCK) {
		count(CNT_PACKET_SOCKETS_REFUSED);
		return -LSM_EPERM;
	}
	count(CNT_PACKET_SOCKETS_SEEN);
	return 0;
}

/* Every send of every socket passes here: the family test comes first and
 * is all that most sends cost (see tests/bench). */
SEC("lsm/socket_sendmsg")
int juris_packet_sendmsg(__u64 *ctx)
{
	struct socket *sock = (struct socket *)ctx[0];
	int prev = (int)ctx[3], family;
	__u64 key;
	__u8 verdict, one = 1;

	if (prev)
		return prev;
	family = BPF_CORE_READ(sock, sk, __sk_common.skc_family);
	if (!is_packet_family(family))
		return 0;
	if (!cg_watched(bpf_get_current_cgroup_id()))
		return 0;
	verdict = packet_verdict();
	key = (__u64)(long)BPF_CORE_READ(sock, sk);
	if (!bpf_map_lookup_elem(&packet_reported, &key)) {
		bpf_map_update_elem(&packet_reported, &key, &one, BPF_ANY);
		packet_event(family, 0, HOOK_LSM_SENDMSG, verdict);
	}
	if (verdict == VERDICT_BLOCK) {
		count(CNT_PACKET_SENDS_REFUSED);
		return -LSM_EPERM;
	}
	count(CNT_PACKET_SENDS_SEEN);
	return 0;
}

/* Where the BPF LSM is listed but its programs are refused (as on kernels
 * without BPF trampolines), the only hook that sees a packet socket before
 * its first frame is the system call: the sys_enter tracepoint, on every
 * system call of the host (the id test is all that most cost; see
 * tests/bench). A tracepoint cannot refuse; in enforce mode juris kills
 * the process (SIGKILL, delivered before socket() returns to it), so that
 * no frame ever leaves. x86_64 only (the registers of its system calls). */
struct pt_regs {
	unsigned long di;
	unsigned long si;
} __attribute__((preserve_access_index));

#define NR_SOCKET_X86_64 41
#define SOCK_PACKET_TYPE 10 /* socket(AF_INET, SOCK_PACKET): an AF_PACKET socket */
#define SIGKILL_NR 9

SEC("tp_btf/sys_enter")
int juris_packet_sys_enter(__u64 *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx[0];
	int family, type;
	__u8 verdict;

	if ((long)ctx[1] != NR_SOCKET_X86_64)
		return 0;
	family = (int)BPF_CORE_READ(regs, di);
	type = (int)BPF_CORE_READ(regs, si) & 0xf;
	if (!is_packet_family(family) && !(family == AF_INET && type == SOCK_PACKET_TYPE))
		return 0;
	if (!cg_watched(bpf_get_current_cgroup_id()))
		return 0;
	verdict = packet_verdict();
	packet_event(family, type, HOOK_SYS_SOCKET, verdict);
	if (verdict == VERDICT_BLOCK) {
		bpf_send_signal(SIGKILL_NR);
		count(CNT_PACKET_SOCKETS_REFUSED);
		return 0;
	}
	count(CNT_PACKET_SOCKETS_SEEN);
	return 0;
}
