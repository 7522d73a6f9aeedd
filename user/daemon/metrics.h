/* Prometheus metrics of juris: the text exposition format, and the HTTP
 * server of juris run --metrics that serves it. */
#ifndef JURIS_METRICS_H
#define JURIS_METRICS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include "kernel/loader.h"
#include "report/report.h"
#include "kernel/stats.h"

struct metrics_input {
	const struct juris_stats *stats;
	const struct juris_config *cfg;
	const struct report *by_country;	/* report_build(BY_COUNTRY) of the flow table */
	const struct report *by_operator;	/* report_build(BY_OPERATOR), or NULL */
	int64_t now;				/* seconds since the epoch */
	const char *version;
	uint64_t walks;				/* walks of the maps, this one included */
};

/* Writes every metric in the Prometheus text format (version 0.0.4). */
int metrics_render(FILE *out, const struct metrics_input *in);

/* Parses PORT (bound to 127.0.0.1), ADDR:PORT or [IPV6]:PORT. */
int metrics_parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len);

struct MHD_Daemon;

struct metrics_server {
	struct MHD_Daemon *daemon;
	int fd;				/* the listening socket, -1 if none */
	bool ipv6;
	const char *addr;
	const char *pin_dir;
	const char *version;
	char *cache;			/* the last rendering, malloc'd */
	size_t cache_len;
	uint64_t cache_ns;		/* CLOCK_MONOTONIC of the last walk */
	uint64_t walks;			/* walks of the maps so far */
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
