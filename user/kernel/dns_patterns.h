/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The --except-domain patterns in the kernel map dns_patterns. */
#ifndef JURIS_DNS_PATTERNS_H
#define JURIS_DNS_PATTERNS_H

/* Puts the n patterns in the map fd, one key per name (kinds or'ed). */
int dns_fill_patterns(int fd, const char **patterns, int n);

/* Makes the map fd hold exactly the n patterns (juris reload): removes what
 * the list no longer has first, then adds what it gains. */
int dns_replace_patterns(int fd, const char **patterns, int n);

#endif
