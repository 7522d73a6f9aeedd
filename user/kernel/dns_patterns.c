/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The --except-domain patterns in the kernel map dns_patterns. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <bpf/bpf.h>
#include "policy/dns_pattern.h"
#include "kernel/dns_patterns.h"

int dns_fill_patterns(int fd, const char **patterns, int n)
{
	for (int i = 0; i < n; i++) {
		struct dns_pattern_key key;
		uint8_t kind, old;

		if (dns_pattern_parse(patterns[i], &key, &kind))
			return -EINVAL;
		if (!bpf_map_lookup_elem(fd, &key, &old))
			kind |= old;
		if (bpf_map_update_elem(fd, &key, &kind, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* The kinds patterns give key (0: none). */
static uint8_t kinds_of(const struct dns_pattern_key *key, const char **patterns, int n)
{
	uint8_t kinds = 0;

	for (int i = 0; i < n; i++) {
		struct dns_pattern_key k;
		uint8_t kind;

		if (!dns_pattern_parse(patterns[i], &k, &kind) && !memcmp(&k, key, sizeof(k)))
			kinds |= kind;
	}
	return kinds;
}

int dns_replace_patterns(int fd, const char **patterns, int n)
{
	struct dns_pattern_key key, next;
	bool more = !bpf_map_get_next_key(fd, NULL, &key);

	/* Narrow first: what neither the old nor the new list allows is
	 * never allowed in between. */
	while (more) {
		uint8_t want = kinds_of(&key, patterns, n), have;

		more = !bpf_map_get_next_key(fd, &key, &next);
		if (!bpf_map_lookup_elem(fd, &key, &have) && (have & ~want)) {
			if (want ? bpf_map_update_elem(fd, &key, &(uint8_t){ have & want }, BPF_ANY)
				 : bpf_map_delete_elem(fd, &key))
				return -errno;
		}
		key = next;
	}
	return dns_fill_patterns(fd, patterns, n);
}
