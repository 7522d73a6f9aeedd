/* An append-only log file that rotates by size: FILE, then FILE.1.gz (the
 * newest old one), FILE.2.gz... up to a number kept. */
#ifndef JURIS_ROTATE_H
#define JURIS_ROTATE_H

#include <stdint.h>
#include <stdio.h>

#define DEFAULT_EVENTS_MAX_SIZE (64ull << 20)
#define DEFAULT_EVENTS_KEEP 5
#define MAX_EVENTS_KEEP 1000

struct rotating_file {
	char path[4096];
	FILE *f;
	uint64_t size;		/* bytes in the current file */
	uint64_t max_size;	/* rotate before a line would pass it */
	int keep;		/* old files kept, compressed; 0: none */
};

/* Opens path for appending (mode 0640 when created). Returns 0 or -errno. */
int rotfile_open(struct rotating_file *rf, const char *path, uint64_t max_size, int keep);

/* Appends line and a newline, rotating first when the file would pass
 * max_size (a line longer than max_size gets a file of its own). Lines are
 * never split across files. Returns 0 or -errno. */
int rotfile_write_line(struct rotating_file *rf, const char *line);

/* Compresses the current file into FILE.1.gz, shifting the older ones up
 * and dropping the one past keep, then starts an empty FILE. */
int rotfile_rotate(struct rotating_file *rf);

void rotfile_close(struct rotating_file *rf);

#endif
