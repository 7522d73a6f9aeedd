/* juris: eBPF egress auditor for data sovereignty. Entry point. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "cmd/commands.h"
#include "cli/options.h"

static volatile sig_atomic_t exiting;
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
		return err > 0 ? 0 : 2;
	}
	verbose = o.verbose;
	libbpf_set_print(libbpf_print);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	switch (o.cmd) {
	case CMD_HELP:
		usage(NULL);
		break;
	case CMD_VERSION:
		printf("juris %s\n", JURIS_VERSION);
		break;
	case CMD_RUN:
		err = cmd_run(&o, &exiting);
		break;
	case CMD_LOOKUP:
		err = cmd_lookup(&o);
		break;
	case CMD_STATUS:
		err = cmd_status(&o);
		break;
	case CMD_STOP:
		err = cmd_stop(&o);
		break;
	case CMD_REPORT:
		err = cmd_report(&o);
		break;
	case CMD_TOP:
		err = cmd_top(&o, &exiting);
		break;
	case CMD_CHECK:
		err = cmd_check(&o);
		break;
	case CMD_RELOAD:
		err = cmd_reload(&o);
		break;
	case CMD_ATTACH:
		err = cmd_attach(&o);
		break;
	}
	options_free(&o);
	return err ? 1 : 0;
}
