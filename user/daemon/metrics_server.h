/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The HTTP server of juris run --metrics. */
#ifndef JURIS_METRICS_SERVER_H
#define JURIS_METRICS_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct MHD_Daemon;

struct metrics_server {
	struct MHD_Daemon *daemon;
	int fd; /* the listening socket, -1 if none */
	bool ipv6;
	const char *addr;
	const char *pin_dir;
	const char *version;
	char *cache; /* the last rendering, malloc'd */
	size_t cache_len;
	uint64_t cache_ns; /* CLOCK_MONOTONIC of the last walk */
	uint64_t walks;	   /* walks of the maps so far */
};

/* Binds and listens on addr (a busy port fails here, before anything is
 * attached), but starts no thread: capabilities and no_new_privs apply
 * per thread, so the thread that parses network input starts only after
 * the daemon has dropped them (metrics_serve()). */
int metrics_start(struct metrics_server *s, const char *addr, const char *pin_dir,
		  const char *version, char *err, size_t errlen);
/* Starts answering /metrics from a thread of its own, which opens the maps
 * pinned at pin_dir for a walk at most once a second: it shares no state
 * with the daemon loop. */
int metrics_serve(struct metrics_server *s, char *err, size_t errlen);
void metrics_stop(struct metrics_server *s);

#endif
