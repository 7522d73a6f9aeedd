#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The test runner of juris (make test): unit tests (cmocka), then the kernel
# and end-to-end shell suites as root; ends with "N passed, N failed".
#
# usage: tests/run.sh [FILTER]   FILTER (extended regex) selects the suites
#                                whose path matches, e.g. e2e or test_addr
# BUILD (default build) is the build directory, as in the Makefile.
set -u

cd "$(dirname "$0")/.." || exit 1
TOP=$PWD
FILTER=${1:-}
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
export JURIS_TESTDATA=$BUILD/testdata
export JURIS=$BUILD/juris
# The host's /etc/juris/juris.conf must not change what the tests run, and
# the default ASN database (0.5 s to compile) is for the tests that ask.
export JURIS_CONFIG=none JURIS_ASN_DB=none
# The unit tests print cmocka's own format: never TAP or XML here.
unset CMOCKA_MESSAGE_OUTPUT CMOCKA_XML_FILE

UNIT_TIMEOUT=120	# per cmocka binary, seconds
SUITE_TIMEOUT=600	# per shell suite, a backstop: tests have their own

passed=0
failed=0
skipped=0
interrupted=
LOG=$(mktemp /tmp/juris-run-XXXXXX)
trap 'rm -f "$LOG"' EXIT
# A suite cleans up on Ctrl-C by itself; then stop, instead of going on.
trap 'interrupted=1' INT TERM

selected() {
	[ -z "$FILTER" ] && return 0
	local p
	for p; do
		printf '%s\n' "$p" | grep -Eq -- "$FILTER" && return 0
	done
	return 1
}

# tee that outlives a Ctrl-C, so that the suite can still report its cleanup.
tee_log() {
	trap '' INT
	exec tee "$LOG"
}

fail_line() {
	echo "FAIL: $1"
	failed=$((failed + 1))
}

testdata() {
	if [ ! -f tests/data/make-testdbs.pl ]; then
		echo "note: tests/data/make-testdbs.pl not found: no test databases in $JURIS_TESTDATA"
		return
	fi
	mkdir -p "$JURIS_TESTDATA"
	if ! perl tests/data/make-testdbs.pl "$JURIS_TESTDATA" > "$LOG" 2>&1; then
		sed 's/^/    | /' "$LOG"
		fail_line "tests/data/make-testdbs.pl: cannot write the test databases"
	fi
	# The libloc ones, with python3-location's writer (not the pyenv python3).
	if ! /usr/bin/python3 tests/data/make-testlocdb.py "$JURIS_TESTDATA" > "$LOG" 2>&1; then
		sed 's/^/    | /' "$LOG"
		fail_line "tests/data/make-testlocdb.py: cannot write the libloc test databases"
	fi
}

# Runs one cmocka binary; counts from its summary lines. A crash, a timeout
# or a non-zero exit that no failed test explains counts as one failure.
unit() {
	local bin=$1 rc p f s
	echo "== $bin"
	timeout -k 10 "$UNIT_TIMEOUT" "$bin" < /dev/null 2>&1 | tee_log
	rc=${PIPESTATUS[0]}
	p=$(sed -nE 's/^\[  PASSED  \] ([0-9]+) test.*/\1/p' "$LOG" | awk '{ n += $1 } END { print n + 0 }')
	f=$(sed -nE 's/^\[  FAILED  \] ([0-9]+) test.*/\1/p' "$LOG" | awk '{ n += $1 } END { print n + 0 }')
	s=$(sed -nE 's/^\[  SKIPPED \] ([0-9]+) test.*/\1/p' "$LOG" | awk '{ n += $1 } END { print n + 0 }')
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		fail_line "$bin: timed out after ${UNIT_TIMEOUT}s"
	elif [ "$rc" -gt 128 ]; then
		fail_line "$bin: killed by signal $((rc - 128))"
	elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		fail_line "$bin: exit status $rc"
	elif [ $((p + f + s)) = 0 ]; then
		fail_line "$bin: no cmocka summary (not a cmocka test?)"
	fi
}

# Runs one shell suite; counts its PASS/FAIL/SKIP lines.
suite() {
	local sh=$1 rc p f s
	echo "== $sh"
	timeout --foreground -k 30 "$SUITE_TIMEOUT" bash "$sh" < /dev/null 2>&1 | tee_log
	rc=${PIPESTATUS[0]}
	p=$(grep -c '^PASS: ' "$LOG")
	f=$(grep -c '^FAIL: ' "$LOG")
	s=$(grep -c '^SKIP: ' "$LOG")
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		fail_line "$sh: timed out after ${SUITE_TIMEOUT}s"
	elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		fail_line "$sh: exit status $rc"
	elif [ $((p + f + s)) = 0 ]; then
		fail_line "$sh: no test ran"
	fi
}

count_tests() {
	grep -cE '^[[:space:]]*(function[[:space:]]+)?test_[A-Za-z0-9_]+[[:space:]]*\(\)' "$1"
}

start=$SECONDS
testdata

for bin in "$BUILD"/tests/test_*; do
	[ -n "$interrupted" ] && break
	[ -f "$bin" ] && [ -x "$bin" ] || continue
	name=${bin##*/}
	selected "$bin" "tests/unit/$name.c" || continue
	unit "$bin"
done

# Static checks of the tree itself (layering, licences): no root needed.
for sh in tests/static/*.sh; do
	[ -n "$interrupted" ] && break
	selected "$sh" || continue
	suite "$sh"
done

for sh in tests/kernel/*.sh tests/e2e/*.sh tests/package/test_*.sh; do
	[ -n "$interrupted" ] && break
	[ -f "$sh" ] || continue
	selected "$sh" || continue
	if [ "$(id -u)" != 0 ]; then
		n=$(count_tests "$sh")
		echo "SKIP: $sh: needs root ($n tests skipped)"
		skipped=$((skipped + n))
		continue
	fi
	suite "$sh"
done

if [ -n "$interrupted" ]; then
	fail_line "tests/run.sh: interrupted"
fi
echo "== $((SECONDS - start)) s"
summary="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" = 0 ]
