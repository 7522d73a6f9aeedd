/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* Unit tests of juris report --format html: the page is well-formed (read
 * back by Python's XML parser, the strictest at hand) and hostile names
 * come out as text, never as markup. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include "kernel/meta.h"
#include "report/report_html.h"
#include "policy/locdb.h"

/* A process name with markup, a control character and a byte that is not
 * UTF-8 (comm is 16 bytes, the NUL included). */
#define HOSTILE_COMM "<i>&\"'</i>\x01\xff"
#define HOSTILE_DB "/tmp/<script>alert(1)</script>&.mmdb"

/* Checks the page with python3: parsed as XML, no script element, the
 * hostile strings back as text, the bars in order of bytes. */
static const char checker[] =
	"import sys, xml.etree.ElementTree as E\n"
	"H = '{http://www.w3.org/1999/xhtml}'\n"
	"S = '{http://www.w3.org/2000/svg}'\n"
	"root = E.parse(sys.argv[1]).getroot()\n"
	"assert not [e for e in root.iter() if e.tag.endswith('script')], 'script element'\n"
	"cells = [''.join(e.itertext()) for e in root.iter(H + 'td')]\n"
	"assert '<i>&\"\\'</i>\\ufffd\\ufffd' in cells, cells\n"
	"codes = [''.join(e.itertext()) for e in root.iter(H + 'code')]\n"
	"assert '/tmp/<script>alert(1)</script>&.mmdb' in codes, codes\n"
	"bars = [(r.get('data-cc'), float(r.get('width'))) for r in root.iter(S + 'rect')]\n"
	"assert [b[0] for b in bars] == ['DE', 'FR', 'US'], bars\n"
	"assert bars[0][1] > bars[1][1] > bars[2][1] > 0, bars\n"
	"assert not [e for e in root.iter() if e.get('href') or e.get('src')], 'external'\n";

static struct flow_entry flow(const char *dst, const char *cc, int zone, int verdict,
			      const char *comm, uint64_t bytes)
{
	struct flow_entry f = {};

	f.k.family = AF_INET;
	f.k.proto = IPPROTO_TCP;
	f.k.dport = htons(443);
	inet_pton(AF_INET, "203.0.113.1", f.k.saddr);
	inet_pton(AF_INET, dst, f.k.daddr);
	f.v.packets = 1;
	f.v.bytes = bytes;
	f.v.pid = 42;
	memcpy(f.v.comm, comm, strnlen(comm, sizeof(f.v.comm)));
	memcpy(f.v.cc, cc, 2);
	f.v.zone = zone;
	f.v.verdict = verdict;
	return f;
}

/* The page of these flows, as report_cmd.c builds it; *len its size. */
static char *page_of(const struct flow_entry *flows, size_t n, size_t *len)
{
	static const enum report_by views[] = { BY_ZONE, BY_COUNTRY, BY_FLOW, BY_PROCESS };
	struct juris_totals totals[TOTALS_MAX] = {};
	struct report_input in = { .totals = totals, .flows = flows, .n_flows = n };
	struct juris_config cfg = { .allow_zone = ZONE_EU,
				    .policy_hash = 0xabcdef,
				    .overlay = 1,
				    .foreign_op = FOREIGN_OP_AUDIT };
	struct juris_meta *meta = calloc(1, sizeof(*meta));
	struct report r[4] = {};
	static const char *const exceptions[] = { "198.51.100.0/24", "*.<gouv>.fr" };
	struct report_page p = {
		.zones = &r[0],
		.countries = &r[1],
		.flows = &r[2],
		.processes = &r[3],
		.cfg = &cfg,
		.meta = meta,
		.top = 25,
		.host = "<host>&",
		.exceptions = exceptions,
		.n_exceptions = 2,
		.table = flows,
		.n_table = n,
	};
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(meta);
	assert_non_null(f);
	strcpy(meta->db_path, HOSTILE_DB);
	strcpy(meta->db_type, "Test-DB");
	strcpy(meta->db_vendor, "<b>vendor</b>");
	strcpy(meta->db_license, "CC BY-SA 4.0");
	meta->db_libloc = 1;
	meta->db_sig = LOCDB_SIG_GOOD;
	meta->follow_refusals = 2;
	strcpy(meta->follow_msg, "database refused: <older>");
	meta->started_realtime = 1700000000;
	for (size_t i = 0; i < n; i++) {
		struct juris_totals *t = &totals[TOTALS_INDEX(flows[i].v.zone, flows[i].v.verdict)];

		t->flows++;
		t->packets += flows[i].v.packets;
		t->bytes += flows[i].v.bytes;
	}
	for (int i = 0; i < 4; i++) {
		r[i].meta.generated = 1700090061;
		r[i].meta.pin_dir = "/sys/fs/bpf/juris";
		assert_int_equal(report_build(&r[i], views[i], &in, 0), 0);
	}
	assert_int_equal(report_print_html(f, &p), 0);
	fclose(f);
	for (int i = 0; i < 4; i++)
		report_free(&r[i]);
	free(meta);
	return buf;
}

static int run_script(const char *script, const char *page, size_t len)
{
	char dir[] = "/tmp/juris-html-XXXXXX", html[64], py[64], cmd[256];
	FILE *f;
	int rc;

	assert_non_null(mkdtemp(dir));
	snprintf(html, sizeof(html), "%s/page.html", dir);
	snprintf(py, sizeof(py), "%s/check.py", dir);
	assert_non_null(f = fopen(html, "w"));
	assert_int_equal(fwrite(page, 1, len, f), len);
	fclose(f);
	assert_non_null(f = fopen(py, "w"));
	fputs(script, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s %s", py, html);
	rc = system(cmd);
	unlink(html);
	unlink(py);
	rmdir(dir);
	return rc;
}

static void test_html_page_parses_as_xml_and_escapes_hostile_names(void **state)
{
	struct flow_entry flows[] = {
		flow("192.0.2.10", "FR", ZONE_FR, VERDICT_ALLOW, "nginx", 9000),
		flow("192.0.2.130", "DE", ZONE_EU, VERDICT_ALLOW, "nginx", 20000),
		flow("192.0.2.241", "US", ZONE_THIRD, VERDICT_WOULD_BLOCK, HOSTILE_COMM, 300),
	};
	size_t len;
	char *page = page_of(flows, 3, &len);

	(void)state;
	assert_null(strstr(page, "<i>"));
	assert_null(strstr(page, "<script"));
	assert_null(strstr(page, "\xff"));
	assert_non_null(strstr(page, "&lt;i&gt;&amp;&quot;&#39;&lt;/i&gt;"));
	assert_non_null(strstr(page, "2023-11-14 22:13:20 UTC to 2023-11-15 23:14:21 UTC"));
	assert_non_null(strstr(page, "(1 d 1 h 1 min)"));
	assert_int_equal(run_script(checker, page, len), 0);
	free(page);
}

static void test_html_says_where_the_answers_come_from_and_credits_it(void **state)
{
	size_t len;
	char *page = page_of(NULL, 0, &len);

	(void)state;
	assert_non_null(strstr(page,
			       "IPFire location database (libloc) by &lt;b&gt;vendor&lt;/b&gt;, "
			       "licence CC BY-SA 4.0; signature good"));
	assert_non_null(strstr(page, "IPFire Location Database, IPFire Project, CC BY-SA 4.0"));
	assert_non_null(strstr(page, "0 followed, 2 refused"));
	assert_non_null(strstr(page, "database refused: &lt;older&gt;"));
	assert_null(strstr(page, "<b>vendor")); /* the hostile name, never raw */
	free(page);
}
/* The page parses as XML. */
static const char parses[] = "import sys, xml.etree.ElementTree as E\n"
			     "E.parse(sys.argv[1])\n";

static void test_html_tables_show_only_what_is_outside_the_policy(void **state)
{
	struct flow_entry flows[] = {
		flow("192.0.2.10", "FR", ZONE_FR, VERDICT_ALLOW, "allowedcmd", 9000),
	};
	size_t len;
	char *page = page_of(flows, 1, &len);

	(void)state;
	assert_null(strstr(page, "allowedcmd"));
	assert_non_null(strstr(page, "None: every flow is within the policy."));
	assert_non_null(strstr(page, "None: every process kept within the policy."));
	assert_non_null(strstr(page, "data-cc=\"FR\""));
	free(page);
}

/* The foreign-operator section: located FR, operated from US, with the
 * flow table's sums and the processes; why FR is marked; the summary. */
static void test_html_names_destinations_operated_from_outside_the_allowed_zone(void **state)
{
	struct flow_entry flows[] = {
		flow("192.0.2.10", "FR", ZONE_FR, VERDICT_WOULD_BLOCK, HOSTILE_COMM, 3000),
		flow("192.0.2.11", "FR", ZONE_FR, VERDICT_WOULD_BLOCK, "curl", 2000),
		flow("192.0.2.12", "FR", ZONE_FR, VERDICT_ALLOW, "nginx", 700),
		flow("192.0.2.241", "US", ZONE_THIRD, VERDICT_WOULD_BLOCK, "curl", 300),
	};
	size_t len;
	char *page;

	(void)state;
	for (int i = 0; i < 2; i++) {
		flows[i].v.flags = GEO_F_FOREIGN_OP;
		flows[i].v.asn = 16509;
		memcpy(flows[i].v.op_cc, "US", 2);
	}
	flows[1].v.pid = 43;
	/* A third-country destination run by a listed operator is judged by
	 * its location: not part of the section. */
	flows[3].v.flags = GEO_F_FOREIGN_OP;
	flows[3].v.asn = 16509;
	memcpy(flows[3].v.op_cc, "US", 2);
	page = page_of(flows, 4, &len);
	assert_non_null(strstr(page,
			       "<tr data-asn=\"16509\" data-cc=\"FR\" data-home=\"US\" "
			       "data-bytes=\"5000\" data-flows=\"2\"><td>located FR, operated "
			       "from US (AS16509)</td>"));
	assert_non_null(strstr(
		page,
		"&lt;i&gt;&amp;&quot;&#39;&lt;/i&gt;\xef\xbf\xbd\xef\xbf\xbd (pid 42), curl (pid 43)</td>"));
	assert_non_null(strstr(page, "<li>FR: run by an operator controlled from outside the "
				     "allowed zone (AS16509 , from US)"));
	assert_non_null(
		strstr(page, "<li>US: outside the allowed zone (zone third; allowed up to eu)"));
	assert_non_null(
		strstr(page, "4.9 KiB in 2 flows went to servers located in the allowed zone"));
	assert_non_null(strstr(page, "Egress by jurisdiction: &lt;host&gt;&amp;</h1>"));
	assert_non_null(strstr(page, "<code>*.&lt;gouv&gt;.fr</code>"));
	assert_int_equal(run_script(parses, page, len), 0);
	free(page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_page_parses_as_xml_and_escapes_hostile_names),
		cmocka_unit_test(test_html_tables_show_only_what_is_outside_the_policy),
		cmocka_unit_test(test_html_says_where_the_answers_come_from_and_credits_it),
		cmocka_unit_test(
			test_html_names_destinations_operated_from_outside_the_allowed_zone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
