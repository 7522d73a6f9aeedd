/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Which IPv4 destination an IPv6 address carries: one definition for the BPF
 * classifier and for userspace (juris lookup, events, reports), so that
 * what the kernel judged and what the reports show never drift apart. */
#ifndef JURIS_EMBEDDED_V4_H
#define JURIS_EMBEDDED_V4_H

#include "juris.h"

enum embed4_kind {
	EMBED4_NONE = 0,
	EMBED4_MAPPED,	  /* ::ffff:0:0/96 (RFC 4291 2.5.5.2) */
	EMBED4_NAT64_WKP, /* 64:ff9b::/96, the well-known prefix (RFC 6052 2.1) */
	EMBED4_NAT64,	  /* a network-specific prefix, --nat64-prefix (RFC 6052 2.2) */
	EMBED4_6TO4,	  /* 2002::/16, bits 16..47 (RFC 3056) */
	EMBED4_TEREDO,	  /* 2001::/32, the client: last 32 bits inverted (RFC 4380 4) */
	EMBED4_KIND_MAX,
};

/* Constants of the address words, which are read in network order. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define EMBED4_BE32(x) __builtin_bswap32(x)
#else
#define EMBED4_BE32(x) (x)
#endif

/* RFC 6052 2.2: the IPv4 address follows a prefix of len bits, bits 64..71
 * (the u-octet) skipped. Its value is not checked: a translator that
 * ignores it still reaches the same IPv4 address. */
static inline __attribute__((always_inline)) void embed4_rfc6052(const __u8 *a, __u32 len, __u8 *v4)
{
	switch (len) {
	case 32:
		v4[0] = a[4], v4[1] = a[5], v4[2] = a[6], v4[3] = a[7];
		break;
	case 40:
		v4[0] = a[5], v4[1] = a[6], v4[2] = a[7], v4[3] = a[9];
		break;
	case 48:
		v4[0] = a[6], v4[1] = a[7], v4[2] = a[9], v4[3] = a[10];
		break;
	case 56:
		v4[0] = a[7], v4[1] = a[9], v4[2] = a[10], v4[3] = a[11];
		break;
	case 64:
		v4[0] = a[9], v4[1] = a[10], v4[2] = a[11], v4[3] = a[12];
		break;
	default: /* 96 */
		v4[0] = a[12], v4[1] = a[13], v4[2] = a[14], v4[3] = a[15];
		break;
	}
}

static inline __attribute__((always_inline)) int embed4_in_prefix(const struct nat64_prefix *p,
								  const __u32 *w)
{
	__u32 pa[4], m[4];

	__builtin_memcpy(pa, p->addr, 16);
	__builtin_memcpy(m, p->mask, 16);
	return !(((w[0] & m[0]) ^ pa[0]) | ((w[1] & m[1]) ^ pa[1]) | ((w[2] & m[2]) ^ pa[2]) |
		 ((w[3] & m[3]) ^ pa[3]));
}

/* The IPv4 address (network order, in v4) that IPv6 address a carries;
 * returns its enum embed4_kind, EMBED4_NONE when it carries none. nat64:
 * the n configured prefixes (at most NAT64_PREFIXES_MAX), tried before
 * 6to4 and Teredo so that a network's own prefix wins. */
static inline __attribute__((always_inline)) int embed4_find(const struct nat64_prefix *nat64,
							     __u32 n, const __u8 *a, __u8 *v4)
{
	__u32 w[4];

	__builtin_memcpy(w, a, 16);
	if (w[0] == 0 && w[1] == 0 && w[2] == EMBED4_BE32(0xffff)) {
		__builtin_memcpy(v4, &a[12], 4);
		return EMBED4_MAPPED;
	}
	if (w[0] == EMBED4_BE32(0x0064ff9b) && w[1] == 0 && w[2] == 0) {
		__builtin_memcpy(v4, &a[12], 4);
		return EMBED4_NAT64_WKP;
	}
	for (__u32 i = 0; i < NAT64_PREFIXES_MAX; i++) {
		if (i >= n)
			break;
		if (embed4_in_prefix(&nat64[i], w)) {
			embed4_rfc6052(a, nat64[i].len, v4);
			return EMBED4_NAT64;
		}
	}
	if ((w[0] & EMBED4_BE32(0xffff0000)) == EMBED4_BE32(0x20020000)) {
		__builtin_memcpy(v4, &a[2], 4);
		return EMBED4_6TO4;
	}
	if (w[0] == EMBED4_BE32(0x20010000)) {
		__u32 client = ~w[3];

		__builtin_memcpy(v4, &client, 4);
		return EMBED4_TEREDO;
	}
	return EMBED4_NONE;
}

#endif /* JURIS_EMBEDDED_V4_H */
