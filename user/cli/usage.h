/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris --help and juris COMMAND --help. */
#ifndef JURIS_USAGE_H
#define JURIS_USAGE_H

/* Prints the commands and options (of command only, when not NULL). */
void usage(const char *command);

#endif
