/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* AS number → operator home jurisdiction: data/operators/ plus the policy's entries. */
#ifndef JURIS_OPERATORS_H
#define JURIS_OPERATORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "policy/zones.h"
#include "policy/zones_data.h"

#define OPERATOR_NAME_MAX 64 /* with the terminating NUL */

extern const struct embedded_file operators_data[];
extern const unsigned operators_data_count;

struct operator
{
	uint32_t asn;
	char cc[2]; /* ISO alpha-2 of the country that controls the operator */
	char name[OPERATOR_NAME_MAX];
};

/* Sorted by ASN, one entry per ASN. */
struct operator_table {
	struct operator* v;
	size_t n, cap;
};

/* The curated list embedded from data/operators/operators.txt. */
int operator_table_builtin(struct operator_table *t, char *err, size_t errlen);
/* Adds the entries of a text in the operators.txt format; an ASN listed twice
 * in it is an error. A malformed line is an error "FILE:LINE: reason". */
int operator_table_parse(struct operator_table *t, const char *file, const char *text, char *err,
			 size_t errlen);
/* Adds one entry "ASN CC NAME" (the policy's --operator), replacing any entry
 * for that ASN. */
int operator_table_set(struct operator_table *t, const char *spec, char *err, size_t errlen);
const struct operator* operator_find(const struct operator_table *t, uint32_t asn);
void operator_table_free(struct operator_table *t);

/* Whether an operator whose home is home_cc lies outside the policy's allowed
 * zone (ZONE_FR..ZONE_ADEQUATE), by the same zone tables as destinations
 * (zt built with the policy's --us-adequate). */
bool operator_is_foreign(const struct zone_table *zt, const char home_cc[2], uint8_t allow_zone);

/* "located FR, operated from US (AS16509 Amazon)"; "location unknown" for a
 * located of "\0\0", "operator unknown" for asn 0, "operator's home unknown"
 * for a home_cc of "\0\0"; name may be NULL or "". Returns 0, or -ENOSPC
 * when buf was too small (it then holds a truncated line). */
int operator_describe(char *buf, size_t n, const char located[2], uint32_t asn,
		      const char home_cc[2], const char *name);

#endif
