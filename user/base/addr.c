/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Parsing and printing of IP addresses and CIDR prefixes (see addr.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "base/addr.h"

/* Longest text worth handing to inet_pton: a full IPv6 address with an
 * embedded dotted quad. Anything longer is garbage, and a bound keeps the
 * copy below on the stack. */
#define ADDR_TEXT_MAX (INET6_ADDRSTRLEN - 1)

static const uint8_t v4mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
};

static bool is_v4mapped(const uint8_t *a)
{
	return !memcmp(a, v4mapped_prefix, sizeof(v4mapped_prefix));
}

/* Parses without folding ::ffff:a.b.c.d, so that cidr_parse can decide
 * from the prefix length whether the prefix is really an IPv4 one. */
static int parse_raw(const char *s, size_t n, struct ip_addr *out)
{
	char buf[ADDR_TEXT_MAX + 1];

	if (n == 0 || n > ADDR_TEXT_MAX)
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, out->a) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, out->a) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

static void fold_v4mapped(struct ip_addr *ip)
{
	memmove(ip->a, ip->a + 12, 4);
	memset(ip->a + 4, 0, 12);
	ip->family = AF_INET;
}

int addr_parse(const char *s, struct ip_addr *out)
{
	struct ip_addr ip;
	int ret;

	if (!s || !out)
		return -EINVAL;
	ret = parse_raw(s, strlen(s), &ip);
	if (ret)
		return ret;
	if (ip.family == AF_INET6 && is_v4mapped(ip.a))
		fold_v4mapped(&ip);
	*out = ip;
	return 0;
}

/* Strict decimal: no sign, no spaces, no hex; at most three digits, which
 * also keeps the value far from overflow. */
static int parse_prefix_len(const char *s, int max)
{
	int v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 3)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	return v > max ? -EINVAL : v;
}

static bool host_bits_clear(const uint8_t *a, int bytes, int len)
{
	for (int i = 0; i < bytes; i++) {
		int keep = len - i * 8;
		uint8_t mask;

		if (keep >= 8)
			continue;
		mask = keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
		if (a[i] & ~mask)
			return false;
	}
	return true;
}

int cidr_parse(const char *s, struct ip_addr *out, int *len)
{
	const char *slash;
	struct ip_addr ip;
	int plen, max, ret;

	if (!s || !out || !len)
		return -EINVAL;
	slash = strchr(s, '/');
	ret = parse_raw(s, slash ? (size_t)(slash - s) : strlen(s), &ip);
	if (ret)
		return ret;
	max = ip.family == AF_INET ? 32 : 128;
	if (slash) {
		plen = parse_prefix_len(slash + 1, max);
		if (plen < 0)
			return plen;
	} else {
		plen = max;
	}
	/* ::ffff:0:0/96 and longer lie wholly inside the IPv4-mapped block;
	 * shorter prefixes also cover real IPv6 space and stay IPv6. */
	if (ip.family == AF_INET6 && plen >= 96 && is_v4mapped(ip.a)) {
		fold_v4mapped(&ip);
		plen -= 96;
	}
	if (!host_bits_clear(ip.a, ip.family == AF_INET ? 4 : 16, plen))
		return -EINVAL;
	*out = ip;
	*len = plen;
	return 0;
}

int cidr_network_of(const char *s, char *buf, size_t len)
{
	const char *slash = s ? strchr(s, '/') : NULL;
	struct ip_addr ip;
	int plen, n;
	char text[INET6_ADDRSTRLEN];

	if (!slash || parse_raw(s, (size_t)(slash - s), &ip))
		return -EINVAL;
	n = ip.family == AF_INET ? 4 : 16;
	plen = parse_prefix_len(slash + 1, n * 8);
	if (plen < 0 || host_bits_clear(ip.a, n, plen))
		return -EINVAL;
	for (int i = 0; i < n; i++) {
		int keep = plen - i * 8;

		ip.a[i] &= keep >= 8 ? 0xff : keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
	}
	snprintf(buf, len, "%s/%d", addr_format(ip.family, ip.a, text, sizeof(text)), plen);
	return 0;
}

const char *addr_format(int family, const uint8_t *a, char *buf, size_t len)
{
	/* Callers print the result directly: never hand them NULL. */
	if (!buf || len == 0)
		return "";
	if ((family != AF_INET && family != AF_INET6) || !a ||
	    !inet_ntop(family, a, buf,
		       len > INET6_ADDRSTRLEN ? INET6_ADDRSTRLEN : (socklen_t)len)) {
		snprintf(buf, len, "?");
	}
	return buf;
}
