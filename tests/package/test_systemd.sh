#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# juris installed from its package, under a real systemd as PID 1: a
# Debian 12 container (systemd-nspawn --boot), one per test. The watched
# service jtest.service sends one datagram to an allowed and one to a
# denied documentation address at each start (container.bash).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/container.bash"
JT_TIMEOUT=600

ALLOWED_DENIED="192.0.2.10 sent;192.0.2.241 refused;"

# ct_start_juris: starts juris.service, its last journal lines on failure.
ct_start_juris() {
	ct systemctl start juris.service && return 0
	fail "juris.service did not start: $(ct journalctl -u juris.service -n 8 --no-pager -o cat | tr '\n' ';')"
}

juris_active() {
	[ "$(ct systemctl is-active juris.service)" = active ]
}

test_packaged_juris_service_starts_and_enforces_the_watched_service() {
	require_root
	ct_setup || return 1
	assert_eq "$(ct juris --version)" "juris $(dpkg-deb -f "$(deb_file)" Version)" \
		"juris --version in the container" || return 1
	assert_eq "$(ct systemctl is-enabled juris.service)" disabled "enabled after install" &&
	assert_eq "$(ct systemctl is-active juris.service)" inactive "started by the install" || return 1
	ct_start_juris || return 1
	assert_contains "$(ct cat /run/systemd/system/jtest.service.d/50-juris.conf)" \
		"ExecStartPre=+/usr/sbin/juris attach -c none --pin-dir /sys/fs/bpf/juris" "drop-in" &&
	assert_contains "$(ct systemctl show -p DropInPaths jtest.service)" "50-juris.conf" \
		"systemd took the drop-in" || return 1
	assert_ok ct systemctl restart jtest.service &&
	assert_eq "$(jtest_result)" "$ALLOWED_DENIED" "jtest under juris"
}

test_systemctl_reload_juris_runs_juris_reload_and_fails_on_a_bad_policy() {
	require_root
	ct_setup && ct_start_juris || return 1
	assert_ok ct systemctl reload juris.service || return 1
	assert_match "$(ct juris status -c none --json)" '"reloads": *1' "reloads after one reload" ||
		return 1
	ct sh -c 'echo "allow = sideways" >> /etc/juris/juris.conf' || return 1
	assert_fails ct systemctl reload juris.service &&
	assert_contains "$(ct journalctl -u juris.service --no-pager)" "invalid --allow: sideways" \
		"the refusal in the journal" &&
	juris_active || fail "juris.service is not active after a refused reload"
}

test_watched_service_restarted_while_the_daemon_is_killed_is_still_enforced() {
	require_root
	ct_setup && ct_start_juris || return 1
	# The hooks sit on system.slice (the parent) and the kernel watches the
	# new cgroup as it is made: the start step finds them running there
	# and attaches nothing (a second copy would count twice).
	# Restart=on-failure brings juris back after RestartSec=2s: restart the
	# service within that second, while no daemon runs.
	ct systemctl kill --signal=SIGKILL juris.service &&
	assert_ok ct systemctl restart jtest.service || return 1
	assert_ne "$(ct systemctl is-active juris.service)" active "juris during the restart" &&
	assert_eq "$(jtest_result)" "$ALLOWED_DENIED" "jtest restarted without the daemon" &&
	assert_contains "$(ct journalctl -u jtest.service --no-pager)" "is watched (0 hooks attached now" \
		"the start step" || return 1
	# The daemon comes back, adopts the pins and the service's new cgroup.
	wait_until 20 juris_active || fail "juris.service did not come back" || return 1
	assert_contains "$(ct journalctl -u juris.service --no-pager)" "adopting the state pinned" \
		"the restarted daemon" &&
	assert_eq "$(ct juris status -c none | grep -c 'removed)')" 0 "hooks of removed cgroups"
}

test_watched_service_does_not_start_when_the_pinned_programs_are_missing() {
	require_root
	ct_setup && ct_start_juris || return 1
	ct rm /sys/fs/bpf/juris/prog_sendmsg4 || return 1
	assert_fails ct systemctl restart jtest.service &&
	assert_eq "$(ct systemctl is-active jtest.service)" failed "jtest without the programs" &&
	assert_contains "$(ct journalctl -u jtest.service --no-pager)" \
		"no juris program pinned at /sys/fs/bpf/juris/prog_sendmsg4" "the reason in the journal"
}

test_systemctl_stop_juris_ends_the_daemon_and_keeps_the_enforcement() {
	require_root
	ct_setup && ct_start_juris || return 1
	assert_ok ct systemctl stop juris.service || return 1
	assert_eq "$(ct systemctl is-active juris.service)" inactive "juris after stop" &&
	assert_ok ct systemctl restart jtest.service &&
	assert_eq "$(jtest_result)" "$ALLOWED_DENIED" "jtest restarted after systemctl stop juris"
}

test_apt_get_purge_juris_leaves_nothing_behind() {
	local left
	require_root
	ct_setup && ct_start_juris || return 1
	assert_ok ct env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q juris || return 1
	left=$(ct sh -c 'ls -d /etc/juris /var/lib/juris /var/log/juris /sys/fs/bpf/juris \
		/run/systemd/system/jtest.service.d /usr/sbin/juris /lib/systemd/system/juris.service \
		2>/dev/null; dpkg -l juris 2>/dev/null | grep "^[a-z][a-z] *juris"')
	assert_eq "$left" "" "left after purge" &&
	assert_eq "$(ct systemctl show -p DropInPaths --value jtest.service)" "" "drop-ins of jtest" &&
	assert_ok ct systemctl restart jtest.service &&
	assert_eq "$(jtest_result)" "192.0.2.10 sent;192.0.2.241 sent;" "jtest after the purge"
}

run_tests
