#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end: the event file of juris run rotates by size into gzipped
# FILE.1.gz, FILE.2.gz..., keeps only --events-keep of them, and every line of
# every file stays one whole JSON event (read back with Python's gzip and json).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"

# ndjson_events FILE...: the number of events in the files (plain or .gz);
# fails when a line is not a JSON object with event.action.
ndjson_events() {
	$PY - "$@" <<'PY'
import gzip, json, sys
n = 0
for path in sys.argv[1:]:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        for line in f:
            e = json.loads(line)
            assert e["event"]["action"] in ("allowed", "would_block", "blocked"), line
            n += 1
print(n)
PY
}

test_event_file_rotates_by_size_into_gzipped_files() {
	local ev=$TEST_TMP/events i
	topology && juris_start --mode enforce --events "$ev" --events-max-size 2K \
		--events-keep 2 || return 1
	for i in $(seq 12); do
		connect_is "$THIRD4" EPERM || return 1
	done
	wait_until 5 test -s "$ev.2.gz" || fail "no $ev.2.gz after 12 blocked connects" || {
		ls -l "$TEST_TMP" >&2
		return 1
	}
	[ ! -e "$ev.3.gz" ] || fail "$ev.3.gz exists with --events-keep 2" || return 1
	assert_num "$(stat -c %s "$ev")" "<=" 2048 "size of the current event file" &&
	assert_num "$(ndjson_events "$ev.1.gz")" ">=" 2 "events in $ev.1.gz" &&
	assert_num "$(ndjson_events "$ev.2.gz")" ">=" 2 "events in $ev.2.gz" &&
	assert_num "$(ndjson_events "$ev" "$ev.1.gz" "$ev.2.gz")" ">=" 6 "events in all files" &&
	assert_eq "$(gzip -t "$ev.1.gz" "$ev.2.gz" && echo ok)" ok "gzip -t"
}

test_event_file_below_the_size_is_not_rotated() {
	local ev=$TEST_TMP/events
	topology && juris_start --mode enforce --events "$ev" || return 1
	connect_is "$THIRD4" EPERM && connect_is "$THIRD6" EPERM || return 1
	wait_until 5 test -s "$ev" || fail "no event written" || return 1
	[ ! -e "$ev.1.gz" ] || fail "rotated below the default 64 MiB" || return 1
	assert_num "$(ndjson_events "$ev")" ">=" 2 "events"
}

# On a terminal (a pty from script(1)), without --events, juris run prints
# each event as one readable line; NDJSON stays for pipes and --events.
test_run_on_a_terminal_prints_readable_event_lines() {
	local log=$TEST_TMP/tty.log pid
	require_cmd script || return 1
	topology || return 1
	bg_run script -qfec "$JURIS run --pin-dir $TEST_PIN --cgroup $TEST_CG --db $TEST_DB --mode enforce" "$log"
	# Started once the daemon pid is written (the pins come a moment before).
	wait_until 10 eval '[ "$(juris_status_json 2>/dev/null |
		json_get "d.get(\"daemon_pid\") or 0" 2>/dev/null)" -gt 0 ]' ||
		fail "juris run under script(1) did not start: $(cat "$log")" || return 1
	pid=$(juris_status_json | json_get 'd["daemon_pid"]')
	connect_is "$THIRD4" EPERM || return 1
	wait_until 5 grep -q "blocked tcp $THIRD4:$PORT" "$log" ||
		fail "no readable line for $THIRD4: $(tr -d '\r' < "$log" | tail -n 3)" || return 1
	kill -TERM "$pid"
	wait_until 5 pid_gone "$pid" || fail "juris run did not end" || return 1
	tr -d '\r' < "$log" | grep "blocked tcp $THIRD4:$PORT" | sed 's/^/  tty: /' >&2
	assert_match "$(tr -d '\r' < "$log" | grep "blocked tcp $THIRD4:$PORT" | head -n 1)" \
		"^20[0-9-]+T[0-9:]+Z blocked tcp $THIRD4:$PORT country US zone third pid [0-9]+ \\(python3\\) uid 0 cgroup [0-9]+ cgroup/connect4\$" \
		"the readable line" &&
	assert_eq "$(grep -c '@timestamp' "$log")" 0 "JSON lines on the terminal"
}

test_run_in_a_pipe_prints_ndjson() {
	topology && juris_start --mode enforce && connect_is "$THIRD4" EPERM || return 1
	wait_until 5 grep -q '"@timestamp"' "$TEST_TMP/juris.log" ||
		fail "no NDJSON event in the log (stderr is a file)"
}

test_bad_rotation_options_are_one_line_errors() {
	require_juris || return 1
	expect_one_line_error "invalid --events-max-size" "$JURIS" run --pin-dir "$TEST_PIN" \
		--events-max-size 10 &&
	expect_one_line_error "invalid --events-keep" "$JURIS" run --pin-dir "$TEST_PIN" \
		--events-keep many
}

run_tests
