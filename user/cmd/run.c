/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris run: attach (or adopt) the egress programs, then consume events
 * until SIGINT/SIGTERM. Enforcement stays pinned when the daemon exits. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "cli/policy_diff.h"
#include "daemon/metrics_server.h"
#include "kernel/fingerprint.h"
#include "kernel/bpf_access.h"
#include "policy/names.h"
#include "kernel/pins.h"
#include "kernel/meta.h"
#include "kernel/config.h"
#include "daemon/alerts.h"
#include "kernel/cgroup.h"
#include "kernel/cgroup_attach.h"
#include "cmd/commands.h"
#include "policy/database.h"
#include "daemon/db_follow.h"
#include "daemon/dns_watch.h"
#include "daemon/events.h"
#include "kernel/gateway.h"
#include "kernel/loader.h"
#include "daemon/metrics.h"
#include "policy/overlay.h"
#include "policy/policy_data.h"
#include "kernel/policy_switch.h"
#include "daemon/privilege.h"
#include "kernel/slots.h"
#include "base/netlink.h"
#include "kernel/gw_follow.h"
#include "kernel/lsm.h"
#include "kernel/backstop.h"
#include "kernel/uplinks.h"
#include "kernel/watch.h"
#include "base/threads.h"
#include "kernel/sock_closer.h"
#include "cli/options_where.h"
#include "kernel/attached.h"
#include "daemon/systemd_dropin.h"

#define POLL_MS 200
#define IFACE_CHECK_POLLS 50 /* rescan the routes every 10 s without notification */
#define LOCK_TRIES 10
/* How often (in polls) the cgroups that carry the hooks are checked: a
 * recreated one gets them again within this (the watched cgroups
 * themselves need no check: see bpf/cgroup_watch.bpf.h). */
#define CGROUP_CHECK_POLLS 1

struct run_ctx {
	const struct juris_opts *o; /* the policy in force */
	struct juris_opts reloaded; /* owns it after a reload (file.text) */
	bool has_reloaded;
	struct juris_maps maps;
	struct operator_table ops; /* names for the events' destination.as */
	struct cgroup_target cgroups[MAX_CGROUPS];
	int n_cgroups;
	struct cgroup_target attach[MAX_CGROUPS]; /* where the hooks go */
	int n_attach;
	int membership;
	uint64_t attached_id[MAX_CGROUPS]; /* the cgroup attach[i]'s hooks are on */
	int lock_fd;
	struct event_writer events;
	struct rotating_file events_file;
	struct metrics_server metrics;
	struct alerter alerts; /* slots NULL without --syslog */
	char db_path[4096];
	struct gw_plan gw;
	bool gateway;
	int nl_fd;			  /* link and route changes (gateway mode), -1 without */
	bool iface_gone[MAX_GW_IFACES];	  /* already reported */
	uint64_t events_lost;		  /* not written since the last write error */
	bool write_failing;		  /* the last event write failed */
	bool cgroup_gone[MAX_CGROUPS];	  /* per attach point, already reported */
	bool attach_failing[MAX_CGROUPS]; /* already reported */
	struct dns_watch dns;
	struct db_follow follow;   /* follow-db: the database file in force */
	struct sock_closer closer; /* skel NULL: not on this kernel */
	bool adopt_switched;	   /* adopt_state switched the pins to a new policy */
	int cover;		   /* enum packet_cover, decided once */
	struct uplink_plan backstop;
	bool has_backstop; /* the packet-socket backstop on backstop's uplinks */
};

static void close_blocked(struct run_ctx *c, char *msg, size_t len);

static int resolve_cgroups(const struct juris_opts *o, struct run_ctx *c)
{
	char err_path[4096];
	int ret;

	/* Gateway mode alone watches forwarded traffic, not this host's. */
	c->n_cgroups = o->policy.n_cgroups ? o->policy.n_cgroups : o->policy.n_ifaces ? 0 : 1;
	for (int i = 0; i < c->n_cgroups; i++) {
		struct cgroup_target *t = &c->cgroups[i];

		t->fd = -1;
		if (o->policy.n_cgroups) {
			ret = cgroup_resolve(o->policy.cgroups[i], t->path, sizeof(t->path),
					     &t->id);
			if (ret) {
				fprintf(stderr, "juris: %sunknown cgroup or unit: %s (%s)\n",
					options_where(o, "cgroup", o->policy.cgroups[i], err_path,
						      sizeof(err_path)),
					o->policy.cgroups[i], strerror(-ret));
				return ret;
			}
		} else {
			ret = cgroup2_mount(t->path, sizeof(t->path));
			if (!ret)
				ret = cgroup_resolve(t->path, err_path, sizeof(err_path), &t->id);
			if (ret) {
				fprintf(stderr, "juris: no cgroup v2 hierarchy mounted (%s)\n",
					strerror(-ret));
				return ret;
			}
		}
		t->fd = open(t->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (t->fd < 0) {
			ret = -errno;
			fprintf(stderr, "juris: cannot open cgroup %s: %s\n", t->path,
				strerror(errno));
			return ret;
		}
	}
	if (!c->n_cgroups)
		return 0;
	ret = watch_attach_points(c->cgroups, c->n_cgroups, c->attach, &c->n_attach,
				  &c->membership);
	if (ret) {
		fprintf(stderr, "juris: cannot open the parents of the watched cgroups: %s\n",
			strerror(-ret));
		return ret;
	}
	for (int i = 0; i < c->n_attach; i++)
		c->attached_id[i] = c->attach[i].id;
	return 0;
}

/* One daemon per pin directory: the lock dies with its holder, so a
 * kill -9 never leaves a stale "already running". */
static int lock_pin_dir(const char *dir, struct run_ctx *c)
{
	int ret = bpffs_ensure(dir);

	if (ret) {
		fprintf(stderr, "juris: cannot prepare pin directory %s: %s\n", dir,
			strerror(-ret));
		return ret;
	}
	c->lock_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->lock_fd < 0) {
		ret = -errno;
		fprintf(stderr, "juris: cannot open %s: %s\n", dir, strerror(-ret));
		return ret;
	}
	/* juris status takes a shared lock for an instant: retry briefly. */
	for (int i = 0; i < LOCK_TRIES; i++) {
		ret = flock(c->lock_fd, LOCK_EX | LOCK_NB) ? -errno : 0;
		if (ret != -EWOULDBLOCK)
			break;
		usleep(20 * 1000);
	}
	if (ret) {
		if (ret == -EWOULDBLOCK)
			fprintf(stderr,
				"juris: already running with pins at %s (see juris status "
				"--pin-dir %s)\n",
				dir, dir);
		else
			fprintf(stderr, "juris: cannot lock %s: %s\n", dir, strerror(-ret));
		return ret;
	}
	return 0;
}

static bool dir_is_empty(const char *dir)
{
	struct dirent **list = NULL;
	int n = scandir(dir, &list, NULL, NULL);
	bool empty = true;

	for (int i = 0; i < n; i++) {
		if (strcmp(list[i]->d_name, ".") && strcmp(list[i]->d_name, ".."))
			empty = false;
		free(list[i]);
	}
	free(list);
	return empty;
}

/* How packet sockets of the watched processes are judged: the BPF LSM
 * when it loads programs, else the socket() system call (x86_64, service
 * mode only). */
static int packet_cover(const struct run_ctx *c)
{
	if (!c->n_cgroups)
		return PACKET_UNCOVERED;
	if (lsm_bpf_active() == 1 && lsm_bpf_loadable())
		return PACKET_LSM;
	/* Watching the whole host, the fallback would kill DHCP clients and
	 * capture tools of the host itself: only named cgroups get it. */
	if (!c->membership)
		return PACKET_UNCOVERED;
#if defined(__x86_64__)
	return PACKET_SYSCALL;
#else
	return PACKET_UNCOVERED;
#endif
}

/* What is left open of the packet sockets, said once attached. */
static void warn_packet_cover(const struct juris_opts *o, const struct run_ctx *c)
{
	bool enforce = o->policy.mode == MODE_ENFORCE;

	if (!c->n_cgroups || c->cover == PACKET_LSM)
		return;
	if (c->cover == PACKET_SYSCALL)
		fprintf(stderr,
			"juris: warning: no usable BPF LSM (not in the kernel's lsm=, or its "
			"programs refused): a watched process that opens a packet socket "
			"(AF_PACKET, AF_XDP) is %s\n",
			enforce		  ? "killed"
			: c->has_backstop ? "reported"
					  : "reported, its frames not counted");
	if (c->has_backstop)
		fprintf(stderr,
			"juris: packet-socket backstop on the tc egress of %d uplink%s: frames "
			"of watched packet sockets are judged by destination; left open: "
			"PACKET_QDISC_BYPASS and AF_XDP frames, which skip tc%s\n",
			c->backstop.n_links, c->backstop.n_links == 1 ? "" : "s",
			c->cover == PACKET_SYSCALL && enforce
				? " (their sockets are killed at socket(), unless opened "
				  "outside the watched cgroups)"
				: "");
	else if (c->cover == PACKET_UNCOVERED)
		fprintf(stderr, "juris: warning: no usable BPF LSM and no uplink for the tc "
				"backstop: packet sockets (AF_PACKET, AF_XDP) of watched "
				"processes are neither seen nor stopped\n");
}

static int create_state(const struct juris_opts *o, struct run_ctx *c, uint64_t hash,
			uint64_t layout)
{
	struct loaded_db db;
	struct overlay ov = { 0 };
	struct juris_plan plan = {
		.pol = &o->policy,
		.cgroups = c->cgroups,
		.n_cgroups = c->n_cgroups,
		.policy_hash = hash,
		.attach = c->attach,
		.n_attach = c->n_attach,
		.membership = c->membership,
		.lsm = c->cover,
		.backstop = c->has_backstop ? &c->backstop : NULL,
		.layout_hash = layout,
		.gw = c->gateway ? &c->gw : NULL,
	};
	char err[512];
	int ret;

	if (!dir_is_empty(o->policy.pin_dir)) {
		fprintf(stderr,
			"juris: %s is not empty and holds no juris state; "
			"give another --pin-dir\n",
			o->policy.pin_dir);
		return -EEXIST;
	}
	ret = policy_data_load(&o->policy, true, &db, &ov, err, sizeof(err));
	if (ret) {
		char where[4200];

		fprintf(stderr, "juris: %s%s\n", options_where_data(o, err, where, sizeof(where)),
			err);
		return ret;
	}
	/* Another juris, on other pins, on one of these cgroups: two would
	 * count every packet twice and judge it by two policies. */
	for (int i = 0; i < c->n_cgroups; i++) {
		uint32_t id = cgroup_juris_prog(c->cgroups[i].fd);

		if (id) {
			fprintf(stderr,
				"juris: cgroup %s is already watched by another juris "
				"(program juris_egress id %u, pinned under another --pin-dir; "
				"see bpftool cgroup show %s): stop that one first\n",
				c->cgroups[i].path, id, c->cgroups[i].path);
			overlay_free(&ov);
			database_free(&db);
			return -EBUSY;
		}
	}
	database_note(stderr, &db.info);
	overlay_note(&ov);
	plan.oper = ov.loaded ? &ov.table : NULL;
	plan.db_path = db.path;
	plan.v4 = &db.v4;
	plan.v6 = &db.v6;
	plan.db = &db.info;
	ret = juris_create(&plan, o->policy.pin_dir, &c->maps, err, sizeof(err));
	/* Only once attached: bad input gets one line, nothing else. */
	if (!ret)
		warn_packet_cover(o, c);
	if (ret)
		fprintf(stderr, "juris: %s\n", err);
	else
		fprintf(stderr,
			"juris: database %s: %llu IPv4 and %llu IPv6 prefixes "
			"compiled in %.2f s\n",
			db.path, (unsigned long long)db.v4.n, (unsigned long long)db.v6.n,
			db.stats.seconds);
	overlay_free(&ov);
	database_free(&db);
	return ret;
}

/* Which database the adopted state answers from, and how old it is. */
static void note_pinned_database(const struct juris_maps *m)
{
	struct juris_meta *meta = calloc(1, sizeof(*meta));
	struct geodb_info *info = calloc(1, sizeof(*info));

	if (meta && info && !juris_read_meta(m, meta)) {
		snprintf(info->path, sizeof(info->path), "%s", meta->db_path);
		snprintf(info->type, sizeof(info->type), "%s", meta->db_type);
		snprintf(info->vendor, sizeof(info->vendor), "%s", meta->db_vendor);
		info->build_epoch = meta->db_build_epoch;
		info->libloc = meta->db_libloc;
		info->sig = meta->db_sig;
		database_note(stderr, info);
	}
	free(meta);
	free(info);
}

/* The cgroups the pinned hooks are on, as recorded: a parent recreated
 * while no daemon ran differs from what the path names now, and the first
 * check of the event loop attaches to it. */
static void adopt_attach_points(struct run_ctx *c)
{
	struct juris_meta *meta = calloc(1, sizeof(*meta));

	if (!meta)
		return;
	if (!juris_read_meta(&c->maps, meta) && meta->n_attach == (__u32)c->n_attach)
		for (int i = 0; i < c->n_attach; i++)
			c->attached_id[i] = meta->attach_ids[i];
	free(meta);
}

/* Records where attach point i's hooks are now, for juris status and the
 * next daemon. */
static void record_attach(struct run_ctx *c, int i)
{
	struct juris_meta *meta = calloc(1, sizeof(*meta));

	if (!meta)
		return;
	if (!juris_read_meta(&c->maps, meta) && (__u32)i < meta->n_attach) {
		meta->attach_ids[i] = c->attached_id[i];
		meta->reattached++;
		juris_write_meta(&c->maps, meta);
	}
	free(meta);
}

/* Takes over the pinned state of a juris that is gone when it watches the
 * same cgroups and interfaces: counters and enforcement carry on. Under
 * another database or policy, the pins are switched to it atomically. */
static int adopt_state(const struct juris_opts *o, struct run_ctx *c, uint64_t hash,
		       uint64_t layout)
{
	struct juris_config cfg;
	char msg[1024];
	__u32 live;
	int ret = juris_read_config(&c->maps, &cfg);

	if (!ret)
		ret = slot_active(&c->maps, &live);
	if (ret) {
		fprintf(stderr, "juris: cannot read pinned policy in %s: %s\n", o->policy.pin_dir,
			strerror(-ret));
		return ret;
	}
	if (cfg.layout_hash != layout) {
		fprintf(stderr,
			"juris: the state pinned at %s watches other cgroups or "
			"interfaces, has another flow-table size, or was pinned by another "
			"version of juris; run juris stop --pin-dir %s first\n",
			o->policy.pin_dir, o->policy.pin_dir);
		return -EEXIST;
	}
	/* Tables a reload killed half-way left in the idle slot. */
	slot_clear(&c->maps, live ^ 1);
	if (cfg.policy_hash != hash) {
		ret = policy_switch(&c->maps, &o->policy, msg, sizeof(msg));
		fprintf(stderr, "juris: %s\n", msg);
		if (ret)
			return ret;
		c->adopt_switched = true;
	}
	adopt_attach_points(c);
	fprintf(stderr, "juris: adopting the state pinned at %s (counters kept)\n",
		o->policy.pin_dir);
	note_pinned_database(&c->maps);
	return 0;
}

/* Adopted pins keep their tc filters; an uplink that lost its filter, or
 * a new one, gets it now. */
static int repair_backstop(const struct juris_opts *o, struct run_ctx *c)
{
	char err[512];
	int added, ret = backstop_repair(o->policy.pin_dir, &c->maps, &c->backstop, &added, err,
					 sizeof(err));

	if (ret)
		fprintf(stderr, "juris: %s\n", err);
	else if (added < 0)
		fprintf(stderr,
			"juris: warning: the state pinned at %s has no packet-socket backstop "
			"(made by an older juris; juris status says what is covered): juris stop "
			"--pin-dir %s, then juris run, adds it\n",
			o->policy.pin_dir, o->policy.pin_dir);
	else if (added)
		fprintf(stderr, "juris: packet-socket backstop attached again on %d uplink%s\n",
			added, added > 1 ? "s" : "");
	return ret;
}

/* Adopted pins may predate the cgroups: a watched unit restarted while no
 * daemon ran has a new cgroup, with juris's programs if systemd attached
 * them (the drop-in), or none. Attach what is missing. */
static int repair_cgroups(const struct juris_opts *o, struct run_ctx *c)
{
	char err[512];

	for (int i = 0; i < c->n_cgroups; i++) {
		int n, ret = cgroup_hooks_repair(o->policy.pin_dir, &c->cgroups[i], &n, err,
						 sizeof(err));

		if (ret) {
			fprintf(stderr, "juris: %s\n", err);
			return ret;
		}
		if (n)
			fprintf(stderr,
				"juris: %s was not watched (a new cgroup since the pins "
				"were made): %d hook%s attached\n",
				c->cgroups[i].path, n, n > 1 ? "s" : "");
	}
	return 0;
}

/* For each --cgroup that names a service, a systemd drop-in: each start of
 * the service attaches the pinned programs to its new cgroup (juris
 * attach), so that a restart, daemon or not, stays watched. Not fatal: the
 * links of this start hold until the service restarts, and it is said. */
static void write_dropins(const struct juris_opts *o)
{
	char exe[4096], err[512];
	bool changed, any = false;
	ssize_t n;

	if (!o->policy.n_cgroups || !systemd_booted())
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return;
	exe[n] = 0;
	for (int i = 0; i < o->policy.n_cgroups; i++) {
		if (!dropin_is_service(o->policy.cgroups[i]))
			continue;
		if (dropin_write(SYSTEMD_RUN_DIR, o->policy.cgroups[i], o->policy.pin_dir, exe,
				 &changed, err, sizeof(err)))
			fprintf(stderr,
				"juris: warning: %s: a restart of %s will not be watched "
				"until juris run attaches again\n",
				err, o->policy.cgroups[i]);
		any |= changed;
	}
	/* Under the unit, systemd refuses the hardened daemon (no
	 * CAP_SYS_ADMIN): the unit's ExecStartPost=+ reloads once it is ready. */
	if (any && !systemd_notify_expected() && systemd_daemon_reload())
		fprintf(stderr,
			"juris: warning: systemctl daemon-reload failed: the drop-ins in "
			"%s apply from the next one\n",
			SYSTEMD_RUN_DIR);
}

static void answer_reload(struct run_ctx *c, int status, const char *msg)
{
	struct juris_meta *meta = calloc(1, sizeof(*meta));

	if (!meta)
		return;
	if (!juris_read_meta(&c->maps, meta)) {
		meta->reload_seq++;
		meta->reload_status = status;
		snprintf(meta->reload_msg, sizeof(meta->reload_msg), "%s", msg);
		juris_write_meta(&c->maps, meta);
	}
	free(meta);
}

static void set_operator_names(struct run_ctx *c, const struct juris_opts *o)
{
	struct operator_table ops = { 0 };
	char err[512];

	/* Already validated by the compile of the overlay. */
	if (overlay_operators(&o->policy, &ops, err, sizeof(err))) {
		operator_table_free(&ops);
		return;
	}
	operator_table_free(&c->ops);
	c->ops = ops;
	c->events.ops = &c->ops;
}

/* A reload in progress: it runs on a thread of its own (reading the file,
 * compiling the database, filling the idle slot take a second with the
 * full database), so that the event loop goes on draining the ring buffer
 * meanwhile and a flood of events during a reload loses none. */
struct reload_job {
	const struct juris_opts *live; /* read only while the job runs */
	const struct juris_maps *maps;
	struct juris_opts next;
	char msg[1024];
	int ret;
	int done; /* set by the thread, last (atomic) */
	bool running;
	struct beside thread;
};

/* SIGHUP or juris reload: the same file and flags as at start, read again
 * and switched to; the event loop applies the answer (reload_finish). */
static void *reload_work(void *arg)
{
	struct reload_job *j = arg;
	const char *fixed;

	j->ret = options_parse(j->live->argc, j->live->argv, &j->next);
	if (j->ret) {
		snprintf(j->msg, sizeof(j->msg), "reload refused, the live policy stays: %s",
			 options_last_error());
		goto out;
	}
	fixed = options_fixed_difference(j->live, &j->next);
	if (fixed) {
		j->ret = -EINVAL;
		snprintf(j->msg, sizeof(j->msg),
			 "reload refused, the live policy stays: %s "
			 "cannot change on reload (restart juris run for that)",
			 fixed);
		goto out;
	}
	j->ret = policy_switch(j->maps, &j->next.policy, j->msg, sizeof(j->msg));
out:
	__atomic_store_n(&j->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void reload_start(struct run_ctx *c, struct reload_job *j)
{
	memset(j, 0, sizeof(*j));
	j->live = c->o;
	j->maps = &c->maps;
	j->running = true;
	beside_start(&j->thread, reload_work, j);
}

/* In the event loop's thread: once the job is done, the new policy names
 * the events and the answer goes to juris reload. */
static void reload_finish(struct run_ctx *c, struct reload_job *j)
{
	beside_join(&j->thread);
	j->running = false;
	if (j->ret) {
		fprintf(stderr, "juris: %s\n", j->msg);
		options_free(&j->next);
		answer_reload(c, j->ret, j->msg);
		return;
	}
	close_blocked(c, j->msg, sizeof(j->msg));
	fprintf(stderr, "juris: %s\n", j->msg);
	c->events.mode = mode_name(j->next.policy.mode);
	c->events.policy = zone_name(j->next.policy.allow_zone);
	set_operator_names(c, &j->next);
	if (c->has_reloaded)
		options_free(&c->reloaded);
	c->reloaded = j->next;
	c->has_reloaded = true;
	c->o = &c->reloaded;
	c->events.nat64 = &c->reloaded.policy.nat64;
	answer_reload(c, 0, j->msg);
}

/* A full disk must not turn into a line per event on stderr (which may
 * be the same disk, through the journal): say it once, count what is lost,
 * and say so again when writing works again. Enforcement never depends on
 * this: the kernel has already decided. */
static int handle_event(void *ctx, void *data, size_t len)
{
	struct run_ctx *c = ctx;
	int ret;

	if (len < sizeof(struct juris_event))
		return 0;
	/* The answer that named this destination came before the event. */
	dns_watch_consume(&c->dns);
	if (c->alerts.slots)
		alerter_event(&c->alerts, data);
	ret = event_write(&c->events, data);
	if (ret) {
		if (!c->write_failing)
			fprintf(stderr,
				"juris: cannot write event: %s (further errors are "
				"counted, not shown)\n",
				strerror(-ret));
		c->write_failing = true;
		c->events_lost++;
		/* Lets the next event try again from a clean stream (the
		 * rotating file does so itself: its stream changes). */
		if (!c->events.rot)
			clearerr(c->events.out);
		return 0;
	}
	if (c->write_failing) {
		fprintf(stderr, "juris: writing events again; %llu lost while writes failed\n",
			(unsigned long long)c->events_lost);
		c->write_failing = false;
		c->events_lost = 0;
	}
	return 0;
}

static void on_closed(void *arg, const struct juris_event *e)
{
	handle_event(arg, (void *)e, sizeof(*e));
}

/* After a switch: closes the open connections of the watched processes
 * that the new policy blocks, so that applications fail at once, as they
 * do at connect, instead of waiting out their timeouts on dropped
 * packets. One event per closed connection; the count goes after msg. */
static void close_blocked(struct run_ctx *c, char *msg, size_t len)
{
	struct sock_closer_result r;
	size_t used = msg ? strlen(msg) : 0;
	int ret;

	if (!c->closer.skel)
		return;
	ret = sock_closer_run(&c->closer, on_closed, c, &r);
	if (ret)
		fprintf(stderr,
			"juris: cannot close the open connections the new policy blocks: "
			"%s\n",
			strerror(-ret));
	if (msg && used < len)
		snprintf(msg + used, len - used, "; %llu open connection%s closed%s",
			 (unsigned long long)r.closed, r.closed == 1 ? "" : "s",
			 r.failed ? " (some could not be)" : "");
	if (r.failed)
		fprintf(stderr,
			"juris: %llu open connection%s the new policy blocks could not be "
			"closed\n",
			(unsigned long long)r.failed, r.failed == 1 ? "" : "s");
}

/* The socket iterators, loaded while juris run still has the privileges
 * for it; without them (a kernel before 6.5) a switch only stops the
 * packets of open connections, as before. */
static void open_closer(struct run_ctx *c)
{
	uint64_t ids[MAX_CGROUPS];
	char err[512];

	if (!c->n_cgroups)
		return;
	for (int i = 0; i < c->n_cgroups; i++)
		ids[i] = c->cgroups[i].id;
	if (sock_closer_open(&c->closer, &c->maps, ids, c->n_cgroups, err, sizeof(err)))
		fprintf(stderr,
			"juris: warning: open connections will not be closed when a "
			"switch blocks them: %s\n",
			err);
	else if (c->adopt_switched)
		close_blocked(c, NULL, 0);
}

/* The hooks sit on the parents of the watched cgroups, and a link dies
 * with its cgroup: when a parent (a slice) is removed and comes back, put
 * the hooks on the new one. Until then the cgroups below it are not
 * covered, and juris status says so. A watched cgroup recreated under a
 * live parent needs nothing: the kernel watched it as it was made. */
static void check_attach_points(struct run_ctx *c)
{
	for (int i = 0; i < c->n_attach; i++) {
		struct cgroup_target *a = &c->attach[i], now = { .fd = -1 };
		char err[512];
		struct stat st;
		int ret;

		if (stat(a->path, &st)) {
			if (!c->cgroup_gone[i])
				fprintf(stderr,
					"juris: cgroup %s is gone, and the hooks on it: the "
					"watched cgroups below it are covered again when it comes "
					"back\n",
					a->path);
			c->cgroup_gone[i] = true;
			continue;
		}
		if (st.st_ino == c->attached_id[i])
			continue;
		snprintf(now.path, sizeof(now.path), "%s", a->path);
		now.fd = open(now.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (now.fd < 0 || fstat(now.fd, &st)) {
			if (now.fd >= 0)
				close(now.fd);
			continue;
		}
		now.id = st.st_ino;
		ret = watch_attach_pinned(c->o->policy.pin_dir, &now, c->attached_id[i], err,
					  sizeof(err));
		if (!ret && c->membership) {
			ret = watch_fill(c->maps.fd[MAP_WATCHED_CG], c->maps.fd[MAP_WATCHED_PATHS],
					 c->cgroups, c->n_cgroups);
			if (ret)
				snprintf(err, sizeof(err), "cannot fill the watched map: %s",
					 strerror(-ret));
		}
		if (ret) {
			close(now.fd);
			if (!c->attach_failing[i])
				fprintf(stderr,
					"juris: cgroup %s came back, but its hooks cannot be "
					"attached again: %s\n",
					a->path, err);
			c->attach_failing[i] = true;
			continue;
		}
		if (a->fd >= 0)
			close(a->fd);
		*a = now;
		c->attached_id[i] = now.id;
		c->cgroup_gone[i] = false;
		c->attach_failing[i] = false;
		record_attach(c, i);
		fprintf(stderr, "juris: cgroup %s (id %llu) was recreated: hooks attached again\n",
			a->path, (unsigned long long)now.id);
	}
}

static const char *event_domain(void *ctx, const struct juris_event *e)
{
	return dns_watch_name(ctx, e->family, e->daddr, e->ts_ns);
}

static int open_events(const struct juris_opts *o, struct run_ctx *c)
{
	int ret;

	if (!o->events || !strcmp(o->events, "-")) {
		event_writer_init(&c->events, o->events ? stdout : stderr,
				  mode_name(o->policy.mode), zone_name(o->policy.allow_zone));
		c->events.nat64 = &o->policy.nat64;
		/* Without --events, in the foreground on a terminal: a line a
		 * person reads; NDJSON stays for --events and pipes. */
		c->events.human = !o->events && isatty(STDERR_FILENO);
		return 0;
	}
	ret = rotfile_open(&c->events_file, o->events, o->events_max_size, o->events_keep);
	if (ret) {
		fprintf(stderr, "juris: cannot open event file %s: %s\n", o->events,
			ret == -ELOOP ? "it is a symbolic link (refused: give the real path)"
				      : strerror(-ret));
		return ret;
	}
	event_writer_init(&c->events, c->events_file.f, mode_name(o->policy.mode),
			  zone_name(o->policy.allow_zone));
	c->events.rot = &c->events_file;
	c->events.nat64 = &o->policy.nat64;
	return 0;
}

/* Gateway mode: inside interfaces come and go (kernel/gw_follow.h); an
 * uplink that disappears is said once. */
static void follow_ifaces(struct run_ctx *c)
{
	struct juris_meta *meta;
	int ret = gw_follow(&c->o->policy, c->o->policy.pin_dir, &c->maps, stderr);

	if (ret)
		fprintf(stderr, "juris: following the inside interfaces: %s\n", strerror(-ret));
	meta = calloc(1, sizeof(*meta));
	if (!meta)
		return;
	if (!juris_read_meta(&c->maps, meta))
		for (__u32 i = 0; i < meta->n_uplinks && i < MAX_IFACES; i++) {
			bool gone = !if_nametoindex(meta->uplinks[i]);

			if (gone && !c->iface_gone[i])
				fprintf(stderr, "juris: uplink %s is gone\n", meta->uplinks[i]);
			c->iface_gone[i] = gone;
		}
	free(meta);
}

static volatile sig_atomic_t reload_requested;

static void on_sighup(int sig)
{
	(void)sig;
	reload_requested = 1;
}

/* The clock of the events' timestamps (bpf_ktime_get_boot_ns). */
static uint64_t boottime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int event_loop(struct run_ctx *c, volatile sig_atomic_t *exiting)
{
	struct ring_buffer *rb = ring_buffer__new(c->maps.fd[MAP_EVENTS], handle_event, c, NULL);
	struct reload_job job = { 0 };
	int ret = 0;

	if (!rb) {
		ret = -errno;
		fprintf(stderr, "juris: cannot read the event ring buffer: %s\n", strerror(errno));
		return ret;
	}
	for (unsigned polls = 0; !*exiting; polls++) {
		/* On each change the kernel tells of; once in a while too, for
		 * what would have been lost. */
		if (c->gateway &&
		    ((c->nl_fd >= 0 && nl_drain(c->nl_fd)) || polls % IFACE_CHECK_POLLS == 0))
			follow_ifaces(c);
		if (polls % CGROUP_CHECK_POLLS == 0)
			check_attach_points(c);
		if (job.running && __atomic_load_n(&job.done, __ATOMIC_ACQUIRE))
			reload_finish(c, &job);
		/* A request during a reload or a database switch waits for it,
		 * then reads again; the two never change the slots at once. */
		if (!job.running && !db_follow_tick(&c->follow, &c->maps, &c->o->policy) &&
		    reload_requested) {
			reload_requested = 0;
			reload_start(c, &job);
		}
		ret = dns_watch_poll(&c->dns, rb, POLL_MS);
		if (c->alerts.slots)
			alerter_tick(&c->alerts, boottime_ns());
		if (ret == -EINTR) {
			ret = 0;
			continue;
		}
		if (ret < 0) {
			fprintf(stderr, "juris: reading events: %s\n", strerror(-ret));
			break;
		}
		ret = 0;
	}
	if (job.running)
		reload_finish(c, &job);
	ring_buffer__free(rb);
	return ret;
}

static void print_gateway(const struct juris_opts *o, const struct run_ctx *c)
{
	fprintf(stderr, "juris: gateway: %s %d source range%s forwarded to",
		o->policy.mode == MODE_ENFORCE ? "enforcing" : "auditing", o->policy.n_sources,
		o->policy.n_sources > 1 ? "s" : "");
	for (int i = 0; i < c->gw.n_uplinks; i++)
		fprintf(stderr, " %s", c->gw.uplinks[i].name);
	fprintf(stderr, "; tc ingress hooks on");
	for (int i = 0; i < c->gw.n_inside; i++)
		fprintf(stderr, " %s", c->gw.inside[i].name);
	fprintf(stderr, " (allow %s); pins at %s\n", zone_name(o->policy.allow_zone),
		o->policy.pin_dir);
}

int cmd_run(const struct juris_opts *o, volatile sig_atomic_t *exiting)
{
	struct run_ctx c = { .lock_fd = -1,
			     .o = o,
			     .dns = { .epoll_fd = -1 },
			     .nl_fd = -1,
			     .follow = { .ifd = -1 },
			     .metrics = { .fd = -1 } };
	struct sigaction hup = { .sa_handler = on_sighup };
	char err[512];
	uint64_t hash, layout;
	uid_t uid = 0;
	gid_t gid = 0;
	int ret;

	for (int i = 0; i < MAP_COUNT; i++)
		c.maps.fd[i] = -1;
	ret = juris_check_privilege(err, sizeof(err));
	if (ret) {
		fprintf(stderr, "juris: %s\n", err);
		return ret;
	}
	/* A bad --user is refused before anything is touched. */
	if (o->user) {
		ret = privilege_user(o->user, &uid, &gid, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "juris: %s\n", err);
			goto out;
		}
	}
	ret = resolve_cgroups(o, &c);
	if (ret)
		goto out;
	/* Before the pin directory is locked: a bad --iface must leave a
	 * running juris untouched. */
	if (o->policy.n_ifaces) {
		ret = gw_resolve(&o->policy, &c.gw, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "juris: %s\n", err);
			goto out;
		}
		c.gateway = true;
	}
	c.cover = packet_cover(&c);
	/* The same for --uplink. Gateway mode has no backstop: its program
	 * judges forwarded packets, and this host's sockets are not watched. */
	if (!c.gateway && c.n_cgroups && c.cover != PACKET_LSM) {
		ret = uplinks_resolve(&o->policy, &c.backstop, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "juris: %s\n", err);
			goto out;
		}
		c.has_backstop = c.backstop.n_links > 0;
	}
	if (database_path(&o->policy, c.db_path, sizeof(c.db_path))) {
		fprintf(stderr,
			"juris: no database: neither %s nor %s nor %s (install "
			"libloc-database, or give --db FILE)\n",
			LOCDB_UPDATED, LOCDB_PACKAGED, c.db_path);
		ret = -ENOENT;
		goto out;
	}
	ret = open_events(o, &c);
	if (ret)
		goto out;
	ret = lock_pin_dir(o->policy.pin_dir, &c);
	if (ret)
		goto out;
	/* Before anything is attached: a busy port must leave no trace. The
	 * server's thread starts after the capability drop, below. */
	if (o->metrics) {
		ret = metrics_start(&c.metrics, o->metrics, o->policy.pin_dir, JURIS_VERSION, err,
				    sizeof(err));
		if (ret) {
			fprintf(stderr, "juris: %s\n", err);
			rmdir(o->policy.pin_dir); /* only if we left it empty */
			goto out;
		}
	}
	hash = juris_policy_hash(&o->policy, c.db_path);
	layout = juris_layout_hash(&o->policy, c.cgroups, c.n_cgroups, c.gateway ? &c.gw : NULL);
	ret = juris_open_pinned(o->policy.pin_dir, &c.maps);
	if (ret == 0) {
		ret = adopt_state(o, &c, hash, layout);
		if (!ret)
			ret = repair_cgroups(o, &c);
		if (!ret && c.has_backstop)
			ret = repair_backstop(o, &c);
	} else if (ret == -ENOENT) {
		ret = create_state(o, &c, hash, layout);
		if (ret)
			rmdir(o->policy.pin_dir); /* only if we left it empty */
	} else {
		fprintf(stderr,
			"juris: the pins at %s are incomplete (%s); run juris stop "
			"--pin-dir %s\n",
			o->policy.pin_dir, strerror(-ret), o->policy.pin_dir);
	}
	if (ret)
		goto out;
	write_dropins(o);
	if (o->syslog) {
		ret = alerter_init(&c.alerts, ALERT_SLOTS, ALERT_INTERVAL_NS, alert_emit_syslog,
				   NULL);
		if (ret) {
			fprintf(stderr, "juris: cannot set up alerts: %s\n", strerror(-ret));
			goto out;
		}
		openlog("juris", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	}
	ret = dns_watch_init(&c.dns, &c.maps);
	if (ret) {
		fprintf(stderr, "juris: cannot read the DNS answers: %s\n", strerror(-ret));
		goto out;
	}
	if (o->follow_db) {
		ret = db_follow_start(&c.follow, c.db_path);
		if (ret)
			fprintf(stderr,
				"juris: warning: cannot watch %s for updates (%s): a new "
				"database takes juris reload\n",
				c.db_path, strerror(-ret));
		else
			fprintf(stderr,
				"juris: following %s: a verified newer database renamed "
				"over it takes effect by itself (follow-db = no turns this off)\n",
				c.db_path);
		ret = 0;
	}
	c.events.domain = event_domain;
	c.events.domain_ctx = &c.dns;
	set_operator_names(&c, o);
	/* Adopted pins whose parent cgroup was recreated meanwhile, inside
	 * interfaces that appeared: attach before saying we are up. */
	check_attach_points(&c);
	if (c.gateway) {
		c.nl_fd = nl_subscribe(RTMGRP_LINK | RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE);
		if (c.nl_fd < 0)
			fprintf(stderr,
				"juris: warning: no netlink notifications (%s): new inside "
				"interfaces are found every %d s\n",
				strerror(-c.nl_fd), IFACE_CHECK_POLLS * POLL_MS / 1000);
		follow_ifaces(&c);
	}
	/* Before the daemon counts as started: loading the iterators takes
	 * a while (the kernel's BTF), and a stop must not wait for it. */
	open_closer(&c);
	juris_set_daemon_pid(&c.maps, (uint32_t)getpid());
	sigaction(SIGHUP, &hup, NULL);
	/* Attached, pinned, drop-ins written: the unit may go on. */
	systemd_notify_ready();
	/* Attached and pinned: the rest only reads maps and the ring buffer.
	 * A failure here is worth a warning, not an outage. */
	err[0] = 0;
	if (o->user) {
		/* The pins, so that the metrics server can open them; the
		 * event file, so that rotation can recreate it (its directory
		 * must be the user's too: LogsDirectory= under systemd). */
		ret = privilege_chown_tree(o->policy.pin_dir, uid, gid);
		if (!ret && c.events_file.f && c.events_file.regular &&
		    fchown(fileno(c.events_file.f), uid, gid))
			ret = -errno;
		if (!ret)
			ret = privilege_drop(c.membership || c.gateway, uid, gid, err, sizeof(err));
		else
			snprintf(err, sizeof(err), "cannot give the pins and event file to %s: %s",
				 o->user, strerror(-ret));
		if (ret) {
			/* Asked for, so not a warning: stop rather than run as root. */
			fprintf(stderr, "juris: %s\n", err);
			juris_set_daemon_pid(&c.maps, 0);
			goto out;
		}
	} else if (privilege_drop(c.membership || c.gateway, 0, 0, err, sizeof(err))) {
		fprintf(stderr, "juris: warning: cannot drop capabilities: %s\n", err);
	}
	/* No thread before this point: capsets, the bounding set and
	 * no_new_privs are per thread, and a thread keeps what it had when
	 * it started. */
	if (o->metrics) {
		ret = metrics_serve(&c.metrics, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "juris: %s\n", err);
			juris_set_daemon_pid(&c.maps, 0);
			goto out;
		}
		fprintf(stderr, "juris: serving Prometheus metrics on %s, path /metrics\n",
			o->metrics);
	}
	if (c.n_cgroups)
		fprintf(stderr,
			"juris: %s egress of %d cgroup%s (%s%s, allow %s, unknown %s); "
			"pins at %s\n",
			o->policy.mode == MODE_ENFORCE ? "enforcing" : "auditing", c.n_cgroups,
			c.n_cgroups > 1 ? "s" : "",
			o->policy.n_cgroups ? "" : "whole host: ", c.cgroups[0].path,
			zone_name(o->policy.allow_zone), o->policy.unknown_deny ? "deny" : "allow",
			o->policy.pin_dir);
	if (c.gateway)
		print_gateway(o, &c);
	ret = event_loop(&c, exiting);
	juris_set_daemon_pid(&c.maps, 0);
	fprintf(stderr,
		"juris: exiting; enforcement and counters stay pinned at %s "
		"(juris stop lifts them)\n",
		o->policy.pin_dir);
out:
	db_follow_stop(&c.follow);
	sock_closer_close(&c.closer);
	dns_watch_free(&c.dns);
	metrics_stop(&c.metrics);
	if (c.alerts.slots) {
		alerter_tick(&c.alerts, UINT64_MAX); /* what the last period held back */
		closelog();
		alerter_free(&c.alerts);
	}
	juris_maps_close(&c.maps);
	for (int i = 0; i < c.n_cgroups; i++)
		if (c.cgroups[i].fd >= 0)
			close(c.cgroups[i].fd);
	for (int i = 0; i < c.n_attach; i++)
		if (c.attach[i].fd >= 0)
			close(c.attach[i].fd);
	rotfile_close(&c.events_file);
	if (c.nl_fd >= 0)
		close(c.nl_fd);
	if (c.lock_fd >= 0)
		close(c.lock_fd);
	if (c.has_reloaded)
		options_free(&c.reloaded);
	operator_table_free(&c.ops);
	return ret;
}
