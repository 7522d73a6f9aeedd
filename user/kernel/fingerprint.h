/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Fingerprints of the inputs of pinned state, to tell whether pins were
 * made with the same database, policy and layout. */
#ifndef JURIS_FINGERPRINT_H
#define JURIS_FINGERPRINT_H

#include <stdint.h>
#include "kernel/cgroup.h"
#include "kernel/gateway.h"
#include "policy/policy.h"

/* The database file (name, size, mtime) and the policy. */
uint64_t juris_policy_hash(const struct juris_policy *pol, const char *db_path);
/* What only a restart changes: cgroups, gateway, flow table, pin format. */
uint64_t juris_layout_hash(const struct juris_policy *pol, const struct cgroup_target *cg, int n_cg,
			   const struct gw_plan *gw);

#endif
