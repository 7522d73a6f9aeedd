/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris reload: ask the running juris to re-read its policy file and
 * databases (as SIGHUP does), and report what it answered. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "kernel/pins.h"
#include "kernel/meta.h"
#include "kernel/config.h"
#include "cmd/commands.h"
#include "kernel/loader.h"

#define RELOAD_TIMEOUT_S 300	/* the default database loads in seconds */
#define RELOAD_POLL_MS 50

int cmd_reload(const struct juris_opts *o, volatile sig_atomic_t *exiting)
{
	struct juris_meta *meta = calloc(1, sizeof(*meta));
	struct timespec poll = { 0, RELOAD_POLL_MS * 1000000L };
	struct juris_config cfg;
	struct juris_maps m;
	__u32 seq;
	int ret;

	(void)exiting;	/* a one-shot command: nothing to interrupt */
	if (!meta)
		return -ENOMEM;
	ret = juris_open_pinned(o->policy.pin_dir, &m);
	if (ret) {
		fprintf(stderr, "juris: no juris state at %s (%s): nothing to reload\n",
			o->policy.pin_dir, strerror(-ret));
		free(meta);
		return ret;
	}
	ret = juris_read_config(&m, &cfg);
	if (!ret)
		ret = juris_read_meta(&m, meta);
	if (ret) {
		fprintf(stderr, "juris: cannot read the pinned state at %s: %s\n", o->policy.pin_dir,
			strerror(-ret));
		goto out;
	}
	if (!juris_daemon_alive(o->policy.pin_dir) || !cfg.daemon_pid) {
		ret = -ESRCH;
		fprintf(stderr, "juris: no juris run daemon owns %s: nothing to reload (start "
			"juris run; it adopts the pins under the new policy)\n", o->policy.pin_dir);
		goto out;
	}
	seq = meta->reload_seq;
	if (kill((pid_t)cfg.daemon_pid, SIGHUP)) {
		ret = -errno;
		fprintf(stderr, "juris: cannot signal juris run (pid %u): %s\n", cfg.daemon_pid,
			strerror(errno));
		goto out;
	}
	ret = -ETIMEDOUT;
	for (long waited = 0; waited < RELOAD_TIMEOUT_S * 1000L; waited += RELOAD_POLL_MS) {
		nanosleep(&poll, NULL);
		if (juris_read_meta(&m, meta) || meta->reload_seq == seq)
			continue;
		ret = meta->reload_status;
		fprintf(ret ? stderr : stdout, "juris: %s\n", meta->reload_msg);
		goto out;
	}
	fprintf(stderr, "juris: juris run (pid %u) did not answer within %d s\n", cfg.daemon_pid,
		RELOAD_TIMEOUT_S);
out:
	juris_maps_close(&m);
	free(meta);
	return ret;
}
