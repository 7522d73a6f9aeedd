/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* DNS answers in wire format (RFC 1035): the name queried and the addresses
 * it resolved to, through CNAME chains. */
#ifndef JURIS_DNS_PARSE_H
#define JURIS_DNS_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DNS_WIRE_NAME_MAX 255  /* RFC 1035 2.3.4, length octets included */
#define DNS_TEXT_NAME_MAX 1024 /* 255 octets as text, each at most "\DDD" */
#define DNS_MAX_RECORDS 64     /* answer records read; more are counted, not read */
#define DNS_MAX_ADDRS 64
#define DNS_MAX_CHAIN 16 /* CNAME hops followed from the question name */

struct dns_addr {
	int family;	  /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network order; IPv4 in the first four bytes */
	uint32_t ttl;	  /* seconds: the smallest TTL along the chain */
};

struct dns_result {
	char qname[DNS_TEXT_NAME_MAX]; /* lower case, dotted, no final dot */
	uint16_t qtype;
	uint8_t rcode;
	bool truncated; /* cut short (TC bit or capture): later records unseen */
	int n_addrs;	/* addresses of the question name, CNAMEs followed */
	struct dns_addr addrs[DNS_MAX_ADDRS];
	int n_cnames;	       /* CNAME hops followed */
	int records_skipped;   /* beyond DNS_MAX_RECORDS or DNS_MAX_ADDRS */
	int records_off_chain; /* answer records not on the question's CNAME chain */
};

/* Parses the first len bytes of a DNS response whose whole length is
 * msg_len (>= len; more means the capture was cut). Returns 0, or
 * -EBADMSG for a message that is not a well-formed response to one
 * question: bad compression pointers (forward, out of range, looping),
 * names over 255 octets, reserved label types, records that overrun the
 * message, counts the message cannot hold. A message cut short is not an
 * error: the records read before the cut count, and truncated is set. */
int dns_parse(const uint8_t *msg, size_t len, size_t msg_len, struct dns_result *r);

#endif
