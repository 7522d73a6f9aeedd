/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* What the fuzz targets of files share: writing the input into the memfd
 * the code under test reads, as is or gzipped. Included by one target
 * each: a header so that no fuzz target links another's objects. */
#ifndef JURIS_FUZZ_INPUT_H
#define JURIS_FUZZ_INPUT_H

#include <stdint.h>
#include <unistd.h>
#include <zlib.h>

#define FLAG_GZIP 0x01

static int write_input(int fd, const uint8_t *p, size_t n, int gzip)
{
	gzFile gz;
	int dfd, ret = 0;

	if (!gzip)
		return write(fd, p, n) == (ssize_t)n ? 0 : -1;
	/* gzdopen closes the fd it is given: hand it a duplicate. */
	dfd = dup(fd);
	gz = dfd < 0 ? NULL : gzdopen(dfd, "wb");
	if (!gz) {
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	if (n && gzwrite(gz, p, (unsigned)n) != (int)n)
		ret = -1;
	if (gzclose_w(gz) != Z_OK)
		ret = -1;
	return ret;
}

#endif
