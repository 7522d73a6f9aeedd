#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end under faults: a full flow table, a stalled event consumer, pins
# removed by hand, the watched cgroup removed, a full disk for the event
# file. Totals must stay exact, losses counted, and stop must still clean up.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"

# flood ADDR FIRST_PORT COUNT: COUNT one-datagram UDP flows from the test
# cgroup; prints "SENT N REFUSED M".
flood() {
	in_cg_ns client "$PY" "$E2E_DIR/flood.py" "$@"
}

# zone_total ZONE FIELD: the sum over every verdict of one zone's totals.
zone_total() {
	juris_status_json | json_get 'sum(t[a[1]] for t in d["totals"] if t["zone"] == a[0])' "$1" "$2"
}

stat_field() {
	juris_status_json | json_get 'd["counters"][a[0]]' "$1"
}

test_more_flows_than_the_table_holds_keeps_totals_exact_and_counts_evictions() {
	local out created in_table evicted
	topology && juris_start --mode audit --allow eu --flow-table 1024 || return 1
	out=$(flood "$FR4" 1000 3000) || return 1
	assert_eq "$out" "SENT 3000 REFUSED 0" "flood" || return 1
	assert_num "$(zone_total fr packets)" "==" 3000 "fr packets" &&
	assert_num "$(zone_total fr flows)" "==" 3000 "fr flows" || return 1
	created=$(stat_field flows_created)
	in_table=$(stat_field flows_in_table)
	evicted=$(stat_field flow_evictions)
	assert_num "$created" "==" 3000 "flows_created" &&
	assert_num "$in_table" "<=" 1024 "flows_in_table" &&
	assert_num "$evicted" ">=" $((3000 - 1024)) "flow_evictions" &&
	assert_num "$((in_table + evicted))" "==" "$created" "flows_in_table + flow_evictions" &&
	assert_num "$(stat_field flow_insert_failures)" "==" 0 "flow_insert_failures"
}

test_stalled_consumer_overflows_the_ring_buffer_and_counts_the_drops() {
	local out sent
	topology && juris_start --mode audit --allow fr --events "$TEST_TMP/events.ndjson" ||
		return 1
	kill -STOP "$JURIS_PID"
	# Each new third-country flow is an event; 1 MiB of ring buffer holds
	# some ten thousand of them.
	out=$(flood "$THIRD4" 1 20000) || { kill -CONT "$JURIS_PID"; return 1; }
	sent=$(awk '{ print $2 }' <<< "$out")
	assert_num "$sent" "==" 20000 "datagrams sent" || { kill -CONT "$JURIS_PID"; return 1; }
	assert_num "$(stat_field ringbuf_drops)" ">" 0 "ringbuf_drops while stalled" ||
		{ kill -CONT "$JURIS_PID"; return 1; }
	kill -CONT "$JURIS_PID"
	assert_num "$(zone_total third packets)" "==" 20000 "third packets" || return 1
	# What was not dropped is written once the daemon runs again (slowly
	# under valgrind or ASan: wait for the sum rather than a fixed time).
	wait_until 30 events_plus_drops_is 20000 ||
		fail "events written + ringbuf_drops: got $(events_plus_drops), want 20000" ||
		return 1
	kill -0 "$JURIS_PID" 2>/dev/null || fail "juris run died"
}

events_plus_drops() {
	echo $(($(wc -l < "$TEST_TMP/events.ndjson") + $(stat_field ringbuf_drops)))
}

events_plus_drops_is() {
	[ "$(events_plus_drops)" = "$1" ]
}

test_pin_removed_by_hand_makes_status_incomplete_and_stop_still_cleans_up() {
	local err
	topology && juris_start --mode enforce || return 1
	connect_is "$THIRD4" EPERM || return 1
	rm "$TEST_PIN/flows" || return 1
	err=$("$JURIS" status --pin-dir "$TEST_PIN" 2>&1 >/dev/null)
	assert_contains "$err" "incomplete" "juris status" || return 1
	assert_fails "$JURIS" status --pin-dir "$TEST_PIN" || return 1
	assert_ok "$JURIS" stop --pin-dir "$TEST_PIN" || return 1
	[ ! -e "$TEST_PIN" ] || fail "pins left: $(ls "$TEST_PIN" | tr '\n' ' ')" || return 1
	juris_wait_exit || return 1
	assert_eq "$(cgroup_progs)" "" "programs left on the test cgroup" &&
	connect_is "$THIRD4" OK
}

test_watched_cgroup_removed_while_running_is_logged_and_stop_cleans_up() {
	topology && juris_start --mode enforce || return 1
	connect_is "$THIRD4" EPERM || return 1
	rmdir "$TEST_CG" || fail "cannot remove the test cgroup" || return 1
	wait_until 10 grep -q "cgroup $TEST_CG is gone" "$TEST_TMP/juris.log" ||
		fail "no log line about the removed cgroup: $(tail -n 3 "$TEST_TMP/juris.log")" ||
		return 1
	kill -0 "$JURIS_PID" 2>/dev/null || fail "juris run died" || return 1
	assert_ok "$JURIS" status --pin-dir "$TEST_PIN" &&
	assert_ok "$JURIS" stop --pin-dir "$TEST_PIN" || return 1
	juris_wait_exit &&
	[ ! -e "$TEST_PIN" ] || fail "pins left after stop"
}

test_full_disk_for_the_event_file_is_reported_once_and_enforcement_goes_on() {
	local n
	topology || return 1
	mkdir -p "$TEST_TMP/full" &&
	mount -t tmpfs -o size=64k tmpfs "$TEST_TMP/full" || return 1
	# Unmounted before the test directory goes, whatever happens.
	trap 'umount -l "$TEST_TMP/full" 2>/dev/null; exec >>"$TEST_TMP.cleanup" 2>&1; jt_cleanup' EXIT
	juris_start --mode enforce --events "$TEST_TMP/full/events.ndjson" || return 1
	dd if=/dev/zero of="$TEST_TMP/full/filler" bs=4k 2>/dev/null
	flood "$THIRD4" 1 2000 > /dev/null || return 1
	connect_is "$THIRD4" EPERM || return 1
	sleep 1
	n=$(grep -c "cannot write event" "$TEST_TMP/juris.log")
	assert_num "$n" "==" 1 "lines about the event write error" || return 1
	kill -0 "$JURIS_PID" 2>/dev/null || fail "juris run died" || return 1
	assert_num "$(stat_field sendmsg_blocked)" "==" 2000 "sendmsg_blocked" &&
	connect_is "$THIRD4" EPERM && connect_is "$FR4" OK || return 1
	# Room again: writing resumes, and says how many events were lost.
	rm "$TEST_TMP/full/filler"
	connect_is "$THIRD6" EPERM || return 1
	wait_until 5 grep -q "writing events again" "$TEST_TMP/juris.log" ||
		fail "no recovery line: $(tail -n 3 "$TEST_TMP/juris.log")"
}

run_tests
