#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end: juris report reads the pinned totals and flow table of a real
# juris run, while it runs and after it died, and every format parses with a
# real parser (Python's json and csv modules).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"

# report ARGS...: juris report on this test's pins.
report() {
	"$JURIS" report --pin-dir "$TEST_PIN" "$@"
}

# csv_get PY_EXPR [ARG...] < CSV: like json_get, over rows (a list of dicts,
# one per line after the header) and header (the column names).
csv_get() {
	$PY -c '
import csv, io, json, sys
data = sys.stdin.buffer.read().decode()
assert data.endswith("\r\n"), "CSV lines must end with CRLF (RFC 4180)"
reader = csv.reader(io.StringIO(data, newline=""), strict=True)
header = next(reader)
rows = [dict(zip(header, r)) for r in reader]
assert all(len(r) == len(header) for r in rows)
v = eval(sys.argv[1], {"rows": rows, "header": header, "a": sys.argv[2:]})
print(json.dumps(v, sort_keys=True) if isinstance(v, (bool, dict, list)) or v is None else v)
' "$@"
}

# some_traffic: 10 datagrams of 500 bytes to France, 5 of 200 bytes and one
# TCP connect to the United States, one datagram of 1000 bytes to Germany.
some_traffic() {
	udp_is "$FR4" OK 500 10 && udp_is "$THIRD4" OK 200 5 && connect_is "$THIRD4" OK &&
	udp_is "$EU4" OK 1000 1
}

test_report_by_zone_json_equals_the_exact_totals_outside_policy_first() {
	local j
	topology && juris_start --mode audit && some_traffic || return 1
	j=$(report --by zone --format json) || fail "juris report failed" || return 1
	assert_eq "$(json_get 'd["by"]' <<< "$j")" zone "by" &&
	assert_eq "$(json_get 'd["source"]' <<< "$j")" totals "source" &&
	assert_eq "$(json_get 'd["daemon_running"]' <<< "$j")" true "daemon_running" &&
	assert_eq "$(json_get 'd["rows"][0]["verdict"]' <<< "$j")" would_block "verdict of the first row" &&
	assert_eq "$(json_get '[r["zone"] for r in d["rows"] if r["verdict"] != "allow"]' <<< "$j")" \
		'["third"]' "zones outside the policy" &&
	assert_eq "$(json_get 'sum(r["packets"] for r in d["rows"] if r["zone"] == "fr")' <<< "$j")" \
		"$(total fr allow packets)" "fr packets (report vs status)" &&
	assert_eq "$(json_get 'sum(r["bytes"] for r in d["rows"] if r["zone"] == "third")' <<< "$j")" \
		"$(total third would_block bytes)" "third bytes (report vs status)" &&
	assert_num "$(json_get 'sum(r["bytes"] for r in d["rows"] if r["zone"] == "fr")' <<< "$j")" \
		">=" 5000 "fr bytes"
}

test_report_by_country_csv_parses_and_puts_the_third_country_first() {
	local c
	topology && juris_start --mode audit && some_traffic || return 1
	c=$(report --by country --format csv) || fail "juris report failed" || return 1
	assert_eq "$(csv_get 'header' <<< "$c")" \
		'["country", "zone", "verdict", "flows", "packets", "bytes"]' "CSV header" &&
	assert_eq "$(csv_get '[rows[0]["country"], rows[0]["verdict"]]' <<< "$c")" \
		'["US", "would_block"]' "first row" &&
	assert_eq "$(csv_get 'sorted(r["country"] for r in rows)' <<< "$c")" \
		'["DE", "FR", "US"]' "countries" &&
	assert_eq "$(csv_get '[r["packets"] for r in rows if r["country"] == "FR"][0]' <<< "$c")" \
		10 "FR packets" &&
	assert_num "$(csv_get '[r["flows"] for r in rows if r["country"] == "US"][0]' <<< "$c")" \
		">=" 2 "US flows (one UDP, one TCP)"
}

test_report_by_flow_names_destination_port_and_process() {
	local j
	topology && juris_start --mode audit && some_traffic || return 1
	j=$(report --by flow --format json) || fail "juris report failed" || return 1
	assert_eq "$(json_get 'd["source"]' <<< "$j")" flow_table "source" &&
	assert_eq "$(json_get 'd["rows"][0]["verdict"]' <<< "$j")" would_block "first flow's verdict" &&
	assert_eq "$(json_get '[[r["proto"], r["port"], r["country"], r["zone"], r["command"]]
		for r in d["rows"] if r["destination"] == a[0] and r["proto"] == "udp"][0]' \
		"$FR4" <<< "$j")" '["udp", 7, "FR", "fr", "python3"]' "the UDP flow to $FR4" &&
	assert_eq "$(json_get '[r["source"] for r in d["rows"] if r["destination"] == a[0]][0]' \
		"$THIRD4" <<< "$j")" 203.0.113.1 "source of the flows to $THIRD4" &&
	assert_num "$(json_get '[r["pid"] for r in d["rows"] if r["destination"] == a[0]][0]' \
		"$EU4" <<< "$j")" ">" 0 "pid of the flow to $EU4"
}

test_report_by_process_and_cgroup_attribute_the_client() {
	local p g
	topology && juris_start --mode audit && some_traffic || return 1
	p=$(report --by process --format csv) && g=$(report --by cgroup --format json) ||
		fail "juris report failed" || return 1
	assert_eq "$(csv_get 'sorted(set(r["command"] for r in rows))' <<< "$p")" '["python3"]' \
		"commands" &&
	assert_eq "$(csv_get 'rows[0]["verdict"]' <<< "$p")" would_block "first process row" &&
	assert_eq "$(json_get 'sorted(set(r["cgroup"] for r in d["rows"]))' <<< "$g")" \
		"[\"$TEST_CG\"]" "cgroups" &&
	assert_eq "$(json_get 'sum(r["packets"] for r in d["rows"])' <<< "$g")" \
		"$(json_get 'sum(r["packets"] for r in d["rows"])' <<< "$(report --by flow --format json)")" \
		"packets by cgroup vs by flow"
}

test_report_table_fits_80_columns_with_human_readable_sizes() {
	local t
	topology && juris_start --mode audit && some_traffic || return 1
	t=$(report --by flow) || fail "juris report failed" || return 1
	printf '%s\n' "$t" | sed 's/^/  | /' >&2
	assert_match "$(printf '%s\n' "$t" | head -n 1)" '^PROTO +DESTINATION +PORT +CC +ZONE +VERDICT +COMMAND +PACKETS +BYTES$' "table header" &&
	assert_contains "$t" "KiB" "table" &&
	assert_eq "$(printf '%s\n' "$t" | $PY -c 'import sys; print(max(len(l.rstrip("\n")) for l in sys.stdin))' |
		awk '{ print ($1 <= 80) }')" 1 "table fits 80 columns" &&
	t=$(report --by zone) &&
	assert_match "$(printf '%s\n' "$t" | sed -n 2p)" '^third +would_block ' "first zone row"
}

test_report_top_keeps_the_first_rows() {
	local j
	topology && juris_start --mode audit && some_traffic || return 1
	j=$(report --by flow --format json --top 1) || fail "juris report failed" || return 1
	assert_eq "$(json_get 'len(d["rows"])' <<< "$j")" 1 "rows with --top 1" &&
	assert_num "$(json_get 'd["rows_total"]' <<< "$j")" ">=" 3 "rows_total" &&
	assert_eq "$(json_get 'd["rows"][0]["verdict"]' <<< "$j")" would_block "the row kept"
}

test_report_reads_the_pins_after_the_daemon_was_killed() {
	local before j
	topology && juris_start --mode enforce && udp_is "$FR4" OK 500 4 || return 1
	before=$(total fr allow packets)
	kill -KILL "$JURIS_PID"
	juris_wait_exit || return 1
	j=$(report --by zone --format json) || fail "juris report failed without a daemon" || return 1
	assert_eq "$(json_get 'd["daemon_running"]' <<< "$j")" false "daemon_running" &&
	assert_eq "$(json_get 'sum(r["packets"] for r in d["rows"] if r["zone"] == "fr")' <<< "$j")" \
		"$before" "fr packets" &&
	assert_eq "$(report --by country --format csv | csv_get '[r["packets"] for r in rows if r["country"] == "FR"][0]')" \
		4 "FR packets from the flow table"
}

test_report_with_nothing_pinned_is_a_one_line_error() {
	require_juris || return 1
	expect_one_line_error "nothing pinned" "$JURIS" report --pin-dir "$TEST_PIN" &&
	expect_one_line_error "invalid --by" "$JURIS" report --pin-dir "$TEST_PIN" --by planet &&
	expect_one_line_error "invalid --format" "$JURIS" report --pin-dir "$TEST_PIN" --format xml
}

run_tests
