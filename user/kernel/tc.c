/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* tc (clsact) attach and detach of the gateway program through libbpf's
 * netlink API, never touching another tc user's qdisc or filters. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "base/netlink.h"
#include "kernel/tc.h"

#ifndef TC_H_CLSACT
#define TC_H_CLSACT TC_H_INGRESS
#endif
#ifndef TC_H_MIN_INGRESS
#define TC_H_MIN_INGRESS 0xFFF2U
#define TC_H_MIN_EGRESS 0xFFF3U
#endif

int tc_attach_ingress(int prog_fd, __u32 ifindex, const char *ifname, struct tc_hook_rec *rec)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = JURIS_TC_HANDLE, .priority = JURIS_TC_PRIORITY,
		    .prog_fd = prog_fd);
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int ret;

	memset(rec, 0, sizeof(*rec));
	snprintf(rec->ifname, sizeof(rec->ifname), "%s", ifname);
	rec->ifindex = ifindex;
	rec->handle = JURIS_TC_HANDLE;
	rec->priority = JURIS_TC_PRIORITY;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	rec->prog_id = info.id;
	/* -EEXIST: another tc user (or an earlier juris) made it; keep it. */
	ret = bpf_tc_hook_create(&hook);
	if (ret && ret != -EEXIST)
		return ret;
	rec->created_qdisc = ret == 0;
	ret = bpf_tc_attach(&hook, &opts);
	if (ret && rec->created_qdisc) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
		rec->created_qdisc = 0;
	}
	return ret;
}

/* Counts the filters dumped under one clsact parent. */
static int count_cb(const struct nlmsghdr *h, void *ctx)
{
	if (h->nlmsg_type == RTM_NEWTFILTER)
		(*(int *)ctx)++;
	return 0;
}

static int count_filters(__u32 ifindex, __u32 parent)
{
	struct {
		struct nlmsghdr h;
		struct tcmsg t;
	} req = {
		.h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct tcmsg)),
		       .nlmsg_type = RTM_GETTFILTER },
		.t = { .tcm_family = AF_UNSPEC, .tcm_ifindex = (int)ifindex, .tcm_parent = parent },
	};
	int n = 0, ret = nl_dump(&req.h, count_cb, &n);

	return ret ? ret : n;
}

int tc_attached(const struct tc_hook_rec *rec)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = rec->ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = rec->handle, .priority = rec->priority);

	if (bpf_tc_query(&hook, &opts))
		return 0;
	return opts.prog_id == rec->prog_id;
}

int tc_detach(const struct tc_hook_rec *rec)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = rec->ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = rec->handle, .priority = rec->priority);
	int ret, in, eg;

	/* The same ifindex may now name another interface, or the filter
	 * may have been replaced: only juris's own program is removed. */
	if (!tc_attached(rec))
		return 0;
	ret = bpf_tc_detach(&hook, &opts);
	if (ret && ret != -ENOENT && ret != -ENODEV && ret != -EINVAL)
		return ret;
	if (!rec->created_qdisc)
		return 0;
	in = count_filters(rec->ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS));
	eg = count_filters(rec->ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS));
	if (in == 0 && eg == 0) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		ret = bpf_tc_hook_destroy(&hook);
		if (ret && ret != -ENOENT && ret != -ENODEV && ret != -EINVAL)
			return ret;
	}
	return 0;
}
