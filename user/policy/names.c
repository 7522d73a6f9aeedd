/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Names of zones, verdicts, modes and foreign-operator policies. */
#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include "juris.h"
#include "policy/names.h"

static const char *const zone_names[ZONE_MAX] = {
	"unknown", "local", "fr", "eu", "eea", "adequate", "third",
};
static const char *const verdict_names[VERDICT_MAX] = { "allow", "would_block", "block" };
static const char *const foreign_op_names[] = { "allow", "audit", "deny" };

const char *zone_name(int zone)
{
	return zone >= 0 && zone < ZONE_MAX ? zone_names[zone] : "invalid";
}

const char *verdict_name(int verdict)
{
	return verdict >= 0 && verdict < VERDICT_MAX ? verdict_names[verdict] : "invalid";
}

const char *mode_name(int mode)
{
	return mode == MODE_ENFORCE ? "enforce" : "audit";
}

const char *foreign_op_name(int p)
{
	return p >= 0 && p <= FOREIGN_OP_DENY ? foreign_op_names[p] : "invalid";
}

int parse_allow_zone(const char *s)
{
	for (int z = ZONE_FR; z <= ZONE_ADEQUATE; z++)
		if (!strcmp(s, zone_names[z]))
			return z;
	return -EINVAL;
}

int parse_mode(const char *s)
{
	if (!strcmp(s, "audit"))
		return MODE_AUDIT;
	if (!strcmp(s, "enforce"))
		return MODE_ENFORCE;
	return -EINVAL;
}

int parse_foreign_op(const char *s)
{
	for (int p = 0; p <= FOREIGN_OP_DENY; p++)
		if (!strcmp(s, foreign_op_names[p]))
			return p;
	return -EINVAL;
}

const char *transport_name(int proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	case IPPROTO_ICMPV6:
		return "ipv6-icmp";
	case IPPROTO_SCTP:
		return "sctp";
	case IPPROTO_UDPLITE:
		return "udplite";
	default:
		return NULL;
	}
}
