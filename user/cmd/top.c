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
#include "base/text_escape.h"
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
#define HEAD_LINES 4 /* title, zones, outside the policy, blank */
#define FOOT_LINES 3 /* table header, "top N of M", flow-table line */

struct top_view {
	int by;		  /* enum report_by */
	const char *sort; /* "bytes" or "packets" */
	int width, height;
	const struct operator_table *ops; /* AS names, read once (NULL: numbers) */
	/* The totals of the previous reading, for the rates. */
	struct juris_totals prev[TOTALS_MAX];
	double prev_at; /* CLOCK_MONOTONIC seconds; 0: no reading yet */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "1.5 KiB/s": bytes per second over the last interval. */
static const char *rate(uint64_t now, uint64_t before, double secs, char *buf, size_t len)
{
	char human[32];
	uint64_t per_s = secs > 0 && now >= before ? (uint64_t)((double)(now - before) / secs) : 0;

	snprintf(buf, len, "%s/s", report_human_bytes(per_s, human, sizeof(human)));
	return buf;
}

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

/* The zones that saw traffic, and what left the policy, on two lines;
 * with a previous reading, the rate of each since (bytes per second). */
static void totals_lines(FILE *out, const struct juris_stats *st, struct top_view *v)
{
	uint64_t out_flows = 0, out_bytes = 0, out_before = 0;
	double at = now_s(), secs = v->prev_at ? at - v->prev_at : 0;
	char b[32], r[40];
	int shown = 0;

	fputs("zones:", out);
	for (int z = 0; z < ZONE_MAX; z++) {
		uint64_t bytes = 0, packets = 0, before = 0;

		for (int vd = 0; vd < VERDICT_MAX; vd++) {
			const struct juris_totals *t = &st->totals[TOTALS_INDEX(z, vd)];

			bytes += t->bytes;
			packets += t->packets;
			before += v->prev[TOTALS_INDEX(z, vd)].bytes;
			if (vd != VERDICT_ALLOW) {
				out_flows += t->flows;
				out_bytes += t->bytes;
				out_before += v->prev[TOTALS_INDEX(z, vd)].bytes;
			}
		}
		if (packets)
			fprintf(out, "%s %s %s%s%s%s", shown++ ? "," : "", zone_name(z),
				report_human_bytes(bytes, b, sizeof(b)), secs ? " (" : "",
				secs ? rate(bytes, before, secs, r, sizeof(r)) : "",
				secs ? ")" : "");
	}
	fprintf(out, "\noutside the policy: %llu flows, %s%s%s\n\n", (unsigned long long)out_flows,
		report_human_bytes(out_bytes, b, sizeof(b)), secs ? ", now " : "",
		secs ? rate(out_bytes, out_before, secs, r, sizeof(r)) : "");
	memcpy(v->prev, st->totals, sizeof(v->prev));
	v->prev_at = at;
}

/* A first reading of the totals, so that the first frame has rates. */
static void first_reading(const struct juris_opts *o, struct top_view *v)
{
	struct juris_stats *st = calloc(1, sizeof(*st));
	struct juris_maps m;

	if (st && !juris_open_pinned(o->policy.pin_dir, &m)) {
		if (!stats_read(&m, st)) {
			memcpy(v->prev, st->totals, sizeof(v->prev));
			v->prev_at = now_s();
		}
		juris_maps_close(&m);
	}
	free(st);
}

/* One frame into out; every line fits v->width but for the table's own. */
static int frame(FILE *out, const struct juris_opts *o, struct top_view *v)
{
	struct juris_stats *st = calloc(1, sizeof(*st));
	struct report_input in = { .cgroup_path = cgroup_path, .sort = v->sort, .ops = v->ops };
	struct flow_entry *flows = NULL;
	struct report r = {};
	struct juris_config cfg;
	struct nat64_list nat64;
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
	if (!juris_read_config(&m, &cfg)) {
		config_get_nat64(&cfg, &nat64);
		in.nat64 = &nat64;
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
		.pin_dir = o->policy.pin_dir,
		.generated = now,
		.flows_in_table = st->flows_in_table,
		.flow_table_size = st->flow_table_size,
		.flow_evictions = st->flow_evictions,
	};
	if (!ret)
		ret = report_build(&r, v->by, &in, rows > 1 ? (uint32_t)rows : 1);
	if (!ret) {
		strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
		fprintf(out,
			"juris top  %s  %s  by %s, sort %s  (q quit, b bytes, p packets, "
			"v view)\n",
			when,
			juris_daemon_alive(o->policy.pin_dir) ? "daemon running" : "no daemon",
			report_by_name(v->by), v->sort);
		totals_lines(out, st, v);
		ret = report_print_table(out, &r, v->width);
		report_free(&r);
	}
	juris_maps_close(&m);
	free(flows);
	free(st);
	return ret;
}

/* Prints at most width columns of line (already escaped by the table
 * printer), counted as the terminal does: wide characters take two. */
static void put_cut(const char *line, int width)
{
	fwrite(line, 1, text_cut(line, width, NULL), stdout);
}

/* Draws a frame at the top left of the screen, each line cut to the width
 * and cleared to its end, so that nothing of the previous frame remains. */
static int draw(const struct juris_opts *o, struct top_view *v)
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
	static const int order[] = { BY_FLOW,	BY_COUNTRY,  BY_PROCESS,
				     BY_CGROUP, BY_OPERATOR, BY_ZONE };
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
	fputs("\033[?1049h\033[?25l", stdout); /* alternate screen, no cursor */
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
	struct top_view v = { .sort = "bytes" };
	struct operator_table ops = { 0 };
	struct juris_maps m;
	char err[512];
	int ret = juris_open_pinned(o->policy.pin_dir, &m);

	v.by = o->report_by == BY_ZONE ? BY_FLOW : o->report_by;
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
		/* A pipe or a file gets one frame, every row, nothing cut
		 * (or $COLUMNS wide), its rates over one refresh interval. */
		struct timespec wait = { REFRESH_MS / 1000, REFRESH_MS % 1000 * 1000000L };

		v.width = report_output_width(STDOUT_FILENO);
		v.height = 1 << 20;
		first_reading(o, &v);
		nanosleep(&wait, NULL);
		ret = frame(stdout, o, &v);
	}
	if (ret)
		fprintf(stderr, "juris: cannot read the state pinned at %s: %s\n",
			o->policy.pin_dir, pins_strerror(ret));
	operator_table_free(&ops);
	return ret;
}
