/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Follows the database file in force: see db_follow.h. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>
#include "daemon/db_follow.h"
#include "kernel/meta.h"
#include "kernel/policy_switch.h"

/* What an updater does to a name: renames over it (location update,
 * geoipupdate), writes it in place, or makes it a symlink again. */
#define WATCH_MASK (IN_MOVED_TO | IN_CLOSE_WRITE | IN_CREATE)

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int watch_dir_of(int ifd, const char *path, char *name, size_t len)
{
	char a[PATH_MAX], b[PATH_MAX];
	int wd;

	snprintf(a, sizeof(a), "%s", path);
	snprintf(b, sizeof(b), "%s", path);
	snprintf(name, len, "%s", basename(a));
	wd = inotify_add_watch(ifd, dirname(b), WATCH_MASK);
	return wd < 0 ? -errno : wd;
}

int db_follow_start(struct db_follow *f, const char *path)
{
	char target[PATH_MAX];
	int ret;

	memset(f, 0, sizeof(*f));
	f->wd[0] = f->wd[1] = -1;
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (f->ifd < 0)
		return -errno;
	ret = watch_dir_of(f->ifd, path, f->name, sizeof(f->name));
	if (ret < 0) {
		close(f->ifd);
		f->ifd = -1;
		return ret;
	}
	f->wd[0] = ret;
	/* /var/lib/location/database.db starts as a symlink to the packaged
	 * snapshot: a package upgrade replaces the target, not the link. */
	if (realpath(path, target) && strcmp(target, path)) {
		ret = watch_dir_of(f->ifd, target, f->target_name, sizeof(f->target_name));
		if (ret >= 0 && ret != f->wd[0])
			f->wd[1] = ret;
	}
	return 0;
}

/* True when one of the notices names the file in force. */
static bool read_notices(struct db_follow *f)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool hit = false;
	ssize_t n;

	while ((n = read(f->ifd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *e = (const struct inotify_event *)p;

			if (e->len && ((e->wd == f->wd[0] && !strcmp(e->name, f->name)) ||
				       (e->wd == f->wd[1] && !strcmp(e->name, f->target_name))))
				hit = true;
			p += sizeof(*e) + e->len;
		}
	}
	return hit;
}

static void *switch_thread(void *arg)
{
	struct db_follow *f = arg;

	f->ret = policy_switch_follow(f->maps, f->pol, f->msg, sizeof(f->msg));
	atomic_store(&f->done, true);
	return NULL;
}

/* A refusal is counted where juris status and /metrics read it. */
static void record_refusal(struct db_follow *f, const struct juris_maps *m)
{
	struct juris_meta *meta = calloc(1, sizeof(*meta));

	f->refusals++;
	if (!meta)
		return;
	if (!juris_read_meta(m, meta)) {
		meta->follow_refusals++;
		meta->follow_last = (__u64)time(NULL);
		snprintf(meta->follow_msg, sizeof(meta->follow_msg), "%.511s", f->msg);
		juris_write_meta(m, meta);
	}
	free(meta);
}

static void finish(struct db_follow *f, const struct juris_maps *m)
{
	pthread_join(f->thread, NULL);
	f->running = false;
	atomic_store(&f->done, false);
	if (f->ret) {
		/* Once per replacement: the next change tries again. */
		fprintf(stderr, "juris: %s\n", f->msg);
		record_refusal(f, m);
		return;
	}
	f->switches++;
	fprintf(stderr, "juris: database file changed: %s\n", f->msg);
}

bool db_follow_tick(struct db_follow *f, const struct juris_maps *m, const struct juris_policy *pol)
{
	if (f->ifd < 0)
		return false;
	if (read_notices(f)) {
		f->pending = true;
		f->due_ms = now_ms() + FOLLOW_QUIET_MS;
	}
	if (f->running && atomic_load(&f->done))
		finish(f, m);
	if (f->running || !f->pending || now_ms() < f->due_ms)
		return f->running;
	f->pending = false;
	f->maps = m;
	f->pol = pol;
	atomic_store(&f->done, false);
	if (pthread_create(&f->thread, NULL, switch_thread, f)) {
		fprintf(stderr, "juris: cannot start the database switch: %s\n", strerror(errno));
		return false;
	}
	f->running = true;
	return true;
}

void db_follow_stop(struct db_follow *f)
{
	if (f->running) {
		pthread_join(f->thread, NULL);
		f->running = false;
	}
	if (f->ifd >= 0)
		close(f->ifd);
	f->ifd = -1;
}
