/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The subcommands of juris; each returns 0 or a negative errno after
 * printing its own one-line error. */
#ifndef JURIS_COMMANDS_H
#define JURIS_COMMANDS_H

#include <signal.h>
#include "cli/options.h"

#ifndef JURIS_VERSION
#define JURIS_VERSION "0.1.0"
#endif

int cmd_run(const struct juris_opts *o, volatile sig_atomic_t *exiting);
int cmd_lookup(const struct juris_opts *o, volatile sig_atomic_t *exiting);
int cmd_status(const struct juris_opts *o, volatile sig_atomic_t *exiting);
int cmd_stop(const struct juris_opts *o, volatile sig_atomic_t *exiting);
int cmd_report(const struct juris_opts *o, volatile sig_atomic_t *exiting);
/* juris report --prometheus URL (report_fleet.c), called by cmd_report. */
int cmd_report_fleet(const struct juris_opts *o, volatile sig_atomic_t *exiting);
int cmd_top(const struct juris_opts *o, volatile sig_atomic_t *exiting);
int cmd_check(const struct juris_opts *o, volatile sig_atomic_t *exiting);
int cmd_reload(const struct juris_opts *o, volatile sig_atomic_t *exiting);
int cmd_attach(const struct juris_opts *o, volatile sig_atomic_t *exiting);

#endif
