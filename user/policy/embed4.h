/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* IPv6 addresses that carry an IPv4 destination: the --nat64-prefix list
 * and the extraction, shared with the BPF classifier (bpf/embedded_v4.h). */
#ifndef JURIS_POLICY_EMBED4_H
#define JURIS_POLICY_EMBED4_H

#include <stddef.h>
#include <stdint.h>
#include "embedded_v4.h"

/* The network-specific NAT64 prefixes of a policy, as juris_config holds them. */
struct nat64_list {
	uint32_t n;
	struct nat64_prefix v[NAT64_PREFIXES_MAX];
};

/* Parses PREFIX/LEN: an IPv6 prefix of length 32, 40, 48, 56, 64 or 96
 * (RFC 6052 2.2) without host bits. Returns 0 or -EINVAL. */
int nat64_prefix_parse(const char *text, struct nat64_prefix *p);

/* Adds a parsed prefix to l: -EINVAL when text is not one, -E2BIG when
 * l is full (NAT64_PREFIXES_MAX). A prefix listed twice is kept once. */
int nat64_list_add(struct nat64_list *l, const char *text);

/* PREFIX/LEN of p, in buf (at least INET6_ADDRSTRLEN + 4 bytes). */
const char *nat64_prefix_format(const struct nat64_prefix *p, char *buf, size_t len);

/* Writes l into the NAT64 prefixes of cfg (NULL: none). */
void config_set_nat64(struct juris_config *cfg, const struct nat64_list *l);

/* The list the NAT64 prefixes of cfg make. */
void config_get_nat64(const struct juris_config *cfg, struct nat64_list *l);

/* The IPv4 address (network order, in v4) that the IPv6 address a carries
 * under the prefixes of l (NULL: none configured); returns its enum
 * embed4_kind, EMBED4_NONE when it carries none. The kernel's classifier
 * runs the same code. */
int embedded_ipv4(const struct nat64_list *l, const uint8_t a[16], uint8_t v4[4]);

/* "ipv4-mapped", "nat64", "6to4", "teredo"; "" for EMBED4_NONE. */
const char *embed4_kind_name(int kind);

#endif
