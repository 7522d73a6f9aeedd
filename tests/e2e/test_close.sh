#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end: a policy switch closes the open connections of the watched
# processes that it newly blocks (socket iterators, bpf_sock_destroy()):
# the client's wait ends at once with an error and an event says so, while
# a connection the new policy allows stays open. The iterators see the
# sockets of the daemon's network namespace: juris runs in the client's,
# as it runs in the host's beside the services it watches.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"

# hold_open ADDR NAME: a client in the test cgroup connects to ADDR's
# holding port and waits on the connection; $TEST_TMP/NAME gets how the
# wait ended. Returns once connected.
hold_open() {
	in_cg_ns_bg client "$PY" "$E2E_DIR/client.py" hold "$1" "$HOLD_PORT" "$TEST_TMP/$2"
	wait_until 5 test -e "$TEST_TMP/$2.ready" || fail "no connection to $1 held open"
}

# juris_start_beside [RUN OPTIONS...]: juris_start, the daemon in the
# client's network namespace (nsenter keeps /sys, and with it bpffs).
juris_start_beside() {
	local real=$JURIS ret
	printf '#!/bin/sh\nexec nsenter --net=/run/netns/%s %s "$@"\n' "$(ns client)" "$real" \
		> "$TEST_TMP/juris-beside"
	chmod +x "$TEST_TMP/juris-beside"
	JURIS=$TEST_TMP/juris-beside
	juris_start "$@"
	ret=$?
	JURIS=$real
	return $ret
}

# policy MODE [EXTRA]: writes the test's policy file.
policy() {
	mkdir -p "$TEST_TMP"
	printf 'db = %s\nmode = %s\nallow = eu\n%s' "$TEST_DB" "$1" "${2:-}" > "$TEST_TMP/juris.conf"
}

test_reload_to_enforce_closes_an_open_connection_to_a_denied_destination_at_once() {
	local t0 res when ev=$TEST_TMP/events
	policy audit
	topology && juris_start_beside -c "$TEST_TMP/juris.conf" --events "$ev" || return 1
	grep -q 'open connections will not be closed' "$TEST_TMP/juris.log" &&
		{ fail "the socket iterators did not load: $(cat "$TEST_TMP/juris.log")"; return 1; }
	hold_open "$THIRD4" third && hold_open "$FR4" fr && hold_open "$THIRD6" third6 || return 1
	policy enforce
	t0=$(date +%s.%N)
	assert_ok "$JURIS" reload --pin-dir "$TEST_PIN" || return 1
	wait_until 2 test -e "$TEST_TMP/third" || fail "the connection to $THIRD4 is still open" ||
		return 1
	read -r res when < "$TEST_TMP/third"
	echo "client to $THIRD4: $res, $(awk -v a="$when" -v b="$t0" 'BEGIN { printf "%.3f", a - b }') s after the reload began"
	assert_eq "$res" ECONNABORTED "how the wait on $THIRD4 ended" &&
	assert_num "$(awk -v a="$when" -v b="$t0" 'BEGIN { print (a - b < 1) }')" "==" 1 \
		"closed within a second of the reload" &&
	wait_until 2 test -e "$TEST_TMP/third6" || fail "the connection to $THIRD6 is still open" ||
		return 1
	assert_eq "$(cut -d' ' -f1 "$TEST_TMP/third6")" ECONNABORTED "how the wait on $THIRD6 ended" &&
	sleep 1 &&
	assert_eq "$(test -e "$TEST_TMP/fr" && cat "$TEST_TMP/fr")" "" \
		"the connection to $FR4 (allowed) stays open" || return 1
	wait_until 5 grep -q '"closed":true' "$ev" || fail "no event for the closed connections" ||
		return 1
	assert_eq "$(grep '"closed":true' "$ev" | while read -r line; do json_get '[d["event"]["action"], d["destination"]["ip"], d["destination"]["port"], d["network"]["transport"], d["juris"]["zone"], d["juris"]["hook"], d["process"]["name"]]' <<< "$line"; done | sort | tr '\n' ' ')" \
		"[\"blocked\", \"$THIRD4\", $HOLD_PORT, \"tcp\", \"third\", \"iter/tcp\", \"python3\"] [\"blocked\", \"$THIRD6\", $HOLD_PORT, \"tcp\", \"third\", \"iter/tcp\", \"python3\"] " \
		"events of the closed connections" &&
	assert_contains "$(juris_status_json | json_get 'd["last_reload"]["message"]')" \
		"2 open connections closed" "the reload's answer"
}

test_reload_that_denies_nothing_new_closes_nothing() {
	policy enforce
	topology && juris_start_beside -c "$TEST_TMP/juris.conf" || return 1
	hold_open "$FR4" fr && hold_open "$EU4" eu || return 1
	policy enforce 'unknown = deny
'
	assert_ok "$JURIS" reload --pin-dir "$TEST_PIN" && sleep 1 &&
	assert_eq "$(cat "$TEST_TMP/fr" "$TEST_TMP/eu" 2>/dev/null)" "" "allowed connections after the reload" &&
	assert_contains "$(juris_status_json | json_get 'd["last_reload"]["message"]')" \
		"0 open connections closed" "the reload's answer"
}

test_sighup_closes_a_connected_udp_socket_to_a_denied_destination() {
	local ev=$TEST_TMP/events
	policy audit
	topology && juris_start_beside -c "$TEST_TMP/juris.conf" --events "$ev" || return 1
	in_cg_ns_bg client "$PY" "$E2E_DIR/client.py" udp-early "$THIRD4" "$PORT" \
		"$TEST_TMP/udp.ready" "$TEST_TMP/udp.go"
	wait_until 5 test -e "$TEST_TMP/udp.ready" || fail "no UDP socket" || return 1
	policy enforce
	kill -HUP "$JURIS_PID"
	wait_until 5 grep -q '"closed":true' "$ev" || fail "no event for the closed UDP socket" ||
		return 1
	assert_eq "$(grep '"closed":true' "$ev" | json_get '[d["destination"]["ip"], d["network"]["transport"], d["juris"]["hook"]]')" \
		"[\"$THIRD4\", \"udp\", \"iter/udp\"]" "event of the closed UDP socket"
}

run_tests
