/* Syslog alerts on flows outside the policy (warning for would_block, error
 * for blocked), at most one per flow per interval with a count of the ones
 * held back: journald and SIEMs get the signal without the storm. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include "addr.h"
#include "alerts.h"
#include "events.h"
#include "options.h"

int alerter_init(struct alerter *a, size_t n_slots, uint64_t interval_ns, alert_emit_fn emit,
		 void *arg)
{
	memset(a, 0, sizeof(*a));
	a->slots = calloc(n_slots, sizeof(*a->slots));
	if (!a->slots)
		return -ENOMEM;
	a->n_slots = n_slots;
	a->interval_ns = interval_ns;
	a->emit = emit;
	a->arg = arg;
	return 0;
}

void alerter_free(struct alerter *a)
{
	free(a->slots);
	a->slots = NULL;
}

/* FNV-1a: cheap and spreads the few bytes that differ between flows. */
static uint64_t hash_key(const struct alert_key *k)
{
	const unsigned char *p = (const unsigned char *)k;
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < sizeof(*k); i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h;
}

static void key_of(const struct juris_event *e, struct alert_key *k)
{
	memset(k, 0, sizeof(*k));
	k->cgroup_id = e->cgroup_id;
	memcpy(k->daddr, e->daddr, sizeof(k->daddr));
	k->dport = e->dport;
	k->family = e->family;
	k->proto = e->proto;
	k->verdict = e->verdict;
}

static void format_alert(const struct juris_event *e, uint64_t suppressed, char *buf,
			 size_t len)
{
	const char *proto = transport_name(e->proto);
	char dst[64], comm[17] = "", tail[64] = "";

	addr_format(e->family, e->daddr, dst, sizeof(dst));
	memcpy(comm, e->comm, sizeof(e->comm));
	if (suppressed)
		snprintf(tail, sizeof(tail), "; %llu suppressed", (unsigned long long)suppressed);
	snprintf(buf, len, "%s %s %s%s%s:%u country %.2s zone %s pid %u (%s) uid %u cgroup %llu%s",
		 e->verdict == VERDICT_BLOCK ? "blocked" : "would_block", proto ? proto : "ip",
		 e->family == AF_INET6 ? "[" : "", dst, e->family == AF_INET6 ? "]" : "",
		 e->dport, e->cc[0] ? e->cc : "--", zone_name(e->zone), e->pid,
		 comm[0] ? comm : "-", e->uid, (unsigned long long)e->cgroup_id, tail);
}

int alerter_event(struct alerter *a, const struct juris_event *e)
{
	struct alert_slot *s;
	struct alert_key k;
	uint64_t suppressed = 0;
	char msg[512];

	if (e->verdict != VERDICT_BLOCK && e->verdict != VERDICT_WOULD_BLOCK)
		return 0;
	key_of(e, &k);
	s = &a->slots[hash_key(&k) % a->n_slots];
	if (s->used && !memcmp(&s->key, &k, sizeof(k))) {
		if (e->ts_ns - s->last_ns < a->interval_ns) {
			s->suppressed++;
			return 0;
		}
		suppressed = s->suppressed;
	}
	/* A colliding flow takes the slot over: at worst it alerts again. */
	s->key = k;
	s->used = true;
	s->last_ns = e->ts_ns;
	s->suppressed = 0;
	format_alert(e, suppressed, msg, sizeof(msg));
	a->emit(a->arg, e->verdict == VERDICT_BLOCK ? LOG_ERR : LOG_WARNING, msg);
	return 1;
}

void alert_emit_syslog(void *arg, int priority, const char *msg)
{
	(void)arg;
	syslog(priority, "%s", msg);
}
