/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The uplinks of the packet-socket backstop, named or found in the
 * routing table's default routes. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <net/if.h>
#include <net/if_arp.h>
#include "base/errmsg.h"
#include "kernel/routes.h"
#include "kernel/uplinks.h"

/* A default route: its output interface is an uplink. */
static void default_oif(const struct route *r, __u32 oif, void *ctx)
{
	if (r->dst_len == 0)
		oif_set_add(ctx, oif);
}

/* 1 when name frames its packets in Ethernet, 0 when not, or -errno. */
static int is_ethernet(int sock, const char *name)
{
	struct ifreq ifr = {};

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(sock, SIOCGIFHWADDR, &ifr))
		return -errno;
	return ifr.ifr_hwaddr.sa_family == ARPHRD_ETHER;
}

static bool listed(const struct uplink_plan *u, __u32 ifindex)
{
	for (int i = 0; i < u->n_links; i++)
		if (u->links[i].ifindex == ifindex)
			return true;
	return false;
}

static int add_named(int sock, const char *name, struct uplink_plan *u, char *err, size_t len)
{
	struct gw_iface *l = &u->links[u->n_links];
	int eth;

	l->ifindex = if_nametoindex(name);
	if (!l->ifindex)
		return errorf(err, len, -ENODEV, "unknown interface: %s", name);
	eth = is_ethernet(sock, name);
	if (eth < 0)
		return errorf(err, len, eth, "cannot read interface %s: %s", name, strerror(-eth));
	if (!eth)
		return errorf(err, len, -EOPNOTSUPP,
			      "--uplink %s: not an Ethernet interface (the backstop reads "
			      "Ethernet frames)",
			      name);
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->l3_off = 14;
	if (!listed(u, l->ifindex))
		u->n_links++;
	return 0;
}

static int add_defaults(int sock, struct uplink_plan *u, char *err, size_t len)
{
	static const int families[] = { AF_INET, AF_INET6 };
	__u32 oifs[MAX_IFACES];
	struct oif_set d = { .oifs = oifs, .max = MAX_IFACES };
	char name[IF_NAMESIZE];

	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		int ret = routes_walk(families[f], default_oif, &d);

		if (ret)
			return errorf(err, len, ret, "cannot read the routing table: %s",
				      strerror(-ret));
	}
	for (int i = 0; i < d.n && u->n_links < MAX_IFACES; i++) {
		struct gw_iface *l = &u->links[u->n_links];

		if (!if_indextoname(d.oifs[i], name))
			continue;
		if (is_ethernet(sock, name) != 1) {
			u->n_skipped++;
			continue;
		}
		snprintf(l->name, sizeof(l->name), "%s", name);
		l->ifindex = d.oifs[i];
		l->l3_off = 14;
		u->n_links++;
	}
	return 0;
}

int uplinks_resolve(const struct juris_policy *pol, struct uplink_plan *u, char *err, size_t len)
{
	int sock, ret = 0;

	memset(u, 0, sizeof(*u));
	/* Only for the SIOCGIF* ioctls, which any socket answers: AF_UNIX
	 * stays within the unit's RestrictAddressFamilies=. */
	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return errorf(err, len, -errno, "cannot open a socket: %s", strerror(errno));
	for (int i = 0; i < pol->n_uplinks && !ret; i++)
		ret = add_named(sock, pol->uplinks[i], u, err, len);
	if (!pol->n_uplinks)
		ret = add_defaults(sock, u, err, len);
	close(sock);
	return ret;
}
