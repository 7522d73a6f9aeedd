/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Parsing and printing of IP addresses and CIDR prefixes. */
#ifndef JURIS_ADDR_H
#define JURIS_ADDR_H

#include <stddef.h>
#include <stdint.h>

struct ip_addr {
	int family;    /* AF_INET or AF_INET6 */
	uint8_t a[16]; /* network order; IPv4 in a[0..3] */
};

/* Parses an IPv4 or IPv6 address. An IPv4-mapped IPv6 address
 * (::ffff:a.b.c.d) comes back as the IPv4 address. Returns 0 or -EINVAL. */
int addr_parse(const char *s, struct ip_addr *out);

/* Parses ADDR or ADDR/LEN (a bare address is a host prefix). Host bits set
 * beyond LEN are an error (-EINVAL), as a typo is likelier than intent.
 * IPv4-mapped IPv6 prefixes of length >= 96 come back as IPv4. */
int cidr_parse(const char *s, struct ip_addr *out, int *len);

/* For a prefix refused only for its host bits (203.0.113.1/24), writes the
 * network it likely meant ("203.0.113.0/24") and returns 0; else -EINVAL. */
int cidr_network_of(const char *s, char *buf, size_t len);

/* Formats a (family, 16-byte) address; buf holds INET6_ADDRSTRLEN. */
const char *addr_format(int family, const uint8_t *a, char *buf, size_t len);

#endif
