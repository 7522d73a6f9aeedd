#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end: DNS attribution. A DNS responder in the server namespace
# (tests/e2e/dns_server.py) answers the test names with documentation
# addresses; the client, in the test cgroup, asks it directly (resolve.py,
# never /etc/resolv.conf) and then connects. The names must appear on the
# right flows (events, report, top), CNAME chains must name the address
# after the name asked, a malformed answer must be counted and ignored, and
# --except-domain must let a third-country address through while its TTL
# lasts, and no other.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"

DNS4=203.0.113.2	# the server's veth address (zone eu: allowed)
DNS6=2001:db8:ffff::2	# not in the test database: unknown, allowed

# dns_topology: the egress topology plus the DNS responder on both families.
dns_topology() {
	topology || return 1
	bg_run ns_exec server "$PY" "$E2E_DIR/dns_server.py" "$DNS4" "$TEST_TMP/dns4.ready"
	bg_run ns_exec server "$PY" "$E2E_DIR/dns_server.py" "$DNS6" "$TEST_TMP/dns6.ready"
	wait_until 5 test -e "$TEST_TMP/dns4.ready" && wait_until 5 test -e "$TEST_TMP/dns6.ready" ||
		fail "DNS responder did not start"
}

# resolve_ok SERVER NAME [TYPE [TRANSPORT]]: the client asks and gets an answer.
resolve_ok() {
	local out
	out=$(in_cg_ns client "$PY" "$E2E_DIR/resolve.py" "$@" 2>&1)
	assert_match "$out" '^OK ' "DNS query for $2 to $1"
}

# event_domain FILE ADDR: destination.domain of the first event to ADDR.
event_domain() {
	$PY - "$1" "$2" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("destination", {}).get("ip") == sys.argv[2]:
        print(e["destination"].get("domain", "(none)"))
        break
PY
}

# flow_domain ADDR: the domain column of juris report's flow to ADDR.
flow_domain() {
	"$JURIS" report --pin-dir "$TEST_PIN" --by flow --format json |
		json_get '[r["domain"] for r in d["rows"] if r["destination"] == a[0]][0]' "$1"
}

has_event_for() {
	[ -n "$(event_domain "$1" "$2")" ]
}

test_events_name_the_destination_the_process_looked_up() {
	local ev=$TEST_TMP/events
	dns_topology && juris_start --mode enforce --events "$ev" || return 1
	resolve_ok "$DNS4" www.example.test A && connect_is "$THIRD4" EPERM &&
	resolve_ok "$DNS6" v6.example.test AAAA tcp && connect_is "$THIRD6" EPERM || return 1
	wait_until 5 has_event_for "$ev" "$THIRD6" || fail "no event for $THIRD6" || return 1
	assert_eq "$(event_domain "$ev" "$THIRD4")" www.example.test "domain of the UDP-resolved flow" &&
	assert_eq "$(event_domain "$ev" "$THIRD6")" v6.example.test "domain of the TCP-resolved flow" &&
	assert_num "$(counter dns_answers)" ">=" 2 "dns_answers"
}

test_cname_chain_names_the_address_after_the_name_asked() {
	dns_topology && juris_start --mode audit || return 1
	resolve_ok "$DNS4" alias.example.test A && connect_is "$EU4" OK || return 1
	assert_eq "$(flow_domain "$EU4")" alias.example.test "domain of the flow to $EU4"
}

test_report_and_top_show_the_name_also_after_the_daemon_died() {
	local t
	dns_topology && juris_start --mode audit || return 1
	# A short name: the 80-column table shows it whole.
	resolve_ok "$DNS4" us.test && connect_is "$THIRD4" OK &&
	connect_is "$FR4" OK || return 1
	kill -KILL "$JURIS_PID"
	juris_wait_exit || return 1
	assert_eq "$(flow_domain "$THIRD4")" us.test "report: domain of $THIRD4" &&
	assert_eq "$(flow_domain "$FR4")" "" "report: domain of $FR4 (never looked up)" || return 1
	t=$("$JURIS" report --pin-dir "$TEST_PIN" --by flow) &&
	assert_match "$(grep -F "$THIRD4" <<< "$t")" ' us\.test ' "report table row of $THIRD4" &&
	t=$("$JURIS" top --pin-dir "$TEST_PIN" < /dev/null) &&
	assert_match "$(grep -F "$THIRD4" <<< "$t")" ' us\.test ' "top row of $THIRD4"
}

test_malformed_answer_is_counted_and_ignored() {
	dns_topology && juris_start --mode audit || return 1
	resolve_ok "$DNS4" malformed.example.test && connect_is "$THIRD4" OK || return 1
	wait_until 5 test "$(counter dns_malformed)" = 1 ||
		fail "dns_malformed: $(counter dns_malformed), want 1" || return 1
	assert_eq "$(flow_domain "$THIRD4")" "" "domain after a malformed answer" &&
	assert_contains "$(cat "$TEST_TMP/juris.log")" "malformed DNS answer from $DNS4" "juris log" &&
	kill -0 "$JURIS_PID" || fail "juris run died" || return 1
	# The next good answer is read as usual.
	resolve_ok "$DNS4" www.example.test && connect_is "$THIRD4" OK &&
	wait_until 5 test "$(flow_domain "$THIRD4")" = www.example.test ||
		fail "no name after a good answer following a malformed one"
}

test_except_domain_allows_a_third_country_address_while_the_ttl_lasts() {
	local ev=$TEST_TMP/events
	dns_topology && juris_start --mode enforce --events "$ev" --except-domain '*.gouv.test' ||
		return 1
	connect_is "$THIRD4B" EPERM || fail "allowed before any answer" || return 1
	# Asked in mixed case: names match without regard to case.
	resolve_ok "$DNS4" Short.GOUV.test && connect_is "$THIRD4B" OK || return 1
	assert_num "$(counter dns_except_added)" ">=" 1 "dns_except_added" || return 1
	sleep 2.5	# the answer's TTL is 2 s
	connect_is "$THIRD4B" EPERM || fail "still allowed after the TTL" || return 1
	resolve_ok "$DNS4" short.gouv.test && connect_is "$THIRD4B" OK ||
		fail "not allowed again after a fresh answer"
}

# A flow already judged outside the policy, whose packets keep coming: an
# answer for an --except-domain name reaches it at its next packet (the
# flow cache looks at the exceptions again after each new answer).
test_except_domain_answer_turns_a_flow_already_judged_to_allow() {
	dns_topology && juris_start --mode audit --except-domain '*.gouv.test' || return 1
	udp_is "$THIRD4B" OK 100 3 && udp_is "$THIRD4B" OK 100 2 || return 1
	assert_eq "$(total third would_block packets)" 5 "third/would_block before the answer" &&
	resolve_ok "$DNS4" short.gouv.test && udp_is "$THIRD4B" OK 100 4 || return 1
	assert_eq "$(total third allow packets)" 4 "third/allow packets after the answer" &&
	assert_eq "$(total third would_block packets)" 5 "third/would_block after the answer"
}

test_except_domain_leaves_other_names_blocked() {
	dns_topology && juris_start --mode enforce --except-domain '*.gouv.test' \
		--except-domain example.test || return 1
	# www.example.test is under example.test, not example.test itself.
	resolve_ok "$DNS4" www.example.test && connect_is "$THIRD4" EPERM &&
	resolve_ok "$DNS6" v6.example.test AAAA && connect_is "$THIRD6" EPERM &&
	assert_eq "$(counter dns_except_added)" 0 "dns_except_added"
}

# The patterns are part of the policy: juris reload adds and removes them.
test_reload_adds_and_removes_except_domain_patterns() {
	mkdir -p "$TEST_TMP"
	printf 'db = %s\nmode = enforce\nexcept-domain = other.test\n' "$TEST_DB" \
		> "$TEST_TMP/juris.conf"
	dns_topology && juris_start -c "$TEST_TMP/juris.conf" || return 1
	resolve_ok "$DNS4" short.gouv.test && connect_is "$THIRD4B" EPERM || return 1
	printf 'db = %s\nmode = enforce\nexcept-domain = *.gouv.test\n' "$TEST_DB" \
		> "$TEST_TMP/juris.conf"
	assert_ok "$JURIS" reload --pin-dir "$TEST_PIN" &&
	resolve_ok "$DNS4" short.gouv.test && connect_is "$THIRD4B" OK || return 1
	printf 'db = %s\nmode = enforce\n' "$TEST_DB" > "$TEST_TMP/juris.conf"
	assert_ok "$JURIS" reload --pin-dir "$TEST_PIN" || return 1
	sleep 2.5	# the address learned before keeps its 2 s TTL
	resolve_ok "$DNS4" short.gouv.test && connect_is "$THIRD4B" EPERM ||
		fail "still allowed after the pattern was removed"
}

test_ingress_hook_is_attached_once_and_removed_by_stop() {
	dns_topology && juris_start || return 1
	assert_contains "$(cgroup_progs)" ingress "programs on the test cgroup" &&
	hooks_attached_once &&
	assert_ok "$JURIS" stop --pin-dir "$TEST_PIN" &&
	assert_eq "$(cgroup_progs)" "" "programs on the test cgroup after juris stop"
}

test_bad_except_domain_is_a_one_line_error() {
	require_juris || return 1
	expect_one_line_error "invalid --except-domain: *" "$JURIS" run --pin-dir "$TEST_PIN" \
		--except-domain '*' &&
	expect_one_line_error "invalid --except-domain: a..b" "$JURIS" run --pin-dir "$TEST_PIN" \
		--except-domain 'a..b' &&
	expect_one_line_error "invalid --except-domain: gouv.*" "$JURIS" run --pin-dir "$TEST_PIN" \
		--except-domain 'gouv.*'
}

run_tests
