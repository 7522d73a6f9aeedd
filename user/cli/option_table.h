/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The one table of juris's options and commands, with their help: getopt,
 * the policy file and --help all read it. */
#ifndef JURIS_OPTION_TABLE_H
#define JURIS_OPTION_TABLE_H

#include <getopt.h>
#include <stddef.h>

enum juris_command {
	CMD_RUN,
	CMD_LOOKUP,
	CMD_STATUS,
	CMD_STOP,
	CMD_REPORT,
	CMD_TOP,
	CMD_CHECK,
	CMD_RELOAD,
	CMD_ATTACH,
	CMD_HELP,
	CMD_VERSION,
};

enum {
	OPT_DB = 0x100,
	OPT_MODE,
	OPT_ALLOW,
	OPT_UNKNOWN,
	OPT_US_ADEQUATE,
	OPT_EXCEPT,
	OPT_CGROUP,
	OPT_PIN_DIR,
	OPT_EVENTS,
	OPT_JSON,
	OPT_FLOW_TABLE,
	OPT_IFACE,
	OPT_SOURCE,
	OPT_FORMAT,
	OPT_BY,
	OPT_TOP,
	OPT_EVENTS_MAX_SIZE,
	OPT_EVENTS_KEEP,
	OPT_METRICS,
	OPT_USER,
	OPT_SYSLOG,
	OPT_FOREIGN_OP,
	OPT_ASN_DB,
	OPT_OPERATOR,
	OPT_EXCEPT_DOMAIN,
	OPT_DB_KEY,
	OPT_FOLLOW_DB,
	OPT_NAT64_PREFIX,
	OPT_DNS_RESOLVER,
	OPT_PROMETHEUS,
	OPT_SINCE,
	OPT_HOST_LABEL,
	OPT_UPLINK,
	OPT_CONFIG = 'c',
};

/* Which subcommands take which option. */
#define FOR_RUN (1u << CMD_RUN)
#define FOR_LOOKUP (1u << CMD_LOOKUP)
#define FOR_STATUS (1u << CMD_STATUS)
#define FOR_STOP (1u << CMD_STOP)
#define FOR_REPORT (1u << CMD_REPORT)
#define FOR_TOP (1u << CMD_TOP)
#define FOR_RELOAD (1u << CMD_RELOAD)
#define FOR_ATTACH (1u << CMD_ATTACH)
#define FOR_ALL                                                                             \
	(FOR_RUN | FOR_LOOKUP | FOR_STATUS | FOR_STOP | FOR_REPORT | FOR_TOP | FOR_RELOAD | \
	 FOR_ATTACH)

struct option_doc {
	struct option opt;
	unsigned commands;
	const char *arg;
	const char *help;
};

extern const struct option_doc option_table[];
extern const size_t n_options;

struct command_doc {
	const char *name;
	enum juris_command cmd;
	const char *synopsis;
};

extern const struct command_doc commands[];
extern const size_t n_commands;

/* The row of an option by its getopt value or its long name, or NULL. */
const struct option_doc *find_doc(int val);
const struct option_doc *find_doc_by_name(const char *name);
/* The command a row's mask is checked against: check takes run's options. */
unsigned command_bit(enum juris_command cmd);

#endif
