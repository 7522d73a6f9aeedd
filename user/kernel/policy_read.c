/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The exceptions in force, read from the kernel rather than from a policy
 * file that may have changed since: what the report shows is what the
 * programs apply. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "base/addr.h"
#include "kernel/policy_read.h"
#include "kernel/slots.h"

static int push(char ***list, size_t *n, const char *s)
{
	char **grown = realloc(*list, (*n + 1) * sizeof(**list));

	if (!grown)
		return -ENOMEM;
	*list = grown;
	grown[*n] = strdup(s);
	if (!grown[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The prefixes of one family's trie in the live slot of outer. */
static int read_trie(int outer, __u32 slot, int family, char ***list, size_t *n)
{
	union {
		struct geo_key4 v4;
		struct geo_key6 v6;
	} key, next;
	__u32 id;
	void *prev = NULL;
	char buf[64], text[80];
	int fd, ret = 0;

	if (bpf_map_lookup_elem(outer, &slot, &id))
		return errno == ENOENT ? 0 : -errno; /* no exception of this family */
	fd = bpf_map_get_fd_by_id(id);
	if (fd < 0)
		return -errno;
	while (!ret && !bpf_map_get_next_key(fd, prev, &next)) {
		const __u8 *a = family == AF_INET ? next.v4.addr : next.v6.addr;
		__u32 len = family == AF_INET ? next.v4.prefixlen : next.v6.prefixlen;

		snprintf(text, sizeof(text), "%s/%u", addr_format(family, a, buf, sizeof(buf)),
			 len);
		ret = push(list, n, text);
		key = next;
		prev = &key;
	}
	close(fd);
	return ret;
}

/* "gouv.fr" from the wire format of a dns_patterns key. */
static void pattern_text(const struct dns_pattern_key *k, char *out, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < DNS_NAME_MAX && k->name[i] && o + 1 < len;) {
		size_t l = k->name[i++];

		if (o)
			out[o++] = '.';
		for (size_t j = 0; j < l && i < DNS_NAME_MAX && o + 1 < len; j++)
			out[o++] = (char)k->name[i++];
	}
	out[o] = 0;
}

static int read_patterns(int fd, char ***list, size_t *n)
{
	struct dns_pattern_key key, next;
	void *prev = NULL;
	char name[DNS_NAME_MAX + 2], text[DNS_NAME_MAX + 4];
	__u8 kind;
	int ret = 0;

	while (!ret && !bpf_map_get_next_key(fd, prev, &next)) {
		if (!bpf_map_lookup_elem(fd, &next, &kind)) {
			pattern_text(&next, name, sizeof(name));
			if (kind & DNS_MATCH_EXACT)
				ret = push(list, n, name);
			snprintf(text, sizeof(text), "*.%s", name);
			if (!ret && (kind & DNS_MATCH_SUBDOMAINS))
				ret = push(list, n, text);
		}
		key = next;
		prev = &key;
	}
	return ret;
}

int policy_read_exceptions(const struct juris_maps *m, char ***list, size_t *n)
{
	size_t cidrs;
	__u32 slot;
	int ret = slot_active(m, &slot);

	*list = NULL;
	*n = 0;
	if (!ret)
		ret = read_trie(m->fd[MAP_EXCEPT_V4], slot, AF_INET, list, n);
	if (!ret)
		ret = read_trie(m->fd[MAP_EXCEPT_V6], slot, AF_INET6, list, n);
	cidrs = *n;
	if (!ret && m->fd[MAP_DNS_PATTERNS] >= 0)
		ret = read_patterns(m->fd[MAP_DNS_PATTERNS], list, n);
	if (ret) {
		policy_read_free(*list, *n);
		*list = NULL;
		*n = 0;
		return ret;
	}
	qsort(*list, cidrs, sizeof(**list), cmp_str);
	qsort(*list + cidrs, *n - cidrs, sizeof(**list), cmp_str);
	return 0;
}

void policy_read_free(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}
