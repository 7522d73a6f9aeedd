/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Prometheus exposition of juris's counters: exact totals by zone, country
 * and operator as counters, the flow table's fill, and the state of the
 * database and the policy. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "daemon/metrics.h"
#include "kernel/meta.h"
#include "policy/locdb.h"
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

/* By destination country: at most COUNTRY_IDS x verdicts series, a few
 * hundred in practice (the countries that were sent to). A destination
 * without a country has country="" (the label absent), its zone local or
 * unknown. */
static void country_metric(FILE *out, const struct report *r, const char *name, const char *help,
			   const char *col)
{
	int cc = col_of(r, "country"), zone = col_of(r, "zone"), verdict = col_of(r, "verdict");
	int c = col_of(r, col);

	header(out, name, "counter", help);
	if (cc < 0 || zone < 0 || verdict < 0 || c < 0)
		return;
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct report_row *row = &r->rows[i];

		fprintf(out, "%s{country=", name);
		label_value(out, row->text[cc]);
		fputs(",zone=", out);
		label_value(out, row->text[zone]);
		fputs(",verdict=", out);
		label_value(out, row->text[verdict]);
		fprintf(out, "} %" PRIu64 "\n", row->num[c]);
	}
}

/* By listed operator: bounded by the operator list (OPER_IDS), one series
 * per AS and verdict. operator and operator_country follow from asn, so
 * they add no series; the destination country is not a label (operators
 * x countries would multiply the series, and the kernel does not count
 * that product). asn="0" counts the destinations of no listed operator
 * (operator="other listed operators" those beyond the table). */
static void operator_metric(FILE *out, const struct juris_exact *x, const char *name,
			    const char *help, size_t field)
{
	header(out, name, "counter", help);
	for (unsigned o = 0; o < OPER_IDS; o++)
		for (int v = 0; v < VERDICT_MAX; v++) {
			const __u64 *t = (const __u64 *)&x->oper[o][v];
			const struct oper_ident *id = &x->idents[o];
			bool listed = o != 0 && id->asn;
			char name_buf[OPER_IDENT_NAME + 1];

			if (!x->oper[o][v].packets && !x->oper[o][v].flows)
				continue;
			snprintf(name_buf, sizeof(name_buf), "%.*s", OPER_IDENT_NAME, id->name);
			fprintf(out, "%s{asn=\"%u\",operator=", name, listed ? id->asn : 0);
			label_value(out, listed ? name_buf : o ? "other listed operators" : "");
			fputs(",operator_country=", out);
			label_value(out,
				    listed ? (char[3]){ id->home_cc[0], id->home_cc[1], 0 } : "");
			fprintf(out, ",foreign=\"%s\",verdict=\"%s\"} %llu\n",
				!listed	      ? ""
				: id->foreign ? "true"
					      : "false",
				verdict_name(v), (unsigned long long)t[field]);
		}
}

static void single(FILE *out, const char *name, const char *type, const char *help,
		   unsigned long long v)
{
	header(out, name, type, help);
	fprintf(out, "%s %llu\n", name, v);
}

/* Where the answers come from: the file, its vendor and type, its
 * signature, and what the daemon did with the files renamed over it. */
static void database_metrics(FILE *out, const struct juris_meta *m)
{
	header(out, "juris_database_info", "gauge",
	       "The geo database in force (always 1): path, vendor, type, licence, signature.");
	fputs("juris_database_info{path=", out);
	label_value(out, m->db_path);
	fputs(",vendor=", out);
	label_value(out, m->db_vendor);
	fputs(",type=", out);
	label_value(out, m->db_libloc ? "libloc" : "mmdb");
	fputs(",license=", out);
	label_value(out, m->db_license);
	fputs(",signature=", out);
	label_value(out, m->db_sig == LOCDB_SIG_GOOD	 ? "good"
			 : m->db_sig == LOCDB_SIG_BAD	 ? "bad"
			 : m->db_sig == LOCDB_SIG_NO_KEY ? "no_key"
							 : "not_checked");
	fputs("} 1\n", out);
	single(out, "juris_database_networks", "gauge",
	       "Networks read from the geo database in force.", m->db_networks);
	single(out, "juris_database_follow_switches_total", "counter",
	       "Newer databases the daemon switched to by itself (follow-db).", m->follow_switches);
	single(out, "juris_database_follow_refusals_total", "counter",
	       "Database files renamed over the one in force and refused (corrupt, older, "
	       "cut short or badly signed); the one in force stayed.",
	       m->follow_refusals);
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
		country_metric(out, in->by_country, "juris_country_bytes_total",
			       "Egress bytes by destination country, zone and verdict (exact).",
			       "bytes");
		country_metric(out, in->by_country, "juris_country_packets_total",
			       "Egress packets by destination country, zone and verdict (exact).",
			       "packets");
		country_metric(out, in->by_country, "juris_country_flows_total",
			       "New flows by destination country, zone and verdict (exact).",
			       "flows");
	}
	if (in->exact) {
		operator_metric(out, in->exact, "juris_operator_bytes_total",
				"Egress bytes by listed operator (AS) and verdict (exact).",
				offsetof(struct juris_totals, bytes) / sizeof(__u64));
		operator_metric(out, in->exact, "juris_operator_packets_total",
				"Egress packets by listed operator (AS) and verdict (exact).",
				offsetof(struct juris_totals, packets) / sizeof(__u64));
		operator_metric(out, in->exact, "juris_operator_flows_total",
				"New flows by listed operator (AS) and verdict (exact).",
				offsetof(struct juris_totals, flows) / sizeof(__u64));
	}
	single(out, "juris_flow_table_entries", "gauge", "Flows in the flow table.",
	       st->flows_in_table);
	single(out, "juris_flow_table_size", "gauge", "Capacity of the flow table.",
	       st->flow_table_size);
	single(out, "juris_flow_evictions_total", "counter",
	       "Flows evicted from the full flow table (still in the totals).", st->flow_evictions);
	single(out, "juris_flow_insert_failures_total", "counter",
	       "Flows the flow table refused (still in the totals).", cnt[CNT_FLOW_INSERT_FAIL]);
	single(out, "juris_ringbuf_drops_total", "counter",
	       "Events lost because the ring buffer was full.", cnt[CNT_RINGBUF_DROPS]);
	single(out, "juris_flow_entries_extra_total", "counter",
	       "Flow-table entries made besides new flows: verdict epochs, live sockets' "
	       "entries written again after an eviction.",
	       cnt[CNT_FLOW_ENTRIES_EXTRA]);
	single(out, "juris_not_ip_packets_total", "counter",
	       "Egress packets neither IPv4 nor IPv6, passed without a verdict.", cnt[CNT_NOT_IP]);
	header(out, "juris_blocked_total", "counter",
	       "Refused by enforce mode: connect() and sendmsg() calls, dropped packets, "
	       "dropped forwarded packets (gateway mode).");
	fprintf(out, "juris_blocked_total{what=\"connect\"} %llu\n",
		(unsigned long long)cnt[CNT_CONNECT_BLOCKED]);
	fprintf(out, "juris_blocked_total{what=\"sendmsg\"} %llu\n",
		(unsigned long long)cnt[CNT_SENDMSG_BLOCKED]);
	fprintf(out, "juris_blocked_total{what=\"packet\"} %llu\n",
		(unsigned long long)cnt[CNT_PACKETS_BLOCKED]);
	fprintf(out, "juris_blocked_total{what=\"forwarded\"} %llu\n",
		(unsigned long long)cnt[CNT_GW_PACKETS_BLOCKED]);
	/* Counts only: a label per DNS name would make series without bound. */
	header(out, "juris_dns_answers_total", "counter",
	       "DNS answers to the watched processes, by what became of them.");
	fprintf(out, "juris_dns_answers_total{outcome=\"read\"} %llu\n",
		(unsigned long long)cnt[CNT_DNS_ANSWERS]);
	fprintf(out, "juris_dns_answers_total{outcome=\"malformed\"} %llu\n",
		(unsigned long long)cnt[CNT_DNS_MALFORMED]);
	fprintf(out, "juris_dns_answers_total{outcome=\"dropped\"} %llu\n",
		(unsigned long long)cnt[CNT_DNS_RINGBUF_DROPS]);
	/* Ignored: not an answer to a query a watched socket sent. */
	fprintf(out, "juris_dns_answers_total{outcome=\"unsolicited\"} %llu\n",
		(unsigned long long)cnt[CNT_DNS_UNSOLICITED]);
	fprintf(out, "juris_dns_answers_total{outcome=\"mismatched\"} %llu\n",
		(unsigned long long)cnt[CNT_DNS_MISMATCHED]);
	fprintf(out, "juris_dns_answers_total{outcome=\"midstream\"} %llu\n",
		(unsigned long long)cnt[CNT_DNS_MIDSTREAM]);
	fprintf(out, "juris_dns_answers_total{outcome=\"not_resolver\"} %llu\n",
		(unsigned long long)cnt[CNT_DNS_NOT_RESOLVER]);
	single(out, "juris_dns_off_chain_records_total", "counter",
	       "Answer records off the CNAME chain of the question, ignored.",
	       cnt[CNT_DNS_OFF_CHAIN]);
	single(out, "juris_dns_cache_evictions_total", "counter",
	       "Live DNS names the daemon's full cache forgot.", cnt[CNT_DNS_CACHE_EVICTIONS]);
	single(out, "juris_dns_except_added_total", "counter",
	       "Addresses allowed by --except-domain, one per answer record.",
	       cnt[CNT_DNS_EXCEPT_ADDED]);
	single(out, "juris_database_build_timestamp_seconds", "gauge",
	       "Build time of the geo database in force.", in->cfg->db_build_epoch);
	header(out, "juris_database_age_seconds", "gauge", "Age of the geo database in force.");
	fprintf(out, "juris_database_age_seconds %lld\n", (long long)(age > 0 ? age : 0));
	if (in->meta)
		database_metrics(out, in->meta);
	header(out, "juris_policy_info", "gauge", "The policy in force (always 1).");
	fprintf(out,
		"juris_policy_info{mode=\"%s\",allow=\"%s\",unknown=\"%s\","
		"foreign_operator=\"%s\",operator_overlay=\"%s\"} 1\n",
		mode_name(in->cfg->mode), zone_name(in->cfg->allow_zone),
		in->cfg->unknown_deny ? "deny" : "allow", foreign_op_name(in->cfg->foreign_op),
		in->cfg->overlay ? "on" : "off");
	single(out, "juris_policy_generation", "gauge",
	       "Generation of the policy in force: one more at each reload.", in->cfg->generation);
	single(out, "juris_slot_missing_total", "counter",
	       "Packets judged outside the policy because a table was missing mid-switch.",
	       cnt[CNT_SLOT_MISSING]);
	header(out, "juris_target_attached", "gauge",
	       "1 while a watched cgroup or interface is covered by juris's hooks, else 0.");
	for (int i = 0; i < in->n_targets; i++) {
		fprintf(out, "juris_target_attached{kind=\"%s\",name=", in->targets[i].kind);
		label_value(out, in->targets[i].name);
		fprintf(out, "} %d\n", in->targets[i].attached ? 1 : 0);
	}
	single(out, "juris_reattached_total", "counter",
	       "Hooks attached again on a recreated cgroup (a parent slice removed and made again).",
	       in->reattached);
	single(out, "juris_watch_added_total", "counter",
	       "Cgroups the kernel watched as they were created (restarted units and their children).",
	       cnt[CNT_WATCH_ADDED]);
	single(out, "juris_watch_full_total", "counter",
	       "New watched cgroups the watched map could not take (not enforced).",
	       cnt[CNT_WATCH_FULL]);
	header(out, "juris_gateway_iface_changes_total", "counter",
	       "Gateway mode: inside interfaces attached after start, and gone.");
	fprintf(out, "juris_gateway_iface_changes_total{change=\"attach\"} %llu\n",
		(unsigned long long)in->gw_attaches);
	fprintf(out, "juris_gateway_iface_changes_total{change=\"detach\"} %llu\n",
		(unsigned long long)in->gw_detaches);
	header(out, "juris_gateway_replies_total", "counter",
	       "Gateway mode: answers sent for denied forwarded packets, and ICMP errors "
	       "not sent (rate limit).");
	fprintf(out, "juris_gateway_replies_total{kind=\"tcp_reset\"} %llu\n",
		(unsigned long long)cnt[CNT_GW_RESETS_SENT]);
	fprintf(out, "juris_gateway_replies_total{kind=\"icmp\"} %llu\n",
		(unsigned long long)cnt[CNT_GW_ICMP_SENT]);
	fprintf(out, "juris_gateway_replies_total{kind=\"icmp_rate_limited\"} %llu\n",
		(unsigned long long)cnt[CNT_GW_ICMP_RATE_LIMITED]);
	header(out, "juris_packet_socket_total", "counter",
	       "Packet sockets (AF_PACKET, AF_XDP) of watched processes: opened or sends "
	       "(without the BPF LSM: frames judged by the tc egress backstop), refused or let "
	       "through.");
	fprintf(out, "juris_packet_socket_total{what=\"open\",outcome=\"refused\"} %llu\n",
		(unsigned long long)cnt[CNT_PACKET_SOCKETS_REFUSED]);
	fprintf(out, "juris_packet_socket_total{what=\"open\",outcome=\"allowed\"} %llu\n",
		(unsigned long long)cnt[CNT_PACKET_SOCKETS_SEEN]);
	fprintf(out, "juris_packet_socket_total{what=\"send\",outcome=\"refused\"} %llu\n",
		(unsigned long long)cnt[CNT_PACKET_SENDS_REFUSED]);
	fprintf(out, "juris_packet_socket_total{what=\"send\",outcome=\"allowed\"} %llu\n",
		(unsigned long long)cnt[CNT_PACKET_SENDS_SEEN]);
	single(out, "juris_metrics_walks_total", "counter",
	       "Walks of the pinned maps for /metrics: at most one a second, whatever the scrapes.",
	       (unsigned long long)in->walks);
	header(out, "juris_build_info", "gauge", "Version of juris (always 1).");
	fputs("juris_build_info{version=", out);
	label_value(out, in->version);
	fputs("} 1\n", out);
	return ferror(out) ? -EIO : 0;
}
