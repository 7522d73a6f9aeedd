/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Turns kernel events into NDJSON lines with Elastic Common Schema names,
 * so that Filebeat, Vector and Fluent Bit take them unchanged. */
#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "base/addr.h"
#include "daemon/events.h"
#include "policy/names.h"

static __s64 ns_of(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (__s64)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

void event_writer_init(struct event_writer *w, FILE *out, const char *mode, const char *policy)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
	w->mode = mode;
	w->policy = policy;
	if (gethostname(w->host, sizeof(w->host) - 1))
		strcpy(w->host, "localhost");
	w->boot_to_real_ns = ns_of(CLOCK_REALTIME) - ns_of(CLOCK_BOOTTIME);
}

static const char *action_name(int verdict)
{
	switch (verdict) {
	case VERDICT_BLOCK: return "blocked";
	case VERDICT_WOULD_BLOCK: return "would_block";
	default: return "allowed";
	}
}

static const char *hook_name(int hook)
{
	static const char *const names[HOOK_MAX] = {
		"cgroup_skb/egress", "cgroup/connect4", "cgroup/connect6",
		"cgroup/sendmsg4", "cgroup/sendmsg6", "tc/ingress",
	};

	return hook >= 0 && hook < HOOK_MAX ? names[hook] : "unknown";
}

static void format_time(char *buf, size_t len, __s64 real_ns)
{
	time_t secs = (time_t)(real_ns / 1000000000ll);
	struct tm tm;

	gmtime_r(&secs, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + strlen(buf), len - strlen(buf), ".%03lldZ",
		 (long long)(real_ns / 1000000ll % 1000));
}

static cJSON *add_object(cJSON *parent, const char *name)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddItemToObject(parent, name, o);
	return o;
}

static bool is_v4_mapped(const __u8 *a)
{
	static const __u8 prefix[12] = { [10] = 0xff, [11] = 0xff };

	return !memcmp(a, prefix, sizeof(prefix));
}

static bool all_zero(const __u8 *a, int len)
{
	for (int i = 0; i < len; i++)
		if (a[i])
			return false;
	return true;
}

static void add_endpoint(cJSON *root, const char *name, int family, const __u8 *addr,
			 int port, const char *cc)
{
	char buf[64];
	cJSON *o;

	/* A dual-stack socket's ::ffff:a.b.c.d is the IPv4 host a.b.c.d. */
	if (family == AF_INET6 && is_v4_mapped(addr)) {
		family = AF_INET;
		addr += 12;
	}

	/* A connect hook does not always know the source address yet. */
	if (all_zero(addr, family == AF_INET ? 4 : 16) && !port)
		return;
	o = add_object(root, name);
	if (!all_zero(addr, family == AF_INET ? 4 : 16))
		cJSON_AddStringToObject(o, "ip", addr_format(family, addr, buf, sizeof(buf)));
	if (port)
		cJSON_AddNumberToObject(o, "port", port);
	if (cc && cc[0])
		cJSON_AddStringToObject(add_object(o, "geo"), "country_iso_code", cc);
}

/* The operator overlay: destination.as (ECS) and juris.operator. */
static void add_operator(cJSON *root, cJSON *jur, const struct event_writer *w,
			 const struct juris_event *e)
{
	const struct operator *op = w->ops ? operator_find(w->ops, e->asn) : NULL;
	cJSON *dst = cJSON_GetObjectItemCaseSensitive(root, "destination"), *as, *o;
	char home[3] = { e->op_cc[0], e->op_cc[1], 0 }, line[160];

	if (!e->asn || !dst)
		return;
	as = add_object(dst, "as");
	cJSON_AddNumberToObject(as, "number", e->asn);
	if (op)
		cJSON_AddStringToObject(add_object(as, "organization"), "name", op->name);
	o = add_object(jur, "operator");
	if (home[0])
		cJSON_AddStringToObject(o, "country", home);
	cJSON_AddBoolToObject(o, "foreign", e->flags & GEO_F_FOREIGN_OP);
	/* "located FR, operated from US (AS16509 Amazon)", for people. */
	if (!operator_describe(line, sizeof(line), e->cc, e->asn, e->op_cc, op ? op->name : NULL))
		cJSON_AddStringToObject(o, "summary", line);
}

/* ECS destination.domain: the name the process looked up, when juris saw
 * the DNS answer that gave this address. */
static void add_domain(const struct event_writer *w, cJSON *root, const struct juris_event *e)
{
	const char *name = w->domain ? w->domain(w->domain_ctx, e) : NULL;
	cJSON *dst;

	if (!name || !name[0])
		return;
	dst = cJSON_GetObjectItemCaseSensitive(root, "destination");
	if (!dst)
		dst = add_object(root, "destination");
	cJSON_AddStringToObject(dst, "domain", name);
}

char *event_to_json(const struct event_writer *w, const struct juris_event *e)
{
	cJSON *root = cJSON_CreateObject(), *o;
	char ts[64], cc[3] = { e->cc[0], e->cc[1], 0 }, comm[17], uid[16];
	const char *transport = transport_name(e->proto);
	char *line;

	if (!root)
		return NULL;
	format_time(ts, sizeof(ts), (__s64)e->ts_ns + w->boot_to_real_ns);
	cJSON_AddStringToObject(root, "@timestamp", ts);
	o = add_object(root, "event");
	cJSON_AddStringToObject(o, "kind", "event");
	cJSON_AddItemToObject(o, "category", cJSON_CreateStringArray((const char *[]){ "network" }, 1));
	cJSON_AddStringToObject(o, "action", action_name(e->verdict));
	cJSON_AddStringToObject(o, "outcome", e->verdict == VERDICT_BLOCK ? "failure" : "success");
	add_endpoint(root, "source", e->family, e->saddr, e->sport, NULL);
	add_endpoint(root, "destination", e->family, e->daddr, e->dport, cc);
	add_domain(w, root, e);
	o = add_object(root, "network");
	if (transport)
		cJSON_AddStringToObject(o, "transport", transport);
	cJSON_AddNumberToObject(o, "iana_number", e->proto);
	cJSON_AddStringToObject(o, "type", e->family == AF_INET || is_v4_mapped(e->daddr) ? "ipv4"
											   : "ipv6");
	if (e->pid) {
		memcpy(comm, e->comm, 16);
		comm[16] = 0;
		o = add_object(root, "process");
		cJSON_AddNumberToObject(o, "pid", e->pid);
		cJSON_AddStringToObject(o, "name", comm);
		snprintf(uid, sizeof(uid), "%u", e->uid);
		cJSON_AddStringToObject(add_object(root, "user"), "id", uid);
	}
	cJSON_AddStringToObject(add_object(root, "host"), "name", w->host);
	o = add_object(root, "juris");
	cJSON_AddStringToObject(o, "zone", zone_name(e->zone));
	cJSON_AddStringToObject(o, "policy", w->policy);
	cJSON_AddStringToObject(o, "mode", w->mode);
	cJSON_AddNumberToObject(o, "cgroup_id", (double)e->cgroup_id);
	cJSON_AddStringToObject(o, "hook", hook_name(e->hook));
	if (e->flags & GEO_F_EXCEPTION)
		cJSON_AddTrueToObject(o, "exception");
	add_operator(root, o, w, e);
	line = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return line;
}

int event_write(struct event_writer *w, const struct juris_event *e)
{
	char *line = event_to_json(w, e);
	int ret = 0;

	if (!line)
		return -ENOMEM;
	if (w->rot)
		ret = rotfile_write_line(w->rot, line);
	else if (fprintf(w->out, "%s\n", line) < 0 || fflush(w->out))
		ret = -errno;
	cJSON_free(line);
	return ret;
}
