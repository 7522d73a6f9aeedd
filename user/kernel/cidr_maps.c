/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Prefix lists (--except, --source) into the kernel's LPM tries. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include "juris.h"
#include "kernel/cidr_maps.h"

int juris_fill_cidrs(int fd4, int fd6, const struct except_cidr *v, int n)
{
	__u8 one = 1;

	for (int i = 0; i < n; i++) {
		const struct except_cidr *e = &v[i];
		int err;

		if (e->addr.family == AF_INET) {
			struct geo_key4 k = { .prefixlen = e->len };

			memcpy(k.addr, e->addr.a, 4);
			err = bpf_map_update_elem(fd4, &k, &one, BPF_ANY);
		} else {
			struct geo_key6 k = { .prefixlen = e->len };

			memcpy(k.addr, e->addr.a, 16);
			err = bpf_map_update_elem(fd6, &k, &one, BPF_ANY);
		}
		if (err)
			return -errno;
	}
	return 0;
}
