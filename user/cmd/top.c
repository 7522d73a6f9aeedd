/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* juris top: a live view of the pinned flow table and totals, refreshed each
 * second, outside-the-policy rows first; one frame when not on a terminal. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include "report/report_table.h"
#include "policy/names.h"
#include "kernel/pins.h"
#include "kernel/meta.h"
#include "kernel/config.h"
#include "kernel/cgroup.h"
#include "cmd/commands.h"
#include "kernel/dns_names.h"
#include "kernel/loader.h"
#include "policy/overlay.h"
#include "report/report.h"
#include "kernel/stats.h"

#define REFRESH_MS 1000
#define HEAD_LINES 4		/* title, zones, outside the policy, blank */
#define FOOT_LINES 3		/* table header, "top N of M", flow-table line */

struct top_view {
	int by;			/* enum report_by */
	const char *sort;	/* "bytes" or "packets" */
	int width, height;
	const struct operator_table *ops;	/* AS names, read once (NULL: numbers) */
};

static int cgroup_path(uint64_t id, char *buf, size_t len)
{
	return cgroup_path_of_id(NULL, id, buf, len);
}

static void window_size(struct top_view *v)
{
	struct winsize ws;

	v->width = 80;
	v->height = 24;
	if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col > 0 && ws.ws_row > 0) {
		v->width = ws.ws_col;
		v->height = ws.ws_row;
	}
}

/* The zones that saw traffic, and what left the policy, on two lines. */
static void totals_lines(FILE *out, const struct juris_stats *st)
{
	uint64_t out_flows = 0, out_bytes = 0;
	char b[32];
	int shown = 0;

	fputs("zones:", out);
	for (int z = 0; z < ZONE_MAX; z++) {
		uint64_t bytes = 0, packets = 0;

		for (int v = 0; v < VERDICT_MAX; v++) {
			const struct juris_totals *t = &st->totals[TOTALS_INDEX(z, v)];

			bytes += t->bytes;
			packets += t->packets;
			if (v != VERDICT_ALLOW) {
				out_flows += t->flows;
				out_bytes += t->bytes;
			}
		}
		if (packets)
			fprintf(out, "%s %s %s", shown++ ? "," : "", zone_name(z),
				report_human_bytes(bytes, b, sizeof(b)));
	}
	fprintf(out, "\noutside the policy: %llu flows, %s\n\n", (unsigned long long)out_flows,
		report_human_bytes(out_bytes, b, sizeof(b)));
}

/* One frame into out; every line fits v->width but for the table's own. */
static int frame(FILE *out, const struct juris_opts *o, const struct top_view *v)
{
	struct juris_stats *st = calloc(1, sizeof(*st));
	struct report_input in = { .cgroup_path = cgroup_path, .sort = v->sort, .ops = v->ops };
	struct flow_entry *flows = NULL;
	struct report r = {};
	struct juris_maps m;
	char when[16];
	time_t now = time(NULL);
	int rows = v->height - HEAD_LINES - FOOT_LINES, ret;

	if (!st)
		return -ENOMEM;
	ret = juris_open_pinned(o->policy.pin_dir, &m);
	if (ret) {
		free(st);
		return ret;
	}
	ret = stats_read(&m, st);
	if (!ret)
		ret = flow_table_read(m.fd[MAP_FLOWS], (uint32_t)st->flow_table_size, &flows,
					&in.n_flows);
	in.flows = flows;
	in.totals = st->totals;
	in.domain_of = dns_names_of_flow;
	in.domain_ctx = &m.fd[MAP_DNS_NAMES];
	r.meta = (struct report_meta){
		.pin_dir = o->policy.pin_dir, .generated = now,
		.flows_in_table = st->flows_in_table, .flow_table_size = st->flow_table_size,
		.flow_evictions = st->flow_evictions,
	};
	if (!ret)
		ret = report_build(&r, v->by, &in, rows > 1 ? (uint32_t)rows : 1);
	if (!ret) {
		strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
		fprintf(out, "juris top  %s  %s  by %s, sort %s  (q quit, b bytes, p packets, "
			"v view)\n", when, juris_daemon_alive(o->policy.pin_dir) ? "daemon running" :
			"no daemon", report_by_name(v->by), v->sort);
		totals_lines(out, st);
		ret = report_print_table(out, &r, v->width);
		report_free(&r);
	}
	juris_maps_close(&m);
	free(flows);
	free(st);
	return ret;
}

/* Prints at most width columns of line: UTF-8 continuation bytes ("…")
 * take no column of their own. */
static void put_cut(const char *line, int width)
{
	int cols = 0;
	const char *p = line;

	for (; *p; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80 && ++cols > width)
			break;
	}
	fwrite(line, 1, (size_t)(p - line), stdout);
}

/* Draws a frame at the top left of the screen, each line cut to the width
 * and cleared to its end, so that nothing of the previous frame remains. */
static int draw(const struct juris_opts *o, const struct top_view *v)
{
	char *buf = NULL, *line, *end;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	int ret, n = 0;

	if (!mem)
		return -ENOMEM;
	ret = frame(mem, o, v);
	fclose(mem);
	if (!ret) {
		fputs("\033[H", stdout);
		for (line = buf; *line && n < v->height; line = end + 1, n++) {
			end = strchr(line, '\n');
			if (!end)
				end = line + strlen(line) - 1;
			else
				*end = 0;
			fputs(n ? "\033[K\n" : "", stdout);
			put_cut(line, v->width);
		}
		fputs("\033[K\033[J", stdout);
		fflush(stdout);
	}
	free(buf);
	return ret;
}

static int next_view(int by)
{
	static const int order[] = { BY_FLOW, BY_COUNTRY, BY_PROCESS, BY_CGROUP, BY_OPERATOR, BY_ZONE };
	size_t n = sizeof(order) / sizeof(order[0]);

	for (size_t i = 0; i < n; i++)
		if (order[i] == by)
			return order[(i + 1) % n];
	return BY_FLOW;
}

static int live(const struct juris_opts *o, struct top_view *v, volatile sig_atomic_t *exiting)
{
	struct termios saved, raw;
	int ret = 0;

	if (tcgetattr(STDIN_FILENO, &saved))
		return -errno;
	raw = saved;
	/* Keys without Enter and without echo; output processing stays on. */
	raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	fputs("\033[?1049h\033[?25l", stdout);		/* alternate screen, no cursor */
	while (!*exiting) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		char key;

		window_size(v);
		ret = draw(o, v);
		if (ret)
			break;
		if (poll(&p, 1, REFRESH_MS) <= 0 || read(STDIN_FILENO, &key, 1) != 1)
			continue;
		if (key == 'q' || key == 'Q')
			break;
		if (key == 'b')
			v->sort = "bytes";
		else if (key == 'p')
			v->sort = "packets";
		else if (key == 'v')
			v->by = next_view(v->by);
	}
	fputs("\033[?25h\033[?1049l", stdout);
	fflush(stdout);
	tcsetattr(STDIN_FILENO, TCSANOW, &saved);
	return ret;
}

int cmd_top(const struct juris_opts *o, volatile sig_atomic_t *exiting)
{
	struct top_view v = { .by = o->report_by == BY_ZONE ? BY_FLOW : o->report_by,
			      .sort = "bytes" };
	struct operator_table ops = { 0 };
	struct juris_maps m;
	char err[512];
	int ret = juris_open_pinned(o->policy.pin_dir, &m);

	if (ret) {
		fprintf(stderr, "juris: nothing to show (%s at %s)\n",
			ret == -ENOENT ? "nothing pinned" : strerror(-ret), o->policy.pin_dir);
		return ret;
	}
	juris_maps_close(&m);
	/* Names only: an invalid --operator was refused when juris run started. */
	if (!overlay_operators(&o->policy, &ops, err, sizeof(err)))
		v.ops = &ops;
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
		ret = live(o, &v, exiting);
	else {
		/* A pipe or a file gets one frame, 80 columns, every row. */
		v.width = 80;
		v.height = 1 << 20;
		ret = frame(stdout, o, &v);
	}
	if (ret)
		fprintf(stderr, "juris: cannot read the state pinned at %s: %s\n", o->policy.pin_dir,
			pins_strerror(ret));
	operator_table_free(&ops);
	return ret;
}
