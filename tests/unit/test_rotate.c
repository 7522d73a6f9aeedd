/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of the size-based, gzipping rotation of the event file, and of
 * its compression off the writer's thread. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>
#include "base/rotate.h"

struct fixture {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	strcpy(f->dir, "/tmp/juris-rotate-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/events.json", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd))
		return -1;
	free(f);
	return 0;
}

/* The whole content of a gzip file, or NULL when it does not exist. */
static char *gunzip(const char *path)
{
	static char buf[65536];
	gzFile g = gzopen(path, "rb");
	int n;

	if (!g)
		return NULL;
	n = gzread(g, buf, sizeof(buf) - 1);
	gzclose(g);
	assert_true(n >= 0);
	buf[n] = 0;
	return buf;
}

static off_t size_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? -1 : st.st_size;
}

/* Waits for each compression, so that the files hold what a synchronous
 * rotation would put there (the asynchronous case has tests of its own). */
static void write_lines(struct rotating_file *rf, int from, int to)
{
	char line[64];

	for (int i = from; i < to; i++) {
		/* 20 bytes with the newline. */
		snprintf(line, sizeof(line), "{\"n\":%013d}", i);
		assert_int_equal(rotfile_write_line(rf, line), 0);
		assert_int_equal(rotfile_wait(rf), 0);
	}
}

static void test_file_below_the_size_is_never_rotated(void **state)
{
	struct fixture *f = *state;
	struct rotating_file rf;
	char old[160];

	assert_int_equal(rotfile_open(&rf, f->path, 1024, 5), 0);
	write_lines(&rf, 0, 51); /* 1020 bytes */
	rotfile_close(&rf);
	assert_int_equal(size_of(f->path), 1020);
	snprintf(old, sizeof(old), "%s.1.gz", f->path);
	assert_int_equal(size_of(old), -1);
}

static void test_full_file_moves_to_dot_1_gz_without_splitting_a_line(void **state)
{
	struct fixture *f = *state;
	struct rotating_file rf;
	char old[160], *text;

	assert_int_equal(rotfile_open(&rf, f->path, 1024, 5), 0);
	write_lines(&rf, 0, 52); /* the 52nd line would pass 1024 */
	rotfile_close(&rf);
	assert_int_equal(size_of(f->path), 20);
	snprintf(old, sizeof(old), "%s.1.gz", f->path);
	text = gunzip(old);
	assert_non_null(text);
	assert_int_equal(strlen(text), 1020);
	assert_memory_equal(text, "{\"n\":0000000000000}\n", 20);
	assert_memory_equal(text + 1000, "{\"n\":0000000000050}\n", 20);
	assert_int_equal(size_of(old) > 0 && size_of(old) < 1020, 1);
}

/* A link planted at the event path: refused, and the file it names keeps
 * its content and its mode. */
static void test_event_path_that_is_a_symlink_is_refused(void **state)
{
	struct fixture *f = *state;
	struct rotating_file rf;
	char victim[160];
	FILE *v;

	snprintf(victim, sizeof(victim), "%s/victim", f->dir);
	v = fopen(victim, "w");
	assert_non_null(v);
	fputs("secret\n", v);
	fclose(v);
	assert_int_equal(chmod(victim, 0600), 0);
	assert_int_equal(symlink(victim, f->path), 0);
	assert_int_equal(rotfile_open(&rf, f->path, 1024, 5), -ELOOP);
	assert_int_equal(size_of(victim), 7);
	struct stat st;

	assert_int_equal(stat(victim, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
}

/* A link planted at FILE.1.gz.tmp before a rotation: the compressed file
 * is created exclusively, never written through the link. */
static void test_rotation_never_writes_through_a_planted_temporary_link(void **state)
{
	struct fixture *f = *state;
	struct rotating_file rf;
	char victim[160], tmp[160], old[160];
	FILE *v;

	snprintf(victim, sizeof(victim), "%s/victim", f->dir);
	snprintf(tmp, sizeof(tmp), "%s.1.gz.tmp", f->path);
	v = fopen(victim, "w");
	assert_non_null(v);
	fputs("secret\n", v);
	fclose(v);
	assert_int_equal(symlink(victim, tmp), 0);
	assert_int_equal(rotfile_open(&rf, f->path, 1024, 5), 0);
	write_lines(&rf, 0, 52);
	rotfile_close(&rf);
	assert_int_equal(size_of(victim), 7);
	snprintf(old, sizeof(old), "%s.1.gz", f->path);
	assert_non_null(gunzip(old));
}

static void test_only_keep_old_files_stay_newest_first(void **state)
{
	struct fixture *f = *state;
	struct rotating_file rf;
	char old[160], *text;

	assert_int_equal(rotfile_open(&rf, f->path, 1024, 2), 0);
	/* 51 lines per file: files 0-50, 51-101, 102-152, 153-203, then 204. */
	write_lines(&rf, 0, 205);
	rotfile_close(&rf);
	snprintf(old, sizeof(old), "%s.3.gz", f->path);
	assert_int_equal(size_of(old), -1);
	snprintf(old, sizeof(old), "%s.1.gz", f->path);
	text = gunzip(old);
	assert_non_null(text);
	assert_memory_equal(text, "{\"n\":0000000000153}\n", 20);
	snprintf(old, sizeof(old), "%s.2.gz", f->path);
	text = gunzip(old);
	assert_non_null(text);
	assert_memory_equal(text, "{\"n\":0000000000102}\n", 20);
	assert_int_equal(size_of(f->path), 20);
}

static void test_reopening_appends_and_counts_what_is_there(void **state)
{
	struct fixture *f = *state;
	struct rotating_file rf;
	char old[160];

	assert_int_equal(rotfile_open(&rf, f->path, 1024, 1), 0);
	write_lines(&rf, 0, 50);
	rotfile_close(&rf);
	assert_int_equal(rotfile_open(&rf, f->path, 1024, 1), 0);
	assert_int_equal(rf.size, 1000);
	write_lines(&rf, 50, 52);
	rotfile_close(&rf);
	snprintf(old, sizeof(old), "%s.1.gz", f->path);
	assert_int_equal(strlen(gunzip(old)), 1020);
	assert_int_equal(size_of(f->path), 20);
}

static void test_keep_zero_truncates_without_old_files(void **state)
{
	struct fixture *f = *state;
	struct rotating_file rf;
	char old[160];

	assert_int_equal(rotfile_open(&rf, f->path, 1024, 0), 0);
	write_lines(&rf, 0, 60);
	rotfile_close(&rf);
	snprintf(old, sizeof(old), "%s.1.gz", f->path);
	assert_int_equal(size_of(old), -1);
	assert_int_equal(size_of(f->path), 9 * 20);
}

/* Every line numbered 0..N-1 exactly once, oldest file first in order:
 * read back with Python's gzip and json modules. */
static const char counter_py[] =
	"import glob, gzip, json, os, sys\n"
	"path, total = sys.argv[1], int(sys.argv[2])\n"
	"assert not os.path.exists(path + '.rotating'), 'left uncompressed'\n"
	"olds = sorted(glob.glob(path + '.*.gz'), key=lambda f: -int(f.split('.')[-2]))\n"
	"ns = []\n"
	"for f in olds:\n"
	"    ns += [json.loads(l)['n'] for l in gzip.open(f, 'rt')]\n"
	"ns += [json.loads(l)['n'] for l in open(path)]\n"
	"assert ns == list(range(total)), (len(ns), total)\n"
	"print(len(olds), 'old files,', len(ns), 'lines')\n";

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Lines that zlib cannot shrink much, so that compressing takes a while. */
static void line_of(int n, char *buf, size_t len)
{
	static uint64_t x = 88172645463325252ull;
	char pad[49];

	for (int i = 0; i < 48; i += 16) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		snprintf(pad + i, sizeof(pad) - i, "%016llx", (unsigned long long)x);
	}
	snprintf(buf, len, "{\"n\":%d,\"pad\":\"%s\"}", n, pad);
}

static int check_every_line_once(const struct fixture *f, int total)
{
	char py[160], cmd[512];
	FILE *out;

	snprintf(py, sizeof(py), "%s/count.py", f->dir);
	out = fopen(py, "w");
	assert_non_null(out);
	fputs(counter_py, out);
	fclose(out);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s %s %d", py, f->path, total);
	return system(cmd);
}

#define BIG_FILE (32 << 20)

static void test_lines_flow_while_a_large_file_compresses(void **state)
{
	struct fixture *f = *state;
	struct rotating_file rf;
	uint64_t t0, rotate_us, worst_us = 0, compress_us;
	int n = 0, during = 0;
	char line[128];
	FILE *big = fopen(f->path, "w");

	/* A full 32 MiB file, as the daemon finds it when it starts. */
	assert_non_null(big);
	while (ftell(big) < BIG_FILE) {
		line_of(n++, line, sizeof(line));
		fprintf(big, "%s\n", line);
	}
	fclose(big);
	assert_int_equal(rotfile_open(&rf, f->path, 64 << 10, 100), 0);
	t0 = now_us();
	line_of(n++, line, sizeof(line));
	assert_int_equal(rotfile_write_line(&rf, line), 0);
	rotate_us = now_us() - t0;
	/* The write that rotated came back with the compression under way, and
	 * lines go on into the new file: past its size too (deferred), never
	 * blocked. */
	assert_true(atomic_load(&rf.compressing));
	while (atomic_load(&rf.compressing) && during < 2000) {
		uint64_t t = now_us();

		line_of(n++, line, sizeof(line));
		assert_int_equal(rotfile_write_line(&rf, line), 0);
		t = now_us() - t;
		worst_us = t > worst_us ? t : worst_us;
		during++;
	}
	assert_int_equal(during, 2000);
	assert_true(rf.deferred > 0);
	assert_true(size_of(f->path) > 64 << 10);
	assert_int_equal(rotfile_wait(&rf), 0);
	compress_us = now_us() - t0;
	print_message("rotating write %llu us, worst write while compressing %llu us, "
		      "compression of 32 MiB %llu ms, %llu writes deferred\n",
		      (unsigned long long)rotate_us, (unsigned long long)worst_us,
		      (unsigned long long)compress_us / 1000, (unsigned long long)rf.deferred);
	assert_true(rotate_us < compress_us);
	/* Then rotations resume, each with its compression. */
	for (int i = 0; i < 3000; i++) {
		line_of(n++, line, sizeof(line));
		assert_int_equal(rotfile_write_line(&rf, line), 0);
	}
	rotfile_close(&rf);
	assert_int_equal(rf.compress_failures, 0);
	assert_int_equal(check_every_line_once(f, n), 0);
}

/* A crash mid-compression leaves FILE.rotating: the next rotation
 * compresses it first, and FILE waits its turn. */
static void test_leftover_rotating_file_is_compressed_first(void **state)
{
	struct fixture *f = *state;
	struct rotating_file rf;
	char staged[160], line[128];
	int n = 0;
	FILE *left;

	snprintf(staged, sizeof(staged), "%s.rotating", f->path);
	left = fopen(staged, "w");
	assert_non_null(left);
	for (; n < 100; n++) {
		line_of(n, line, sizeof(line));
		fprintf(left, "%s\n", line);
	}
	fclose(left);
	assert_int_equal(rotfile_open(&rf, f->path, 4096, 5), 0);
	for (int i = 0; i < 200; i++) {
		line_of(n++, line, sizeof(line));
		assert_int_equal(rotfile_write_line(&rf, line), 0);
		assert_int_equal(rotfile_wait(&rf), 0);
	}
	rotfile_close(&rf);
	assert_true(rf.deferred >= 1);
	assert_int_equal(check_every_line_once(f, n), 0);
}

/* --events /dev/stdout, a FIFO, /dev/null: not ours to chmod or rename.
 * (A chmod of /dev/null to 0640 once broke every program on the host that
 * is not root.) A FIFO of mode 0666 stands for them here. */
static void test_fifo_is_written_as_it_is_never_chmoded_or_rotated(void **state)
{
	struct fixture *f = *state;
	struct rotating_file rf;
	char line[128], staged[160], old[160], buf[65536];
	struct stat st;
	ssize_t got, total = 0;
	int rd;

	assert_int_equal(mkfifo(f->path, 0600), 0);
	assert_int_equal(chmod(f->path, 0666), 0);
	rd = open(f->path, O_RDONLY | O_NONBLOCK);
	assert_true(rd >= 0);
	assert_int_equal(rotfile_open(&rf, f->path, 256, 5), 0);
	for (int i = 0; i < 20; i++) {
		line_of(i, line, sizeof(line));
		assert_int_equal(rotfile_write_line(&rf, line), 0);
	}
	assert_int_equal(rotfile_wait(&rf), 0);
	rotfile_close(&rf);
	while ((got = read(rd, buf + total, sizeof(buf) - 1 - (size_t)total)) > 0)
		total += got;
	close(rd);
	buf[total] = 0;
	assert_int_equal(stat(f->path, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0666);
	snprintf(staged, sizeof(staged), "%s.rotating", f->path);
	snprintf(old, sizeof(old), "%s.1.gz", f->path);
	assert_int_equal(access(staged, F_OK), -1);
	assert_int_equal(access(old, F_OK), -1);
	/* line holds the last line written (line_of pads at random) */
	assert_non_null(strstr(buf, line));
	assert_true(total > 256);
}

static void test_unwritable_directory_is_an_error(void **state)
{
	struct rotating_file rf;

	(void)state;
	assert_int_equal(rotfile_open(&rf, "/nonexistent-juris-dir/events.json", 1024, 5), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_file_below_the_size_is_never_rotated, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_full_file_moves_to_dot_1_gz_without_splitting_a_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_path_that_is_a_symlink_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_rotation_never_writes_through_a_planted_temporary_link, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_only_keep_old_files_stay_newest_first, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reopening_appends_and_counts_what_is_there,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_keep_zero_truncates_without_old_files, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lines_flow_while_a_large_file_compresses,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_leftover_rotating_file_is_compressed_first,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_fifo_is_written_as_it_is_never_chmoded_or_rotated, setup, teardown),
		cmocka_unit_test(test_unwritable_directory_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
