#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end: the daemon keeps only CAP_BPF once attached (and CAP_NET_ADMIN
# in service mode, to attach again to a recreated parent cgroup) and still works;
# pins and the event file are not world-readable; the systemd unit verifies.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"

CAP_BPF_NET_ADMIN_MASK=0000008000001000	# 1 << 39 | 1 << 12

# cap_field PID NAME: CapEff, CapPrm, CapInh, CapBnd or CapAmb of PID.
cap_field() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

test_daemon_keeps_only_cap_bpf_and_net_admin_after_attaching_and_still_works() {
	topology && juris_start --mode enforce --events "$TEST_TMP/events.ndjson" || return 1
	assert_eq "$(cap_field "$JURIS_PID" CapEff)" "$CAP_BPF_NET_ADMIN_MASK" "CapEff of juris run" &&
	assert_eq "$(cap_field "$JURIS_PID" CapPrm)" "$CAP_BPF_NET_ADMIN_MASK" "CapPrm of juris run" &&
	assert_eq "$(cap_field "$JURIS_PID" CapInh)" 0000000000000000 "CapInh of juris run" &&
	assert_eq "$(cap_field "$JURIS_PID" CapAmb)" 0000000000000000 "CapAmb of juris run" &&
	assert_eq "$(awk '$1 == "NoNewPrivs:" { print $2 }' "/proc/$JURIS_PID/status")" 1 \
		"NoNewPrivs of juris run" || return 1
	# Without its other capabilities it still reads the ring buffer...
	connect_is "$THIRD4" EPERM || return 1
	wait_until 5 grep -q '"cgroup/connect4"' "$TEST_TMP/events.ndjson" ||
		fail "no event written after the capability drop" || return 1
	# ...and still clears its pid from the config map on exit.
	kill -TERM "$JURIS_PID"
	juris_wait_exit || return 1
	assert_eq "$JURIS_RC" 0 "exit status" &&
	assert_eq "$(juris_status_json | json_get 'd["daemon_running"]')" false "daemon_running" &&
	connect_is "$THIRD4" EPERM
}

# The metrics server's thread parses network input: it must hold no more
# than the main thread (capsets and no_new_privs are per thread): CAP_BPF,
# and CAP_NET_ADMIN in service mode (the tests' mode).
test_every_thread_keeps_only_cap_bpf_and_net_admin_with_metrics_served() {
	local port t n=0 bad=
	port=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	topology && juris_start --mode audit --metrics "127.0.0.1:$port" || return 1
	wait_until 5 $PY -c 'import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=2).read()' "http://127.0.0.1:$port/metrics" ||
		fail "metrics not served" || return 1
	for t in /proc/"$JURIS_PID"/task/*; do
		n=$((n + 1))
		[ "$(cap_field "$JURIS_PID/task/${t##*/}" CapEff)" = "$CAP_BPF_NET_ADMIN_MASK" ] &&
		[ "$(cap_field "$JURIS_PID/task/${t##*/}" CapPrm)" = "$CAP_BPF_NET_ADMIN_MASK" ] &&
		[ "$(awk '$1 == "NoNewPrivs:" { print $2 }' "$t/status")" = 1 ] ||
			bad="$bad ${t##*/}($(cap_field "$JURIS_PID/task/${t##*/}" CapEff))"
	done
	assert_num "$n" ">=" 2 "threads (the main one and the metrics server's)" &&
	assert_eq "$bad" "" "threads with more than CAP_BPF and CAP_NET_ADMIN or without no_new_privs"
}

# --user: once attached, no thread keeps uid 0 (with euid 0, /proc/sys is
# writable by uid alone), metrics thread included; the pins are the
# user's; enforcement and events still work.
test_daemon_runs_as_the_given_user_once_attached() {
	local port t bad= body
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	port=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	mkdir -p "$TEST_TMP/log" && chown nobody "$TEST_TMP/log" || return 1
	topology && juris_start --mode enforce --user nobody --metrics "127.0.0.1:$port" \
		--events "$TEST_TMP/log/events.ndjson" || return 1
	for t in /proc/"$JURIS_PID"/task/*; do
		[ "$(awk '$1 == "Uid:" { print $2 $3 $4 $5 }' "$t/status")" = 65534655346553465534 ] &&
		[ "$(awk '$1 == "Gid:" { print $2 }' "$t/status")" != 0 ] &&
		[ "$(cap_field "$JURIS_PID/task/${t##*/}" CapEff)" = "$CAP_BPF_NET_ADMIN_MASK" ] ||
			bad="$bad ${t##*/}"
	done
	assert_eq "$bad" "" "threads still root or with more than CAP_BPF and CAP_NET_ADMIN" &&
	assert_eq "$(stat -c %U "$TEST_PIN")" nobody "owner of the pin directory" || return 1
	connect_is "$THIRD4" EPERM || return 1
	wait_until 5 grep -q '"cgroup/connect4"' "$TEST_TMP/log/events.ndjson" ||
		fail "no event written as nobody" || return 1
	# The metrics thread runs as nobody too (the scrape needs the pins'
	# parent directory traversable by the user: see README).
	true
}

test_unknown_user_is_a_one_line_error_before_anything_is_attached() {
	topology || return 1
	expect_one_line_error "unknown user" "$JURIS" run --pin-dir "$TEST_PIN" \
		--cgroup "$TEST_CG" --db "$TEST_DB" --user no-such-user-juris &&
	[ ! -e "$TEST_PIN" ] || fail "$TEST_PIN made by the refused run"
}

test_pins_and_event_file_are_not_world_readable() {
	local f bad=
	topology || return 1
	# A permissive umask must not leak into the modes.
	umask 000
	juris_start --mode audit --events "$TEST_TMP/events.ndjson" || return 1
	assert_eq "$(stat -c %a "$TEST_PIN")" 700 "mode of the pin directory" || return 1
	while IFS= read -r f; do
		[ $((0$(stat -c %a "$f") & 07)) = 0 ] || bad="$bad $f($(stat -c %a "$f"))"
	done < <(find "$TEST_PIN" -mindepth 1)
	assert_eq "$bad" "" "pins with world permissions" &&
	assert_eq "$(stat -c %a "$TEST_TMP/events.ndjson")" 640 "mode of the event file"
}

test_systemd_unit_verifies() {
	local unit=$JT_TOP/contrib/juris.service out
	require_cmd systemd-analyze
	[ -f "$unit" ] || fail "missing $unit" || return 1
	mkdir -p "$TEST_TMP/unit" &&
	sed "s|@BINDIR@/juris|$JURIS|g" "$unit" > "$TEST_TMP/unit/juris.service" || return 1
	# Documentation=man:juris(8): verify runs man, which must find the page.
	mkdir -p "$TEST_TMP/man/man8" && cp "$JT_TOP/man/juris.8" "$TEST_TMP/man/man8/" || return 1
	out=$(MANPATH=$TEST_TMP/man systemd-analyze verify "$TEST_TMP/unit/juris.service" 2>&1)
	# verify also reports on units it pulls in that this machine lacks.
	out=$(printf '%s\n' "$out" | grep 'juris.service')
	assert_eq "$out" "" "systemd-analyze verify"
}

test_make_install_installs_the_unit_under_destdir() {
	local d=$TEST_TMP/destdir
	require_cmd make
	make -s -C "$JT_TOP" install-unit DESTDIR="$d" PREFIX=/usr >/dev/null || return 1
	[ -f "$d/usr/lib/systemd/system/juris.service" ] ||
		fail "unit not installed: $(find "$d" -type f | tr '\n' ' ')" || return 1
	assert_eq "$(stat -c %a "$d/usr/lib/systemd/system/juris.service")" 644 "mode of the unit" &&
	assert_contains "$(cat "$d/usr/lib/systemd/system/juris.service")" "ExecStart=/usr/bin/juris run" \
		"ExecStart follows PREFIX"
}

run_tests
