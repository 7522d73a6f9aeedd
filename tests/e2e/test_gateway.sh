#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# End to end, gateway mode: juris on a router ("router" namespace) watches
# what a sensitive host ("lan") sends through it toward "wan", by original
# source, with and without MASQUERADE on the uplink, IPv4 and IPv6; stop
# removes only juris's tc filters. Documentation addresses only.
. "$(dirname "$0")/../lib.sh"

E2E_DIR=$(cd "$(dirname "$0")" && pwd)
PORT=7
JT_ECONNREFUSED=45

SENS4=203.0.113.10	# inside --source 203.0.113.0/28
OTHER4=203.0.113.100	# outside it
SENS6=2001:db8:a::10	# inside --source 2001:db8:a::/116
OTHER6=2001:db8:a::8010
EU4=192.0.2.130		# DE, zone eu
THIRD4=198.51.100.10	# US, zone third
EU6=2001:db8:2::10
THIRD6=2001:db8:3::10
SOURCES=(--source 203.0.113.0/28 --source 2001:db8:a::/116)

# gw_topology [nat]: lan -- (ri0) router (ru0) -- wan. With "nat", the
# router masquerades on ru0 and wan has no route back to the lan: an answer
# that arrives proves the NAT path.
gw_topology() {
	local a
	require_root
	require_juris || return 1
	require_testdata || return 1
	ns_create lan router wan &&
	veth_create lan h0 router ri0 &&
	veth_create router ru0 wan o0 || return 1
	ns_exec lan ip addr add $SENS4/24 dev h0 &&
	ns_exec lan ip addr add $OTHER4/24 dev h0 &&
	ns_exec lan ip addr add $SENS6/64 dev h0 nodad &&
	ns_exec lan ip addr add $OTHER6/64 dev h0 nodad &&
	ns_exec lan ip route add default via 203.0.113.1 &&
	ns_exec lan ip -6 route add default via 2001:db8:a::1 &&
	ns_exec router ip addr add 203.0.113.1/24 dev ri0 &&
	ns_exec router ip addr add 2001:db8:a::1/64 dev ri0 nodad &&
	ns_exec router ip addr add 198.51.100.253/30 dev ru0 &&
	ns_exec router ip addr add 2001:db8:f::1/64 dev ru0 nodad &&
	ns_exec router ip route add default via 198.51.100.254 &&
	ns_exec router ip -6 route add default via 2001:db8:f::2 &&
	ns_exec router sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 &&
	ns_exec wan ip addr add 198.51.100.254/30 dev o0 &&
	ns_exec wan ip addr add 2001:db8:f::2/64 dev o0 nodad || return 1
	for a in $EU4/32 $THIRD4/32 $EU6/128 $THIRD6/128; do
		ns_exec wan ip addr add "$a" dev lo nodad 2>/dev/null ||
		ns_exec wan ip addr add "$a" dev lo || return 1
	done
	if [ "$1" = nat ]; then
		require_cmd nft
		ns_exec router nft -f - <<-'NFT' || return 1
		table inet jtnat {
			chain post {
				type nat hook postrouting priority 100;
				oifname "ru0" masquerade
			}
		}
		NFT
	else
		ns_exec wan ip route add 203.0.113.0/24 via 198.51.100.253 &&
		ns_exec wan ip -6 route add 2001:db8:a::/64 via 2001:db8:f::1 || return 1
	fi
	bg_run ns_exec wan "$PY" "$E2E_DIR/server.py" "$PORT" "$TEST_TMP/server.ready"
	wait_until 5 test -e "$TEST_TMP/server.ready" || fail "test server did not start" || return 1
	from_is $SENS4 $THIRD4 OK && from_is $SENS6 $THIRD6 OK ||
		fail "the lan cannot reach the wan without juris: broken topology"
}

# from_is SOURCE ADDR WANT: a TCP connect from SOURCE on the lan host to
# ADDR:PORT gives WANT (OK, ECONNREFUSED...). A dropped SYN times out in 1 s.
from_is() {
	local out res
	out=$(CLIENT_SOURCE=$1 CLIENT_ECONNREFUSED=1 ns_exec lan "$PY" "$E2E_DIR/client.py" tcp "$2" "$PORT" 2>&1)
	read -r res _ <<< "$out"
	assert_eq "$res" "$3" "TCP connect from $1 to $2"
}

# in_router CMD...: CMD in the router's network namespace but the host's
# mount namespace, where bpffs and the pins are (ip netns exec remounts /sys).
IN_ROUTER=(nsenter --net=/run/netns/"$(ns router)")
in_router() {
	"${IN_ROUTER[@]}" "$@"
}

# gw_start [RUN OPTIONS...]: juris run in gateway mode on the router, with
# the uplink ru0 and the sensitive sources; waits until it is ready.
gw_start() {
	local pid
	bg_run "${IN_ROUTER[@]}" "$JURIS" run --pin-dir "$TEST_PIN" --db "$TEST_DB" --iface ru0 \
		"${SOURCES[@]}" "$@" >> "$TEST_TMP/juris.log" 2>&1
	JURIS_PID=$BG_PID
	for _ in $(seq 100); do
		if ! kill -0 "$JURIS_PID" 2>/dev/null; then
			sed 's/^/  juris.log: /' "$TEST_TMP/juris.log" >&2
			fail "juris run exited before it was ready"
			return 1
		fi
		pid=$(gw_status | json_get 'd.get("daemon_pid")' 2>/dev/null)
		# bg_run's pid is nsenter's, which execs juris: the same process.
		[ "$pid" = "$JURIS_PID" ] && return 0
		sleep 0.1
	done
	sed 's/^/  juris.log: /' "$TEST_TMP/juris.log" >&2
	fail "juris run not ready after 10 s"
}

gw_status() {
	in_router "$JURIS" status --json --pin-dir "$TEST_PIN"
}

# total ZONE VERDICT FIELD
total() {
	gw_status | json_get \
		'sum(t[a[2]] for t in d["totals"] if t["zone"] == a[0] and t["verdict"] == a[1])' \
		"$1" "$2" "$3"
}

# flow_sources: the source addresses of the flow table, one per line.
flow_sources() {
	bpftool -j map dump pinned "$TEST_PIN/flows" | $PY -c '
import ipaddress, json, sys
for e in json.load(sys.stdin):
    k = e.get("formatted", e)["value"]["key"]
    b = bytes(k["saddr"])
    print(ipaddress.ip_address(b[:4] if k["family"] == 2 else b))
' | sort -u
}

# The ingress filters on the router's ri0, as "pref handle" lines.
ri0_filters() {
	tc -n "$(ns router)" filter show dev ri0 ingress |
		awk '/handle/ { for (i = 1; i < NF; i++) { if ($i == "pref") p = $(i + 1); if ($i == "handle") h = $(i + 1) } print p, h }'
}

ri0_has_clsact() {
	tc -n "$(ns router)" qdisc show dev ri0 | grep -q clsact
}

# The common checks, for one family: sensitive to a third country is
# dropped, to the EU passes, another source to a third country passes.
check_family() {
	local sens=$1 other=$2 eu=$3 third=$4
	from_is "$sens" "$third" ECONNREFUSED 0.2 &&
	from_is "$sens" "$eu" OK &&
	from_is "$other" "$third" OK
}

test_sensitive_source_is_blocked_to_third_country_ipv4_and_ipv6() {
	gw_topology && gw_start --mode enforce || return 1
	check_family $SENS4 $OTHER4 $EU4 $THIRD4 &&
	check_family $SENS6 $OTHER6 $EU6 $THIRD6 || return 1
	# Counters: one flow per blocked destination, one per allowed EU
	# destination; the other source is not counted at all. The reset
	# ends each blocked connect at its first SYN.
	assert_eq "$(total third block flows)" 2 "third/block flows" &&
	assert_eq "$(total third block packets)" 2 "third/block packets" &&
	assert_eq "$(gw_status | json_get 'd["counters"]["gateway_tcp_resets"]')" 2 \
		"counters.gateway_tcp_resets" &&
	assert_eq "$(total eu allow flows)" 2 "eu/allow flows" &&
	assert_eq "$(total third allow flows)" 0 "third/allow flows (other source)" &&
	assert_num "$(gw_status | json_get 'd["counters"]["gateway_packets_blocked"]')" ">=" 2 \
		"counters.gateway_packets_blocked" &&
	assert_eq "$(flow_sources | tr '\n' ' ')" "$SENS6 $SENS4 " "sources in the flow table"
}

test_masquerade_uplink_still_blocks_by_original_source() {
	gw_topology nat && gw_start --mode enforce || return 1
	check_family $SENS4 $OTHER4 $EU4 $THIRD4 &&
	check_family $SENS6 $OTHER6 $EU6 $THIRD6 &&
	assert_eq "$(total third block flows)" 2 "third/block flows" &&
	assert_eq "$(total eu allow flows)" 2 "eu/allow flows" &&
	assert_eq "$(flow_sources | tr '\n' ' ')" "$SENS6 $SENS4 " \
		"sources in the flow table (the original hosts, not the router)"
}

test_audit_mode_passes_and_counts_would_block() {
	gw_topology nat && gw_start --mode audit --events "$TEST_TMP/events" || return 1
	from_is $SENS4 $THIRD4 OK && from_is $SENS6 $THIRD6 OK || return 1
	assert_eq "$(total third would_block flows)" 2 "third/would_block flows" &&
	wait_until 5 grep -q '"tc/ingress"' "$TEST_TMP/events" ||
		fail "no tc/ingress event in $(cat "$TEST_TMP/events")"
}

test_status_lists_the_tc_hooks() {
	local j
	gw_topology && gw_start --mode enforce || return 1
	j=$(gw_status) || return 1
	assert_eq "$(json_get '[(h["hook"], h["iface"], h["attached"]) for h in d["hooks"] if "iface" in h]' <<< "$j")" \
		'[["tc/ingress", "ri0", true]]' "tc hooks in status" &&
	assert_eq "$(json_get 'd["gateway"]["uplinks"]' <<< "$j")" '["ru0"]' "gateway.uplinks" &&
	assert_contains "$(in_router "$JURIS" status --pin-dir "$TEST_PIN")" "tc/ingress         ri0"
}

test_stop_removes_only_juris_filters_and_keeps_a_foreign_qdisc() {
	gw_topology || return 1
	tc -n "$(ns router)" qdisc add dev ri0 clsact &&
	tc -n "$(ns router)" filter add dev ri0 ingress prio 60000 handle 7 bpf bytecode "1,6 0 0 0," ||
		return 1
	gw_start --mode enforce && from_is $SENS4 $THIRD4 ECONNREFUSED || return 1
	assert_eq "$(ri0_filters | sort | tr '\n' ' ')" "19029 0x4a55 60000 0x7 " "filters with juris" &&
	assert_ok in_router "$JURIS" stop --pin-dir "$TEST_PIN" || return 1
	assert_eq "$(ri0_filters | tr '\n' ' ')" "60000 0x7 " "filters after stop" &&
	ri0_has_clsact || fail "juris stop removed a clsact qdisc it did not create" || return 1
	from_is $SENS4 $THIRD4 OK
}

test_stop_removes_the_qdisc_juris_created_unless_someone_uses_it() {
	gw_topology && gw_start --mode enforce || return 1
	ri0_has_clsact || fail "no clsact on ri0 while juris runs" || return 1
	assert_ok in_router "$JURIS" stop --pin-dir "$TEST_PIN" &&
	! ri0_has_clsact || fail "clsact left on ri0 after stop" || return 1
	# Again, but another tc user adds a filter meanwhile: the qdisc stays.
	gw_start --mode enforce &&
	tc -n "$(ns router)" filter add dev ri0 ingress prio 60000 handle 7 bpf bytecode "1,6 0 0 0," &&
	assert_ok in_router "$JURIS" stop --pin-dir "$TEST_PIN" &&
	assert_eq "$(ri0_filters | tr '\n' ' ')" "60000 0x7 " "filters after stop"
}

test_enforcement_survives_kill_9_and_stop_finds_the_filters() {
	gw_topology && gw_start --mode enforce || return 1
	kill -KILL "$JURIS_PID" && sleep 0.2 &&
	from_is $SENS4 $THIRD4 ECONNREFUSED &&
	assert_contains "$(in_router "$JURIS" status --pin-dir "$TEST_PIN")" "tc/ingress" &&
	assert_ok in_router "$JURIS" stop --pin-dir "$TEST_PIN" &&
	assert_eq "$(ri0_filters)" "" "filters after stop" &&
	from_is $SENS4 $THIRD4 OK
}

test_vanished_inside_interface_is_logged_and_the_rest_keeps_working() {
	gw_topology || return 1
	# A second inside interface, routing another sensitive range.
	ip link add ri1 netns "$(ns router)" type veth peer name ri1p netns "$(ns router)" &&
	ns_exec router ip link set ri1 up &&
	ns_exec router ip addr add 203.0.113.129/25 dev ri1 || return 1
	gw_start --mode enforce --source 203.0.113.128/28 || return 1
	assert_eq "$(gw_status | json_get 'sorted(h["iface"] for h in d["hooks"] if "iface" in h)')" \
		'["ri0", "ri1"]' "tc hooks" || return 1
	ns_exec router ip link del ri1 &&
	wait_until 5 grep -q "ri1.*is gone" "$TEST_TMP/juris.log" ||
		fail "no log line about ri1: $(cat "$TEST_TMP/juris.log")" || return 1
	kill -0 "$JURIS_PID" || fail "juris run died with the interface" || return 1
	from_is $SENS4 $THIRD4 ECONNREFUSED && from_is $SENS4 $EU4 OK &&
	assert_ok in_router "$JURIS" stop --pin-dir "$TEST_PIN"
}

test_unknown_interface_and_bad_cidr_are_one_line_errors_leaving_juris_untouched() {
	local before
	gw_topology && gw_start --mode enforce || return 1
	before=$(gw_status | json_get '[d["totals"], d["hooks"], d["daemon_pid"]]')
	expect_one_line_error "unknown interface: nosuch0" "${IN_ROUTER[@]}" "$JURIS" run \
		--pin-dir "$TEST_PIN" --db "$TEST_DB" --iface nosuch0 "${SOURCES[@]}" &&
	expect_one_line_error "invalid --source CIDR: 203.0.113.0/33" "${IN_ROUTER[@]}" "$JURIS" run \
		--pin-dir "$TEST_PIN" --db "$TEST_DB" --iface ru0 --source 203.0.113.0/33 &&
	expect_one_line_error "invalid --source CIDR: 203.0.113.1/24" "${IN_ROUTER[@]}" "$JURIS" run \
		--pin-dir "$TEST_PIN" --db "$TEST_DB" --iface ru0 --source 203.0.113.1/24 &&
	expect_one_line_error "needs both --iface and --source" "${IN_ROUTER[@]}" "$JURIS" run \
		--pin-dir "$TEST_PIN" --db "$TEST_DB" --iface ru0 &&
	expect_one_line_error "routes the --source" "${IN_ROUTER[@]}" "$JURIS" run \
		--pin-dir "$TEST_PIN-2" --db "$TEST_DB" --iface ru0 --source 192.0.2.0/24 || return 1
	assert_eq "$(gw_status | json_get '[d["totals"], d["hooks"], d["daemon_pid"]]')" "$before" \
		"the running juris after the bad commands" &&
	from_is $SENS4 $THIRD4 ECONNREFUSED
}

run_tests
