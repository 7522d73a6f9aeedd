/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* make bench: small UDP datagrams over connected flows, bounded in time and count; prints pps. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_FLOWS 64
#define BATCH 32
#define PAYLOAD 18 /* 64-byte Ethernet frames with IPv4 */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One connected socket per flow, so that only the packet hooks run per
 * datagram (a connected socket skips cgroup/sendmsg). */
static int open_flows(const char *dst, int n, int *fds)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int family;

	if (inet_pton(AF_INET, dst, &s4->sin_addr) == 1) {
		family = AF_INET;
		len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, dst, &s6->sin6_addr) == 1) {
		family = AF_INET6;
		len = sizeof(*s6);
	} else {
		return -EINVAL;
	}
	ss.ss_family = family;
	for (int i = 0; i < n; i++) {
		uint16_t port = htons(9000 + i);

		if (family == AF_INET)
			s4->sin_port = port;
		else
			s6->sin6_port = port;
		fds[i] = socket(family, SOCK_DGRAM, 0);
		if (fds[i] < 0 || connect(fds[i], (struct sockaddr *)&ss, len))
			return -errno;
	}
	return 0;
}

int main(int argc, char **argv)
{
	char payload[PAYLOAD] = "juris bench";
	struct mmsghdr msgs[BATCH];
	struct iovec iov = { payload, sizeof(payload) };
	int fds[MAX_FLOWS], nflows;
	double seconds, start, t;
	long max_packets, sent = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: udp_flood DST FLOWS SECONDS MAX_PACKETS\n");
		return 2;
	}
	nflows = atoi(argv[2]);
	seconds = atof(argv[3]);
	max_packets = atol(argv[4]);
	if (nflows < 1 || nflows > MAX_FLOWS || seconds <= 0 || seconds > 60 || max_packets < 1) {
		fprintf(stderr, "udp_flood: FLOWS 1..%d, SECONDS 0..60, MAX_PACKETS > 0\n",
			MAX_FLOWS);
		return 2;
	}
	if (open_flows(argv[1], nflows, fds)) {
		fprintf(stderr, "udp_flood: cannot open flows to %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	start = now_s();
	t = start;
	for (long round = 0; sent < max_packets && t - start < seconds; round++) {
		int r = sendmmsg(fds[round % nflows], msgs, BATCH, 0);

		if (r > 0)
			sent += r;
		else if (errno != ENOBUFS && errno != EAGAIN && errno != ECONNREFUSED)
			break;
		if (round % 64 == 0)
			t = now_s();
	}
	t = now_s() - start;
	printf("%ld %.3f %.0f\n", sent, t, sent / t);
	return 0;
}
