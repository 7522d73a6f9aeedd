/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The daemon's side of DNS attribution: answers from the ring buffer
 * dns_answers go through the parser into the cache and the pinned map
 * dns_names; what the parser refuses is counted (dns_malformed). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "base/addr.h"
#include "base/dns_parse.h"
#include "daemon/dns_watch.h"

#define NS_PER_S 1000000000ull

/* Adds to a per-CPU counter that only the daemon writes: on CPU 0's slot,
 * so that the sum juris status reads grows by delta. */
static void counter_add(int fd, __u32 idx, __u64 delta)
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *v;

	if (ncpu <= 0 || !delta)
		return;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return;
	if (!bpf_map_lookup_elem(fd, &idx, v)) {
		v[0] += delta;
		bpf_map_update_elem(fd, &idx, v, BPF_ANY);
	}
	free(v);
}

static int handle_answer(void *ctx, void *data, size_t size)
{
	struct dns_watch *w = ctx;
	const struct dns_answer *a = data;
	struct dns_result *r;
	char server[64];
	int ret;

	if (size < sizeof(*a))
		return 0;
	r = malloc(sizeof(*r));
	if (!r)
		return 0;
	ret = dns_parse(a->data, a->len < DNS_CAPTURE_MAX ? a->len : DNS_CAPTURE_MAX, a->msg_len,
			r);
	if (ret) {
		counter_add(w->counters_fd, CNT_DNS_MALFORMED, 1);
		if (!w->malformed_said) {
			addr_format(a->family, a->server, server, sizeof(server));
			fprintf(stderr,
				"juris: malformed DNS answer from %s ignored (this and "
				"further ones are counted in dns_malformed, not shown)\n",
				server);
		}
		w->malformed_said = true;
		free(r);
		return 0;
	}
	counter_add(w->counters_fd, CNT_DNS_OFF_CHAIN, (__u64)r->records_off_chain);
	/* Longer names do not fit the pinned records: left unnamed (README). */
	for (int i = 0; i < r->n_addrs && strlen(r->qname) < DNS_NAME_MAX; i++) {
		const struct dns_addr *d = &r->addrs[i];
		uint32_t ttl = d->ttl < DNS_TTL_MIN   ? DNS_TTL_MIN
			       : d->ttl > DNS_TTL_MAX ? DNS_TTL_MAX
						      : d->ttl;
		struct dns_addr_key k;
		const struct dns_name_val *v;

		dns_addr_key_of(d->family, d->addr, &k);
		dns_cache_put(&w->cache, &k, r->qname, a->ts_ns, a->ts_ns + ttl * NS_PER_S);
		v = dns_cache_get(&w->cache, &k, a->ts_ns);
		if (v && w->names_fd >= 0)
			bpf_map_update_elem(w->names_fd, &k, v, BPF_ANY);
	}
	if (w->cache.live_evictions > w->evictions_seen) {
		counter_add(w->counters_fd, CNT_DNS_CACHE_EVICTIONS,
			    w->cache.live_evictions - w->evictions_seen);
		w->evictions_seen = w->cache.live_evictions;
	}
	free(r);
	return 0;
}

int dns_watch_init(struct dns_watch *w, const struct juris_maps *m)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ret;

	memset(w, 0, sizeof(*w));
	w->epoll_fd = -1;
	w->names_fd = m->fd[MAP_DNS_NAMES];
	w->counters_fd = m->fd[MAP_COUNTERS];
	ret = dns_cache_init(&w->cache, DNS_NAMES_MAX);
	if (ret)
		return ret;
	w->rb = ring_buffer__new(m->fd[MAP_DNS_ANSWERS], handle_answer, w, NULL);
	if (!w->rb) {
		ret = -errno;
		dns_watch_free(w);
		return ret;
	}
	w->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (w->epoll_fd < 0 ||
	    epoll_ctl(w->epoll_fd, EPOLL_CTL_ADD, ring_buffer__epoll_fd(w->rb), &ev)) {
		ret = -errno;
		dns_watch_free(w);
		return ret;
	}
	return 0;
}

void dns_watch_free(struct dns_watch *w)
{
	if (w->epoll_fd >= 0)
		close(w->epoll_fd);
	w->epoll_fd = -1;
	ring_buffer__free(w->rb);
	w->rb = NULL;
	dns_cache_free(&w->cache);
}

int dns_watch_consume(struct dns_watch *w)
{
	return w->rb ? ring_buffer__consume(w->rb) : 0;
}

int dns_watch_poll(struct dns_watch *w, struct ring_buffer *events, int timeout_ms)
{
	struct epoll_event ev = { .events = EPOLLIN }, got[2];
	int n;

	/* Once: the events' epoll descriptor joins the answers'. */
	if (epoll_ctl(w->epoll_fd, EPOLL_CTL_ADD, ring_buffer__epoll_fd(events), &ev) &&
	    errno != EEXIST)
		return -errno;
	n = epoll_wait(w->epoll_fd, got, 2, timeout_ms);
	if (n < 0)
		return -errno;
	n = dns_watch_consume(w);
	if (n < 0)
		return n;
	return ring_buffer__consume(events);
}

const char *dns_watch_name(struct dns_watch *w, int family, const uint8_t *addr, uint64_t ts_ns)
{
	struct dns_addr_key k;
	const struct dns_name_val *v;

	dns_addr_key_of(family, addr, &k);
	v = dns_cache_get(&w->cache, &k, ts_ns);
	return v ? v->name : NULL;
}
