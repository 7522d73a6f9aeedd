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
	assert_eq "$(metric "$body" 'juris_country_packets_total{country="US",zone="third",verdict="would_block"}')" \
		3 "US packets (exact)" &&
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

# 1,000 connections that send nothing, from another loopback address: the
# per-address limit keeps them from the scraper's; the old server (select(),
# no limit) reset every scrape.
test_scrape_succeeds_within_5s_behind_1000_idle_connections() {
	local port out
	port=$(free_port)
	topology && juris_start --metrics "127.0.0.1:$port" || return 1
	out=$(timeout -k 5 60 $PY "$JT_TOP/tests/e2e/idle_flood.py" "$port" 1000 127.0.0.2 \
		127.0.0.1 5) || fail "scrape behind 1000 idle connections: $out" || return 1
	echo "  $(tr '\n' ' ' <<< "$out")"
	assert_num "$(awk '$1 == "held" { print $2 }' <<< "$out")" "<=" 16 \
		"idle connections one address may hold" &&
	assert_match "$out" "scrape_ok" "scrape"
}

# Scrapes within a second of each other share one walk of the maps.
test_scrapes_within_a_second_share_one_walk_of_the_maps() {
	local port out
	port=$(free_port)
	topology && juris_start --metrics "127.0.0.1:$port" || return 1
	# 20 scrapes back to back, then one 1.1 s later: the walk counter of each.
	out=$($PY - "http://127.0.0.1:$port/metrics" <<'PY'
import re, sys, time, urllib.request
def walks():
    body = urllib.request.urlopen(sys.argv[1], timeout=5).read().decode()
    return int(re.search(r"^juris_metrics_walks_total (\d+)$", body, re.M).group(1))
start = time.monotonic()
seen = [walks() for _ in range(20)]
took = time.monotonic() - start
time.sleep(1.1)
print(seen[0], seen[-1], walks(), "%.2f" % took)
PY
) || fail "scrapes failed" || return 1
	read -r first last later took <<< "$out"
	echo "  20 scrapes in $took s: walks $first..$last, $later a second later"
	# 20 scrapes take well under a second here, or straddle a boundary or two.
	assert_num "$((last - first))" "<=" "$(awk -v t="$took" 'BEGIN { print int(t) + 1 }')" \
		"walks for 20 scrapes" &&
	assert_num "$later" ">" "$last" "walks a second later"
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
	assert_ok promtool check rules "$JT_TOP/contrib/prometheus/juris-alerts.yml" \
		"$JT_TOP/contrib/prometheus/juris-recording.yml"
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
for rules in ("juris-alerts.yml", "juris-recording.yml"):
    exprs += [l for l in open(top + "/prometheus/" + rules) if "expr:" in l]
# Not the recorded series (instance:juris_..:increase1h): the raw ones.
used = {m for e in exprs for m in re.findall(r"(?<![:\w])juris_[a-z0-9_]+", e)}
assert len(used) >= 10, used
print(" ".join(sorted(used - served)))
PY
)
	assert_eq "$missing" "" "metrics queried by contrib/ but not served"
}

run_tests
