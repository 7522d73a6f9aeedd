#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end: a watched service's cgroup removed and recreated under the
# same path (systemctl restart) is watched from its first connect, with the
# daemon running, stopped or dead; juris status and /metrics fail and name
# a watched cgroup whose hooks are gone.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"

# unit_topology: topology, then the watched cgroup becomes
# juris-test-ID/slice/svc, as systemd's system.slice/x.service.
unit_topology() {
	topology || return 1
	SLICE=$TEST_CG/slice
	TEST_CG=$SLICE/svc
	mkdir -p "$TEST_CG"
}

# restart_unit: what systemd does on a restart: the cgroup goes, a new one
# of the same path comes.
restart_unit() {
	local old
	old=$(stat -c %i "$TEST_CG")
	rmdir "$TEST_CG" && mkdir "$TEST_CG" || return 1
	assert_ne "$(stat -c %i "$TEST_CG")" "$old" "cgroup id after the restart"
}

status_names() {
	local err
	err=$("$JURIS" status --pin-dir "$TEST_PIN" 2>&1 >/dev/null) &&
		fail "juris status exits 0 with $1 unattached" && return 1
	assert_contains "$err" "$1" "juris status"
}

metrics_line() {
	$PY -c '
import sys, urllib.request
body = urllib.request.urlopen(sys.argv[1], timeout=5).read().decode()
print("\n".join(l for l in body.splitlines() if l.startswith(sys.argv[2])))
' "http://127.0.0.1:$1/metrics" "$2"
}

test_restarted_unit_is_refused_eperm_from_its_first_connect() {
	unit_topology && juris_start --mode enforce || return 1
	connect_is "$THIRD4" EPERM || return 1
	# Several restarts in a row, each connect made the moment the new
	# cgroup exists: the daemon gets no chance to react in between.
	for _ in 1 2 3 4 5; do
		restart_unit && connect_is "$THIRD4" EPERM || return 1
	done
	connect_is "$FR4" OK || return 1
	assert_num "$(counter connect_blocked)" "==" 6 "connect_blocked"
}

test_restarted_unit_is_enforced_while_the_daemon_is_stopped_or_dead() {
	unit_topology && juris_start --mode enforce || return 1
	kill -STOP "$JURIS_PID"
	restart_unit && connect_is "$THIRD4" EPERM || { kill -CONT "$JURIS_PID"; return 1; }
	kill -CONT "$JURIS_PID"
	kill -TERM "$JURIS_PID" && juris_wait_exit || return 1
	restart_unit && connect_is "$THIRD4" EPERM && udp_is "$THIRD4" EPERM || return 1
	assert_ok "$JURIS" status --pin-dir "$TEST_PIN"
}

test_recreated_slice_fails_status_until_the_daemon_attaches_again() {
	local port=$((20000 + JT_ID % 20000)) line
	unit_topology && juris_start --mode enforce --metrics "$port" || return 1
	line=$(metrics_line "$port" juris_target_attached)
	assert_contains "$line" "juris_target_attached{kind=\"cgroup\",name=\"$TEST_CG\"} 1" \
		"metrics" || return 1
	kill -TERM "$JURIS_PID" && juris_wait_exit || return 1
	# The slice itself goes and comes back: the hooks on it went with it.
	rmdir "$TEST_CG" "$SLICE" && mkdir -p "$TEST_CG" || return 1
	status_names "$TEST_CG" || return 1
	# The daemon attaches to the new slice as it starts...
	juris_start --mode enforce --metrics "$port" || return 1
	assert_ok "$JURIS" status --pin-dir "$TEST_PIN" &&
	connect_is "$THIRD4" EPERM || return 1
	# ...and while it runs.
	rmdir "$TEST_CG" "$SLICE" && mkdir -p "$TEST_CG" || return 1
	wait_until 5 "$JURIS" status --pin-dir "$TEST_PIN" ||
		fail "juris status still fails 5 s after the slice came back" || return 1
	connect_is "$THIRD4" EPERM || return 1
	grep -q "attached again" "$TEST_TMP/juris.log" ||
		fail "no log line about the new attachment" || return 1
	line=$(metrics_line "$port" juris_target_attached)
	assert_contains "$line" "juris_target_attached{kind=\"cgroup\",name=\"$TEST_CG\"} 1" \
		"metrics"
}

test_stopped_unit_is_not_an_error_and_a_sibling_is_not_watched() {
	unit_topology && juris_start --mode enforce || return 1
	rmdir "$TEST_CG" || return 1
	assert_ok "$JURIS" status --pin-dir "$TEST_PIN" || return 1
	# Another service of the same slice: the hooks on the slice let it be.
	TEST_CG=$SLICE/other
	mkdir "$TEST_CG" && connect_is "$THIRD4" OK
}

run_tests
