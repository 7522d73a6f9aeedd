/* Size-based rotation of the event file, old files gzipped with zlib, so that
 * a storm of events cannot fill the disk and the history stays readable
 * with zcat. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "rotate.h"

#define FILE_MODE 0640

static int open_append(struct rotating_file *rf)
{
	int fd = open(rf->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, FILE_MODE);
	struct stat st;

	if (fd < 0)
		return -errno;
	/* Events name processes, users and destinations: a file that existed
	 * with looser permissions is tightened too. */
	fchmod(fd, FILE_MODE);
	if (fstat(fd, &st)) {
		int ret = -errno;

		close(fd);
		return ret;
	}
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

/* Writes a gzip copy of src to dst through a temporary name, so that
 * nobody ever sees half a .gz under the final name. */
static int gzip_file(const char *src, const char *dst)
{
	char tmp[4096 + 32], buf[65536];
	FILE *in = fopen(src, "re");
	gzFile out;
	size_t n;
	int ret = 0, fd;

	if (!in)
		return -errno;
	snprintf(tmp, sizeof(tmp), "%s.tmp", dst);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, FILE_MODE);
	if (fd < 0) {
		ret = -errno;
		fclose(in);
		return ret;
	}
	out = gzdopen(fd, "wb");
	if (!out) {
		close(fd);
		fclose(in);
		unlink(tmp);
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
	if (!ret && rename(tmp, dst))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

int rotfile_rotate(struct rotating_file *rf)
{
	char from[4096 + 16], to[4096 + 16];
	int ret = 0;

	if (rf->f && fclose(rf->f))
		ret = -errno;
	rf->f = NULL;
	if (rf->keep > 0) {
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
		if (!ret)
			ret = gzip_file(rf->path, to);
	}
	/* Only once the old lines are safe in FILE.1.gz: start afresh. On a
	 * failed compression the file grows on rather than lose events. */
	if (!ret && truncate(rf->path, 0))
		ret = -errno;
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

	if (rf->size > 0 && rf->size + len > rf->max_size)
		ret = rotfile_rotate(rf);
	if (!rf->f)
		return ret ? ret : -EBADF;
	if (fprintf(rf->f, "%s\n", line) < 0 || fflush(rf->f))
		return -errno;
	rf->size += len;
	return ret;
}

void rotfile_close(struct rotating_file *rf)
{
	if (rf->f)
		fclose(rf->f);
	rf->f = NULL;
}
