/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Whether the kernel runs the BPF LSM (lsm= on the kernel command line). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "kernel/lsm.h"

#define SECURITYFS "/sys/kernel/security"
#define LSM_LIST SECURITYFS "/lsm"

int lsm_list_has_bpf(const char *list)
{
	char buf[512], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, ",\n", &save); t; t = strtok_r(NULL, ",\n", &save))
		if (!strcmp(t, "bpf"))
			return 1;
	return 0;
}

static int read_list(char *buf, size_t len)
{
	FILE *f = fopen(LSM_LIST, "re");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return 0;
}

int lsm_bpf_active(void)
{
	char buf[512];
	int ret = read_list(buf, sizeof(buf));

	/* systemd mounts securityfs at boot; a bare system may not have. */
	if (ret == -ENOENT && !mount("securityfs", SECURITYFS, "securityfs", 0, NULL))
		ret = read_list(buf, sizeof(buf));
	if (ret)
		return ret;
	return lsm_list_has_bpf(buf);
}

int lsm_bpf_loadable(void)
{
	/* r0 = 0; exit: allow. */
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_LSM_MAC);
	int id = libbpf_find_vmlinux_btf_id("socket_create", BPF_LSM_MAC), fd;

	if (id < 0)
		return 0;
	opts.attach_btf_id = (__u32)id;
	fd = bpf_prog_load(BPF_PROG_TYPE_LSM, "juris_lsm_probe", "GPL", insns, 2, &opts);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}
