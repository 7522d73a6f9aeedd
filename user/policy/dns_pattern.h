/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* --except-domain patterns: "gouv.fr" (that name) or "*.gouv.fr" (names
 * under it), as keys of the kernel map dns_patterns. */
#ifndef JURIS_DNS_PATTERN_H
#define JURIS_DNS_PATTERN_H

#include <stdint.h>
#include "juris.h"

/* Parses s into the wire-format key and its DNS_MATCH_* kind. Returns 0
 * or -EINVAL (bad characters, empty or over-long labels, a name over
 * DNS_NAME_MAX wire bytes, a '*' anywhere but as the whole first label). */
int dns_pattern_parse(const char *s, struct dns_pattern_key *key, uint8_t *kind);

#endif
