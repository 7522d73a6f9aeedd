/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* libFuzzer target: the DNS response parser, on whole messages and on the
 * same bytes cut short as a capture would cut them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/dns_parse.h"

static void check(const struct dns_result *r)
{
	/* The counts stay in their arrays, the name is a C string. */
	if (r->n_addrs < 0 || r->n_addrs > DNS_MAX_ADDRS || r->n_cnames > DNS_MAX_CHAIN ||
	    !memchr(r->qname, 0, sizeof(r->qname))) {
		fprintf(stderr, "dns_parse: result out of bounds\n");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_result *r = malloc(sizeof(*r));

	if (!r)
		return 0;
	if (!dns_parse(data, size, size, r))
		check(r);
	/* A capture that kept half of a message twice that long. */
	if (!dns_parse(data, size / 2, size, r))
		check(r);
	free(r);
	return 0;
}
