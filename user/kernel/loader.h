/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Loads juris's programs, fills their maps, attaches them and pins the lot
 * so that enforcement and counters outlive the daemon. */
#ifndef JURIS_LOADER_H
#define JURIS_LOADER_H

#include <stddef.h>
#include <stdint.h>
#include "juris.h"
#include "kernel/cgroup.h"
#include "kernel/gateway.h"
#include "kernel/maps.h"
#include "kernel/slots.h"
#include "kernel/uplinks.h"
#include "policy/compile.h"
#include "policy/policy.h"

/* What juris run asks of the kernel. */
struct juris_plan {
	const struct juris_policy *pol;
	const char *db_path;
	const struct prefix_list *v4, *v6;
	const struct geodb_info *db;
	struct cgroup_target *cgroups;
	int n_cgroups;
	struct cgroup_target *attach; /* where the hooks go (kernel/watch.h) */
	int n_attach;
	int membership;			    /* 1: service mode, hooks on the parents */
	int lsm;			    /* enum packet_cover: how packet sockets are watched */
	const struct gw_plan *gw;	    /* NULL: no gateway mode */
	const struct uplink_plan *backstop; /* NULL: no packet-socket backstop */
	const struct oper_table *oper;	    /* NULL: no operator overlay */
	uint64_t policy_hash;
	uint64_t layout_hash;
};

/* Creates the programs and maps, fills them, attaches to every cgroup and
 * pins everything under dir. All or nothing: on error nothing stays
 * attached or pinned, and err holds a one-line reason. */
int juris_create(const struct juris_plan *p, const char *dir, struct juris_maps *m, char *err,
		 size_t errlen);

/* Loads a private copy of the programs (nothing attached or pinned) with
 * the given geo and exception maps, for BPF_PROG_TEST_RUN. When reuse is not
 * NULL its geo/exception maps are shared instead of filled. */
struct juris_bpf;
int juris_load_private(const struct juris_policy *pol, const struct prefix_list *v4,
		       const struct prefix_list *v6, const struct oper_table *oper,
		       const struct juris_maps *reuse, struct juris_bpf **out, char *err,
		       size_t errlen);

#endif
