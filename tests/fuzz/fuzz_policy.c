/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* libFuzzer target: the policy file, through the same path as juris check
 * (options_parse with -c), and the round trip of the effective policy:
 * what juris check prints must read back to the same policy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "cli/options.h"
#include "cli/policy_print.h"

/* Parses the text as the policy file of "juris check"; the printed
 * effective policy, or NULL when the file is refused. */
static char *effective_policy(int fd, const char *text, size_t len)
{
	char path[64], *argv[5], *out = NULL;
	struct juris_opts o;
	size_t out_len;
	FILE *f;

	if (ftruncate(fd, 0) || pwrite(fd, text, len, 0) != (ssize_t)len)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	argv[0] = "juris";
	argv[1] = "check";
	argv[2] = "-c";
	argv[3] = path;
	argv[4] = NULL;
	if (options_parse(4, argv, &o) == 0) {
		f = open_memstream(&out, &out_len);
		if (!f)
			abort();
		options_print_policy(f, &o, "/db");
		fclose(f);
	}
	options_free(&o);
	return out;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static int fd = -1;
	char *first, *second;

	if (fd < 0)
		fd = memfd_create("fuzz_policy", 0);
	if (fd < 0)
		abort();
	first = effective_policy(fd, (const char *)data, size);
	if (!first)
		return 0;
	second = effective_policy(fd, first, strlen(first));
	if (!second || strcmp(first, second)) {
		fprintf(stderr, "policy round trip differs:\n--- first\n%s--- second\n%s", first,
			second ? second : "(refused)\n");
		abort();
	}
	free(first);
	free(second);
	return 0;
}
