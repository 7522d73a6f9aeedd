/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Command line of juris: one table of options shared by the subcommands. */
#ifndef JURIS_OPTIONS_H
#define JURIS_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "cli/config_file.h"
#include "cli/option_table.h"
#include "kernel/pins.h"
#include "policy/policy.h"
#include "report/report_names.h"

struct juris_opts {
	enum juris_command cmd;
	struct juris_policy policy; /* what the layers below see */
	const char *events;	    /* NULL, a file name or "-" */
	const char *metrics;	    /* NULL or the --metrics ADDR:PORT */
	bool follow_db;		    /* juris run follows its database file (default) */
	uint64_t events_max_size;   /* rotate the event file past this size */
	int events_keep;	    /* old event files kept, gzipped */
	bool json;
	bool verbose;
	bool syslog;	   /* alerts to syslog(3) */
	const char *user;  /* NULL or the --user NAME the daemon becomes */
	bool policy_given; /* --mode/--allow/--unknown/--us-adequate/--except/--nat64-prefix seen */
	int report_format; /* enum report_format */
	int report_by;	   /* enum report_by */
	uint32_t top;	   /* rows of juris report, 0: all */
	const char *prometheus; /* juris report --prometheus URL, or NULL */
	const char *host_label; /* --host-label: the label that names a host */
	uint64_t since;		/* --since, seconds; 0: the latest values */
	char **args;		/* positional arguments left */
	int n_args;
	struct config_file file; /* the policy file read, if any (file.text) */
	int argc;		 /* the command line, for juris run to re-read */
	char **argv;		 /* the file and flags on reload */
};

/* Parses argv into o. On error prints one line "juris: ..." and returns
 * a negative errno; --help and --version set o->cmd accordingly. */
int options_parse(int argc, char **argv, struct juris_opts *o);
void options_free(struct juris_opts *o);
/* The reason of the last error options_parse printed about the file or a
 * value, without the "juris: " prefix. */
const char *options_last_error(void);
/* The FILE of -c FILE, -cFILE, --config FILE or --config=FILE in
 * argv[start..argc) before any "--", or NULL. */
const char *options_config_arg(int argc, char *const *argv, int start);
/* Parses a duration "30d", "12h", "1w2d", "90s" (units s m h d w) into
 * seconds; -EINVAL when malformed, zero, or past ten years. */
int parse_duration(const char *s, uint64_t *seconds);

#endif
