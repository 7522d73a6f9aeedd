/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* libFuzzer target: hostile bytes as a .mmdb or .mmdb.gz through the database compiler. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>
#include "fuzz_input.h"
#include "policy/compile.h"

/* A small cap keeps a gzip bomb from costing the fuzzer seconds and
 * hundreds of MiB per input; the code path is the same as with 1 GiB. */
#define FUZZ_GZ_MAX (4u << 20)

/* First byte: bit 0 set means "gzip the rest first", so that the mutations
 * land in the MaxMind DB inside a valid gzip stream. Otherwise the rest is
 * the file as is (and may itself be a hostile gzip stream: the compiler
 * knows gzip by its magic, not by the file name). */

/* libmaxminddb before 1.12 leaks its metadata decoding lists when
 * MMDB_open refuses a file (upstream pull request #356): a few KiB per
 * refused file, out of our reach through the public API (juris refuses
 * and exits, or refuses a reload now and then). Tell LeakSanitizer, so
 * that the fuzzer looks for our leaks, not that known one. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libmaxminddb.so\n";
}

static struct zone_table *zones(void)
{
	static struct zone_table *zt;
	char err[256];

	if (!zt && zone_table_new(&zt, false, err, sizeof(err))) {
		fprintf(stderr, "fuzz_geodb: zone tables: %s\n", err);
		abort();
	}
	return zt;
}

/* The steps of compile_geodb after the read, through the public API. */
static void finish(struct prefix_list *l, const struct zone_table *zt,
		   const struct prefix_list *local, int bits)
{
	for (size_t i = 0; i < l->n; i++)
		l->v[i].zone = zone_of_country(zt, l->v[i].cc);
	if (prefix_apply_local(l, local, bits))
		return;
	prefix_merge(l, bits);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prefix_list v4 = { 0 }, v6 = { 0 };
	const struct zone_table *zt = zones();
	struct geodb_info info;
	char path[64], err[512];
	int fd;

	if (size < 1)
		return 0;
	fd = memfd_create("fuzz-geodb", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (write_input(fd, data + 1, size - 1, data[0] & FLAG_GZIP)) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (!geodb_read_max(path, FUZZ_GZ_MAX, &v4, &v6, &info, err, sizeof(err))) {
		finish(&v4, zt, zone_local_v4(zt), 32);
		finish(&v6, zt, zone_local_v6(zt), 128);
	}
	prefix_list_free(&v4);
	prefix_list_free(&v6);
	close(fd);
	return 0;
}
