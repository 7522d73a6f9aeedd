/* Command line of juris: one table of options shared by the subcommands. */
#ifndef JURIS_OPTIONS_H
#define JURIS_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "base/addr.h"
#include "cli/config_file.h"

#define MAX_CGROUPS 64
#define MAX_EXCEPTS 4096
#define MAX_IFACES 64		/* --iface uplinks */
#define MAX_SOURCES 1024	/* --source prefixes, both families */
#define MAX_OPERATORS 1024	/* --operator entries */
#define DEFAULT_PIN_DIR "/sys/fs/bpf/juris"
#define DEFAULT_FLOW_TABLE 65536

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

enum report_format {
	REPORT_TABLE,
	REPORT_JSON,
	REPORT_CSV,
	REPORT_HTML,
	REPORT_FORMAT_MAX,
};

enum report_by {
	BY_ZONE,
	BY_COUNTRY,
	BY_FLOW,
	BY_PROCESS,
	BY_CGROUP,
	BY_OPERATOR,
	BY_MAX,
};

struct except_cidr {
	struct ip_addr addr;
	int len;
};

struct juris_opts {
	enum juris_command cmd;
	const char *db;			/* NULL: the default database */
	const char *pin_dir;
	const char *events;		/* NULL, a file name or "-" */
	const char *metrics;		/* NULL or the --metrics ADDR:PORT */
	const char *asn_db;		/* NULL: the default; "none": no overlay */
	const char *operators[MAX_OPERATORS];	/* --operator "ASN CC NAME" */
	int n_operators;
	uint64_t events_max_size;	/* rotate the event file past this size */
	int events_keep;		/* old event files kept, gzipped */
	int mode;			/* enum juris_mode */
	int allow_zone;			/* enum juris_zone */
	int foreign_op;			/* enum foreign_op_policy */
	bool unknown_deny;
	bool us_adequate;
	bool json;
	bool verbose;
	bool syslog;			/* alerts to syslog(3) */
	bool policy_given;		/* --mode/--allow/--unknown/--us-adequate/--except seen */
	uint32_t flow_table;
	int report_format;		/* enum report_format */
	int report_by;			/* enum report_by */
	uint32_t top;			/* rows of juris report, 0: all */
	const char *cgroups[MAX_CGROUPS];
	int n_cgroups;
	struct except_cidr *excepts;
	int n_excepts;
	const char **except_domains;	/* --except-domain patterns, DNS_PATTERNS_MAX */
	int n_except_domains;
	const char *ifaces[MAX_IFACES];	/* gateway mode: the uplinks */
	int n_ifaces;
	struct except_cidr *sources;	/* gateway mode: sensitive sources */
	int n_sources;
	char **args;			/* positional arguments left */
	int n_args;
	struct config_file file;	/* the policy file read, if any (file.text) */
	int argc;			/* the command line, for juris run to re-read */
	char **argv;			/* the file and flags on reload */
};

/* Parses argv into o. On error prints one line "juris: ..." and returns
 * a negative errno; --help and --version set o->cmd accordingly. */
int options_parse(int argc, char **argv, struct juris_opts *o);
void options_free(struct juris_opts *o);
/* The reason of the last error options_parse printed about the file or a
 * value, without the "juris: " prefix. */
const char *options_last_error(void);
/* Prints the effective options of juris run as a policy file that reads
 * back to the same policy; db_path is the database in force. */
void options_print_policy(FILE *out, const struct juris_opts *o, const char *db_path);
/* Name of the first option that juris reload cannot change between a and
 * b (cgroups, gateway, outputs, flow table), or NULL. */
const char *options_fixed_difference(const struct juris_opts *a, const struct juris_opts *b);
void usage(const char *command);

const char *zone_name(int zone);
const char *verdict_name(int verdict);
const char *mode_name(int mode);
const char *foreign_op_name(int policy);
const char *report_format_name(int format);
const char *report_by_name(int by);
/* Parses "fr", "eu", "eea", "adequate": returns the zone or -EINVAL. */
int parse_allow_zone(const char *s);

#endif
