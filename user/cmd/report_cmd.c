/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris report: reads the pinned maps (with or without a daemon), builds the
 * report and hands it to the printer of the chosen format. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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
#include "policy/overlay.h"
#include "report/report.h"
#include "report/report_html.h"
#include "kernel/stats.h"

#define DEFAULT_WIDTH 80

static const report_printer printers[REPORT_FORMAT_MAX] = {
	[REPORT_TABLE] = report_print_table,
	[REPORT_JSON] = report_print_json,
	[REPORT_CSV] = report_print_csv,
};

static int cgroup_path(uint64_t id, char *buf, size_t len)
{
	return cgroup_path_of_id(NULL, id, buf, len);
}

/* The terminal's width; 80 for a pipe or a file, so that output saved by a
 * script does not depend on the window it ran in. */
static int terminal_width(void)
{
	struct winsize ws;

	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col > 0)
		return ws.ws_col;
	return DEFAULT_WIDTH;
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
		.zones = &r[0], .countries = &r[1], .flows = &r[2], .processes = &r[3],
		.cfg = &cfg, .meta = mt, .top = o->top ? o->top : HTML_DEFAULT_TOP,
	};
	int ret = mt ? 0 : -ENOMEM, built = 0;

	if (!ret)
		ret = juris_read_config(m, &cfg);
	if (!ret)
		ret = juris_read_meta(m, mt);
	if (ret) {
		fprintf(stderr, "juris: cannot read the policy pinned at %s: %s\n", o->policy.pin_dir,
			strerror(-ret));
		goto out;
	}
	for (; built < 4 && !ret; built++) {
		r[built].meta = *meta;
		ret = report_build(&r[built], views[built], in, 0);
	}
	if (ret) {
		built--;		/* report_build freed the one that failed */
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
	free(mt);
	return ret;
}

static int read_and_print(const struct juris_opts *o, const struct juris_maps *m)
{
	struct juris_stats *st = calloc(1, sizeof(*st));
	struct report_input in = { .cgroup_path = cgroup_path };
	struct operator_table ops = { 0 };
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
	ret = stats_read(m, st);
	if (!ret && (o->report_by != BY_ZONE || o->report_format == REPORT_HTML)) {
		what = "flow table";
		ret = flow_table_read(m->fd[MAP_FLOWS], (uint32_t)st->flow_table_size, &flows,
					&in.n_flows);
	}
	if (ret) {
		fprintf(stderr, "juris: cannot read the %s pinned at %s: %s\n", what, o->policy.pin_dir,
			pins_strerror(ret));
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
	ret = printers[o->report_format](stdout, &r, terminal_width());
	if (!ret && fflush(stdout))
		ret = -errno;
	if (ret)
		fprintf(stderr, "juris: cannot write the report: %s\n", strerror(-ret));
	report_free(&r);
out:
	operator_table_free(&ops);
	free(flows);
	free(st);
	return ret;
}

int cmd_report(const struct juris_opts *o, volatile sig_atomic_t *exiting)
{
	struct juris_maps m;
	int ret = juris_open_pinned(o->policy.pin_dir, &m);

	(void)exiting;	/* a one-shot command: nothing to interrupt */
	if (ret == -ENOENT) {
		fprintf(stderr, "juris: nothing to report (nothing pinned at %s)\n", o->policy.pin_dir);
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
