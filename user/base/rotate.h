/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* An append-only log file that rotates by size: FILE, then FILE.1.gz (the
 * newest old one), FILE.2.gz... up to a number kept. The rotation renames
 * FILE to FILE.rotating at once; a worker thread compresses it, so that the
 * writer (the daemon's event loop) never waits for zlib. */
#ifndef JURIS_ROTATE_H
#define JURIS_ROTATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define DEFAULT_EVENTS_MAX_SIZE (64ull << 20)
#define DEFAULT_EVENTS_KEEP 5
#define MAX_EVENTS_KEEP 1000

struct rotating_file {
	char path[4096];
	FILE *f;
	uint64_t size;	   /* bytes in the current file */
	uint64_t max_size; /* rotate before a line would pass it */
	int keep;	   /* old files kept, compressed; 0: none */
	bool regular;	   /* a regular file: rotated, mode 0640 (not a FIFO, tty, device) */
	/* The compression of FILE.rotating: one at a time. */
	pthread_t worker;
	bool worker_started;	 /* a worker to join */
	atomic_bool compressing; /* that worker has not finished */
	int worker_ret;		 /* its result, read once joined */
	bool deferring;		 /* a rotation waits for the worker (said once) */
	bool failing;		 /* the last compression failed (said once) */
	uint64_t deferred;	 /* writes that found FILE full while a compression ran */
	uint64_t compress_failures;
};

/* Opens path for appending (mode 0640 when created, tightened to 0640 when
 * it existed). Anything but a regular file (a FIFO, a terminal, /dev/null)
 * is written as it is: never chmod'ed, never rotated. Returns 0 or -errno. */
int rotfile_open(struct rotating_file *rf, const char *path, uint64_t max_size, int keep);

/* Appends line and a newline, rotating first when the file would pass
 * max_size (a line longer than max_size gets a file of its own). Lines are
 * never split across files. Returns 0 or -errno. */
int rotfile_write_line(struct rotating_file *rf, const char *line);

/* Renames FILE to FILE.rotating, starts an empty FILE and a worker that
 * compresses FILE.rotating into FILE.1.gz, shifting the older ones up and
 * dropping the one past keep. While a compression runs (or when one failed
 * and FILE.rotating is still there, which is retried first), FILE is not
 * rotated: it grows past max_size rather than lose or reorder a line, and
 * the wait is counted in deferred and said once on stderr. */
int rotfile_rotate(struct rotating_file *rf);

/* Waits for the compression under way, if any. Returns its result. */
int rotfile_wait(struct rotating_file *rf);

/* Waits for the compression under way, then closes FILE. */
void rotfile_close(struct rotating_file *rf);

#endif
