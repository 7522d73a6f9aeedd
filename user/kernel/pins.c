/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Removing an instance's pins (links detached, tc filters removed), and
 * telling whether a daemon still owns them. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "base/errmsg.h"
#include "kernel/meta.h"
#include "kernel/pins.h"
#include "kernel/tc.h"

/* Detaches the tc filters recorded in the pinned meta map. A filter that
 * cannot be removed keeps its record, and its error is returned. */
static int detach_tc_hooks(const char *dir)
{
	struct juris_meta *meta;
	char path[4096];
	__u32 zero = 0;
	int fd, ret = 0;

	if (pin_path(path, sizeof(path), dir, "", juris_map_names[MAP_META]))
		return -ENAMETOOLONG;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	meta = calloc(1, sizeof(*meta));
	if (!meta) {
		close(fd);
		return -ENOMEM;
	}
	if (bpf_map_lookup_elem(fd, &zero, meta)) {
		ret = -errno;
		goto out;
	}
	for (__u32 i = 0; i < meta->n_tc_hooks && i < MAX_GW_IFACES; i++) {
		int err = tc_detach(&meta->tc_hooks[i]);

		if (err)
			ret = err;
	}
	if (!ret && meta->n_tc_hooks) {
		meta->n_tc_hooks = 0;
		bpf_map_update_elem(fd, &zero, meta, BPF_ANY);
	}
out:
	free(meta);
	close(fd);
	return ret;
}

/* Removes every entry of dir (detaching tc filters and pinned links
 * first), then dir. */
static int remove_dir_pins(const char *dir)
{
	char path[4096];
	struct dirent *d;
	DIR *dp;
	int ret = detach_tc_hooks(dir);

	/* A tc filter juris cannot remove must stay findable: keep the pins. */
	if (ret)
		return ret;
	dp = opendir(dir);
	if (!dp)
		return errno == ENOENT ? 0 : -errno;
	while ((d = readdir(dp))) {
		if (d->d_name[0] == '.')
			continue;
		if (pin_path(path, sizeof(path), dir, "", d->d_name))
			continue;
		if (!strncmp(d->d_name, "link_", 5)) {
			int fd = bpf_obj_get(path);

			if (fd >= 0) {
				bpf_link_detach(fd);
				close(fd);
			}
		}
		if (unlink(path) && errno != ENOENT)
			ret = -errno;
	}
	closedir(dp);
	if (rmdir(dir) && errno != ENOENT)
		ret = -errno;
	return ret;
}

int juris_remove_pins(const char *dir, char *err, size_t len)
{
	int ret = remove_dir_pins(dir);

	if (ret)
		return errorf(err, len, ret, "cannot remove pins in %s: %s", dir, strerror(-ret));
	return 0;
}

bool juris_daemon_alive(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	bool held;

	if (fd < 0)
		return false;
	/* juris run holds an exclusive flock on its pin directory for its
	 * whole life; the kernel drops it when the process dies. */
	held = flock(fd, LOCK_SH | LOCK_NB) && errno == EWOULDBLOCK;
	close(fd);
	return held;
}
