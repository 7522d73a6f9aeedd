# Fixture of the end-to-end suites: namespace "client" (in the test cgroup)
# reaches namespace "server" over a veth; the server holds one address per
# zone of the test database (tests/data/README.md). Documentation addresses
# only: nothing leaves the two namespaces.
# (Not a suite: tests/run.sh runs *.sh files only.)

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PORT=7
HOLD_PORT=9	# TCP: the server keeps the connection open

FR4=192.0.2.10		# FR, zone fr
EU4=192.0.2.130		# DE, zone eu
THIRD4=192.0.2.241	# US, zone third
THIRD4B=198.51.100.10	# US, zone third, the --except test's prefix
UNKNOWN4=192.0.2.250	# absent from the database
FR6=2001:db8:1::10
EU6=2001:db8:2::10
THIRD6=2001:db8:3::10
UNKNOWN6=2001:db8:6::10

# topology: namespaces, veth, addresses, routes, the test cgroup and the
# server; checks that the client reaches a third-country address before any
# juris runs, so that a later EPERM is juris's doing.
topology() {
	local a
	require_root
	require_juris || return 1
	require_testdata || return 1
	ns_create client server &&
	veth_create client jc0 server js0 &&
	ns_exec client ip addr add 203.0.113.1/24 dev jc0 &&
	ns_exec client ip addr add 2001:db8:ffff::1/64 dev jc0 nodad &&
	ns_exec server ip addr add 203.0.113.2/24 dev js0 &&
	ns_exec server ip addr add 2001:db8:ffff::2/64 dev js0 nodad || return 1
	for a in $FR4 $EU4 $THIRD4 $THIRD4B $UNKNOWN4; do
		ns_exec server ip addr add "$a/32" dev lo || return 1
	done
	for a in $FR6 $EU6 $THIRD6 $UNKNOWN6; do
		ns_exec server ip addr add "$a/128" dev lo nodad || return 1
	done
	ns_exec client ip route add 192.0.2.0/24 via 203.0.113.2 &&
	ns_exec client ip route add 198.51.100.0/24 via 203.0.113.2 &&
	ns_exec client ip -6 route add 2001:db8::/32 via 2001:db8:ffff::2 || return 1
	cg_create || return 1
	bg_run ns_exec server "$PY" "$E2E_DIR/server.py" "$PORT" "$TEST_TMP/server.ready" "$HOLD_PORT"
	wait_until 5 test -e "$TEST_TMP/server.ready" || fail "test server did not start" || return 1
	connect_is "$THIRD4" OK && connect_is "$THIRD6" OK ||
		fail "the client cannot reach the server without juris: broken topology"
}

# client tcp ADDR PORT | client udp ADDR PORT SIZE COUNT: runs client.py in
# the test cgroup and the client namespace; prints "RESULT SECONDS PID".
client() {
	in_cg_ns client "$PY" "$E2E_DIR/client.py" "$@"
}

# connect_is ADDR WANT [MAX_SECONDS]: a TCP connect to ADDR gives WANT (OK,
# EPERM...), within MAX_SECONDS if given.
connect_is() {
	local out res el
	out=$(client tcp "$1" "$PORT" 2>&1)
	read -r res el _ <<< "$out"
	assert_eq "$res" "$2" "TCP connect to $1" || return 1
	[ -z "$3" ] || assert_num "$el" "<" "$3" "seconds taken by the connect to $1"
}

# udp_is ADDR WANT [SIZE [COUNT]]: sending COUNT datagrams of SIZE bytes to
# ADDR gives WANT.
udp_is() {
	local out res
	out=$(client udp "$1" "$PORT" "${3:-100}" "${4:-1}" 2>&1)
	read -r res _ <<< "$out"
	assert_eq "$res" "$2" "UDP sendto $1"
}

# total ZONE VERDICT FIELD: one cell of the totals of juris status --json.
total() {
	juris_status_json | json_get \
		'sum(t[a[2]] for t in d["totals"] if t["zone"] == a[0] and t["verdict"] == a[1])' \
		"$1" "$2" "$3"
}

# counter NAME: one of the loss and block counters of juris status --json.
counter() {
	juris_status_json | json_get 'd["counters"][a[0]]' "$1"
}

# The attach types of the programs on the test cgroup, one per line, sorted.
# The programs run for the test cgroup: juris attaches them on its parent
# (see kernel/watch.h), so the effective ones.
cgroup_progs() {
	local j
	j=$(bpftool -j cgroup show "$TEST_CG" effective 2>/dev/null)
	[ -n "$j" ] || j='[]'
	printf '%s' "$j" | json_get '"\n".join(sorted(p["attach_type"] for p in d))'
}

# hooks_attached_once: each program runs once for the test cgroup, and there
# are as many as juris status reports on its parent, where juris attaches.
hooks_attached_once() {
	local progs dup n_status
	progs=$(cgroup_progs)
	[ -n "$progs" ] || fail "no program attached to $TEST_CG" || return 1
	dup=$(printf '%s\n' "$progs" | uniq -d)
	[ -z "$dup" ] || fail "attached more than once to $TEST_CG: $(printf '%s\n' "$dup" | tr '\n' ' ')" || return 1
	# The hooks sit on the watched cgroup's parent (kernel/watch.h).
	n_status=$(juris_status_json |
		json_get 'len([h for h in d["hooks"] if h.get("cgroup") == a[0]])' "$(dirname "$TEST_CG")")
	assert_eq "$(printf '%s\n' "$progs" | wc -l)" "$n_status" \
		"programs on the test cgroup (bpftool) vs hooks there (juris status)"
}

pid_gone() {
	! kill -0 "$1" 2>/dev/null
}

# juris_wait_exit [SECONDS]: waits for the daemon of juris_start to end;
# sets JURIS_RC to its exit status (used by the suites).
juris_wait_exit() {
	wait_until "${1:-5}" pid_gone "$JURIS_PID" ||
		fail "juris run (pid $JURIS_PID) still alive after ${1:-5} s" || return 1
	wait "$JURIS_PID"
	# shellcheck disable=SC2034
	JURIS_RC=$?
	return 0
}

# What a juris that must stay untouched shows: totals, counters, hooks.
juris_snapshot() {
	juris_status_json | json_get '[d["totals"], d["counters"], d["hooks"], d["daemon_pid"]]'
}
