/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The test databases of the unit tests: tests/data/make-testdbs.pl writes
 * them into $JURIS_TESTDATA (tests/run.sh does both). Include after
 * cmocka.h. */
#ifndef JURIS_TEST_TESTDATA_H
#define JURIS_TEST_TESTDATA_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The path of test file name; fails the test when it is not there. */
static const char *testdata(const char *name)
{
	static char path[4096];
	const char *dir = getenv("JURIS_TESTDATA");

	if (!dir || !*dir)
		fail_msg("JURIS_TESTDATA is not set: run perl tests/data/make-testdbs.pl DIR "
			 "and export JURIS_TESTDATA=DIR (tests/run.sh does both)");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (access(path, R_OK))
		fail_msg("%s: %s (run perl tests/data/make-testdbs.pl %s)", path, strerror(errno),
			 dir);
	return path;
}

#endif
