/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The packet-socket backstop's tc egress filters: attach, record, repair. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "base/errmsg.h"
#include "kernel/backstop.h"
#include "kernel/tc.h"

#define BACKSTOP_PIN "prog_packet_tc"

int backstop_attach_one(int prog_fd, const struct gw_iface *link, int meta_fd,
			struct juris_meta *meta)
{
	struct tc_hook_rec *rec;
	__u32 zero = 0;
	int ret;

	if (meta->n_tc_hooks >= MAX_GW_IFACES)
		return -E2BIG;
	rec = &meta->tc_hooks[meta->n_tc_hooks];
	ret = tc_attach_egress(prog_fd, link->ifindex, link->name, rec);
	if (ret)
		return ret;
	meta->n_tc_hooks++;
	if (bpf_map_update_elem(meta_fd, &zero, meta, BPF_ANY)) {
		ret = -errno;
		tc_detach(rec);
		meta->n_tc_hooks--;
	}
	return ret;
}

int backstop_hooks(const struct juris_meta *meta)
{
	int n = 0;

	for (__u32 i = 0; i < meta->n_tc_hooks && i < MAX_GW_IFACES; i++)
		n += meta->tc_hooks[i].egress;
	return n;
}

/* The record of link's filter in meta, or -1. */
static int find_rec(const struct juris_meta *meta, const struct gw_iface *link)
{
	for (__u32 i = 0; i < meta->n_tc_hooks && i < MAX_GW_IFACES; i++)
		if (meta->tc_hooks[i].egress && meta->tc_hooks[i].ifindex == link->ifindex &&
		    !strcmp(meta->tc_hooks[i].ifname, link->name))
			return (int)i;
	return -1;
}

/* 1 when rec's interface is among u's uplinks. */
static bool wanted(const struct uplink_plan *u, const struct tc_hook_rec *rec)
{
	for (int i = 0; i < u->n_links; i++)
		if (rec->ifindex == u->links[i].ifindex && !strcmp(rec->ifname, u->links[i].name))
			return true;
	return false;
}

/* Filters on uplinks no longer wanted (another --uplink, a default route
 * gone): removed, as juris stop would. */
static void drop_unwanted(struct juris_meta *meta, const struct uplink_plan *u)
{
	for (__u32 i = 0; i < meta->n_tc_hooks && i < MAX_GW_IFACES;) {
		struct tc_hook_rec *r = &meta->tc_hooks[i];

		if (!r->egress || wanted(u, r) || tc_detach(r)) {
			i++;
			continue;
		}
		*r = meta->tc_hooks[--meta->n_tc_hooks];
	}
}

int backstop_repair(const char *pin_dir, const struct juris_maps *m, const struct uplink_plan *u,
		    int *added, char *err, size_t len)
{
	struct juris_meta *meta = calloc(1, sizeof(*meta));
	char path[4096];
	int prog = -1, ret;

	*added = 0;
	if (!meta)
		return errorf(err, len, -ENOMEM, "out of memory");
	ret = juris_read_meta(m, meta);
	if (ret) {
		errorf(err, len, ret, "cannot read the pinned meta map: %s", strerror(-ret));
		goto out;
	}
	ret = pin_path(path, sizeof(path), pin_dir, "", BACKSTOP_PIN);
	if (!ret) {
		prog = bpf_obj_get(path);
		ret = prog < 0 ? -errno : 0;
	}
	/* Pins of a juris without the backstop: they stay as they are. */
	if (ret == -ENOENT) {
		*added = -1;
		ret = 0;
		goto out;
	}
	if (ret) {
		errorf(err, len, ret, "cannot open the pinned backstop program: %s",
		       strerror(-ret));
		goto out;
	}
	drop_unwanted(meta, u);
	for (int i = 0; i < u->n_links; i++) {
		int r = find_rec(meta, &u->links[i]);

		if (r >= 0 && tc_attached(&meta->tc_hooks[r]) == 1)
			continue;
		if (r >= 0)
			meta->tc_hooks[r] = meta->tc_hooks[--meta->n_tc_hooks];
		ret = backstop_attach_one(prog, &u->links[i], m->fd[MAP_META], meta);
		if (ret) {
			errorf(err, len, ret, "cannot attach to the tc egress of %s: %s",
			       u->links[i].name, strerror(-ret));
			goto out;
		}
		(*added)++;
	}
	ret = juris_write_meta(m, meta);
	if (ret)
		errorf(err, len, ret, "cannot write the pinned meta map: %s", strerror(-ret));
out:
	if (prog >= 0)
		close(prog);
	free(meta);
	return ret;
}
