/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The daemon's side of DNS attribution: reads the answers the kernel copies
 * (ring buffer dns_answers), parses them, keeps address -> name. */
#ifndef JURIS_DNS_WATCH_H
#define JURIS_DNS_WATCH_H

#include <stdbool.h>
#include <stdint.h>
#include <bpf/libbpf.h>
#include "base/dns_cache.h"
#include "kernel/loader.h"

struct dns_watch {
	struct dns_cache cache;
	struct ring_buffer *rb;
	int names_fd; /* pinned dns_names, for the reports */
	int counters_fd;
	int epoll_fd;		 /* both ring buffers */
	uint64_t evictions_seen; /* cache.live_evictions already counted */
	bool malformed_said;	 /* the first malformed answer was reported */
};

int dns_watch_init(struct dns_watch *w, const struct juris_maps *m);
void dns_watch_free(struct dns_watch *w);
/* Reads the answers waiting in the ring buffer. */
int dns_watch_consume(struct dns_watch *w);
/* Waits up to timeout_ms for answers or events, then reads the answers
 * before the events, so that an event finds the name its process looked
 * up. Returns what ring_buffer__consume returns for the events. */
int dns_watch_poll(struct dns_watch *w, struct ring_buffer *events, int timeout_ms);
/* The name addr answered for at ts_ns (CLOCK_BOOTTIME), or NULL. */
const char *dns_watch_name(struct dns_watch *w, int family, const uint8_t *addr, uint64_t ts_ns);

#endif
