/* --except-domain patterns to the keys the kernel looks up (bpf/dns.bpf.h):
 * the name in wire format, lower case, zero-padded. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <bpf/bpf.h>
#include "kernel/dns_pattern.h"

static int host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

int dns_pattern_parse(const char *s, struct dns_pattern_key *key, uint8_t *kind)
{
	size_t o = 0, len;

	memset(key, 0, sizeof(*key));
	*kind = DNS_MATCH_EXACT;
	if (!strncmp(s, "*.", 2)) {
		*kind = DNS_MATCH_SUBDOMAINS;
		s += 2;
	}
	len = strlen(s);
	if (len && s[len - 1] == '.')
		len--;		/* the root's dot: "gouv.fr." is "gouv.fr" */
	if (!len)
		return -EINVAL;
	for (size_t i = 0; i <= len;) {
		size_t start = o++, l = 0;

		for (; i < len && s[i] != '.'; i++, l++) {
			char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];

			if (!host_char(c) || o + 1 >= DNS_NAME_MAX)
				return -EINVAL;
			key->name[o++] = (uint8_t)c;
		}
		if (!l || l > 63)
			return -EINVAL;
		key->name[start] = (uint8_t)l;
		i++;		/* the dot, or past the end */
	}
	/* The final zero is already there: the key is zero-padded. */
	return 0;
}

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
