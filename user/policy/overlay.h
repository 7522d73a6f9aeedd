/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The operator overlay of a policy: which AS announces a destination and
 * whether the company behind it answers to a jurisdiction outside the
 * policy (CLOUD Act exposure). */
#ifndef JURIS_OVERLAY_H
#define JURIS_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "policy/asndb.h"
#include "policy/operators.h"
#include "policy/policy.h"

/* One prefix of the operator overlay, as the kernel holds it. */
struct oper_prefix {
	int family;	  /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* network order; IPv4 in the first four bytes */
	int len;
	uint32_t asn;
	char home_cc[2];
	bool foreign; /* home outside the policy's allowed zone */
};

struct oper_table {
	struct oper_prefix *v;
	size_t n;
	const struct operator_table *names; /* the operators' names (NULL: none) */
};

#define DEFAULT_ASN_NAME "asn.csv.gz"

struct overlay {
	bool loaded; /* false: no ASN database in force */
	char path[4096];
	struct operator_table ops; /* embedded list, then --operator */
	struct oper_table table;   /* what the kernel's operator tries hold */
	struct asndb_info info;
};

/* --asn-db ("none": no overlay), else $JURIS_ASN_DB, else the default
 * database when installed. -ENOENT when none is in force (buf then holds
 * the default path that was looked for, or "none"). */
int overlay_path(const struct juris_policy *pol, char *buf, size_t len, bool *explicit);

/* The operator table of o (embedded list and --operator entries). */
int overlay_operators(const struct juris_policy *pol, struct operator_table *ops, char *err,
		      size_t errlen);

/* Compiles the overlay of policy o. Without an ASN database in force (none
 * given and none installed), ov->loaded is false and it returns 0; an ASN
 * database that was given but does not load is an error. */
int overlay_load(const struct juris_policy *pol, struct overlay *ov, char *err, size_t errlen);

/* Frees ov after overlay_load, whatever it returned. */
void overlay_free(struct overlay *ov);

/* One line on standard error: what overlay is in force, or why none. */
void overlay_note(const struct overlay *ov);

#endif
