/* Unit tests of the size-based, gzipping rotation of the event file. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>
#include "rotate.h"

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

static void write_lines(struct rotating_file *rf, int from, int to)
{
	char line[64];

	for (int i = from; i < to; i++) {
		/* 20 bytes with the newline. */
		snprintf(line, sizeof(line), "{\"n\":%013d}", i);
		assert_int_equal(rotfile_write_line(rf, line), 0);
	}
}

static void test_file_below_the_size_is_never_rotated(void **state)
{
	struct fixture *f = *state;
	struct rotating_file rf;
	char old[160];

	assert_int_equal(rotfile_open(&rf, f->path, 1024, 5), 0);
	write_lines(&rf, 0, 51);		/* 1020 bytes */
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
	write_lines(&rf, 0, 52);		/* the 52nd line would pass 1024 */
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
		cmocka_unit_test_setup_teardown(test_only_keep_old_files_stay_newest_first, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reopening_appends_and_counts_what_is_there,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_keep_zero_truncates_without_old_files, setup,
						teardown),
		cmocka_unit_test(test_unwritable_directory_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
