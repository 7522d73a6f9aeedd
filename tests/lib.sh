# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Shell library of the kernel and end-to-end suites: a test runner, assertions
# that say what differed, and fixtures (netns, veth, cgroup, pins, daemons)
# that are always cleaned up, even when a test fails, hangs or is interrupted.
#
# A suite is a bash script:
#
#     . "$(dirname "$0")/../lib.sh"
#     test_connect_to_third_country_fails_with_eperm() { ...; }
#     run_tests
#
# run_tests runs every function whose name starts with test_, in the order of
# the file, each in a fresh process (bash re-runs the suite with JT_ONE=name)
# under a timeout (JT_TIMEOUT seconds, default 60; a suite may set it after
# sourcing this file), and prints one line per
# test: "PASS: name", "FAIL: name: reason" or "SKIP: name: reason". The
# reason is the last line the test wrote; a failing test's whole output
# follows, indented. A test fails when it returns non-zero: chain checks with
# && or end with an assertion. JT_TEST=REGEX runs only the matching tests;
# JT_VERBOSE=1 shows the output of passing tests too.
#
# Fixture names derive from JT_ID, the pid of the suite process: network
# namespaces jt-$JT_ID-NAME, the cgroup juris-test-$JT_ID under the cgroup2
# mount, the pin directories /sys/fs/bpf/juris-test-$JT_ID*. Whatever carries
# those names is removed after every test, by the test itself on exit and
# again by the suite process, so that not even a SIGKILLed test leaks.
#
# Environment: JURIS (default build/juris), JURIS_TESTDATA (default
# build/testdata), both set by tests/run.sh.

JT_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JT_SELF=$(realpath "$0")
: "${JURIS:=$JT_TOP/build/juris}"
: "${JURIS_TESTDATA:=$JT_TOP/build/testdata}"
: "${JT_TIMEOUT:=60}"
: "${JT_ID:=$$}"
export JURIS JURIS_TESTDATA JT_ID
# python3-maxminddb and friends are Debian packages: not the pyenv python3.
PY=/usr/bin/python3
TEST_DB=$JURIS_TESTDATA/test-country.mmdb
TEST_PIN=/sys/fs/bpf/juris-test-$JT_ID
TEST_CG=

# ---------------------------------------------------------------------------
# Outcomes

# skip REASON: ends the current test as skipped.
skip() {
	echo "$*" > "$TEST_TMP.skip"
	exit 77
}

# fail REASON: prints the reason; use as "... || fail 'what went wrong'".
fail() {
	echo "$*" >&2
	return 1
}

require_root() {
	[ "$(id -u)" = 0 ] || skip "needs root"
}

require_cmd() {
	local c
	for c; do
		command -v "$c" >/dev/null || skip "$c is not installed"
	done
}

# The binary under test must exist: a missing one is a failure, not a skip.
require_juris() {
	[ -x "$JURIS" ] || fail "juris binary not built: $JURIS"
}

require_testdata() {
	[ -s "$TEST_DB" ] ||
		fail "test database missing: $TEST_DB (perl tests/data/make-testdbs.pl $JURIS_TESTDATA)"
}

# ---------------------------------------------------------------------------
# Assertions: each prints what differed on stderr and returns 1.

# assert_eq GOT WANT [WHAT]
assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-value}: got '$1', want '$2'"
}

# assert_ne GOT UNWANTED [WHAT]
assert_ne() {
	[ "$1" != "$2" ] || fail "${3:-value}: got '$1', want anything else"
}

# assert_match GOT EXTENDED_REGEX [WHAT]
assert_match() {
	printf '%s\n' "$1" | grep -Eq -- "$2" || fail "${3:-value}: '$1' does not match /$2/"
}

# assert_contains HAYSTACK NEEDLE [WHAT]
assert_contains() {
	case $1 in
	*"$2"*) return 0 ;;
	esac
	fail "${3:-output}: '$2' not found in: $(printf '%s' "$1" | head -c 2000)"
}

# assert_num GOT OP WANT [WHAT], OP one of == != < <= > >=; decimals allowed.
assert_num() {
	awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
		if (a !~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/) exit 2
		a += 0; b += 0
		if (op == "==") ok = a == b; else if (op == "!=") ok = a != b
		else if (op == "<") ok = a < b; else if (op == "<=") ok = a <= b
		else if (op == ">") ok = a > b; else if (op == ">=") ok = a >= b
		exit ok ? 0 : 1 }' ||
		fail "${4:-value}: got '$1', want $2 $3"
}

# assert_ok CMD...: the command succeeds; on failure shows its output.
assert_ok() {
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	[ $rc = 0 ] && return 0
	printf '%s\n' "$out" | tail -n 20 | sed 's/^/  > /' >&2
	fail "command failed with status $rc: $*"
}

# assert_fails CMD...: the command exits non-zero.
assert_fails() {
	local out
	if out=$("$@" 2>&1); then
		printf '%s\n' "$out" | tail -n 20 | sed 's/^/  > /' >&2
		fail "command succeeded, want failure: $*"
	fi
}

# expect_one_line_error SUBSTRING CMD...: the command exits non-zero and
# writes exactly one line on stderr, "juris: ...", containing SUBSTRING.
expect_one_line_error() {
	local want=$1 err rc n
	shift
	err=$(timeout 30 "$@" 2>&1 >/dev/null)
	rc=$?
	n=$(printf '%s' "$err" | grep -c '')
	if [ $rc = 0 ]; then
		printf '%s\n' "$err" | sed 's/^/  stderr: /' >&2
		fail "exit status 0, want non-zero: $*"
		return 1
	fi
	[ $rc != 124 ] || fail "still running after 30 s: $*" || return 1
	if [ "$n" != 1 ]; then
		printf '%s\n' "$err" | sed 's/^/  stderr: /' >&2
		fail "$n lines on stderr, want 1: $*"
		return 1
	fi
	case $err in
	"juris: "*) ;;
	*) fail "stderr does not start with 'juris: ': $err"; return 1 ;;
	esac
	assert_contains "$err" "$want" "stderr"
}

# json_get PY_EXPR [ARG...] < JSON: prints the value of a Python expression
# over the parsed document d, with the ARGs in the list a (safer than
# splicing shell values into the expression). Booleans, lists and objects
# print as JSON.
json_get() {
	$PY -c '
import json, sys
d = json.load(sys.stdin)
v = eval(sys.argv[1], {"d": d, "a": sys.argv[2:]})
print(json.dumps(v, sort_keys=True) if isinstance(v, (bool, dict, list)) or v is None else v)
' "$@"
}

# wait_until SECONDS CMD...: polls CMD every 0.1 s until it succeeds.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.1
	done
}

# ---------------------------------------------------------------------------
# Fixtures

# bg_run CMD...: starts CMD in the background, killed at cleanup. Sets BG_PID.
bg_run() {
	"$@" &
	BG_PID=$!
	echo "$BG_PID" >> "$TEST_TMP/.pids"
}

# ns NAME: the full name of this test's network namespace NAME.
ns() {
	echo "jt-$JT_ID-$1"
}

# ns_create NAME...: new network namespaces with lo up and no IPv6 duplicate
# address detection (addresses usable at once).
ns_create() {
	local n full
	for n; do
		full=$(ns "$n")
		ip netns add "$full" || return 1
		ip -n "$full" link set lo up &&
		ip netns exec "$full" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 || return 1
	done
}

# ns_exec NAME CMD...
ns_exec() {
	local full
	full=$(ns "$1")
	shift
	ip netns exec "$full" "$@"
}

# veth_create NS1 IF1 NS2 IF2: a veth pair between two of this test's
# namespaces, both ends up. Created inside the namespaces: no name clash with
# the host or with other tests.
veth_create() {
	ip link add "$2" netns "$(ns "$1")" type veth peer name "$4" netns "$(ns "$3")" &&
	ip -n "$(ns "$1")" link set "$2" up &&
	ip -n "$(ns "$3")" link set "$4" up
}

# The cgroup2 mount point, from /proc/mounts (never assumed).
cgroup2_root() {
	awk '$3 == "cgroup2" { gsub(/\\040/, " ", $2); print $2; exit }' /proc/mounts
}

# cg_create: creates this test's cgroup and sets TEST_CG to its path. It is
# a child of juris-test-$JT_ID, as a service is of its slice: juris puts its
# hooks on the parent of a watched cgroup, and so on a cgroup of the test's
# own, never on the host's root.
cg_create() {
	local root
	root=$(cgroup2_root)
	[ -n "$root" ] || fail "no cgroup2 mount in /proc/mounts" || return 1
	TEST_CG=$root/juris-test-$JT_ID/svc
	mkdir -p "$TEST_CG"
}

# in_cg_ns NS CMD...: runs CMD inside this test's cgroup and namespace NS.
in_cg_ns() {
	local full
	[ -n "$TEST_CG" ] || fail "in_cg_ns: cg_create first" || return 1
	full=$(ns "$1")
	shift
	(echo $BASHPID > "$TEST_CG/cgroup.procs" && exec ip netns exec "$full" "$@")
}

# in_cg_ns_bg NS CMD...: the same in the background. Sets BG_PID.
in_cg_ns_bg() {
	bg_run in_cg_ns "$@"
}

# bpffs is where juris pins; some machines do not mount it.
bpffs_mount() {
	[ "$(stat -f -c %T /sys/fs/bpf 2>/dev/null)" = bpf_fs ] ||
		mount -t bpf -o mode=0700 bpf /sys/fs/bpf
}

# juris_start [RUN OPTIONS...]: starts "juris run" in the background on this
# test's pin directory and cgroup (with the test database unless --db or a
# policy file is given), logging to $TEST_TMP/juris.log. Waits until it is ready: juris
# status exits 0 and names this daemon. Sets JURIS_PID. With JURIS_NETNS set,
# juris runs in that namespace of the test (see juris_netns).
juris_start() {
	local db=(--db "$TEST_DB") a pid pre=()
	[ -n "$TEST_CG" ] || fail "juris_start: cg_create first (never watch the host)" || return 1
	for a; do
		case $a in --db | -c | --config) db=() ;; esac
	done
	# Not juris_netns: JURIS_PID must be juris's own (nsenter execs it).
	[ -z "$JURIS_NETNS" ] || pre=(nsenter --net="/run/netns/$(ns "$JURIS_NETNS")")
	bg_run "${pre[@]}" "$JURIS" run --pin-dir "$TEST_PIN" --cgroup "$TEST_CG" "${db[@]}" "$@" \
		>> "$TEST_TMP/juris.log" 2>&1
	JURIS_PID=$BG_PID
	for _ in $(seq 100); do
		if ! kill -0 "$JURIS_PID" 2>/dev/null; then
			sed 's/^/  juris.log: /' "$TEST_TMP/juris.log" >&2
			fail "juris run exited before it was ready"
			return 1
		fi
		pid=$(juris_netns "$JURIS" status --json --pin-dir "$TEST_PIN" 2>/dev/null |
			json_get 'd.get("daemon_pid")' 2>/dev/null)
		[ "$pid" = "$JURIS_PID" ] && return 0
		sleep 0.1
	done
	sed 's/^/  juris.log: /' "$TEST_TMP/juris.log" >&2
	fail "juris run not ready after 10 s (status daemon_pid '$pid', want $JURIS_PID)"
}

# juris_status_json: juris status --json of this test's pins.
juris_status_json() {
	juris_netns "$JURIS" status --json --pin-dir "$TEST_PIN"
}

# juris_netns CMD...: runs CMD in this test's network namespace
# $JURIS_NETNS when a suite sets it (juris then sees that namespace's
# interfaces and routes), else here. nsenter, not ip netns exec: that one
# remounts /sys, and bpffs with it.
juris_netns() {
	if [ -n "$JURIS_NETNS" ]; then
		nsenter --net="/run/netns/$(ns "$JURIS_NETNS")" "$@"
	else
		"$@"
	fi
}

# Kills what the test started, by pid: registered background jobs, then
# whatever still lives in the test cgroup or namespaces.
jt_kill_pids() {
	local pids=() p
	[ -f "$TEST_TMP/.pids" ] && mapfile -t pids < "$TEST_TMP/.pids"
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for _ in $(seq 20); do
		for p in "${pids[@]}"; do
			kill -0 "$p" 2>/dev/null && break
			p=
		done
		[ -z "$p" ] && break
		sleep 0.1
	done
	for p in "${pids[@]}"; do
		kill -KILL "$p" 2>/dev/null
	done
	rm -f "$TEST_TMP/.pids"
}

# jt_cleanup: removes every fixture named after JT_ID. Idempotent; run by the
# test on exit and by the suite after each test.
jt_cleanup() {
	local root cg n p d
	[ -n "$TEST_TMP" ] && [ -d "$TEST_TMP" ] && jt_kill_pids
	# Pins first: juris stop ends the daemon and lifts enforcement.
	for d in /sys/fs/bpf/juris-test-"$JT_ID" /sys/fs/bpf/juris-test-"$JT_ID"-*; do
		[ -e "$d" ] || continue
		[ -x "$JURIS" ] && juris_netns timeout 10 "$JURIS" stop --pin-dir "$d" >/dev/null 2>&1
		rm -rf "$d"
	done
	root=$(cgroup2_root)
	cg=${root:+$root/juris-test-$JT_ID}
	if [ -n "$cg" ] && [ -d "$cg" ]; then
		for _ in $(seq 50); do
			p=$(find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null)
			[ -z "$p" ] && break
			# shellcheck disable=SC2086
			kill -KILL $p 2>/dev/null
			sleep 0.1
		done
		find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null
		[ -d "$cg" ] && echo "cannot remove cgroup $cg"
	fi
	for n in $(ip netns list 2>/dev/null | awk -v p="jt-$JT_ID-" 'index($1, p) == 1 { print $1 }'); do
		p=$(ip netns pids "$n" 2>/dev/null)
		# shellcheck disable=SC2086
		[ -n "$p" ] && kill -KILL $p 2>/dev/null
		ip netns del "$n" 2>/dev/null || echo "cannot delete netns $n"
	done
	[ -n "$TEST_TMP" ] && rm -rf "$TEST_TMP"
	return 0
}

# ---------------------------------------------------------------------------
# Runner

# The test functions of the suite, in the order of the file.
jt_list_tests() {
	local f
	shopt -s extdebug
	for f in $(declare -F | awk '$3 ~ /^test_/ { print $3 }'); do
		declare -F "$f"
	done | sort -k3,3 -k2,2n | awk '{ print $1 }'
	shopt -u extdebug
}

# jt_check_events: every event line the test made (event files, and the
# daemon's log where events go without --events) against the ECS types of
# tests/data/ecs-fields.tsv; prints the problems, fails when there are any.
jt_check_events() {
	local files=()
	[ -d "$TEST_TMP" ] || return 0
	mapfile -t files < <(find "$TEST_TMP" -type f \( -name '*.ndjson*' -o -name 'events*' \
		-o -name 'juris.log' \) ! -name '*.tmp' 2>/dev/null)
	[ ${#files[@]} = 0 ] && return 0
	$PY "$JT_TOP/tests/e2e/ecs_check.py" "$JT_TOP/tests/data/ecs-fields.tsv" "${files[@]}"
}

# Inside the per-test process: fixtures, the test, the ECS check of its
# events, cleanup.
jt_run_one() {
	local rc
	mkdir -p "$TEST_TMP"
	trap 'exec >>"$TEST_TMP.cleanup" 2>&1; jt_cleanup' EXIT
	trap 'exit 143' TERM
	trap 'exit 130' INT
	[ "$(id -u)" = 0 ] && bpffs_mount
	declare -F "$JT_ONE" >/dev/null || { echo "no such test: $JT_ONE"; exit 1; }
	"$JT_ONE"
	rc=$?
	if [ "$rc" = 0 ] && ! jt_check_events; then
		echo "event lines that are not valid ECS (tests/e2e/ecs_check.py)"
		rc=1
	fi
	exit $rc
}

jt_interrupted() {
	[ -n "$JT_CHILD" ] && kill -TERM "$JT_CHILD" 2>/dev/null && wait "$JT_CHILD"
	TEST_TMP=$JT_SUITE_TMP/t jt_cleanup
	rm -rf "$JT_SUITE_TMP"
	echo "FAIL: ${JT_CURRENT:-suite}: interrupted"
	exit 130
}

run_tests() {
	local t rc out reason tests=() n_fail=0
	if [ -n "$JT_ONE" ]; then
		jt_run_one
		return
	fi
	mapfile -t tests < <(jt_list_tests)
	JT_SUITE_TMP=$(mktemp -d /tmp/juris-test-"$JT_ID"-XXXXXX)
	trap jt_interrupted INT TERM
	trap 'rm -rf "$JT_SUITE_TMP"' EXIT
	for t in "${tests[@]}"; do
		[ -n "$JT_TEST" ] && ! [[ $t =~ $JT_TEST ]] && continue
		JT_CURRENT=$t
		out=$JT_SUITE_TMP/out
		# timeout puts the test in its own process group and kills all of it.
		JT_ONE=$t TEST_TMP=$JT_SUITE_TMP/t \
			timeout -k 15 "$JT_TIMEOUT" bash "$JT_SELF" < /dev/null > "$out" 2>&1 &
		JT_CHILD=$!
		wait $JT_CHILD
		rc=$?
		JT_CHILD=
		# The test's own cleanup may have been cut short by a SIGKILL.
		TEST_TMP=$JT_SUITE_TMP/t jt_cleanup >> "$JT_SUITE_TMP/t.cleanup" 2>&1
		reason=$(grep -v '^[[:space:]]*$' "$out" | tail -n 1)
		case $rc in
		0) echo "PASS: $t" ;;
		77) echo "SKIP: $t: $(cat "$JT_SUITE_TMP/t.skip" 2>/dev/null || echo "$reason")" ;;
		124 | 137) echo "FAIL: $t: timed out after ${JT_TIMEOUT}s"; rc=1 ;;
		*) echo "FAIL: $t: ${reason:-exit status $rc}" ;;
		esac
		if [ "$rc" != 0 ] && [ "$rc" != 77 ]; then
			n_fail=$((n_fail + 1))
			sed 's/^/    | /' "$out"
		elif [ -n "$JT_VERBOSE" ]; then
			sed 's/^/    | /' "$out"
		fi
		[ -s "$JT_SUITE_TMP/t.cleanup" ] && sed 's/^/    cleanup: /' "$JT_SUITE_TMP/t.cleanup"
		rm -f "$out" "$JT_SUITE_TMP/t.cleanup" "$JT_SUITE_TMP/t.skip"
	done
	JT_CURRENT=
	[ $n_fail = 0 ]
}
