/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris run --metrics: an HTTP server (libmicrohttpd, its own thread) that
 * answers GET /metrics by reading the pinned maps; it never writes to them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <microhttpd.h>
#include "kernel/config.h"
#include "base/listen_addr.h"
#include "daemon/metrics.h"
#include "daemon/metrics_server.h"

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* Reads the maps and renders them; *body is malloc'd. */
static int collect(const struct juris_maps *m, const char *version, char **body, size_t *len)
{
	struct juris_stats *st = calloc(1, sizeof(*st));
	struct report by_country = {}, by_operator = {};
	struct report_input in = {};
	struct flow_entry *flows = NULL;
	struct juris_config cfg;
	FILE *out = NULL;
	int ret;

	*body = NULL;
	if (!st)
		return -ENOMEM;
	ret = stats_read(m, st);
	if (!ret)
		ret = juris_read_config(m, &cfg);
	if (!ret)
		ret = flow_table_read(m->fd[MAP_FLOWS], (uint32_t)st->flow_table_size,
					&flows, &in.n_flows);
	in.flows = flows;
	in.totals = st->totals;
	if (!ret)
		ret = report_build(&by_country, BY_COUNTRY, &in, 0);
	/* The operator view only means something with an overlay loaded. */
	if (!ret && cfg.overlay && report_build(&by_operator, BY_OPERATOR, &in, 0))
		ret = -ENOMEM;
	if (!ret) {
		struct metrics_input mi = {
			.stats = st, .cfg = &cfg, .by_country = &by_country,
			.by_operator = cfg.overlay ? &by_operator : NULL,
			.now = time(NULL), .version = version,
		};

		out = open_memstream(body, len);
		ret = out ? metrics_render(out, &mi) : -ENOMEM;
		if (out && fclose(out) && !ret)
			ret = -EIO;
		report_free(&by_country);
		report_free(&by_operator);
	}
	if (ret) {
		free(*body);
		*body = NULL;
	}
	free(flows);
	free(st);
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
	const struct metrics_server *s = cls;
	struct juris_maps m;
	char *body;
	size_t len;
	int ret;

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
	ret = juris_open_pinned(s->pin_dir, &m);
	if (!ret) {
		ret = collect(&m, s->version, &body, &len);
		juris_maps_close(&m);
	}
	if (ret)
		return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain", failed,
			     strlen(failed), MHD_RESPMEM_PERSISTENT);
	return reply(conn, MHD_HTTP_OK, CONTENT_TYPE, body, len, MHD_RESPMEM_MUST_FREE);
}

int metrics_start(struct metrics_server *s, const char *addr, const char *pin_dir,
		  const char *version, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD;
	int ret;

	memset(s, 0, sizeof(*s));
	if (listen_addr_parse(addr, &ss, &sslen)) {
		snprintf(err, errlen, "invalid --metrics address: %s", addr);
		return -EINVAL;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	s->pin_dir = pin_dir;
	s->version = version;
	errno = 0;
	s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, handle, s, MHD_OPTION_SOCK_ADDR,
				     (struct sockaddr *)&ss, MHD_OPTION_END);
	if (!s->daemon) {
		ret = errno ? -errno : -EADDRINUSE;

		snprintf(err, errlen, "cannot serve metrics on %s: %s", addr, strerror(-ret));
		return ret;
	}
	return 0;
}

void metrics_stop(struct metrics_server *s)
{
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	s->daemon = NULL;
}
