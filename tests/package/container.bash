# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Fixtures of tests/package: the Debian package, built once per change of
# the tree, and a Debian 12 container booted by systemd-nspawn with
# systemd as its PID 1, one per test.
#
# The container's tree, built once by mmdebstrap from the apt sources of
# this machine, is cached in $BUILD/nspawn/root; each test boots an
# ephemeral copy of it (--ephemeral), with its own network (loopback and
# a veth pair inside: documentation addresses only), cgroup namespace and
# unified cgroup hierarchy, and the host directory
# /sys/fs/bpf/juris-test-$JT_ID (removed by jt_cleanup) as its bpffs.

PKG_BUILD=${BUILD:-$JT_TOP/build}
case $PKG_BUILD in /*) ;; *) PKG_BUILD=$JT_TOP/$PKG_BUILD ;; esac
DEB_DIR=$PKG_BUILD/deb
CT_TREE=$PKG_BUILD/nspawn/root
# What the tests run inside; the package's own dependencies are read from
# the .deb (ct_packages), so that a new library never goes missing here.
CT_BASE_PACKAGES=systemd,systemd-sysv,dbus,iproute2,procps

# deb_build: the package of the current tree in $DEB_DIR, rebuilt when a
# file of the tree changed since the last build.
deb_build() {
	local sum
	sum=$(cd "$JT_TOP" && git ls-files -co --exclude-standard | grep -v '^data/default/' |
	      sort | xargs -d '\n' sha256sum 2>/dev/null | sha256sum | cut -c1-64)
	if [ -f "$DEB_DIR/.tree-sum" ] && [ "$(cat "$DEB_DIR/.tree-sum")" = "$sum" ] &&
	   ls "$DEB_DIR"/juris_*.deb >/dev/null 2>&1; then
		return 0
	fi
	BUILD=$PKG_BUILD "$JT_TOP/tests/package/build-deb.sh" "$DEB_DIR" || return 1
	echo "$sum" > "$DEB_DIR/.tree-sum"
}

deb_file() {
	ls "$DEB_DIR"/juris_*_"$(dpkg --print-architecture)".deb 2>/dev/null | head -1
}

# ct_packages: the base packages and the names in the .deb's Depends
# (versions and alternatives dropped: the first of each), comma-separated.
ct_packages() {
	local deps
	deps=$(dpkg-deb -f "$(deb_file)" Depends | tr ',' '\n' |
	       sed 's/|.*//; s/(.*)//; s/[[:space:]]//g' | grep -v '^$' | sort -u | paste -sd,)
	echo "$CT_BASE_PACKAGES${deps:+,$deps}"
}

# ct_tree: the cached tree, built when missing or when the package list
# changed (a few minutes, from the apt sources of this machine).
ct_tree() {
	local pkgs
	pkgs=$(ct_packages) || return 1
	[ -x "$CT_TREE/lib/systemd/systemd" ] &&
		[ "$(cat "$CT_TREE.packages" 2>/dev/null)" = "$pkgs" ] && return 0
	require_cmd mmdebstrap
	rm -rf "$CT_TREE" "$CT_TREE.tmp"
	mkdir -p "${CT_TREE%/*}"
	mmdebstrap --variant=minbase --include="$pkgs" bookworm "$CT_TREE.tmp" \
		> "${CT_TREE%/*}/mmdebstrap.log" 2>&1 ||
		fail "mmdebstrap failed: $(tail -1 "${CT_TREE%/*}/mmdebstrap.log")" || return 1
	mv "$CT_TREE.tmp" "$CT_TREE"
	echo "$pkgs" > "$CT_TREE.packages"
}

# ct_init_pid: the PID (on the host) of the container's systemd.
ct_init_pid() {
	local p
	for p in $(pgrep -P "$CT_NSPAWN"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = systemd ] && echo "$p" && return 0
	done
	return 1
}

# ct CMD...: runs CMD inside the container (its namespaces, its root).
ct() {
	nsenter -t "$CT_PID" -a "$@"
}

ct_running() {
	local s
	s=$(ct systemctl is-system-running 2>/dev/null)
	[ "$s" = running ] || [ "$s" = degraded ]
}

# ct_halt: powers the container off (nspawn turns SIGTERM into a clean
# shutdown), then kills what is left.
ct_halt() {
	[ -n "$CT_NSPAWN" ] || return 0
	kill -TERM "$CT_NSPAWN" 2>/dev/null
	for _ in $(seq 150); do
		kill -0 "$CT_NSPAWN" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$CT_NSPAWN" 2>/dev/null
}

# ct_boot: boots the container and installs nothing; sets CT_PID.
ct_boot() {
	local pin=/sys/fs/bpf/juris-test-$JT_ID keep=()
	require_cmd systemd-nspawn nsenter
	deb_build && ct_tree || return 1
	mkdir -p "$pin" && chmod 0700 "$pin" || return 1
	cp -a --reflink=auto "$CT_TREE" "$TEST_TMP/root" || return 1
	# Shut the container down before lib.sh's cleanup, which would give
	# it 2 s before SIGKILL.
	trap 'ct_halt; exec >>"$TEST_TMP.cleanup" 2>&1; jt_cleanup' EXIT
	# Without systemd on the host, nspawn cannot ask it for a scope.
	[ -d /run/systemd/system ] || keep=(--keep-unit)
	SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 bg_run systemd-nspawn --quiet --boot \
		--directory="$TEST_TMP/root" --machine="jt-$JT_ID" --register=no "${keep[@]}" \
		--private-network --console=passive \
		--capability=CAP_BPF,CAP_PERFMON,CAP_NET_ADMIN,CAP_SYS_ADMIN \
		--system-call-filter='bpf perf_event_open' \
		--bind-ro="$DEB_DIR:/mnt/deb" --bind-ro="$JURIS_TESTDATA:/mnt/testdata" \
		--bind="$pin:/sys/fs/bpf" > "$TEST_TMP/nspawn.log" 2>&1
	CT_NSPAWN=$BG_PID
	wait_until 30 ct_init_pid || fail "the container did not boot: $(tail -3 "$TEST_TMP/nspawn.log")" ||
		return 1
	CT_PID=$(ct_init_pid)
	wait_until 60 ct_running ||
		fail "systemd in the container: $(ct systemctl is-system-running 2>&1)" || return 1
}

# ct_setup: a booted container with the package installed, a veth pair
# routing the documentation prefix 192.0.2.0/24, and jtest.service, which
# at each start sends a datagram to 192.0.2.10 (FR in the test database)
# and to 192.0.2.241 (US) and writes what happened to /run/jtest.result.
ct_setup() {
	ct_boot || return 1
	ct sh -c 'dpkg -i /mnt/deb/juris_*.deb' > "$TEST_TMP/dpkg.log" 2>&1 ||
		fail "dpkg -i: $(tail -3 "$TEST_TMP/dpkg.log")" || return 1
	ct ip link add v0 type veth peer name v1 && ct ip link set v0 up &&
	ct ip link set v1 up && ct ip addr add 198.51.100.1/32 dev v0 &&
	ct ip route add 192.0.2.0/24 dev v0 || return 1
	ct sh -c 'cat > /etc/systemd/system/jtest.service' <<'UNIT' || return 1
[Service]
ExecStart=/bin/bash -c 'for a in 192.0.2.10 192.0.2.241; do if echo x 2>/dev/null >/dev/udp/$a/7; then echo "$a sent"; else echo "$a refused"; fi; done > /run/jtest.result; exec sleep infinity'
UNIT
	ct sh -c 'cat > /etc/juris/juris.conf' <<'CONF' || return 1
db = /mnt/testdata/test-country.mmdb
asn-db = none
mode = enforce
allow = eu
cgroup = jtest.service
events = /var/log/juris/events.ndjson
CONF
	ct systemctl daemon-reload && ct systemctl start jtest.service
}

# jtest_result: what the last start of jtest.service saw.
jtest_result() {
	ct cat /run/jtest.result | tr '\n' ';'
}
