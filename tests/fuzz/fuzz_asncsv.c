/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* libFuzzer target: hostile bytes as an ASN CSV (plain or gzip) through the overlay compiler, and as an operators file. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>
#include "fuzz_input.h"
#include "policy/asndb.h"

/* First byte: bit 0 set means "gzip the rest first", so that mutations
 * land in the CSV inside a valid gzip stream; otherwise the rest is the
 * file as is (gzopen reads plain text and gzip alike). */

static const struct operator_table *operators(void)
{
	static struct operator_table t;
	char err[256];

	if (!t.n && operator_table_builtin(&t, err, sizeof(err))) {
		fprintf(stderr, "fuzz_asncsv: operators: %s\n", err);
		abort();
	}
	return &t;
}

/* Every prefix the compiler returns must be a valid, sorted, listed one. */
static void check(const struct asn_list *l, int bits, const struct operator_table *ops)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct asn_prefix *p = &l->v[i];

		if (p->len > bits || !operator_find(ops, p->asn))
			abort();
		for (int b = p->len; b < bits; b++)
			if (p->addr[b / 8] >> (7 - b % 8) & 1)
				abort();
		if (i && memcmp(l->v[i - 1].addr, p->addr, 16) >= 0)
			abort();
	}
}

static void as_operators_file(const uint8_t *data, size_t size)
{
	struct operator_table t = { 0 };
	char *text = malloc(size + 1);
	char err[256];

	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = 0;
	operator_table_parse(&t, "fuzz.txt", text, err, sizeof(err));
	operator_table_set(&t, text, err, sizeof(err));
	operator_table_free(&t);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct operator_table *ops = operators();
	struct asn_list v4 = { 0 }, v6 = { 0 };
	struct asndb_info info;
	char path[64], err[256];
	int fd;

	if (!size)
		return 0;
	as_operators_file(data + 1, size - 1);
	fd = memfd_create("fuzz-asncsv", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write_input(fd, data + 1, size - 1, data[0] & FLAG_GZIP)) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (!asndb_compile(path, ops, &v4, &v6, &info, err, sizeof(err))) {
		check(&v4, 32, ops);
		check(&v6, 128, ops);
	}
	asn_list_free(&v4);
	asn_list_free(&v6);
	close(fd);
	return 0;
}
