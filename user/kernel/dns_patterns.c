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
		struct dns_pattern_val v = { 0 }, old;
		uint8_t kind;

		if (dns_pattern_parse(patterns[i], &key, &kind))
			return -EINVAL;
		v.kind = kind;
		v.id = dns_pattern_id(&key);
		if (!bpf_map_lookup_elem(fd, &key, &old))
			v.kind |= old.kind;
		if (bpf_map_update_elem(fd, &key, &v, BPF_ANY))
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

int dns_narrow_patterns(int fd, const char **patterns, int n)
{
	struct dns_pattern_key key, next;
	bool more = !bpf_map_get_next_key(fd, NULL, &key);

	while (more) {
		uint8_t want = kinds_of(&key, patterns, n);
		struct dns_pattern_val have;

		more = !bpf_map_get_next_key(fd, &key, &next);
		if (!bpf_map_lookup_elem(fd, &key, &have) && (have.kind & ~want)) {
			have.kind &= want;
			if (want ? bpf_map_update_elem(fd, &key, &have, BPF_ANY)
				 : bpf_map_delete_elem(fd, &key))
				return -errno;
		}
		key = next;
	}
	return 0;
}

int dns_replace_patterns(int fd, const char **patterns, int n)
{
	/* Narrow first: what neither the old nor the new list allows is
	 * never allowed in between. */
	int ret = dns_narrow_patterns(fd, patterns, n);

	return ret ? ret : dns_fill_patterns(fd, patterns, n);
}

/* Does a pattern of the map fd still allow what (id, kind) allowed? */
static bool pattern_holds(int fd, uint32_t id, uint8_t kind)
{
	struct dns_pattern_key key, next;
	struct dns_pattern_val v;
	bool more = !bpf_map_get_next_key(fd, NULL, &key);

	while (more) {
		if (!bpf_map_lookup_elem(fd, &key, &v) && v.id == id && (v.kind & kind))
			return true;
		more = !bpf_map_get_next_key(fd, &key, &next);
		key = next;
	}
	return false;
}

int dns_revoke_excepts(int patterns_fd, int except_fd)
{
	struct dns_addr_key key, next;
	struct dns_except_val v;
	bool more = !bpf_map_get_next_key(except_fd, NULL, &key);
	int revoked = 0;

	while (more) {
		more = !bpf_map_get_next_key(except_fd, &key, &next);
		if (!bpf_map_lookup_elem(except_fd, &key, &v) &&
		    !pattern_holds(patterns_fd, v.pattern_id, v.kind)) {
			if (bpf_map_delete_elem(except_fd, &key) && errno != ENOENT)
				return -errno;
			revoked++;
		}
		key = next;
	}
	return revoked;
}
