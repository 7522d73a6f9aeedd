/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The effective policy of juris run as a policy file. */
#ifndef JURIS_POLICY_PRINT_H
#define JURIS_POLICY_PRINT_H

#include <stdio.h>
#include "cli/options.h"

/* Prints the effective options of juris run as a policy file that reads
 * back to the same policy; db_path is the database in force. */
void options_print_policy(FILE *out, const struct juris_opts *o, const char *db_path);

#endif
