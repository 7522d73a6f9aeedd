/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Synthetic packets for BPF_PROG_TEST_RUN: juris lookup and the benchmarks. */
#ifndef JURIS_SYNTH_PACKET_H
#define JURIS_SYNTH_PACKET_H

#include <stddef.h>
#include <stdint.h>

/* Room for the largest packet synth_udp_packet() builds. */
#define SYNTH_PACKET_MAX 128

/* Writes Ethernet + IPv4/IPv6 + UDP from src:40000 to dst:dport (addresses
 * in network order, 4 or 16 bytes) into pkt (SYNTH_PACKET_MAX bytes) and
 * returns its length. */
size_t synth_udp_packet(unsigned char *pkt, int family, const unsigned char *src,
			const unsigned char *dst, uint16_t dport);

#endif
