#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end: juris run --metrics serves Prometheus metrics on loopback that
# promtool accepts, whose counters equal juris status, and that a real
# Prometheus server scrapes and answers queries about.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"

# free_port: a TCP port of 127.0.0.1 that nothing listens on now.
free_port() {
	$PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# http_get URL: the body, or failure on an HTTP error status.
http_get() {
	$PY - "$1" <<'PY'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=5) as r:
    sys.stdout.write(r.read().decode())
PY
}

# http_status URL: the HTTP status code.
http_status() {
	$PY - "$1" <<'PY'
import sys, urllib.error, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=5).status)
except urllib.error.HTTPError as e:
    print(e.code)
PY
}

# metric BODY NAME_WITH_LABELS: the value of one sample of the exposition.
metric() {
	printf '%s\n' "$1" | awk -v m="$2" '$1 == m { print $2; found = 1 } END { exit !found }'
}

test_metrics_pass_promtool_and_equal_the_status_totals() {
	local port body
	require_cmd promtool
	port=$(free_port)
	topology && juris_start --mode audit --metrics "$port" || return 1
	udp_is "$FR4" OK 500 10 && udp_is "$THIRD4" OK 200 3 || return 1
	body=$(http_get "http://127.0.0.1:$port/metrics") || fail "GET /metrics failed" || return 1
	printf '%s\n' "$body" | promtool check metrics >&2 || fail "promtool check metrics failed" ||
		return 1
	assert_eq "$(metric "$body" 'juris_packets_total{zone="fr",verdict="allow"}')" \
		"$(total fr allow packets)" "fr/allow packets (metrics vs status)" &&
	assert_eq "$(metric "$body" 'juris_bytes_total{zone="third",verdict="would_block"}')" \
		"$(total third would_block bytes)" "third/would_block bytes (metrics vs status)" &&
	assert_eq "$(metric "$body" 'juris_flow_table_country_packets{country="US",zone="third",verdict="would_block"}')" \
		3 "US packets from the flow table" &&
	assert_num "$(metric "$body" juris_flow_table_size)" "==" 65536 "flow table size" &&
	assert_num "$(metric "$body" juris_database_build_timestamp_seconds)" ">" 0 "database build time" &&
	assert_eq "$(metric "$body" 'juris_build_info{version="'"$("$JURIS" --version | awk '{ print $2 }')"'"}')" \
		1 "build info"
}

test_bare_port_binds_loopback_only_and_other_paths_are_404() {
	local port
	port=$(free_port)
	topology && juris_start --metrics "$port" || return 1
	assert_eq "$(ss -Hltn "sport = :$port" | awk '{ print $4 }')" "127.0.0.1:$port" \
		"listening socket" &&
	assert_eq "$(http_status "http://127.0.0.1:$port/")" 404 "status of /"
}

test_metrics_port_in_use_is_a_one_line_error() {
	local port
	port=$(free_port)
	topology || return 1
	bg_run $PY -c 'import socket, time
s = socket.socket(); s.bind(("127.0.0.1", '"$port"')); s.listen(); time.sleep(60)'
	wait_until 5 sh -c "ss -Hltn 'sport = :$port' | grep -q ." || fail "blocker not listening" ||
		return 1
	expect_one_line_error "cannot serve metrics" "$JURIS" run --pin-dir "$TEST_PIN" \
		--cgroup "$TEST_CG" --db "$TEST_DB" --metrics "127.0.0.1:$port" &&
	assert_eq "$(cgroup_progs)" "" "programs attached after the refused run" &&
	[ ! -e "$TEST_PIN" ] || fail "$TEST_PIN left behind by the refused run" || return 1
	expect_one_line_error "invalid --metrics" "$JURIS" run --pin-dir "$TEST_PIN" \
		--cgroup "$TEST_CG" --db "$TEST_DB" --metrics "localhost:http"
}

test_prometheus_scrapes_juris_and_answers_a_query() {
	local port pport q v
	require_cmd prometheus
	port=$(free_port)
	pport=$(free_port)
	[ "$port" != "$pport" ] || pport=$((pport + 1))
	topology && juris_start --mode audit --metrics "127.0.0.1:$port" || return 1
	udp_is "$FR4" OK 500 10 || return 1
	mkdir -p "$TEST_TMP/prom" && cat > "$TEST_TMP/prom/prometheus.yml" <<YML
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: juris
    static_configs:
      - targets: ["127.0.0.1:$port"]
YML
	bg_run prometheus --config.file="$TEST_TMP/prom/prometheus.yml" \
		--storage.tsdb.path="$TEST_TMP/prom/data" --web.listen-address="127.0.0.1:$pport" \
		> "$TEST_TMP/prom/log" 2>&1
	wait_until 20 http_get "http://127.0.0.1:$pport/-/ready" ||
		fail "prometheus not ready: $(tail -n 3 "$TEST_TMP/prom/log")" || return 1
	q='juris_packets_total{zone="fr",verdict="allow"}'
	query() {
		http_get "http://127.0.0.1:$pport/api/v1/query?query=$($PY -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$q")" |
			json_get 'd["data"]["result"][0]["value"][1]'
	}
	wait_until 20 query || fail "no sample of $q in prometheus after 20 s" || return 1
	v=$(query)
	assert_eq "$v" "$(total fr allow packets)" "$q in prometheus vs juris status"
}

test_contrib_alerting_rules_pass_promtool() {
	require_cmd promtool
	assert_ok promtool check rules "$JT_TOP/contrib/prometheus/juris-alerts.yml"
}

test_contrib_dashboard_and_rules_query_only_metrics_juris_serves() {
	local port body missing
	port=$(free_port)
	topology && juris_start --metrics "$port" || return 1
	body=$(http_get "http://127.0.0.1:$port/metrics") || fail "GET /metrics failed" || return 1
	printf '%s\n' "$body" > "$TEST_TMP/metrics.txt"
	missing=$($PY - "$JT_TOP/contrib" "$TEST_TMP/metrics.txt" <<'PY'
import json, re, sys
top = sys.argv[1]
served = {l.split()[2] for l in open(sys.argv[2]) if l.startswith("# TYPE ")}
dash = json.load(open(top + "/grafana/juris-dashboard.json"))
exprs = [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]
exprs += [l for l in open(top + "/prometheus/juris-alerts.yml") if "expr:" in l]
used = {m for e in exprs for m in re.findall(r"juris_[a-z0-9_]+", e)}
assert len(used) >= 10, used
print(" ".join(sorted(used - served)))
PY
)
	assert_eq "$missing" "" "metrics queried by contrib/ but not served"
}

run_tests
