/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Names of the policy's enums (bpf/juris.h), as the command line, the
 * policy file and every output spell them. */
#ifndef JURIS_NAMES_H
#define JURIS_NAMES_H

const char *zone_name(int zone);
const char *verdict_name(int verdict);
const char *mode_name(int mode);
const char *foreign_op_name(int policy);

/* The ECS network.transport name of an IP protocol, NULL when unnamed. */
const char *transport_name(int proto);

/* Each returns the value or -EINVAL. */
int parse_allow_zone(const char *s); /* "fr", "eu", "eea", "adequate" */
int parse_mode(const char *s);	     /* "audit", "enforce" */
int parse_foreign_op(const char *s); /* "allow", "audit", "deny" */

#endif
