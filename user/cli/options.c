/* Command-line parsing: one option table, validated per subcommand. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "juris.h"
#include "kernel/dns_pattern.h"
#include "daemon/metrics.h"
#include "cli/options.h"
#include "base/rotate.h"

enum {
	OPT_DB = 0x100, OPT_MODE, OPT_ALLOW, OPT_UNKNOWN, OPT_US_ADEQUATE, OPT_EXCEPT,
	OPT_CGROUP, OPT_PIN_DIR, OPT_EVENTS, OPT_JSON, OPT_FLOW_TABLE, OPT_IFACE, OPT_SOURCE,
	OPT_FORMAT, OPT_BY, OPT_TOP, OPT_EVENTS_MAX_SIZE, OPT_EVENTS_KEEP, OPT_METRICS,
	OPT_SYSLOG, OPT_FOREIGN_OP, OPT_ASN_DB, OPT_OPERATOR, OPT_EXCEPT_DOMAIN, OPT_CONFIG = 'c',
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
#define FOR_ALL (FOR_RUN | FOR_LOOKUP | FOR_STATUS | FOR_STOP | FOR_REPORT | FOR_TOP | FOR_RELOAD | \
		 FOR_ATTACH)

struct option_doc {
	struct option opt;
	unsigned commands;
	const char *arg;
	const char *help;
};

static const struct option_doc option_table[] = {
	{ { "db", required_argument, NULL, OPT_DB }, FOR_RUN | FOR_LOOKUP, "FILE",
	  "geo database (.mmdb or .mmdb.gz); default: the embedded one" },
	{ { "mode", required_argument, NULL, OPT_MODE }, FOR_RUN, "audit|enforce",
	  "audit counts what enforce would block (default audit)" },
	{ { "allow", required_argument, NULL, OPT_ALLOW }, FOR_RUN | FOR_LOOKUP,
	  "fr|eu|eea|adequate", "widest allowed zone (default eu)" },
	{ { "unknown", required_argument, NULL, OPT_UNKNOWN }, FOR_RUN | FOR_LOOKUP,
	  "allow|deny", "destinations not in the database (default allow)" },
	{ { "us-adequate", no_argument, NULL, OPT_US_ADEQUATE }, FOR_RUN | FOR_LOOKUP, NULL,
	  "count the United States as adequate (EU-US Data Privacy Framework)" },
	{ { "except", required_argument, NULL, OPT_EXCEPT }, FOR_RUN | FOR_LOOKUP, "CIDR",
	  "always allow this destination prefix (repeatable)" },
	{ { "except-domain", required_argument, NULL, OPT_EXCEPT_DOMAIN }, FOR_RUN, "NAME|*.NAME",
	  "allow the addresses DNS answers give for NAME (or names under it) while their "
	  "TTL lasts (repeatable)" },
	{ { "asn-db", required_argument, NULL, OPT_ASN_DB }, FOR_RUN | FOR_LOOKUP, "FILE|none",
	  "IP-to-AS database (CSV or .mmdb) of the operator overlay; default: the embedded one" },
	{ { "operator", required_argument, NULL, OPT_OPERATOR }, FOR_RUN | FOR_LOOKUP,
	  "'ASN CC NAME'", "add or override an operator: AS, home country, name (repeatable)" },
	{ { "foreign-operator", required_argument, NULL, OPT_FOREIGN_OP }, FOR_RUN | FOR_LOOKUP,
	  "allow|audit|deny", "destinations run by an operator from outside the allowed zone "
	  "(default audit)" },
	{ { "cgroup", required_argument, NULL, OPT_CGROUP }, FOR_RUN, "PATH|UNIT",
	  "watch this cgroup or systemd unit only (repeatable; default: the whole host)" },
	{ { "iface", required_argument, NULL, OPT_IFACE }, FOR_RUN, "NAME",
	  "gateway mode: an uplink toward the internet (repeatable; needs --source)" },
	{ { "source", required_argument, NULL, OPT_SOURCE }, FOR_RUN, "CIDR",
	  "gateway mode: a sensitive source range forwarded to the uplinks (repeatable)" },
	{ { "pin-dir", required_argument, NULL, OPT_PIN_DIR }, FOR_ALL, "DIR",
	  "bpffs directory of the pinned state (default " DEFAULT_PIN_DIR ")" },
	{ { "events", required_argument, NULL, OPT_EVENTS }, FOR_RUN, "FILE|-",
	  "write events as NDJSON to FILE or standard output" },
	{ { "events-max-size", required_argument, NULL, OPT_EVENTS_MAX_SIZE }, FOR_RUN,
	  "BYTES[K|M|G]", "rotate the event file past this size (default 64M)" },
	{ { "events-keep", required_argument, NULL, OPT_EVENTS_KEEP }, FOR_RUN, "N",
	  "rotated event files kept as FILE.1.gz... (default 5)" },
	{ { "metrics", required_argument, NULL, OPT_METRICS }, FOR_RUN, "[ADDR:]PORT",
	  "serve Prometheus metrics at /metrics (ADDR default 127.0.0.1)" },
	{ { "syslog", no_argument, NULL, OPT_SYSLOG }, FOR_RUN, NULL,
	  "alert to syslog on flows outside the policy, one per flow per minute" },
	{ { "flow-table", required_argument, NULL, OPT_FLOW_TABLE }, FOR_RUN, "N",
	  "flow-table entries (default 65536)" },
	{ { "json", no_argument, NULL, OPT_JSON }, FOR_LOOKUP | FOR_STATUS, NULL,
	  "JSON output, one object per line" },
	{ { "format", required_argument, NULL, OPT_FORMAT }, FOR_REPORT, "table|json|csv|html",
	  "output format (default table); html: one page of every view, --by ignored" },
	{ { "by", required_argument, NULL, OPT_BY }, FOR_REPORT | FOR_TOP,
	  "zone|country|flow|process|cgroup|operator", "what a row counts (report: zone, top: flow)" },
	{ { "top", required_argument, NULL, OPT_TOP }, FOR_REPORT, "N",
	  "at most N rows, the first in the report order (default all; html: 25 per table)" },
	{ { "config", required_argument, NULL, 'c' }, FOR_ALL, "FILE",
	  "policy file, also -c FILE (default " DEFAULT_CONFIG " when it exists; none: no "
	  "file); flags override it" },
	{ { "verbose", no_argument, NULL, 'v' }, FOR_ALL, NULL, "show libbpf's messages" },
	{ { "help", no_argument, NULL, 'h' }, FOR_ALL, NULL, "show this help" },
};

#define N_OPTIONS (sizeof(option_table) / sizeof(option_table[0]))

static const struct {
	const char *name;
	enum juris_command cmd;
	const char *synopsis;
} commands[] = {
	{ "run", CMD_RUN, "classify, count and (in enforce mode) block egress; stays in the foreground" },
	{ "lookup", CMD_LOOKUP, "classify ADDRESS... (or addresses on standard input) in the kernel" },
	{ "status", CMD_STATUS, "show the running policy, hooks, database and totals" },
	{ "report", CMD_REPORT, "totals and flows by zone, country, flow, process, cgroup or operator" },
	{ "top", CMD_TOP, "live view of the flows, outside the policy first; q quits" },
	{ "stop", CMD_STOP, "stop the daemon, detach every hook and remove the pins" },
	{ "check", CMD_CHECK, "validate the policy file and flags; print the effective policy" },
	{ "reload", CMD_RELOAD, "make the running juris re-read its policy file and databases" },
	{ "attach", CMD_ATTACH, "attach the pinned programs to this process's cgroup (a watched "
	  "service's start step)" },
};

static const char *const zone_names[ZONE_MAX] = {
	"unknown", "local", "fr", "eu", "eea", "adequate", "third",
};

const char *zone_name(int zone)
{
	return zone >= 0 && zone < ZONE_MAX ? zone_names[zone] : "invalid";
}

const char *verdict_name(int verdict)
{
	static const char *const names[VERDICT_MAX] = { "allow", "would_block", "block" };

	return verdict >= 0 && verdict < VERDICT_MAX ? names[verdict] : "invalid";
}

const char *mode_name(int mode)
{
	return mode == MODE_ENFORCE ? "enforce" : "audit";
}

static const char *const report_format_names[REPORT_FORMAT_MAX] = {
	"table", "json", "csv", "html",
};
static const char *const report_by_names[BY_MAX] = {
	"zone", "country", "flow", "process", "cgroup", "operator",
};

const char *report_format_name(int format)
{
	return format >= 0 && format < REPORT_FORMAT_MAX ? report_format_names[format] : "invalid";
}

const char *report_by_name(int by)
{
	return by >= 0 && by < BY_MAX ? report_by_names[by] : "invalid";
}

static const char *const foreign_op_names[] = { "allow", "audit", "deny" };

const char *foreign_op_name(int p)
{
	return p >= 0 && p <= FOREIGN_OP_DENY ? foreign_op_names[p] : "invalid";
}

static int name_index(const char *const *names, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -EINVAL;
}

int parse_allow_zone(const char *s)
{
	for (int z = ZONE_FR; z <= ZONE_ADEQUATE; z++)
		if (!strcmp(s, zone_names[z]))
			return z;
	return -EINVAL;
}

void usage(const char *command)
{
	unsigned mask = FOR_ALL;

	printf("Usage: juris COMMAND [OPTION]...\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (command && strcmp(command, commands[i].name))
			continue;
		printf("  juris %-7s %s\n", commands[i].name, commands[i].synopsis);
		if (command)	/* check takes the options of run */
			mask = 1u << (commands[i].cmd == CMD_CHECK ? CMD_RUN : commands[i].cmd);
	}
	printf("\nOptions:\n");
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct option_doc *d = &option_table[i];
		char left[64];

		if (!(d->commands & mask))
			continue;
		snprintf(left, sizeof(left), "--%s%s%s", d->opt.name, d->arg ? " " : "",
			 d->arg ? d->arg : "");
		printf("  %-30s %s\n", left, d->help);
	}
	printf("\nSee README.md for zones, modes and examples.\n");
}

/* "FILE:LINE" while the policy file is applied, NULL for the command line. */
static const char *err_where;

static char last_error[1024];

const char *options_last_error(void)
{
	return last_error;
}

/* Prints "juris: [FILE:LINE: ]reason" and keeps it for juris reload. */
static void opt_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void opt_error(const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(last_error, sizeof(last_error), "%s%s%s", err_where ? err_where : "",
		 err_where ? ": " : "", msg);
	fprintf(stderr, "juris: %s\n", last_error);
}

static const struct option_doc *find_doc(int val)
{
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (option_table[i].opt.val == val)
			return &option_table[i];
	return NULL;
}

static int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

/* BYTES with an optional K, M or G suffix (powers of 1024), at least 1 KiB:
 * a smaller file would rotate at every event. */
static int parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;
	int shift = 0;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (shift)
		end++;
	if (*end || v > (UINT64_MAX >> shift) || (v << shift) < 1024)
		return -EINVAL;
	*out = v << shift;
	return 0;
}

static int add_except(struct juris_opts *o, const char *s)
{
	struct except_cidr *e;

	if (o->n_excepts >= MAX_EXCEPTS) {
		opt_error("too many --except (at most %d)", MAX_EXCEPTS);
		return -E2BIG;
	}
	if (!o->excepts) {
		o->excepts = calloc(MAX_EXCEPTS, sizeof(*o->excepts));
		if (!o->excepts)
			return -ENOMEM;
	}
	e = &o->excepts[o->n_excepts];
	if (cidr_parse(s, &e->addr, &e->len)) {
		opt_error("invalid --except CIDR: %s", s);
		return -EINVAL;
	}
	o->n_excepts++;
	return 0;
}

static int add_except_domain(struct juris_opts *o, const char *s)
{
	struct dns_pattern_key key;
	uint8_t kind;

	if (o->n_except_domains >= DNS_PATTERNS_MAX) {
		opt_error("too many --except-domain (at most %d)", DNS_PATTERNS_MAX);
		return -E2BIG;
	}
	if (!o->except_domains) {
		o->except_domains = calloc(DNS_PATTERNS_MAX, sizeof(*o->except_domains));
		if (!o->except_domains)
			return -ENOMEM;
	}
	if (dns_pattern_parse(s, &key, &kind)) {
		opt_error("invalid --except-domain: %s (a name such as gouv.fr, or *.gouv.fr for "
			  "the names under it)", s);
		return -EINVAL;
	}
	o->except_domains[o->n_except_domains++] = s;
	return 0;
}

static int add_source(struct juris_opts *o, const char *s)
{
	struct except_cidr *e;

	if (o->n_sources >= MAX_SOURCES) {
		opt_error("too many --source (at most %d)", MAX_SOURCES);
		return -E2BIG;
	}
	if (!o->sources) {
		o->sources = calloc(MAX_SOURCES, sizeof(*o->sources));
		if (!o->sources)
			return -ENOMEM;
	}
	e = &o->sources[o->n_sources];
	if (cidr_parse(s, &e->addr, &e->len)) {
		opt_error("invalid --source CIDR: %s", s);
		return -EINVAL;
	}
	o->n_sources++;
	return 0;
}

static int apply_option(struct juris_opts *o, int c, const char *arg)
{
	int z;

	switch (c) {
	case OPT_DB:
		o->db = arg;
		return 0;
	case OPT_MODE:
		o->policy_given = true;
		if (!strcmp(arg, "audit"))
			o->mode = MODE_AUDIT;
		else if (!strcmp(arg, "enforce"))
			o->mode = MODE_ENFORCE;
		else
			goto bad;
		return 0;
	case OPT_ALLOW:
		o->policy_given = true;
		z = parse_allow_zone(arg);
		if (z < 0)
			goto bad;
		o->allow_zone = z;
		return 0;
	case OPT_UNKNOWN:
		o->policy_given = true;
		if (!strcmp(arg, "allow"))
			o->unknown_deny = false;
		else if (!strcmp(arg, "deny"))
			o->unknown_deny = true;
		else
			goto bad;
		return 0;
	case OPT_US_ADEQUATE:
		o->policy_given = true;
		o->us_adequate = true;
		return 0;
	case OPT_EXCEPT:
		o->policy_given = true;
		return add_except(o, arg);
	case OPT_EXCEPT_DOMAIN:
		o->policy_given = true;
		return add_except_domain(o, arg);
	case OPT_FOREIGN_OP:
		o->policy_given = true;
		o->foreign_op = name_index(foreign_op_names, 3, arg);
		if (o->foreign_op < 0)
			goto bad;
		return 0;
	case OPT_ASN_DB:
		o->asn_db = arg;
		return 0;
	case OPT_OPERATOR:
		o->policy_given = true;
		if (o->n_operators >= MAX_OPERATORS) {
			opt_error("too many --operator (at most %d)", MAX_OPERATORS);
			return -E2BIG;
		}
		o->operators[o->n_operators++] = arg;
		return 0;
	case OPT_CGROUP:
		if (o->n_cgroups >= MAX_CGROUPS) {
			opt_error("too many --cgroup (at most %d)", MAX_CGROUPS);
			return -E2BIG;
		}
		o->cgroups[o->n_cgroups++] = arg;
		return 0;
	case OPT_IFACE:
		if (o->n_ifaces >= MAX_IFACES) {
			opt_error("too many --iface (at most %d)", MAX_IFACES);
			return -E2BIG;
		}
		if (!arg[0] || strlen(arg) >= 16 || strchr(arg, '/')) {
			opt_error("invalid --iface name: %s", arg);
			return -EINVAL;
		}
		o->ifaces[o->n_ifaces++] = arg;
		return 0;
	case OPT_SOURCE:
		return add_source(o, arg);
	case OPT_PIN_DIR:
		if (arg[0] != '/') {
			opt_error("--pin-dir must be an absolute path: %s", arg);
			return -EINVAL;
		}
		o->pin_dir = arg;
		return 0;
	case OPT_EVENTS:
		o->events = arg;
		return 0;
	case OPT_EVENTS_MAX_SIZE:
		if (parse_size(arg, &o->events_max_size))
			goto bad;
		return 0;
	case OPT_EVENTS_KEEP: {
		uint32_t keep;

		if (parse_u32(arg, 0, MAX_EVENTS_KEEP, &keep))
			goto bad;
		o->events_keep = (int)keep;
		return 0;
	}
	case OPT_METRICS: {
		struct sockaddr_storage ss;
		socklen_t len;

		if (metrics_parse_addr(arg, &ss, &len))
			goto bad;
		o->metrics = arg;
		return 0;
	}
	case OPT_FLOW_TABLE:
		if (parse_u32(arg, 1024, 1u << 26, &o->flow_table))
			goto bad;
		return 0;
	case OPT_JSON:
		o->json = true;
		return 0;
	case OPT_SYSLOG:
		o->syslog = true;
		return 0;
	case OPT_FORMAT:
		o->report_format = name_index(report_format_names, REPORT_FORMAT_MAX, arg);
		if (o->report_format < 0)
			goto bad;
		return 0;
	case OPT_BY:
		o->report_by = name_index(report_by_names, BY_MAX, arg);
		if (o->report_by < 0)
			goto bad;
		return 0;
	case OPT_TOP:
		if (parse_u32(arg, 1, UINT32_MAX, &o->top))
			goto bad;
		return 0;
	case 'v':
		o->verbose = true;
		return 0;
	case OPT_CONFIG:
		return 0;	/* read before the other options */
	}
	return -EINVAL;
bad:
	opt_error("invalid --%s: %s", find_doc(c)->opt.name, arg);
	return -EINVAL;
}

/* The command a row's mask is checked against: check takes run's options. */
static unsigned command_bit(enum juris_command cmd)
{
	return 1u << (cmd == CMD_CHECK ? CMD_RUN : cmd);
}

static const struct option_doc *find_doc_by_name(const char *name)
{
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (!strcmp(option_table[i].opt.name, name))
			return &option_table[i];
	return NULL;
}

/* The policy file given with -c/--config, else $JURIS_CONFIG, else the
 * default when present; "none" is no file at all. */
static const char *config_path(int argc, char **argv, bool *explicit)
{
	*explicit = true;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--"))
			break;
		if ((!strcmp(a, "-c") || !strcmp(a, "--config")) && i + 1 < argc)
			return argv[i + 1];
		if (!strncmp(a, "--config=", 9))
			return a + 9;
		if (!strncmp(a, "-c", 2) && a[2])
			return a + 2;
	}
	if (getenv("JURIS_CONFIG") && *getenv("JURIS_CONFIG"))
		return getenv("JURIS_CONFIG");
	*explicit = false;
	return access(DEFAULT_CONFIG, F_OK) ? NULL : DEFAULT_CONFIG;
}

/* Options that are not policy: never in the file. */
static bool file_key_allowed(const struct option_doc *d)
{
	return (d->commands & FOR_RUN) && d->opt.val != OPT_CONFIG && d->opt.val != 'h';
}

static int apply_file_entry(struct juris_opts *o, const struct config_entry *e)
{
	const struct option_doc *d = find_doc_by_name(e->key);

	if (!d || !file_key_allowed(d)) {
		opt_error("unknown key: %s", e->key);
		return -EINVAL;
	}
	/* A key for another command (events for juris lookup) is skipped. */
	if (!(d->commands & command_bit(o->cmd)))
		return 0;
	if (d->opt.has_arg == no_argument) {
		const char *v = e->value;

		if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "on"))
			return apply_option(o, d->opt.val, NULL);
		if (strcmp(v, "no") && strcmp(v, "false") && strcmp(v, "off")) {
			opt_error("invalid %s: %s (yes or no)", e->key, v);
			return -EINVAL;
		}
		return 0;	/* the default of every flag is "no" */
	}
	return apply_option(o, d->opt.val, e->value);
}

static int apply_file(struct juris_opts *o, const char *path, bool explicit)
{
	char err[512], where[4200];
	int ret;

	ret = config_file_read(path, &o->file, err, sizeof(err));
	if (ret) {
		opt_error("%s%s", err, explicit || ret != -ENOENT ? "" : " (the default policy file)");
		return ret;
	}
	for (int i = 0; i < o->file.n && !ret; i++) {
		snprintf(where, sizeof(where), "%s:%d", path, o->file.v[i].line);
		err_where = where;
		ret = apply_file_entry(o, &o->file.v[i]);
	}
	err_where = NULL;
	return ret;
}

/* On the command line, a repeatable option replaces the file's list. */
static void forget_file_list(struct juris_opts *o, int c, unsigned *forgotten)
{
	unsigned bit = 1u << (c - OPT_DB);

	if (*forgotten & bit)
		return;
	*forgotten |= bit;
	if (c == OPT_EXCEPT)
		o->n_excepts = 0;
	else if (c == OPT_CGROUP)
		o->n_cgroups = 0;
	else if (c == OPT_IFACE)
		o->n_ifaces = 0;
	else if (c == OPT_SOURCE)
		o->n_sources = 0;
	else if (c == OPT_OPERATOR)
		o->n_operators = 0;
	else if (c == OPT_EXCEPT_DOMAIN)
		o->n_except_domains = 0;
}

int options_parse(int argc, char **argv, struct juris_opts *o)
{
	struct option longopts[N_OPTIONS + 1];
	const char *name, *path;
	unsigned forgotten = 0;
	bool explicit;
	int c, err;

	memset(o, 0, sizeof(*o));
	o->pin_dir = DEFAULT_PIN_DIR;
	o->mode = MODE_AUDIT;
	o->allow_zone = ZONE_EU;
	o->foreign_op = FOREIGN_OP_AUDIT;
	o->flow_table = DEFAULT_FLOW_TABLE;
	o->events_max_size = DEFAULT_EVENTS_MAX_SIZE;
	o->events_keep = DEFAULT_EVENTS_KEEP;
	o->argc = argc;
	o->argv = argv;
	if (argc < 2) {
		usage(NULL);
		return -EINVAL;
	}
	name = argv[1];
	if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
		o->cmd = CMD_HELP;
		return 0;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		o->cmd = CMD_VERSION;
		return 0;
	}
	o->cmd = CMD_HELP;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			o->cmd = commands[i].cmd;
	if (o->cmd == CMD_HELP) {
		fprintf(stderr, "juris: unknown command: %s (see juris --help)\n", name);
		return -EINVAL;
	}
	for (size_t i = 0; i < N_OPTIONS; i++)
		longopts[i] = option_table[i].opt;
	memset(&longopts[N_OPTIONS], 0, sizeof(longopts[0]));

	/* The file first, so that the flags override it. */
	path = config_path(argc, argv, &explicit);
	if (path && strcmp(path, "none")) {
		err = apply_file(o, path, explicit);
		if (err)
			return err;
	}
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc - 1, argv + 1, "+:vhc:", longopts, NULL)) != -1) {
		const struct option_doc *d = find_doc(c);

		if (c == '?' || c == ':') {
			fprintf(stderr, "juris: %s: %s option: %s\n", name,
				c == ':' || (optopt && find_doc(optopt)) ? "missing argument to"
									  : "unknown",
				(argv + 1)[optind - 1]);
			return -EINVAL;
		}
		if (c == 'h') {
			usage(name);
			o->cmd = CMD_HELP;
			return 1;
		}
		if (d && !(d->commands & command_bit(o->cmd))) {
			fprintf(stderr, "juris: %s does not take --%s\n", name, d->opt.name);
			return -EINVAL;
		}
		if (c == OPT_EXCEPT || c == OPT_CGROUP || c == OPT_IFACE || c == OPT_SOURCE ||
		    c == OPT_OPERATOR || c == OPT_EXCEPT_DOMAIN)
			forget_file_list(o, c, &forgotten);
		err = apply_option(o, c, optarg);
		if (err)
			return err;
	}
	o->args = argv + 1 + optind;
	o->n_args = argc - 1 - optind;
	if (o->n_args && o->cmd != CMD_LOOKUP) {
		fprintf(stderr, "juris: %s: unexpected argument: %s\n", name, o->args[0]);
		return -EINVAL;
	}
	/* Uplinks without sources would watch nothing; sources without
	 * uplinks would not say where "the internet" is. */
	if (!o->n_ifaces != !o->n_sources) {
		opt_error("gateway mode needs both --iface and --source");
		return -EINVAL;
	}
	return 0;
}

void options_free(struct juris_opts *o)
{
	free(o->excepts);
	o->excepts = NULL;
	free(o->sources);
	o->sources = NULL;
	free(o->except_domains);
	o->except_domains = NULL;
	config_file_free(&o->file);
}

static void print_cidrs(FILE *out, const char *key, const struct except_cidr *v, int n)
{
	char buf[64];

	for (int i = 0; i < n; i++)
		fprintf(out, "%s = %s/%d\n", key, addr_format(v[i].addr.family, v[i].addr.a, buf,
							      sizeof(buf)), v[i].len);
	if (!n)
		fprintf(out, "# %s = (none)\n", key);
}

/* key = value, quoted when the value would not read back whole: blanks at
 * its ends, a comment sign after a blank, a quote. */
static void print_value(FILE *out, const char *key, const char *v)
{
	size_t n = strlen(v);
	bool quote = n && (v[0] == ' ' || v[0] == '\t' || v[n - 1] == ' ' || v[n - 1] == '\t' ||
			   v[n - 1] == '\r' || strchr(v, '"') || strstr(v, " #") ||
			   strstr(v, "\t#") || v[0] == '#');

	fprintf(out, quote ? "%s = \"%s\"\n" : "%s = %s\n", key, v);
}

static void print_list(FILE *out, const char *key, const char *const *v, int n, const char *none)
{
	for (int i = 0; i < n; i++)
		print_value(out, key, v[i]);
	if (!n)
		fprintf(out, "# %s = (%s)\n", key, none);
}

void options_print_policy(FILE *out, const struct juris_opts *o, const char *db_path)
{
	print_value(out, "db", db_path);
	fprintf(out, "mode = %s\n", mode_name(o->mode));
	fprintf(out, "allow = %s\n", zone_name(o->allow_zone));
	fprintf(out, "unknown = %s\n", o->unknown_deny ? "deny" : "allow");
	fprintf(out, "us-adequate = %s\n", o->us_adequate ? "yes" : "no");
	print_cidrs(out, "except", o->excepts, o->n_excepts);
	if (o->asn_db)
		print_value(out, "asn-db", o->asn_db);
	else
		fprintf(out, "# asn-db = (the default ASN database when installed)\n");
	print_list(out, "operator", o->operators, o->n_operators, "none beyond the embedded list");
	print_list(out, "except-domain", o->except_domains, o->n_except_domains, "none");
	fprintf(out, "foreign-operator = %s\n", foreign_op_name(o->foreign_op));
	print_list(out, "cgroup", o->cgroups, o->n_cgroups,
		   o->n_ifaces ? "none: gateway only" : "none: the whole host");
	print_list(out, "iface", o->ifaces, o->n_ifaces, "none: no gateway mode");
	print_cidrs(out, "source", o->sources, o->n_sources);
	print_value(out, "pin-dir", o->pin_dir);
	if (o->events)
		print_value(out, "events", o->events);
	else
		fprintf(out, "# events = (none: only to standard error)\n");
	fprintf(out, "events-max-size = %llu\n", (unsigned long long)o->events_max_size);
	fprintf(out, "events-keep = %d\n", o->events_keep);
	if (o->metrics)
		print_value(out, "metrics", o->metrics);
	else
		fprintf(out, "# metrics = (none)\n");
	fprintf(out, "syslog = %s\n", o->syslog ? "yes" : "no");
	fprintf(out, "flow-table = %u\n", o->flow_table);
}

static bool str_differ(const char *a, const char *b)
{
	return (!a != !b) || (a && strcmp(a, b));
}

static bool lists_differ(const char *const *a, int na, const char *const *b, int nb)
{
	if (na != nb)
		return true;
	for (int i = 0; i < na; i++)
		if (strcmp(a[i], b[i]))
			return true;
	return false;
}

const char *options_fixed_difference(const struct juris_opts *a, const struct juris_opts *b)
{
	if (lists_differ(a->cgroups, a->n_cgroups, b->cgroups, b->n_cgroups))
		return "cgroup";
	if (lists_differ(a->ifaces, a->n_ifaces, b->ifaces, b->n_ifaces))
		return "iface";
	if (a->n_sources != b->n_sources ||
	    (a->n_sources && memcmp(a->sources, b->sources, a->n_sources * sizeof(*a->sources))))
		return "source";
	if (strcmp(a->pin_dir, b->pin_dir))
		return "pin-dir";
	if (a->flow_table != b->flow_table)
		return "flow-table";
	if (str_differ(a->events, b->events) || a->events_max_size != b->events_max_size ||
	    a->events_keep != b->events_keep)
		return "events";
	if (str_differ(a->metrics, b->metrics))
		return "metrics";
	if (a->syslog != b->syslog)
		return "syslog";
	return NULL;
}
