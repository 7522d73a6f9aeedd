/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* A minimal rtnetlink dump client: the routing table and tc filter lists. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "base/netlink.h"

#define NL_BUF 32768

static int nl_read(int fd, __u32 seq, nl_cb cb, void *ctx)
{
	/* Aligned for struct nlmsghdr: the kernel packs messages on 4 bytes. */
	char buf[NL_BUF] __attribute__((aligned(8)));

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;
		size_t left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		left = (size_t)n;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			int ret;

			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error;
			}
			ret = cb(h, ctx);
			if (ret)
				return ret;
		}
	}
}

int nl_dump(struct nlmsghdr *req, nl_cb cb, void *ctx)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd, ret;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	req->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req->nlmsg_seq = 1;
	req->nlmsg_pid = 0;
	if (sendto(fd, req, req->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		ret = -errno;
	else
		ret = nl_read(fd, req->nlmsg_seq, cb, ctx);
	close(fd);
	return ret;
}
