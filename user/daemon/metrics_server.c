/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris run --metrics: an HTTP server (libmicrohttpd, its own thread) that
 * answers GET /metrics by reading the pinned maps; it never writes to them. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <microhttpd.h>
#include "kernel/config.h"
#include "kernel/meta.h"
#include "base/listen_addr.h"
#include "daemon/metrics.h"
#include "daemon/metrics_server.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"
/* What one client can hold: Prometheus keeps one connection per target,
 * so a few per address are plenty; past the limits libmicrohttpd closes
 * the new connection at once. The total stays far below the open-file
 * limit (each scrape opens the pins too), and an idle connection is
 * closed after the timeout. */
#define MAX_CONNECTIONS 256
#define MAX_PER_IP 16
#define IDLE_TIMEOUT_S 10
#define LISTEN_BACKLOG 128
/* Scrapes within this of the last walk get its rendering: however many
 * clients scrape, the flow table is walked at most once per interval. */
#define CACHE_NS 1000000000ull

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Reads the maps and renders them; *body is malloc'd. */
static int collect(const struct juris_maps *m, const char *pin_dir, const char *version,
		   uint64_t walks, char **body, size_t *len)
{
	struct juris_stats *st = calloc(1, sizeof(*st));
	struct juris_meta *meta = calloc(1, sizeof(*meta));
	struct watch_state *targets = calloc(WATCH_STATES_MAX, sizeof(*targets));
	int n_targets = 0;
	struct juris_exact *exact = NULL;
	struct zone_table *zt = NULL;
	struct report by_country = {};
	struct report_input in = {};
	struct juris_config cfg;
	FILE *out = NULL;
	int ret;

	*body = NULL;
	if (!st || !meta || !targets) {
		free(st);
		free(meta);
		free(targets);
		return -ENOMEM;
	}
	ret = stats_read(m, st);
	if (!ret)
		ret = juris_read_config(m, &cfg);
	if (!ret)
		ret = report_read_exact(m, &exact, &zt);
	in.totals = st->totals;
	in.exact = exact;
	in.zt = zt;
	if (!ret)
		ret = report_build(&by_country, BY_COUNTRY, &in, 0);
	bool have_meta = !ret && !juris_read_meta(m, meta);

	if (have_meta) {
		n_targets = watch_states(pin_dir, m, meta, targets, WATCH_STATES_MAX);
		if (n_targets < 0)
			n_targets = 0;
	}
	if (!ret) {
		struct metrics_input mi = {
			.stats = st,
			.cfg = &cfg,
			.by_country = &by_country,
			.exact = exact,
			.targets = targets,
			.n_targets = n_targets,
			.reattached = meta->reattached,
			.gw_attaches = meta->gw_attaches,
			.gw_detaches = meta->gw_detaches,
			.now = time(NULL),
			.version = version,
			.walks = walks,
			.meta = have_meta ? meta : NULL,
		};

		out = open_memstream(body, len);
		ret = out ? metrics_render(out, &mi) : -ENOMEM;
		if (out && fclose(out) && !ret)
			ret = -EIO;
		report_free(&by_country);
	}
	if (ret) {
		free(*body);
		*body = NULL;
	}
	zone_table_free(zt);
	free(exact);
	free(st);
	free(meta);
	free(targets);
	return ret;
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *type,
			     char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result ret;

	if (!r) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_len, void **req)
{
	static char not_found[] = "juris serves /metrics only\n";
	static char failed[] = "juris cannot read its pinned maps\n";
	struct metrics_server *s = cls;
	struct juris_maps m;
	uint64_t now = monotonic_ns();
	char *body;
	size_t len;
	int ret = 0;

	(void)version;
	(void)upload;
	(void)upload_len;
	(void)req;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", not_found,
			     strlen(not_found), MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/metrics"))
		return reply(conn, MHD_HTTP_NOT_FOUND, "text/plain", not_found, strlen(not_found),
			     MHD_RESPMEM_PERSISTENT);
	/* One polling thread answers every request: the cache needs no lock. */
	if (!s->cache || now - s->cache_ns >= CACHE_NS) {
		ret = juris_open_pinned(s->pin_dir, &m);
		if (!ret) {
			ret = collect(&m, s->pin_dir, s->version, s->walks + 1, &body, &len);
			juris_maps_close(&m);
		}
		if (!ret) {
			free(s->cache);
			s->cache = body;
			s->cache_len = len;
			s->cache_ns = now;
			s->walks++;
		}
	}
	if (ret)
		return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain", failed,
			     strlen(failed), MHD_RESPMEM_PERSISTENT);
	return reply(conn, MHD_HTTP_OK, CONTENT_TYPE, s->cache, s->cache_len,
		     MHD_RESPMEM_MUST_COPY);
}

int metrics_start(struct metrics_server *s, const char *addr, const char *pin_dir,
		  const char *version, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	int one = 1, ret;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if (listen_addr_parse(addr, &ss, &sslen)) {
		snprintf(err, errlen, "invalid --metrics address: %s", addr);
		return -EINVAL;
	}
	s->pin_dir = pin_dir;
	s->version = version;
	s->addr = addr;
	s->ipv6 = ss.ss_family == AF_INET6;
	s->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s->fd < 0 || setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    (s->ipv6 && setsockopt(s->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one))) ||
	    bind(s->fd, (struct sockaddr *)&ss, sslen) || listen(s->fd, LISTEN_BACKLOG)) {
		ret = -errno;
		snprintf(err, errlen, "cannot serve metrics on %s: %s", addr, strerror(-ret));
		if (s->fd >= 0)
			close(s->fd);
		s->fd = -1;
		return ret;
	}
	return 0;
}

int metrics_serve(struct metrics_server *s, char *err, size_t errlen)
{
	unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | (s->ipv6 ? MHD_USE_IPv6 : 0);

	errno = 0;
	s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, handle, s, MHD_OPTION_LISTEN_SOCKET,
				     (MHD_socket)s->fd, MHD_OPTION_CONNECTION_LIMIT,
				     (unsigned)MAX_CONNECTIONS, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
				     (unsigned)MAX_PER_IP, MHD_OPTION_CONNECTION_TIMEOUT,
				     (unsigned)IDLE_TIMEOUT_S, MHD_OPTION_END);
	if (!s->daemon) {
		int ret = errno ? -errno : -EINVAL;

		snprintf(err, errlen, "cannot serve metrics on %s: %s", s->addr, strerror(-ret));
		return ret;
	}
	return 0;
}

void metrics_stop(struct metrics_server *s)
{
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	/* MHD_stop_daemon closes the socket it was given. */
	else if (s->fd >= 0)
		close(s->fd);
	s->daemon = NULL;
	s->fd = -1;
	free(s->cache);
	s->cache = NULL;
}
