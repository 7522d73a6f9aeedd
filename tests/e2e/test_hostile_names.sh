#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end: processes that name themselves with prctl(PR_SET_NAME)
# (tests/e2e/hostile_name.py) send to a third country; every output juris
# writes about them stays inert and valid: the table and top show control
# characters and invalid bytes visibly and keep columns aligned, CSV cells
# cannot start a formula, JSON and the NDJSON events are valid UTF-8.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"

KINDS="erase formula bytes wide"

# hostile_flows: one audited UDP datagram to THIRD4 per hostile name, each
# to its own port (its own flow, so that each name is recorded).
hostile_flows() {
	local k out port=7000
	topology && juris_start --mode audit --events "$TEST_TMP/events.ndjson" || return 1
	for k in $KINDS; do
		port=$((port + 1))
		out=$(in_cg_ns client "$PY" "$E2E_DIR/hostile_name.py" "$k" udp "$THIRD4" "$port" \
			100 1 2>&1)
		assert_match "$out" "^OK " "datagram of the process named '$k'" || return 1
	done
	wait_until 5 sh -c "[ \$(grep -c would_block '$TEST_TMP/events.ndjson') -ge 4 ]" ||
		fail "fewer than 4 events: $(cat "$TEST_TMP/events.ndjson")"
}

# py_check FILE CODE: runs CODE with `raw` the bytes of FILE; prints what
# CODE prints (nothing when all is well).
py_check() {
	$PY -c 'import sys, json, unicodedata
raw = open(sys.argv[1], "rb").read()
exec(sys.argv[2])' "$@"
}

test_events_of_hostile_names_are_valid_utf8_json() {
	hostile_flows || return 1
	assert_eq "$(py_check "$TEST_TMP/events.ndjson" '
names = [json.loads(l.decode("utf-8"))["process"]["name"] for l in raw.splitlines()
         if b"would_block" in l]
want = {"\x1b[2K\rok\n) uid 0", "=1+cmd|calc", "x\ufffd\ufffd\ufffd", "\u6771\u4eac\u6771\u4eac"}
print(sorted(want - set(names)) or "")')" "" "names missing from the events"
}

test_report_table_and_top_show_hostile_names_visibly_and_aligned() {
	local out
	hostile_flows || return 1
	"$JURIS" report --pin-dir "$TEST_PIN" --by process > "$TEST_TMP/table" || return 1
	"$JURIS" top --pin-dir "$TEST_PIN" --by process > "$TEST_TMP/top" < /dev/null || return 1
	for out in table top; do
		assert_eq "$(py_check "$TEST_TMP/$out" '
bad = [b for b in (0x1b, 0x0d, 0x07, 0xff, 0xfe) if b in raw]
text = raw.decode("utf-8")
print(bad or "", end="")
if "\\x1b[2K\\x0dok\\x0a) uid 0" not in text: print(" no visible escape", end="")
if "x\\xff\\xfe\\xc3" not in text: print(" no visible bytes", end="")')" "" "$out: raw control bytes or no visible escapes" || return 1
	done
	# Each row starts its verdict in the same display column as the header.
	assert_eq "$(py_check "$TEST_TMP/table" '
def width(s):
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
cols = set()
for line in raw.decode("utf-8").splitlines():
    for w in ("VERDICT", "would_block"):
        i = line.find(w)
        if i >= 0:
            cols.add(width(line[:i]))
print(cols if len(cols) != 1 else "")')" "" "columns of the VERDICT cells"
}

test_report_csv_cannot_start_a_formula_and_json_is_valid_utf8() {
	hostile_flows || return 1
	"$JURIS" report --pin-dir "$TEST_PIN" --by process --format csv > "$TEST_TMP/csv" || return 1
	"$JURIS" report --pin-dir "$TEST_PIN" --by process --format json > "$TEST_TMP/json" || return 1
	assert_eq "$(py_check "$TEST_TMP/csv" '
import csv, io
cells = [c for row in csv.reader(io.StringIO(raw.decode("utf-8"), newline="")) for c in row]
print([c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")] or "", end="")
if "'"'"'=1+cmd|calc" not in cells: print(" no quoted formula", end="")')" "" "CSV cells" &&
	assert_eq "$(py_check "$TEST_TMP/json" '
d = json.loads(raw.decode("utf-8"))
print(sum(r["command"] == "x\ufffd\ufffd\ufffd" for r in d["rows"]))')" 1 \
		"JSON rows whose command is the bytes that are not UTF-8, replaced"
}

run_tests
