/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Syslog alerts on flows outside the policy (warning for would_block, error
 * for blocked), at most one per flow per interval with a count of the ones
 * held back: journald and SIEMs get the signal without the storm. The
 * limiter is a bounded hash table (chained, keyed by the whole flow key)
 * with LRU eviction, hand-rolled because no Debian C library offers one
 * that is bounded; every event it holds back or flow it forgets is
 * counted and summed up in a periodic notice. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include "base/addr.h"
#include "base/text_escape.h"
#include "daemon/alerts.h"
#include "daemon/events.h"
#include "policy/names.h"

int alerter_init(struct alerter *a, size_t n_slots, uint64_t interval_ns, alert_emit_fn emit,
		 void *arg)
{
	int ret;

	memset(a, 0, sizeof(*a));
	if (!n_slots || n_slots >= ALERT_NONE)
		return -EINVAL;
	ret = siphash_key_random(&a->key);
	if (ret)
		return ret;
	a->n_buckets = 1;
	while (a->n_buckets < n_slots)
		a->n_buckets <<= 1;
	a->slots = calloc(n_slots, sizeof(*a->slots));
	a->buckets = malloc(a->n_buckets * sizeof(*a->buckets));
	if (!a->slots || !a->buckets) {
		alerter_free(a);
		return -ENOMEM;
	}
	memset(a->buckets, 0xff, a->n_buckets * sizeof(*a->buckets)); /* ALERT_NONE */
	a->n_slots = n_slots;
	a->newest = a->oldest = ALERT_NONE;
	a->interval_ns = interval_ns;
	a->emit = emit;
	a->arg = arg;
	return 0;
}

void alerter_free(struct alerter *a)
{
	free(a->slots);
	free(a->buckets);
	a->slots = NULL;
	a->buckets = NULL;
}

/* Keyed (SipHash, key drawn at init): processes choose the destinations,
 * and must not be able to pile their flows into one bucket. */
static uint32_t *bucket_of(struct alerter *a, const struct alert_key *k)
{
	return &a->buckets[siphash24(&a->key, k, sizeof(*k)) & (a->n_buckets - 1)];
}

static void list_unlink(struct alerter *a, uint32_t i)
{
	struct alert_slot *s = &a->slots[i];

	if (s->newer != ALERT_NONE)
		a->slots[s->newer].older = s->older;
	else
		a->newest = s->older;
	if (s->older != ALERT_NONE)
		a->slots[s->older].newer = s->newer;
	else
		a->oldest = s->newer;
}

static void list_push_newest(struct alerter *a, uint32_t i)
{
	a->slots[i].newer = ALERT_NONE;
	a->slots[i].older = a->newest;
	if (a->newest != ALERT_NONE)
		a->slots[a->newest].newer = i;
	a->newest = i;
	if (a->oldest == ALERT_NONE)
		a->oldest = i;
}

static uint32_t lookup(struct alerter *a, const struct alert_key *k)
{
	uint32_t i = *bucket_of(a, k);

	while (i != ALERT_NONE && memcmp(&a->slots[i].key, k, sizeof(*k)))
		i = a->slots[i].next;
	return i;
}

/* Forgets the least recently seen flow and returns its slot. Its events
 * held back stay in the counts of the summary. */
static uint32_t evict_oldest(struct alerter *a)
{
	uint32_t i = a->oldest, *p = bucket_of(a, &a->slots[i].key);

	while (*p != i)
		p = &a->slots[*p].next;
	*p = a->slots[i].next;
	list_unlink(a, i);
	a->total.evictions++;
	a->period.evictions++;
	return i;
}

static uint32_t insert(struct alerter *a, const struct alert_key *k)
{
	uint32_t i = a->n_used < a->n_slots ? (uint32_t)a->n_used++ : evict_oldest(a);
	uint32_t *b = bucket_of(a, k);
	struct alert_slot *s = &a->slots[i];

	memset(s, 0, sizeof(*s));
	s->key = *k;
	s->next = *b;
	*b = i;
	list_push_newest(a, i);
	return i;
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

static void format_alert(const struct juris_event *e, uint64_t suppressed, char *buf, size_t len)
{
	const char *proto = transport_name(e->proto);
	char dst[64], comm[17] = "", name[16 * 4 + 3], tail[64] = "";

	addr_format(e->family, e->daddr, dst, sizeof(dst));
	memcpy(comm, e->comm, sizeof(e->comm));
	/* The command is the process's own choice: quoted and escaped, it
	 * can neither end the line nor pose as the fields after it. */
	text_syslog(comm, name, sizeof(name));
	if (suppressed)
		snprintf(tail, sizeof(tail), "; %llu suppressed", (unsigned long long)suppressed);
	snprintf(buf, len,
		 "%s %s %s%s%s:%u country %.2s zone %s pid %u comm %s uid %u cgroup %llu%s",
		 e->verdict == VERDICT_BLOCK ? "blocked" : "would_block", proto ? proto : "ip",
		 e->family == AF_INET6 ? "[" : "", dst, e->family == AF_INET6 ? "]" : "", e->dport,
		 e->cc[0] ? e->cc : "--", zone_name(e->zone), e->pid, name, e->uid,
		 (unsigned long long)e->cgroup_id, tail);
}

int alerter_event(struct alerter *a, const struct juris_event *e)
{
	struct alert_slot *s;
	struct alert_key k;
	uint64_t suppressed = 0;
	char msg[512];
	uint32_t i;

	if (e->verdict != VERDICT_BLOCK && e->verdict != VERDICT_WOULD_BLOCK)
		return 0;
	if (!a->period_start_ns)
		a->period_start_ns = e->ts_ns;
	key_of(e, &k);
	i = lookup(a, &k);
	if (i != ALERT_NONE) {
		s = &a->slots[i];
		list_unlink(a, i);
		list_push_newest(a, i);
		if (e->ts_ns - s->last_ns < a->interval_ns) {
			s->suppressed++;
			a->total.suppressed++;
			a->period.suppressed++;
			return 0;
		}
		suppressed = s->suppressed;
	} else {
		s = &a->slots[insert(a, &k)];
	}
	s->last_ns = e->ts_ns;
	s->suppressed = 0;
	a->total.sent++;
	a->period.sent++;
	format_alert(e, suppressed, msg, sizeof(msg));
	a->emit(a->arg, e->verdict == VERDICT_BLOCK ? LOG_ERR : LOG_WARNING, msg);
	return 1;
}

int alerter_tick(struct alerter *a, uint64_t now_ns)
{
	char msg[256];

	if (!a->period_start_ns || now_ns - a->period_start_ns < a->interval_ns)
		return 0;
	a->period_start_ns = now_ns;
	if (!a->period.suppressed && !a->period.evictions) {
		a->period = (struct alert_counts){};
		return 0;
	}
	snprintf(msg, sizeof(msg),
		 "alerts: %llu sent, %llu suppressed (one per flow per %llu s), "
		 "%llu flows forgotten by the full limiter (%zu flows); since the start: %llu "
		 "sent, %llu suppressed, %llu forgotten",
		 (unsigned long long)a->period.sent, (unsigned long long)a->period.suppressed,
		 (unsigned long long)(a->interval_ns / 1000000000ull),
		 (unsigned long long)a->period.evictions, a->n_slots,
		 (unsigned long long)a->total.sent, (unsigned long long)a->total.suppressed,
		 (unsigned long long)a->total.evictions);
	a->period = (struct alert_counts){};
	a->emit(a->arg, LOG_NOTICE, msg);
	return 1;
}

void alert_emit_syslog(void *arg, int priority, const char *msg)
{
	(void)arg;
	syslog(priority, "%s", msg);
}
