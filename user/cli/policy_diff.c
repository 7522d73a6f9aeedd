/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* What juris reload cannot change: the options that only a restart applies. */
#include <stdbool.h>
#include <string.h>
#include "cli/policy_diff.h"

static bool str_differ(const char *a, const char *b)
{
	return (!a != !b) || (a && strcmp(a, b));
}

static bool lists_differ(const char *const *a, int na, const char *const *b, int nb)
{
	if (na != nb)
		return true;
	for (int i = 0; i < na; i++)
		if (strcmp(a[i], b[i]))
			return true;
	return false;
}

const char *options_fixed_difference(const struct juris_opts *a, const struct juris_opts *b)
{
	if (lists_differ(a->policy.cgroups, a->policy.n_cgroups, b->policy.cgroups,
			 b->policy.n_cgroups))
		return "cgroup";
	if (lists_differ(a->policy.ifaces, a->policy.n_ifaces, b->policy.ifaces,
			 b->policy.n_ifaces))
		return "iface";
	if (lists_differ(a->policy.uplinks, a->policy.n_uplinks, b->policy.uplinks,
			 b->policy.n_uplinks))
		return "uplink";
	if (a->policy.n_sources != b->policy.n_sources ||
	    (a->policy.n_sources && memcmp(a->policy.sources, b->policy.sources,
					   a->policy.n_sources * sizeof(*a->policy.sources))))
		return "source";
	if (strcmp(a->policy.pin_dir, b->policy.pin_dir))
		return "pin-dir";
	if (a->policy.flow_table != b->policy.flow_table)
		return "flow-table";
	if (str_differ(a->events, b->events) || a->events_max_size != b->events_max_size ||
	    a->events_keep != b->events_keep)
		return "events";
	if (str_differ(a->metrics, b->metrics))
		return "metrics";
	if (a->syslog != b->syslog)
		return "syslog";
	if (str_differ(a->user, b->user))
		return "user";
	return NULL;
}
