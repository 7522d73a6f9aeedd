#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end: the pinned state of juris outlives its daemon, is adopted by a
# restart, is never attached twice, is lifted by stop, and bad input never
# disturbs a juris that runs.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"

test_kill_9_of_the_daemon_leaves_enforcement_in_place() {
	topology && juris_start --mode enforce || return 1
	connect_is "$THIRD4" EPERM || return 1
	kill -KILL "$JURIS_PID"
	juris_wait_exit || return 1
	assert_ok "$JURIS" status --pin-dir "$TEST_PIN" &&
	assert_eq "$(juris_status_json | json_get 'd["daemon_running"]')" false "daemon_running" &&
	connect_is "$THIRD4" EPERM 0.1 && connect_is "$THIRD6" EPERM 0.1 &&
	udp_is "$THIRD4B" EPERM && connect_is "$FR4" OK
}

test_sigterm_ends_the_daemon_and_leaves_enforcement_in_place() {
	topology && juris_start --mode enforce || return 1
	kill -TERM "$JURIS_PID"
	juris_wait_exit || return 1
	assert_eq "$JURIS_RC" 0 "exit status of juris run after SIGTERM" &&
	connect_is "$THIRD4" EPERM 0.1 && connect_is "$FR4" OK
}

# restart_keeps_counters SIGNAL: counts, ends the daemon with SIGNAL, runs
# it again with the same flags: the counters carry on from where they were,
# including what was sent while no daemon ran.
restart_keeps_counters() {
	local p1 p2 p3
	topology && juris_start --mode enforce || return 1
	udp_is "$FR4" OK 500 10 || return 1
	p1=$(total fr allow packets)
	assert_num "$p1" "==" 10 "fr/allow packets before the restart" || return 1
	kill -"$1" "$JURIS_PID"
	juris_wait_exit || return 1
	udp_is "$FR4" OK 500 5 || return 1
	juris_start --mode enforce || return 1
	p2=$(total fr allow packets)
	assert_num "$p2" "==" $((p1 + 5)) "fr/allow packets after the restart (5 sent with no daemon)" ||
		return 1
	udp_is "$FR4" OK 500 10 || return 1
	p3=$(total fr allow packets)
	assert_num "$p3" "==" $((p2 + 10)) "fr/allow packets after 10 more" &&
	hooks_attached_once && connect_is "$THIRD4" EPERM
}

test_restart_adopts_the_pins_and_keeps_the_counters() {
	restart_keeps_counters TERM
}

test_restart_after_kill_9_adopts_the_pins_and_keeps_the_counters() {
	restart_keeps_counters KILL
}

test_second_run_on_live_pins_is_refused_and_the_first_keeps_working() {
	local before
	topology && juris_start --mode enforce || return 1
	before=$(juris_snapshot)
	expect_one_line_error "" "$JURIS" run --pin-dir "$TEST_PIN" --cgroup "$TEST_CG" \
		--db "$TEST_DB" --mode enforce || return 1
	expect_one_line_error "" "$JURIS" run --pin-dir "$TEST_PIN" --cgroup "$TEST_CG" \
		--db "$TEST_DB" --mode audit || return 1
	kill -0 "$JURIS_PID" 2>/dev/null || fail "the first juris run died" || return 1
	assert_eq "$(juris_snapshot)" "$before" "status of the first juris" &&
	hooks_attached_once && connect_is "$THIRD4" EPERM && connect_is "$FR4" OK
}

test_stop_lifts_enforcement_and_removes_the_pins() {
	topology && juris_start --mode enforce || return 1
	connect_is "$THIRD4" EPERM || return 1
	assert_ok "$JURIS" stop --pin-dir "$TEST_PIN" || return 1
	juris_wait_exit || return 1
	[ ! -e "$TEST_PIN" ] || fail "pin directory still there: $(find "$TEST_PIN" | head -5 | tr '\n' ' ')" ||
		return 1
	assert_eq "$(cgroup_progs)" "" "programs left on the test cgroup" &&
	connect_is "$THIRD4" OK && connect_is "$THIRD6" OK && udp_is "$THIRD4B" OK || return 1
	"$JURIS" status --pin-dir "$TEST_PIN" > /dev/null 2>&1
	assert_eq "$?" 1 "exit status of juris status after stop" &&
	assert_ok "$JURIS" stop --pin-dir "$TEST_PIN"
}

test_stop_after_kill_9_lifts_enforcement() {
	topology && juris_start --mode enforce || return 1
	kill -KILL "$JURIS_PID"
	juris_wait_exit &&
	assert_ok "$JURIS" stop --pin-dir "$TEST_PIN" || return 1
	[ ! -e "$TEST_PIN" ] || fail "pin directory still there after stop" || return 1
	assert_eq "$(cgroup_progs)" "" "programs left on the test cgroup" &&
	connect_is "$THIRD4" OK
}

test_stop_with_nothing_running_succeeds() {
	require_root
	require_juris || return 1
	assert_ok "$JURIS" stop --pin-dir "$TEST_PIN"
}

# refused_and_untouched SUBSTRING RUN_ARGS...: with a juris enforcing on the
# test pins, "juris run RUN_ARGS" on other pins fails with one line naming
# SUBSTRING, leaves nothing pinned, and the running juris is as it was.
refused_and_untouched() {
	local want=$1 before
	shift
	topology && juris_start --mode enforce || return 1
	before=$(juris_snapshot)
	if [ "$1" = setpriv ]; then
		expect_one_line_error "$want" "$@" || return 1
	else
		expect_one_line_error "$want" "$JURIS" run --pin-dir "$TEST_PIN-bad" "$@" || return 1
	fi
	if "$JURIS" status --pin-dir "$TEST_PIN-bad" > /dev/null 2>&1; then
		fail "the refused run left state pinned at $TEST_PIN-bad"
		return 1
	fi
	kill -0 "$JURIS_PID" 2>/dev/null || fail "the running juris died" || return 1
	assert_eq "$(juris_snapshot)" "$before" "status of the running juris" &&
	hooks_attached_once && connect_is "$THIRD4" EPERM && connect_is "$FR4" OK
}

test_unknown_cgroup_is_refused_and_the_running_juris_untouched() {
	refused_and_untouched "no-such-cgroup" --cgroup "$(cgroup2_root)/juris-test-$JT_ID/no-such-cgroup" \
		--db "$TEST_DB" --mode enforce
}

test_unknown_unit_is_refused_and_the_running_juris_untouched() {
	refused_and_untouched "juris-no-such-unit-$JT_ID.service" \
		--cgroup "juris-no-such-unit-$JT_ID.service" --db "$TEST_DB" --mode enforce
}

test_cidr_with_host_bits_is_refused_and_the_running_juris_untouched() {
	refused_and_untouched "198.51.100.1/24" --cgroup "$(cgroup2_root)/juris-test-$JT_ID" \
		--db "$TEST_DB" --mode enforce --except 198.51.100.1/24
}

test_malformed_cidr_is_refused_and_the_running_juris_untouched() {
	refused_and_untouched "300.0.0.0/8" --cgroup "$(cgroup2_root)/juris-test-$JT_ID" \
		--db "$TEST_DB" --mode enforce --except 300.0.0.0/8
}

test_missing_database_is_refused_and_the_running_juris_untouched() {
	refused_and_untouched "missing.mmdb" --cgroup "$(cgroup2_root)/juris-test-$JT_ID" \
		--db "/nonexistent-$JT_ID/missing.mmdb" --mode enforce
}

test_truncated_database_is_refused_and_the_running_juris_untouched() {
	local bad=$TEST_TMP/truncated.mmdb
	require_testdata || return 1
	head -c "$(($(stat -c %s "$TEST_DB") / 2))" "$TEST_DB" > "$bad"
	refused_and_untouched "truncated.mmdb" --cgroup "$(cgroup2_root)/juris-test-$JT_ID" \
		--db "$bad" --mode enforce
}

test_garbage_database_is_refused_and_the_running_juris_untouched() {
	local bad=$TEST_TMP/garbage.mmdb
	head -c 65536 /dev/urandom > "$bad"
	refused_and_untouched "garbage.mmdb" --cgroup "$(cgroup2_root)/juris-test-$JT_ID" \
		--db "$bad" --mode enforce
}

test_no_permission_to_load_bpf_is_refused_and_the_running_juris_untouched() {
	require_cmd setpriv
	refused_and_untouched "no permission to load BPF" \
		setpriv --reuid=65534 --regid=65534 --clear-groups -- "$JURIS" run \
		--pin-dir "$TEST_PIN-bad" --cgroup "$(cgroup2_root)/juris-test-$JT_ID" \
		--db "$TEST_DB" --mode enforce
}

test_bad_input_on_the_live_pins_leaves_them_untouched() {
	local before
	topology && juris_start --mode enforce || return 1
	before=$(juris_snapshot)
	expect_one_line_error "" "$JURIS" run --pin-dir "$TEST_PIN" --cgroup "$TEST_CG" \
		--db "$TEST_DB" --mode enforce --except 300.0.0.0/8 || return 1
	expect_one_line_error "" "$JURIS" run --pin-dir "$TEST_PIN" --cgroup "$TEST_CG" \
		--db "$TEST_TMP/missing.mmdb" --mode enforce || return 1
	kill -0 "$JURIS_PID" 2>/dev/null || fail "the running juris died" || return 1
	assert_eq "$(juris_snapshot)" "$before" "status of the running juris" &&
	hooks_attached_once && connect_is "$THIRD4" EPERM && connect_is "$FR4" OK
}

run_tests
