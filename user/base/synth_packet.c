/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Synthetic packets for BPF_PROG_TEST_RUN: juris lookup and the benchmarks. */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <string.h>
#include "base/synth_packet.h"

/* Headers are built in aligned locals and copied in: after the 14-byte
 * Ethernet header, the IP header is never 4-byte aligned in pkt. */
size_t synth_udp_packet(unsigned char *pkt, int family, const unsigned char *src,
			const unsigned char *dst, uint16_t dport)
{
	struct ethhdr eth = { 0 };
	struct udphdr udp = { .source = htons(40000),
			      .dest = htons(dport),
			      .len = htons(sizeof(udp)) };
	size_t off = sizeof(eth);

	memset(pkt, 0, SYNTH_PACKET_MAX);
	if (family == AF_INET) {
		struct iphdr ip = { .version = 4,
				    .ihl = 5,
				    .ttl = 64,
				    .protocol = IPPROTO_UDP,
				    .tot_len = htons(sizeof(ip) + sizeof(udp)) };

		eth.h_proto = htons(ETH_P_IP);
		memcpy(&ip.saddr, src, 4);
		memcpy(&ip.daddr, dst, 4);
		memcpy(pkt + off, &ip, sizeof(ip));
		off += sizeof(ip);
	} else {
		struct ipv6hdr ip6 = { .version = 6,
				       .hop_limit = 64,
				       .nexthdr = IPPROTO_UDP,
				       .payload_len = htons(sizeof(udp)) };

		eth.h_proto = htons(ETH_P_IPV6);
		memcpy(&ip6.saddr, src, 16);
		memcpy(&ip6.daddr, dst, 16);
		memcpy(pkt + off, &ip6, sizeof(ip6));
		off += sizeof(ip6);
	}
	memcpy(pkt, &eth, sizeof(eth));
	memcpy(pkt + off, &udp, sizeof(udp));
	return off + sizeof(udp);
}
