/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The HTTP server of juris run --metrics. */
#ifndef JURIS_METRICS_SERVER_H
#define JURIS_METRICS_SERVER_H

#include <stddef.h>

struct MHD_Daemon;

struct metrics_server {
	struct MHD_Daemon *daemon;
	const char *pin_dir;
	const char *version;
};

/* Starts serving /metrics from a thread of its own, which opens the maps
 * pinned at pin_dir for each request: it shares no state with the daemon
 * loop, and can start (and fail) before anything is attached. */
int metrics_start(struct metrics_server *s, const char *addr, const char *pin_dir,
		  const char *version, char *err, size_t errlen);
void metrics_stop(struct metrics_server *s);

#endif
