/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Files that may be gzip-compressed, opened as one readable descriptor. */
#ifndef JURIS_GZFILE_H
#define JURIS_GZFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct gzfile_info {
	uint64_t file_size; /* the file as given */
	uint64_t size;	    /* what the descriptor reads (decompressed) */
	bool gzip;	    /* the file was gzip-compressed */
};

/* Opens path, a non-empty regular file of at most 4 GiB; a gzip file is
 * decompressed (at most gz_max bytes, a gzip-bomb guard) into a memory
 * file. Returns the descriptor, or a negative errno with a one-line reason
 * (without the file name) in err. */
int gzfile_open(const char *path, uint64_t gz_max, struct gzfile_info *info, char *err,
		size_t errlen);

/* Reads exactly n bytes at off: 0, -EIO at the end of the file, or -errno. */
int pread_all(int fd, void *buf, size_t n, off_t off);

#endif
