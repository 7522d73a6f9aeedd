/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Replays a fuzz target's corpus as cmocka tests, one per file, without libFuzzer. */
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A crash or a sanitizer report ends the binary: tests/run.sh counts that
 * as a failure, and the test name printed before it names the file. */
static void replay_file(void **state)
{
	const char *path = *state;
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	/* A copy of exactly n bytes, so that ASan sees any overread. */
	buf = malloc(n ? (size_t)n : 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int main(void)
{
	const char *dir = getenv("JURIS_FUZZ_CORPUS") ? getenv("JURIS_FUZZ_CORPUS") : CORPUS_DIR;
	struct dirent **list;
	struct CMUnitTest *tests;
	char **paths;
	int n, count = 0, ret;

	n = scandir(dir, &list, NULL, by_name);
	if (n < 0) {
		fprintf(stderr, "cannot read the corpus %s\n", dir);
		return 1;
	}
	tests = calloc((size_t)n + 1, sizeof(*tests));
	paths = calloc((size_t)n + 1, sizeof(*paths));
	if (!tests || !paths)
		return 1;
	for (int i = 0; i < n; i++) {
		if (list[i]->d_name[0] != '.' &&
		    asprintf(&paths[count], "%s/%s", dir, list[i]->d_name) > 0) {
			tests[count].name = paths[count] + strlen(dir) + 1;
			tests[count].test_func = replay_file;
			tests[count].initial_state = paths[count];
			count++;
		}
		free(list[i]);
	}
	free(list);
	ret = _cmocka_run_group_tests(TARGET_NAME, tests, (size_t)count, NULL, NULL);
	for (int i = 0; i < count; i++)
		free(paths[i]);
	free(paths);
	free(tests);
	return ret;
}
