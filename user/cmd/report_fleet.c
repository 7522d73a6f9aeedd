/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris report --prometheus URL: the report of every host that Prometheus
 * scrapes, over --since, printed like the single-host report. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include "cmd/commands.h"
#include "report/fleet.h"
#include "report/fleet_html.h"
#include "report/report.h"
#include "report/report_csv.h"
#include "report/report_json.h"
#include "report/report_table.h"

static const report_printer printers[REPORT_FORMAT_MAX] = {
	[REPORT_TABLE] = report_print_table,
	[REPORT_JSON] = report_print_json,
	[REPORT_CSV] = report_print_csv,
};

static int width(void)
{
	struct winsize ws;

	return !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col > 0 ? ws.ws_col : 80;
}

static int print_rows(const struct juris_opts *o, const struct fleet_query *q, char *err,
		      size_t errlen)
{
	struct report r;
	int ret = fleet_build(&r, (enum report_by)o->report_by, q, o->top, err, errlen);

	if (ret)
		return ret;
	ret = printers[o->report_format](stdout, &r, width());
	report_free(&r);
	if (ret)
		snprintf(err, errlen, "cannot write the report: %s", strerror(-ret));
	return ret;
}

int cmd_report_fleet(const struct juris_opts *o, volatile sig_atomic_t *exiting)
{
	struct fleet_query q = {
		.url = o->prometheus,
		.host_label = o->host_label ? o->host_label : "instance",
		.since = o->since,
		.at = (int64_t)time(NULL),
	};
	char err[512] = "";
	int ret;

	(void)exiting; /* a one-shot command: curl's timeouts bound it */
	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		fprintf(stderr, "juris: cannot start libcurl\n");
		return -ENOMEM;
	}
	if (o->report_format == REPORT_HTML)
		ret = fleet_print_html(stdout, &q, o->top, err, sizeof(err));
	else
		ret = print_rows(o, &q, err, sizeof(err));
	if (!ret && fflush(stdout)) {
		ret = -errno;
		snprintf(err, sizeof(err), "cannot write the report: %s", strerror(errno));
	}
	if (ret)
		fprintf(stderr, "juris: %s %s: %s\n", "prometheus", o->prometheus,
			err[0] ? err : strerror(-ret));
	curl_global_cleanup();
	return ret;
}
