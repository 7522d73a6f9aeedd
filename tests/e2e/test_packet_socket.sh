#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end: frames a watched process writes through an AF_PACKET socket,
# plain or with PACKET_QDISC_BYPASS, never pass the cgroup hooks; the BPF
# LSM refuses the socket (or the send) in enforce mode and reports it, with
# the process, in audit mode. Where the kernel lists the BPF LSM but refuses
# its programs, the socket() system call is watched instead, and enforce
# mode kills the process before its first frame.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"

UDP_PORT=9

# cover: how the running juris judges packet sockets: lsm or syscall.
cover() {
	juris_status_json | json_get 'd["packet_sockets"]'
}

# refused: what packet_send.py says when juris stops it: EPERM at socket()
# with the BPF LSM, killed by the fallback.
refused() {
	case $(cover) in lsm) echo "EPERM socket" ;; *) echo KILLED ;; esac
}

# packet_topology: topology, a UDP counter on the server at THIRD4, and
# the server's MAC in SERVER_MAC.
packet_topology() {
	[ "$(uname -m)" = x86_64 ] || skip "the packet-socket fallback is x86_64 only"
	topology || return 1
	SERVER_MAC=$(ns_exec server cat /sys/class/net/js0/address) || return 1
	bg_run ns_exec server "$PY" "$E2E_DIR/udp_count.py" recv "$UDP_PORT" "$TEST_TMP/recv.stop" \
		"$TEST_TMP/recv.json" "$THIRD4"
	wait_until 5 test -e "$TEST_TMP/recv.json.ready" ||
		fail "UDP counter did not start" || return 1
}

# frames BYPASS COUNT [CGROUP]: packet_send.py from the test cgroup and the
# client namespace, to THIRD4 (third country); prints its result.
frames() {
	in_cg_ns client "$PY" "$E2E_DIR/packet_send.py" jc0 "$SERVER_MAC" 203.0.113.1 "$THIRD4" \
		"$UDP_PORT" "$@"
	[ $? = 137 ] && echo KILLED
}

# received: datagrams the server got at THIRD4 (stops the counter).
received() {
	touch "$TEST_TMP/recv.stop"
	wait_until 5 test -s "$TEST_TMP/recv.json" || { echo "no count"; return 1; }
	json_get 'd[a[0]]' "$THIRD4" < "$TEST_TMP/recv.json"
}

test_packet_frames_to_a_denied_address_are_refused_plain_and_bypass_in_enforce_mode() {
	local ev
	packet_topology || return 1
	# Without juris both frames arrive: what follows is juris's doing.
	assert_eq "$(frames 0 1)" "OK 1" "plain frame before juris" &&
	assert_eq "$(frames 1 1)" "OK 1" "bypass frame before juris" || return 1
	juris_start --mode enforce --allow eu --events "$TEST_TMP/events.ndjson" || return 1
	assert_eq "$(frames 0 3)" "$(refused)" "plain AF_PACKET frame" &&
	assert_eq "$(frames 1 3)" "$(refused)" "PACKET_QDISC_BYPASS frame" || return 1
	assert_eq "$(received)" 2 "datagrams at $THIRD4 (the two sent before juris)" || return 1
	assert_num "$(counter packet_sockets_refused)" "==" 2 "packet_sockets_refused" || return 1
	wait_until 5 test "$(grep -c '"type":"packet"' "$TEST_TMP/events.ndjson")" -ge 2 ||
		fail "no packet-socket event: $(cat "$TEST_TMP/events.ndjson")" || return 1
	ev=$(grep -m1 '"type":"packet"' "$TEST_TMP/events.ndjson")
	assert_contains "$ev" '"name":"python3"' "event" &&
	assert_contains "$ev" '"action":"blocked"' "event" &&
	assert_contains "$ev" '"type":"packet"' "event"
}

test_packet_socket_brought_into_the_watched_cgroup_cannot_send() {
	local out
	packet_topology || return 1
	juris_start --mode enforce --allow eu || return 1
	[ "$(cover)" = lsm ] || skip "left open without a usable BPF LSM (juris status says so)"
	# Opened outside the watched cgroup, sent from inside it.
	out=$(ns_exec client "$PY" "$E2E_DIR/packet_send.py" jc0 "$SERVER_MAC" 203.0.113.1 \
		"$THIRD4" "$UDP_PORT" 1 3 "$TEST_CG")
	assert_eq "$out" "EPERM send" "send through a socket opened outside" || return 1
	assert_eq "$(received)" 0 "datagrams at $THIRD4" &&
	assert_num "$(counter packet_sends_refused)" ">=" 1 "packet_sends_refused"
}

test_packet_frames_are_reported_with_the_process_in_audit_mode() {
	packet_topology || return 1
	juris_start --mode audit --allow eu --events "$TEST_TMP/events.ndjson" || return 1
	assert_eq "$(frames 0 2)" "OK 2" "plain frames" &&
	assert_eq "$(frames 1 2)" "OK 2" "bypass frames" || return 1
	assert_num "$(counter packet_sockets_seen)" "==" 2 "packet_sockets_seen" || return 1
	if [ "$(cover)" = lsm ]; then
		assert_num "$(counter packet_sends_seen)" "==" 4 "packet_sends_seen" || return 1
	fi
	wait_until 5 test "$(grep -c '"would_block"' "$TEST_TMP/events.ndjson")" -ge 2 ||
		fail "no would_block packet-socket event: $(cat "$TEST_TMP/events.ndjson")" ||
		return 1
	assert_contains "$(grep -m1 '"type":"packet"' "$TEST_TMP/events.ndjson")" \
		'"name":"python3"' "event"
}

test_status_says_how_packet_sockets_are_covered() {
	packet_topology || return 1
	juris_start --mode enforce || return 1
	assert_match "$(cover)" '^(lsm|syscall)$' "packet_sockets" || return 1
	[ "$(cover)" = lsm ] ||
		assert_contains "$("$JURIS" status --pin-dir "$TEST_PIN")" "LEFT OPEN" "juris status"
}

run_tests
