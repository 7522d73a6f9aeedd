/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Reads the routing table with an rtnetlink dump. */
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>
#include "base/netlink.h"
#include "kernel/routes.h"

struct walk {
	int family;
	route_oif_fn fn;
	void *ctx;
};

static int route_cb(const struct nlmsghdr *h, void *ctx)
{
	const struct walk *w = ctx;
	const struct rtmsg *rt = NLMSG_DATA(h);
	int len = RTM_PAYLOAD(h);
	const struct rtattr *a, *mp = NULL;
	struct route r = { .family = rt->rtm_family, .dst_len = rt->rtm_dst_len };
	__u32 oif = 0, table = rt->rtm_table;

	if (h->nlmsg_type != RTM_NEWROUTE || rt->rtm_family != w->family ||
	    rt->rtm_type != RTN_UNICAST)
		return 0;
	for (a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		switch (a->rta_type) {
		case RTA_DST:
			if (RTA_PAYLOAD(a) <= sizeof(r.dst))
				memcpy(r.dst, RTA_DATA(a), RTA_PAYLOAD(a));
			break;
		case RTA_OIF:
			oif = *(const __u32 *)RTA_DATA(a);
			break;
		case RTA_TABLE: /* rtm_table holds only the low 8 bits */
			table = *(const __u32 *)RTA_DATA(a);
			break;
		case RTA_MULTIPATH:
			mp = a;
			break;
		}
	}
	if (table == RT_TABLE_LOCAL)
		return 0;
	if (oif)
		w->fn(&r, oif, w->ctx);
	if (mp) {
		const struct rtnexthop *nh = RTA_DATA(mp);
		int left = RTA_PAYLOAD(mp);

		while (left >= (int)sizeof(*nh) && nh->rtnh_len >= sizeof(*nh) &&
		       nh->rtnh_len <= left) {
			if (nh->rtnh_ifindex > 0)
				w->fn(&r, (__u32)nh->rtnh_ifindex, w->ctx);
			left -= RTNH_ALIGN(nh->rtnh_len);
			nh = RTNH_NEXT(nh);
		}
	}
	return 0;
}

int routes_walk(int family, route_oif_fn fn, void *ctx)
{
	struct walk w = { .family = family, .fn = fn, .ctx = ctx };
	struct {
		struct nlmsghdr h;
		struct rtmsg rt;
	} req = {
		.h = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg)),
		       .nlmsg_type = RTM_GETROUTE },
		.rt = { .rtm_family = family },
	};

	return nl_dump(&req.h, route_cb, &w);
}

void oif_set_add(struct oif_set *s, __u32 oif)
{
	if (!oif)
		return;
	for (int i = 0; i < s->n; i++)
		if (s->oifs[i] == oif)
			return;
	if (s->n < s->max)
		s->oifs[s->n++] = oif;
}
