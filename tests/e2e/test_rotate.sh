#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end: juris run rotates a full 64 MiB event file without stalling
# its event loop: events reach the new file while the old one is still being
# compressed, and afterwards every line is in exactly one file (read back
# with Python's gzip and json).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"

# fill FILE MIB: MIB MiB of numbered NDJSON lines that compress poorly, as a
# full event file that juris finds when it starts. Prints the line count.
fill() {
	$PY - "$1" "$2" <<'PY'
import json, os, sys
path, size = sys.argv[1], int(sys.argv[2]) << 20
pad = os.urandom(size // 2).hex()
n = written = 0
with open(path, "w") as f:
    while written < size:
        o = written % (len(pad) - 64)
        line = json.dumps({"event": {"action": "allowed"}, "n": n,
                           "pad": pad[o:o + 64]}) + "\n"
        f.write(line)
        written += len(line)
        n += 1
print(n)
PY
}

test_rotation_of_64_mib_does_not_stall_events_and_loses_none() {
	local ev=$TEST_TMP/events lines t0 ms i
	topology || return 1
	lines=$(fill "$ev" 64) || fail "cannot write $ev" || return 1
	juris_start --mode enforce --events "$ev" --events-max-size 64M || return 1
	t0=$(date +%s%N)
	connect_is "$THIRD4" EPERM || return 1
	# The first event rotates: FILE.rotating appears at once, the event
	# lands in the new FILE, while the compression goes on.
	wait_until 5 test -s "$ev" || fail "no event in the new $ev" || return 1
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "first event in the new file after ${ms} ms"
	for i in 1 2 3; do
		connect_is "$THIRD4" EPERM || return 1
	done
	wait_until 5 "$PY" -c 'import sys; sys.exit(sum(1 for _ in open(sys.argv[1])) < 4)' "$ev" ||
		fail "4 blocked connects, fewer events in $ev" || return 1
	[ -e "$ev.rotating" ] ||
		fail "$ev.rotating already gone: compression did not overlap with events" || return 1
	t0=$(date +%s%N)
	wait_until 40 test ! -e "$ev.rotating" || fail "compression did not end" || return 1
	echo "compression ended $((($(date +%s%N) - t0) / 1000000)) ms after the 4th event"
	assert_eq "$(counter ringbuf_drops)" 0 "ring buffer drops" &&
	assert_eq "$($PY - "$ev" "$lines" <<'PY'
import gzip, json, os, sys
path, lines = sys.argv[1], int(sys.argv[2])
old = [json.loads(l) for l in gzip.open(path + ".1.gz", "rt")]
new = [json.loads(l) for l in open(path)]
assert [e["n"] for e in old] == list(range(lines)), "the old lines, each once, in order"
assert not [e for e in new if "n" in e], "an old line in the new file"
assert all(e["event"]["action"] == "blocked" for e in new), new
assert not os.path.exists(path + ".2.gz")
print("ok")
PY
)" ok "every line in exactly one file"
}

run_tests
