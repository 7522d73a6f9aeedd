/* Alerts for syslog: one line per flow outside the policy, rate-limited per
 * flow so that a storm of events cannot flood the log. */
#ifndef JURIS_ALERTS_H
#define JURIS_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "juris.h"

#define ALERT_SLOTS 4096
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

struct alert_slot {
	struct alert_key key;
	uint64_t last_ns;	/* when the last alert of this key went out */
	uint64_t suppressed;	/* events since, not alerted */
	bool used;
};

/* Receives each alert: priority (LOG_WARNING, LOG_ERR) and the line. */
typedef void (*alert_emit_fn)(void *arg, int priority, const char *msg);

struct alerter {
	struct alert_slot *slots;	/* direct-mapped by key hash */
	size_t n_slots;
	uint64_t interval_ns;
	alert_emit_fn emit;
	void *arg;
};

int alerter_init(struct alerter *a, size_t n_slots, uint64_t interval_ns, alert_emit_fn emit,
		 void *arg);
void alerter_free(struct alerter *a);

/* Alerts on an event outside the policy (allowed ones are ignored), unless
 * its flow was alerted less than interval_ns before e->ts_ns; the next
 * alert of that flow says how many were suppressed. Returns 1 when an alert
 * went out, 0 when not. */
int alerter_event(struct alerter *a, const struct juris_event *e);

/* The syslog(3) emitter: arg unused. */
void alert_emit_syslog(void *arg, int priority, const char *msg);

#endif
