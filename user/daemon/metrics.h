/* Prometheus metrics of juris: the text exposition format, and the HTTP
 * server of juris run --metrics that serves it. */
#ifndef JURIS_METRICS_H
#define JURIS_METRICS_H

#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include "kernel/loader.h"
#include "report/report.h"
#include "kernel/exact.h"
#include "kernel/stats.h"

struct metrics_input {
	const struct juris_stats *stats;
	const struct juris_config *cfg;
	const struct report *by_country;	/* report_build(BY_COUNTRY) of the exact counters */
	const struct juris_exact *exact;	/* the operators' exact counters (NULL: none) */
	int64_t now;				/* seconds since the epoch */
	const char *version;
};

/* Writes every metric in the Prometheus text format (version 0.0.4). */
int metrics_render(FILE *out, const struct metrics_input *in);

/* Parses PORT (bound to 127.0.0.1), ADDR:PORT or [IPV6]:PORT. */
int metrics_parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len);

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
