#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end: the policy file (-c), juris check, and live reload (juris
# reload and SIGHUP): the switch is atomic under traffic, a bad file or
# database is refused with the live policy untouched, and a kill -9 in the
# middle of a reload leaves enforcement intact and a state the next start
# adopts.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"
JT_TIMEOUT=120

DB_B=$JURIS_TESTDATA/test-reload-b.mmdb	# EU4 and EU6 are US there
DEFAULT_DB=$JT_TOP/data/default/geo-whois-asn-country.mmdb

# policy KEY=VALUE...: writes the test's policy file $TEST_TMP/juris.conf.
policy() {
	local kv
	{
		echo "# juris test policy"
		for kv; do
			printf '%s = %s\n' "${kv%%=*}" "${kv#*=}"
		done
	} > "$TEST_TMP/juris.conf.tmp" && mv "$TEST_TMP/juris.conf.tmp" "$TEST_TMP/juris.conf"
}

start_with_policy() {
	topology && juris_start -c "$TEST_TMP/juris.conf" || return 1
}

status_field() {
	juris_status_json | json_get "$1"
}

test_check_prints_the_effective_policy_and_it_reads_back() {
	require_juris || return 1
	require_testdata || return 1
	mkdir -p "$TEST_TMP"
	cat > "$TEST_TMP/juris.conf" <<-EOF
	# A commented policy.
	db = "$TEST_DB"
	mode = enforce   # comments may follow a value
	allow = fr
	unknown_deny_is_not_a_key_but_unknown_is = no
	EOF
	sed -i '/not_a_key/d' "$TEST_TMP/juris.conf"
	cat >> "$TEST_TMP/juris.conf" <<-EOF
	unknown = deny
	except = 198.51.100.0/24
	except = 2001:db8:3::/48
	us_adequate = yes
	events-keep = 3
	EOF
	"$JURIS" check -c "$TEST_TMP/juris.conf" > "$TEST_TMP/effective" || return 1
	assert_contains "$(cat "$TEST_TMP/effective")" "mode = enforce" "effective policy" &&
	assert_contains "$(cat "$TEST_TMP/effective")" "allow = fr" "effective policy" &&
	assert_contains "$(cat "$TEST_TMP/effective")" "unknown = deny" "effective policy" &&
	assert_contains "$(cat "$TEST_TMP/effective")" "except = 2001:db8:3::/48" "effective policy" &&
	assert_contains "$(cat "$TEST_TMP/effective")" "us-adequate = yes" "effective policy" &&
	assert_contains "$(cat "$TEST_TMP/effective")" "events-keep = 3" "effective policy" || return 1
	# What check prints is itself a policy file that reads back the same.
	"$JURIS" check -c "$TEST_TMP/effective" > "$TEST_TMP/again" || return 1
	assert_eq "$(grep -v '^# policy file' "$TEST_TMP/again")" \
		"$(grep -v '^# policy file' "$TEST_TMP/effective")" "check of check's output"
}

test_flags_override_the_file_and_replace_its_lists() {
	require_juris || return 1
	require_testdata || return 1
	mkdir -p "$TEST_TMP"
	policy "db=$TEST_DB" mode=enforce allow=fr except=198.51.100.0/24 except=192.0.2.0/28
	out=$("$JURIS" check -c "$TEST_TMP/juris.conf" --allow eea --except 203.0.113.0/25) || return 1
	assert_contains "$out" "allow = eea" "check output" &&
	assert_contains "$out" "mode = enforce" "check output" &&
	assert_contains "$out" "except = 203.0.113.0/25" "check output" &&
	assert_eq "$(printf '%s\n' "$out" | grep -c '^except = ')" 1 "except lines (the flag replaces the file's list)"
}

test_check_names_the_file_line_and_problem() {
	local f
	require_juris || return 1
	require_testdata || return 1
	mkdir -p "$TEST_TMP"
	f=$TEST_TMP/bad.conf
	printf 'mode = enforce\n\nallow = world\n' > "$f"
	expect_one_line_error "$f:3: invalid --allow: world" "$JURIS" check -c "$f" || return 1
	printf '# ok\ncolour = blue\n' > "$f"
	expect_one_line_error "$f:2: unknown key: colour" "$JURIS" check -c "$f" || return 1
	printf 'mode enforce\n' > "$f"
	expect_one_line_error "$f:1: expected key = value" "$JURIS" check -c "$f" || return 1
	printf 'except = 192.0.2.1/24\n' > "$f"
	expect_one_line_error "$f:1: invalid --except CIDR" "$JURIS" check -c "$f" || return 1
	printf 'syslog = maybe\n' > "$f"
	expect_one_line_error "$f:1: invalid syslog: maybe" "$JURIS" check -c "$f" || return 1
	printf 'mode = "enforce\n' > "$f"
	expect_one_line_error "$f:1: unbalanced quote" "$JURIS" check -c "$f" || return 1
	printf 'db = %s/missing.mmdb\n' "$TEST_TMP" > "$f"
	expect_one_line_error "missing.mmdb" "$JURIS" check -c "$f" || return 1
	printf 'cgroup = /no/such/juris/cgroup\n' > "$f"
	expect_one_line_error "unknown cgroup" "$JURIS" check -c "$f" || return 1
	expect_one_line_error "$TEST_TMP/absent.conf" "$JURIS" check -c "$TEST_TMP/absent.conf"
}

# Values checked after parsing (cgroups, databases, operators) name the
# line of the file that gave them; invalid values list the valid ones; a
# prefix with host bits gets the network it likely meant.
test_errors_name_the_file_line_and_the_valid_values() {
	local f
	require_juris || return 1
	require_testdata || return 1
	mkdir -p "$TEST_TMP"
	f=$TEST_TMP/bad.conf
	printf 'db = %s\ncgroup = /no/such/juris/cgroup\n' "$TEST_DB" > "$f"
	expect_one_line_error "$f:2: unknown cgroup or unit: /no/such/juris/cgroup" \
		"$JURIS" check -c "$f" || return 1
	printf '# the database\ndb = %s/missing.mmdb\n' "$TEST_TMP" > "$f"
	expect_one_line_error "$f:2: cannot open database $TEST_TMP/missing.mmdb" \
		"$JURIS" check -c "$f" || return 1
	printf 'db = %s\n\n\nasn-db = %s\noperator = 16509 usa Amazon\n' "$TEST_DB" \
		"$JURIS_TESTDATA/test-asn.mmdb" > "$f"
	expect_one_line_error "$f:5: invalid --operator '16509 usa Amazon'" \
		"$JURIS" check -c "$f" || return 1
	expect_one_line_error "invalid --allow: europe (fr, eu, eea, adequate)" \
		"$JURIS" check -c none --db "$TEST_DB" --allow europe || return 1
	expect_one_line_error "invalid --foreign-operator: maybe (allow, audit, deny)" \
		"$JURIS" check -c none --db "$TEST_DB" --foreign-operator maybe || return 1
	expect_one_line_error "invalid --except CIDR: 203.0.113.1/24 (host bits set: did you mean 203.0.113.0/24?)" \
		"$JURIS" check -c none --db "$TEST_DB" --except 203.0.113.1/24 || return 1
	expect_one_line_error "invalid --source CIDR: 2001:db8::1/32 (host bits set: did you mean 2001:db8::/32?)" \
		"$JURIS" check -c none --db "$TEST_DB" --iface lo --source 2001:db8::1/32
}

# Exit status (man juris, EXIT STATUS): 0 valid, 1 an invalid policy, 2 a
# command line that cannot be read.
test_check_exit_status_is_1_for_an_invalid_policy_and_2_for_bad_usage() {
	local rc
	require_juris || return 1
	require_testdata || return 1
	mkdir -p "$TEST_TMP"
	"$JURIS" check -c none --db "$TEST_DB" --pin-dir /sys/fs/bpf/juris-check-$$ > /dev/null
	assert_eq "$?" 0 "valid policy" || return 1
	"$JURIS" check -c none --db "$TEST_DB" --allow europe 2> /dev/null
	assert_eq "$?" 1 "invalid value" || return 1
	printf 'allow = europe\n' > "$TEST_TMP/bad.conf"
	"$JURIS" check -c "$TEST_TMP/bad.conf" --db "$TEST_DB" 2> /dev/null
	assert_eq "$?" 1 "invalid value in the file" || return 1
	"$JURIS" check -c none --db "$TEST_DB" --cgroup /no/such/juris/cgroup 2> /dev/null
	assert_eq "$?" 1 "unknown cgroup" || return 1
	"$JURIS" check -c none --no-such-option 2> /dev/null
	rc=$?
	assert_eq "$rc" 2 "unknown option" || return 1
	"$JURIS" no-such-command 2> /dev/null
	assert_eq "$?" 2 "unknown command"
}

# check refuses what run refuses before it loads anything.
test_check_refuses_a_pin_dir_off_bpffs_and_a_missing_events_directory() {
	require_juris || return 1
	require_testdata || return 1
	mkdir -p "$TEST_TMP"
	expect_one_line_error "--pin-dir $TEST_TMP/pins is not on a bpffs" \
		"$JURIS" check -c none --db "$TEST_DB" --pin-dir "$TEST_TMP/pins" || return 1
	printf 'db = %s\nevents = %s/no-such-dir/events.ndjson\n' "$TEST_DB" "$TEST_TMP" \
		> "$TEST_TMP/juris.conf"
	expect_one_line_error "juris.conf:2: the directory of --events $TEST_TMP/no-such-dir/events.ndjson does not exist" \
		"$JURIS" check -c "$TEST_TMP/juris.conf" || return 1
	expect_one_line_error "" "$JURIS" run -c "$TEST_TMP/juris.conf" \
		--pin-dir "/sys/fs/bpf/juris-check-$$" --cgroup "$(cgroup2_root)" || return 1
	[ ! -e "/sys/fs/bpf/juris-check-$$" ] || fail "juris run left pins" || return 1
	assert_ok "$JURIS" check -c contrib/juris.conf --db "$TEST_DB" --events "$TEST_TMP/ev.ndjson"
}

test_help_is_per_command_and_claims_no_embedded_database() {
	local h
	require_juris || return 1
	h=$("$JURIS" report --help) &&
	assert_match "$(head -n 1 <<< "$h")" '^Usage: juris report \[OPTION\]\.\.\.$' "report --help" &&
	assert_match "$(head -n 1 <<< "$("$JURIS" lookup --help)")" '^Usage: juris lookup ' "lookup --help" &&
	assert_match "$(head -n 1 <<< "$("$JURIS" --help)")" '^Usage: juris COMMAND ' "juris --help" &&
	assert_eq "$("$JURIS" run --help | grep -ci embedded)" 0 "'embedded' in juris run --help" &&
	assert_contains "$("$JURIS" run --help)" "/var/lib/location/database.db" "where the default database comes from"
}

test_run_takes_its_policy_from_the_file() {
	mkdir -p "$TEST_TMP"
	policy "db=$TEST_DB" mode=enforce allow=fr
	start_with_policy || return 1
	connect_is "$FR4" OK && connect_is "$EU4" EPERM && connect_is "$THIRD4" EPERM &&
	assert_eq "$(status_field 'd["allow"]')" fr "status allow"
}

test_reload_switches_the_policy_and_keeps_the_counters() {
	local p1 out
	mkdir -p "$TEST_TMP"
	policy "db=$TEST_DB" mode=enforce allow=eu
	start_with_policy || return 1
	connect_is "$EU4" OK && udp_is "$FR4" OK 100 10 || return 1
	p1=$(total fr allow packets)
	policy "db=$TEST_DB" mode=enforce allow=fr
	out=$("$JURIS" reload --pin-dir "$TEST_PIN" 2>&1) || fail "juris reload failed: $out" || return 1
	assert_contains "$out" "allow fr" "juris reload output" &&
	connect_is "$EU4" EPERM && connect_is "$FR4" OK &&
	assert_eq "$(status_field 'd["allow"]')" fr "status allow after reload" &&
	assert_num "$(total fr allow packets)" ">=" "$p1" "fr/allow packets kept across the reload" &&
	assert_eq "$(status_field 'd["reloads"]')" 1 "reloads" || return 1
	# SIGHUP does the same, as systemd's ExecReload sends it.
	policy "db=$DB_B" mode=enforce allow=eu
	kill -HUP "$JURIS_PID"
	wait_until 10 sh -c "'$JURIS' status --json --pin-dir '$TEST_PIN' | grep -q '\"reloads\":2'" ||
		fail "no reload after SIGHUP" || return 1
	connect_is "$EU4" EPERM && connect_is "$FR4" OK &&
	assert_eq "$(status_field 'd["database"]["path"]')" "$DB_B" "database after SIGHUP" &&
	assert_eq "$(status_field 'd["daemon_pid"]')" "$JURIS_PID" "daemon pid"
}

# reload_refused SUBSTRING: juris reload of the current file fails with one
# line naming SUBSTRING, and the live policy is as it was.
reload_refused() {
	local before
	before=$(juris_snapshot)
	expect_one_line_error "$1" "$JURIS" reload --pin-dir "$TEST_PIN" || return 1
	assert_eq "$(juris_snapshot)" "$before" "status after the refused reload" &&
	assert_eq "$(status_field 'd["last_reload"]["ok"]')" false "last_reload.ok" &&
	connect_is "$EU4" OK && connect_is "$THIRD4" EPERM
}

test_bad_reload_is_refused_and_the_live_policy_stays() {
	mkdir -p "$TEST_TMP"
	policy "db=$TEST_DB" mode=enforce allow=eu
	start_with_policy || return 1
	connect_is "$EU4" OK || return 1
	printf 'mode = enforce\nallow = nowhere\n' > "$TEST_TMP/juris.conf"
	reload_refused "juris.conf:2: invalid --allow: nowhere" || return 1
	policy "db=$JURIS_TESTDATA/test-unknown-schema.mmdb" mode=enforce allow=fr
	reload_refused "unknown schema" || return 1
	head -c 300 "$TEST_DB" > "$TEST_TMP/truncated.mmdb"
	policy "db=$TEST_TMP/truncated.mmdb" mode=enforce allow=fr
	reload_refused "reload refused" || return 1
	policy "db=$TEST_DB" mode=enforce allow=fr syslog=yes
	reload_refused "syslog cannot change on reload" || return 1
	policy "db=$TEST_DB" mode=enforce allow=fr flow-table=2048
	reload_refused "flow-table cannot change on reload" || return 1
	kill -0 "$JURIS_PID" || fail "juris run died" || return 1
	assert_eq "$(status_field 'd["counters"]["slot_missing"]')" 0 "slot_missing"
}

# juris reload re-reads the daemon's own file: another -c is refused, the
# same one (by any path) is fine.
test_reload_with_another_policy_file_is_refused() {
	mkdir -p "$TEST_TMP"
	policy "db=$TEST_DB" mode=enforce
	cp "$TEST_TMP/juris.conf" "$TEST_TMP/other.conf"
	start_with_policy || return 1
	expect_one_line_error "reload re-reads the policy file juris run (pid $JURIS_PID) started with ($TEST_TMP/juris.conf), not $TEST_TMP/other.conf" \
		"$JURIS" reload --pin-dir "$TEST_PIN" -c "$TEST_TMP/other.conf" || return 1
	assert_ok "$JURIS" reload --pin-dir "$TEST_PIN" -c "$TEST_TMP/../$(basename "$TEST_TMP")/juris.conf" &&
	assert_ok "$JURIS" reload --pin-dir "$TEST_PIN"
}

test_reload_without_a_daemon_is_refused() {
	mkdir -p "$TEST_TMP"
	policy "db=$TEST_DB" mode=enforce
	start_with_policy || return 1
	kill -KILL "$JURIS_PID"
	juris_wait_exit || return 1
	expect_one_line_error "no juris run daemon" "$JURIS" reload --pin-dir "$TEST_PIN" &&
	connect_is "$THIRD4" EPERM
}

# 50 reloads between two databases that disagree on EU4 only, while a client
# sends datagrams round-robin to FR4 (both allow), EU4 (A allows, B denies)
# and THIRD4 (both deny). Each datagram meets the sendmsg hook, then (if it
# passed) the packet hook: every judgement is one database's, so FR4 always
# passes, THIRD4 never does, and for EU4 what sendto let through is exactly
# what the packet hook let through (eu/allow), which the server received. A
# drop by the packet hook fails sendto with EPERM too: a switch between the
# two hooks of one datagram (rare) makes a third/block there, so every EPERM
# is one block of either hook (sendmsg_blocked + third/block).
test_50_reloads_under_traffic_judge_every_packet_by_one_database() {
	local i sent got eu_allow third_block fr_allow slot_missing sendmsg_blocked eperm
	mkdir -p "$TEST_TMP"
	policy "db=$TEST_DB" mode=enforce allow=eu
	start_with_policy || return 1
	bg_run ns_exec server "$PY" "$E2E_DIR/udp_count.py" recv 9 "$TEST_TMP/recv.stop" \
		"$TEST_TMP/recv.json" "$FR4" "$EU4" "$THIRD4"
	wait_until 5 test -e "$TEST_TMP/recv.json.ready" || fail "receiver did not start" || return 1
	in_cg_ns_bg client "$PY" "$E2E_DIR/udp_count.py" send 9 "$TEST_TMP/stop" \
		"$TEST_TMP/sent.json" "$FR4" "$EU4" "$THIRD4"
	local send_pid=$BG_PID
	for i in $(seq 50); do
		if [ $((i % 2)) = 1 ]; then
			policy "db=$DB_B" mode=enforce allow=eu
		else
			policy "db=$TEST_DB" mode=enforce allow=eu
		fi
		"$JURIS" reload --pin-dir "$TEST_PIN" > /dev/null 2> "$TEST_TMP/reload.err" ||
			fail "reload $i failed: $(cat "$TEST_TMP/reload.err")" || return 1
		sleep 0.02
	done
	touch "$TEST_TMP/stop"
	wait_until 10 test -e "$TEST_TMP/sent.json" || fail "sender did not finish" || return 1
	wait "$send_pid" 2>/dev/null
	sleep 0.3	# the last datagrams reach the receiver
	touch "$TEST_TMP/recv.stop"
	wait_until 5 test -e "$TEST_TMP/recv.json" || fail "receiver did not finish" || return 1
	sent=$(cat "$TEST_TMP/sent.json")
	got=$(cat "$TEST_TMP/recv.json")
	echo "sent $sent; received $got"
	eu_allow=$(total eu allow packets)
	third_block=$(total third block packets)
	fr_allow=$(total fr allow packets)
	slot_missing=$(status_field 'd["counters"]["slot_missing"]')
	sendmsg_blocked=$(status_field 'd["counters"]["sendmsg_blocked"]')
	eperm=$(json_get 'sum(v["eperm"] for v in d.values())' <<< "$sent")
	echo "packet hook: eu/allow $eu_allow, third/block $third_block, fr/allow $fr_allow;" \
		"sendmsg hook: $sendmsg_blocked blocked"
	assert_eq "$(status_field 'd["reloads"]')" 50 "reloads" &&
	assert_eq "$slot_missing" 0 "packets judged with a table missing" &&
	assert_eq "$(json_get 'd[a[0]]["eperm"]' "$FR4" <<< "$sent")" 0 "FR4 refusals" &&
	assert_eq "$(json_get 'd[a[0]]' "$THIRD4" <<< "$got")" 0 "THIRD4 datagrams received" &&
	assert_eq "$(json_get 'd[a[0]]["ok"]' "$THIRD4" <<< "$sent")" 0 "THIRD4 datagrams sendmsg let pass" &&
	assert_num "$(json_get 'd[a[0]]["ok"]' "$EU4" <<< "$sent")" ">" 0 "EU4 datagrams passed" &&
	assert_num "$(json_get 'd[a[0]]["eperm"]' "$EU4" <<< "$sent")" ">" 0 "EU4 datagrams refused" &&
	assert_eq "$eu_allow" "$(json_get 'd[a[0]]["ok"]' "$EU4" <<< "$sent")" \
		"EU4 datagrams sendto let pass, against the packet hook's eu/allow" &&
	assert_eq "$((sendmsg_blocked + third_block))" "$eperm" \
		"EPERMs, against the blocks of both hooks (sendmsg_blocked + third/block)" &&
	assert_eq "$(json_get 'd[a[0]]' "$EU4" <<< "$got")" "$eu_allow" "EU4 datagrams received" &&
	assert_eq "$(json_get 'd[a[0]]' "$FR4" <<< "$got")" "$fr_allow" "FR4 datagrams received"
}

# Pinned tables of the idle slot: entries of the outer geo4_tbl24 array.
slots_filled() {
	bpftool -j map dump pinned "$TEST_PIN/geo4_tbl24" 2>/dev/null | json_get 'len(d)'
}

# Reloads the default database and kills juris as soon as the idle slot
# holds tables. The whole reload takes half a second, its fill a few tenths:
# polls without a pause (bpftool alone, a few ms a round). True when the
# kill landed before the switch: both slots filled, the old database in force.
kill_mid_reload() {
	policy "db=$DEFAULT_DB" mode=enforce allow=eu
	kill -HUP "$JURIS_PID"
	for _ in $(seq 2000); do
		bpftool map dump pinned "$TEST_PIN/geo4_tbl24" 2>/dev/null |
			grep -q '^Found 2 elements' && break
	done
	kill -KILL "$JURIS_PID"
	juris_wait_exit || return 1
	[ "$(slots_filled)" = 2 ] &&
		[ "$(status_field 'd["database"]["path"]')" = "$TEST_DB" ]
}

test_kill_9_in_the_middle_of_a_reload_keeps_enforcement_and_the_restart_adopts() {
	local attempt killed=
	[ -f "$DEFAULT_DB" ] || skip "no default database (scripts/install-db.sh)"
	mkdir -p "$TEST_TMP"
	topology || return 1
	# A kill can land after the switch: then start over, up to 5 times.
	for attempt in 1 2 3 4 5; do
		policy "db=$TEST_DB" mode=enforce allow=eu
		juris_start -c "$TEST_TMP/juris.conf" || return 1
		connect_is "$THIRD4" EPERM && connect_is "$EU4" OK || return 1
		kill_mid_reload && killed=$attempt && break
		echo "attempt $attempt: the kill came after the switch; again"
		"$JURIS" stop --pin-dir "$TEST_PIN" > /dev/null || return 1
	done
	[ -n "$killed" ] || fail "no kill landed in the middle of a reload in 5 attempts" || return 1
	echo "killed in the middle of the reload at attempt $attempt"
	connect_is "$THIRD4" EPERM && connect_is "$EU4" OK && connect_is "$FR4" OK || return 1
	# The next start (same file: the default database) adopts and switches.
	policy "db=$DEFAULT_DB" mode=enforce allow=eu
	juris_start -c "$TEST_TMP/juris.conf" || return 1
	assert_contains "$(cat "$TEST_TMP/juris.log")" "adopting the state" "juris.log" &&
	assert_eq "$(status_field 'd["database"]["path"]')" "$DEFAULT_DB" "database after the restart" &&
	assert_eq "$(slots_filled)" 1 "slots holding tables after the restart" &&
	hooks_attached_once &&
	assert_eq "$(status_field 'd["counters"]["slot_missing"]')" 0 "slot_missing"
}

run_tests
