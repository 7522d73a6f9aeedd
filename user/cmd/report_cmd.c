/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris report: reads the pinned maps (with or without a daemon), builds the
 * report and hands it to the printer of the chosen format. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "report/report_csv.h"
#include "report/report_json.h"
#include "report/report_table.h"
#include "kernel/pins.h"
#include "kernel/meta.h"
#include "kernel/config.h"
#include "kernel/cgroup.h"
#include "cmd/commands.h"
#include "kernel/dns_names.h"
#include "kernel/loader.h"
#include "kernel/policy_read.h"
#include "policy/overlay.h"
#include "report/report.h"
#include "report/report_html.h"
#include "kernel/exact.h"
#include "kernel/stats.h"

static const report_printer printers[REPORT_FORMAT_MAX] = {
	[REPORT_TABLE] = report_print_table,
	[REPORT_JSON] = report_print_json,
	[REPORT_CSV] = report_print_csv,
};

static int cgroup_path(uint64_t id, char *buf, size_t len)
{
	return cgroup_path_of_id(NULL, id, buf, len);
}

/* Where the database comes from, in words: the package and version that
 * scripts/install-db.sh recorded in SOURCE beside it (when SOURCE is about
 * this file), else what kind of file it is. */
static void db_source_words(const char *db_path, char *out, size_t len)
{
	char dir[4096], stem[256], line[512], package[256] = "", version[128] = "";
	const char *base = strrchr(db_path, '/'), *slash, *dot;
	FILE *f;

	base = base ? base + 1 : db_path;
	dot = strstr(base, ".mmdb");
	snprintf(out, len, "%s",
		 dot		       ? "a MaxMind-format database"
		 : strstr(base, ".db") ? "a libloc database"
				       : "");
	snprintf(stem, sizeof(stem), "%.*s", (int)(dot ? (size_t)(dot - base) : strlen(base)),
		 base);
	snprintf(dir, sizeof(dir), "%s", db_path);
	snprintf(line, sizeof(line), "%s/SOURCE", dirname(dir));
	f = fopen(line, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		if (!strncmp(line, "package: ", 9))
			snprintf(package, sizeof(package), "%.200s", line + 9);
		else if (!strncmp(line, "version: ", 9))
			snprintf(version, sizeof(version), "%.100s", line + 9);
	}
	fclose(f);
	/* "@ip-location-db/geo-whois-asn-country-mmdb" is about
	 * "geo-whois-asn-country.mmdb"; another file in the directory is not. */
	slash = strrchr(package, '/');
	if (package[0] && stem[0] && !strncmp(slash ? slash + 1 : package, stem, strlen(stem)))
		snprintf(out, len, "%s, version %s (package %s)",
			 dot ? "a MaxMind-format database" : "a database",
			 version[0] ? version : "?", package);
}

/* The page of --format html: every view of the same reading of the maps,
 * and the policy and database in force. */
static int print_html(const struct juris_opts *o, const struct juris_maps *m,
		      const struct report_input *in, const struct report_meta *meta)
{
	static const enum report_by views[] = { BY_ZONE, BY_COUNTRY, BY_FLOW, BY_PROCESS };
	struct report r[4] = {};
	struct juris_config cfg;
	struct juris_meta *mt = calloc(1, sizeof(*mt));
	struct report_page page = {
		.zones = &r[0],
		.countries = &r[1],
		.flows = &r[2],
		.processes = &r[3],
		.cfg = &cfg,
		.meta = mt,
		.top = o->top ? o->top : HTML_DEFAULT_TOP,
		.table = in->flows,
		.n_table = in->n_flows,
		.ops = in->ops,
	};
	char host[256] = "", root[4096] = "", source[512];
	char(*paths)[4096] = calloc(MAX_CGROUPS, sizeof(*paths));
	const char *watched[MAX_CGROUPS];
	char **exceptions = NULL;
	size_t n_exceptions = 0;
	int ret = mt && paths ? 0 : -ENOMEM, built = 0;

	if (!ret)
		ret = juris_read_config(m, &cfg);
	if (!ret)
		ret = juris_read_meta(m, mt);
	if (!ret)
		ret = policy_read_exceptions(m, &exceptions, &n_exceptions);
	if (ret) {
		fprintf(stderr, "juris: cannot read the policy pinned at %s: %s\n",
			o->policy.pin_dir, strerror(-ret));
		goto out;
	}
	gethostname(host, sizeof(host) - 1);
	page.host = host;
	cgroup2_mount(root, sizeof(root));
	for (uint32_t i = 0; i < mt->n_cgroups && i < MAX_CGROUPS; i++) {
		if (cgroup_path_of_id(NULL, mt->cgroup_ids[i], paths[i], sizeof(paths[i])))
			paths[i][0] = 0;
		watched[i] = paths[i];
		page.root_cgroup |= mt->n_cgroups == 1 && root[0] && !strcmp(paths[i], root);
	}
	page.watched = watched;
	page.exceptions = (const char *const *)exceptions;
	page.n_exceptions = n_exceptions;
	db_source_words(mt->db_path, source, sizeof(source));
	page.db_source = source;
	for (; built < 4 && !ret; built++) {
		r[built].meta = *meta;
		ret = report_build(&r[built], views[built], in, 0);
	}
	if (ret) {
		built--; /* report_build freed the one that failed */
		fprintf(stderr, "juris: cannot build the report: %s\n", strerror(-ret));
		goto out;
	}
	ret = report_print_html(stdout, &page);
	if (!ret && fflush(stdout))
		ret = -errno;
	if (ret)
		fprintf(stderr, "juris: cannot write the report: %s\n", strerror(-ret));
out:
	while (built-- > 0)
		report_free(&r[built]);
	policy_read_free(exceptions, n_exceptions);
	free(paths);
	free(mt);
	return ret;
}

static int read_and_print(const struct juris_opts *o, const struct juris_maps *m)
{
	struct juris_exact *exact = NULL;
	struct zone_table *zt = NULL;
	struct juris_stats *st = calloc(1, sizeof(*st));
	struct report_input in = { .cgroup_path = cgroup_path };
	struct operator_table ops = { 0 };
	struct juris_config cfg;
	struct nat64_list nat64;
	struct flow_entry *flows = NULL;
	struct report r = {};
	const char *what = "counters";
	char err[512];
	int ret;

	if (!st)
		return -ENOMEM;
	ret = overlay_operators(&o->policy, &ops, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "juris: %s\n", err);
		goto out;
	}
	in.ops = &ops;
	/* The policy's NAT64 prefixes name the IPv4 address of such flows. */
	if (!juris_read_config(m, &cfg)) {
		config_get_nat64(&cfg, &nat64);
		in.nat64 = &nat64;
	}
	ret = stats_read(m, st);
	if (!ret) {
		what = "exact counters";
		ret = report_read_exact(m, &exact, &zt);
		in.exact = exact;
		in.zt = zt;
	}
	/* The flow table for the views that the exact counters do not give. */
	if (!ret && ((o->report_by != BY_ZONE && o->report_by != BY_COUNTRY &&
		      o->report_by != BY_OPERATOR) ||
		     o->report_format == REPORT_HTML)) {
		what = "flow table";
		ret = flow_table_read(m->fd[MAP_FLOWS], (uint32_t)st->flow_table_size, &flows,
				      &in.n_flows);
	}
	if (ret) {
		fprintf(stderr, "juris: cannot read the %s pinned at %s: %s\n", what,
			o->policy.pin_dir, pins_strerror(ret));
		goto out;
	}
	in.totals = st->totals;
	in.flows = flows;
	in.domain_of = dns_names_of_flow;
	in.domain_ctx = (void *)&m->fd[MAP_DNS_NAMES];
	r.meta = (struct report_meta){
		.pin_dir = o->policy.pin_dir,
		.generated = time(NULL),
		.daemon_running = juris_daemon_alive(o->policy.pin_dir),
		.flows_in_table = st->flows_in_table,
		.flow_table_size = st->flow_table_size,
		.flow_evictions = st->flow_evictions,
		.ringbuf_drops = st->counters[CNT_RINGBUF_DROPS],
	};
	if (o->report_format == REPORT_HTML) {
		ret = print_html(o, m, &in, &r.meta);
		goto out;
	}
	ret = report_build(&r, o->report_by, &in, o->top);
	if (ret) {
		fprintf(stderr, "juris: cannot build the report: %s\n", strerror(-ret));
		goto out;
	}
	ret = printers[o->report_format](stdout, &r, report_output_width(STDOUT_FILENO));
	if (!ret && fflush(stdout))
		ret = -errno;
	if (ret)
		fprintf(stderr, "juris: cannot write the report: %s\n", strerror(-ret));
	report_free(&r);
out:
	operator_table_free(&ops);
	zone_table_free(zt);
	free(exact);
	free(flows);
	free(st);
	return ret;
}

int cmd_report(const struct juris_opts *o, volatile sig_atomic_t *exiting)
{
	struct juris_maps m;
	int ret;

	if (o->prometheus)
		return cmd_report_fleet(o, exiting);
	ret = juris_open_pinned(o->policy.pin_dir, &m);

	(void)exiting; /* a one-shot command: nothing to interrupt */
	if (ret == -ENOENT) {
		fprintf(stderr, "juris: nothing to report (nothing pinned at %s)\n",
			o->policy.pin_dir);
		return ret;
	}
	if (ret) {
		fprintf(stderr, "juris: the pins at %s are incomplete or unreadable (%s)\n",
			o->policy.pin_dir, strerror(-ret));
		return ret;
	}
	ret = read_and_print(o, &m);
	juris_maps_close(&m);
	return ret;
}
