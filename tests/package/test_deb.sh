#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The Debian package: dpkg-buildpackage builds it offline from Debian's
# packages only, lintian finds no error and no warning, and it holds what
# it should: the binary, the unit, the conffile, the man page, the
# monitoring files, no database.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/container.bash"
JT_TIMEOUT=600

# Warnings lintian may give, each with its reason (none so far).
LINTIAN_ACCEPTED='^$'

test_dpkg_buildpackage_builds_the_deb_offline_without_data_default() {
	require_root
	require_cmd dpkg-buildpackage dh
	deb_build || return 1
	[ -s "$(deb_file)" ] || fail "no juris_*.deb in $DEB_DIR" || return 1
	assert_contains "$(cat "$DEB_DIR/build.log")" "WITH_DB=0" "make ran without the npm databases" &&
	[ ! -e "$DEB_DIR/src/data/default" ] || fail "the build made data/default (a fetch)"
}

test_lintian_reports_no_error_and_no_warning() {
	local out bad
	require_root
	require_cmd lintian
	deb_build || return 1
	out=$(lintian --pedantic --info "$DEB_DIR"/juris_*.changes 2>&1)
	printf '%s\n' "$out" | sed 's/^/  lintian: /'
	bad=$(printf '%s\n' "$out" | grep -E '^[EW]: ' | grep -Ev "$LINTIAN_ACCEPTED")
	assert_eq "$bad" "" "lintian errors and warnings"
}

test_package_holds_the_binary_unit_conffile_man_page_and_monitoring_files() {
	local files f missing=""
	require_root
	deb_build || return 1
	files=$(dpkg-deb -c "$(deb_file)" | awk '{ print $6 }' | sed 's|^\./|/|')
	for f in /usr/sbin/juris /lib/systemd/system/juris.service /etc/juris/juris.conf \
		/usr/share/man/man8/juris.8.gz /usr/share/juris/prometheus/juris-alerts.yml \
		/usr/share/juris/grafana/juris-dashboard.json /var/lib/juris/ \
		/usr/share/doc/juris/copyright /usr/share/doc/juris/README.Debian; do
		grep -qxF -- "$f" <<< "$files" || missing="$missing $f"
	done
	assert_eq "$missing" "" "files missing from the package" &&
	assert_eq "$(grep -c '^/var/lib/juris/.' <<< "$files")" 0 "files in /var/lib/juris (no database)" &&
	assert_eq "$(dpkg-deb -I "$(deb_file)" conffiles)" "/etc/juris/juris.conf" "conffiles" &&
	assert_match "$(dpkg-deb -f "$(deb_file)" Depends)" "libbpf1.*libmaxminddb0" "Depends (shlibs)" &&
	assert_eq "$(dpkg-deb -f "$(deb_file)" Recommends)" "libloc-database, location" "Recommends"
}

test_packaged_binary_runs_and_its_unit_verifies() {
	local x=$TEST_TMP/x out
	require_root
	require_cmd systemd-analyze
	deb_build || return 1
	dpkg-deb -x "$(deb_file)" "$x" || return 1
	assert_eq "$("$x/usr/sbin/juris" --version)" "juris $(dpkg-deb -f "$(deb_file)" Version)" \
		"juris --version" || return 1
	assert_contains "$(cat "$x/lib/systemd/system/juris.service")" \
		"ExecStart=/usr/sbin/juris run -c /etc/juris/juris.conf" "the unit's ExecStart" || return 1
	assert_contains "$(cat "$x/lib/systemd/system/juris.service")" \
		"ExecReload=/usr/sbin/juris reload" "the unit's ExecReload" || return 1
	sed "s|/usr/sbin/juris|$x/usr/sbin/juris|g" "$x/lib/systemd/system/juris.service" \
		> "$TEST_TMP/juris.service" || return 1
	out=$(MANPATH=$x/usr/share/man systemd-analyze verify "$TEST_TMP/juris.service" 2>&1 |
	      grep 'juris.service')
	assert_eq "$out" "" "systemd-analyze verify of the packaged unit"
}

run_tests
