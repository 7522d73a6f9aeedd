/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris: eBPF egress auditor for data sovereignty. Entry point. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "cli/usage.h"
#include "cmd/commands.h"
#include "cli/options.h"

static volatile sig_atomic_t exiting;

typedef int (*command_handler)(const struct juris_opts *o, volatile sig_atomic_t *exiting);

/* One function per command (cli/option_table.c names them). */
static const command_handler command_handlers[] = {
	[CMD_RUN] = cmd_run,	 [CMD_LOOKUP] = cmd_lookup, [CMD_STATUS] = cmd_status,
	[CMD_STOP] = cmd_stop,	 [CMD_REPORT] = cmd_report, [CMD_TOP] = cmd_top,
	[CMD_CHECK] = cmd_check, [CMD_RELOAD] = cmd_reload, [CMD_ATTACH] = cmd_attach,
};
static int verbose;

static void on_signal(int sig)
{
	(void)sig;
	exiting = 1;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	/* juris prints its own one-line errors; libbpf's detail (verifier
	 * logs included) is for --verbose. */
	if (!verbose || (level == LIBBPF_DEBUG && verbose < 2))
		return 0;
	return vfprintf(stderr, fmt, args);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct juris_opts o;
	int err;

	err = options_parse(argc, argv, &o);
	if (err) {
		options_free(&o);
		/* Exit status: 0 ok, 1 an invalid policy (a value, the file)
		 * or any failure, 2 a command line juris cannot read (unknown
		 * command or option, missing argument). Value errors are the
		 * ones options_last_error() keeps. */
		return err > 0 ? 0 : options_last_error()[0] ? 1 : 2;
	}
	verbose = o.verbose;
	libbpf_set_print(libbpf_print);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (o.cmd == CMD_HELP)
		usage(NULL);
	else if (o.cmd == CMD_VERSION)
		printf("juris %s\n", JURIS_VERSION);
	else
		err = command_handlers[o.cmd](&o, &exiting);
	options_free(&o);
	return err ? 1 : 0;
}
