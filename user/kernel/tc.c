/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* tc (clsact) attach and detach of juris's tc programs through libbpf's
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

/* Other juris instances' backstops on one uplink: each its own handle. */
#define TC_HANDLE_TRIES 16

static int tc_attach(int prog_fd, __u32 ifindex, const char *ifname, int egress,
		     struct tc_hook_rec *rec)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
		    .attach_point = egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .priority = JURIS_TC_PRIORITY, .prog_fd = prog_fd);
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int ret;

	memset(rec, 0, sizeof(*rec));
	snprintf(rec->ifname, sizeof(rec->ifname), "%s", ifname);
	rec->ifindex = ifindex;
	rec->priority = JURIS_TC_PRIORITY;
	rec->egress = (__u8)egress;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	rec->prog_id = info.id;
	/* -EEXIST: another tc user (or an earlier juris) made it; keep it. */
	ret = bpf_tc_hook_create(&hook);
	if (ret && ret != -EEXIST)
		return ret;
	rec->created_qdisc = ret == 0;
	for (int i = 0; i < (egress ? TC_HANDLE_TRIES : 1); i++) {
		opts.handle = JURIS_TC_HANDLE + (__u32)i;
		opts.prog_id = 0;
		opts.flags = 0;
		ret = bpf_tc_attach(&hook, &opts);
		if (ret != -EEXIST)
			break;
	}
	rec->handle = opts.handle;
	if (ret && rec->created_qdisc) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
		rec->created_qdisc = 0;
	}
	return ret;
}

int tc_attach_ingress(int prog_fd, __u32 ifindex, const char *ifname, struct tc_hook_rec *rec)
{
	return tc_attach(prog_fd, ifindex, ifname, 0, rec);
}

int tc_attach_egress(int prog_fd, __u32 ifindex, const char *ifname, struct tc_hook_rec *rec)
{
	return tc_attach(prog_fd, ifindex, ifname, 1, rec);
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
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = rec->ifindex,
		    .attach_point = rec->egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = rec->handle, .priority = rec->priority);

	if (bpf_tc_query(&hook, &opts))
		return 0;
	return opts.prog_id == rec->prog_id;
}

int tc_detach(const struct tc_hook_rec *rec)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = rec->ifindex,
		    .attach_point = rec->egress ? BPF_TC_EGRESS : BPF_TC_INGRESS);
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
