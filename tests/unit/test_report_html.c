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
	struct juris_config cfg = { .allow_zone = ZONE_EU, .policy_hash = 0xabcdef };
	struct juris_meta *meta = calloc(1, sizeof(*meta));
	struct report r[4] = {};
	struct report_page p = { &r[0], &r[1], &r[2], &r[3], &cfg, meta, 25 };
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(meta);
	assert_non_null(f);
	strcpy(meta->db_path, HOSTILE_DB);
	strcpy(meta->db_type, "Test-DB");
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

static int run_checker(const char *page, size_t len)
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
	fputs(checker, f);
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
	assert_int_equal(run_checker(page, len), 0);
	free(page);
}

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_page_parses_as_xml_and_escapes_hostile_names),
		cmocka_unit_test(test_html_tables_show_only_what_is_outside_the_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
