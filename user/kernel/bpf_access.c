/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Whether this process may use BPF at all, asked before any work. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "base/errmsg.h"
#include "kernel/bpf_access.h"

int juris_check_privilege(char *err, size_t len)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "juris_probe", sizeof(__u32), sizeof(__u32), 1,
				NULL);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno == EPERM || errno == EACCES)
		return errorf(err, len, -errno,
			      "no permission to load BPF programs (run as root, or with "
			      "CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON)");
	return errorf(err, len, -errno, "the kernel refuses BPF maps: %s", strerror(errno));
}
