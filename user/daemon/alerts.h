/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Alerts for syslog: one line per flow outside the policy, rate-limited per
 * flow so that a storm of events cannot flood the log. */
#ifndef JURIS_ALERTS_H
#define JURIS_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/siphash.h"
#include "juris.h"

#define ALERT_SLOTS 4096 /* flows remembered */
#define ALERT_INTERVAL_NS (60ull * 1000000000ull)

/* What identifies a flow for the limiter: destination, port, protocol,
 * cgroup and verdict (a connect has no source address yet). */
struct alert_key {
	__u64 cgroup_id;
	__u8 daddr[16];
	__u16 dport;
	__u8 family;
	__u8 proto;
	__u8 verdict;
	__u8 pad[3];
};

/* One flow the limiter remembers: in a hash chain, and in the list of
 * flows from the most to the least recently seen. */
struct alert_slot {
	struct alert_key key;
	uint64_t last_ns;      /* when the last alert of this key went out */
	uint64_t suppressed;   /* events since, not alerted */
	uint32_t next;	       /* next in the hash chain, ALERT_NONE at the end */
	uint32_t newer, older; /* the recency list */
};

#define ALERT_NONE UINT32_MAX

/* Receives each alert: priority (LOG_WARNING, LOG_ERR) and the line. */
typedef void (*alert_emit_fn)(void *arg, int priority, const char *msg);

/* What the limiter did, since the start and since the last summary. */
struct alert_counts {
	uint64_t sent;	     /* alerts that went out */
	uint64_t suppressed; /* events held back by the limit */
	uint64_t evictions;  /* flows forgotten to make room (the table was full) */
};

/* A hash table of at most n_slots flows, keyed by the whole alert_key:
 * two flows never share an entry. When it is full, the least recently seen
 * flow is forgotten (counted: it may alert again before its interval). */
struct alerter {
	struct alert_slot *slots;
	uint32_t *buckets; /* n_buckets chain heads, a power of two */
	size_t n_slots, n_used, n_buckets;
	uint32_t newest, oldest;
	uint64_t interval_ns;
	alert_emit_fn emit;
	void *arg;
	struct alert_counts total, period;
	uint64_t period_start_ns; /* 0: no summary period started yet */
	struct siphash_key key;	  /* of the bucket hash, drawn at init */
};

int alerter_init(struct alerter *a, size_t n_slots, uint64_t interval_ns, alert_emit_fn emit,
		 void *arg);
void alerter_free(struct alerter *a);

/* Alerts on an event outside the policy (allowed ones are ignored), unless
 * its flow was alerted less than interval_ns before e->ts_ns; the next
 * alert of that flow says how many were suppressed. Returns 1 when an alert
 * went out, 0 when not. */
int alerter_event(struct alerter *a, const struct juris_event *e);

/* Once per interval (now_ns on the events' clock, CLOCK_BOOTTIME), when
 * the limiter held anything back or forgot flows, one notice that says how
 * many: no suppressed event goes unreported, even if its flow never alerts
 * again. Call it from the event loop; returns 1 when a notice went out. */
int alerter_tick(struct alerter *a, uint64_t now_ns);

/* The syslog(3) emitter: arg unused. */
void alert_emit_syslog(void *arg, int priority, const char *msg);

#endif
