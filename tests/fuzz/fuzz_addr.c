/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* libFuzzer target: address and CIDR parsing, printing and prefix merging. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "base/addr.h"
#include "policy/compile.h"

#define LINE_MAX_FUZZ 256

/* What parses must print back to itself: a parser and a printer that
 * disagree would let a rule mean something other than what it says. */
static void check_addr(const char *s)
{
	struct ip_addr a, b;
	char buf[64];

	if (addr_parse(s, &a))
		return;
	addr_format(a.family, a.a, buf, sizeof(buf));
	if (addr_parse(buf, &b) || memcmp(&a, &b, sizeof(a))) {
		fprintf(stderr, "addr round trip: '%s' -> '%s'\n", s, buf);
		abort();
	}
}

static void check_cidr(const char *s, struct prefix_list *v4, struct prefix_list *v6, unsigned idx)
{
	struct ip_addr a, b;
	char buf[80], text[64];
	struct net_prefix np = { 0 };
	int len, len2;

	if (cidr_parse(s, &a, &len))
		return;
	snprintf(buf, sizeof(buf), "%s/%d", addr_format(a.family, a.a, text, sizeof(text)), len);
	if (cidr_parse(buf, &b, &len2) || memcmp(&a, &b, sizeof(a)) || len != len2) {
		fprintf(stderr, "cidr round trip: '%s' -> '%s'\n", s, buf);
		abort();
	}
	memcpy(np.addr, a.a, sizeof(np.addr));
	np.len = (uint8_t)len;
	/* Two classes, so that the merge both folds and keeps siblings. */
	np.cc[0] = 'F';
	np.cc[1] = idx & 1 ? 'R' : 'D';
	np.zone = idx & 1;
	if (prefix_list_push(a.family == AF_INET ? v4 : v6, &np))
		abort();
}

/* One address or CIDR per line; the valid prefixes are then merged. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prefix_list v4 = { 0 }, v6 = { 0 };
	char line[LINE_MAX_FUZZ + 1];
	size_t i = 0;
	unsigned idx = 0;

	while (i < size) {
		size_t n = 0;

		/* A line keeps its NULs and bytes: the parsers see a C string
		 * cut at the first NUL, as they would from argv or a file. */
		while (i < size && data[i] != '\n') {
			if (n < LINE_MAX_FUZZ)
				line[n++] = (char)data[i];
			i++;
		}
		i++;
		line[n] = '\0';
		check_addr(line);
		check_cidr(line, &v4, &v6, idx++);
	}
	prefix_merge(&v4, 32);
	prefix_merge(&v6, 128);
	prefix_list_free(&v4);
	prefix_list_free(&v6);
	return 0;
}
