/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Command-line parsing: the policy file, then the flags over it, validated
 * per subcommand against the option table. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "juris.h"
#include "base/listen_addr.h"
#include "base/rotate.h"
#include "policy/dns_pattern.h"
#include "policy/names.h"
#include "cli/option_table.h"
#include "cli/options.h"
#include "cli/usage.h"

/* Prometheus label names: the host label goes into PromQL as is. */
static bool valid_label_name(const char *s)
{
	if (!*s || !(isalpha((unsigned char)*s) || *s == '_'))
		return false;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_'))
			return false;
	return true;
}

int parse_duration(const char *s, uint64_t *seconds)
{
	static const struct {
		char unit;
		uint64_t mul;
	} units[] = {
		{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 7 * 86400 },
	};
	uint64_t total = 0;

	if (!*s)
		return -EINVAL;
	while (*s) {
		uint64_t n = 0, mul = 0;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		for (; *s >= '0' && *s <= '9'; s++) {
			n = n * 10 + (uint64_t)(*s - '0');
			if (n > 10ull * 366 * 86400)
				return -EINVAL;
		}
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (*s == units[i].unit)
				mul = units[i].mul;
		if (!mul)
			return -EINVAL;
		s++;
		total += n * mul;
		if (total > 10ull * 366 * 86400)
			return -EINVAL;
	}
	if (!total)
		return -EINVAL;
	*seconds = total;
	return 0;
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

	if (o->policy.n_excepts >= MAX_EXCEPTS) {
		opt_error("too many --except (at most %d)", MAX_EXCEPTS);
		return -E2BIG;
	}
	if (!o->policy.excepts) {
		o->policy.excepts = calloc(MAX_EXCEPTS, sizeof(*o->policy.excepts));
		if (!o->policy.excepts)
			return -ENOMEM;
	}
	e = &o->policy.excepts[o->policy.n_excepts];
	if (cidr_parse(s, &e->addr, &e->len)) {
		char net[64];

		if (!cidr_network_of(s, net, sizeof(net)))
			opt_error("invalid --except CIDR: %s (host bits set: did you mean %s?)", s,
				  net);
		else
			opt_error("invalid --except CIDR: %s", s);
		return -EINVAL;
	}
	o->policy.n_excepts++;
	return 0;
}

static int add_except_domain(struct juris_opts *o, const char *s)
{
	struct dns_pattern_key key;
	uint8_t kind;

	if (o->policy.n_except_domains >= DNS_PATTERNS_MAX) {
		opt_error("too many --except-domain (at most %d)", DNS_PATTERNS_MAX);
		return -E2BIG;
	}
	if (!o->policy.except_domains) {
		o->policy.except_domains = calloc(DNS_PATTERNS_MAX,
						  sizeof(*o->policy.except_domains));
		if (!o->policy.except_domains)
			return -ENOMEM;
	}
	if (dns_pattern_parse(s, &key, &kind)) {
		opt_error("invalid --except-domain: %s (a name such as gouv.fr, or *.gouv.fr for "
			  "the names under it)",
			  s);
		return -EINVAL;
	}
	o->policy.except_domains[o->policy.n_except_domains++] = s;
	return 0;
}

static int add_nat64_prefix(struct juris_opts *o, const char *s)
{
	int ret = nat64_list_add(&o->policy.nat64, s);

	if (ret == -E2BIG)
		opt_error("too many --nat64-prefix (at most %d)", NAT64_PREFIXES_MAX);
	else if (ret)
		opt_error("invalid --nat64-prefix: %s (an IPv6 prefix of length 32, 40, 48, 56, "
			  "64 or 96, such as 64:ff9b:1::/96)",
			  s);
	return ret;
}

static int add_dns_resolver(struct juris_opts *o, const char *s)
{
	int ret = resolver_list_add(&o->policy.resolvers, s);

	if (ret == -E2BIG)
		opt_error("too many --dns-resolver (at most %d)", DNS_RESOLVERS_MAX);
	else if (ret)
		opt_error("invalid --dns-resolver address: %s", s);
	return ret;
}

static int add_source(struct juris_opts *o, const char *s)
{
	struct except_cidr *e;

	if (o->policy.n_sources >= MAX_SOURCES) {
		opt_error("too many --source (at most %d)", MAX_SOURCES);
		return -E2BIG;
	}
	if (!o->policy.sources) {
		o->policy.sources = calloc(MAX_SOURCES, sizeof(*o->policy.sources));
		if (!o->policy.sources)
			return -ENOMEM;
	}
	e = &o->policy.sources[o->policy.n_sources];
	if (cidr_parse(s, &e->addr, &e->len)) {
		char net[64];

		if (!cidr_network_of(s, net, sizeof(net)))
			opt_error("invalid --source CIDR: %s (host bits set: did you mean %s?)", s,
				  net);
		else
			opt_error("invalid --source CIDR: %s", s);
		return -EINVAL;
	}
	o->policy.n_sources++;
	return 0;
}

static int apply_option(struct juris_opts *o, int c, const char *arg)
{
	int z;

	switch (c) {
	case OPT_DB:
		o->policy.db = arg;
		return 0;
	case OPT_MODE:
		o->policy_given = true;
		z = parse_mode(arg);
		if (z < 0)
			goto bad;
		o->policy.mode = z;
		return 0;
	case OPT_ALLOW:
		o->policy_given = true;
		z = parse_allow_zone(arg);
		if (z < 0)
			goto bad;
		o->policy.allow_zone = z;
		return 0;
	case OPT_UNKNOWN:
		o->policy_given = true;
		if (!strcmp(arg, "allow"))
			o->policy.unknown_deny = false;
		else if (!strcmp(arg, "deny"))
			o->policy.unknown_deny = true;
		else
			goto bad;
		return 0;
	case OPT_US_ADEQUATE:
		o->policy_given = true;
		o->policy.us_adequate = true;
		return 0;
	case OPT_EXCEPT:
		o->policy_given = true;
		return add_except(o, arg);
	case OPT_EXCEPT_DOMAIN:
		o->policy_given = true;
		return add_except_domain(o, arg);
	case OPT_NAT64_PREFIX:
		o->policy_given = true;
		return add_nat64_prefix(o, arg);
	case OPT_DNS_RESOLVER:
		o->policy_given = true;
		return add_dns_resolver(o, arg);
	case OPT_FOREIGN_OP:
		o->policy_given = true;
		z = parse_foreign_op(arg);
		if (z < 0)
			goto bad;
		o->policy.foreign_op = z;
		return 0;
	case OPT_ASN_DB:
		o->policy.asn_db = arg;
		return 0;
	case OPT_OPERATOR:
		o->policy_given = true;
		if (o->policy.n_operators >= MAX_OPERATORS) {
			opt_error("too many --operator (at most %d)", MAX_OPERATORS);
			return -E2BIG;
		}
		o->policy.operators[o->policy.n_operators++] = arg;
		return 0;
	case OPT_CGROUP:
		if (o->policy.n_cgroups >= MAX_CGROUPS) {
			opt_error("too many --cgroup (at most %d)", MAX_CGROUPS);
			return -E2BIG;
		}
		o->policy.cgroups[o->policy.n_cgroups++] = arg;
		return 0;
	case OPT_IFACE:
		if (o->policy.n_ifaces >= MAX_IFACES) {
			opt_error("too many --iface (at most %d)", MAX_IFACES);
			return -E2BIG;
		}
		if (!arg[0] || strlen(arg) >= 16 || strchr(arg, '/')) {
			opt_error("invalid --iface name: %s", arg);
			return -EINVAL;
		}
		o->policy.ifaces[o->policy.n_ifaces++] = arg;
		return 0;
	case OPT_UPLINK:
		if (o->policy.n_uplinks >= MAX_IFACES) {
			opt_error("too many --uplink (at most %d)", MAX_IFACES);
			return -E2BIG;
		}
		if (!arg[0] || strlen(arg) >= 16 || strchr(arg, '/')) {
			opt_error("invalid --uplink name: %s", arg);
			return -EINVAL;
		}
		o->policy.uplinks[o->policy.n_uplinks++] = arg;
		return 0;
	case OPT_SOURCE:
		return add_source(o, arg);
	case OPT_PIN_DIR:
		if (arg[0] != '/') {
			opt_error("--pin-dir must be an absolute path: %s", arg);
			return -EINVAL;
		}
		o->policy.pin_dir = arg;
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

		if (listen_addr_parse(arg, &ss, &len))
			goto bad;
		o->metrics = arg;
		return 0;
	}
	case OPT_USER:
		if (!arg[0])
			goto bad;
		o->user = arg;
		return 0;
	case OPT_FLOW_TABLE:
		if (parse_u32(arg, 1024, 1u << 26, &o->policy.flow_table))
			goto bad;
		return 0;
	case OPT_JSON:
		o->json = true;
		if (o->cmd == CMD_REPORT)
			o->report_format = REPORT_JSON;
		return 0;
	case OPT_SYSLOG:
		o->syslog = true;
		return 0;
	case OPT_DB_KEY:
		o->policy.db_key = arg;
		return 0;
	case OPT_FOLLOW_DB:
		if (!strcmp(arg, "yes") || !strcmp(arg, "true") || !strcmp(arg, "on"))
			o->follow_db = true;
		else if (!strcmp(arg, "no") || !strcmp(arg, "false") || !strcmp(arg, "off"))
			o->follow_db = false;
		else
			goto bad;
		return 0;
	case OPT_FORMAT:
		o->report_format = parse_report_format(arg);
		if (o->report_format < 0)
			goto bad;
		return 0;
	case OPT_BY:
		o->report_by = parse_report_by(arg);
		if (o->report_by < 0)
			goto bad;
		return 0;
	case OPT_TOP:
		if (parse_u32(arg, 1, UINT32_MAX, &o->top))
			goto bad;
		return 0;
	case OPT_PROMETHEUS:
		/* libcurl takes any scheme it was built with: only these two. */
		if (strncmp(arg, "http://", 7) && strncmp(arg, "https://", 8)) {
			opt_error("invalid --prometheus: %s (an http:// or https:// URL)", arg);
			return -EINVAL;
		}
		o->prometheus = arg;
		return 0;
	case OPT_SINCE:
		if (parse_duration(arg, &o->since))
			goto bad;
		return 0;
	case OPT_HOST_LABEL:
		if (!valid_label_name(arg)) {
			opt_error("invalid --host-label: %s (a Prometheus label name: "
				  "[a-zA-Z_][a-zA-Z0-9_]*)",
				  arg);
			return -EINVAL;
		}
		o->host_label = arg;
		return 0;
	case 'v':
		o->verbose = true;
		return 0;
	case OPT_CONFIG:
		return 0; /* read before the other options */
	}
	return -EINVAL;
bad : {
	/* "invalid --allow: europe (fr, eu, eea, adequate)": the valid
	 * values, or the shape of one. */
	const struct option_doc *d = find_doc(c);
	char valid[128];
	size_t i;

	for (i = 0; d->arg[i] && i < sizeof(valid) - 2; i++)
		valid[i] = d->arg[i];
	valid[i] = 0;
	if (strchr(valid, '|') && !strpbrk(valid, "ABCDEFGHIJKLMNOPQRSTUVWXYZ[")) {
		char list[256] = "";

		for (char *tok = strtok(valid, "|"); tok; tok = strtok(NULL, "|"))
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
				 list[0] ? ", " : "", tok);
		opt_error("invalid --%s: %s (%s)", d->opt.name, arg, list);
	} else {
		opt_error("invalid --%s: %s (expected %s)", d->opt.name, arg, valid);
	}
	return -EINVAL;
}
}

const char *options_config_arg(int argc, char *const *argv, int start)
{
	for (int i = start; i < argc; i++) {
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
	return NULL;
}

/* The policy file given with -c/--config, else $JURIS_CONFIG, else the
 * default when present; "none" is no file at all. */
static const char *config_path(int argc, char **argv, bool *explicit)
{
	const char *given = options_config_arg(argc, argv, 2);

	*explicit = true;
	if (given)
		return given;
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
		return 0; /* the default of every flag is "no" */
	}
	return apply_option(o, d->opt.val, e->value);
}

static int apply_file(struct juris_opts *o, const char *path, bool explicit)
{
	char err[512], where[4200];
	int ret;

	ret = config_file_read(path, &o->file, err, sizeof(err));
	if (ret) {
		opt_error("%s%s", err,
			  explicit || ret != -ENOENT ? "" : " (the default policy file)");
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
static void forget_file_list(struct juris_opts *o, int c, unsigned long long *forgotten)
{
	unsigned long long bit = 1ull << (c - OPT_DB);

	if (*forgotten & bit)
		return;
	*forgotten |= bit;
	if (c == OPT_EXCEPT)
		o->policy.n_excepts = 0;
	else if (c == OPT_CGROUP)
		o->policy.n_cgroups = 0;
	else if (c == OPT_IFACE)
		o->policy.n_ifaces = 0;
	else if (c == OPT_UPLINK)
		o->policy.n_uplinks = 0;
	else if (c == OPT_SOURCE)
		o->policy.n_sources = 0;
	else if (c == OPT_OPERATOR)
		o->policy.n_operators = 0;
	else if (c == OPT_EXCEPT_DOMAIN)
		o->policy.n_except_domains = 0;
	else if (c == OPT_NAT64_PREFIX)
		o->policy.nat64.n = 0;
	else if (c == OPT_DNS_RESOLVER)
		o->policy.resolvers.n = 0;
}

int options_parse(int argc, char **argv, struct juris_opts *o)
{
	struct option longopts[n_options + 1];
	const char *name, *path;
	unsigned long long forgotten = 0;
	bool explicit;
	int c, err;

	memset(o, 0, sizeof(*o));
	o->policy.pin_dir = DEFAULT_PIN_DIR;
	o->policy.mode = MODE_AUDIT;
	o->policy.allow_zone = ZONE_EU;
	o->policy.foreign_op = FOREIGN_OP_AUDIT;
	o->policy.flow_table = DEFAULT_FLOW_TABLE;
	o->follow_db = true;
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
	for (size_t i = 0; i < n_commands; i++)
		if (!strcmp(name, commands[i].name))
			o->cmd = commands[i].cmd;
	if (o->cmd == CMD_HELP) {
		fprintf(stderr, "juris: unknown command: %s (see juris --help)\n", name);
		return -EINVAL;
	}
	for (size_t i = 0; i < n_options; i++)
		longopts[i] = option_table[i].opt;
	memset(&longopts[n_options], 0, sizeof(longopts[0]));

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
		    c == OPT_UPLINK || c == OPT_OPERATOR || c == OPT_EXCEPT_DOMAIN ||
		    c == OPT_NAT64_PREFIX || c == OPT_DNS_RESOLVER)
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
	if (o->cmd == CMD_REPORT && !o->prometheus && (o->since || o->host_label)) {
		opt_error("--since and --host-label need --prometheus URL");
		return -EINVAL;
	}
	if (o->report_by == BY_HOST && (o->cmd != CMD_REPORT || !o->prometheus)) {
		opt_error("--by host needs juris report --prometheus URL");
		return -EINVAL;
	}
	if (o->prometheus &&
	    (o->report_by == BY_FLOW || o->report_by == BY_PROCESS || o->report_by == BY_CGROUP)) {
		opt_error("--by %s is not in the metrics: with --prometheus, --by zone, country, "
			  "operator or host",
			  report_by_name(o->report_by));
		return -EINVAL;
	}
	/* Uplinks without sources would watch nothing; sources without
	 * uplinks would not say where "the internet" is. */
	if (!o->policy.n_ifaces != !o->policy.n_sources) {
		opt_error("gateway mode needs both --iface and --source");
		return -EINVAL;
	}
	/* Gateway mode watches forwarded traffic, not this host's sockets. */
	if (o->policy.n_uplinks && o->policy.n_ifaces) {
		opt_error("--uplink is not for gateway mode (--iface)");
		return -EINVAL;
	}
	return 0;
}

void options_free(struct juris_opts *o)
{
	free(o->policy.excepts);
	o->policy.excepts = NULL;
	free(o->policy.sources);
	o->policy.sources = NULL;
	free(o->policy.except_domains);
	o->policy.except_domains = NULL;
	config_file_free(&o->file);
}
