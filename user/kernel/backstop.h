/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The packet-socket backstop's tc egress filters on the uplinks: attached,
 * recorded in meta, found again by a restarted daemon. */
#ifndef JURIS_BACKSTOP_H
#define JURIS_BACKSTOP_H

#include <stddef.h>
#include "kernel/gateway.h"
#include "kernel/maps.h"
#include "kernel/meta.h"
#include "kernel/uplinks.h"

/* Attaches prog_fd to the egress of link and records the filter in meta
 * (written to meta_fd at once, so that a rollback or juris stop finds it).
 * Returns 0 or a negative errno. */
int backstop_attach_one(int prog_fd, const struct gw_iface *link, int meta_fd,
			struct juris_meta *meta);

/* The egress filters recorded in meta. */
int backstop_hooks(const struct juris_meta *meta);

/* A restarted daemon: attaches the pinned backstop program again where a
 * wanted uplink lost its filter, or gained it since (a new default route),
 * and removes it from uplinks no longer wanted. Sets *added to the filters
 * attached, or to -1 when the pins have no backstop program (made by a
 * juris without it: left as they are). err gets a one-line reason. */
int backstop_repair(const char *pin_dir, const struct juris_maps *m, const struct uplink_plan *u,
		    int *added, char *err, size_t len);

#endif
