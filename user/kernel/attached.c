/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Asks the kernel which programs sit on a cgroup's egress hook
 * (BPF_PROG_QUERY), and whether one of them is juris's, by its name: the
 * pins of the other instance may be anywhere, its programs are here. */
#include <stdbool.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "kernel/attached.h"

#define QUERY_MAX 64 /* programs on one hook: more than any host has */

uint32_t cgroup_juris_prog(int cgroup_fd)
{
	__u32 ids[QUERY_MAX], n = QUERY_MAX, flags = 0;

	if (bpf_prog_query(cgroup_fd, BPF_CGROUP_INET_EGRESS, 0, &flags, ids, &n))
		return 0;
	for (__u32 i = 0; i < n; i++) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_prog_get_fd_by_id(ids[i]);
		bool ours;

		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		ours = !bpf_obj_get_info_by_fd(fd, &info, &len) &&
		       !strncmp(info.name, "juris_egress", sizeof(info.name));
		close(fd);
		if (ours)
			return ids[i];
	}
	return 0;
}
