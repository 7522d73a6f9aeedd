#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end: juris run on a test cgroup decides, counts and reports the real
# egress of a process in that cgroup (network namespaces, veth, documentation
# addresses of the test database).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"

test_eu_destinations_pass_in_enforce_mode() {
	topology && juris_start --mode enforce || return 1
	connect_is "$FR4" OK && connect_is "$EU4" OK && udp_is "$FR4" OK && udp_is "$EU4" OK
}

test_connect_to_third_country_fails_with_eperm_within_100ms() {
	topology && juris_start --mode enforce || return 1
	connect_is "$THIRD4" EPERM 0.1 && connect_is "$THIRD4B" EPERM 0.1 &&
	assert_num "$(counter connect_blocked)" ">=" 2 "counters.connect_blocked"
}

test_udp_sendto_third_country_fails_with_eperm() {
	topology && juris_start --mode enforce || return 1
	udp_is "$THIRD4" EPERM && udp_is "$THIRD4B" EPERM &&
	assert_num "$(counter sendmsg_blocked)" ">=" 2 "counters.sendmsg_blocked"
}

test_ipv6_eu_passes_and_third_country_fails_with_eperm() {
	topology && juris_start --mode enforce || return 1
	connect_is "$FR6" OK && connect_is "$EU6" OK && udp_is "$FR6" OK &&
	connect_is "$THIRD6" EPERM 0.1 && udp_is "$THIRD6" EPERM
}

test_ipv4_mapped_destination_of_an_ipv6_socket_is_judged_as_ipv4() {
	topology && juris_start --mode enforce || return 1
	connect_is "::ffff:$FR4" OK && connect_is "::ffff:$THIRD4" EPERM 0.1 &&
	udp_is "::ffff:$THIRD4" EPERM
}

test_allow_fr_blocks_the_rest_of_the_eu() {
	topology && juris_start --mode enforce --allow fr || return 1
	connect_is "$FR4" OK && connect_is "$EU4" EPERM && connect_is "$EU6" EPERM
}

test_unknown_destination_is_allowed_by_default() {
	topology && juris_start --mode enforce || return 1
	connect_is "$UNKNOWN4" OK && connect_is "$UNKNOWN6" OK
}

test_unknown_destination_is_denied_with_unknown_deny() {
	topology && juris_start --mode enforce --unknown deny || return 1
	connect_is "$UNKNOWN4" EPERM 0.1 && connect_is "$UNKNOWN6" EPERM 0.1 &&
	udp_is "$UNKNOWN4" EPERM && connect_is "$FR4" OK
}

test_except_prefix_lets_a_third_country_through() {
	topology && juris_start --mode enforce --except 198.51.100.0/24 || return 1
	connect_is "$THIRD4B" OK && udp_is "$THIRD4B" OK &&
	connect_is "$THIRD4" EPERM && connect_is "$THIRD6" EPERM
}

test_audit_mode_lets_everything_through_and_counts_would_block() {
	local j
	topology && juris_start --mode audit || return 1
	connect_is "$THIRD4" OK && connect_is "$THIRD6" OK && udp_is "$THIRD4B" OK &&
	connect_is "$FR4" OK || return 1
	j=$(juris_status_json) || fail "juris status --json failed" || return 1
	assert_eq "$(json_get 'd["mode"]' <<< "$j")" audit "mode" &&
	assert_num "$(total third would_block packets)" ">=" 3 "third/would_block packets" &&
	assert_num "$(total third would_block flows)" ">=" 3 "third/would_block flows" &&
	assert_num "$(total third block packets)" "==" 0 "third/block packets" &&
	assert_num "$(total fr allow packets)" ">=" 1 "fr/allow packets" &&
	assert_num "$(counter connect_blocked)" "==" 0 "counters.connect_blocked" &&
	assert_num "$(counter sendmsg_blocked)" "==" 0 "counters.sendmsg_blocked"
}

test_socket_opened_before_juris_is_stopped_at_packet_level() {
	local res
	topology || return 1
	# A connected UDP socket skips the sendmsg hook: only cgroup_skb sees it.
	in_cg_ns client "$PY" "$E2E_DIR/client.py" udp-early "$THIRD4" "$PORT" \
		"$TEST_TMP/early.ready" "$TEST_TMP/early.go" > "$TEST_TMP/early.out" 2>&1 &
	wait_until 5 test -e "$TEST_TMP/early.ready" || fail "early client not ready" || return 1
	juris_start --mode enforce || return 1
	touch "$TEST_TMP/early.go"
	wait_until 10 test -s "$TEST_TMP/early.out" || fail "early client did not finish" || return 1
	read -r res _ < "$TEST_TMP/early.out"
	assert_eq "$res" EPERM "send() on a UDP socket connected before juris started" &&
	assert_num "$(counter packets_blocked)" ">=" 1 "counters.packets_blocked" &&
	assert_num "$(total third block packets)" ">=" 1 "third/block packets"
}

# ICMP echo: counted and refused like any other protocol (by the socket
# hooks for ping sockets, by the packet hook for raw ones).
test_icmp_echo_to_third_country_is_refused_and_counted() {
	local p
	require_cmd ping
	topology && juris_start --mode enforce || return 1
	in_cg_ns client ping -n -c 2 -i 0.2 -W 1 "$EU4" > /dev/null 2>&1 ||
		fail "ping to the EU address failed under enforce" || return 1
	if in_cg_ns client ping -n -c 2 -i 0.2 -W 1 "$THIRD4" > /dev/null 2>&1; then
		fail "ping to a third country got an answer under enforce"
		return 1
	fi
	in_cg_ns client ping -6 -n -c 1 -W 1 "$THIRD6" > /dev/null 2>&1 &&
		{ fail "IPv6 ping to a third country got an answer under enforce"; return 1; }
	p=$(total eu allow packets) || return 1
	juris_status_json | json_get 'd["counters"]' >&2
	assert_num "$p" ">=" 2 "eu/allow packets (echo requests)" &&
	assert_num "$(total third block flows)" ">=" 2 "third/block flows (IPv4 and IPv6)" &&
	assert_num $(($(counter packets_blocked) + $(counter sendmsg_blocked) + $(counter connect_blocked))) \
		">=" 2 "echo sockets or packets refused (IPv4 and IPv6)"
}

# bytes_counted FAMILY_OVERHEAD ADDR: sends 20 datagrams of 1000 bytes to an
# allowed ADDR; the fr/allow totals show exactly those.
bytes_counted() {
	local overhead=$1 addr=$2 size=1000 count=20 p b f
	topology && juris_start --mode enforce || return 1
	udp_is "$addr" OK "$size" "$count" || return 1
	p=$(total fr allow packets) && b=$(total fr allow bytes) && f=$(total fr allow flows) ||
		fail "juris status --json failed" || return 1
	echo "fr/allow: $p packets, $b bytes, $f flows" >&2
	assert_num "$p" "==" "$count" "fr/allow packets" &&
	assert_num "$b" ">=" $((size * count)) "fr/allow bytes" &&
	assert_num "$b" "<=" $(((size + overhead) * count)) "fr/allow bytes (payload + headers)" &&
	assert_num "$f" "==" 1 "fr/allow flows"
}

test_udp_byte_counters_match_what_was_sent() {
	bytes_counted 28 "$FR4"		# IPv4 and UDP headers
}

test_udp_byte_counters_match_what_was_sent_over_ipv6() {
	bytes_counted 48 "$FR6"		# IPv6 and UDP headers
}

test_status_json_describes_policy_hooks_and_database() {
	local j db
	topology && juris_start --mode enforce --allow eu --unknown deny || return 1
	j=$(juris_status_json) || fail "juris status --json failed" || return 1
	db=$(realpath "$TEST_DB")
	assert_eq "$(json_get 'd["mode"]' <<< "$j")" enforce "mode" &&
	assert_eq "$(json_get 'd["allow"]' <<< "$j")" eu "allow" &&
	assert_eq "$(json_get 'd["unknown"]' <<< "$j")" deny "unknown" &&
	assert_eq "$(json_get 'd["daemon_running"]' <<< "$j")" true "daemon_running" &&
	assert_eq "$(json_get 'd["daemon_pid"]' <<< "$j")" "$JURIS_PID" "daemon_pid" &&
	assert_eq "$(realpath "$(json_get 'd["database"]["path"]' <<< "$j")")" "$db" "database.path" &&
	assert_num "$(json_get 'd["database"]["build_epoch"]' <<< "$j")" ">" 0 "database.build_epoch" &&
	assert_num "$(json_get 'd["database"]["age_days"]' <<< "$j")" ">=" 0 "database.age_days" &&
	assert_eq "$(json_get 'sorted(set(h["cgroup"] for h in d["hooks"] if "cgroup" in h))' <<< "$j")" \
		"[\"$(dirname "$TEST_CG")\"]" "cgroups of the hooks (the watched one's parent)" &&
	assert_num "$(json_get 'len(d["hooks"])' <<< "$j")" ">=" 5 "number of hooks" &&
	assert_eq "$(json_get 'sorted(k for k in ["ringbuf_drops", "flow_evictions", "flows_in_table",
		"connect_blocked", "sendmsg_blocked", "packets_blocked"] if k not in d["counters"])' <<< "$j")" \
		"[]" "counters missing from status" &&
	hooks_attached_once
}

test_status_text_output_and_exit_status() {
	topology || return 1
	"$JURIS" status --pin-dir "$TEST_PIN" > /dev/null 2>&1
	assert_eq "$?" 1 "exit status of juris status with nothing running" || return 1
	juris_start --mode audit || return 1
	assert_ok "$JURIS" status --pin-dir "$TEST_PIN"
}

# event_matching ACTION ADDR: the first NDJSON event of $TEST_TMP/events
# with that event.action and destination.ip, printed as JSON.
event_matching() {
	$PY - "$TEST_TMP/events" "$1" "$2" <<'PY'
import json, sys
path, action, ip = sys.argv[1:]
for line in open(path):
    e = json.loads(line)
    if e.get("event", {}).get("action") == action and e.get("destination", {}).get("ip") == ip:
        print(json.dumps(e))
        sys.exit(0)
sys.exit(1)
PY
}

# event_names_the_process ACTION ADDR PID: the event shows the destination
# port and the process that sent.
event_names_the_process() {
	local e
	wait_until 5 event_matching "$1" "$2" ||
		fail "no event.action=$1 for $2 in the event file" || {
		sed 's/^/  event: /' "$TEST_TMP/events" >&2
		return 1
	}
	e=$(event_matching "$1" "$2")
	assert_eq "$(json_get 'd["destination"]["port"]' <<< "$e")" "$PORT" "destination.port" &&
	assert_eq "$(json_get 'd["process"]["pid"]' <<< "$e")" "$3" "process.pid" &&
	assert_eq "$(json_get 'd["process"]["name"]' <<< "$e")" python3 "process.name"
}

test_blocked_connect_is_an_event_naming_the_process() {
	local out res pid
	topology && juris_start --mode enforce --events "$TEST_TMP/events" || return 1
	out=$(client tcp "$THIRD4" "$PORT")
	read -r res _ pid <<< "$out"
	assert_eq "$res" EPERM "TCP connect to $THIRD4" &&
	event_names_the_process blocked "$THIRD4" "$pid" || return 1
	# Every line is a JSON object.
	$PY -c 'import json, sys; [json.loads(l) for l in open(sys.argv[1])]' "$TEST_TMP/events" ||
		fail "the event file is not NDJSON"
}

test_audit_mode_event_says_would_block() {
	local out res pid
	topology && juris_start --mode audit --events "$TEST_TMP/events" || return 1
	out=$(client tcp "$THIRD6" "$PORT")
	read -r res _ pid <<< "$out"
	assert_eq "$res" OK "TCP connect to $THIRD6" &&
	event_names_the_process would_block "$THIRD6" "$pid"
}

run_tests
