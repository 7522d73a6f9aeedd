/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Turns kernel events into NDJSON lines with Elastic Common Schema names,
 * so that Filebeat, Vector and Fluent Bit take them unchanged. */
#include <errno.h>
#include <stdbool.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cjson/cJSON.h>
#include "base/addr.h"
#include "base/text_escape.h"
#include "daemon/events.h"
#include "policy/names.h"
#include "policy/reason.h"

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
	case VERDICT_BLOCK:
		return "blocked";
	case VERDICT_WOULD_BLOCK:
		return "would_block";
	default:
		return "allowed";
	}
}

static const char *hook_name(int hook)
{
	static const char *const names[HOOK_MAX] = {
		"cgroup_skb/egress",   "cgroup/connect4",    "cgroup/connect6",
		"cgroup/sendmsg4",     "cgroup/sendmsg6",    "tc/ingress",
		"lsm/socket_create",   "lsm/socket_sendmsg", "tp_btf/sys_enter:socket",
		"cgroup/sock_release", "iter/tcp",	     "iter/udp",
		"tc/egress",
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

/* Names from outside (process, DNS, AS, host) through text_utf8_clean():
 * every line stays valid UTF-8, or strict parsers drop the event. */
static void add_text(cJSON *o, const char *name, const char *s)
{
	char *clean = text_utf8_clean(s);

	if (clean)
		cJSON_AddStringToObject(o, name, clean);
	free(clean);
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

static void add_endpoint(cJSON *root, const char *name, int family, const __u8 *addr, int port,
			 const char *cc)
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
	const struct operator* op = w->ops ? operator_find(w->ops, e->asn) : NULL;
	cJSON *dst = cJSON_GetObjectItemCaseSensitive(root, "destination"), *as, *o;
	char home[3] = { e->op_cc[0], e->op_cc[1], 0 }, line[160];

	if (!e->asn || !dst)
		return;
	as = add_object(dst, "as");
	cJSON_AddNumberToObject(as, "number", e->asn);
	if (op)
		add_text(add_object(as, "organization"), "name", op->name);
	o = add_object(jur, "operator");
	if (home[0])
		cJSON_AddStringToObject(o, "country", home);
	cJSON_AddBoolToObject(o, "foreign", e->flags & GEO_F_FOREIGN_OP);
	/* "located FR, operated from US (AS16509 Amazon)", for people. */
	if (!operator_describe(line, sizeof(line), e->cc, e->asn, e->op_cc, op ? op->name : NULL))
		add_text(o, "summary", line);
}

/* The IPv4 address an IPv6 destination carries, which juris judged it by:
 * juris.embedded_ipv4 and juris.embedding (nat64, 6to4, teredo). Not ECS
 * destination.nat.ip: that is a translation the observer saw done, which
 * 6to4 and Teredo are not, and which no one did yet when juris judged. An
 * IPv4-mapped address is shown as the IPv4 destination itself. */
static void add_embedded_ipv4(cJSON *jur, const struct event_writer *w, const struct juris_event *e)
{
	char buf[INET_ADDRSTRLEN];
	uint8_t v4[4];
	int kind;

	if (e->family != AF_INET6)
		return;
	kind = embedded_ipv4(w->nat64, e->daddr, v4);
	if (kind <= EMBED4_MAPPED)
		return;
	cJSON_AddStringToObject(jur, "embedded_ipv4", addr_format(AF_INET, v4, buf, sizeof(buf)));
	cJSON_AddStringToObject(jur, "embedding", embed4_kind_name(kind));
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
	add_text(dst, "domain", name);
}

/* A packet socket has no destination juris can judge (the frames are the
 * process's own bytes): the event says which socket, and who. */
static void add_packet_socket(cJSON *root, const struct juris_event *e)
{
	cJSON *o = add_object(root, "network");

	cJSON_AddStringToObject(o, "type", e->family == 44 ? "xdp" : "packet");
	cJSON_AddStringToObject(
		cJSON_GetObjectItemCaseSensitive(root, "event"), "reason",
		e->hook == HOOK_LSM_SENDMSG ? "send through a packet socket by a watched process"
		: e->hook == HOOK_SYS_SOCKET && e->verdict == VERDICT_BLOCK
			? "packet socket opened by a watched process: process killed "
			  "(no usable BPF LSM)"
			: "packet socket opened by a watched process");
}

char *event_to_json(const struct event_writer *w, const struct juris_event *e)
{
	cJSON *root = cJSON_CreateObject(), *o;
	char ts[64], cc[3] = { e->cc[0], e->cc[1], 0 }, comm[17], uid[16], proto[8];
	const char *transport = transport_name(e->proto);
	char *line;

	if (!root)
		return NULL;
	format_time(ts, sizeof(ts), (__s64)e->ts_ns + w->boot_to_real_ns);
	cJSON_AddStringToObject(root, "@timestamp", ts);
	o = add_object(root, "event");
	cJSON_AddStringToObject(o, "kind", "event");
	cJSON_AddItemToObject(o, "category",
			      cJSON_CreateStringArray((const char *[]){ "network" }, 1));
	cJSON_AddStringToObject(o, "action", action_name(e->verdict));
	cJSON_AddStringToObject(o, "outcome", e->verdict == VERDICT_BLOCK ? "failure" : "success");
	/* A policy switch closed a connection that was already open. */
	if (e->type == EVENT_CLOSED)
		cJSON_AddStringToObject(o, "reason",
					"open connection closed: the new policy "
					"blocks its destination");
	if (e->type == EVENT_PACKET_SOCKET) {
		add_packet_socket(root, e);
	} else {
		add_endpoint(root, "source", e->family, e->saddr, e->sport, NULL);
		add_endpoint(root, "destination", e->family, e->daddr, e->dport, cc);
		add_domain(w, root, e);
		o = add_object(root, "network");
		if (transport)
			cJSON_AddStringToObject(o, "transport", transport);
		/* ECS declares network.iana_number a keyword: the string "6". */
		snprintf(proto, sizeof(proto), "%u", e->proto);
		cJSON_AddStringToObject(o, "iana_number", proto);
		/* A packet socket's frame: its IP header says where, but it
		 * went out as a frame. */
		if (e->type == EVENT_PACKET_FRAME)
			cJSON_AddStringToObject(o, "type", "packet");
		else
			cJSON_AddStringToObject(
				o, "type",
				e->family == AF_INET || is_v4_mapped(e->daddr) ? "ipv4" : "ipv6");
	}
	if (e->type == EVENT_PACKET_FRAME)
		cJSON_AddStringToObject(cJSON_GetObjectItemCaseSensitive(root, "event"), "reason",
					"frame written through a packet socket by a watched "
					"process (tc egress backstop)");
	if (e->pid) {
		memcpy(comm, e->comm, 16);
		comm[16] = 0;
		o = add_object(root, "process");
		cJSON_AddNumberToObject(o, "pid", e->pid);
		add_text(o, "name", comm);
		snprintf(uid, sizeof(uid), "%u", e->uid);
		cJSON_AddStringToObject(add_object(root, "user"), "id", uid);
	}
	add_text(add_object(root, "host"), "name", w->host);
	o = add_object(root, "juris");
	/* Not ECS: the packet socket's SOCK_* type (0 from a send). */
	if (e->type == EVENT_PACKET_SOCKET && e->proto)
		cJSON_AddNumberToObject(o, "socket_type", e->proto);
	if (e->type != EVENT_PACKET_SOCKET) {
		cJSON_AddStringToObject(o, "zone", zone_name(e->zone));
		cJSON_AddStringToObject(o, "reason", reason_name(e->reason));
	}
	cJSON_AddStringToObject(o, "policy", w->policy);
	cJSON_AddStringToObject(o, "mode", w->mode);
	cJSON_AddNumberToObject(o, "cgroup_id", (double)e->cgroup_id);
	/* The socket: two connections of one process are two events. */
	if (e->sock)
		cJSON_AddNumberToObject(o, "socket_cookie", (double)e->sock);
	cJSON_AddStringToObject(o, "hook", hook_name(e->hook));
	if (e->flags & GEO_F_EXCEPTION)
		cJSON_AddTrueToObject(o, "exception");
	add_embedded_ipv4(o, w, e);
	if (e->type == EVENT_CLOSED)
		cJSON_AddTrueToObject(o, "closed");
	add_operator(root, o, w, e);
	line = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return line;
}

/* A process or DNS name on a terminal: control bytes could move the
 * cursor or retitle the window, so anything but printable ASCII is '?'. */
static void printable(char *dst, size_t len, const char *src, size_t max)
{
	size_t i;

	for (i = 0; i + 1 < len && i < max && src[i]; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? src[i] : '?';
	dst[i] = 0;
}

int event_to_line(const struct event_writer *w, const struct juris_event *e, char *buf, size_t len)
{
	const char *proto = transport_name(e->proto), *name;
	const struct operator* op = w->ops && e->asn ? operator_find(w->ops, e->asn) : NULL;
	char ts[64], dst[64], comm[17], domain[DNS_NAME_MAX], oper[200] = "";
	const __u8 *daddr = e->daddr;
	int family = e->family;

	if (family == AF_INET6 && is_v4_mapped(daddr)) {
		family = AF_INET;
		daddr += 12;
	}
	format_time(ts, sizeof(ts), (__s64)e->ts_ns + w->boot_to_real_ns);
	/* Seconds are enough for a person; the milliseconds are in the JSON. */
	snprintf(ts + 19, sizeof(ts) - 19, "Z");
	addr_format(family, daddr, dst, sizeof(dst));
	printable(comm, sizeof(comm), e->comm, sizeof(e->comm));
	name = w->domain ? w->domain(w->domain_ctx, e) : NULL;
	printable(domain, sizeof(domain), name ? name : "", DNS_NAME_MAX);
	if (e->asn) {
		char line[160];

		if (!operator_describe(line, sizeof(line), e->cc, e->asn, e->op_cc,
				       op ? op->name : NULL)) {
			printable(oper + 2, sizeof(oper) - 2, line, sizeof(line));
			memcpy(oper, "; ", 2);
		}
	}
	snprintf(buf, len,
		 "%s %s %s %s%s%s:%u%s%s country %.2s zone %s pid %u (%s) uid %u "
		 "cgroup %llu %s%s%s",
		 ts, e->type == EVENT_CLOSED ? "closed" : action_name(e->verdict),
		 proto ? proto : "ip", family == AF_INET6 ? "[" : "", dst,
		 family == AF_INET6 ? "]" : "", e->dport, domain[0] ? " " : "", domain,
		 e->cc[0] ? e->cc : "--", zone_name(e->zone), e->pid, comm[0] ? comm : "-", e->uid,
		 (unsigned long long)e->cgroup_id, hook_name(e->hook),
		 e->flags & GEO_F_EXCEPTION ? " (exception)" : "", oper);
	return 0;
}

int event_write(struct event_writer *w, const struct juris_event *e)
{
	char *line, text[512];
	int ret = 0;

	if (w->human) {
		event_to_line(w, e, text, sizeof(text));
		line = text;
	} else {
		line = event_to_json(w, e);
	}
	if (!line)
		return -ENOMEM;
	if (w->rot)
		ret = rotfile_write_line(w->rot, line);
	else if (fprintf(w->out, "%s\n", line) < 0 || fflush(w->out))
		ret = -errno;
	if (line != text)
		cJSON_free(line);
	return ret;
}
