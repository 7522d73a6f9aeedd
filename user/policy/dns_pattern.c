/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* --except-domain patterns to the keys the kernel looks up (bpf/dns.bpf.h):
 * the name in wire format, lower case, zero-padded. */
#include <errno.h>
#include <string.h>
#include "policy/dns_pattern.h"

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
		len--; /* the root's dot: "gouv.fr." is "gouv.fr" */
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
		i++; /* the dot, or past the end */
	}
	/* The final zero is already there: the key is zero-padded. */
	return 0;
}

uint32_t dns_pattern_id(const struct dns_pattern_key *key)
{
	uint32_t h = 2166136261u; /* FNV-1a: the id need only tell patterns apart */

	for (size_t i = 0; i < sizeof(key->name); i++)
		h = (h ^ key->name[i]) * 16777619u;
	return h;
}
