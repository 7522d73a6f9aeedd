/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The daemon follows its database file: when an updater renames a new one
 * over it, the new file is verified and switched to on a thread of its own,
 * while the daemon keeps reading events. */
#ifndef JURIS_DB_FOLLOW_H
#define JURIS_DB_FOLLOW_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include "kernel/maps.h"
#include "policy/policy.h"

/* Quiet time after the last change before the file is read: an updater
 * that writes in place (cp) sends one event per write. */
#define FOLLOW_QUIET_MS 1000

struct db_follow {
	int ifd;	 /* inotify, -1 when not following */
	int wd[2];	 /* the file's directory, a symlink target's */
	char path[4096]; /* the file in force, as named */
	char name[256], target_name[256];
	bool pending;	 /* a change seen, not yet acted on */
	uint64_t due_ms; /* CLOCK_MONOTONIC time to act */
	/* The switch in progress on its own thread. */
	pthread_t thread;
	bool running;
	atomic_bool done;
	const struct juris_maps *maps;
	const struct juris_policy *pol; /* handed to policy_switch_follow() */
	int ret;
	char msg[1024];
	uint64_t switches, refusals; /* since the daemon started */
};

/* Starts watching path (the database in force). Returns 0, or a negative
 * errno (the caller says so and runs without following). */
int db_follow_start(struct db_follow *f, const char *path);

/* Called from the daemon loop: reads the change notices, starts a switch
 * once the file has been quiet for FOLLOW_QUIET_MS, and reports the end of
 * one (a line on standard error; a refusal counted in the pinned meta).
 * Returns true while a switch runs: the caller holds back its own reloads. */
bool db_follow_tick(struct db_follow *f, const struct juris_maps *m,
		    const struct juris_policy *pol);

/* Waits for a switch in progress and stops watching. */
void db_follow_stop(struct db_follow *f);

#endif
