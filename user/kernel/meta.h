/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The userspace-only map "meta", pinned beside the programs' maps: what
 * status needs to describe the state without the daemon. */
#ifndef JURIS_META_H
#define JURIS_META_H

#include <stddef.h>
#include "juris.h"
#include "kernel/maps.h"
#include "kernel/tc.h"
#include "policy/compile.h"
#include "policy/policy.h"

struct juris_meta {
	char db_path[512];
	char db_type[128];
	__u64 db_build_epoch;
	__u64 db_file_size;
	__u64 prefixes_v4;
	__u64 prefixes_v6;
	__u64 started_realtime; /* seconds since the epoch */
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
	__u32 reload_seq;     /* bumped when a reload ends */
	__s32 reload_status;  /* 0 or a negative errno */
	char reload_msg[512]; /* one line: what changed, or why not */
	/* Where the answers come from (see policy/locdb.h). */
	char db_vendor[64]; /* libloc: "IPFire Project"; "" for a .mmdb */
	char db_license[64];
	__u64 db_networks; /* networks read (the follow's 60 % rule) */
	__u8 db_libloc;
	__u8 db_sig; /* enum locdb_sig */
	__u8 pad2[2];
	/* The daemon following its database file (follow-db). */
	__u32 follow_switches; /* newer databases switched to by itself */
	__u32 follow_refusals; /* replacements refused, the old one kept */
	__u32 pad3;
	__u64 follow_last;    /* when the last switch or refusal happened */
	char follow_msg[512]; /* the last refusal or switch, one line */
	/* The watched cgroups and where their hooks are (kernel/watch.h), as
	 * paths relative to the cgroup2 mount ("/" for the root). */
	__u8 membership; /* 1: hooks on parents, membership by watched_cg */
	__u8 lsm;	 /* enum packet_cover (kernel/lsm.h) */
	__u8 pad4[2];
	__u32 n_attach;
	__u64 reattached;	       /* hooks attached again on a recreated cgroup */
	__u64 gw_attaches;	       /* inside interfaces attached after start */
	__u64 gw_detaches;	       /* inside interfaces gone, their records dropped */
	__u64 attach_ids[MAX_CGROUPS]; /* the cgroup each attach point's hooks are on */
	char cgroup_paths[MAX_CGROUPS][CG_PATH_MAX];
	char attach_paths[MAX_CGROUPS][CG_PATH_MAX];
};

/* The database and policy part of meta. */
void juris_meta_policy(struct juris_meta *meta, const struct juris_policy *pol, const char *db_path,
		       const struct geodb_info *db, size_t n4, size_t n6);
int juris_write_meta(const struct juris_maps *m, const struct juris_meta *meta);
int juris_read_meta(const struct juris_maps *m, struct juris_meta *meta);

#endif
