/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Prometheus exposition of juris's counters: exact totals as counters, the
 * flow table's per-country view as gauges (an LRU forgets, so those can go
 * down), and the state of the database and the policy. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "daemon/metrics.h"
#include "policy/names.h"
#include "report/report_names.h"

static void header(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Label values escaped as the format asks: backslash, quote, newline. */
static void label_value(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', out);
		if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

static void totals_metric(FILE *out, const struct juris_stats *st, const char *name,
			  const char *help, size_t field)
{
	header(out, name, "counter", help);
	for (int z = 0; z < ZONE_MAX; z++)
		for (int v = 0; v < VERDICT_MAX; v++) {
			const __u64 *t = (const __u64 *)&st->totals[TOTALS_INDEX(z, v)];

			fprintf(out, "%s{zone=\"%s\",verdict=\"%s\"} %llu\n", name, zone_name(z),
				verdict_name(v), (unsigned long long)t[field]);
		}
}

static int col_of(const struct report *r, const char *name)
{
	for (int c = 0; c < r->n_cols; c++)
		if (!strcmp(r->cols[c].name, name))
			return c;
	return -1;
}

static void country_metric(FILE *out, const struct report *r, const char *name,
			   const char *help, const char *col)
{
	int cc = col_of(r, "country"), zone = col_of(r, "zone"), verdict = col_of(r, "verdict");
	int c = col_of(r, col);

	header(out, name, "gauge", help);
	if (cc < 0 || zone < 0 || verdict < 0 || c < 0)
		return;
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct report_row *row = &r->rows[i];

		fprintf(out, "%s{country=", name);
		label_value(out, row->text[cc][0] ? row->text[cc] : "unknown");
		fputs(",zone=", out);
		label_value(out, row->text[zone]);
		fputs(",verdict=", out);
		label_value(out, row->text[verdict]);
		fprintf(out, "} %" PRIu64 "\n", row->num[c]);
	}
}

/* The operator overlay: listed operators only (bounded by the list). */
static void operator_metric(FILE *out, const struct report *r, const char *name,
			    const char *help, const char *col)
{
	int asn = col_of(r, "asn"), home = col_of(r, "operator_country");
	int foreign = col_of(r, "foreign"), cc = col_of(r, "country");
	int verdict = col_of(r, "verdict"), c = col_of(r, col);

	header(out, name, "gauge", help);
	if (asn < 0 || home < 0 || foreign < 0 || cc < 0 || verdict < 0 || c < 0)
		return;
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct report_row *row = &r->rows[i];

		if (!row->num[asn])
			continue;
		fprintf(out, "%s{asn=\"%" PRIu64 "\",operator_country=", name, row->num[asn]);
		label_value(out, row->text[home][0] ? row->text[home] : "unknown");
		fprintf(out, ",foreign=\"%s\",country=",
			strcmp(row->text[foreign], "yes") ? "false" : "true");
		label_value(out, row->text[cc][0] ? row->text[cc] : "unknown");
		fputs(",verdict=", out);
		label_value(out, row->text[verdict]);
		fprintf(out, "} %" PRIu64 "\n", row->num[c]);
	}
}

static void single(FILE *out, const char *name, const char *type, const char *help,
		   unsigned long long v)
{
	header(out, name, type, help);
	fprintf(out, "%s %llu\n", name, v);
}

int metrics_render(FILE *out, const struct metrics_input *in)
{
	const struct juris_stats *st = in->stats;
	const __u64 *cnt = st->counters;
	int64_t age = in->now - (int64_t)in->cfg->db_build_epoch;

	totals_metric(out, st, "juris_packets_total",
		      "Egress packets by destination zone and verdict (exact).",
		      offsetof(struct juris_totals, packets) / sizeof(__u64));
	totals_metric(out, st, "juris_bytes_total",
		      "Egress bytes by destination zone and verdict (exact).",
		      offsetof(struct juris_totals, bytes) / sizeof(__u64));
	totals_metric(out, st, "juris_flows_total",
		      "New flows by destination zone and verdict (exact).",
		      offsetof(struct juris_totals, flows) / sizeof(__u64));
	if (in->by_country) {
		country_metric(out, in->by_country, "juris_flow_table_country_bytes",
			       "Bytes of the flows still in the flow table, by destination country.",
			       "bytes");
		country_metric(out, in->by_country, "juris_flow_table_country_packets",
			       "Packets of the flows still in the flow table, by destination country.",
			       "packets");
		country_metric(out, in->by_country, "juris_flow_table_country_flows",
			       "Flows still in the flow table, by destination country.", "flows");
	}
	if (in->by_operator) {
		operator_metric(out, in->by_operator, "juris_flow_table_operator_bytes",
				"Bytes of the flows still in the flow table to listed operators, "
				"by AS, operator's home and destination country.", "bytes");
		operator_metric(out, in->by_operator, "juris_flow_table_operator_flows",
				"Flows still in the flow table to listed operators, by AS, "
				"operator's home and destination country.", "flows");
	}
	single(out, "juris_flow_table_entries", "gauge", "Flows in the flow table.",
	       st->flows_in_table);
	single(out, "juris_flow_table_size", "gauge", "Capacity of the flow table.",
	       st->flow_table_size);
	single(out, "juris_flow_evictions_total", "counter",
	       "Flows evicted from the full flow table (still in the totals).",
	       st->flow_evictions);
	single(out, "juris_flow_insert_failures_total", "counter",
	       "Flows the flow table refused (still in the totals).", cnt[CNT_FLOW_INSERT_FAIL]);
	single(out, "juris_ringbuf_drops_total", "counter",
	       "Events lost because the ring buffer was full.", cnt[CNT_RINGBUF_DROPS]);
	header(out, "juris_blocked_total", "counter",
	       "Refused by enforce mode: connect() and sendmsg() calls, dropped packets.");
	fprintf(out, "juris_blocked_total{what=\"connect\"} %llu\n",
		(unsigned long long)cnt[CNT_CONNECT_BLOCKED]);
	fprintf(out, "juris_blocked_total{what=\"sendmsg\"} %llu\n",
		(unsigned long long)cnt[CNT_SENDMSG_BLOCKED]);
	fprintf(out, "juris_blocked_total{what=\"packet\"} %llu\n",
		(unsigned long long)cnt[CNT_PACKETS_BLOCKED]);
	/* Counts only: a label per DNS name would make series without bound. */
	header(out, "juris_dns_answers_total", "counter",
	       "DNS answers to the watched processes, by what became of them.");
	fprintf(out, "juris_dns_answers_total{outcome=\"read\"} %llu\n",
		(unsigned long long)cnt[CNT_DNS_ANSWERS]);
	fprintf(out, "juris_dns_answers_total{outcome=\"malformed\"} %llu\n",
		(unsigned long long)cnt[CNT_DNS_MALFORMED]);
	fprintf(out, "juris_dns_answers_total{outcome=\"dropped\"} %llu\n",
		(unsigned long long)cnt[CNT_DNS_RINGBUF_DROPS]);
	single(out, "juris_dns_except_added_total", "counter",
	       "Addresses allowed by --except-domain, one per answer record.",
	       cnt[CNT_DNS_EXCEPT_ADDED]);
	single(out, "juris_database_build_timestamp_seconds", "gauge",
	       "Build time of the geo database in force.", in->cfg->db_build_epoch);
	header(out, "juris_database_age_seconds", "gauge", "Age of the geo database in force.");
	fprintf(out, "juris_database_age_seconds %lld\n", (long long)(age > 0 ? age : 0));
	header(out, "juris_policy_info", "gauge", "The policy in force (always 1).");
	fprintf(out, "juris_policy_info{mode=\"%s\",allow=\"%s\",unknown=\"%s\","
		"foreign_operator=\"%s\",operator_overlay=\"%s\"} 1\n",
		mode_name(in->cfg->mode), zone_name(in->cfg->allow_zone),
		in->cfg->unknown_deny ? "deny" : "allow", foreign_op_name(in->cfg->foreign_op),
		in->cfg->overlay ? "on" : "off");
	single(out, "juris_policy_generation", "gauge",
	       "Generation of the policy in force: one more at each reload.", in->cfg->generation);
	single(out, "juris_slot_missing_total", "counter",
	       "Packets judged outside the policy because a table was missing mid-switch.",
	       cnt[CNT_SLOT_MISSING]);
	header(out, "juris_build_info", "gauge", "Version of juris (always 1).");
	fputs("juris_build_info{version=", out);
	label_value(out, in->version);
	fputs("} 1\n", out);
	return ferror(out) ? -EIO : 0;
}
