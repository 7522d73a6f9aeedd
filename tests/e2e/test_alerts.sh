#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end: juris run --syslog alerts through syslog(3), at error for
# blocked and warning for would_block, once per flow however many events.
# juris runs in a private mount namespace whose /dev/log is this test's own
# socket: nothing reaches the host's log.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"

# syslog_capture: a datagram socket standing for /dev/log, each message a
# line of $TEST_TMP/syslog; JURIS becomes a wrapper that runs "juris run"
# with that socket as /dev/log.
syslog_capture() {
	local real=$JURIS
	require_cmd unshare
	# A file, not a here-document: a background job's stdin is /dev/null.
	cat > "$TEST_TMP/syslogd.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as out:
    while True:
        out.write(s.recv(65536).decode(errors="replace").rstrip("\n") + "\n")
        out.flush()
PY
	bg_run $PY "$TEST_TMP/syslogd.py" "$TEST_TMP/log.sock" "$TEST_TMP/syslog"
	wait_until 5 test -S "$TEST_TMP/log.sock" || fail "syslog socket not ready" || return 1
	cat > "$TEST_TMP/juris-wrapper" <<SH
#!/bin/sh
if [ "\$1" = run ]; then
	exec unshare -m --propagation private sh -c \
		'mount -t tmpfs tmpfs /dev && ln -s "$TEST_TMP/log.sock" /dev/log && exec "\$0" "\$@"' \
		"$real" "\$@"
fi
exec "$real" "\$@"
SH
	chmod +x "$TEST_TMP/juris-wrapper"
	JURIS=$TEST_TMP/juris-wrapper
}

# alerts_matching REGEX: the number of captured lines that match.
alerts_matching() {
	grep -cE -- "$1" "$TEST_TMP/syslog" 2>/dev/null
}

test_blocked_connects_alert_once_at_error_level() {
	local i
	topology && syslog_capture && juris_start --mode enforce --syslog || return 1
	for i in 1 2 3 4 5; do
		connect_is "$THIRD4" EPERM || return 1
	done
	connect_is "$FR4" OK || return 1
	# <27> is LOG_DAEMON | LOG_ERR.
	wait_until 5 sh -c "grep -q 'blocked tcp $THIRD4:$PORT' '$TEST_TMP/syslog'" ||
		fail "no alert for $THIRD4 in: $(cat "$TEST_TMP/syslog" 2>/dev/null)" || return 1
	sleep 0.5
	sed 's/^/  syslog: /' "$TEST_TMP/syslog" >&2
	assert_eq "$(alerts_matching "^<27>.*juris\[$JURIS_PID\]: blocked tcp $THIRD4:$PORT country US zone third pid [0-9]+ \(python3\)")" \
		1 "alerts for 5 blocked connects to $THIRD4" &&
	assert_eq "$(alerts_matching "$FR4")" 0 "alerts for the allowed $FR4"
}

test_would_block_alerts_at_warning_level() {
	topology && syslog_capture && juris_start --mode audit --syslog || return 1
	connect_is "$THIRD6" OK || return 1
	# <28> is LOG_DAEMON | LOG_WARNING.
	wait_until 5 sh -c "grep -q '^<28>.*would_block tcp \[$THIRD6\]:$PORT' '$TEST_TMP/syslog'" ||
		fail "no warning for $THIRD6 in: $(cat "$TEST_TMP/syslog" 2>/dev/null)"
}

test_without_syslog_nothing_is_logged() {
	topology && syslog_capture && juris_start --mode enforce || return 1
	connect_is "$THIRD4" EPERM && sleep 0.5 || return 1
	assert_eq "$(alerts_matching .)" 0 "syslog lines without --syslog"
}

run_tests
