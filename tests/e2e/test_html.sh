#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end: juris report --format html of a real juris run is well-formed
# (Python's XML and HTML parsers), escapes a hostile process name, and
# renders in headless Chromium, offline, with the chart's bars where the
# bytes say.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"

BAR_COLOUR=c0187a	# the bars' colour alone, in user/report/report_html.c

# some_traffic: as in test_report.sh: France most bytes, then the United
# States, then Germany.
some_traffic() {
	udp_is "$FR4" OK 500 10 && udp_is "$THIRD4" OK 200 5 && connect_is "$THIRD4" OK &&
	udp_is "$EU4" OK 1000 1
}

# page FILE: writes the report page of this test's pins to FILE.
page() {
	"$JURIS" report --pin-dir "$TEST_PIN" --format html > "$1" ||
		fail "juris report --format html failed"
}

# xhtml_get PY_EXPR FILE [ARG...]: the value of PY_EXPR over the page parsed
# as XML (root; H and S the XHTML and SVG namespaces in ElementTree form).
xhtml_get() {
	$PY -c '
import json, sys, xml.etree.ElementTree as E
root = E.parse(sys.argv[2]).getroot()
H, S = "{http://www.w3.org/1999/xhtml}", "{http://www.w3.org/2000/svg}"
text = lambda e: "".join(e.itertext())
v = eval("(" + sys.argv[1] + ")", {"root": root, "H": H, "S": S, "text": text, "a": sys.argv[3:]})
print(json.dumps(v, sort_keys=True) if isinstance(v, (bool, dict, list)) or v is None else v)
' "$@"
}

test_html_report_is_well_formed_and_self_contained() {
	local p=$TEST_TMP/page.html j
	topology && juris_start --mode audit && some_traffic && page "$p" || return 1
	echo "page: $(stat -c %s "$p") bytes"
	# html.parser is lenient: it proves the tags balance, as a browser reads them.
	assert_ok $PY -c '
import sys
from html.parser import HTMLParser
VOID = {"meta", "br", "img", "hr", "input", "link"}
class P(HTMLParser):
    stack = []
    def handle_starttag(self, t, a):
        if t not in VOID: self.stack.append(t)
    def handle_startendtag(self, t, a): pass
    def handle_endtag(self, t):
        assert self.stack.pop() == t, t
p = P(); p.feed(open(sys.argv[1]).read()); p.close()
assert not p.stack, p.stack
' "$p" &&
	assert_eq "$(xhtml_get '[e.tag for e in root.iter() if e.tag.split("}")[1] in
		("script", "link", "img", "iframe", "object")] +
		[k for e in root.iter() for k in e.attrib if k in ("src", "href")]' "$p")" '[]' \
		"scripts and external resources" &&
	j=$("$JURIS" report --pin-dir "$TEST_PIN" --by zone --format json) &&
	assert_eq "$(xhtml_get 'sum(int(text(r.findall(H + "td")[3])) for t in
		root.iter(H + "table") if text(t.find(H + "tr")).startswith("zone")
		for r in t.findall(H + "tr")[1:] if text(r.find(H + "td")) == "fr")' "$p")" \
		"$(json_get 'sum(r["packets"] for r in d["rows"] if r["zone"] == "fr")' <<< "$j")" \
		"fr packets (page vs report --format json)" &&
	assert_contains "$(xhtml_get 'text(root)' "$p")" "Modeaudit" "the mode in force" &&
	assert_contains "$(xhtml_get 'text(root)' "$p")" "test-country.mmdb" "the database" &&
	assert_contains "$(xhtml_get '[text(e) for e in root.iter(H + "dd")][0]' "$p")" " to " \
		"the period"
}

ASN_DB=$JURIS_TESTDATA/test-asn.mmdb

# The test ASN database puts FR4 (located FR) under AS16509 Amazon (US): with
# --allow eu, "located FR, operated from US". The page must name it with the
# flow table's figures and the process that sent to it, say why FR is marked
# outside the policy, name the host, the watched cgroup and the exceptions.
test_html_report_shows_destinations_run_from_outside_the_allowed_zone() {
	local p=$TEST_TMP/page.html j row
	topology && juris_start --mode enforce --asn-db "$ASN_DB" --except 198.51.100.0/24 || return 1
	udp_is "$FR4" OK 700 6 && connect_is "$FR4" OK && udp_is "$EU4" OK 300 2 &&
	connect_is "$THIRD4" EPERM && page "$p" || return 1
	# The exposure rows come from the flow table, by operator and located
	# country: the sum of report --by flow's rows is theirs.
	j=$("$JURIS" report --pin-dir "$TEST_PIN" --by flow --format json) || return 1
	row=$(json_get '(lambda f: [sum(r["bytes"] for r in f), len(f)])([r for r in d["rows"] if r["asn"] == 16509 and r["country"] == "FR"])' <<< "$j")
	echo "report --by flow, AS16509 located FR: $row"
	assert_eq "$(xhtml_get '[[int(r.get("data-bytes")), int(r.get("data-flows"))] for r in root.iter(H + "tr") if r.get("data-asn") == "16509" and r.get("data-cc") == "FR"][0]' "$p")" \
		"$row" "bytes and flows of the exposure row (page vs report --by flow)" &&
	assert_num "$(json_get '[r["bytes"] for r in d["rows"] if r["asn"] == 16509][0]' <<< "$j")" \
		">=" 4200 "bytes to AS16509 (6 datagrams of 700 bytes and more)" &&
	assert_eq "$(xhtml_get '[text(r.findall(H + "td")[0]) for r in root.iter(H + "tr") if r.get("data-asn") == "16509"][0]' "$p")" \
		"located FR, operated from US (AS16509 Amazon)" "the exposure row's words" &&
	assert_match "$(xhtml_get '[text(r.findall(H + "td")[3]) for r in root.iter(H + "tr") if r.get("data-asn") == "16509"][0]' "$p")" \
		'^python3 \(pid [0-9]+\)' "the processes of the exposure row" &&
	assert_eq "$(xhtml_get '[r.get("data-asn") for r in root.iter(H + "tr") if r.get("data-asn")]' "$p")" \
		'["16509"]' "exposure rows (OVHcloud, AS16276, is not foreign)" &&
	assert_contains "$(xhtml_get 'text([e for e in root.iter(H + "p") if e.get("id") == "summary"][0])' "$p")" \
		"located FR, operated from US (AS16509 Amazon)" "the summary names the exposure" &&
	assert_contains "$(xhtml_get 'text([e for e in root.iter(H + "p") if e.get("id") == "summary"][0])' "$p")" \
		"$(hostname)" "the summary names the host" &&
	assert_contains "$(xhtml_get 'text(root.find(H + "body/" + H + "h1"))' "$p")" "$(hostname)" "the title names the host" &&
	assert_contains "$(xhtml_get 'text([e for e in root.iter(H + "ul") if e.get("id") == "reasons"][0])' "$p")" \
		"FR: run by an operator controlled from outside the allowed zone (AS16509 Amazon, from US)" \
		"why FR is marked" &&
	assert_contains "$(xhtml_get 'text([e for e in root.iter(H + "ul") if e.get("id") == "reasons"][0])' "$p")" \
		"US: outside the allowed zone (zone third; allowed up to eu)" "why US is marked" &&
	assert_contains "$(xhtml_get 'text(root)' "$p")" "Watchedthe processes of 1 cgroup: $TEST_CG" \
		"the watched cgroup" &&
	assert_contains "$(xhtml_get 'text(root)' "$p")" "Exceptions198.51.100.0/24" "the exceptions" &&
	assert_contains "$(xhtml_get 'text(root)' "$p")" "test-country.mmdb. Built on " \
		"the database in words" &&
	assert_eq "$(xhtml_get '[text(r.findall(H + "td")[1]) for r in root.iter(H + "tr") if len(r.findall(H + "td")) > 3 and text(r.findall(H + "td")[2]) == a[0]][0]' "$p" "$THIRD4")" \
		"" "the source of the refused connect (empty, not 0.0.0.0)"
}

test_html_report_escapes_a_hostile_process_name() {
	local p=$TEST_TMP/page.html name='<i>&'"'"'"x' out
	topology && juris_start --mode audit || return 1
	# comm is the name the program was run by: a link to python3.
	ln -s "$PY" "$TEST_TMP/$name" &&
	out=$(in_cg_ns client "$TEST_TMP/$name" "$E2E_DIR/client.py" udp "$THIRD4" "$PORT" 100 1) &&
	assert_match "$out" '^OK ' "UDP from $name" && page "$p" || return 1
	assert_eq "$(grep -c '<i>' "$p")" 0 "raw markup from the process name" &&
	assert_eq "$(xhtml_get 'a[0] in [text(e) for e in root.iter(H + "td")]' "$p" "$name")" \
		true "the name, as text, in a table cell"
}

test_html_report_renders_the_chart_in_headless_chromium() {
	local p=$TEST_TMP/page.html png=$TEST_TMP/page.png t0 ms bars top
	require_cmd chromium || return 1
	# With the operator overlay: the page has every section.
	topology && juris_start --mode audit --asn-db "$ASN_DB" && some_traffic && page "$p" ||
		return 1
	assert_eq "$(xhtml_get 'len([r for r in root.iter(H + "tr") if r.get("data-asn")])' "$p")" 1 \
		"exposure rows on the page rendered" || return 1
	top=$("$JURIS" report --pin-dir "$TEST_PIN" --by country --format json |
		json_get 'sorted({c: sum(r["bytes"] for r in d["rows"] if r["country"] == c)
			for c in {r["country"] for r in d["rows"]}}.items(), key=lambda x: -x[1])[0][0]')
	assert_eq "$(xhtml_get '[r.get("data-cc") for r in root.iter(S + "rect")][0]' "$p")" \
		"$top" "the first bar's country (most bytes)" || return 1
	# In a namespace of its own with nothing but lo: Chromium cannot reach
	# any network, whatever it tries.
	ns_create offline || return 1
	t0=$(date +%s%N)
	timeout -k 2 20 ip netns exec "$(ns offline)" chromium --headless --no-sandbox \
		--disable-gpu --no-first-run --no-default-browser-check \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-extensions --disable-default-apps --hide-scrollbars \
		--user-data-dir="$TEST_TMP/chromium" --window-size=1000,1400 \
		--screenshot="$png" "file://$p" > "$TEST_TMP/chromium.log" 2>&1
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "chromium: ${ms} ms"
	[ -s "$png" ] || { sed 's/^/  chromium: /' "$TEST_TMP/chromium.log" | tail -5 >&2
		fail "no screenshot"; return 1; }
	bars=$($PY "$E2E_DIR/png_bars.py" "$png" "$BAR_COLOUR") || fail "cannot read $png" ||
		return 1
	echo "bars (px):" $bars
	assert_eq "$(wc -l <<< "$bars")" 3 "bars on the screenshot (FR, US, DE)" &&
	assert_eq "$(sort -n <<< "$bars" | tail -n 1)" "$(head -n 1 <<< "$bars")" \
		"the top bar (most bytes) is the longest" &&
	assert_num "$(head -n 1 <<< "$bars")" ">" "$(sed -n 2p <<< "$bars")" \
		"the first bar longer than the second" &&
	assert_num "$(head -n 1 <<< "$bars")" ">=" 470 "the longest bar's width"
}

run_tests
