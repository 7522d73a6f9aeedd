/* Command-line parsing: one option table, validated per subcommand. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "juris.h"
#include "dns_pattern.h"
#include "metrics.h"
#include "options.h"
#include "rotate.h"

enum {
	OPT_DB = 0x100, OPT_MODE, OPT_ALLOW, OPT_UNKNOWN, OPT_US_ADEQUATE, OPT_EXCEPT,
	OPT_CGROUP, OPT_PIN_DIR, OPT_EVENTS, OPT_JSON, OPT_FLOW_TABLE, OPT_IFACE, OPT_SOURCE,
	OPT_FORMAT, OPT_BY, OPT_TOP, OPT_EVENTS_MAX_SIZE, OPT_EVENTS_KEEP, OPT_METRICS,
	OPT_SYSLOG, OPT_EXCEPT_DOMAIN,
};

/* Which subcommands take which option. */
#define FOR_RUN (1u << CMD_RUN)
#define FOR_LOOKUP (1u << CMD_LOOKUP)
#define FOR_STATUS (1u << CMD_STATUS)
#define FOR_STOP (1u << CMD_STOP)
#define FOR_REPORT (1u << CMD_REPORT)
#define FOR_TOP (1u << CMD_TOP)
#define FOR_ALL (FOR_RUN | FOR_LOOKUP | FOR_STATUS | FOR_STOP | FOR_REPORT | FOR_TOP)

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
	{ { "format", required_argument, NULL, OPT_FORMAT }, FOR_REPORT, "table|json|csv",
	  "output format (default table)" },
	{ { "by", required_argument, NULL, OPT_BY }, FOR_REPORT | FOR_TOP,
	  "zone|country|flow|process|cgroup", "what a row counts (report: zone, top: flow)" },
	{ { "top", required_argument, NULL, OPT_TOP }, FOR_REPORT, "N",
	  "at most N rows, the first in the report order (default all)" },
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
	{ "report", CMD_REPORT, "totals and flows by zone, country, flow, process or cgroup" },
	{ "top", CMD_TOP, "live view of the flows, outside the policy first; q quits" },
	{ "stop", CMD_STOP, "stop the daemon, detach every hook and remove the pins" },
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

static const char *const report_format_names[REPORT_FORMAT_MAX] = { "table", "json", "csv" };
static const char *const report_by_names[BY_MAX] = {
	"zone", "country", "flow", "process", "cgroup",
};

const char *report_format_name(int format)
{
	return format >= 0 && format < REPORT_FORMAT_MAX ? report_format_names[format] : "invalid";
}

const char *report_by_name(int by)
{
	return by >= 0 && by < BY_MAX ? report_by_names[by] : "invalid";
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
		if (command)
			mask = 1u << commands[i].cmd;
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
		fprintf(stderr, "juris: too many --except (at most %d)\n", MAX_EXCEPTS);
		return -E2BIG;
	}
	if (!o->excepts) {
		o->excepts = calloc(MAX_EXCEPTS, sizeof(*o->excepts));
		if (!o->excepts)
			return -ENOMEM;
	}
	e = &o->excepts[o->n_excepts];
	if (cidr_parse(s, &e->addr, &e->len)) {
		fprintf(stderr, "juris: invalid --except CIDR: %s\n", s);
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
		fprintf(stderr, "juris: too many --except-domain (at most %d)\n", DNS_PATTERNS_MAX);
		return -E2BIG;
	}
	if (!o->except_domains) {
		o->except_domains = calloc(DNS_PATTERNS_MAX, sizeof(*o->except_domains));
		if (!o->except_domains)
			return -ENOMEM;
	}
	if (dns_pattern_parse(s, &key, &kind)) {
		fprintf(stderr, "juris: invalid --except-domain: %s (a name such as gouv.fr, "
			"or *.gouv.fr for the names under it)\n", s);
		return -EINVAL;
	}
	o->except_domains[o->n_except_domains++] = s;
	return 0;
}

static int add_source(struct juris_opts *o, const char *s)
{
	struct except_cidr *e;

	if (o->n_sources >= MAX_SOURCES) {
		fprintf(stderr, "juris: too many --source (at most %d)\n", MAX_SOURCES);
		return -E2BIG;
	}
	if (!o->sources) {
		o->sources = calloc(MAX_SOURCES, sizeof(*o->sources));
		if (!o->sources)
			return -ENOMEM;
	}
	e = &o->sources[o->n_sources];
	if (cidr_parse(s, &e->addr, &e->len)) {
		fprintf(stderr, "juris: invalid --source CIDR: %s\n", s);
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
	case OPT_CGROUP:
		if (o->n_cgroups >= MAX_CGROUPS) {
			fprintf(stderr, "juris: too many --cgroup (at most %d)\n", MAX_CGROUPS);
			return -E2BIG;
		}
		o->cgroups[o->n_cgroups++] = arg;
		return 0;
	case OPT_IFACE:
		if (o->n_ifaces >= MAX_IFACES) {
			fprintf(stderr, "juris: too many --iface (at most %d)\n", MAX_IFACES);
			return -E2BIG;
		}
		if (!arg[0] || strlen(arg) >= 16 || strchr(arg, '/')) {
			fprintf(stderr, "juris: invalid --iface name: %s\n", arg);
			return -EINVAL;
		}
		o->ifaces[o->n_ifaces++] = arg;
		return 0;
	case OPT_SOURCE:
		return add_source(o, arg);
	case OPT_PIN_DIR:
		if (arg[0] != '/') {
			fprintf(stderr, "juris: --pin-dir must be an absolute path: %s\n", arg);
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
	}
	return -EINVAL;
bad:
	fprintf(stderr, "juris: invalid --%s: %s\n", find_doc(c)->opt.name, arg);
	return -EINVAL;
}

int options_parse(int argc, char **argv, struct juris_opts *o)
{
	struct option longopts[N_OPTIONS + 1];
	const char *name;
	int c, err;

	memset(o, 0, sizeof(*o));
	o->pin_dir = DEFAULT_PIN_DIR;
	o->mode = MODE_AUDIT;
	o->allow_zone = ZONE_EU;
	o->flow_table = DEFAULT_FLOW_TABLE;
	o->events_max_size = DEFAULT_EVENTS_MAX_SIZE;
	o->events_keep = DEFAULT_EVENTS_KEEP;
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

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc - 1, argv + 1, "+:vh", longopts, NULL)) != -1) {
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
		if (d && !(d->commands & (1u << o->cmd))) {
			fprintf(stderr, "juris: %s does not take --%s\n", name, d->opt.name);
			return -EINVAL;
		}
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
		fprintf(stderr, "juris: gateway mode needs both --iface and --source\n");
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
}
