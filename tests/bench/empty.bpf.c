/* SPDX-License-Identifier: GPL-2.0-only */
/* Baseline of make bench: a cgroup_skb/egress program that passes every packet. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("cgroup_skb/egress")
int bench_empty(struct __sk_buff *skb)
{
	return 1;
}
