/* Life cycle of juris's kernel state: load, fill, attach, pin, adopt, detach. */
#ifndef JURIS_LOADER_H
#define JURIS_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "juris.h"
#include "policy/compile.h"
#include "kernel/gateway.h"
#include "cli/options.h"
#include "kernel/slots.h"
#include "kernel/tc.h"

/* Userspace-only map "meta", pinned beside the programs' maps: what status
 * needs to describe the state without the daemon. */
struct juris_meta {
	char db_path[512];
	char db_type[128];
	__u64 db_build_epoch;
	__u64 db_file_size;
	__u64 prefixes_v4;
	__u64 prefixes_v6;
	__u64 started_realtime;		/* seconds since the epoch */
	__u32 n_cgroups;
	__u32 n_excepts;
	__u8 us_adequate;
	__u8 pad0[7];
	__u64 cgroup_ids[MAX_CGROUPS];
	/* Gateway mode. */
	__u32 n_uplinks;
	__u32 n_sources;
	__u32 n_tc_hooks;
	__u32 pad1;
	char uplinks[MAX_IFACES][16];
	struct tc_hook_rec tc_hooks[MAX_GW_IFACES];
	/* The last juris reload, answered by the daemon to the command. */
	__u32 reload_seq;		/* bumped when a reload ends */
	__s32 reload_status;		/* 0 or a negative errno */
	char reload_msg[512];		/* one line: what changed, or why not */
};

enum juris_map {
	MAP_GEO4_TBL24, MAP_GEO4_TBL8, MAP_GEO4_CLASS, MAP_GEO_V6, MAP_EXCEPT_V4, MAP_EXCEPT_V6,
	MAP_OPER_V4, MAP_OPER_V6,
	MAP_CONFIG, MAP_FLOWS,
	MAP_TOTALS, MAP_COUNTERS, MAP_EVENTS, MAP_SOCK_OWNERS, MAP_SOURCES_V4, MAP_SOURCES_V6,
	MAP_UPLINKS, MAP_INSIDE, MAP_ACTIVE, MAP_DNS_ANSWERS, MAP_EXCEPT_DYN, MAP_DNS_PATTERNS,
	MAP_DNS_NAMES, MAP_EXACT, MAP_EXACT_NESTED, MAP_OPER_IDS, MAP_META, MAP_COUNT,
};

extern const char *const juris_map_names[MAP_COUNT];

/* File descriptors of one instance's maps, either freshly created or
 * opened from the pins. */
struct juris_maps {
	int fd[MAP_COUNT];
};

struct cgroup_target {
	char path[4096];
	uint64_t id;
	int fd;
};

/* What juris run asks of the kernel. */
struct juris_plan {
	const struct juris_opts *opts;
	const char *db_path;
	const struct prefix_list *v4, *v6;
	const struct geodb_info *db;
	struct cgroup_target *cgroups;
	int n_cgroups;
	const struct gw_plan *gw;	/* NULL: no gateway mode */
	const struct oper_table *oper;	/* NULL: no operator overlay */
	uint64_t policy_hash;
	uint64_t layout_hash;
};

/* Creates the programs and maps, fills them, attaches to every cgroup and
 * pins everything under dir. All or nothing: on error nothing stays
 * attached or pinned, and err holds a one-line reason. */
int juris_create(const struct juris_plan *p, const char *dir, struct juris_maps *m,
		 char *err, size_t errlen);

/* Fails early, with a clear reason, when this process may not use BPF. */
int juris_check_privilege(char *err, size_t errlen);

/* Opens the maps pinned under dir. -ENOENT when nothing is pinned there. */
int juris_open_pinned(const char *dir, struct juris_maps *m);
/* Opens the config map alone: enough to find the daemon of pins that are
 * incomplete (another map removed by hand). -ENOENT when it is gone too. */
int juris_open_config(const char *dir, struct juris_maps *m);
void juris_maps_close(struct juris_maps *m);

/* Detaches every pinned link and removes the pins and dir. */
int juris_remove_pins(const char *dir, char *err, size_t errlen);

/* Loads a private copy of the programs (nothing attached or pinned) with
 * the given geo and exception maps, for BPF_PROG_TEST_RUN. When reuse is not
 * NULL its geo/exception maps are shared instead of filled. */
struct juris_bpf;
int juris_load_private(const struct juris_opts *o, const struct prefix_list *v4,
		       const struct prefix_list *v6, const struct oper_table *oper,
		       const struct juris_maps *reuse, struct juris_bpf **out, char *err,
		       size_t errlen);

/* The config of the live slot. */
int juris_read_config(const struct juris_maps *m, struct juris_config *c);
/* The database and policy part of meta. */
void juris_meta_policy(struct juris_meta *meta, const struct juris_opts *o, const char *db_path,
		       const struct geodb_info *db, size_t n4, size_t n6);
int juris_write_meta(const struct juris_maps *m, const struct juris_meta *meta);
int juris_set_daemon_pid(const struct juris_maps *m, __u32 pid);
int juris_read_meta(const struct juris_maps *m, struct juris_meta *meta);

/* Puts each prefix of v (the --except or --source list) in the IPv4 or
 * IPv6 LPM trie, with the value 1. */
int juris_fill_cidrs(int fd4, int fd6, const struct except_cidr *v, int n);

/* True while a juris run daemon owns the pin directory. */
bool juris_daemon_alive(const char *dir);

/* Fingerprint of the database file and the policy, to tell whether pinned
 * state was made with the same inputs. */
uint64_t juris_policy_hash(const struct juris_opts *o, const char *db_path);
/* Fingerprint of what only a restart changes: cgroups, gateway, flow table. */
uint64_t juris_layout_hash(const struct juris_opts *o, const struct cgroup_target *cg, int n_cg,
			   const struct gw_plan *gw);

#endif
