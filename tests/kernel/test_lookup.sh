#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# juris lookup answers from the kernel: the real egress program classifies a
# synthetic packet per address (BPF_PROG_TEST_RUN) on the test databases.
. "$(dirname "$0")/../lib.sh"

DB=$JURIS_TESTDATA/test-country.mmdb
GEO=$JURIS_TESTDATA/test-geolite2.mmdb

# lookup_is ADDRESS "COUNTRY ZONE VERDICT" [lookup flags...]
lookup_is() {
	local addr=$1 want=$2 got
	shift 2
	got=$("$JURIS" lookup --json "$@" "$addr" 2>/dev/null |
		/usr/bin/python3 -c 'import json,sys; d=json.loads(sys.stdin.read()); print(d["country"] or "-", d["zone"], d["verdict"])') || {
		echo "lookup $addr failed" >&2; return 1; }
	[ "$got" = "$want" ] || { echo "$addr: got '$got', want '$want'" >&2; return 1; }
}

test_every_zone_ipv4() {
	lookup_is 192.0.2.1 "FR fr allow" --db "$DB" &&
	lookup_is 192.0.2.130 "DE eu allow" --db "$DB" &&
	lookup_is 192.0.2.200 "NO eea deny" --db "$DB" &&
	lookup_is 192.0.2.230 "JP adequate deny" --db "$DB" &&
	lookup_is 192.0.2.241 "US third deny" --db "$DB" &&
	lookup_is 192.0.2.250 "- unknown allow" --db "$DB"
}

test_every_zone_ipv6() {
	lookup_is 2001:db8:1::10 "FR fr allow" --db "$DB" &&
	lookup_is 2001:db8:2::10 "DE eu allow" --db "$DB" &&
	lookup_is 2001:db8:3::10 "US third deny" --db "$DB" &&
	lookup_is 2001:db8:4::10 "NO eea deny" --db "$DB" &&
	lookup_is 2001:db8:5::10 "JP adequate deny" --db "$DB" &&
	lookup_is 2001:db8:6::10 "- unknown allow" --db "$DB"
}

test_nested_network_wins_over_its_parent() {
	lookup_is 198.51.100.70 "FR fr allow" --db "$DB" &&
	lookup_is 198.51.100.10 "US third deny" --db "$DB" &&
	lookup_is 198.51.100.200 "US third deny" --db "$DB"
}

test_french_overseas_is_fr() {
	lookup_is 203.0.113.200 "GP fr allow" --db "$DB" --allow fr
}

test_ipv4_mapped_ipv6_is_classified_as_ipv4() {
	lookup_is ::ffff:198.51.100.10 "US third deny" --db "$DB" &&
	lookup_is ::ffff:192.0.2.1 "FR fr allow" --db "$DB"
}

test_local_ranges_win_over_the_database() {
	lookup_is 10.1.2.3 "- local allow" --db "$DB" --allow fr --unknown deny &&
	lookup_is fd00::1 "- local allow" --db "$DB" --allow fr --unknown deny &&
	lookup_is 127.0.0.1 "- local allow" --db "$DB" --allow fr &&
	lookup_is fe80::1 "- local allow" --db "$DB" --allow fr &&
	lookup_is 100.64.0.1 "- local allow" --db "$DB" --allow fr &&
	lookup_is 224.0.0.1 "- local allow" --db "$DB" --allow fr
}

test_allow_widens_the_policy_zone_by_zone() {
	lookup_is 192.0.2.130 "DE eu deny" --db "$DB" --allow fr &&
	lookup_is 192.0.2.200 "NO eea allow" --db "$DB" --allow eea &&
	lookup_is 192.0.2.230 "JP adequate deny" --db "$DB" --allow eea &&
	lookup_is 192.0.2.230 "JP adequate allow" --db "$DB" --allow adequate &&
	lookup_is 192.0.2.241 "US third deny" --db "$DB" --allow adequate
}

test_us_is_adequate_only_when_asked() {
	lookup_is 192.0.2.241 "US adequate allow" --db "$DB" --allow adequate --us-adequate
}

test_unknown_deny_denies_unknown() {
	lookup_is 192.0.2.250 "- unknown deny" --db "$DB" --unknown deny &&
	lookup_is 2001:db8:6::1 "- unknown deny" --db "$DB" --unknown deny
}

test_except_allows_a_denied_prefix() {
	lookup_is 198.51.100.10 "US third allow" --db "$DB" --except 198.51.100.0/26 &&
	lookup_is 198.51.100.200 "US third deny" --db "$DB" --except 198.51.100.0/26 &&
	lookup_is 2001:db8:3::10 "US third allow" --db "$DB" --except 2001:db8:3::/48
}

test_geolite2_schema_and_registered_country_fallback() {
	lookup_is 192.0.2.1 "FR fr allow" --db "$GEO" &&
	lookup_is 2001:db8:3::10 "US third deny" --db "$GEO" &&
	lookup_is 203.0.113.10 "DE eu allow" --db "$GEO"
}

test_gzip_database_gives_the_same_answers() {
	local gz=$TEST_TMP/test-country.mmdb.gz
	gzip -c "$DB" > "$gz" &&
	lookup_is 192.0.2.130 "DE eu allow" --db "$gz" &&
	lookup_is 2001:db8:3::10 "US third deny" --db "$gz"
}

test_addresses_are_read_from_stdin() {
	local n
	n=$(printf '192.0.2.1\n2001:db8:3::1 198.51.100.1\n' | "$JURIS" lookup --json --db "$DB" 2>/dev/null | wc -l)
	[ "$n" = 3 ] || { echo "3 addresses in, $n answers" >&2; return 1; }
}

test_json_lines_parse_with_a_json_parser() {
	"$JURIS" lookup --json --db "$DB" 192.0.2.1 2001:db8:3::10 2>/dev/null |
		/usr/bin/python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
assert len(rows) == 2, rows
for r in rows:
    assert set(r) >= {"ip", "country", "zone", "verdict"}, r
'
}

test_table_output_has_a_header_and_one_row_per_address() {
	local out
	out=$("$JURIS" lookup --db "$DB" 192.0.2.1 198.51.100.10 2>/dev/null)
	[ "$(echo "$out" | wc -l)" = 3 ] && echo "$out" | head -1 | grep -q '^ADDRESS' &&
		echo "$out" | grep -Eq '^198\.51\.100\.10 +US +third +deny +-$' ||
		{ echo "unexpected table: $out" >&2; return 1; }
}

test_bad_address_is_a_one_line_error() {
	expect_one_line_error "invalid address: 300.1.1.1" "$JURIS" lookup --db "$DB" 300.1.1.1
}

test_missing_database_is_a_one_line_error() {
	expect_one_line_error "/nonexistent.mmdb" "$JURIS" lookup --db /nonexistent.mmdb 192.0.2.1
}

test_empty_database_is_a_one_line_error() {
	: > "$TEST_TMP/empty.mmdb"
	expect_one_line_error "empty.mmdb" "$JURIS" lookup --db "$TEST_TMP/empty.mmdb" 192.0.2.1
}

test_truncated_database_is_a_one_line_error() {
	head -c $(( $(stat -c %s "$DB") / 2 )) "$DB" > "$TEST_TMP/truncated.mmdb"
	expect_one_line_error "truncated.mmdb" "$JURIS" lookup --db "$TEST_TMP/truncated.mmdb" 192.0.2.1
}

test_garbage_database_is_a_one_line_error() {
	head -c 65536 /dev/urandom > "$TEST_TMP/garbage.mmdb"
	expect_one_line_error "garbage.mmdb" "$JURIS" lookup --db "$TEST_TMP/garbage.mmdb" 192.0.2.1
}

test_thousands_of_addresses_take_well_under_a_second_after_load() {
	local n=5000 t
	t=$(/usr/bin/python3 - "$JURIS" "$DB" "$n" <<'PY'
import subprocess, sys, time
juris, db, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
addrs = "\n".join(f"192.0.2.{i % 256}" for i in range(n))
t0 = time.time(); subprocess.run([juris, "lookup", "--json", "--db", db, "192.0.2.1"], capture_output=True, check=True); t1 = time.time()
out = subprocess.run([juris, "lookup", "--json", "--db", db], input=addrs, capture_output=True, text=True, check=True); t2 = time.time()
assert len(out.stdout.splitlines()) == n
print(f"{(t2 - t1) - (t1 - t0):.3f}")
PY
) || return 1
	echo "  $n addresses: ${t}s beyond the load" >&2
	/usr/bin/python3 -c "import sys; sys.exit(0 if float('$t') < 0.5 else 1)" ||
		{ echo "$n lookups took ${t}s after the load" >&2; return 1; }
}

run_tests
