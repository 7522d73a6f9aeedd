/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Loads juris's programs, fills their maps, attaches them to cgroups and
 * pins the lot so that enforcement and counters outlive the daemon. */
#include <dirent.h>
#include <errno.h>
#include <sys/random.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "juris.skel.h"
#include "kernel/dns_patterns.h"
#include "base/errmsg.h"
#include "kernel/loader.h"
#include "kernel/meta.h"
#include "kernel/pins.h"
#include "policy/overlay.h"
#include "kernel/slots.h"
#include "kernel/lsm.h"
#include "kernel/backstop.h"
#include "kernel/watch.h"

/* The ring buffer of a private (lookup) instance: its events are never read. */
#define PRIVATE_RINGBUF_BYTES (16 * 1024)
#define PRIVATE_FLOW_TABLE 4096

static struct bpf_map *skel_map(struct juris_bpf *s, enum juris_map m)
{
	switch (m) {
	case MAP_GEO4_TBL24:
		return s->maps.geo4_tbl24;
	case MAP_GEO4_TBL8:
		return s->maps.geo4_tbl8;
	case MAP_GEO4_CLASS:
		return s->maps.geo4_class;
	case MAP_GEO_V6:
		return s->maps.geo_v6;
	case MAP_EXCEPT_V4:
		return s->maps.except_v4;
	case MAP_EXCEPT_V6:
		return s->maps.except_v6;
	case MAP_OPER_V4:
		return s->maps.oper_v4;
	case MAP_OPER_V6:
		return s->maps.oper_v6;
	case MAP_CONFIG:
		return s->maps.config;
	case MAP_FLOWS:
		return s->maps.flows;
	case MAP_TOTALS:
		return s->maps.totals;
	case MAP_COUNTERS:
		return s->maps.counters;
	case MAP_EVENTS:
		return s->maps.events;
	case MAP_SOCK_FLOWS:
		return s->maps.sock_flows;
	case MAP_SOURCES_V4:
		return s->maps.sources_v4;
	case MAP_SOURCES_V6:
		return s->maps.sources_v6;
	case MAP_UPLINKS:
		return s->maps.uplinks;
	case MAP_INSIDE:
		return s->maps.inside;
	case MAP_ACTIVE:
		return s->maps.active;
	case MAP_DNS_ANSWERS:
		return s->maps.dns_answers;
	case MAP_EXCEPT_DYN:
		return s->maps.except_dyn;
	case MAP_DNS_PATTERNS:
		return s->maps.dns_patterns;
	case MAP_DNS_NAMES:
		return s->maps.dns_names;
	case MAP_WATCHED_CG:
		return s->maps.watched_cg;
	case MAP_WATCHED_PATHS:
		return s->maps.watched_paths;
	case MAP_PACKET_REPORTED:
		return s->maps.packet_reported;
	case MAP_EXACT:
		return s->maps.exact;
	case MAP_EXACT_NESTED:
		return s->maps.exact_nested;
	case MAP_OPER_IDS:
		return s->maps.oper_ids;
	default:
		return NULL;
	}
}

/* The descriptors of the skeleton's maps, owned by the skeleton. */
static void skel_fds(struct juris_bpf *s, struct juris_maps *m)
{
	for (int i = 0; i < MAP_COUNT; i++)
		m->fd[i] = skel_map(s, i) ? bpf_map__fd(skel_map(s, i)) : -1;
}

/* The maps a private instance may share with the pinned ones. */
static bool shareable(int m)
{
	return (m >= MAP_GEO4_TBL24 && m <= MAP_OPER_V6) || m == MAP_ACTIVE;
}

/* The key of the programs' flow_id(), fresh at each load: pinned programs
 * keep theirs, so a daemon that adopts the pins finds the same ids. */
static int draw_flow_id_key(struct juris_bpf *s)
{
	__u64 key[FLOW_ID_KEY_WORDS];

	if (getrandom(key, sizeof(key), 0) != (ssize_t)sizeof(key))
		return -EIO;
	for (int i = 0; i < FLOW_ID_KEY_WORDS; i++)
		key[i] &= ~1ull; /* keeps each coefficient odd */
	memcpy((void *)s->rodata->flow_id_key, key, sizeof(key));
	return 0;
}

static int open_and_load(struct juris_bpf **out, uint32_t flows, uint32_t ringbuf, int membership,
			 int lsm, bool backstop, const struct juris_maps *reuse, char *err,
			 size_t len)
{
	struct juris_bpf *s = juris_bpf__open();
	int ret;

	if (!s)
		return errorf(err, len, -errno, "cannot open the BPF object: %s", strerror(errno));
	if (draw_flow_id_key(s)) {
		juris_bpf__destroy(s);
		return errorf(err, len, -EIO, "cannot draw the flow-id key: getrandom failed");
	}
	bpf_map__set_max_entries(s->maps.flows, flows);
	s->rodata->cfg_membership = (__u8)membership;
	/* The cgroup tracepoints serve service mode alone. */
	bpf_program__set_autoload(s->progs.juris_cg_mkdir, membership);
	bpf_program__set_autoload(s->progs.juris_cg_rmdir, membership);
	/* Packet sockets: the BPF LSM, or its fallback (kernel/lsm.h). */
	bpf_program__set_autoload(s->progs.juris_packet_create, lsm == PACKET_LSM);
	bpf_program__set_autoload(s->progs.juris_packet_sendmsg, lsm == PACKET_LSM);
	bpf_program__set_autoload(s->progs.juris_packet_sys_enter, lsm == PACKET_SYSCALL);
	bpf_program__set_autoload(s->progs.juris_packet_tc, backstop);
	if (ringbuf) {
		bpf_map__set_max_entries(s->maps.events, ringbuf);
		bpf_map__set_max_entries(s->maps.dns_answers, ringbuf);
		/* A private instance (lookup, the test and bench drivers) runs
		 * the egress program alone: spare the verifier the others (the
		 * DNS one is its longest, ~0.4 s). */
		bpf_program__set_autoload(s->progs.juris_dns_ingress, false);
		bpf_program__set_autoload(s->progs.juris_connect4, false);
		bpf_program__set_autoload(s->progs.juris_connect6, false);
		bpf_program__set_autoload(s->progs.juris_sendmsg4, false);
		bpf_program__set_autoload(s->progs.juris_sendmsg6, false);
		bpf_program__set_autoload(s->progs.juris_sock_release, false);
		bpf_program__set_autoload(s->progs.juris_tc_ingress, false);
	}
	if (reuse) {
		for (int m = 0; m < MAP_COUNT; m++)
			if (shareable(m) && reuse->fd[m] >= 0 &&
			    bpf_map__reuse_fd(skel_map(s, m), reuse->fd[m])) {
				ret = -errno;
				juris_bpf__destroy(s);
				return errorf(err, len, ret, "cannot reuse pinned map %s",
					      juris_map_names[m]);
			}
	}
	ret = juris_bpf__load(s);
	if (ret) {
		juris_bpf__destroy(s);
		if (ret == -EPERM || ret == -EACCES)
			return errorf(err, len, ret,
				      "no permission to load BPF programs (run as root, or with "
				      "CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON)");
		return errorf(err, len, ret,
			      "cannot load the BPF programs: %s (run with --verbose)",
			      strerror(-ret));
	}
	*out = s;
	return 0;
}

int juris_load_private(const struct juris_policy *pol, const struct prefix_list *v4,
		       const struct prefix_list *v6, const struct oper_table *oper,
		       const struct juris_maps *reuse, struct juris_bpf **out, char *err,
		       size_t errlen)
{
	struct juris_bpf *s;
	int ret;

	ret = open_and_load(&s, PRIVATE_FLOW_TABLE, PRIVATE_RINGBUF_BYTES, 0, 0, false, reuse, err,
			    errlen);
	if (ret)
		return ret;
	if (!reuse) {
		struct slot_tables t = { .v4 = v4,
					 .v6 = v6,
					 .excepts = pol->excepts,
					 .n_excepts = pol->n_excepts,
					 .oper = oper };
		struct juris_maps fds;

		skel_fds(s, &fds);
		ret = slot_install(&fds, 0, &t, err, errlen);
	} else if (reuse->fd[MAP_EXCEPT_V4] < 0) {
		/* Own exceptions beside the running juris's tables: in both
		 * slots, whichever is live. */
		for (__u32 slot = 0; slot < POLICY_SLOTS && !ret; slot++)
			ret = slot_install_cidrs(bpf_map__fd(s->maps.except_v4),
						 bpf_map__fd(s->maps.except_v6), slot, pol->excepts,
						 pol->n_excepts);
		if (ret)
			errorf(err, errlen, ret, "cannot fill the kernel maps: %s", strerror(-ret));
	}
	if (ret) {
		juris_bpf__destroy(s);
		return ret;
	}
	*out = s;
	return 0;
}

static int create_meta(const struct juris_plan *p, struct juris_meta *meta)
{
	const struct juris_policy *pol = p->pol;
	char mnt[PATH_MAX], root[PATH_MAX];
	__u32 zero = 0;
	int fd;

	memset(meta, 0, sizeof(*meta));
	juris_meta_policy(meta, pol, p->db_path, p->db, p->v4->n, p->v6->n);
	meta->started_realtime = (__u64)time(NULL);
	meta->n_cgroups = p->n_cgroups;
	for (int i = 0; i < p->n_cgroups; i++)
		meta->cgroup_ids[i] = p->cgroups[i].id;
	meta->membership = (__u8)p->membership;
	meta->lsm = (__u8)p->lsm;
	meta->n_attach = p->n_attach;
	for (int i = 0; i < p->n_attach; i++)
		meta->attach_ids[i] = p->attach[i].id;
	if (!cgroup2_mount(mnt, sizeof(mnt)) && realpath(mnt, root)) {
		for (int i = 0; i < p->n_cgroups; i++)
			watch_rel_path(root, p->cgroups[i].path, meta->cgroup_paths[i],
				       sizeof(meta->cgroup_paths[i]));
		for (int i = 0; i < p->n_attach; i++)
			watch_rel_path(root, p->attach[i].path, meta->attach_paths[i],
				       sizeof(meta->attach_paths[i]));
	}
	if (p->gw) {
		meta->n_uplinks = p->gw->n_uplinks;
		meta->n_sources = pol->n_sources;
		for (int i = 0; i < p->gw->n_uplinks; i++)
			snprintf(meta->uplinks[i], sizeof(meta->uplinks[i]), "%s",
				 p->gw->uplinks[i].name);
	}
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "meta", sizeof(__u32), sizeof(*meta), 1, NULL);
	if (fd < 0)
		return -errno;
	if (bpf_map_update_elem(fd, &zero, meta, BPF_ANY)) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

static const char *hook_short_name(const struct bpf_program *prog)
{
	const char *n = bpf_program__name(prog);

	return strncmp(n, "juris_", 6) ? n : n + 6;
}

/* Attaches each of progs where its section says (a tracepoint, an LSM
 * hook) and pins the link in dir, so that it outlives the daemon. what
 * names the hooks in the error. */
static int attach_pinned(struct bpf_program *const *progs, size_t n, const char *what,
			 const char *dir, char *err, size_t len)
{
	char path[4096];
	int ret;

	for (size_t i = 0; i < n; i++) {
		struct bpf_link *l = bpf_program__attach(progs[i]);

		if (!l)
			return errorf(err, len, -errno, "cannot attach %s to %s: %s",
				      hook_short_name(progs[i]), what, strerror(errno));
		ret = pin_path(path, sizeof(path), dir, "link_", hook_short_name(progs[i]));
		if (!ret)
			ret = bpf_link__pin(l, path);
		bpf_link__destroy(l);
		if (ret)
			return errorf(err, len, ret, "cannot pin link in %s: %s", dir,
				      strerror(-ret));
	}
	return 0;
}

/* Service mode: the tracepoints that put a recreated watched cgroup in
 * watched_cg as it is created (bpf/cgroup_watch.bpf.h). */
static int attach_cgroup_tracepoints(struct juris_bpf *s, const char *dir, char *err, size_t len)
{
	struct bpf_program *progs[] = { s->progs.juris_cg_mkdir, s->progs.juris_cg_rmdir };

	return attach_pinned(progs, 2, "its tracepoint", dir, err, len);
}

/* Packet sockets (bpf/packet_sock.bpf.h): global LSM hooks, or the
 * syscall tracepoint where the BPF LSM is not enabled. */
static int attach_packet_lsm(struct juris_bpf *s, int cover, const char *dir, char *err, size_t len)
{
	struct bpf_program *lsm[] = { s->progs.juris_packet_create, s->progs.juris_packet_sendmsg };
	struct bpf_program *sys[] = { s->progs.juris_packet_sys_enter };

	if (cover == PACKET_LSM)
		return attach_pinned(lsm, 2, "the BPF LSM", dir, err, len);
	return attach_pinned(sys, 1, "the sys_enter tracepoint", dir, err, len);
}

/* Pins prog in dir as prog_NAME, where a later juris finds it. */
static int pin_program(struct bpf_program *prog, const char *dir, char *err, size_t len)
{
	char path[4096];
	int ret;

	ret = pin_path(path, sizeof(path), dir, "prog_", hook_short_name(prog));
	if (!ret)
		ret = bpf_program__pin(prog, path);
	if (ret)
		return errorf(err, len, ret, "cannot pin program in %s: %s", dir, strerror(-ret));
	return 0;
}

static int attach_and_pin(struct juris_bpf *s, const struct juris_plan *p, const char *dir,
			  char *err, size_t len)
{
	struct bpf_program *progs[] = {
		s->progs.juris_egress,	     s->progs.juris_connect4, s->progs.juris_connect6,
		s->progs.juris_sendmsg4,     s->progs.juris_sendmsg6, s->progs.juris_dns_ingress,
		s->progs.juris_sock_release,
	};
	char path[4096], name[96];
	int ret;

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		ret = pin_program(progs[i], dir, err, len);
		if (ret)
			return ret;
		for (int c = 0; c < p->n_attach; c++) {
			struct bpf_link *l = bpf_program__attach_cgroup(progs[i], p->attach[c].fd);

			if (!l)
				return errorf(err, len, -errno, "cannot attach %s to cgroup %s: %s",
					      hook_short_name(progs[i]), p->attach[c].path,
					      strerror(errno));
			snprintf(name, sizeof(name), "%s_%llu", hook_short_name(progs[i]),
				 (unsigned long long)p->attach[c].id);
			ret = pin_path(path, sizeof(path), dir, "link_", name);
			if (!ret)
				ret = bpf_link__pin(l, path);
			/* Pinned or not, dropping our reference now is right:
			 * the pin keeps it attached, and on failure the rollback
			 * must find nothing attached. */
			bpf_link__destroy(l);
			if (ret)
				return errorf(err, len, ret, "cannot pin link in %s: %s", dir,
					      strerror(-ret));
		}
	}
	if (p->lsm) {
		ret = attach_packet_lsm(s, p->lsm, dir, err, len);
		if (ret)
			return ret;
	}
	return p->membership ? attach_cgroup_tracepoints(s, dir, err, len) : 0;
}

/* Gateway mode: pins the tc program and attaches it to the ingress of each
 * inside interface, recording each filter in meta as soon as it exists so
 * that a rollback (or juris stop) finds it. */
static int attach_gateway(struct juris_bpf *s, const struct juris_plan *p, const char *dir,
			  int meta_fd, struct juris_meta *meta, char *err, size_t len)
{
	struct bpf_program *prog = s->progs.juris_tc_ingress;
	__u32 zero = 0;
	int ret;

	ret = pin_program(prog, dir, err, len);
	if (ret)
		return ret;
	for (int i = 0; i < p->gw->n_inside; i++) {
		const struct gw_iface *in = &p->gw->inside[i];
		struct tc_hook_rec *rec = &meta->tc_hooks[meta->n_tc_hooks];

		ret = tc_attach_ingress(bpf_program__fd(prog), in->ifindex, in->name, rec);
		if (ret)
			return errorf(err, len, ret, "cannot attach to the tc ingress of %s: %s",
				      in->name, strerror(-ret));
		meta->n_tc_hooks++;
		if (bpf_map_update_elem(meta_fd, &zero, meta, BPF_ANY)) {
			ret = -errno;
			tc_detach(rec);
			meta->n_tc_hooks--;
			return errorf(err, len, ret, "cannot record the tc hook of %s: %s",
				      in->name, strerror(-ret));
		}
	}
	return 0;
}

/* The packet-socket backstop (bpf/packet_tc.bpf.h): the pinned program on
 * the egress of each uplink, recorded in meta like the gateway's filters
 * so that juris stop removes them and a restart finds them. */
static int attach_backstop(struct juris_bpf *s, const struct juris_plan *p, const char *dir,
			   int meta_fd, struct juris_meta *meta, char *err, size_t len)
{
	struct bpf_program *prog = s->progs.juris_packet_tc;
	int ret;

	ret = pin_program(prog, dir, err, len);
	if (ret)
		return ret;
	for (int i = 0; i < p->backstop->n_links; i++) {
		ret = backstop_attach_one(bpf_program__fd(prog), &p->backstop->links[i], meta_fd,
					  meta);
		if (ret)
			return errorf(err, len, ret, "cannot attach to the tc egress of %s: %s",
				      p->backstop->links[i].name, strerror(-ret));
	}
	return 0;
}

static int fill_watch(struct juris_bpf *s, const struct juris_plan *p)
{
	return watch_fill(bpf_map__fd(s->maps.watched_cg), bpf_map__fd(s->maps.watched_paths),
			  p->cgroups, p->n_cgroups);
}

int juris_create(const struct juris_plan *p, const char *dir, struct juris_maps *m, char *err,
		 size_t len)
{
	const struct juris_policy *pol = p->pol;
	struct juris_config cfg = {
		.mode = pol->mode,
		.allow_zone = pol->allow_zone,
		.unknown_deny = pol->unknown_deny,
		.foreign_op = pol->foreign_op,
		.overlay = p->oper != NULL,
		.policy_hash = p->policy_hash,
		.db_build_epoch = p->db->build_epoch,
		.generation = 1,
		.layout_hash = p->layout_hash,
	};
	struct slot_tables t = { .v4 = p->v4,
				 .v6 = p->v6,
				 .excepts = pol->excepts,
				 .n_excepts = pol->n_excepts,
				 .oper = p->oper };
	struct juris_maps fds;
	struct juris_meta meta;
	struct juris_bpf *s = NULL;
	struct timespec ts;
	char path[4096];
	__u32 zero = 0;
	int ret, meta_fd = -1;

	for (int i = 0; i < MAP_COUNT; i++)
		m->fd[i] = -1;
	ret = open_and_load(&s, pol->flow_table, 0, p->membership, p->lsm, p->backstop != NULL,
			    NULL, err, len);
	if (ret)
		return ret;
	skel_fds(s, &fds);
	ret = slot_install(&fds, 0, &t, err, len);
	if (ret)
		goto out;
	ret = dns_fill_patterns(bpf_map__fd(s->maps.dns_patterns), pol->except_domains,
				pol->n_except_domains);
	if (!ret && p->membership)
		ret = fill_watch(s, p);
	if (!ret && p->gw)
		ret = gw_fill_maps(pol, p->gw, bpf_map__fd(s->maps.sources_v4),
				   bpf_map__fd(s->maps.sources_v6), bpf_map__fd(s->maps.uplinks),
				   bpf_map__fd(s->maps.inside));
	if (ret) {
		errorf(err, len, ret, "cannot fill the kernel maps: %s", strerror(-ret));
		goto out;
	}
	config_set_nat64(&cfg, &p->pol->nat64);
	config_set_resolvers(&cfg, &p->pol->resolvers);
	clock_gettime(CLOCK_BOOTTIME, &ts);
	cfg.started_ns = (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
	if (bpf_map_update_elem(bpf_map__fd(s->maps.config), &zero, &cfg, BPF_ANY)) {
		ret = errorf(err, len, -errno, "cannot write the policy map: %s", strerror(errno));
		goto out;
	}
	meta_fd = create_meta(p, &meta);
	if (meta_fd < 0) {
		ret = errorf(err, len, meta_fd, "cannot create the meta map: %s",
			     strerror(-meta_fd));
		goto out;
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		ret = errorf(err, len, -errno, "cannot create pin directory %s: %s", dir,
			     strerror(errno));
		goto out;
	}
	for (int i = 0; i < MAP_COUNT; i++) {
		ret = pin_path(path, sizeof(path), dir, "", juris_map_names[i]);
		if (!ret)
			ret = i == MAP_META ? (bpf_obj_pin(meta_fd, path) ? -errno : 0)
					    : bpf_map__pin(skel_map(s, i), path);
		if (ret) {
			errorf(err, len, ret, "cannot pin map %s in %s: %s", juris_map_names[i],
			       dir, strerror(-ret));
			goto out;
		}
	}
	ret = attach_and_pin(s, p, dir, err, len);
	if (!ret && p->gw)
		ret = attach_gateway(s, p, dir, meta_fd, &meta, err, len);
	if (!ret && p->backstop)
		ret = attach_backstop(s, p, dir, meta_fd, &meta, err, len);
	if (ret)
		goto out;
	for (int i = 0; i < MAP_COUNT; i++) {
		m->fd[i] = i == MAP_META ? dup(meta_fd) : dup(bpf_map__fd(skel_map(s, i)));
		if (m->fd[i] < 0) {
			ret = errorf(err, len, -errno, "cannot keep map descriptors: %s",
				     strerror(errno));
			goto out;
		}
	}
out:
	if (ret) {
		juris_maps_close(m);
		juris_remove_pins(dir, NULL, 0);
	}
	if (meta_fd >= 0)
		close(meta_fd);
	juris_bpf__destroy(s);
	return ret;
}
