/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris attach: the start step of a watched systemd service. Its drop-in
 * (written by juris run) runs it as ExecStartPre=+, in the service's new
 * cgroup, before the service's own processes: it attaches the pinned
 * programs there, or fails, and systemd then refuses to start the service.
 * systemd's own BPFProgram= does not do this on Debian 12 (systemd 252):
 * it attaches once, and never again to the cgroup of a restart. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cmd/commands.h"
#include "kernel/cgroup_attach.h"

int cmd_attach(const struct juris_opts *o, volatile sig_atomic_t *exiting)
{
	struct cgroup_target t = { .fd = -1 };
	char err[512];
	struct stat st;
	int n, ret;

	(void)exiting; /* a one-shot command: nothing to interrupt */
	ret = cgroup_self_path(t.path, sizeof(t.path));
	if (ret) {
		fprintf(stderr, "juris: cannot find this process's cgroup v2: %s\n",
			strerror(-ret));
		return ret;
	}
	t.fd = open(t.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (t.fd < 0 || fstat(t.fd, &st)) {
		ret = -errno;
		fprintf(stderr, "juris: cannot open cgroup %s: %s\n", t.path, strerror(errno));
		goto out;
	}
	t.id = st.st_ino; /* what bpf_get_current_cgroup_id() reports */
	ret = cgroup_hooks_repair(o->policy.pin_dir, &t, &n, err, sizeof(err));
	if (!ret)
		ret = cgroup_hooks_attached(o->policy.pin_dir, t.path, err, sizeof(err));
	if (ret) {
		fprintf(stderr,
			"juris: %s; refusing to let this service start unwatched "
			"(juris run restores the pins; juris stop removes this step)\n",
			err);
		goto out;
	}
	printf("juris: %s is watched (%d hook%s attached now, pins at %s)\n", t.path, n,
	       n == 1 ? "" : "s", o->policy.pin_dir);
out:
	if (t.fd >= 0)
		close(t.fd);
	return ret;
}
