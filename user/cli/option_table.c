/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* The one table of juris's options and commands, with their help. */
#include <getopt.h>
#include <string.h>
#include "cli/config_file.h"
#include "cli/option_table.h"
#include "kernel/pins.h"

const struct option_doc option_table[] = {
	{ { "db", required_argument, NULL, OPT_DB },
	  FOR_RUN | FOR_LOOKUP,
	  "FILE",
	  "geo database: libloc location.db, .mmdb or .mmdb.gz (told by content); default: the "
	  "newest of "
	  "/var/lib/location/database.db and the packaged snapshot" },
	{ { "db-key", required_argument, NULL, OPT_DB_KEY },
	  FOR_RUN | FOR_LOOKUP,
	  "FILE|none",
	  "public key (PEM) that signs the libloc database (default "
	  "/var/lib/location/signing-key.pem when present; none: no check)" },
	{ { "follow-db", required_argument, NULL, OPT_FOLLOW_DB },
	  FOR_RUN,
	  "yes|no",
	  "switch by itself to a verified newer database renamed over the one in force "
	  "(default yes)" },
	{ { "mode", required_argument, NULL, OPT_MODE },
	  FOR_RUN,
	  "audit|enforce",
	  "audit counts what enforce would block (default audit)" },
	{ { "allow", required_argument, NULL, OPT_ALLOW },
	  FOR_RUN | FOR_LOOKUP,
	  "fr|eu|eea|adequate",
	  "widest allowed zone (default eu)" },
	{ { "unknown", required_argument, NULL, OPT_UNKNOWN },
	  FOR_RUN | FOR_LOOKUP,
	  "allow|deny",
	  "destinations not in the database (default allow)" },
	{ { "us-adequate", no_argument, NULL, OPT_US_ADEQUATE },
	  FOR_RUN | FOR_LOOKUP,
	  NULL,
	  "count the United States as adequate (EU-US Data Privacy Framework)" },
	{ { "except", required_argument, NULL, OPT_EXCEPT },
	  FOR_RUN | FOR_LOOKUP,
	  "CIDR",
	  "always allow this destination prefix (repeatable)" },
	{ { "except-domain", required_argument, NULL, OPT_EXCEPT_DOMAIN },
	  FOR_RUN,
	  "NAME|*.NAME",
	  "allow the addresses DNS answers give for NAME (or names under it) while their "
	  "TTL lasts (repeatable)" },
	{ { "nat64-prefix", required_argument, NULL, OPT_NAT64_PREFIX },
	  FOR_RUN | FOR_LOOKUP,
	  "PREFIX/LEN",
	  "a network-specific NAT64 prefix (RFC 6052: /32, /40, /48, /56, /64 or /96): "
	  "its addresses are judged by the IPv4 address they carry (repeatable, at most 8)" },
	{ { "dns-resolver", required_argument, NULL, OPT_DNS_RESOLVER },
	  FOR_RUN,
	  "ADDR",
	  "read DNS answers (names, --except-domain) only from this resolver (repeatable, at "
	  "most 8; default: from the server each query went to)" },
	{ { "asn-db", required_argument, NULL, OPT_ASN_DB },
	  FOR_RUN | FOR_LOOKUP,
	  "FILE|none",
	  "IP-to-AS database (CSV or .mmdb) of the operator overlay; default: $JURIS_ASN_DB, "
	  "else data/default/asn.csv.gz when installed" },
	{ { "operator", required_argument, NULL, OPT_OPERATOR },
	  FOR_RUN | FOR_LOOKUP,
	  "'ASN CC NAME'",
	  "add or override an operator: AS, home country, name (repeatable)" },
	{ { "foreign-operator", required_argument, NULL, OPT_FOREIGN_OP },
	  FOR_RUN | FOR_LOOKUP,
	  "allow|audit|deny",
	  "destinations run by an operator from outside the allowed zone "
	  "(default audit)" },
	{ { "cgroup", required_argument, NULL, OPT_CGROUP },
	  FOR_RUN,
	  "PATH|UNIT",
	  "watch this cgroup or systemd unit only (repeatable; default: the whole host)" },
	{ { "iface", required_argument, NULL, OPT_IFACE },
	  FOR_RUN,
	  "NAME",
	  "gateway mode: an uplink toward the internet (repeatable; needs --source)" },
	{ { "source", required_argument, NULL, OPT_SOURCE },
	  FOR_RUN,
	  "CIDR",
	  "gateway mode: a sensitive source range forwarded to the uplinks (repeatable)" },
	{ { "uplink", required_argument, NULL, OPT_UPLINK },
	  FOR_RUN,
	  "NAME",
	  "where the BPF LSM is not usable: an interface whose tc egress judges the frames "
	  "of watched packet sockets (repeatable; default: every interface with a default "
	  "route)" },
	{ { "pin-dir", required_argument, NULL, OPT_PIN_DIR },
	  FOR_ALL,
	  "DIR",
	  "bpffs directory of the pinned state (default " DEFAULT_PIN_DIR ")" },
	{ { "events", required_argument, NULL, OPT_EVENTS },
	  FOR_RUN,
	  "FILE|-",
	  "write events as NDJSON to FILE or standard output" },
	{ { "events-max-size", required_argument, NULL, OPT_EVENTS_MAX_SIZE },
	  FOR_RUN,
	  "BYTES[K|M|G]",
	  "rotate the event file past this size (default 64M)" },
	{ { "events-keep", required_argument, NULL, OPT_EVENTS_KEEP },
	  FOR_RUN,
	  "N",
	  "rotated event files kept as FILE.1.gz... (default 5)" },
	{ { "metrics", required_argument, NULL, OPT_METRICS },
	  FOR_RUN,
	  "[ADDR:]PORT",
	  "serve Prometheus metrics at /metrics (ADDR default 127.0.0.1)" },
	{ { "user", required_argument, NULL, OPT_USER },
	  FOR_RUN,
	  "NAME",
	  "once attached, run as this user (pins owned by it), with CAP_BPF alone" },
	{ { "syslog", no_argument, NULL, OPT_SYSLOG },
	  FOR_RUN,
	  NULL,
	  "alert to syslog on flows outside the policy, one per flow per minute" },
	{ { "flow-table", required_argument, NULL, OPT_FLOW_TABLE },
	  FOR_RUN,
	  "N",
	  "flow-table entries (default 65536)" },
	{ { "json", no_argument, NULL, OPT_JSON },
	  FOR_LOOKUP | FOR_STATUS | FOR_REPORT,
	  NULL,
	  "JSON output (report: the same as --format json)" },
	{ { "format", required_argument, NULL, OPT_FORMAT },
	  FOR_REPORT,
	  "table|json|csv|html",
	  "output format (default table); html: one page of every view, --by ignored" },
	{ { "by", required_argument, NULL, OPT_BY },
	  FOR_REPORT | FOR_TOP,
	  "zone|country|flow|process|cgroup|operator|host",
	  "what a row counts (report: zone, top: flow; host: with --prometheus)" },
	{ { "prometheus", required_argument, NULL, OPT_PROMETHEUS },
	  FOR_REPORT,
	  "URL",
	  "report on a fleet from this Prometheus-compatible HTTP API (by zone, country, "
	  "operator or host) instead of the local pins" },
	{ { "since", required_argument, NULL, OPT_SINCE },
	  FOR_REPORT,
	  "DURATION",
	  "with --prometheus: what was counted over the last DURATION (30d, 12h, 1w), by "
	  "increase(); default: the latest values" },
	{ { "host-label", required_argument, NULL, OPT_HOST_LABEL },
	  FOR_REPORT,
	  "NAME",
	  "with --prometheus: the label that names a host (default instance)" },
	{ { "top", required_argument, NULL, OPT_TOP },
	  FOR_REPORT,
	  "N",
	  "at most N rows, the first in the report order (default all; html: 25 per table)" },
	{ { "config", required_argument, NULL, 'c' },
	  FOR_ALL,
	  "FILE",
	  "policy file, also -c FILE (default " DEFAULT_CONFIG " when it exists; none: no "
	  "file); flags override it" },
	{ { "verbose", no_argument, NULL, 'v' }, FOR_ALL, NULL, "show libbpf's messages" },
	{ { "help", no_argument, NULL, 'h' }, FOR_ALL, NULL, "show this help" },
};

const size_t n_options = sizeof(option_table) / sizeof(option_table[0]);

const struct command_doc commands[] = {
	{ "run", CMD_RUN,
	  "classify, count and (in enforce mode) block egress; stays in the foreground" },
	{ "lookup", CMD_LOOKUP,
	  "classify ADDRESS... (or addresses on standard input) in the kernel" },
	{ "status", CMD_STATUS, "show the running policy, hooks, database and totals" },
	{ "report", CMD_REPORT,
	  "totals and flows by zone, country, flow, process, cgroup or operator" },
	{ "top", CMD_TOP, "live view of the flows, outside the policy first; q quits" },
	{ "stop", CMD_STOP,
	  "stop the daemon, detach every hook and remove the pins and their "
	  "counters (juris report first to keep them)" },
	{ "check", CMD_CHECK, "validate the policy file and flags; print the effective policy" },
	{ "reload", CMD_RELOAD, "make the running juris re-read its policy file and databases" },
	{ "attach", CMD_ATTACH,
	  "attach the pinned programs to this process's cgroup (a watched "
	  "service's start step)" },
};

const size_t n_commands = sizeof(commands) / sizeof(commands[0]);

const struct option_doc *find_doc(int val)
{
	for (size_t i = 0; i < n_options; i++)
		if (option_table[i].opt.val == val)
			return &option_table[i];
	return NULL;
}

/* The command a row's mask is checked against: check takes run's options. */
unsigned command_bit(enum juris_command cmd)
{
	return 1u << (cmd == CMD_CHECK ? CMD_RUN : cmd);
}

const struct option_doc *find_doc_by_name(const char *name)
{
	for (size_t i = 0; i < n_options; i++)
		if (!strcmp(option_table[i].opt.name, name))
			return &option_table[i];
	return NULL;
}
