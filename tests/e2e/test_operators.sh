#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end: the foreign-operator overlay in the kernel. test-asn.mmdb puts
# 192.0.2.0/25 (FR4, located FR) under AS16509 Amazon (US) and
# 192.0.2.128/25 (EU4, located DE) under AS16276 OVHcloud (FR): with
# --allow eu, FR4 is "located FR, operated from US".
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"

ASN_DB=$JURIS_TESTDATA/test-asn.mmdb
ASN_CSV=$JURIS_TESTDATA/asn-test.csv

test_foreign_operator_deny_blocks_a_french_address_run_from_the_us() {
	topology && juris_start --mode enforce --asn-db "$ASN_DB" --foreign-operator deny || return 1
	connect_is "$FR4" EPERM && connect_is "$EU4" OK && connect_is "$FR6" EPERM &&
	connect_is "$EU6" OK && connect_is "$THIRD4" EPERM &&
	assert_eq "$(juris_status_json | json_get 'd["operator_overlay"]')" true "operator_overlay" &&
	assert_eq "$(juris_status_json | json_get 'd["foreign_operator"]')" deny "foreign_operator" &&
	assert_num "$(counter connect_blocked)" "==" 3 "connects refused"
}

test_foreign_operator_audit_reports_and_never_blocks() {
	topology && juris_start --mode enforce --asn-db "$ASN_DB" --foreign-operator audit \
		--events "$TEST_TMP/events.ndjson" || return 1
	connect_is "$FR4" OK && connect_is "$EU4" OK && udp_is "$FR4" OK 100 5 || return 1
	assert_num "$(total fr would_block packets)" ">=" 5 "fr/would_block packets (audited operator)" &&
	assert_num "$(total eu allow packets)" ">=" 1 "eu/allow packets" &&
	wait_until 5 grep -q '"number":16509' "$TEST_TMP/events.ndjson" ||
		fail "no event with destination.as.number 16509: $(head -c 600 "$TEST_TMP/events.ndjson")" ||
		return 1
	json_get '[d["destination"]["as"]["number"], d["destination"]["as"]["organization"]["name"], d["juris"]["operator"]["country"], d["juris"]["operator"]["foreign"], d["event"]["action"], d["juris"]["operator"]["summary"]]' \
		< <(grep -m1 '"number":16509' "$TEST_TMP/events.ndjson") > "$TEST_TMP/ev" || return 1
	assert_eq "$(cat "$TEST_TMP/ev")" \
		'[16509, "Amazon", "US", true, "would_block", "located FR, operated from US (AS16509 Amazon)"]' \
		"event fields"
}

test_report_and_metrics_by_operator() {
	local j m port
	port=$((20000 + RANDOM % 20000))
	topology && juris_start --mode enforce --asn-db "$ASN_DB" --metrics "127.0.0.1:$port" || return 1
	connect_is "$FR4" OK && connect_is "$EU4" OK && udp_is "$FR6" OK 100 3 || return 1
	j=$("$JURIS" report --pin-dir "$TEST_PIN" --by operator --format json) ||
		fail "juris report --by operator failed" || return 1
	assert_eq "$(json_get '[[r["operator"], r["operator_country"], r["foreign"], r["verdict"], r["flows"]] for r in d["rows"] if r["asn"] == 16509][0]' <<< "$j")" \
		'["AS16509 Amazon", "US", true, "would_block", 2]' "Amazon row" &&
	assert_eq "$(json_get '[[r["operator_country"], r["foreign"], r["verdict"]] for r in d["rows"] if r["asn"] == 16276][0]' <<< "$j")" \
		'["FR", false, "allow"]' "OVHcloud row" &&
	assert_eq "$(json_get 'd["source"]' <<< "$j")" "totals" "the exact counters, not the flow table" || return 1
	m=$("$PY" -c 'import sys, urllib.request
print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' \
		"http://127.0.0.1:$port/metrics") || fail "no metrics" || return 1
	assert_contains "$m" 'juris_operator_flows_total{asn="16509",operator="Amazon",operator_country="US",foreign="true",verdict="would_block"} 2' "metrics" &&
	assert_contains "$m" 'foreign_operator="audit",operator_overlay="on"' "juris_policy_info"
}

test_foreign_operator_allow_only_flags() {
	topology && juris_start --mode enforce --asn-db "$ASN_DB" --foreign-operator allow || return 1
	connect_is "$FR4" OK && connect_is "$THIRD4" EPERM &&
	assert_num "$(total fr would_block packets)" "==" 0 "fr/would_block packets"
}

test_an_operator_override_makes_amazon_european() {
	topology && juris_start --mode enforce --asn-db "$ASN_CSV" --foreign-operator deny \
		--operator "16509 FR Amazon (EU sovereign cloud)" || return 1
	connect_is "$FR4" OK && connect_is "$EU4" OK
}

test_lookup_names_the_operator() {
	local out
	require_root
	require_juris || return 1
	require_testdata || return 1
	out=$("$JURIS" lookup --json --db "$TEST_DB" --asn-db "$ASN_DB" "$FR4" "$EU4" "$THIRD4B") ||
		return 1
	assert_eq "$(printf '%s\n' "$out" | sed -n 1p | json_get '[d["asn"], d["as_org"], d["operator_country"], d["foreign_operator"], d["verdict"]]')" \
		'[16509, "Amazon", "US", true, "audit"]' "lookup of $FR4" &&
	assert_eq "$(printf '%s\n' "$out" | sed -n 2p | json_get '[d["asn"], d["operator_country"], d["foreign_operator"], d["verdict"]]')" \
		'[16276, "FR", false, "allow"]' "lookup of $EU4" &&
	assert_eq "$(printf '%s\n' "$out" | sed -n 3p | json_get '[d.get("asn"), d["foreign_operator"]]')" \
		'[null, false]' "lookup of $THIRD4B (AS64500 is not a listed operator)"
}

test_reload_changes_the_foreign_operator_policy() {
	mkdir -p "$TEST_TMP"
	printf 'db = %s\nasn-db = %s\nmode = enforce\nforeign-operator = audit\n' \
		"$TEST_DB" "$ASN_DB" > "$TEST_TMP/juris.conf"
	topology && juris_start -c "$TEST_TMP/juris.conf" || return 1
	connect_is "$FR4" OK || return 1
	sed -i 's/^foreign-operator = audit/foreign-operator = deny/' "$TEST_TMP/juris.conf"
	assert_ok "$JURIS" reload --pin-dir "$TEST_PIN" &&
	connect_is "$FR4" EPERM && connect_is "$EU4" OK || return 1
	# Without an ASN database, nothing is flagged any more.
	sed -i 's/^asn-db = .*/asn-db = none/' "$TEST_TMP/juris.conf"
	assert_ok "$JURIS" reload --pin-dir "$TEST_PIN" &&
	connect_is "$FR4" OK &&
	assert_eq "$(juris_status_json | json_get 'd["operator_overlay"]')" false "operator_overlay"
}

# Amazon's row of juris report --by operator: [home, foreign, verdict, packets] per verdict.
amazon_rows() {
	"$JURIS" report --pin-dir "$TEST_PIN" --by operator --format json |
		json_get 'sorted([r["operator"], r["operator_country"], r["foreign"], r["verdict"], r["packets"]] for r in d["rows"] if r["asn"] == 16509)'
}

test_operator_counts_keep_their_id_through_a_reload_that_changes_the_list() {
	mkdir -p "$TEST_TMP"
	printf 'db = %s\nasn-db = %s\nmode = audit\n' "$TEST_DB" "$ASN_DB" > "$TEST_TMP/juris.conf"
	topology && juris_start -c "$TEST_TMP/juris.conf" || return 1
	udp_is "$FR4" OK 100 3 || return 1
	assert_eq "$(amazon_rows)" '[["AS16509 Amazon", "US", true, "would_block", 3]]' \
		"Amazon before the reload" || return 1
	# The policy re-homes Amazon in France and lists one more operator.
	printf 'operator = "16509 FR Amazon EU"\noperator = "64500 FR Test SAS"\n' >> "$TEST_TMP/juris.conf"
	assert_ok "$JURIS" reload --pin-dir "$TEST_PIN" || return 1
	udp_is "$FR4" OK 100 2 || return 1
	# Same id: the past counts stay Amazon's, shown under its new name and home.
	assert_eq "$(amazon_rows)" \
		'[["AS16509 Amazon EU", "FR", false, "allow", 2], ["AS16509 Amazon EU", "FR", false, "would_block", 3]]' \
		"Amazon after the reload"
}

test_bad_asn_database_or_operator_is_a_one_line_error() {
	require_root
	require_juris || return 1
	require_testdata || return 1
	mkdir -p "$TEST_TMP"
	printf '192.0.2.0,banana,16509,x\n' > "$TEST_TMP/bad.csv"
	expect_one_line_error "line 1" "$JURIS" check --db "$TEST_DB" --asn-db "$TEST_TMP/bad.csv" &&
	expect_one_line_error "cannot read ASN database $TEST_TMP/absent.csv" "$JURIS" check --db "$TEST_DB" \
		--asn-db "$TEST_TMP/absent.csv" &&
	expect_one_line_error "invalid --operator" "$JURIS" check --db "$TEST_DB" \
		--asn-db "$ASN_DB" --operator "16509 usa Amazon"
}

run_tests
