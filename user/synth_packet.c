/* Synthetic packets for BPF_PROG_TEST_RUN: juris lookup and the benchmarks. */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <string.h>
#include "synth_packet.h"

size_t synth_udp_packet(unsigned char *pkt, int family, const unsigned char *src,
			const unsigned char *dst, uint16_t dport)
{
	struct ethhdr *eth = (struct ethhdr *)pkt;
	struct udphdr *udp;

	memset(pkt, 0, SYNTH_PACKET_MAX);
	if (family == AF_INET) {
		struct iphdr *ip = (struct iphdr *)(eth + 1);

		eth->h_proto = htons(ETH_P_IP);
		ip->version = 4;
		ip->ihl = 5;
		ip->ttl = 64;
		ip->protocol = IPPROTO_UDP;
		ip->tot_len = htons(sizeof(*ip) + sizeof(*udp));
		memcpy(&ip->saddr, src, 4);
		memcpy(&ip->daddr, dst, 4);
		udp = (struct udphdr *)(ip + 1);
	} else {
		struct ipv6hdr *ip6 = (struct ipv6hdr *)(eth + 1);

		eth->h_proto = htons(ETH_P_IPV6);
		ip6->version = 6;
		ip6->hop_limit = 64;
		ip6->nexthdr = IPPROTO_UDP;
		ip6->payload_len = htons(sizeof(*udp));
		memcpy(&ip6->saddr, src, 16);
		memcpy(&ip6->daddr, dst, 16);
		udp = (struct udphdr *)(ip6 + 1);
	}
	udp->source = htons(40000);
	udp->dest = htons(dport);
	udp->len = htons(sizeof(*udp));
	return (unsigned char *)(udp + 1) - pkt;
}
