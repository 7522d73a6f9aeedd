/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Gateway mode: which interfaces are uplinks, which carry the sensitive
 * sources (found in the routing table), and the maps that say so. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <net/if_arp.h>
#include <bpf/bpf.h>
#include "kernel/cidr_maps.h"
#include "base/errmsg.h"
#include "kernel/gateway.h"
#include "kernel/routes.h"

#ifndef ARPHRD_RAWIP
#define ARPHRD_RAWIP 519
#endif

struct route_scan {
	const struct juris_policy *pol;
	int family;
	__u32 oifs[MAX_GW_IFACES];
	struct oif_set found; /* in oifs */
};

/* True when the two prefixes share addresses: one contains the other. */
static bool prefixes_overlap(const __u8 *a, int alen, const __u8 *b, int blen)
{
	int bits = alen < blen ? alen : blen;
	int bytes = bits / 8, rest = bits % 8;

	if (memcmp(a, b, bytes))
		return false;
	if (!rest)
		return true;
	return ((a[bytes] ^ b[bytes]) & (0xff << (8 - rest))) == 0;
}

static bool covers_a_source(const struct route_scan *r, const __u8 *dst, int dst_len)
{
	for (int i = 0; i < r->pol->n_sources; i++) {
		const struct except_cidr *s = &r->pol->sources[i];

		if (s->addr.family == r->family &&
		    prefixes_overlap(s->addr.a, s->len, dst, dst_len))
			return true;
	}
	return false;
}

/* An output interface of a route: kept when the route carries part of a
 * source range. The default route is skipped: it covers everything and
 * leads to the uplinks. */
static void route_oif(const struct route *rt, __u32 oif, void *ctx)
{
	struct route_scan *r = ctx;

	if (rt->dst_len && covers_a_source(r, rt->dst, rt->dst_len))
		oif_set_add(&r->found, oif);
}

static int scan_routes(struct route_scan *r, int family)
{
	r->family = family;
	r->found = (struct oif_set){ .oifs = r->oifs, .max = MAX_GW_IFACES };
	return routes_walk(family, route_oif, r);
}

/* Where the network header starts in what tc ingress sees, by link type;
 * -EOPNOTSUPP for link types whose header juris does not know. */
static int link_l3_offset(int sock, const char *name, __u32 *off, bool *loopback)
{
	struct ifreq ifr = {};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(sock, SIOCGIFFLAGS, &ifr))
		return -errno;
	*loopback = ifr.ifr_flags & IFF_LOOPBACK;
	if (ioctl(sock, SIOCGIFHWADDR, &ifr))
		return -errno;
	switch (ifr.ifr_hwaddr.sa_family) {
	case ARPHRD_ETHER:
	case ARPHRD_LOOPBACK:
		*off = 14;
		return 0;
	case ARPHRD_NONE:
	case ARPHRD_PPP:
	case ARPHRD_RAWIP:
	case ARPHRD_TUNNEL:
	case ARPHRD_TUNNEL6:
	case ARPHRD_IPGRE:
	case ARPHRD_SIT:
		*off = 0;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static bool is_uplink(const struct gw_plan *g, __u32 ifindex)
{
	for (int i = 0; i < g->n_uplinks; i++)
		if (g->uplinks[i].ifindex == ifindex)
			return true;
	return false;
}

static int resolve_inside(int sock, const struct route_scan *r, struct gw_plan *g, char *err,
			  size_t len)
{
	for (int i = 0; i < r->found.n; i++) {
		struct gw_iface *in;
		bool loopback = false;
		int ret;

		if (is_uplink(g, r->oifs[i]))
			continue;
		in = &g->inside[g->n_inside];
		if (!if_indextoname(r->oifs[i], in->name))
			continue; /* gone since the dump */
		ret = link_l3_offset(sock, in->name, &in->l3_off, &loopback);
		if (ret == -EOPNOTSUPP)
			return errorf(err, len, ret,
				      "interface %s routes a --source range but "
				      "its link type is not supported",
				      in->name);
		if (ret || loopback)
			continue;
		for (int j = 0; j < g->n_inside; j++)
			if (g->inside[j].ifindex == r->oifs[i])
				loopback = true; /* already listed */
		if (loopback)
			continue;
		if (g->n_inside >= MAX_GW_IFACES)
			return errorf(err, len, -E2BIG, "more than %d inside interfaces",
				      MAX_GW_IFACES);
		in->ifindex = r->oifs[i];
		g->n_inside++;
	}
	return 0;
}

int gw_resolve(const struct juris_policy *pol, struct gw_plan *g, char *err, size_t len)
{
	static const int families[] = { AF_INET, AF_INET6 };
	struct route_scan r = { .pol = pol };
	int sock, ret = 0;

	memset(g, 0, sizeof(*g));
	/* Only for the SIOCGIF* ioctls, which any socket answers: AF_UNIX
	 * stays within the unit's RestrictAddressFamilies=. */
	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return errorf(err, len, -errno, "cannot open a socket: %s", strerror(errno));
	for (int i = 0; i < pol->n_ifaces; i++) {
		struct gw_iface *u = &g->uplinks[g->n_uplinks];
		bool loopback;

		u->ifindex = if_nametoindex(pol->ifaces[i]);
		if (!u->ifindex) {
			ret = errorf(err, len, -ENODEV, "unknown interface: %s", pol->ifaces[i]);
			goto out;
		}
		snprintf(u->name, sizeof(u->name), "%s", pol->ifaces[i]);
		if (link_l3_offset(sock, u->name, &u->l3_off, &loopback) == 0 && loopback) {
			ret = errorf(err, len, -EINVAL, "--iface %s is the loopback interface",
				     u->name);
			goto out;
		}
		if (!is_uplink(g, u->ifindex))
			g->n_uplinks++;
	}
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		bool wanted = false;

		for (int i = 0; i < pol->n_sources; i++)
			wanted |= pol->sources[i].addr.family == families[f];
		if (!wanted)
			continue;
		ret = scan_routes(&r, families[f]);
		if (ret) {
			ret = errorf(err, len, ret, "cannot read the routing table: %s",
				     strerror(-ret));
			goto out;
		}
		ret = resolve_inside(sock, &r, g, err, len);
		if (ret)
			goto out;
	}
	if (!g->n_inside)
		ret = errorf(err, len, -ENOENT,
			     "no interface but the uplinks routes the --source "
			     "ranges: nothing to watch");
out:
	close(sock);
	return ret;
}

int gw_fill_maps(const struct juris_policy *pol, const struct gw_plan *g, int src4, int src6,
		 int uplinks, int inside)
{
	__u8 one = 1;
	int ret = juris_fill_cidrs(src4, src6, pol->sources, pol->n_sources);

	for (int i = 0; !ret && i < g->n_uplinks; i++)
		if (bpf_map_update_elem(uplinks, &g->uplinks[i].ifindex, &one, BPF_ANY))
			ret = -errno;
	for (int i = 0; !ret && i < g->n_inside; i++) {
		struct inside_iface v = { .l3_off = g->inside[i].l3_off };

		if (bpf_map_update_elem(inside, &g->inside[i].ifindex, &v, BPF_ANY))
			ret = -errno;
	}
	return ret;
}
