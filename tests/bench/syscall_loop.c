/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* What the packet-socket hooks cost the rest of the host: the time of one
 * system call (getppid: sys_enter only) and of one UDP send to loopback
 * (sys_enter and the LSM's socket_sendmsg), best of several rounds.
 *
 * usage: syscall_loop N    prints "getppid NS_PER_CALL sendto NS_PER_CALL" */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 5

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9) };
	double best_pp = 1e18, best_send = 1e18;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	char byte = 0;

	if (s < 0 || n <= 0)
		return 1;
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int r = 0; r < ROUNDS; r++) {
		double t = now_ns();

		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
		t = (now_ns() - t) / n;
		best_pp = t < best_pp ? t : best_pp;
		t = now_ns();
		for (long i = 0; i < n / 10; i++)
			sendto(s, &byte, 1, 0, (struct sockaddr *)&to, sizeof(to));
		t = (now_ns() - t) / (n / 10);
		best_send = t < best_send ? t : best_send;
	}
	printf("getppid %.1f sendto %.1f\n", best_pp, best_send);
	close(s);
	return 0;
}
