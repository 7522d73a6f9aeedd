/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Whether the kernel runs the BPF LSM, which juris needs to see packet sockets. */
#ifndef JURIS_LSM_H
#define JURIS_LSM_H

/* 1 when "bpf" is among the active LSMs of /sys/kernel/security/lsm
 * (mounting securityfs first if nothing is mounted there), 0 when it is
 * not, a negative errno when it cannot be told. */
int lsm_bpf_active(void);

/* The same, from the contents of that file (a comma-separated list). */
int lsm_list_has_bpf(const char *list);

/* 1 when the kernel loads an LSM program: some kernels list bpf among the
 * active LSMs and still refuse its programs (EPERM), trampolines being
 * unavailable or forbidden. 0 otherwise. */
int lsm_bpf_loadable(void);

/* How packet sockets of watched processes are judged (meta.lsm). */
enum packet_cover {
	PACKET_UNCOVERED = 0, /* neither the BPF LSM nor the fallback */
	PACKET_LSM = 1,	      /* BPF LSM: socket_create and socket_sendmsg refused */
	PACKET_SYSCALL = 2,   /* no usable BPF LSM: socket() seen at sys_enter */
};

#endif
