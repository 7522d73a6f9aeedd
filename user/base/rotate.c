/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Size-based rotation of the event file, old files gzipped with zlib, so that
 * a storm of events cannot fill the disk and the history stays readable
 * with zcat. */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "base/rotate.h"

#define FILE_MODE 0640

/* O_NOFOLLOW: a symbolic link planted at the path (by whoever may write in
 * its directory) must not turn the events, and the fchmod below, onto
 * another file. */
static int open_append(struct rotating_file *rf)
{
	int fd = open(rf->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, FILE_MODE);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	/* Events name processes, users and destinations: a file that existed
	 * with looser permissions is tightened too. Only a regular file: a
	 * FIFO, a terminal or /dev/null (--events /dev/stdout) is the user's,
	 * its mode shared with every other program, and never rotated. */
	rf->regular = S_ISREG(st.st_mode);
	if (rf->regular)
		fchmod(fd, FILE_MODE);
	rf->f = fdopen(fd, "a");
	if (!rf->f) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	rf->size = (uint64_t)st.st_size;
	return 0;
}

int rotfile_open(struct rotating_file *rf, const char *path, uint64_t max_size, int keep)
{
	memset(rf, 0, sizeof(*rf));
	if (strlen(path) + 16 >= sizeof(rf->path))
		return -ENAMETOOLONG;
	strcpy(rf->path, path);
	rf->max_size = max_size;
	rf->keep = keep;
	return open_append(rf);
}

static void old_name(const struct rotating_file *rf, int n, char *buf, size_t len)
{
	snprintf(buf, len, "%s.%d.gz", rf->path, n);
}

static void staged_name(const struct rotating_file *rf, char *buf, size_t len)
{
	snprintf(buf, len, "%s.rotating", rf->path);
}

/* Writes a gzip copy of src to dst (a temporary name: nobody ever sees half
 * a .gz under the final name). */
static int gzip_file(const char *src, const char *dst)
{
	char buf[65536];
	int sfd = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	FILE *in = sfd < 0 ? NULL : fdopen(sfd, "r");
	gzFile out;
	size_t n;
	int ret = 0, fd;

	if (!in) {
		ret = -errno;
		if (sfd >= 0)
			close(sfd);
		return ret;
	}
	/* Created exclusively: a leftover of a crash is removed first, and
	 * anything put there in between (a link to another file) makes the
	 * open fail instead of writing through it. */
	if (unlink(dst) && errno != ENOENT) {
		ret = -errno;
		fclose(in);
		return ret;
	}
	fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, FILE_MODE);
	if (fd < 0) {
		ret = -errno;
		fclose(in);
		return ret;
	}
	out = gzdopen(fd, "wb");
	if (!out) {
		close(fd);
		fclose(in);
		unlink(dst);
		return -ENOMEM;
	}
	while (!ret && (n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (gzwrite(out, buf, (unsigned)n) != (int)n)
			ret = -EIO;
	if (!ret && ferror(in))
		ret = -EIO;
	if (gzclose(out) != Z_OK && !ret)
		ret = -EIO;
	fclose(in);
	if (ret)
		unlink(dst);
	return ret;
}

/* The worker's job: FILE.rotating compressed first, so that a failure
 * (disk full) leaves the old files as they were and FILE.rotating there to
 * retry; then the shift, FILE.1.gz, and FILE.rotating removed. It touches
 * no field of rf but path and keep, which do not change while it runs. */
static int compress_staged(const struct rotating_file *rf)
{
	char staged[4096 + 16], tmp[4096 + 16], from[4096 + 16], to[4096 + 16];
	int ret;

	staged_name(rf, staged, sizeof(staged));
	snprintf(tmp, sizeof(tmp), "%s.1.gz.tmp", rf->path);
	ret = gzip_file(staged, tmp);
	if (ret)
		return ret;
	old_name(rf, rf->keep, to, sizeof(to));
	if (unlink(to) && errno != ENOENT && !ret)
		ret = -errno;
	for (int i = rf->keep - 1; i >= 1; i--) {
		old_name(rf, i, from, sizeof(from));
		old_name(rf, i + 1, to, sizeof(to));
		if (rename(from, to) && errno != ENOENT && !ret)
			ret = -errno;
	}
	old_name(rf, 1, to, sizeof(to));
	if (rename(tmp, to)) {
		ret = -errno;
		unlink(tmp);
		return ret;
	}
	/* The lines are safe in FILE.1.gz; a failed shift lost an older file
	 * at worst, and is reported. */
	if (unlink(staged) && !ret)
		ret = -errno;
	return ret;
}

static void *compress_main(void *arg)
{
	struct rotating_file *rf = arg;

	rf->worker_ret = compress_staged(rf);
	atomic_store(&rf->compressing, false);
	return NULL;
}

static int start_worker(struct rotating_file *rf)
{
	int ret;

	atomic_store(&rf->compressing, true);
	ret = -pthread_create(&rf->worker, NULL, compress_main, rf);
	if (ret) {
		atomic_store(&rf->compressing, false);
		return ret;
	}
	rf->worker_started = true;
	return 0;
}

static int join_worker(struct rotating_file *rf)
{
	char staged[4096 + 16];

	if (!rf->worker_started)
		return 0;
	pthread_join(rf->worker, NULL);
	rf->worker_started = false;
	if (!rf->worker_ret) {
		if (rf->failing)
			fprintf(stderr, "juris: compressing rotated event files works again\n");
		rf->failing = false;
		return 0;
	}
	rf->compress_failures++;
	if (!rf->failing) {
		staged_name(rf, staged, sizeof(staged));
		fprintf(stderr,
			"juris: cannot compress %s: %s (kept; retried at the next "
			"rotation, further failures counted)\n",
			staged, strerror(-rf->worker_ret));
	}
	rf->failing = true;
	return rf->worker_ret;
}

int rotfile_wait(struct rotating_file *rf)
{
	return join_worker(rf);
}

/* FILE full while a compression runs, or while FILE.rotating waits for a
 * retry: FILE grows on; said once per wait. */
static void defer(struct rotating_file *rf, const char *why)
{
	rf->deferred++;
	if (!rf->deferring)
		fprintf(stderr,
			"juris: rotation of %s put off: %s (it grows past its size until "
			"then; %llu such waits so far)\n",
			rf->path, why, (unsigned long long)rf->deferred);
	rf->deferring = true;
}

int rotfile_rotate(struct rotating_file *rf)
{
	char staged[4096 + 16];
	int ret = 0;

	if (rf->keep <= 0) {
		/* Nothing kept: start afresh, at once. */
		if (rf->f && fflush(rf->f))
			ret = -errno;
		if (!ret && rf->f && ftruncate(fileno(rf->f), 0))
			ret = -errno;
		if (!ret)
			rf->size = 0;
		return ret;
	}
	if (rf->worker_started && atomic_load(&rf->compressing)) {
		defer(rf, "the previous file is still being compressed");
		return 0;
	}
	join_worker(rf); /* a failure was said there; FILE.rotating stays */
	staged_name(rf, staged, sizeof(staged));
	if (!access(staged, F_OK)) {
		defer(rf, "an older rotated file is compressed first");
		return start_worker(rf);
	}
	rf->deferring = false;
	if (rf->f && fclose(rf->f))
		ret = -errno;
	rf->f = NULL;
	/* Synchronous and atomic: every line is in FILE or in FILE.rotating. */
	if (!ret && rename(rf->path, staged))
		ret = -errno;
	if (!ret)
		ret = start_worker(rf);
	if (!rf->f) {
		int r = open_append(rf);

		if (!ret)
			ret = r;
	}
	return ret;
}

int rotfile_write_line(struct rotating_file *rf, const char *line)
{
	size_t len = strlen(line) + 1;
	int ret = 0;

	if (rf->regular && rf->size > 0 && rf->size + len > rf->max_size)
		ret = rotfile_rotate(rf);
	if (!rf->f)
		return ret ? ret : -EBADF;
	if (fprintf(rf->f, "%s\n", line) < 0 || fflush(rf->f)) {
		ret = -errno;
		/* Lets the next line try again from a clean stream. */
		clearerr(rf->f);
		return ret;
	}
	rf->size += len;
	return ret;
}

void rotfile_close(struct rotating_file *rf)
{
	join_worker(rf);
	if (rf->f)
		fclose(rf->f);
	rf->f = NULL;
}
