/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris check: validate the policy file and flags as juris run would, and
 * print the effective policy. Needs no privilege and changes nothing. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <linux/magic.h>
#include "cli/policy_print.h"
#include "kernel/cgroup.h"
#include "cmd/commands.h"
#include "policy/database.h"
#include "kernel/gateway.h"
#include "policy/overlay.h"
#include "policy/policy_data.h"
#include "cli/options_where.h"

static int check_cgroups(const struct juris_opts *o)
{
	char path[4096];
	uint64_t id;

	for (int i = 0; i < o->policy.n_cgroups; i++) {
		int ret = cgroup_resolve(o->policy.cgroups[i], path, sizeof(path), &id);

		if (ret) {
			char where[4200];

			fprintf(stderr, "juris: %sunknown cgroup or unit: %s (%s)\n",
				options_where(o, "cgroup", o->policy.cgroups[i], where,
					      sizeof(where)),
				o->policy.cgroups[i], strerror(-ret));
			return ret;
		}
	}
	return 0;
}

static int check_gateway(const struct juris_opts *o)
{
	struct gw_plan *gw;
	char err[512];
	int ret;

	if (!o->policy.n_ifaces)
		return 0;
	gw = calloc(1, sizeof(*gw));
	if (!gw)
		return -ENOMEM;
	ret = gw_resolve(&o->policy, gw, err, sizeof(err));
	if (ret)
		fprintf(stderr, "juris: %s\n", err);
	free(gw);
	return ret;
}

/* What juris run refuses before it loads anything: a pin directory that
 * is not on a bpffs (run mounts one only at /sys/fs/bpf), an event file
 * in a directory that does not exist. */
static int check_paths(const struct juris_opts *o)
{
	char path[4096], where[4200];
	struct statfs fs;
	struct stat st;

	snprintf(path, sizeof(path), "%s", o->policy.pin_dir);
	/* The pin directory may not exist yet: its nearest ancestor decides. */
	while (statfs(path, &fs) && strcmp(path, "/"))
		snprintf(path, sizeof(path), "%s", dirname(path));
	if (fs.f_type != BPF_FS_MAGIC && strcmp(o->policy.pin_dir, "/sys/fs/bpf") &&
	    strncmp(o->policy.pin_dir, "/sys/fs/bpf/", 12)) {
		fprintf(stderr,
			"juris: %s--pin-dir %s is not on a bpffs (juris run would refuse "
			"it: use a directory under /sys/fs/bpf, or mount bpffs there)\n",
			options_where(o, "pin-dir", o->policy.pin_dir, where, sizeof(where)),
			o->policy.pin_dir);
		return -ENOTSUP;
	}
	if (o->events && strcmp(o->events, "-")) {
		snprintf(path, sizeof(path), "%s", o->events);
		if (stat(dirname(path), &st) || !S_ISDIR(st.st_mode)) {
			fprintf(stderr,
				"juris: %sthe directory of --events %s does not exist "
				"(juris run would refuse it)\n",
				options_where(o, "events", o->events, where, sizeof(where)),
				o->events);
			return -ENOENT;
		}
	}
	return 0;
}

int cmd_check(const struct juris_opts *o, volatile sig_atomic_t *exiting)
{
	struct loaded_db db;
	struct overlay ov = { 0 };
	char err[512], built[32];
	time_t when;
	int ret;

	(void)exiting; /* a one-shot command: nothing to interrupt */
	ret = check_paths(o);
	if (!ret)
		ret = check_cgroups(o);
	if (!ret)
		ret = check_gateway(o);
	if (ret)
		return ret;
	ret = policy_data_load(&o->policy, false, &db, &ov, err, sizeof(err));
	if (ret) {
		char where[4200];

		fprintf(stderr, "juris: %s%s\n", options_where_data(o, err, where, sizeof(where)),
			err);
		return ret;
	}
	when = (time_t)db.info.build_epoch;
	strftime(built, sizeof(built), "%Y-%m-%d", gmtime(&when));
	printf("# juris check: the policy is valid\n");
	printf("# policy file: %s%s\n", o->file.text ? o->file.path : "none",
	       o->file.text ? ", then the command line" : "");
	printf("# database: %s, built %s: %zu IPv4 and %zu IPv6 prefixes\n", db.info.type, built,
	       db.v4.n, db.v6.n);
	if (ov.loaded)
		printf("# operator overlay: %s: %zu prefixes of %zu listed operators\n", ov.path,
		       ov.table.n, ov.ops.n);
	else
		printf("# operator overlay: off (no ASN database)\n");
	options_print_policy(stdout, o, db.path);
	database_warn_age(stderr, db.path, db.info.build_epoch);
	overlay_free(&ov);
	database_free(&db);
	return ret;
}
