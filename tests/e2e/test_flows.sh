#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end: flows are connections. Two processes to one destination are
# two rows and two events, each named; bytes keep the verdict under which
# they went across a reload; rows, events and lookup say why (reason).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"
JT_TIMEOUT=120

EEA4=192.0.2.200	# NO, zone eea (tests/data/README.md)

report() {
	"$JURIS" report --pin-dir "$TEST_PIN" "$@"
}

# policy KEY=VALUE...: writes the test's policy file $TEST_TMP/juris.conf.
policy() {
	local kv
	{
		for kv; do
			printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"
		done
	} > "$TEST_TMP/juris.conf.tmp" && mv "$TEST_TMP/juris.conf.tmp" "$TEST_TMP/juris.conf"
}

# events_to ADDR: the events of $TEST_TMP/events whose destination is ADDR,
# as a JSON list of [process name, pid, action, reason].
events_to() {
	$PY - "$TEST_TMP/events" "$1" <<'PY'
import json, sys
out = []
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("destination", {}).get("ip") == sys.argv[2]:
        p = e.get("process", {})
        out.append([p.get("name"), p.get("pid"), e["event"]["action"], e["juris"].get("reason")])
print(json.dumps(sorted(out)))
PY
}

# events_count_is ADDR N: there are N events to ADDR.
events_count_is() {
	[ -s "$TEST_TMP/events" ] && [ "$(events_to "$1" | json_get 'len(d)')" = "$2" ]
}

# phases ADDR SIZE COUNT: starts client.py udp-phases in the background
# (COUNT datagrams, then COUNT more once $TEST_TMP/go exists) and waits
# until the first COUNT are sent. Sets PHASES_PID.
phases() {
	rm -f "$TEST_TMP/ready" "$TEST_TMP/go"
	in_cg_ns_bg client "$PY" "$E2E_DIR/client.py" udp-phases "$1" "$PORT" "$2" "$3" \
		"$TEST_TMP/ready" "$TEST_TMP/go" > "$TEST_TMP/phases.out" 2>&1
	PHASES_PID=$BG_PID
	wait_until 10 test -e "$TEST_TMP/ready" || fail "udp-phases client not ready"
}

# phases_end: lets the client of phases() send its second half and waits
# for it to exit; prints its result (OK, EPERM...).
phases_end() {
	touch "$TEST_TMP/go"
	wait_until 20 pid_gone "$PHASES_PID" || fail "udp-phases client still running" || return 1
	read -r res _ < "$TEST_TMP/phases.out"
	echo "$res"
}

# rows_to ADDR: the flow rows to ADDR as [verdict, packets, bytes, command]
# sorted, from juris report --by flow --format json.
rows_to() {
	report --by flow --format json |
		json_get 'sorted([r["verdict"], r["packets"], r["bytes"], r["command"]]
			for r in d["rows"] if r["destination"] == a[0])' "$1"
}

test_two_processes_in_one_cgroup_to_one_destination_are_two_rows_and_two_events() {
	local j
	topology && juris_start --mode audit --events "$TEST_TMP/events" || return 1
	# bash's /dev/udp and a Python client: two commands, one destination.
	in_cg_ns client bash -c "echo hello > /dev/udp/$THIRD4/$PORT" || fail "bash send" || return 1
	udp_is "$THIRD4" OK 100 3 || return 1
	wait_until 5 events_count_is "$THIRD4" 2 ||
		fail "events to $THIRD4: $(events_to "$THIRD4"), want one per process" || return 1
	assert_eq "$(events_to "$THIRD4" | json_get '[[e[0], e[2], e[3]] for e in d]')" \
		'[["bash", "would_block", "zone"], ["python3", "would_block", "zone"]]' \
		"events to $THIRD4 (name, action, reason)" &&
	assert_eq "$(events_to "$THIRD4" | json_get 'len(set(e[1] for e in d))')" 2 \
		"distinct pids in the events" || return 1
	# Both processes have exited: their sockets' last counts are in.
	assert_eq "$(rows_to "$THIRD4")" \
		'[["would_block", 1, 34, "bash"], ["would_block", 3, 384, "python3"]]' \
		"flow rows to $THIRD4 (verdict, packets, bytes, command)" || return 1
	j=$(report --by process --format json) || return 1
	assert_eq "$(json_get 'sorted([r["command"], r["bytes"]] for r in d["rows"]
		if r["verdict"] == "would_block")' <<< "$j")" '[["bash", 34], ["python3", 384]]' \
		"would_block rows of report --by process"
}

test_audit_bytes_keep_would_block_after_a_switch_to_enforce() {
	local res
	topology || return 1
	policy "db=$TEST_DB" mode=audit allow=eu
	juris_start -c "$TEST_TMP/juris.conf" || return 1
	phases "$THIRD4" 200 4 || return 1
	policy "db=$TEST_DB" mode=enforce allow=eu
	"$JURIS" reload --pin-dir "$TEST_PIN" > /dev/null 2>&1 || fail "juris reload failed" || return 1
	res=$(phases_end) || return 1
	assert_eq "$res" EPERM "the connected socket's sends after the switch" &&
	# 228 bytes a datagram: 200 of payload, 8 of UDP, 20 of IPv4.
	assert_eq "$(rows_to "$THIRD4")" \
		'[["block", 4, 912, "python3"], ["would_block", 4, 912, "python3"]]' \
		"rows of the connection: the audited bytes stay would_block" &&
	assert_eq "$(total third would_block bytes)" 912 "third/would_block bytes of the totals" &&
	assert_eq "$(total third block bytes)" 912 "third/block bytes of the totals"
}

test_traffic_that_left_the_policy_keeps_its_verdict_after_allow_eea() {
	local res
	topology && ns_exec server ip addr add "$EEA4/32" dev lo || return 1
	policy "db=$TEST_DB" mode=audit allow=eu
	juris_start -c "$TEST_TMP/juris.conf" || return 1
	phases "$EEA4" 100 3 || return 1
	policy "db=$TEST_DB" mode=audit allow=eea
	"$JURIS" reload --pin-dir "$TEST_PIN" > /dev/null 2>&1 || fail "juris reload failed" || return 1
	res=$(phases_end) || return 1
	assert_eq "$res" OK "sends after the switch" &&
	assert_eq "$(rows_to "$EEA4")" \
		'[["allow", 3, 384, "python3"], ["would_block", 3, 384, "python3"]]' \
		"rows of the connection: what left the policy stays would_block"
}

test_reasons_on_rows_events_and_lookup() {
	local j c
	topology && juris_start --mode audit --except "$THIRD4B/32" --events "$TEST_TMP/events" ||
		return 1
	udp_is "$FR4" OK 100 1 && udp_is "$THIRD4" OK 100 1 && udp_is "$UNKNOWN4" OK 100 1 &&
		udp_is "$THIRD4B" OK 100 1 || return 1
	j=$(report --by flow --format json) || return 1
	assert_eq "$(json_get '{r["destination"]: [r["verdict"], r["reason"]] for r in d["rows"]}' \
		<<< "$j")" "$(printf '{"%s": ["allow", "zone"], "%s": ["would_block", "zone"], "%s": ["allow", "exception"], "%s": ["allow", "unknown"]}' \
		"$FR4" "$THIRD4" "$THIRD4B" "$UNKNOWN4" | json_get 'd')" "verdict and reason by destination" &&
	assert_eq "$(json_get 'all(__import__("re").fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", r[k])
		for r in d["rows"] for k in ("first_seen", "last_seen"))' <<< "$j")" true \
		"first_seen and last_seen are UTC ISO 8601" &&
	assert_eq "$(json_get 'all(r["first_seen"] <= r["last_seen"] and r["uid"] == 0
		for r in d["rows"])' <<< "$j")" true "first_seen <= last_seen, uid 0 (root)" || return 1
	c=$(report --by flow --format csv) || return 1
	assert_eq "$(head -1 <<< "$c" | tr -d '\r' | tr ',' '\n' | grep -cxE 'reason|uid|asn|operator|first_seen|last_seen')" \
		6 "CSV columns reason, uid, asn, operator, first_seen, last_seen" || return 1
	wait_until 5 events_count_is "$THIRD4" 1 || fail "no event to $THIRD4" || return 1
	assert_eq "$(events_to "$THIRD4" | json_get 'd[0][3]')" zone "reason of the event" &&
	assert_eq "$("$JURIS" lookup --pin-dir "$TEST_PIN" --json "$THIRD4B" | json_get 'd["reason"]')" \
		exception "lookup of the --except address, from the pins" &&
	assert_eq "$("$JURIS" lookup --db "$TEST_DB" --json "$UNKNOWN4" | json_get 'd["reason"]')" \
		unknown "lookup of an address not in the database" &&
	assert_eq "$("$JURIS" lookup --db "$TEST_DB" --json 127.0.0.1 | json_get 'd["reason"]')" \
		local "lookup of a loopback address"
}

run_tests
