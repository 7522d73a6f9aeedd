/* Loads juris's programs, fills their maps, attaches them to cgroups and
 * pins the lot so that enforcement and counters outlive the daemon. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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
#include "kernel/dns_pattern.h"
#include "base/errmsg.h"
#include "kernel/loader.h"
#include "policy/overlay.h"
#include "kernel/slots.h"

const char *const juris_map_names[MAP_COUNT] = {
	[MAP_GEO4_TBL24] = "geo4_tbl24", [MAP_GEO4_TBL8] = "geo4_tbl8",
	[MAP_GEO4_CLASS] = "geo4_class", [MAP_GEO_V6] = "geo_v6",
	[MAP_EXCEPT_V4] = "except_v4", [MAP_EXCEPT_V6] = "except_v6",
	[MAP_OPER_V4] = "oper_v4", [MAP_OPER_V6] = "oper_v6",
	[MAP_CONFIG] = "config", [MAP_FLOWS] = "flows", [MAP_TOTALS] = "totals",
	[MAP_COUNTERS] = "counters", [MAP_EVENTS] = "events",
	[MAP_SOCK_OWNERS] = "sock_owners", [MAP_SOURCES_V4] = "sources_v4",
	[MAP_SOURCES_V6] = "sources_v6", [MAP_UPLINKS] = "uplinks", [MAP_INSIDE] = "inside",
	[MAP_ACTIVE] = "active", [MAP_DNS_ANSWERS] = "dns_answers", [MAP_EXCEPT_DYN] = "except_dyn",
	[MAP_DNS_PATTERNS] = "dns_patterns", [MAP_DNS_NAMES] = "dns_names",
	[MAP_META] = "meta",
};

/* The ring buffer of a private (lookup) instance: its events are never read. */
#define PRIVATE_RINGBUF_BYTES (16 * 1024)
#define PRIVATE_FLOW_TABLE 4096

static struct bpf_map *skel_map(struct juris_bpf *s, enum juris_map m)
{
	switch (m) {
	case MAP_GEO4_TBL24: return s->maps.geo4_tbl24;
	case MAP_GEO4_TBL8: return s->maps.geo4_tbl8;
	case MAP_GEO4_CLASS: return s->maps.geo4_class;
	case MAP_GEO_V6: return s->maps.geo_v6;
	case MAP_EXCEPT_V4: return s->maps.except_v4;
	case MAP_EXCEPT_V6: return s->maps.except_v6;
	case MAP_OPER_V4: return s->maps.oper_v4;
	case MAP_OPER_V6: return s->maps.oper_v6;
	case MAP_CONFIG: return s->maps.config;
	case MAP_FLOWS: return s->maps.flows;
	case MAP_TOTALS: return s->maps.totals;
	case MAP_COUNTERS: return s->maps.counters;
	case MAP_EVENTS: return s->maps.events;
	case MAP_SOCK_OWNERS: return s->maps.sock_owners;
	case MAP_SOURCES_V4: return s->maps.sources_v4;
	case MAP_SOURCES_V6: return s->maps.sources_v6;
	case MAP_UPLINKS: return s->maps.uplinks;
	case MAP_INSIDE: return s->maps.inside;
	case MAP_ACTIVE: return s->maps.active;
	case MAP_DNS_ANSWERS: return s->maps.dns_answers;
	case MAP_EXCEPT_DYN: return s->maps.except_dyn;
	case MAP_DNS_PATTERNS: return s->maps.dns_patterns;
	case MAP_DNS_NAMES: return s->maps.dns_names;
	default: return NULL;
	}
}

int juris_fill_cidrs(int fd4, int fd6, const struct except_cidr *v, int n)
{
	__u8 one = 1;

	for (int i = 0; i < n; i++) {
		const struct except_cidr *e = &v[i];
		int err;

		if (e->addr.family == AF_INET) {
			struct geo_key4 k = { .prefixlen = e->len };

			memcpy(k.addr, e->addr.a, 4);
			err = bpf_map_update_elem(fd4, &k, &one, BPF_ANY);
		} else {
			struct geo_key6 k = { .prefixlen = e->len };

			memcpy(k.addr, e->addr.a, 16);
			err = bpf_map_update_elem(fd6, &k, &one, BPF_ANY);
		}
		if (err)
			return -errno;
	}
	return 0;
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

static int open_and_load(struct juris_bpf **out, uint32_t flows, uint32_t ringbuf,
			 const struct juris_maps *reuse, char *err, size_t len)
{
	struct juris_bpf *s = juris_bpf__open();
	int ret;

	if (!s)
		return errorf(err, len, -errno, "cannot open the BPF object: %s", strerror(errno));
	bpf_map__set_max_entries(s->maps.flows, flows);
	if (ringbuf) {
		bpf_map__set_max_entries(s->maps.events, ringbuf);
		bpf_map__set_max_entries(s->maps.dns_answers, ringbuf);
		/* A private instance (lookup) reads no DNS: spare the verifier
		 * its longest program (~0.4 s). */
		bpf_program__set_autoload(s->progs.juris_dns_ingress, false);
	}
	if (reuse) {
		for (int m = 0; m < MAP_COUNT; m++)
			if (shareable(m) && reuse->fd[m] >= 0 && bpf_map__reuse_fd(skel_map(s, m), reuse->fd[m])) {
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
		return errorf(err, len, ret, "cannot load the BPF programs: %s (run with --verbose)",
			    strerror(-ret));
	}
	*out = s;
	return 0;
}

int juris_check_privilege(char *err, size_t len)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "juris_probe", sizeof(__u32), sizeof(__u32), 1,
				NULL);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno == EPERM || errno == EACCES)
		return errorf(err, len, -errno,
			    "no permission to load BPF programs (run as root, or with "
			    "CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON)");
	return errorf(err, len, -errno, "the kernel refuses BPF maps: %s", strerror(errno));
}

int juris_load_private(const struct juris_opts *o, const struct prefix_list *v4,
		       const struct prefix_list *v6, const struct oper_table *oper,
		       const struct juris_maps *reuse, struct juris_bpf **out, char *err,
		       size_t errlen)
{
	struct juris_bpf *s;
	int ret;

	ret = open_and_load(&s, PRIVATE_FLOW_TABLE, PRIVATE_RINGBUF_BYTES, reuse, err, errlen);
	if (ret)
		return ret;
	if (!reuse) {
		struct slot_tables t = { .v4 = v4, .v6 = v6, .excepts = o->excepts,
					 .n_excepts = o->n_excepts, .oper = oper };
		struct juris_maps fds;

		skel_fds(s, &fds);
		ret = slot_install(&fds, 0, &t, err, errlen);
	} else if (reuse->fd[MAP_EXCEPT_V4] < 0) {
		/* Own exceptions beside the running juris's tables: in both
		 * slots, whichever is live. */
		for (__u32 slot = 0; slot < POLICY_SLOTS && !ret; slot++)
			ret = slot_install_cidrs(bpf_map__fd(s->maps.except_v4),
						 bpf_map__fd(s->maps.except_v6), slot,
						 o->excepts, o->n_excepts);
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

static int pin_path(char *buf, size_t len, const char *dir, const char *prefix, const char *name)
{
	int n = snprintf(buf, len, "%s/%s%s", dir, prefix, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

void juris_meta_policy(struct juris_meta *meta, const struct juris_opts *o, const char *db_path,
		       const struct geodb_info *db, size_t n4, size_t n6)
{
	snprintf(meta->db_path, sizeof(meta->db_path), "%s", db_path);
	snprintf(meta->db_type, sizeof(meta->db_type), "%s", db->type);
	meta->db_build_epoch = db->build_epoch;
	meta->db_file_size = db->file_size;
	meta->prefixes_v4 = n4;
	meta->prefixes_v6 = n6;
	meta->n_excepts = o->n_excepts;
	meta->us_adequate = o->us_adequate;
}

int juris_write_meta(const struct juris_maps *m, const struct juris_meta *meta)
{
	__u32 zero = 0;

	return bpf_map_update_elem(m->fd[MAP_META], &zero, meta, BPF_ANY) ? -errno : 0;
}

static int create_meta(const struct juris_plan *p, struct juris_meta *meta)
{
	const struct juris_opts *o = p->opts;
	__u32 zero = 0;
	int fd;

	memset(meta, 0, sizeof(*meta));
	juris_meta_policy(meta, o, p->db_path, p->db, p->v4->n, p->v6->n);
	meta->started_realtime = (__u64)time(NULL);
	meta->n_cgroups = p->n_cgroups;
	for (int i = 0; i < p->n_cgroups; i++)
		meta->cgroup_ids[i] = p->cgroups[i].id;
	if (p->gw) {
		meta->n_uplinks = p->gw->n_uplinks;
		meta->n_sources = o->n_sources;
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

/* Detaches the tc filters recorded in the pinned meta map. A filter that
 * cannot be removed keeps its record, and its error is returned. */
static int detach_tc_hooks(const char *dir)
{
	struct juris_meta *meta;
	char path[4096];
	__u32 zero = 0;
	int fd, ret = 0;

	if (pin_path(path, sizeof(path), dir, "", juris_map_names[MAP_META]))
		return -ENAMETOOLONG;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	meta = calloc(1, sizeof(*meta));
	if (!meta) {
		close(fd);
		return -ENOMEM;
	}
	if (bpf_map_lookup_elem(fd, &zero, meta)) {
		ret = -errno;
		goto out;
	}
	for (__u32 i = 0; i < meta->n_tc_hooks && i < MAX_GW_IFACES; i++) {
		int err = tc_detach(&meta->tc_hooks[i]);

		if (err)
			ret = err;
	}
	if (!ret && meta->n_tc_hooks) {
		meta->n_tc_hooks = 0;
		bpf_map_update_elem(fd, &zero, meta, BPF_ANY);
	}
out:
	free(meta);
	close(fd);
	return ret;
}

/* Removes every entry of dir (detaching tc filters and pinned links
 * first), then dir. */
static int remove_dir_pins(const char *dir)
{
	char path[4096];
	struct dirent *d;
	DIR *dp;
	int ret = detach_tc_hooks(dir);

	/* A tc filter juris cannot remove must stay findable: keep the pins. */
	if (ret)
		return ret;
	dp = opendir(dir);
	if (!dp)
		return errno == ENOENT ? 0 : -errno;
	while ((d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		if (pin_path(path, sizeof(path), dir, "", d->d_name))
			continue;
		if (!strncmp(d->d_name, "link_", 5)) {
			int fd = bpf_obj_get(path);

			if (fd >= 0) {
				bpf_link_detach(fd);
				close(fd);
			}
		}
		if (unlink(path) && errno != ENOENT)
			ret = -errno;
	}
	closedir(dp);
	if (rmdir(dir) && errno != ENOENT)
		ret = -errno;
	return ret;
}

static const char *hook_short_name(const struct bpf_program *prog)
{
	const char *n = bpf_program__name(prog);

	return strncmp(n, "juris_", 6) ? n : n + 6;
}

static int attach_and_pin(struct juris_bpf *s, const struct juris_plan *p, const char *dir,
			  char *err, size_t len)
{
	struct bpf_program *progs[] = {
		s->progs.juris_egress, s->progs.juris_connect4, s->progs.juris_connect6,
		s->progs.juris_sendmsg4, s->progs.juris_sendmsg6, s->progs.juris_dns_ingress,
	};
	char path[4096], name[96];
	int ret;

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		ret = pin_path(path, sizeof(path), dir, "prog_", hook_short_name(progs[i]));
		if (!ret)
			ret = bpf_program__pin(progs[i], path);
		if (ret)
			return errorf(err, len, ret, "cannot pin program in %s: %s", dir,
				    strerror(-ret));
		for (int c = 0; c < p->n_cgroups; c++) {
			struct bpf_link *l = bpf_program__attach_cgroup(progs[i], p->cgroups[c].fd);

			if (!l)
				return errorf(err, len, -errno, "cannot attach %s to cgroup %s: %s",
					    hook_short_name(progs[i]), p->cgroups[c].path,
					    strerror(errno));
			snprintf(name, sizeof(name), "%s_%llu", hook_short_name(progs[i]),
				 (unsigned long long)p->cgroups[c].id);
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
	return 0;
}

/* Gateway mode: pins the tc program and attaches it to the ingress of each
 * inside interface, recording each filter in meta as soon as it exists so
 * that a rollback (or juris stop) finds it. */
static int attach_gateway(struct juris_bpf *s, const struct juris_plan *p, const char *dir,
			  int meta_fd, struct juris_meta *meta, char *err, size_t len)
{
	struct bpf_program *prog = s->progs.juris_tc_ingress;
	char path[4096];
	__u32 zero = 0;
	int ret;

	ret = pin_path(path, sizeof(path), dir, "prog_", hook_short_name(prog));
	if (!ret)
		ret = bpf_program__pin(prog, path);
	if (ret)
		return errorf(err, len, ret, "cannot pin program in %s: %s", dir, strerror(-ret));
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

int juris_create(const struct juris_plan *p, const char *dir, struct juris_maps *m,
		 char *err, size_t len)
{
	const struct juris_opts *o = p->opts;
	struct juris_config cfg = {
		.mode = o->mode, .allow_zone = o->allow_zone, .unknown_deny = o->unknown_deny,
		.foreign_op = o->foreign_op, .overlay = p->oper != NULL,
		.policy_hash = p->policy_hash, .db_build_epoch = p->db->build_epoch,
		.generation = 1, .layout_hash = p->layout_hash,
	};
	struct slot_tables t = { .v4 = p->v4, .v6 = p->v6, .excepts = o->excepts,
				 .n_excepts = o->n_excepts, .oper = p->oper };
	struct juris_maps fds;
	struct juris_meta meta;
	struct juris_bpf *s = NULL;
	struct timespec ts;
	char path[4096];
	__u32 zero = 0;
	int ret, meta_fd = -1;

	for (int i = 0; i < MAP_COUNT; i++)
		m->fd[i] = -1;
	ret = open_and_load(&s, o->flow_table, 0, NULL, err, len);
	if (ret)
		return ret;
	skel_fds(s, &fds);
	ret = slot_install(&fds, 0, &t, err, len);
	if (ret)
		goto out;
	ret = dns_fill_patterns(bpf_map__fd(s->maps.dns_patterns), o->except_domains,
				o->n_except_domains);
	if (!ret && p->gw)
		ret = gw_fill_maps(o, p->gw, bpf_map__fd(s->maps.sources_v4),
				   bpf_map__fd(s->maps.sources_v6), bpf_map__fd(s->maps.uplinks),
				   bpf_map__fd(s->maps.inside));
	if (ret) {
		errorf(err, len, ret, "cannot fill the kernel maps: %s", strerror(-ret));
		goto out;
	}
	clock_gettime(CLOCK_BOOTTIME, &ts);
	cfg.started_ns = (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
	if (bpf_map_update_elem(bpf_map__fd(s->maps.config), &zero, &cfg, BPF_ANY)) {
		ret = errorf(err, len, -errno, "cannot write the policy map: %s", strerror(errno));
		goto out;
	}
	meta_fd = create_meta(p, &meta);
	if (meta_fd < 0) {
		ret = errorf(err, len, meta_fd, "cannot create the meta map: %s", strerror(-meta_fd));
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
			errorf(err, len, ret, "cannot pin map %s in %s: %s", juris_map_names[i], dir,
			     strerror(-ret));
			goto out;
		}
	}
	ret = attach_and_pin(s, p, dir, err, len);
	if (!ret && p->gw)
		ret = attach_gateway(s, p, dir, meta_fd, &meta, err, len);
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
		remove_dir_pins(dir);
	}
	if (meta_fd >= 0)
		close(meta_fd);
	juris_bpf__destroy(s);
	return ret;
}

int juris_open_pinned(const char *dir, struct juris_maps *m)
{
	char path[4096];
	int ret;

	for (int i = 0; i < MAP_COUNT; i++)
		m->fd[i] = -1;
	/* Config first: its absence means nothing is pinned; the absence of
	 * any other map means pins were removed by hand. */
	for (int n = 0; n < MAP_COUNT; n++) {
		int i = n == 0 ? MAP_CONFIG : n == MAP_CONFIG ? 0 : n;

		ret = pin_path(path, sizeof(path), dir, "", juris_map_names[i]);
		if (ret)
			goto err;
		m->fd[i] = bpf_obj_get(path);
		if (m->fd[i] < 0) {
			ret = -errno;
			if (ret == -ENOENT && i != MAP_CONFIG)
				ret = -EBADF;
			goto err;
		}
	}
	return 0;
err:
	juris_maps_close(m);
	return ret;
}

int juris_open_config(const char *dir, struct juris_maps *m)
{
	char path[4096];
	int ret;

	for (int i = 0; i < MAP_COUNT; i++)
		m->fd[i] = -1;
	ret = pin_path(path, sizeof(path), dir, "", juris_map_names[MAP_CONFIG]);
	if (ret)
		return ret;
	m->fd[MAP_CONFIG] = bpf_obj_get(path);
	if (m->fd[MAP_CONFIG] < 0)
		return -errno;
	if (!pin_path(path, sizeof(path), dir, "", juris_map_names[MAP_ACTIVE]))
		m->fd[MAP_ACTIVE] = bpf_obj_get(path);	/* optional: slot 0 without */
	return 0;
}

void juris_maps_close(struct juris_maps *m)
{
	for (int i = 0; i < MAP_COUNT; i++) {
		if (m->fd[i] >= 0)
			close(m->fd[i]);
		m->fd[i] = -1;
	}
}

int juris_remove_pins(const char *dir, char *err, size_t len)
{
	int ret = remove_dir_pins(dir);

	if (ret)
		return errorf(err, len, ret, "cannot remove pins in %s: %s", dir, strerror(-ret));
	return 0;
}

/* Without the active map (juris_open_config), slot 0. */
static __u32 live_slot(const struct juris_maps *m)
{
	__u32 slot = 0;

	if (m->fd[MAP_ACTIVE] >= 0 && slot_active(m, &slot))
		slot = 0;
	return slot;
}

int juris_read_config(const struct juris_maps *m, struct juris_config *c)
{
	__u32 slot = live_slot(m);

	return bpf_map_lookup_elem(m->fd[MAP_CONFIG], &slot, c) ? -errno : 0;
}

int juris_set_daemon_pid(const struct juris_maps *m, __u32 pid)
{
	int ret = 0;

	/* Both slots, so that it survives a reload and reads the same from
	 * either slot. */
	for (__u32 slot = 0; slot < POLICY_SLOTS; slot++) {
		struct juris_config c;

		if (bpf_map_lookup_elem(m->fd[MAP_CONFIG], &slot, &c)) {
			ret = -errno;
			continue;
		}
		c.daemon_pid = pid;
		if (bpf_map_update_elem(m->fd[MAP_CONFIG], &slot, &c, BPF_ANY))
			ret = -errno;
	}
	return ret;
}

int juris_read_meta(const struct juris_maps *m, struct juris_meta *meta)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(m->fd[MAP_META], &zero, meta) ? -errno : 0;
}

bool juris_daemon_alive(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool held;

	if (fd < 0)
		return false;
	/* juris run holds an exclusive flock on its pin directory for its
	 * whole life; the kernel drops it when the process dies. */
	held = flock(fd, LOCK_SH | LOCK_NB) && errno == EWOULDBLOCK;
	close(fd);
	return held;
}

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t juris_policy_hash(const struct juris_opts *o, const char *db_path)
{
	uint64_t h = 0xcbf29ce484222325ull;
	char path[4096];
	bool explicit;
	struct stat st;
	int policy[5] = { o->mode, o->allow_zone, o->unknown_deny, o->us_adequate,
			  o->foreign_op };

	h = fnv1a(h, db_path, strlen(db_path));
	if (!stat(db_path, &st)) {
		h = fnv1a(h, &st.st_size, sizeof(st.st_size));
		h = fnv1a(h, &st.st_mtim, sizeof(st.st_mtim));
	}
	h = fnv1a(h, policy, sizeof(policy));
	for (int i = 0; i < o->n_excepts; i++)
		h = fnv1a(h, &o->excepts[i], sizeof(o->excepts[i]));
	/* The ASN database in force, by name and by content (size, mtime). */
	if (!overlay_path(o, path, sizeof(path), &explicit)) {
		h = fnv1a(h, path, strlen(path) + 1);
		if (!stat(path, &st)) {
			h = fnv1a(h, &st.st_size, sizeof(st.st_size));
			h = fnv1a(h, &st.st_mtim, sizeof(st.st_mtim));
		}
	}
	for (int i = 0; i < o->n_operators; i++)
		h = fnv1a(h, o->operators[i], strlen(o->operators[i]) + 1);
	for (int i = 0; i < o->n_except_domains; i++)
		h = fnv1a(h, o->except_domains[i], strlen(o->except_domains[i]) + 1);
	return h;
}

uint64_t juris_layout_hash(const struct juris_opts *o, const struct cgroup_target *cg, int n_cg,
			   const struct gw_plan *gw)
{
	uint64_t h = 0xcbf29ce484222325ull;
	uint32_t format = JURIS_PIN_FORMAT;

	h = fnv1a(h, &format, sizeof(format));
	h = fnv1a(h, &o->flow_table, sizeof(o->flow_table));
	/* The cgroups by path, not id: a unit restarted by systemd gets a new
	 * cgroup (a new id) at the same path, and the next juris run adopts
	 * the pins and attaches to it (cgroup_hooks_repair). */
	for (int i = 0; i < n_cg; i++)
		h = fnv1a(h, cg[i].path, strlen(cg[i].path) + 1);
	for (int i = 0; i < o->n_sources; i++)
		h = fnv1a(h, &o->sources[i], sizeof(o->sources[i]));
	for (int i = 0; gw && i < gw->n_uplinks; i++)
		h = fnv1a(h, &gw->uplinks[i].ifindex, sizeof(gw->uplinks[i].ifindex));
	for (int i = 0; gw && i < gw->n_inside; i++)
		h = fnv1a(h, &gw->inside[i].ifindex, sizeof(gw->inside[i].ifindex));
	return h;
}
