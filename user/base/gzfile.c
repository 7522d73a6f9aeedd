/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Files that may be gzip-compressed, opened as one readable descriptor:
 * a gzip file is decompressed into an anonymous memory file, so that
 * readers that map a file (libmaxminddb) read it as it is. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "base/errmsg.h"
#include "base/gzfile.h"

#define MIB (1ull << 20)
#define GZ_CHUNK (1u << 20)
/* A MaxMind DB is a search tree of node numbers and a data section: it
 * compresses about 2:1 (the default database: 7.8 MB to 3.9 MB). Zeros
 * compress 1000:1: a .gz that grows past this ratio is padding behind
 * metadata that lies (a 233 KB file claimed 38 million nodes), refused
 * before it costs memory. Small files get the floor, whatever they are. */
#define GZ_MAX_RATIO 32
#define GZ_RATIO_FLOOR (4ull << 20)

static int open_file(const char *path, struct stat *st, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int e;

	if (fd < 0) {
		e = errno;
		return errorf(err, errlen, -e, "%s", strerror(e));
	}
	if (fstat(fd, st)) {
		e = errno;
		close(fd);
		return errorf(err, errlen, -e, "%s", strerror(e));
	}
	e = 0;
	if (S_ISDIR(st->st_mode))
		e = errorf(err, errlen, -EISDIR, "is a directory");
	else if (!S_ISREG(st->st_mode))
		e = errorf(err, errlen, -EINVAL, "not a regular file");
	else if (st->st_size == 0)
		e = errorf(err, errlen, -EINVAL, "file is empty");
	else if ((uint64_t)st->st_size > UINT32_MAX)
		e = errorf(err, errlen, -EFBIG, "file too large (over 4 GiB)");
	if (e) {
		close(fd);
		return e;
	}
	return fd;
}

int pread_all(int fd, void *buf, size_t n, off_t off)
{
	uint8_t *p = buf;

	while (n) {
		ssize_t r = pread(fd, p, n, off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -EIO;
		p += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

static int write_all(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	while (n) {
		ssize_t r = write(fd, p, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static int size_limit_error(uint64_t max, char *err, size_t errlen)
{
	if (max % MIB == 0)
		return errorf(err, errlen, -EFBIG, "decompressed size exceeds %llu MiB",
			      (unsigned long long)(max / MIB));
	return errorf(err, errlen, -EFBIG, "decompressed size exceeds %llu bytes",
		      (unsigned long long)max);
}

static int gz_copy(gzFile gz, int out, uint64_t max, uint64_t ratio_max, uint64_t *size, char *err,
		   size_t errlen)
{
	char *buf = malloc(GZ_CHUNK);
	int ret = 0, zerr;

	if (!buf)
		return errorf(err, errlen, -ENOMEM, "out of memory");
	*size = 0;
	for (;;) {
		int n = gzread(gz, buf, GZ_CHUNK);

		if (n < 0) {
			ret = errorf(err, errlen, -EINVAL, "gzip: %s", gzerror(gz, &zerr));
			break;
		}
		if (n == 0)
			break;
		*size += (unsigned)n;
		if (*size > max) {
			ret = size_limit_error(max, err, errlen);
			break;
		}
		if (*size > ratio_max) {
			ret = errorf(err, errlen, -EFBIG,
				     "decompressed size exceeds %d times the "
				     "compressed file: refused (a MaxMind DB compresses about 2:1)",
				     GZ_MAX_RATIO);
			break;
		}
		ret = write_all(out, buf, (size_t)n);
		if (ret) {
			errorf(err, errlen, ret, "cannot hold the decompressed database: %s",
			       strerror(-ret));
			break;
		}
	}
	free(buf);
	/* zlib reports a stream cut short only through gzerror. */
	if (!ret) {
		gzerror(gz, &zerr);
		if (zerr == Z_BUF_ERROR)
			ret = errorf(err, errlen, -EINVAL, "truncated gzip stream");
	}
	if (!ret && !*size)
		ret = errorf(err, errlen, -EINVAL, "decompressed file is empty");
	return ret;
}

/* libmaxminddb maps a file: decompress into an anonymous memory file.
 * *size is the compressed size on entry, the decompressed one on return. */
static int gunzip_to_memfd(int fd, uint64_t max, uint64_t *size, char *err, size_t errlen)
{
	uint64_t ratio_max = *size * GZ_MAX_RATIO;
	int mfd, dfd, ret;
	gzFile gz;

	if (ratio_max < GZ_RATIO_FLOOR)
		ratio_max = GZ_RATIO_FLOOR;
	mfd = memfd_create("juris-geodb", MFD_CLOEXEC);
	if (mfd < 0) {
		ret = -errno;
		return errorf(err, errlen, ret, "memfd_create: %s", strerror(-ret));
	}
	dfd = dup(fd);
	gz = dfd < 0 ? NULL : gzdopen(dfd, "rb");
	if (!gz) {
		if (dfd >= 0)
			close(dfd);
		close(mfd);
		return errorf(err, errlen, -ENOMEM, "cannot start gzip decompression");
	}
	gzbuffer(gz, 1u << 18);
	ret = gz_copy(gz, mfd, max, ratio_max, size, err, errlen);
	gzclose_r(gz);
	if (ret) {
		close(mfd);
		return ret;
	}
	return mfd;
}

static int is_gzip(int fd, bool *gz, char *err, size_t errlen)
{
	uint8_t magic[2];
	int ret = pread_all(fd, magic, sizeof(magic), 0);

	/* A one-byte file cannot be gzip; MMDB_open will refuse it. */
	if (ret == -EIO) {
		*gz = false;
		return 0;
	}
	if (ret)
		return errorf(err, errlen, ret, "%s", strerror(-ret));
	*gz = magic[0] == 0x1f && magic[1] == 0x8b;
	return 0;
}

int gzfile_open(const char *path, uint64_t gz_max, struct gzfile_info *info, char *err,
		size_t errlen)
{
	struct stat st;
	bool gz = false;
	int fd, ret;

	memset(info, 0, sizeof(*info));
	fd = open_file(path, &st, err, errlen);
	if (fd < 0)
		return fd;
	info->file_size = (uint64_t)st.st_size;
	info->size = (uint64_t)st.st_size;
	ret = is_gzip(fd, &gz, err, errlen);
	if (ret) {
		close(fd);
		return ret;
	}
	if (gz) {
		int mfd = gunzip_to_memfd(fd, gz_max, &info->size, err, errlen);

		close(fd);
		if (mfd < 0)
			return mfd;
		fd = mfd;
		info->gzip = true;
	}
	return fd;
}
