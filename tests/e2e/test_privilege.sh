#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end: the daemon keeps only CAP_BPF once attached and still works;
# pins and the event file are not world-readable; the systemd unit verifies.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"

CAP_BPF_MASK=0000008000000000	# 1 << 39

# cap_field PID NAME: CapEff, CapPrm, CapInh, CapBnd or CapAmb of PID.
cap_field() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

test_daemon_keeps_only_cap_bpf_after_attaching_and_still_works() {
	topology && juris_start --mode enforce --events "$TEST_TMP/events.ndjson" || return 1
	assert_eq "$(cap_field "$JURIS_PID" CapEff)" "$CAP_BPF_MASK" "CapEff of juris run" &&
	assert_eq "$(cap_field "$JURIS_PID" CapPrm)" "$CAP_BPF_MASK" "CapPrm of juris run" &&
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
