/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Gateway mode: following inside interfaces as links and routes change. */
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kernel/gw_follow.h"
#include "kernel/tc.h"

static bool iface_gone(const struct tc_hook_rec *r)
{
	char name[IF_NAMESIZE];

	return !if_indextoname(r->ifindex, name) || strcmp(name, r->ifname);
}

static int find_hook(const struct juris_meta *meta, __u32 ifindex)
{
	for (__u32 i = 0; i < meta->n_tc_hooks && i < MAX_GW_IFACES; i++)
		if (meta->tc_hooks[i].ifindex == ifindex)
			return (int)i;
	return -1;
}

/* Interfaces gone since: their filter went with them. */
static void forget_gone(struct juris_meta *meta, int inside_fd, FILE *log)
{
	for (__u32 i = 0; i < meta->n_tc_hooks && i < MAX_GW_IFACES;) {
		struct tc_hook_rec *r = &meta->tc_hooks[i];

		if (!iface_gone(r)) {
			i++;
			continue;
		}
		bpf_map_delete_elem(inside_fd, &r->ifindex);
		fprintf(log, "juris: inside interface %s (ifindex %u) is gone: detached\n",
			r->ifname, r->ifindex);
		meta->gw_detaches++;
		*r = meta->tc_hooks[--meta->n_tc_hooks];
	}
}

static int attach_new(const struct gw_plan *plan, struct juris_meta *meta, int prog, int inside_fd,
		      FILE *log)
{
	int ret = 0;

	for (int i = 0; i < plan->n_inside; i++) {
		const struct gw_iface *in = &plan->inside[i];
		struct inside_iface v = { .l3_off = in->l3_off };
		struct tc_hook_rec rec;
		int err;

		if (find_hook(meta, in->ifindex) >= 0)
			continue;
		if (meta->n_tc_hooks >= MAX_GW_IFACES) {
			fprintf(log, "juris: inside interface %s not attached: more than %d\n",
				in->name, MAX_GW_IFACES);
			ret = ret ? ret : -E2BIG;
			continue;
		}
		/* The map first: the filter must never run without it. */
		err = bpf_map_update_elem(inside_fd, &in->ifindex, &v, BPF_ANY) ? -errno : 0;
		if (!err)
			err = tc_attach_ingress(prog, in->ifindex, in->name, &rec);
		if (err) {
			fprintf(log,
				"juris: inside interface %s (ifindex %u) routes a --source range "
				"but cannot be attached: %s\n",
				in->name, in->ifindex, strerror(-err));
			ret = ret ? ret : err;
			continue;
		}
		meta->tc_hooks[meta->n_tc_hooks++] = rec;
		meta->gw_attaches++;
		fprintf(log,
			"juris: inside interface %s (ifindex %u) routes a --source range: "
			"attached\n",
			in->name, in->ifindex);
	}
	return ret;
}

int gw_follow(const struct juris_policy *pol, const char *pin_dir, const struct juris_maps *m,
	      FILE *log)
{
	struct juris_meta *meta = calloc(1, sizeof(*meta));
	struct gw_plan *plan = calloc(1, sizeof(*plan));
	char path[4096], err[512];
	int prog = -1, ret;

	if (!meta || !plan) {
		ret = -ENOMEM;
		goto out;
	}
	ret = juris_read_meta(m, meta);
	if (ret)
		goto out;
	forget_gone(meta, m->fd[MAP_INSIDE], log);
	ret = gw_resolve(pol, plan, err, sizeof(err));
	if (ret == -ENOENT)
		ret = 0; /* no inside interface for now */
	if (!ret) {
		snprintf(path, sizeof(path), "%s/prog_tc_ingress", pin_dir);
		prog = bpf_obj_get(path);
		ret = prog < 0 ? -errno : attach_new(plan, meta, prog, m->fd[MAP_INSIDE], log);
	}
	/* What changed is recorded even when some interface failed. */
	if (juris_write_meta(m, meta) && !ret)
		ret = -errno;
out:
	if (prog >= 0)
		close(prog);
	free(plan);
	free(meta);
	return ret;
}

/* The --source ranges, read back from the pinned LPM tries. */
static int read_sources(const struct juris_maps *m, struct except_cidr *v, int max)
{
	int n = 0;

	for (int f = 0; f < 2; f++) {
		int fd = m->fd[f ? MAP_SOURCES_V6 : MAP_SOURCES_V4];
		struct geo_key6 key, next;
		void *prev = NULL;

		while (n < max && !bpf_map_get_next_key(fd, prev, &next)) {
			struct except_cidr *e = &v[n++];

			memset(e, 0, sizeof(*e));
			e->addr.family = f ? AF_INET6 : AF_INET;
			e->len = (int)next.prefixlen;
			memcpy(e->addr.a, next.addr, f ? 16 : 4);
			key = next;
			prev = &key;
		}
	}
	return n;
}

int gw_unwatched(const struct juris_maps *m, const struct juris_meta *meta, struct gw_iface *out,
		 int max)
{
	struct juris_policy *pol = calloc(1, sizeof(*pol));
	struct gw_plan *plan = calloc(1, sizeof(*plan));
	struct except_cidr *src = calloc(MAX_SOURCES, sizeof(*src));
	char err[512];
	int n = 0, ret;

	if (!pol || !plan || !src) {
		n = -ENOMEM;
		goto out;
	}
	pol->sources = src;
	pol->n_sources = read_sources(m, src, MAX_SOURCES);
	for (__u32 i = 0; i < meta->n_uplinks && i < MAX_IFACES; i++)
		pol->ifaces[pol->n_ifaces++] = meta->uplinks[i];
	ret = gw_resolve(pol, plan, err, sizeof(err));
	if (ret) {
		n = ret == -ENOENT || ret == -ENODEV ? 0 : ret;
		goto out;
	}
	for (int i = 0; i < plan->n_inside && n < max; i++) {
		int h = find_hook(meta, plan->inside[i].ifindex);

		if (h < 0 || tc_attached(&meta->tc_hooks[h]) != 1)
			out[n++] = plan->inside[i];
	}
out:
	free(src);
	free(plan);
	free(pol);
	return n;
}
