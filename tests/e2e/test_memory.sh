#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end under valgrind: a daemon start/stop cycle (create, attach, events,
# SIGTERM; then adopt, juris stop) leaks nothing.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"
JT_TIMEOUT=120

# vg_run LOG ARGS...: juris run ARGS under valgrind in the background, on this
# test's pins and cgroup; waits until it is ready. Sets JURIS_PID.
vg_run() {
	local log=$1 pid
	shift
	bg_run valgrind --leak-check=full --show-leak-kinds=definite,indirect \
		--log-file="$log" "$JURIS" run --pin-dir "$TEST_PIN" --cgroup "$TEST_CG" \
		--db "$TEST_DB" "$@" >> "$TEST_TMP/juris.log" 2>&1
	JURIS_PID=$BG_PID
	for _ in $(seq 300); do
		kill -0 "$JURIS_PID" 2>/dev/null || fail "juris run under valgrind exited" || return 1
		pid=$(juris_status_json 2>/dev/null | json_get 'd.get("daemon_pid")' 2>/dev/null)
		[ "$pid" = "$JURIS_PID" ] && return 0
		sleep 0.1
	done
	fail "juris run under valgrind not ready after 30 s"
}

# no_leaks LOG: valgrind's summary shows nothing definitely or indirectly lost.
no_leaks() {
	grep -q "All heap blocks were freed" "$1" && return 0
	grep -Eq "definitely lost: 0 bytes" "$1" && grep -Eq "indirectly lost: 0 bytes" "$1" &&
		return 0
	sed 's/^/  valgrind: /' "$1" | tail -n 40 >&2
	fail "valgrind reports a leak in $1"
}

test_daemon_start_stop_cycle_leaks_nothing_under_valgrind() {
	require_cmd valgrind
	# valgrind and AddressSanitizer cannot share a process (make SAN=1).
	ldd "$JURIS" | grep -q libasan && skip "juris is built with AddressSanitizer"
	topology || return 1
	vg_run "$TEST_TMP/vg1.log" --mode enforce --events "$TEST_TMP/events.ndjson" || return 1
	connect_is "$THIRD4" EPERM && udp_is "$FR4" OK 100 5 || return 1
	wait_until 10 test -s "$TEST_TMP/events.ndjson" || fail "no event written" || return 1
	kill -TERM "$JURIS_PID"
	juris_wait_exit 30 || return 1
	assert_eq "$JURIS_RC" 0 "exit status of the first run" &&
	no_leaks "$TEST_TMP/vg1.log" || return 1
	# The second start adopts the pins; juris stop ends it.
	vg_run "$TEST_TMP/vg2.log" --mode enforce --events "$TEST_TMP/events.ndjson" || return 1
	assert_ok "$JURIS" stop --pin-dir "$TEST_PIN" || return 1
	juris_wait_exit 30 || return 1
	no_leaks "$TEST_TMP/vg2.log"
}

run_tests
