/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris stop: end the daemon, detach every hook, remove the pins. */
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
#include "kernel/stats.h"
#include "daemon/systemd_dropin.h"

#define STOP_WAIT_MS 3000

/* Asks the daemon owning dir to exit, and waits until it has. */
static void end_daemon(const char *dir, uint32_t pid)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };

	if (!pid || !juris_daemon_alive(dir) || kill((pid_t)pid, SIGTERM))
		return;
	for (int waited = 0; waited < STOP_WAIT_MS && juris_daemon_alive(dir); waited += 10)
		nanosleep(&tick, NULL);
	if (juris_daemon_alive(dir))
		kill((pid_t)pid, SIGKILL);
}

/* The counters live in the pins: say what goes with them, so that nobody
 * loses a period's audit trail without knowing it. */
static void say_what_goes(const struct juris_maps *m, const char *dir)
{
	struct juris_stats *st = calloc(1, sizeof(*st));
	unsigned long long packets = 0, flows = 0;

	if (st && !stats_read(m, st)) {
		for (int i = 0; i < TOTALS_MAX; i++) {
			packets += st->totals[i].packets;
			flows += st->totals[i].flows;
		}
		if (packets || flows)
			fprintf(stderr,
				"juris: removing the counters of %llu packets and %llu flows "
				"with the pins (juris report --pin-dir %s reads them only before "
				"juris stop)\n",
				packets, flows, dir);
	}
	free(st);
}

/* The drop-ins first, and systemd told: a watched service restarted
 * after this must not fail for want of the pins about to go. */
static void remove_dropins(const char *pin_dir)
{
	if (dropin_remove_all(SYSTEMD_RUN_DIR, pin_dir) > 0 && systemd_daemon_reload())
		fprintf(stderr,
			"juris: warning: systemctl daemon-reload failed after removing "
			"the drop-ins of %s\n",
			pin_dir);
}

int cmd_stop(const struct juris_opts *o, volatile sig_atomic_t *exiting)
{
	struct juris_config cfg;
	struct juris_maps m;
	char err[512];
	int ret;

	(void)exiting; /* a one-shot command: nothing to interrupt */
	ret = juris_open_pinned(o->policy.pin_dir, &m);
	if (ret == -ENOENT) {
		fprintf(stderr, "juris: nothing to stop at %s\n", o->policy.pin_dir);
		return 0;
	}
	/* Incomplete pins (a map removed by hand) are still removed below;
	 * their daemon, found through the config map if that is left, is
	 * ended first, or it would run on with nothing pinned to show it. */
	if (ret)
		ret = juris_open_config(o->policy.pin_dir, &m);
	if (!ret) {
		if (!juris_read_config(&m, &cfg))
			end_daemon(o->policy.pin_dir, cfg.daemon_pid);
		if (m.fd[MAP_TOTALS] >= 0)
			say_what_goes(&m, o->policy.pin_dir);
		juris_maps_close(&m);
	}
	remove_dropins(o->policy.pin_dir);
	ret = juris_remove_pins(o->policy.pin_dir, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "juris: %s\n", err);
		return ret;
	}
	fprintf(stderr, "juris: stopped; hooks detached and pins removed from %s\n",
		o->policy.pin_dir);
	return 0;
}
