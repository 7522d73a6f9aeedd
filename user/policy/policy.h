/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* A policy as the layers below the command line see it: the databases, the
 * allowed zone, the exceptions and what is watched. The command line and the
 * policy file fill it (cli/options.c); nothing below cli sees more. */
#ifndef JURIS_POLICY_H
#define JURIS_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include "base/addr.h"
#include "policy/dns_resolvers.h"
#include "policy/embed4.h"

#define MAX_CGROUPS 64
#define MAX_EXCEPTS 4096
#define MAX_IFACES 64	   /* --iface uplinks */
#define MAX_SOURCES 1024   /* --source prefixes, both families */
#define MAX_OPERATORS 1024 /* --operator entries */
#define DEFAULT_FLOW_TABLE 65536

struct except_cidr {
	struct ip_addr addr;
	int len;
};

struct juris_policy {
	/* What decides. */
	const char *db;			      /* NULL: the default database */
	const char *asn_db;		      /* NULL: the default; "none": no overlay */
	const char *db_key;		      /* NULL: the location package's key when present;
					 * "none": no check */
	const char *operators[MAX_OPERATORS]; /* --operator "ASN CC NAME" */
	int n_operators;
	int mode;	/* enum juris_mode */
	int allow_zone; /* enum juris_zone */
	int foreign_op; /* enum foreign_op_policy */
	bool unknown_deny;
	bool us_adequate;
	struct except_cidr *excepts;
	int n_excepts;
	const char **except_domains; /* --except-domain patterns, DNS_PATTERNS_MAX */
	int n_except_domains;
	struct nat64_list nat64;	/* --nat64-prefix */
	struct resolver_list resolvers; /* --dns-resolver */
	/* What is watched, and where the state lives. */
	const char *pin_dir;
	uint32_t flow_table;
	const char *cgroups[MAX_CGROUPS];
	int n_cgroups;
	const char *ifaces[MAX_IFACES]; /* gateway mode: the uplinks */
	int n_ifaces;
	const char *uplinks[MAX_IFACES]; /* the packet-socket backstop's (--uplink) */
	int n_uplinks;
	struct except_cidr *sources; /* gateway mode: sensitive sources */
	int n_sources;
};

#endif
