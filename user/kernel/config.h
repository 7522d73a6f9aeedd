/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The policy config of the live slot, and the daemon's pid in it. */
#ifndef JURIS_CONFIG_H
#define JURIS_CONFIG_H

#include "juris.h"
#include "kernel/maps.h"

/* The config of the live slot (slot 0 without the active map). */
int juris_read_config(const struct juris_maps *m, struct juris_config *c);
/* Writes pid in both slots' config, so that a reload keeps it. */
int juris_set_daemon_pid(const struct juris_maps *m, __u32 pid);

#endif
