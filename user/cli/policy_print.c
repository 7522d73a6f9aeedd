/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The effective policy of juris run as a policy file (juris check). */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "base/addr.h"
#include "cli/policy_print.h"
#include "policy/dns_resolvers.h"
#include "policy/embed4.h"
#include "policy/names.h"

static void print_cidrs(FILE *out, const char *key, const struct except_cidr *v, int n)
{
	char buf[64];

	for (int i = 0; i < n; i++)
		fprintf(out, "%s = %s/%d\n", key,
			addr_format(v[i].addr.family, v[i].addr.a, buf, sizeof(buf)), v[i].len);
	if (!n)
		fprintf(out, "# %s = (none)\n", key);
}

/* key = value, quoted when the value would not read back whole: blanks at
 * its ends, a comment sign after a blank, a quote. */
static void print_value(FILE *out, const char *key, const char *v)
{
	size_t n = strlen(v);
	bool quote = n && (v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' || v[n - 1] == '\t' ||
			   v[n - 1] == '\r' || strchr(v, '"') || strstr(v, " #") ||
			   strstr(v, "\t#") || v[0] == '#');

	fprintf(out, quote ? "%s = \"%s\"\n" : "%s = %s\n", key, v);
}

static void print_list(FILE *out, const char *key, const char *const *v, int n, const char *none)
{
	for (int i = 0; i < n; i++)
		print_value(out, key, v[i]);
	if (!n)
		fprintf(out, "# %s = (%s)\n", key, none);
}

void options_print_policy(FILE *out, const struct juris_opts *o, const char *db_path)
{
	print_value(out, "db", db_path);
	fprintf(out, "mode = %s\n", mode_name(o->policy.mode));
	fprintf(out, "allow = %s\n", zone_name(o->policy.allow_zone));
	fprintf(out, "unknown = %s\n", o->policy.unknown_deny ? "deny" : "allow");
	fprintf(out, "us-adequate = %s\n", o->policy.us_adequate ? "yes" : "no");
	print_cidrs(out, "except", o->policy.excepts, o->policy.n_excepts);
	if (o->policy.asn_db)
		print_value(out, "asn-db", o->policy.asn_db);
	else
		fprintf(out, "# asn-db = (the default ASN database when installed)\n");
	if (o->policy.db_key)
		print_value(out, "db-key", o->policy.db_key);
	fprintf(out, "follow-db = %s\n", o->follow_db ? "yes" : "no");
	print_list(out, "operator", o->policy.operators, o->policy.n_operators,
		   "none beyond the embedded list");
	print_list(out, "except-domain", o->policy.except_domains, o->policy.n_except_domains,
		   "none");
	for (uint32_t i = 0; i < o->policy.nat64.n; i++) {
		char buf[INET6_ADDRSTRLEN + 8];

		fprintf(out, "nat64-prefix = %s\n",
			nat64_prefix_format(&o->policy.nat64.v[i], buf, sizeof(buf)));
	}
	if (!o->policy.nat64.n)
		fprintf(out, "# nat64-prefix = (none: 64:ff9b::/96 only)\n");
	{
		struct juris_config cfg;

		config_set_resolvers(&cfg, &o->policy.resolvers);
		for (uint32_t i = 0; i < cfg.n_dns_resolvers; i++) {
			char buf[INET6_ADDRSTRLEN];

			fprintf(out, "dns-resolver = %s\n",
				config_resolver_text(&cfg, i, buf, sizeof(buf)));
		}
		if (!cfg.n_dns_resolvers)
			fprintf(out, "# dns-resolver = (none: the server each query went to)\n");
	}
	fprintf(out, "foreign-operator = %s\n", foreign_op_name(o->policy.foreign_op));
	print_list(out, "cgroup", o->policy.cgroups, o->policy.n_cgroups,
		   o->policy.n_ifaces ? "none: gateway only" : "none: the whole host");
	print_list(out, "iface", o->policy.ifaces, o->policy.n_ifaces, "none: no gateway mode");
	print_cidrs(out, "source", o->policy.sources, o->policy.n_sources);
	if (!o->policy.n_ifaces)
		print_list(out, "uplink", o->policy.uplinks, o->policy.n_uplinks,
			   "none: every interface with a default route, without a usable BPF LSM");
	print_value(out, "pin-dir", o->policy.pin_dir);
	if (o->events)
		print_value(out, "events", o->events);
	else
		fprintf(out, "# events = (none: only to standard error)\n");
	fprintf(out, "events-max-size = %llu\n", (unsigned long long)o->events_max_size);
	fprintf(out, "events-keep = %d\n", o->events_keep);
	if (o->metrics)
		print_value(out, "metrics", o->metrics);
	else
		fprintf(out, "# metrics = (none)\n");
	fprintf(out, "syslog = %s\n", o->syslog ? "yes" : "no");
	if (o->user)
		print_value(out, "user", o->user);
	else
		fprintf(out, "# user = (none: the daemon keeps uid 0)\n");
	fprintf(out, "flow-table = %u\n", o->policy.flow_table);
}
