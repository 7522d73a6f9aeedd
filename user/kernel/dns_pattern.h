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

/* Puts the n patterns in the map fd, one key per name (kinds or'ed). */
int dns_fill_patterns(int fd, const char **patterns, int n);

/* Makes the map fd hold exactly the n patterns (juris reload): removes what
 * the list no longer has first, then adds what it gains. */
int dns_replace_patterns(int fd, const char **patterns, int n);

#endif
