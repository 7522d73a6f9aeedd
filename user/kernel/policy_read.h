/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Reads back the exceptions of the live policy from the pinned maps, for
 * the reports: the --except prefixes of the active slot and the
 * --except-domain patterns. */
#ifndef JURIS_POLICY_READ_H
#define JURIS_POLICY_READ_H

#include <stddef.h>
#include "kernel/maps.h"

/* Appends to *list (*n entries, malloc'd strings in a malloc'd array) the
 * --except prefixes of the live slot ("192.0.2.0/24"), then the
 * --except-domain patterns ("gouv.fr", "*.gouv.fr"), each kind sorted.
 * Returns 0 or a negative errno; free with policy_read_free. */
int policy_read_exceptions(const struct juris_maps *m, char ***list, size_t *n);
void policy_read_free(char **list, size_t n);

#endif
