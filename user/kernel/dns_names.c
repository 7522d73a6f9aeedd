/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Reads the pinned map dns_names for the reports. */
#include <errno.h>
#include <stdio.h>
#include <bpf/bpf.h>
#include "base/dns_cache.h"
#include "kernel/dns_names.h"

int dns_names_of_flow(void *fd_ptr, const struct flow_entry *f, char *buf, size_t len)
{
	int fd = *(const int *)fd_ptr;
	struct dns_addr_key k;
	struct dns_name_val v;

	if (len)
		buf[0] = 0;
	if (fd < 0)
		return -ENOENT;
	/* An IPv4-mapped IPv6 destination is already its own key. */
	dns_addr_key_of(f->k.family, f->k.daddr, &k);
	if (bpf_map_lookup_elem(fd, &k, &v))
		return -ENOENT;
	/* A flow opened after the answer's TTL ran out was not opened for
	 * that name (the address may serve another one by then). */
	if (f->v.first_ns > v.expires_ns)
		return -ENOENT;
	v.name[sizeof(v.name) - 1] = 0;
	snprintf(buf, len, "%s", v.name);
	return 0;
}
