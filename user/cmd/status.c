/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris status: what the pinned state enforces, on what, and what it counted. */
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
#include "kernel/loader.h"
#include "kernel/stats.h"
#include "kernel/tc.h"

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
};

static const char *attach_type_name(__u32 t)
{
	switch (t) {
	case BPF_CGROUP_INET_EGRESS: return "cgroup_skb/egress";
	case BPF_CGROUP_INET4_CONNECT: return "cgroup/connect4";
	case BPF_CGROUP_INET6_CONNECT: return "cgroup/connect6";
	case BPF_CGROUP_UDP4_SENDMSG: return "cgroup/sendmsg4";
	case BPF_CGROUP_UDP6_SENDMSG: return "cgroup/sendmsg6";
	case BPF_CGROUP_INET_INGRESS: return "cgroup_skb/ingress";
	default: return "other";
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
	arr = cJSON_AddArrayToObject(root, "hooks");
	for (int i = 0; i < s->n_hooks; i++) {
		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "hook", s->hooks[i].name);
		cJSON_AddStringToObject(c, "cgroup", s->hooks[i].cgroup);
		cJSON_AddNumberToObject(c, "cgroup_id", (double)s->hooks[i].cgroup_id);
		cJSON_AddItemToArray(arr, c);
	}
	/* Gateway hooks carry an interface, not a cgroup. */
	for (__u32 i = 0; i < s->meta.n_tc_hooks && i < MAX_GW_IFACES; i++) {
		const struct tc_hook_rec *r = &s->meta.tc_hooks[i];

		c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "hook", "tc/ingress");
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
	cJSON_AddNumberToObject(c, "flow_insert_failures",
				(double)s->stats.counters[CNT_FLOW_INSERT_FAIL]);
	cJSON_AddNumberToObject(c, "ringbuf_drops", (double)s->stats.counters[CNT_RINGBUF_DROPS]);
	cJSON_AddNumberToObject(c, "connect_blocked",
				(double)s->stats.counters[CNT_CONNECT_BLOCKED]);
	cJSON_AddNumberToObject(c, "sendmsg_blocked",
				(double)s->stats.counters[CNT_SENDMSG_BLOCKED]);
	cJSON_AddNumberToObject(c, "packets_blocked",
				(double)s->stats.counters[CNT_PACKETS_BLOCKED]);
	cJSON_AddNumberToObject(c, "not_ip", (double)s->stats.counters[CNT_NOT_IP]);
	cJSON_AddNumberToObject(c, "gateway_packets_blocked",
				(double)s->stats.counters[CNT_GW_PACKETS_BLOCKED]);
	cJSON_AddNumberToObject(c, "gateway_tcp_resets",
				(double)s->stats.counters[CNT_GW_RESETS_SENT]);
	cJSON_AddNumberToObject(c, "slot_missing", (double)s->stats.counters[CNT_SLOT_MISSING]);
	cJSON_AddNumberToObject(c, "dns_answers", (double)s->stats.counters[CNT_DNS_ANSWERS]);
	cJSON_AddNumberToObject(c, "dns_ringbuf_drops",
				(double)s->stats.counters[CNT_DNS_RINGBUF_DROPS]);
	cJSON_AddNumberToObject(c, "dns_malformed", (double)s->stats.counters[CNT_DNS_MALFORMED]);
	cJSON_AddNumberToObject(c, "dns_except_added",
				(double)s->stats.counters[CNT_DNS_EXCEPT_ADDED]);
	cJSON_AddNumberToObject(c, "dns_cache_evictions",
				(double)s->stats.counters[CNT_DNS_CACHE_EVICTIONS]);
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
	printf("database:  %s (built %s, %ld days old%s; %llu IPv4 / %llu IPv6 prefixes)\n",
	       s->meta.db_path, date, age, age > DB_MAX_AGE_DAYS ? ", STALE" : "",
	       (unsigned long long)s->meta.prefixes_v4, (unsigned long long)s->meta.prefixes_v6);
	if (s->meta.reload_seq)
		printf("reloads:   %u; last: %s%s\n", s->meta.reload_seq,
		       s->meta.reload_status ? "FAILED: " : "", s->meta.reload_msg);
	printf("hooks:\n");
	for (int i = 0; i < s->n_hooks; i++)
		printf("  %-18s %s\n", s->hooks[i].name, s->hooks[i].cgroup);
	for (__u32 i = 0; i < s->meta.n_tc_hooks && i < MAX_GW_IFACES; i++)
		printf("  %-18s %s (handle 0x%x, priority %u)%s\n", "tc/ingress",
		       s->meta.tc_hooks[i].ifname, s->meta.tc_hooks[i].handle,
		       s->meta.tc_hooks[i].priority, s->tc_attached[i] ? "" : ", NOT ATTACHED");
	if (s->meta.n_uplinks) {
		printf("gateway:   %u source range%s forwarded to", s->meta.n_sources,
		       s->meta.n_sources == 1 ? "" : "s");
		for (__u32 i = 0; i < s->meta.n_uplinks && i < MAX_IFACES; i++)
			printf(" %s", s->meta.uplinks[i]);
		printf("\n");
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
	       "(%llu TCP resets sent)\n",
	       (unsigned long long)s->stats.counters[CNT_CONNECT_BLOCKED],
	       (unsigned long long)s->stats.counters[CNT_SENDMSG_BLOCKED],
	       (unsigned long long)s->stats.counters[CNT_PACKETS_BLOCKED],
	       (unsigned long long)s->stats.counters[CNT_GW_PACKETS_BLOCKED],
	       (unsigned long long)s->stats.counters[CNT_GW_RESETS_SENT]);
	printf("dns: %llu answers read, %llu malformed, %llu lost (ring buffer full), "
	       "%llu names evicted; %llu addresses allowed by --except-domain\n",
	       (unsigned long long)s->stats.counters[CNT_DNS_ANSWERS],
	       (unsigned long long)s->stats.counters[CNT_DNS_MALFORMED],
	       (unsigned long long)s->stats.counters[CNT_DNS_RINGBUF_DROPS],
	       (unsigned long long)s->stats.counters[CNT_DNS_CACHE_EVICTIONS],
	       (unsigned long long)s->stats.counters[CNT_DNS_EXCEPT_ADDED]);
}

int cmd_status(const struct juris_opts *o, volatile sig_atomic_t *exiting)
{
	struct juris_maps m;
	struct status *s = calloc(1, sizeof(*s));
	int ret;

	(void)exiting;	/* a one-shot command: nothing to interrupt */
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
	juris_maps_close(&m);
	if (ret) {
		fprintf(stderr, "juris: cannot read the state pinned at %s: %s\n", o->policy.pin_dir,
			pins_strerror(ret));
		goto out;
	}
	s->daemon_running = juris_daemon_alive(o->policy.pin_dir);
	for (__u32 i = 0; i < s->meta.n_tc_hooks && i < MAX_GW_IFACES; i++)
		s->tc_attached[i] = tc_attached(&s->meta.tc_hooks[i]) == 1;
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
out:
	free(s);
	return ret;
}
