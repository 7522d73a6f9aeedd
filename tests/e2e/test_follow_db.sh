#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end: juris run follows its libloc database file. A newer, verified
# database renamed over it under traffic takes effect by itself within 10 s;
# a corrupt, older, truncated, cut-short or badly signed one is refused,
# counted, and the one in force keeps enforcing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"
JT_TIMEOUT=180

LOC=$JURIS_TESTDATA/test-loc.db
LOC_NEW=$JURIS_TESTDATA/test-loc-new.db	# EU4 and EU6 are US there
LOC_OLD=$JURIS_TESTDATA/test-loc-old.db
LOC_SMALL=$JURIS_TESTDATA/test-loc-small.db
LOC_BADSIG=$JURIS_TESTDATA/test-loc-badsig.db
KEY=$JURIS_TESTDATA/test-loc-key.pub.pem

status_field() {
	juris_status_json | json_get "$1"
}

# start_following: juris enforcing allow eu on a copy of test-loc.db.
start_following() {
	[ -s "$LOC" ] || fail "libloc test database missing: $LOC" || return 1
	topology || return 1
	mkdir -p "$TEST_TMP/db"
	cp "$LOC" "$TEST_TMP/db/location.db"
	juris_start --db "$TEST_TMP/db/location.db" --db-key "$KEY" --mode enforce \
		--allow eu "$@" || return 1
	connect_is "$EU4" OK && connect_is "$EU6" OK && connect_is "$THIRD4" EPERM
}

# replace FILE: what an updater does, write beside and rename over.
replace() {
	cp "$1" "$TEST_TMP/db/.location.db.tmp" && mv "$TEST_TMP/db/.location.db.tmp" "$TEST_TMP/db/location.db"
}

refusals() {
	status_field 'd["database"]["follow"]["refusals"]'
}

# refused WHAT N: the Nth refusal is counted and logged once, and the
# database in force still enforces (EU4 and EU6 still allowed).
refused() {
	wait_until 12 sh -c "[ \"\$('$JURIS' status --json --pin-dir '$TEST_PIN' |
		$PY -c 'import json,sys; print(json.load(sys.stdin)[\"database\"][\"follow\"][\"refusals\"])')\" = $2 ]" ||
		fail "$1: no refusal counted after 12 s (refusals $(refusals))" || return 1
	assert_eq "$(grep -c 'refused, the one in force stays\|database refused' "$TEST_TMP/juris.log")" "$2" \
		"refusal lines in the log after the $1 file" &&
	connect_is "$EU4" OK && connect_is "$EU6" OK && connect_is "$THIRD4" EPERM &&
	assert_eq "$(status_field 'd["database"]["follow"]["switches"]')" 0 "switches after the $1 file"
}

test_newer_database_renamed_over_the_file_takes_effect_within_10_s_under_traffic() {
	local t0 el out
	start_following || return 1
	assert_eq "$(status_field 'd["database"]["format"]')" libloc "format" &&
	assert_eq "$(status_field 'd["database"]["signature"]')" good "signature" &&
	assert_eq "$(status_field 'd["database"]["vendor"]')" "juris tests" "vendor" || return 1
	# Traffic all along: the switch must not stop the daemon reading events.
	bg_run in_cg_ns client "$PY" "$E2E_DIR/flood.py" "$FR4" "$PORT" 30
	t0=$(date +%s.%N)
	replace "$LOC_NEW" || return 1
	for _ in $(seq 100); do
		out=$(client tcp "$EU4" "$PORT" 2>&1)
		[ "${out%% *}" = EPERM ] && break
		sleep 0.1
	done
	el=$(echo "$(date +%s.%N) - $t0" | bc)
	assert_eq "${out%% *}" EPERM "TCP connect to $EU4 (US in the new database)" || return 1
	assert_num "$el" "<" 10 "seconds from the rename to the new answers" || return 1
	echo "  new database in force $el s after the rename" >&2
	connect_is "$EU6" EPERM && connect_is "$FR4" OK || return 1
	assert_eq "$(status_field 'd["database"]["follow"]["switches"]')" 1 "switches" &&
	assert_eq "$(status_field 'd["database"]["follow"]["refusals"]')" 0 "refusals" &&
	assert_eq "$(status_field 'd["daemon_pid"]')" "$JURIS_PID" "the same daemon" &&
	assert_contains "$(cat "$TEST_TMP/juris.log")" "database file changed" "juris.log"
}

test_corrupt_older_truncated_cut_short_and_badly_signed_files_are_refused() {
	start_following || return 1
	# Corrupt: the network tree overwritten with garbage.
	cp "$LOC_NEW" "$TEST_TMP/corrupt.db"
	dd if=/dev/urandom of="$TEST_TMP/corrupt.db" bs=1 seek=4200 count=8000 conv=notrunc status=none
	replace "$TEST_TMP/corrupt.db" && refused corrupt 1 || return 1
	replace "$LOC_OLD" && refused older 2 || return 1
	assert_contains "$(status_field 'd["database"]["follow"]["message"]')" "older than the database in force" \
		"follow message after the older file" || return 1
	head -c 3000 "$LOC_NEW" > "$TEST_TMP/truncated.db"
	replace "$TEST_TMP/truncated.db" && refused truncated 3 || return 1
	replace "$LOC_SMALL" && refused cut-short 4 || return 1
	assert_contains "$(status_field 'd["database"]["follow"]["message"]')" "under 60 %" \
		"follow message after the cut-short file" || return 1
	replace "$LOC_BADSIG" && refused badly-signed 5 || return 1
	assert_contains "$(status_field 'd["database"]["follow"]["message"]')" "bad signature" \
		"follow message after the badly signed file" || return 1
	# And the next good one still goes in.
	replace "$LOC_NEW" || return 1
	wait_until 12 sh -c "[ \"\$('$JURIS' status --json --pin-dir '$TEST_PIN' |
		$PY -c 'import json,sys; print(json.load(sys.stdin)[\"database\"][\"follow\"][\"switches\"])')\" = 1 ]" ||
		fail "the good file after five refused ones was not switched to" || return 1
	connect_is "$EU4" EPERM
}

test_follow_db_no_leaves_the_database_in_force() {
	start_following --follow-db no || return 1
	replace "$LOC_NEW" || return 1
	sleep 3
	connect_is "$EU4" OK &&
	assert_eq "$(status_field 'd["database"]["follow"]["switches"]')" 0 "switches with follow-db = no"
}

test_a_refusal_is_a_metric_and_the_source_is_labelled() {
	local port body
	port=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	start_following --metrics "127.0.0.1:$port" || return 1
	replace "$LOC_OLD" && refused older 1 || return 1
	body=$($PY -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' \
		"http://127.0.0.1:$port/metrics") || fail "GET /metrics failed" || return 1
	assert_contains "$body" "juris_database_follow_refusals_total 1" "metrics" &&
	assert_contains "$body" 'juris_database_info{path="'"$TEST_TMP/db/location.db"'",vendor="juris tests",type="libloc",license="CC0",signature="good"} 1' "metrics"
}

run_tests
