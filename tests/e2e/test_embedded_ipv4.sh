#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end: IPv6 destinations that carry an IPv4 one (NAT64, 6to4, Teredo)
# are judged by that IPv4 address. The server namespace holds such IPv6
# addresses for documentation IPv4 addresses of the test database, and the
# client routes their prefixes over the test veth: nothing leaves the two
# namespaces.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/egress.bash"

# FR4 (192.0.2.10, c000:020a) and THIRD4 (192.0.2.241, c000:02f1) inside:
NAT64_FR=64:ff9b::c000:20a
NAT64_THIRD=64:ff9b::c000:2f1
SIXTOFOUR_FR=2002:c000:20a::1
SIXTOFOUR_THIRD=2002:c000:2f1::1
# Teredo: server 192.0.2.1 (FR) in bits 32..63, the client inverted in the
# last 32 bits: the server must not be what juris judges.
TEREDO_FR=2001:0:c000:201::3fff:fdf5
TEREDO_THIRD=2001:0:c000:201::3fff:fd0e
# A network-specific /48 (RFC 6052 2.2: bytes 6-7, u-octet, bytes 9-10),
# unknown to the database when not configured.
NSP=2001:db8:64::/48
NSP_FR=2001:db8:64:c000:2:a00::
NSP_THIRD=2001:db8:64:c000:2:f100::
# RFC 8215 local use, /96 layout when configured.
LOCAL_USE_THIRD=64:ff9b:1::c000:2f1
LOCAL_USE_FR=64:ff9b:1::c000:20a

embedded_topology() {
	local a
	topology || return 1
	for a in $NAT64_FR $NAT64_THIRD $SIXTOFOUR_FR $SIXTOFOUR_THIRD $TEREDO_FR $TEREDO_THIRD \
		$NSP_FR $NSP_THIRD $LOCAL_USE_FR $LOCAL_USE_THIRD; do
		ns_exec server ip addr add "$a/128" dev lo nodad || return 1
	done
	ns_exec client ip -6 route add 64:ff9b::/96 via 2001:db8:ffff::2 &&
	ns_exec client ip -6 route add 64:ff9b:1::/48 via 2001:db8:ffff::2 &&
	ns_exec client ip -6 route add 2002::/16 via 2001:db8:ffff::2 &&
	ns_exec client ip -6 route add 2001::/32 via 2001:db8:ffff::2 || return 1
	connect_is "$NAT64_THIRD" OK && connect_is "$TEREDO_THIRD" OK ||
		fail "the client cannot reach the embedded addresses without juris: broken topology"
}

test_nat64_6to4_and_teredo_to_a_third_country_fail_with_eperm() {
	embedded_topology && juris_start --mode enforce || return 1
	connect_is "$NAT64_THIRD" EPERM 0.1 && udp_is "$NAT64_THIRD" EPERM &&
	connect_is "$SIXTOFOUR_THIRD" EPERM 0.1 && udp_is "$SIXTOFOUR_THIRD" EPERM &&
	connect_is "$TEREDO_THIRD" EPERM 0.1 && udp_is "$TEREDO_THIRD" EPERM
}

test_nat64_6to4_and_teredo_to_an_allowed_country_pass() {
	embedded_topology && juris_start --mode enforce --unknown deny || return 1
	connect_is "$NAT64_FR" OK && udp_is "$NAT64_FR" OK &&
	connect_is "$SIXTOFOUR_FR" OK && udp_is "$SIXTOFOUR_FR" OK &&
	connect_is "$TEREDO_FR" OK && udp_is "$TEREDO_FR" OK &&
	assert_num "$(total fr allow packets)" ">=" 6 "fr/allow packets"
}

test_packets_of_a_socket_opened_before_juris_are_judged_by_the_ipv4() {
	local res
	embedded_topology || return 1
	# A connected UDP socket skips the sendmsg hook: only cgroup_skb sees it.
	in_cg_ns client "$PY" "$E2E_DIR/client.py" udp-early "$NAT64_THIRD" "$PORT" \
		"$TEST_TMP/early.ready" "$TEST_TMP/early.go" > "$TEST_TMP/early.out" 2>&1 &
	wait_until 5 test -e "$TEST_TMP/early.ready" || fail "early client not ready" || return 1
	juris_start --mode enforce || return 1
	touch "$TEST_TMP/early.go"
	wait_until 25 grep -q . "$TEST_TMP/early.out" || fail "early client did not finish" || return 1
	read -r res _ < "$TEST_TMP/early.out"
	assert_eq "$res" EPERM "sends on a socket opened before juris" &&
	assert_num "$(total third block packets)" ">=" 1 "third/block packets"
}

test_network_specific_prefix_is_judged_by_its_ipv4_address() {
	embedded_topology && juris_start --mode enforce --nat64-prefix "$NSP" || return 1
	connect_is "$NSP_THIRD" EPERM 0.1 && udp_is "$NSP_THIRD" EPERM &&
	connect_is "$NSP_FR" OK && udp_is "$NSP_FR" OK
}

test_local_use_nat64_prefix_is_unknown_unless_configured() {
	embedded_topology && juris_start --mode enforce --unknown deny || return 1
	connect_is "$LOCAL_USE_FR" EPERM 0.1 && connect_is "$LOCAL_USE_THIRD" EPERM 0.1 &&
	assert_num "$(total unknown block flows)" ">=" 2 "unknown/block flows"
}

test_configured_local_use_prefix_is_judged_by_its_ipv4_address() {
	embedded_topology &&
	juris_start --mode enforce --unknown deny --nat64-prefix 64:ff9b:1::/96 || return 1
	connect_is "$LOCAL_USE_FR" OK && connect_is "$LOCAL_USE_THIRD" EPERM 0.1
}

test_ipv4_exception_lets_its_nat64_address_through() {
	embedded_topology && juris_start --mode enforce --unknown deny --except 192.0.2.240/29 || return 1
	connect_is "$NAT64_THIRD" OK && connect_is "$SIXTOFOUR_THIRD" OK
}

test_nat64_prefix_comes_and_goes_with_reload() {
	local out
	embedded_topology || return 1
	printf 'db = %s\nmode = enforce\n' "$TEST_DB" > "$TEST_TMP/juris.conf"
	juris_start -c "$TEST_TMP/juris.conf" || return 1
	connect_is "$NSP_THIRD" OK || return 1
	printf 'nat64-prefix = %s\n' "$NSP" >> "$TEST_TMP/juris.conf"
	out=$("$JURIS" reload --pin-dir "$TEST_PIN" 2>&1) || fail "juris reload failed: $out" || return 1
	assert_contains "$out" "1 NAT64 prefix" "juris reload output" &&
	connect_is "$NSP_THIRD" EPERM 0.1 && connect_is "$NSP_FR" OK &&
	assert_eq "$(juris_status_json | json_get 'd["nat64_prefixes"]')" '["2001:db8:64::/48"]' \
		"status nat64_prefixes" || return 1
	printf 'db = %s\nmode = enforce\n' "$TEST_DB" > "$TEST_TMP/juris.conf"
	out=$("$JURIS" reload --pin-dir "$TEST_PIN" 2>&1) || fail "juris reload failed: $out" || return 1
	connect_is "$NSP_THIRD" OK
}

test_event_and_report_show_the_ipv6_destination_and_its_ipv4() {
	local e r
	embedded_topology && juris_start --mode enforce --events "$TEST_TMP/events" || return 1
	connect_is "$TEREDO_THIRD" EPERM || return 1
	wait_until 5 grep -q "$TEREDO_THIRD" "$TEST_TMP/events" ||
		fail "no event for $TEREDO_THIRD" || return 1
	e=$(grep -m1 "$TEREDO_THIRD" "$TEST_TMP/events")
	assert_eq "$(json_get 'd["destination"]["ip"]' <<< "$e")" "$TEREDO_THIRD" "destination.ip" &&
	assert_eq "$(json_get 'd["juris"]["embedded_ipv4"]' <<< "$e")" "$THIRD4" "juris.embedded_ipv4" &&
	assert_eq "$(json_get 'd["juris"]["embedding"]' <<< "$e")" teredo "juris.embedding" &&
	assert_eq "$(json_get 'd["destination"]["geo"]["country_iso_code"]' <<< "$e")" US "country" ||
		return 1
	r=$("$JURIS" report --pin-dir "$TEST_PIN" --by flow --format json) ||
		fail "juris report failed" || return 1
	assert_eq "$(json_get '[x["destination_ipv4"] for x in d["rows"] if x["destination"] == a[0]][0]' \
		"$TEREDO_THIRD" <<< "$r")" "$THIRD4" "report destination_ipv4"
}

test_lookup_judges_embedded_addresses_like_the_kernel() {
	local out zones
	require_juris && require_testdata || return 1
	out=$("$JURIS" lookup --db "$TEST_DB" --json --nat64-prefix "$NSP" "$NAT64_THIRD" \
		"$SIXTOFOUR_FR" "$TEREDO_THIRD" "$NSP_THIRD" "$LOCAL_USE_THIRD") ||
		fail "juris lookup failed" || return 1
	zones=$($PY -c 'import json, sys; print(" ".join(json.loads(l)["zone"] for l in sys.stdin))' \
		<<< "$out")
	assert_eq "$zones" "third fr third third unknown" "zones" &&
	assert_contains "$out" '"embedded_ipv4":"192.0.2.241"' "lookup names the IPv4 address"
}

run_tests
