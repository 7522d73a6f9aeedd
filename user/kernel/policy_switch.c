/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris reload (and adoption under a new policy): see policy_switch.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "policy/names.h"
#include "kernel/fingerprint.h"
#include "kernel/config.h"
#include "kernel/meta.h"
#include "policy/database.h"
#include "kernel/dns_patterns.h"
#include "base/errmsg.h"
#include "kernel/loader.h"
#include "policy/overlay.h"
#include "policy/policy_data.h"
#include "kernel/policy_switch.h"
#include "kernel/slots.h"

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* The checks a followed file passes before it replaces the one in force. */
static int follow_gate(const struct juris_meta *in_force, const struct geodb_info *info, char *err,
		       size_t len)
{
	uint64_t n = info->networks_v4 + info->networks_v6;

	if (info->build_epoch < in_force->db_build_epoch)
		return errorf(err, len, -ESTALE,
			      "built %llu, older than the database in force "
			      "(built %llu)",
			      (unsigned long long)info->build_epoch,
			      (unsigned long long)in_force->db_build_epoch);
	if (n * 100 < in_force->db_networks * FOLLOW_MIN_NETWORKS_PCT)
		return errorf(err, len, -EMSGSIZE,
			      "%llu networks, under %d %% of the %llu of "
			      "the database in force",
			      (unsigned long long)n, FOLLOW_MIN_NETWORKS_PCT,
			      (unsigned long long)in_force->db_networks);
	return 0;
}

static int do_switch(const struct juris_maps *m, const struct juris_policy *next, bool follow,
		     char *msg, size_t len)
{
	struct juris_meta *meta = calloc(1, sizeof(*meta));
	struct juris_config cfg;
	struct loaded_db db;
	struct overlay ov = { 0 };
	struct slot_tables t;
	struct timespec t0;
	char err[512];
	__u32 live, idle;
	int ret, revoked = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!meta)
		return errorf(msg, len, -ENOMEM, "reload: out of memory");
	ret = policy_data_load(next, true, &db, &ov, err, sizeof(err));
	if (ret) {
		free(meta);
		return errorf(msg, len, ret, "%s refused, the live policy stays: %s",
			      follow ? "database" : "reload", err);
	}
	ret = slot_active(m, &live);
	if (!ret)
		ret = juris_read_config(m, &cfg);
	if (!ret)
		ret = juris_read_meta(m, meta);
	if (ret) {
		errorf(msg, len, ret, "reload: cannot read the pinned state: %s", strerror(-ret));
		goto out;
	}
	if (follow) {
		ret = follow_gate(meta, &db.info, err, sizeof(err));
		if (ret) {
			errorf(msg, len, ret, "database %s refused, the one in force stays: %s",
			       db.path, err);
			goto out;
		}
	}
	idle = live ^ 1;
	/* A reload killed half-way may have left tables in the idle slot. */
	slot_clear(m, idle);
	t = (struct slot_tables){ .v4 = &db.v4,
				  .v6 = &db.v6,
				  .excepts = next->excepts,
				  .n_excepts = next->n_excepts,
				  .oper = ov.loaded ? &ov.table : NULL };
	ret = slot_install(m, idle, &t, err, sizeof(err));
	if (ret) {
		errorf(msg, len, ret, "reload refused, the live policy stays: %s", err);
		goto out;
	}
	cfg.mode = (__u8)next->mode;
	cfg.allow_zone = (__u8)next->allow_zone;
	cfg.unknown_deny = next->unknown_deny;
	cfg.foreign_op = (__u8)next->foreign_op;
	cfg.overlay = t.oper != NULL;
	config_set_nat64(&cfg, &next->nat64);
	config_set_resolvers(&cfg, &next->resolvers);
	cfg.policy_hash = juris_policy_hash(next, db.path);
	cfg.db_build_epoch = db.info.build_epoch;
	cfg.generation++;
	/* --except-domain patterns the new policy drops stop matching, and
	 * what they allowed is revoked, before the switch: the switch makes
	 * every flow look again, and none must find those addresses. A
	 * failure here leaves fewer addresses allowed, never more. */
	ret = dns_narrow_patterns(m->fd[MAP_DNS_PATTERNS], next->except_domains,
				  next->n_except_domains);
	if (!ret) {
		slot_wait_readers(); /* no answer is half-way through the old patterns */
		revoked = dns_revoke_excepts(m->fd[MAP_DNS_PATTERNS], m->fd[MAP_EXCEPT_DYN]);
		ret = revoked < 0 ? revoked : 0;
	}
	if (ret) {
		slot_clear(m, idle);
		errorf(msg, len, ret,
		       "reload refused, the live policy stays (with fewer "
		       "--except-domain patterns): %s",
		       strerror(-ret));
		goto out;
	}
	/* Meta first: a crash between the two leaves meta describing the
	 * policy being switched to, and the next start switches again. */
	juris_meta_policy(meta, next, db.path, &db.info, db.v4.n, db.v6.n);
	if (follow) {
		meta->follow_switches++;
		meta->follow_last = (__u64)time(NULL);
		snprintf(meta->follow_msg, sizeof(meta->follow_msg),
			 "switched to %.400s (built %llu)", db.path,
			 (unsigned long long)db.info.build_epoch);
	}
	ret = juris_write_meta(m, meta);
	if (!ret)
		ret = slot_switch(m, idle, &cfg);
	if (ret) {
		slot_clear(m, idle);
		errorf(msg, len, ret, "reload: cannot switch the policy: %s", strerror(-ret));
		goto out;
	}
	/* The DNS hook's patterns are one map beside the slots. */
	ret = dns_replace_patterns(m->fd[MAP_DNS_PATTERNS], next->except_domains,
				   next->n_except_domains);
	if (ret) {
		errorf(msg, len, ret,
		       "reload: policy switched, but not the --except-domain "
		       "patterns: %s",
		       strerror(-ret));
		goto out;
	}
	snprintf(msg, len,
		 "policy switched in %.2f s: database %s (%s, %zu IPv4, %zu IPv6 "
		 "prefixes), %s, allow %s, unknown %s, %d exception%s, %d domain exception%s, "
		 "operator overlay %s%s, %u NAT64 prefix%s beside 64:ff9b::/96, %u DNS "
		 "resolver%s, %d address%s revoked",
		 seconds_since(&t0), db.path, db.info.libloc ? "libloc" : "MaxMind DB", db.v4.n,
		 db.v6.n, mode_name(next->mode), zone_name(next->allow_zone),
		 next->unknown_deny ? "deny" : "allow", next->n_excepts,
		 next->n_excepts == 1 ? "" : "s", next->n_except_domains,
		 next->n_except_domains == 1 ? "" : "s",
		 ov.loaded ? "on, foreign operators " : "off",
		 ov.loaded ? foreign_op_name(next->foreign_op) : "", next->nat64.n,
		 next->nat64.n == 1 ? "" : "es", next->resolvers.n,
		 next->resolvers.n == 1 ? "" : "s", revoked, revoked == 1 ? "" : "es");
out:
	overlay_free(&ov);
	database_free(&db);
	free(meta);
	return ret;
}

int policy_switch(const struct juris_maps *m, const struct juris_policy *next, char *msg,
		  size_t len)
{
	return do_switch(m, next, false, msg, len);
}

int policy_switch_follow(const struct juris_maps *m, const struct juris_policy *next, char *msg,
			 size_t len)
{
	return do_switch(m, next, true, msg, len);
}
