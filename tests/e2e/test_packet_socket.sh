#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end: frames a watched process writes through an AF_PACKET socket,
# plain or with PACKET_QDISC_BYPASS, never pass the cgroup hooks; the BPF
# LSM refuses the socket (or the send) in enforce mode and reports it, with
# the process, in audit mode. Where the kernel lists the BPF LSM but refuses
# its programs, the socket() system call is watched instead, and enforce
# mode kills the process before its first frame. Without a usable BPF LSM,
# the tc egress backstop on the uplinks judges the frames of watched packet
# sockets by destination: the backstop tests run juris in the client
# namespace, whose default route leaves by jc0.
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
	# Opened outside the watched cgroup, sent from inside it (nsenter: ip
	# netns exec remounts /sys, and the cgroup tree with it).
	out=$(nsenter --net="/run/netns/$(ns client)" "$PY" "$E2E_DIR/packet_send.py" jc0 \
		"$SERVER_MAC" 203.0.113.1 "$THIRD4" "$UDP_PORT" 1 3 "$TEST_CG")
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
	assert_match "$(cover)" '^(lsm|syscall|syscall\+tc)$' "packet_sockets" || return 1
	[ "$(cover)" = lsm ] ||
		assert_contains "$("$JURIS" status --pin-dir "$TEST_PIN")" "LEFT OPEN" "juris status"
}

# backstop_topology [SERVER ADDRESSES...]: packet_topology with a default
# route in the client namespace (jc0: the backstop's uplink) and juris run
# there; the server counts UDP at THIRD4 and the addresses given. Skips
# where the BPF LSM covers packet sockets: no backstop there.
backstop_topology() {
	[ "$(uname -m)" = x86_64 ] || skip "the packet-socket fallback is x86_64 only"
	topology || return 1
	ns_exec client ip route add default via 203.0.113.2 || return 1
	SERVER_MAC=$(ns_exec server cat /sys/class/net/js0/address) || return 1
	bg_run ns_exec server "$PY" "$E2E_DIR/udp_count.py" recv "$UDP_PORT" "$TEST_TMP/recv.stop" \
		"$TEST_TMP/recv.json" "$THIRD4" "$@"
	wait_until 5 test -e "$TEST_TMP/recv.json.ready" ||
		fail "UDP counter did not start" || return 1
	JURIS_NETNS=client
}

# brought_in DST BYPASS COUNT: frames to DST through a socket opened outside
# the test cgroup, the sender moved into it before sending: the socket()
# fallback never sees such a socket; prints packet_send.py's result. nsenter:
# ip netns exec remounts /sys, and the cgroup tree with it.
brought_in() {
	nsenter --net="/run/netns/$(ns client)" "$PY" "$E2E_DIR/packet_send.py" jc0 "$SERVER_MAC" 203.0.113.1 "$1" \
		"$UDP_PORT" "$2" "$3" "$TEST_CG"
}

# received_at ADDR: datagrams the server got at ADDR (stops the counter).
received_at() {
	touch "$TEST_TMP/recv.stop"
	wait_until 5 test -s "$TEST_TMP/recv.json" || { echo "no count"; return 1; }
	json_get 'd[a[0]]' "$1" < "$TEST_TMP/recv.json"
}

# backstop_event ADDR: the first packet-socket event naming destination ADDR.
backstop_event() {
	wait_until 5 grep -q "\"ip\":\"$1\".*\"type\":\"packet\"" "$TEST_TMP/events.ndjson" ||
		{ cat "$TEST_TMP/events.ndjson" >&2; return 1; }
	grep -m1 "\"ip\":\"$1\".*\"type\":\"packet\"" "$TEST_TMP/events.ndjson"
}

test_backstop_drops_a_packet_socket_frame_to_a_denied_address_in_enforce_mode() {
	local ev
	backstop_topology || return 1
	juris_start --mode enforce --allow eu --events "$TEST_TMP/events.ndjson" || return 1
	[ "$(cover)" != lsm ] || skip "the BPF LSM refuses packet sockets here: no backstop"
	assert_eq "$(brought_in "$THIRD4" 0 3)" "ENOBUFS send" "frames to $THIRD4" || return 1
	assert_eq "$(received_at "$THIRD4")" 0 "datagrams at $THIRD4" || return 1
	assert_num "$(counter packet_sends_refused)" ">=" 1 "packet_sends_refused" || return 1
	ev=$(backstop_event "$THIRD4") || fail "no event with destination $THIRD4" || return 1
	assert_contains "$ev" '"action":"blocked"' "event" &&
	assert_contains "$ev" '"hook":"tc/egress"' "event" &&
	assert_contains "$ev" '"name":"python3"' "event" &&
	assert_contains "$ev" '"zone":"third"' "event"
}

test_backstop_reports_a_packet_socket_frame_to_a_denied_address_in_audit_mode() {
	local ev
	backstop_topology || return 1
	juris_start --mode audit --allow eu --events "$TEST_TMP/events.ndjson" || return 1
	[ "$(cover)" != lsm ] || skip "the BPF LSM refuses packet sockets here: no backstop"
	assert_eq "$(frames 0 2)" "OK 2" "plain frames from the watched cgroup" || return 1
	assert_eq "$(received_at "$THIRD4")" 2 "datagrams at $THIRD4" || return 1
	assert_num "$(counter packet_sends_seen)" ">=" 2 "packet_sends_seen" || return 1
	ev=$(backstop_event "$THIRD4") || fail "no event with destination $THIRD4" || return 1
	assert_contains "$ev" '"action":"would_block"' "event" &&
	assert_contains "$ev" '"hook":"tc/egress"' "event" &&
	assert_contains "$ev" '"name":"python3"' "event"
}

test_backstop_lets_a_packet_socket_frame_to_an_allowed_address_through() {
	backstop_topology "$EU4" || return 1
	juris_start --mode enforce --allow eu || return 1
	[ "$(cover)" != lsm ] || skip "the BPF LSM refuses packet sockets here: no backstop"
	assert_eq "$(brought_in "$EU4" 0 2)" "OK 2" "frames to $EU4" || return 1
	assert_eq "$(received_at "$EU4")" 2 "datagrams at $EU4"
}

test_status_says_the_backstop_leaves_qdisc_bypass_frames_open() {
	local st
	backstop_topology || return 1
	juris_start --mode enforce --allow eu || return 1
	[ "$(cover)" != lsm ] || skip "the BPF LSM refuses packet sockets here: no backstop"
	assert_eq "$(cover)" "syscall+tc" "packet_sockets" || return 1
	assert_contains "$(juris_status_json | json_get 'd["packet_sockets_left_open"]')" \
		PACKET_QDISC_BYPASS "packet_sockets_left_open" || return 1
	st=$(juris_netns "$JURIS" status --pin-dir "$TEST_PIN")
	assert_contains "$st" "LEFT OPEN: PACKET_QDISC_BYPASS" "juris status" &&
	assert_contains "$st" "tc/egress" "juris status" || return 1
	# What it says is so: such a frame skips tc, judged by nothing.
	assert_eq "$(brought_in "$THIRD4" 1 1)" "OK 1" "PACKET_QDISC_BYPASS frame" &&
	assert_eq "$(received_at "$THIRD4")" 1 "datagrams at $THIRD4 (left open)" &&
	assert_num "$(counter packet_sends_refused)" "==" 0 "packet_sends_refused (bypass)"
}

test_backstop_filter_is_adopted_on_restart_and_removed_by_stop() {
	local before
	backstop_topology || return 1
	juris_start --mode enforce --allow eu || return 1
	[ "$(cover)" != lsm ] || skip "the BPF LSM refuses packet sockets here: no backstop"
	before=$(ns_exec client tc filter show dev jc0 egress)
	assert_contains "$before" "juris_packet_tc" "tc filters on jc0 egress" || return 1
	kill -KILL "$JURIS_PID"
	juris_wait_exit || return 1
	juris_start --mode enforce --allow eu || return 1
	assert_contains "$(cat "$TEST_TMP/juris.log")" "adopting" "juris.log" &&
	assert_eq "$(ns_exec client tc filter show dev jc0 egress)" "$before" \
		"tc filters after the restart" &&
	assert_eq "$(cover)" "syscall+tc" "packet_sockets" || return 1
	assert_eq "$(brought_in "$THIRD4" 0 1)" "ENOBUFS send" "frame after the restart" || return 1
	juris_netns "$JURIS" stop --pin-dir "$TEST_PIN" > /dev/null 2>&1 ||
		fail "juris stop failed" || return 1
	assert_eq "$(ns_exec client tc filter show dev jc0 egress)" "" "tc filters after juris stop"
}

test_unknown_uplink_is_a_one_line_error() {
	backstop_topology || return 1
	expect_one_line_error "unknown interface: nosuch0" \
		nsenter --net="/run/netns/$(ns client)" "$JURIS" run --pin-dir "$TEST_PIN" \
		--cgroup "$TEST_CG" --db "$TEST_DB" --uplink nosuch0 || return 1
	assert_fails test -e "$TEST_PIN/prog_packet_tc"
}

run_tests
