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

/* The id of a pattern in the except_dyn entries it allows. */
uint32_t dns_pattern_id(const struct dns_pattern_key *key);

/* Puts the n patterns in the map fd, one key per name (kinds or'ed). */
int dns_fill_patterns(int fd, const char **patterns, int n);

/* Makes the map fd hold exactly the n patterns (juris reload): removes what
 * the list no longer has first, then adds what it gains. */
int dns_replace_patterns(int fd, const char **patterns, int n);

/* The first half of dns_replace_patterns: removes from fd what the n
 * patterns no longer allow, adds nothing. */
int dns_narrow_patterns(int fd, const char **patterns, int n);

/* Removes from except_dyn (except_fd) the addresses that no pattern of the
 * map patterns_fd allows any more (a reload removed theirs). Returns how
 * many, or a negative errno. */
int dns_revoke_excepts(int patterns_fd, int except_fd);

#endif
