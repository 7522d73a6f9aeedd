/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Finds the juris programs another instance attached to a cgroup, so that
 * two instances on different pin directories never watch one cgroup (each
 * would count and judge its packets: doubled figures, two policies). */
#ifndef JURIS_ATTACHED_H
#define JURIS_ATTACHED_H

#include <stdint.h>

/* The id of a juris egress program attached to the cgroup open at fd
 * (attached there, not inherited), or 0 when there is none. */
uint32_t cgroup_juris_prog(int cgroup_fd);

#endif
