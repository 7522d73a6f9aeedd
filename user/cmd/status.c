/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris status: what the pinned state enforces, on what, and what it counted. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <cjson/cJSON.h>
#include "policy/names.h"
#include "kernel/pins.h"
#include "kernel/meta.h"
#include "kernel/config.h"
#include "kernel/cgroup.h"
#include "cmd/commands.h"
#include "policy/database.h"
#include "policy/locdb.h"
#include "kernel/loader.h"
#include "kernel/stats.h"
#include "kernel/lsm.h"
#include "kernel/backstop.h"
#include "kernel/tc.h"
#include "policy/dns_resolvers.h"
#include "kernel/watch_state.h"

#define MAX_HOOKS (MAX_CGROUPS * HOOK_MAX)

struct hook_info {
	char name[32];
	__u64 cgroup_id;
	char cgroup[4096];
};

struct status {
	struct juris_config cfg;
	struct juris_meta meta;
	struct juris_stats stats;
	struct hook_info hooks[MAX_HOOKS];
	int n_hooks;
	bool daemon_running;
	bool tc_attached[MAX_GW_IFACES];
	struct watch_state targets[WATCH_STATES_MAX];
	int n_targets;
	int n_unattached;
};

static const char *attach_type_name(__u32 t)
{
	switch (t) {
	case BPF_CGROUP_INET_EGRESS:
		return "cgroup_skb/egress";
	case BPF_CGROUP_INET4_CONNECT:
		return "cgroup/connect4";
	case BPF_CGROUP_INET6_CONNECT:
		return "cgroup/connect6";
	case BPF_CGROUP_UDP4_SENDMSG:
		return "cgroup/sendmsg4";
	case BPF_CGROUP_UDP6_SENDMSG:
		return "cgroup/sendmsg6";
	case BPF_CGROUP_INET_INGRESS:
		return "cgroup_skb/ingress";
	case BPF_CGROUP_INET_SOCK_RELEASE:
		return "cgroup/sock_release";
	default:
		return "other";
	}
}

static int read_hooks(const char *dir, struct status *s)
{
	struct dirent *d;
	DIR *dp = opendir(dir);

	if (!dp)
		return -errno;
	while ((d = readdir(dp)) && s->n_hooks < MAX_HOOKS) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);
		char path[4096];
		int fd;

		if (strncmp(d->d_name, "link_", 5))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.type == BPF_LINK_TYPE_CGROUP) {
			struct hook_info *h = &s->hooks[s->n_hooks++];

			snprintf(h->name, sizeof(h->name), "%s",
				 attach_type_name(info.cgroup.attach_type));
			h->cgroup_id = info.cgroup.cgroup_id;
			if (cgroup_path_of_id(NULL, h->cgroup_id, h->cgroup, sizeof(h->cgroup)))
				snprintf(h->cgroup, sizeof(h->cgroup), "(cgroup id %llu, removed)",
					 (unsigned long long)h->cgroup_id);
		}
		close(fd);
	}
	closedir(dp);
	return 0;
}

static const char *sig_word(int sig)
{
	return sig == LOCDB_SIG_GOOD	 ? "good"
	       : sig == LOCDB_SIG_BAD	 ? "bad"
	       : sig == LOCDB_SIG_NO_KEY ? "no key"
					 : "not checked";
}

/* The attribution of the database in force, from what the meta says. */
static const char *meta_attribution(const struct juris_meta *m)
{
	return database_attribution(m->db_libloc, m->db_type);
}

/* What becomes of the packet sockets of watched processes. */
static const char *packet_coverage(const struct juris_meta *meta)
{
	bool tc = backstop_hooks(meta) > 0;

	if (meta->lsm == PACKET_LSM)
		return "lsm";
	if (meta->lsm == PACKET_SYSCALL)
		return tc ? "syscall+tc" : "syscall";
	return tc ? "tc" : "uncovered";
}

/* What the coverage leaves open, for JSON: names a monitoring rule can test. */
static cJSON *packet_left_open(const struct juris_meta *meta)
{
	static const char *const bypass[] = { "PACKET_QDISC_BYPASS", "AF_XDP" };
	static const char *const all[] = { "AF_PACKET", "AF_XDP" };
	bool tc = backstop_hooks(meta) > 0;

	if (meta->lsm == PACKET_LSM)
		return cJSON_CreateArray();
	if (tc)
		return cJSON_CreateStringArray(bypass, 2);
	return cJSON_CreateStringArray(all, 2);
}

/* The kernel's counters in status --json, by key (bpf/juris.h says what
 * each counts). flow_entries_extra: entries besides new flows, verdict
 * epochs and live sockets' entries written again after an eviction. */
static const struct {
	const char *key;
	int cnt;
} json_counters[] = {
	{ "flow_entries_extra", CNT_FLOW_ENTRIES_EXTRA },
	{ "flow_insert_failures", CNT_FLOW_INSERT_FAIL },
	{ "ringbuf_drops", CNT_RINGBUF_DROPS },
	{ "connect_blocked", CNT_CONNECT_BLOCKED },
	{ "sendmsg_blocked", CNT_SENDMSG_BLOCKED },
	{ "packets_blocked", CNT_PACKETS_BLOCKED },
	{ "not_ip", CNT_NOT_IP },
	{ "gateway_packets_blocked", CNT_GW_PACKETS_BLOCKED },
	{ "gateway_tcp_resets", CNT_GW_RESETS_SENT },
	{ "gateway_icmp_sent", CNT_GW_ICMP_SENT },
	{ "gateway_icmp_rate_limited", CNT_GW_ICMP_RATE_LIMITED },
	{ "slot_missing", CNT_SLOT_MISSING },
	{ "dns_answers", CNT_DNS_ANSWERS },
	{ "dns_ringbuf_drops", CNT_DNS_RINGBUF_DROPS },
	{ "dns_malformed", CNT_DNS_MALFORMED },
	{ "dns_except_added", CNT_DNS_EXCEPT_ADDED },
	{ "dns_cache_evictions", CNT_DNS_CACHE_EVICTIONS },
	{ "dns_unsolicited", CNT_DNS_UNSOLICITED },
	{ "dns_mismatched", CNT_DNS_MISMATCHED },
	{ "dns_midstream", CNT_DNS_MIDSTREAM },
	{ "dns_not_resolver", CNT_DNS_NOT_RESOLVER },
	{ "dns_off_chain", CNT_DNS_OFF_CHAIN },
	{ "watch_added", CNT_WATCH_ADDED },
	{ "watch_full", CNT_WATCH_FULL },
	{ "packet_sockets_refused", CNT_PACKET_SOCKETS_REFUSED },
	{ "packet_sockets_seen", CNT_PACKET_SOCKETS_SEEN },
	{ "packet_sends_refused", CNT_PACKET_SENDS_REFUSED },
	{ "packet_sends_seen", CNT_PACKET_SENDS_SEEN },
};
_Static_assert(sizeof(json_counters) / sizeof(json_counters[0]) == CNT_MAX,
	       "every counter of bpf/juris.h has its key in status --json");

static cJSON *status_json(const struct juris_opts *o, const struct status *s)
{
	cJSON *root = cJSON_CreateObject(), *db, *arr, *c;

	cJSON_AddStringToObject(root, "pin_dir", o->policy.pin_dir);
	cJSON_AddStringToObject(root, "mode", mode_name(s->cfg.mode));
	cJSON_AddStringToObject(root, "allow", zone_name(s->cfg.allow_zone));
	cJSON_AddStringToObject(root, "unknown", s->cfg.unknown_deny ? "deny" : "allow");
	cJSON_AddBoolToObject(root, "us_adequate", s->meta.us_adequate);
	cJSON_AddNumberToObject(root, "excepts", s->meta.n_excepts);
	cJSON_AddStringToObject(root, "foreign_operator", foreign_op_name(s->cfg.foreign_op));
	cJSON_AddBoolToObject(root, "operator_overlay", s->cfg.overlay != 0);
	arr = cJSON_AddArrayToObject(root, "nat64_prefixes");
	for (uint32_t i = 0; arr && i < s->cfg.n_nat64 && i < NAT64_PREFIXES_MAX; i++) {
		char buf[INET6_ADDRSTRLEN + 8];

		cJSON_AddItemToArray(arr, cJSON_CreateString(nat64_prefix_format(
						  &s->cfg.nat64[i], buf, sizeof(buf))));
	}
	cJSON_AddNumberToObject(root, "daemon_pid", s->daemon_running ? s->cfg.daemon_pid : 0);
	cJSON_AddBoolToObject(root, "daemon_running", s->daemon_running);
	cJSON_AddNumberToObject(root, "started", (double)s->meta.started_realtime);
	cJSON_AddNumberToObject(root, "policy_generation", s->cfg.generation);
	cJSON_AddNumberToObject(root, "reloads", s->meta.reload_seq);
	if (s->meta.reload_seq) {
		c = cJSON_AddObjectToObject(root, "last_reload");
		cJSON_AddBoolToObject(c, "ok", s->meta.reload_status == 0);
		cJSON_AddStringToObject(c, "message", s->meta.reload_msg);
	}
	db = cJSON_AddObjectToObject(root, "database");
	cJSON_AddStringToObject(db, "path", s->meta.db_path);
	cJSON_AddStringToObject(db, "type", s->meta.db_type);
	cJSON_AddNumberToObject(db, "build_epoch", (double)s->meta.db_build_epoch);
	cJSON_AddNumberToObject(db, "age_days", database_age_days(s->meta.db_build_epoch));
	cJSON_AddBoolToObject(db, "stale",
			      database_age_days(s->meta.db_build_epoch) > DB_MAX_AGE_DAYS);
	cJSON_AddNumberToObject(db, "prefixes_v4", (double)s->meta.prefixes_v4);
	cJSON_AddNumberToObject(db, "prefixes_v6", (double)s->meta.prefixes_v6);
	cJSON_AddStringToObject(db, "format", s->meta.db_libloc ? "libloc" : "mmdb");
	cJSON_AddStringToObject(db, "vendor", s->meta.db_vendor);
	cJSON_AddStringToObject(db, "license", s->meta.db_license);
	cJSON_AddStringToObject(db, "signature", sig_word(s->meta.db_sig));
	cJSON_AddStringToObject(db, "attribution", meta_attribution(&s->meta));
	cJSON_AddNumberToObject(db, "networks", (double)s->meta.db_networks);
	c = cJSON_AddObjectToObject(db, "follow");
	cJSON_AddNumberToObject(c, "switches", s->meta.follow_switches);
	cJSON_AddNumberToObject(c, "refusals", s->meta.follow_refusals);
	cJSON_AddNumberToObject(c, "last", (double)s->meta.follow_last);
	cJSON_AddStringToObject(c, "message", s->meta.follow_msg);
	arr = cJSON_AddArrayToObject(root, "targets");
	for (int i = 0; i < s->n_targets; i++) {
		const struct watch_state *w = &s->targets[i];

		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "kind", w->kind);
		cJSON_AddStringToObject(c, "name", w->name);
		cJSON_AddBoolToObject(c, "present", w->present);
		cJSON_AddBoolToObject(c, "attached", w->attached);
		if (w->why)
			cJSON_AddStringToObject(c, "why", w->why);
		cJSON_AddItemToArray(arr, c);
	}
	cJSON_AddNumberToObject(root, "reattached", (double)s->meta.reattached);
	if (s->meta.n_cgroups) {
		cJSON_AddStringToObject(root, "packet_sockets", packet_coverage(&s->meta));
		cJSON_AddItemToObject(root, "packet_sockets_left_open", packet_left_open(&s->meta));
	}
	arr = cJSON_AddArrayToObject(root, "hooks");
	for (int i = 0; i < s->n_hooks; i++) {
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "hook", s->hooks[i].name);
		cJSON_AddStringToObject(c, "cgroup", s->hooks[i].cgroup);
		cJSON_AddNumberToObject(c, "cgroup_id", (double)s->hooks[i].cgroup_id);
		cJSON_AddItemToArray(arr, c);
	}
	/* tc hooks (gateway, backstop) carry an interface, not a cgroup. */
	for (__u32 i = 0; i < s->meta.n_tc_hooks && i < MAX_GW_IFACES; i++) {
		const struct tc_hook_rec *r = &s->meta.tc_hooks[i];

		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "hook", r->egress ? "tc/egress" : "tc/ingress");
		cJSON_AddStringToObject(c, "iface", r->ifname);
		cJSON_AddNumberToObject(c, "ifindex", r->ifindex);
		cJSON_AddNumberToObject(c, "handle", r->handle);
		cJSON_AddNumberToObject(c, "priority", r->priority);
		cJSON_AddBoolToObject(c, "attached", s->tc_attached[i]);
		cJSON_AddBoolToObject(c, "created_qdisc", r->created_qdisc);
		cJSON_AddItemToArray(arr, c);
	}
	if (s->meta.n_uplinks) {
		c = cJSON_AddObjectToObject(root, "gateway");
		arr = cJSON_AddArrayToObject(c, "uplinks");
		for (__u32 i = 0; i < s->meta.n_uplinks && i < MAX_IFACES; i++)
			cJSON_AddItemToArray(arr, cJSON_CreateString(s->meta.uplinks[i]));
		cJSON_AddNumberToObject(c, "sources", s->meta.n_sources);
		cJSON_AddNumberToObject(c, "attaches", (double)s->meta.gw_attaches);
		cJSON_AddNumberToObject(c, "detaches", (double)s->meta.gw_detaches);
	}
	arr = cJSON_AddArrayToObject(root, "totals");
	for (int z = 0; z < ZONE_MAX; z++)
		for (int v = 0; v < VERDICT_MAX; v++) {
			const struct juris_totals *t = &s->stats.totals[TOTALS_INDEX(z, v)];

			c = cJSON_CreateObject();
			cJSON_AddStringToObject(c, "zone", zone_name(z));
			cJSON_AddStringToObject(c, "verdict", verdict_name(v));
			cJSON_AddNumberToObject(c, "packets", (double)t->packets);
			cJSON_AddNumberToObject(c, "bytes", (double)t->bytes);
			cJSON_AddNumberToObject(c, "flows", (double)t->flows);
			cJSON_AddItemToArray(arr, c);
		}
	c = cJSON_AddObjectToObject(root, "counters");
	cJSON_AddNumberToObject(c, "flows_in_table", (double)s->stats.flows_in_table);
	cJSON_AddNumberToObject(c, "flow_table_size", (double)s->stats.flow_table_size);
	cJSON_AddNumberToObject(c, "flows_created", (double)s->stats.flows_created);
	cJSON_AddNumberToObject(c, "flow_evictions", (double)s->stats.flow_evictions);
	for (size_t i = 0; i < sizeof(json_counters) / sizeof(json_counters[0]); i++)
		cJSON_AddNumberToObject(c, json_counters[i].key,
					(double)s->stats.counters[json_counters[i].cnt]);
	arr = cJSON_AddArrayToObject(root, "dns_resolvers");
	for (uint32_t i = 0; arr && i < s->cfg.n_dns_resolvers && i < DNS_RESOLVERS_MAX; i++) {
		char buf[INET6_ADDRSTRLEN];

		cJSON_AddItemToArray(arr, cJSON_CreateString(config_resolver_text(&s->cfg, i, buf,
										  sizeof(buf))));
	}
	return root;
}

static void print_text(const struct juris_opts *o, const struct status *s)
{
	long age = database_age_days(s->meta.db_build_epoch);
	time_t built = (time_t)s->meta.db_build_epoch;
	char date[32];
	struct tm tm;

	gmtime_r(&built, &tm);
	strftime(date, sizeof(date), "%Y-%m-%d", &tm);
	printf("pins:      %s\n", o->policy.pin_dir);
	if (s->daemon_running)
		printf("daemon:    running (pid %u)\n", s->cfg.daemon_pid);
	else
		printf("daemon:    not running (the programs stay attached; juris run adopts them)\n");
	printf("mode:      %s\n", mode_name(s->cfg.mode));
	printf("policy:    allow %s, unknown %s%s, %u exception%s, foreign operators %s%s\n",
	       zone_name(s->cfg.allow_zone), s->cfg.unknown_deny ? "deny" : "allow",
	       s->meta.us_adequate ? ", US adequate" : "", s->meta.n_excepts,
	       s->meta.n_excepts == 1 ? "" : "s", foreign_op_name(s->cfg.foreign_op),
	       s->cfg.overlay ? "" : " (no operator overlay loaded)");
	printf("nat64:     64:ff9b::/96 (well-known)");
	for (uint32_t i = 0; i < s->cfg.n_nat64 && i < NAT64_PREFIXES_MAX; i++) {
		char buf[INET6_ADDRSTRLEN + 8];

		printf(", %s", nat64_prefix_format(&s->cfg.nat64[i], buf, sizeof(buf)));
	}
	printf("; 6to4 and Teredo judged by their IPv4 address\n");
	printf("database:  %s (built %s, %ld days old%s; %llu IPv4 / %llu IPv6 prefixes)\n",
	       s->meta.db_path, date, age, age > DB_MAX_AGE_DAYS ? ", STALE" : "",
	       (unsigned long long)s->meta.prefixes_v4, (unsigned long long)s->meta.prefixes_v6);
	printf("source:    %s, %s, signature %s\n",
	       s->meta.db_libloc ? "libloc location database" : "MaxMind DB",
	       s->meta.db_vendor[0] ? s->meta.db_vendor : s->meta.db_type,
	       sig_word(s->meta.db_sig));
	printf("data:      %s\n", meta_attribution(&s->meta));
	if (s->meta.follow_switches || s->meta.follow_refusals)
		printf("follow:    %u switch%s, %u refusal%s; last: %s\n", s->meta.follow_switches,
		       s->meta.follow_switches == 1 ? "" : "es", s->meta.follow_refusals,
		       s->meta.follow_refusals == 1 ? "" : "s", s->meta.follow_msg);
	if (s->meta.reload_seq)
		printf("reloads:   %u; last: %s%s\n", s->meta.reload_seq,
		       s->meta.reload_status ? "FAILED: " : "", s->meta.reload_msg);
	printf("watched:\n");
	for (int i = 0; i < s->n_targets; i++) {
		const struct watch_state *w = &s->targets[i];

		if (!w->attached)
			printf("  %-6s %s: NOT ATTACHED: %s\n", w->kind, w->name, w->why);
		else
			printf("  %-6s %s: %s\n", w->kind, w->name,
			       w->present ? "attached"
					  : "absent (watched from the moment it is created)");
	}
	if (s->meta.reattached)
		printf("  (hooks attached again %llu time%s on recreated cgroups)\n",
		       (unsigned long long)s->meta.reattached, s->meta.reattached == 1 ? "" : "s");
	if (s->meta.n_cgroups && s->meta.lsm == PACKET_LSM)
		printf("packet sockets: AF_PACKET and AF_XDP of watched processes %s (BPF LSM); "
		       "%llu opened, %llu refused, %llu sends refused\n",
		       s->cfg.mode == MODE_ENFORCE ? "refused" : "reported",
		       (unsigned long long)s->stats.counters[CNT_PACKET_SOCKETS_SEEN],
		       (unsigned long long)s->stats.counters[CNT_PACKET_SOCKETS_REFUSED],
		       (unsigned long long)s->stats.counters[CNT_PACKET_SENDS_REFUSED]);
	else if (s->meta.n_cgroups && s->meta.lsm == PACKET_SYSCALL && backstop_hooks(&s->meta))
		printf("packet sockets: no usable BPF LSM; a watched process opening AF_PACKET or "
		       "AF_XDP is %s at socket() (%llu killed, %llu reported); the tc egress "
		       "backstop on the uplinks judges the frames of watched packet sockets by "
		       "destination (%llu dropped, %llu passed); LEFT OPEN: PACKET_QDISC_BYPASS "
		       "and AF_XDP frames (they skip tc)%s\n",
		       s->cfg.mode == MODE_ENFORCE ? "killed" : "reported",
		       (unsigned long long)s->stats.counters[CNT_PACKET_SOCKETS_REFUSED],
		       (unsigned long long)s->stats.counters[CNT_PACKET_SOCKETS_SEEN],
		       (unsigned long long)s->stats.counters[CNT_PACKET_SENDS_REFUSED],
		       (unsigned long long)s->stats.counters[CNT_PACKET_SENDS_SEEN],
		       s->cfg.mode == MODE_ENFORCE
			       ? " of packet sockets it inherits, receives over a unix socket or "
				 "opens through io_uring"
			       : "");
	else if (s->meta.n_cgroups && s->meta.lsm == PACKET_SYSCALL)
		printf("packet sockets: no usable BPF LSM; a watched process opening AF_PACKET or "
		       "AF_XDP is %s at socket() (%llu killed, %llu reported); LEFT OPEN: packet "
		       "sockets it inherits, receives over a unix socket or opens through "
		       "io_uring\n",
		       s->cfg.mode == MODE_ENFORCE ? "killed" : "reported",
		       (unsigned long long)s->stats.counters[CNT_PACKET_SOCKETS_REFUSED],
		       (unsigned long long)s->stats.counters[CNT_PACKET_SOCKETS_SEEN]);
	else if (s->meta.n_cgroups && backstop_hooks(&s->meta))
		printf("packet sockets: no usable BPF LSM; the tc egress backstop on the uplinks "
		       "judges frames watched processes write through AF_PACKET by destination "
		       "(%llu dropped, %llu passed); LEFT OPEN: PACKET_QDISC_BYPASS and AF_XDP "
		       "frames (they skip tc), and frames on other interfaces\n",
		       (unsigned long long)s->stats.counters[CNT_PACKET_SENDS_REFUSED],
		       (unsigned long long)s->stats.counters[CNT_PACKET_SENDS_SEEN]);
	else if (s->meta.n_cgroups)
		printf("packet sockets: NOT COVERED: no usable BPF LSM; frames a watched process "
		       "writes through AF_PACKET or AF_XDP are neither seen nor stopped\n");
	printf("hooks:\n");
	for (int i = 0; i < s->n_hooks; i++)
		printf("  %-18s %s\n", s->hooks[i].name, s->hooks[i].cgroup);
	for (__u32 i = 0; i < s->meta.n_tc_hooks && i < MAX_GW_IFACES; i++)
		printf("  %-18s %s (handle 0x%x, priority %u)%s\n",
		       s->meta.tc_hooks[i].egress ? "tc/egress" : "tc/ingress",
		       s->meta.tc_hooks[i].ifname, s->meta.tc_hooks[i].handle,
		       s->meta.tc_hooks[i].priority, s->tc_attached[i] ? "" : ", NOT ATTACHED");
	if (s->meta.n_uplinks) {
		printf("gateway:   %u source range%s forwarded to", s->meta.n_sources,
		       s->meta.n_sources == 1 ? "" : "s");
		for (__u32 i = 0; i < s->meta.n_uplinks && i < MAX_IFACES; i++)
			printf(" %s", s->meta.uplinks[i]);
		printf("; inside interfaces attached after start %llu, gone %llu\n",
		       (unsigned long long)s->meta.gw_attaches,
		       (unsigned long long)s->meta.gw_detaches);
	}
	printf("\n%-9s %-12s %12s %14s %8s\n", "ZONE", "VERDICT", "PACKETS", "BYTES", "FLOWS");
	for (int z = 0; z < ZONE_MAX; z++)
		for (int v = 0; v < VERDICT_MAX; v++) {
			const struct juris_totals *t = &s->stats.totals[TOTALS_INDEX(z, v)];

			if (!t->packets && !t->flows)
				continue;
			printf("%-9s %-12s %12llu %14llu %8llu\n", zone_name(z), verdict_name(v),
			       (unsigned long long)t->packets, (unsigned long long)t->bytes,
			       (unsigned long long)t->flows);
		}
	printf("\nflow table: %llu of %llu entries, %llu evicted; ring buffer drops: %llu\n",
	       (unsigned long long)s->stats.flows_in_table,
	       (unsigned long long)s->stats.flow_table_size,
	       (unsigned long long)s->stats.flow_evictions,
	       (unsigned long long)s->stats.counters[CNT_RINGBUF_DROPS]);
	printf("blocked: %llu connects, %llu datagrams, %llu packets, %llu forwarded packets "
	       "(%llu TCP resets, %llu ICMP errors sent, %llu ICMP errors rate-limited)\n",
	       (unsigned long long)s->stats.counters[CNT_CONNECT_BLOCKED],
	       (unsigned long long)s->stats.counters[CNT_SENDMSG_BLOCKED],
	       (unsigned long long)s->stats.counters[CNT_PACKETS_BLOCKED],
	       (unsigned long long)s->stats.counters[CNT_GW_PACKETS_BLOCKED],
	       (unsigned long long)s->stats.counters[CNT_GW_RESETS_SENT],
	       (unsigned long long)s->stats.counters[CNT_GW_ICMP_SENT],
	       (unsigned long long)s->stats.counters[CNT_GW_ICMP_RATE_LIMITED]);
	printf("dns: %llu answers read, %llu malformed, %llu lost (ring buffer full), "
	       "%llu names evicted; %llu addresses allowed by --except-domain\n",
	       (unsigned long long)s->stats.counters[CNT_DNS_ANSWERS],
	       (unsigned long long)s->stats.counters[CNT_DNS_MALFORMED],
	       (unsigned long long)s->stats.counters[CNT_DNS_RINGBUF_DROPS],
	       (unsigned long long)s->stats.counters[CNT_DNS_CACHE_EVICTIONS],
	       (unsigned long long)s->stats.counters[CNT_DNS_EXCEPT_ADDED]);
	printf("dns ignored: %llu unsolicited, %llu with another question, %llu TCP segments "
	       "mid-stream, %llu from other resolvers, %llu records off the CNAME chain\n",
	       (unsigned long long)s->stats.counters[CNT_DNS_UNSOLICITED],
	       (unsigned long long)s->stats.counters[CNT_DNS_MISMATCHED],
	       (unsigned long long)s->stats.counters[CNT_DNS_MIDSTREAM],
	       (unsigned long long)s->stats.counters[CNT_DNS_NOT_RESOLVER],
	       (unsigned long long)s->stats.counters[CNT_DNS_OFF_CHAIN]);
}

int cmd_status(const struct juris_opts *o, volatile sig_atomic_t *exiting)
{
	struct juris_maps m;
	struct status *s = calloc(1, sizeof(*s));
	int ret;

	(void)exiting; /* a one-shot command: nothing to interrupt */
	if (!s)
		return -ENOMEM;
	ret = juris_open_pinned(o->policy.pin_dir, &m);
	if (ret == -ENOENT) {
		fprintf(stderr, "juris: not running (nothing pinned at %s)\n", o->policy.pin_dir);
		goto out;
	}
	if (ret) {
		fprintf(stderr, "juris: the pins at %s are incomplete or unreadable (%s)\n",
			o->policy.pin_dir, strerror(-ret));
		goto out;
	}
	ret = juris_read_config(&m, &s->cfg);
	if (!ret)
		ret = juris_read_meta(&m, &s->meta);
	if (!ret)
		ret = stats_read(&m, &s->stats);
	if (!ret)
		ret = read_hooks(o->policy.pin_dir, s);
	if (ret) {
		juris_maps_close(&m);
		fprintf(stderr, "juris: cannot read the state pinned at %s: %s\n",
			o->policy.pin_dir, pins_strerror(ret));
		goto out;
	}
	s->daemon_running = juris_daemon_alive(o->policy.pin_dir);
	for (__u32 i = 0; i < s->meta.n_tc_hooks && i < MAX_GW_IFACES; i++)
		s->tc_attached[i] = tc_attached(&s->meta.tc_hooks[i]) == 1;
	s->n_targets = watch_states(o->policy.pin_dir, &m, &s->meta, s->targets, WATCH_STATES_MAX);
	juris_maps_close(&m);
	if (s->n_targets < 0) {
		ret = s->n_targets;
		fprintf(stderr, "juris: cannot tell what is attached: %s\n", strerror(-ret));
		goto out;
	}
	for (int i = 0; i < s->n_targets; i++)
		s->n_unattached += !s->targets[i].attached;
	if (o->json) {
		cJSON *j = status_json(o, s);
		char *line = cJSON_PrintUnformatted(j);

		if (line)
			puts(line);
		cJSON_free(line);
		cJSON_Delete(j);
	} else {
		print_text(o, s);
	}
	/* A hole in what juris watches is a failure, for scripts and monitors. */
	for (int i = 0; i < s->n_targets; i++)
		if (!s->targets[i].attached) {
			fprintf(stderr, "juris: watched %s %s is not attached: %s\n",
				s->targets[i].kind, s->targets[i].name, s->targets[i].why);
			ret = -ENOLINK;
		}
out:
	free(s);
	return ret;
}
