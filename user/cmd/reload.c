/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris reload: ask the running juris to re-read its policy file and
 * databases (as SIGHUP does), and report what it answered. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli/config_file.h"
#include "cli/options.h"
#include "kernel/pins.h"
#include "kernel/meta.h"
#include "kernel/config.h"
#include "cmd/commands.h"
#include "kernel/loader.h"

#define RELOAD_TIMEOUT_S 300 /* the default database loads in seconds */
#define RELOAD_POLL_MS 50

/* The policy file the daemon pid re-reads on a reload: its -c, else its
 * $JURIS_CONFIG, else the default when it exists; "" when it reads none.
 * Returns 0 or a negative errno (its /proc entry unreadable). */
static int daemon_config(uint32_t pid, char *out, size_t len)
{
	char path[64], buf[65536], *args[1024];
	const char *file;
	size_t n;
	int argc = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/cmdline", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	for (size_t i = 0; i < n && argc < 1024; i += strlen(buf + i) + 1)
		args[argc++] = buf + i;
	file = options_config_arg(argc, args, 2);
	if (!file) {
		snprintf(path, sizeof(path), "/proc/%u/environ", pid);
		f = fopen(path, "re");
		if (f) {
			n = fread(buf, 1, sizeof(buf) - 1, f);
			buf[n] = 0;
			fclose(f);
			for (size_t i = 0; i < n; i += strlen(buf + i) + 1)
				if (!strncmp(buf + i, "JURIS_CONFIG=", 13) && buf[i + 13])
					file = buf + i + 13;
		}
	}
	if (!file)
		file = access(DEFAULT_CONFIG, F_OK) ? "none" : DEFAULT_CONFIG;
	snprintf(out, len, "%s", strcmp(file, "none") ? file : "");
	return 0;
}

/* juris reload -c FILE: the daemon re-reads its own file, not FILE. Same
 * file (same inode): fine. Another: refused, rather than silently
 * reloading something else than asked. */
static int check_config_arg(const struct juris_opts *o, uint32_t pid)
{
	const char *given = options_config_arg(o->argc, o->argv, 2);
	char own[4096];
	struct stat a, b;

	if (!given)
		return 0;
	if (daemon_config(pid, own, sizeof(own))) {
		fprintf(stderr,
			"juris: reload -c %s: cannot tell which policy file juris run "
			"(pid %u) reads; reload without -c re-reads its own\n",
			given, pid);
		return -EINVAL;
	}
	if (own[0] && !stat(own, &a) && !stat(given, &b) && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino)
		return 0;
	fprintf(stderr,
		"juris: reload re-reads the policy file juris run (pid %u) started with "
		"(%s), not %s: restart juris run -c %s to use that one\n",
		pid, own[0] ? own : "none", given, given);
	return -EINVAL;
}

int cmd_reload(const struct juris_opts *o, volatile sig_atomic_t *exiting)
{
	struct juris_meta *meta = calloc(1, sizeof(*meta));
	struct timespec poll = { 0, RELOAD_POLL_MS * 1000000L };
	struct juris_config cfg;
	struct juris_maps m;
	__u32 seq;
	int ret;

	(void)exiting; /* a one-shot command: nothing to interrupt */
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
		fprintf(stderr, "juris: cannot read the pinned state at %s: %s\n",
			o->policy.pin_dir, strerror(-ret));
		goto out;
	}
	if (!juris_daemon_alive(o->policy.pin_dir) || !cfg.daemon_pid) {
		ret = -ESRCH;
		fprintf(stderr,
			"juris: no juris run daemon owns %s: nothing to reload (start "
			"juris run; it adopts the pins under the new policy)\n",
			o->policy.pin_dir);
		goto out;
	}
	ret = check_config_arg(o, cfg.daemon_pid);
	if (ret)
		goto out;
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
