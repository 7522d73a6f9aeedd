/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Where a value of the policy came from, for errors found after parsing
 * (a cgroup that does not exist, a database that does not load, a bad
 * --operator): "FILE:LINE: " when the policy file gave it. */
#ifndef JURIS_OPTIONS_WHERE_H
#define JURIS_OPTIONS_WHERE_H

#include <stddef.h>
#include "cli/options.h"

/* "FILE:LINE: " of the last file entry key = value, "" when the value
 * is not the file's (the command line gave it, or nothing did). */
const char *options_where(const struct juris_opts *o, const char *key, const char *value, char *buf,
			  size_t len);

/* The same for an error of the database and operator loading (err as
 * policy_data_load wrote it): the entry it is about, found by its value. */
const char *options_where_data(const struct juris_opts *o, const char *err, char *buf, size_t len);

#endif
