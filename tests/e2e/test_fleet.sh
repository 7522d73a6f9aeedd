#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Fleet audit: two juris daemons on this machine (two watched cgroups, two
# pin directories, two metrics ports), a real Prometheus scraping both with
# a host label, and juris report --prometheus against it; and the exact
# counters through a flow table that evicts.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"
JT_TIMEOUT=90

free_port() {
	$PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# host_start NAME PORT [RUN OPTIONS...]: juris run for host NAME on its own
# child cgroup of the test cgroup and its own pins, metrics on 127.0.0.1:PORT.
host_start() {
	local name=$1 port=$2 pid
	shift 2
	mkdir -p "$TEST_CG/$name" || return 1
	bg_run "$JURIS" run --pin-dir "$TEST_PIN-$name" --cgroup "$TEST_CG/$name" --db "$TEST_DB" \
		--metrics "127.0.0.1:$port" "$@" >> "$TEST_TMP/juris-$name.log" 2>&1
	pid=$BG_PID
	for _ in $(seq 100); do
		[ "$("$JURIS" status --json --pin-dir "$TEST_PIN-$name" 2>/dev/null |
			json_get 'd.get("daemon_pid")' 2>/dev/null)" = "$pid" ] && return 0
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	sed 's/^/  juris.log: /' "$TEST_TMP/juris-$name.log" >&2
	fail "juris run for $name not ready"
}

# host_udp NAME ADDR SIZE COUNT: datagrams from host NAME's cgroup.
host_udp() {
	(echo $BASHPID > "$TEST_CG/$1/cgroup.procs" &&
		exec ip netns exec "$(ns client)" "$PY" "$E2E_DIR/client.py" udp "$2" "$PORT" "$3" "$4") \
		> /dev/null
}

# host_report NAME ARGS...: juris report of host NAME's own pins.
host_report() {
	local name=$1
	shift
	"$JURIS" report --pin-dir "$TEST_PIN-$name" "$@"
}

# fleet: two hosts alpha and beta with traffic to four zones, and a
# Prometheus scraping both every second; sets PROM (its URL).
fleet() {
	local pa pb pp
	pa=$(free_port) && pb=$(free_port) && pp=$(free_port) || return 1
	require_cmd prometheus || return 1
	topology || return 1
	host_start alpha "$pa" --mode audit && host_start beta "$pb" --mode enforce || return 1
	host_udp alpha "$FR4" 300 5 && host_udp alpha "$THIRD4" 700 3 &&
	host_udp beta "$EU4" 200 4 && host_udp beta "$THIRD4" 500 2 &&
	host_udp beta "$UNKNOWN4" 100 1 && host_udp alpha "$FR6" 150 2 || true
	mkdir -p "$TEST_TMP/prom" && cat > "$TEST_TMP/prom/prometheus.yml" <<YML
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: juris
    static_configs:
      - targets: ["127.0.0.1:$pa"]
        labels: {host: alpha}
      - targets: ["127.0.0.1:$pb"]
        labels: {host: beta}
YML
	bg_run timeout 80 prometheus --config.file="$TEST_TMP/prom/prometheus.yml" \
		--storage.tsdb.path="$TEST_TMP/prom/data" --web.listen-address="127.0.0.1:$pp" \
		> "$TEST_TMP/prom/log" 2>&1
	PROM=http://127.0.0.1:$pp
	wait_until 20 "$PY" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \
		"$PROM/-/ready" || fail "prometheus not ready: $(tail -n 3 "$TEST_TMP/prom/log")"
}

# The rows of a --by country JSON report as {(country, zone, verdict): [flows, packets, bytes]}.
ROWS='{(r["country"], r["zone"], r["verdict"]): [r["flows"], r["packets"], r["bytes"]] for r in d["rows"]}'

# Both hosts' own reports, summed country by country.
summed_hosts() {
	$PY - "$(host_report alpha --by country --format json)" \
		"$(host_report beta --by country --format json)" <<PY
import json, sys
s = {}
for t in sys.argv[1:]:
    d = json.loads(t)
    for k, v in ($ROWS).items():
        s[k] = [a + b for a, b in zip(s.get(k, [0, 0, 0]), v)]
print(json.dumps(sorted([list(k), v] for k, v in s.items())))
PY
}

fleet_rows() {
	"$JURIS" report --prometheus "$PROM" --host-label host --by country --format json |
		json_get "sorted([list(k), v] for k, v in ($ROWS).items())"
}

same_as_hosts() {
	[ "$(fleet_rows)" = "$(summed_hosts)" ]
}

test_fleet_report_by_country_equals_the_sum_of_the_hosts_reports() {
	local want
	fleet || return 1
	# Until Prometheus has scraped both after the traffic.
	wait_until 20 same_as_hosts
	want=$(summed_hosts)
	echo "hosts summed: $want"
	assert_contains "$want" '["US", "third", "block"]' "beta's blocked US datagrams" &&
	assert_contains "$want" '["US", "third", "would_block"]' "alpha's US datagrams" &&
	assert_eq "$(fleet_rows)" "$want" "fleet report --by country vs the two hosts' reports" &&
	assert_eq "$("$JURIS" report --prometheus "$PROM" --host-label host --by host --format csv |
		$PY -c 'import csv, sys; print(sorted({r["host"] for r in csv.DictReader(sys.stdin)}))')" \
		"['alpha', 'beta']" "--by host names both hosts" &&
	assert_eq "$("$JURIS" report --prometheus "$PROM" --host-label host --by zone --format json |
		json_get 'sum(r["packets"] for r in d["rows"])')" \
		"$(($(host_report alpha --format json | json_get 'sum(r["packets"] for r in d["rows"])') +
		    $(host_report beta --format json | json_get 'sum(r["packets"] for r in d["rows"])')))" \
		"--by zone: packets over the fleet" &&
	assert_eq "$("$JURIS" report --prometheus "$PROM" --host-label host --since 1h --by zone \
		--format json | json_get '[d["source"], d["since_seconds"]]')" '["prometheus", 3600]' \
		"--since: increase() over the period"
}

test_fleet_html_is_xhtml_names_both_hosts_and_renders_in_chromium() {
	local p=$TEST_TMP/fleet.html png=$TEST_TMP/fleet.png
	require_cmd chromium || return 1
	fleet || return 1
	wait_until 20 same_as_hosts || fail "prometheus has not scraped the traffic" || return 1
	# increase() counts from a series' first scrape: more traffic now that
	# the series exist, for the --since page to show.
	host_udp alpha "$FR4" 300 5 && host_udp alpha "$THIRD4" 700 3 &&
	host_udp beta "$EU4" 200 4 && host_udp beta "$UNKNOWN4" 100 1 || return 1
	wait_until 20 same_as_hosts || fail "prometheus has not scraped the traffic" || return 1
	"$JURIS" report --prometheus "$PROM" --host-label host --since 3d --format html > "$p" ||
		fail "juris report --format html failed" || return 1
	assert_eq "$($PY - "$p" <<'PY'
import sys, xml.etree.ElementTree as E
root = E.parse(sys.argv[1]).getroot()
S = "{http://www.w3.org/1999/xhtml}"
cells = [t.text for t in root.iter(S + "td")]
print(sorted({c for c in cells if c in ("alpha", "beta")}), len(list(root.iter("{http://www.w3.org/2000/svg}svg"))))
PY
)" "['alpha', 'beta'] 2" "both hosts in the XHTML page, and two SVG charts (countries, days)" || return 1
	ns_create offline || return 1
	timeout -k 2 20 ip netns exec "$(ns offline)" chromium --headless --no-sandbox \
		--disable-gpu --no-first-run --no-default-browser-check \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-extensions --disable-default-apps --hide-scrollbars \
		--user-data-dir="$TEST_TMP/chromium" --window-size=1000,1400 \
		--screenshot="$png" "file://$p" > "$TEST_TMP/chromium.log" 2>&1
	[ -s "$png" ] || fail "no screenshot: $(tail -n 3 "$TEST_TMP/chromium.log")" || return 1
	assert_num "$($PY "$E2E_DIR/png_bars.py" "$png" c0187a | wc -l)" ">=" 3 \
		"country bars on the screenshot (FR, US, DE, none)"
}

test_fleet_report_with_a_dead_prometheus_is_a_one_line_error() {
	require_juris || return 1
	expect_one_line_error "connect" "$JURIS" report --prometheus "http://127.0.0.1:$(free_port)" --by country
}

test_exact_counters_stay_exact_when_the_flow_table_evicts() {
	local out
	topology && juris_start --mode audit --flow-table 1024 || return 1
	# 3000 distinct flows (ports) to the US, 1 datagram of 20 bytes each.
	out=$(in_cg_ns client "$PY" "$E2E_DIR/flood.py" "$THIRD4" 10000 3000 20) || return 1
	assert_eq "$out" "SENT 3000 REFUSED 0" "flood" &&
	assert_num "$(juris_status_json | json_get 'd["counters"]["flow_evictions"]')" ">" 0 \
		"flow-table evictions" &&
	assert_eq "$("$JURIS" report --pin-dir "$TEST_PIN" --by country --format json |
		json_get '[[r["packets"], r["bytes"]] for r in d["rows"] if r["country"] == "US"][0]')" \
		"[3000, 144000]" "US packets and bytes (20 + 8 + 20 bytes each) exact" &&
	assert_eq "$("$JURIS" report --pin-dir "$TEST_PIN" --by country --format json |
		json_get 'sum(r["packets"] for r in d["rows"])')" \
		"$("$JURIS" report --pin-dir "$TEST_PIN" --by zone --format json |
		json_get 'sum(r["packets"] for r in d["rows"])')" "countries sum to the zone totals"
}

run_tests
