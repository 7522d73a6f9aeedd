#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# make bench: juris against an empty program, no filter, nftables and ipset,
# side by side in one run; prints one Markdown table; asserts nothing.
#
# usage: tests/bench/bench.sh        (as root, after make; make bench does both)
# Environment: BUILD (default build), JURIS_DB (default the default database),
# BENCH_FLOWS (packets per per-packet case, default 1000000), BENCH_SCALE_FLOWS
# (first packets per scaling case, default 100000), BENCH_REPEAT (repeat of
# the hot-flow runs, default 1000000), BENCH_BIG_FLOWS (entries of the big
# flow table, default 1048576), BENCH_ROUNDS (interleaved rounds of the
# veth runs, default 5), BENCH_THROUGHPUT=0 skips the veth runs.
set -euo pipefail

cd "$(dirname "$0")/../.." || exit 1
TOP=$PWD
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
DB=${JURIS_DB:-$TOP/data/default/geo-whois-asn-country.mmdb}
FLOWS=${BENCH_FLOWS:-1000000}
SCALE_FLOWS=${BENCH_SCALE_FLOWS:-100000}
REPEAT=${BENCH_REPEAT:-1000000}
BIG_FLOWS=${BENCH_BIG_FLOWS:-1048576}
THROUGHPUT=${BENCH_THROUGHPUT:-1}
ROUNDS=${BENCH_ROUNDS:-5}

if [ "$(id -u)" != 0 ]; then
	echo "bench: run as root (BPF_PROG_TEST_RUN, network namespaces)" >&2
	exit 1
fi
for tool in nft ipset iptables ip bpftool iperf3; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done

TMP=$(mktemp -d /tmp/juris-bench-XXXXXX)
NS=jb-$$			# the sender: nftables, ipset and juris act here
NS_PEER=jb-$$-peer		# the receiver
PIN=/sys/fs/bpf/juris-bench-$$
EMPTY_PIN=/sys/fs/bpf/juris-bench-$$-empty	# the empty program of the floor round
CGROOT=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
CG=""
JURIS_PID=""
empty_cg=0
BPF_STATS_WAS=""
FLOOD_PIN=/sys/fs/bpf/juris-bench-$$-flood	# the instance of the reload-under-flood row
FLOOD_JURIS=""
cleanup() {
	touch "$TMP/flood.stop" 2>/dev/null || true
	if [ -n "$FLOOD_JURIS" ]; then
		kill "$FLOOD_JURIS" 2>/dev/null || true
		wait "$FLOOD_JURIS" 2>/dev/null || true
	fi
	[ -d "$FLOOD_PIN" ] && "$BUILD/juris" stop --pin-dir "$FLOOD_PIN" >/dev/null 2>&1 || true
	[ -z "$BPF_STATS_WAS" ] || sysctl -qw kernel.bpf_stats_enabled="$BPF_STATS_WAS" 2>/dev/null || true
	if [ -n "$JURIS_PID" ]; then
		kill "$JURIS_PID" 2>/dev/null || true
		wait "$JURIS_PID" 2>/dev/null || true
	fi
	[ -d "$PIN" ] && "$BUILD/juris" stop --pin-dir "$PIN" >/dev/null 2>&1 || true
	rm -f "$EMPTY_PIN"
	[ -s "$TMP/iperf3.pid" ] && kill "$(cat "$TMP/iperf3.pid")" 2>/dev/null || true
	# Deleting the namespaces drops their nftables tables, ipsets and
	# iptables rules with them.
	ip netns del "$NS" 2>/dev/null || true
	ip netns del "$NS_PEER" 2>/dev/null || true
	if [ -n "$CG" ] && [ -d "$CG" ]; then
		rmdir "$CG/plain" "$CG/juris" "$CG/empty" "$CG/flood" "$CG" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ns() { date +%s%N; }
slab_kb() { sleep 1; awk '/^Slab:/ { print $2 }' /proc/meminfo; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
# num X [DECIMALS]: X with thousands separators
num() {
	awk -v x="$1" -v d="${2:-0}" 'BEGIN {
		if (x == "" || x == "-") { print "–"; exit }
		s = sprintf("%." d "f", x); i = index(s, "."); f = ""
		if (i) { f = substr(s, i); s = substr(s, 1, i - 1) }
		neg = s ~ /^-/; if (neg) s = substr(s, 2)
		while (length(s) > 3) { f = "," substr(s, length(s) - 2) f; s = substr(s, 1, length(s) - 3) }
		print (neg ? "−" : "") s f }'
}
# ratio A B: A / B, as "0.77×"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "") printf "%.2f×", a / b; else print "–" }'; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "" }'; }

LOAD_START=$(loadavg)
DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
echo "bench: $DATE, load average $LOAD_START; 4 to 6 minutes" >&2

# 1, 5 and the juris side of 3 and 4: the C driver prints "@key value" lines.
"$BUILD/bench/bench_classifier" --db "$DB" --export "$TMP" --flows "$FLOWS" \
	--scale-flows "$SCALE_FLOWS" --repeat "$REPEAT" --big-flows "$BIG_FLOWS" > "$TMP/classifier.out"
declare -A J PP
while read -r key rest; do
	case $key in
	@pp) read -r id v <<< "$rest"; PP[$id]=$v ;;
	@scale) echo "$rest" >> "$TMP/scale" ;;
	*) J[${key#@}]=$rest ;;
	esac
done < <(grep '^@' "$TMP/classifier.out")

# 2, 3 and 4: the same denied prefixes (zone eea, adequate or third: what
# --allow eu denies) into nftables and ipset, in private namespaces: the
# sender NS, where the filters act, and its veth peer NS_PEER, the receiver.
# Documentation addresses only; the receiver address is in none of the sets,
# so every filter takes its full miss path, as for most allowed traffic.
echo "bench: nftables and ipset load" >&2
ip netns add "$NS"
ip netns add "$NS_PEER"
ip -n "$NS" link add jb0 type veth peer name jb1 netns "$NS_PEER"
ip -n "$NS" addr add 192.0.2.1/24 dev jb0
ip -n "$NS_PEER" addr add 192.0.2.2/24 dev jb1
ip -n "$NS" link set jb0 up
ip -n "$NS_PEER" link set jb1 up
ip -n "$NS" link set lo up
ip -n "$NS_PEER" link set lo up
# The receiver drops the datagrams quietly: no ICMP back to the sender.
ip netns exec "$NS_PEER" nft add table inet sink
ip netns exec "$NS_PEER" nft add chain inet sink in '{ type filter hook input priority 0; policy accept; }'
ip netns exec "$NS_PEER" nft add rule inet sink in udp dport 9000-9063 drop

s0=$(slab_kb)
t0=$(now_ns)
ip netns exec "$NS" nft -f "$TMP/deny.nft"
t1=$(now_ns)
s1=$(slab_kb)
nft_ms=$(ms "$t0" "$t1")
nft_slab=$((s1 - s0))

s0=$(slab_kb)
t0=$(now_ns)
ip netns exec "$NS" ipset restore < "$TMP/deny.ipset"
t1=$(now_ns)
s1=$(slab_kb)
ipset_ms=$(ms "$t0" "$t1")
ipset_slab=$((s1 - s0))
ipset_mem=$(ip netns exec "$NS" ipset list -t | awk '/^Size in memory/ { s += $4 } END { print s }')

TP_SECONDS=2
TP_FLOWS=8
TP_ROUNDS=$ROUNDS
# udp CGROUP [FLOWS]: packets per second of small UDP datagrams sent from NS
# by a process in CGROUP, over FLOWS (default TP_FLOWS) connected flows,
# bounded by TP_SECONDS and 100 M.
udp() {
	# shellcheck disable=SC2016
	sh -c 'echo $$ > "$1/cgroup.procs" && exec ip netns exec "$2" "$3" 192.0.2.2 "$4" "$5" 100000000' \
		udp "$1" "$NS" "$BUILD/bench/udp_flood" "${2:-$TP_FLOWS}" "$TP_SECONDS" | awk '{ print $3 }'
}
# prog_stats PIN: "run_time_ns run_cnt" of a pinned program (bpf_stats on).
prog_stats() {
	bpftool -j prog show pinned "$1" 2>/dev/null | /usr/bin/python3 -c 'import json, sys
d = json.load(sys.stdin); print(d.get("run_time_ns", 0), d.get("run_cnt", 0))' 2>/dev/null || echo "0 0"
}
# run_ns CGROUP PIN FLOWS: mean ns per run of the program pinned at PIN, as
# the kernel's bpf_stats count it, over a UDP flood of FLOWS connected flows
# from CGROUP: what real packets pay, cache misses and all.
run_ns() {
	local t0 c0 t1 c1
	read -r t0 c0 <<< "$(prog_stats "$2")"
	udp "$1" "$3" > /dev/null
	read -r t1 c1 <<< "$(prog_stats "$2")"
	awk -v t="$((t1 - t0))" -v c="$((c1 - c0))" 'BEGIN { if (c > 0) printf "%.1f", t / c }'
}
# tcp CGROUP: bits per second received of one bulk TCP stream (iperf3)
# from a process in CGROUP in NS, for TP_SECONDS.
tcp() {
	# shellcheck disable=SC2016
	sh -c 'echo $$ > "$1/cgroup.procs" && exec ip netns exec "$2" iperf3 -c 192.0.2.2 -t "$3" -J' \
		tcp "$1" "$NS" "$TP_SECONDS" > "$TMP/iperf3.json" 2>&1 || true
	/usr/bin/python3 -c 'import json, sys
print(int(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"]))' \
		"$TMP/iperf3.json" 2>/dev/null || echo ""
}

# flood_counter NAME: a counter of juris status --json of the flood instance.
flood_counter() {
	"$BUILD/juris" status --json --pin-dir "$FLOOD_PIN" 2>/dev/null |
		/usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["counters"][sys.argv[1]])' "$1" 2>/dev/null
}
# flood_phase RELOADS: new flows outside the policy from the flood cgroup
# for 1 s, then RELOADS × juris reload of the full database (or, with 0,
# FLOOD_WAIT seconds without any), then 1 s more. Sets PHASE_DROPS,
# PHASE_EVENTS and, with reloads, FLOOD_RELOADS (ms each) and FLOOD_WAIT.
flood_phase() {
	local i t0 t1 d0 c0 flooder start
	d0=$(flood_counter ringbuf_drops)
	c0=$(flood_counter flows_created)
	rm -f "$TMP/flood.stop"
	# shellcheck disable=SC2016
	sh -c 'echo $$ > "$1/cgroup.procs"; while [ ! -e "$2" ]; do
		ip netns exec "$3" /usr/bin/python3 "$4" 192.0.2.2 1 60000 > /dev/null || exit 1; done' \
		flood "$CG/flood" "$TMP/flood.stop" "$NS" "$TOP/tests/e2e/flood.py" &
	flooder=$!
	sleep 1
	if [ "$1" -gt 0 ]; then
		FLOOD_RELOADS=""
		start=$(now_ns)
		for i in $(seq 1 "$1"); do
			t0=$(now_ns)
			"$BUILD/juris" reload --pin-dir "$FLOOD_PIN" > "$TMP/flood-reload.out" 2>&1 || true
			t1=$(now_ns)
			FLOOD_RELOADS+="$(ms "$t0" "$t1") "
		done
		FLOOD_WAIT=$(awk -v n="$(( $(now_ns) - start ))" 'BEGIN { printf "%.3f", n / 1e9 }')
	else
		sleep "$FLOOD_WAIT"
	fi
	sleep 1
	touch "$TMP/flood.stop"
	wait "$flooder" || true
	PHASE_DROPS=$(( $(flood_counter ringbuf_drops) - d0 ))
	PHASE_EVENTS=$(( $(flood_counter flows_created) - c0 ))
}
# reload_flood: juris reload of the full database, twice, while new flows
# outside the policy make an event each (a second instance that judges the
# peer's address, in no database, with --unknown deny, in audit mode, its
# events written to /dev/null), and the ring buffer's drops counted: a
# reload must never stop the reading of events. The same flood as long
# without a reload beside it is the reference: what the reader loses
# anyway at that rate. Sets FLOOD_* for row 7.
reload_flood() {
	mkdir -p "$CG/flood"
	"$BUILD/juris" run --db "$DB" --cgroup "$CG/flood" --pin-dir "$FLOOD_PIN" --mode audit \
		--unknown deny --events /dev/null > "$TMP/flood.log" 2>&1 &
	FLOOD_JURIS=$!
	for _ in $(seq 1 120); do
		ls "$FLOOD_PIN"/link_egress_* >/dev/null 2>&1 && break
		kill -0 "$FLOOD_JURIS" 2>/dev/null || break
		sleep 0.5
	done
	if ! ls "$FLOOD_PIN"/link_egress_* >/dev/null 2>&1; then
		echo "bench: the flood instance did not start: $(tail -1 "$TMP/flood.log")" >&2
		return 0
	fi
	echo "bench: reload under an event flood" >&2
	flood_phase 2
	FLOOD_DROPS=$PHASE_DROPS
	FLOOD_EVENTS=$PHASE_EVENTS
	flood_phase 0
	FLOOD_BASE_DROPS=$PHASE_DROPS
	FLOOD_BASE_EVENTS=$PHASE_EVENTS
	kill "$FLOOD_JURIS" 2>/dev/null || true
	wait "$FLOOD_JURIS" 2>/dev/null || true
	FLOOD_JURIS=""
	"$BUILD/juris" stop --pin-dir "$FLOOD_PIN" >/dev/null 2>&1 || true
}

# Throughput: every filter stays loaded; a round turns on one at a time
# (the nftables chain, the iptables rule, or the sender's cgroup where
# juris is attached), so that the configurations alternate under the same
# machine load and the median of TP_ROUNDS rounds is kept.
declare -A UDP TCP STATS
tp=0
reload_ms=""
reload_note="pending juris reload"
if [ "$THROUGHPUT" = 1 ] && [ -n "$CGROOT" ]; then
	CG=$CGROOT/juris-bench-$$
	mkdir "$CG" "$CG/plain" "$CG/juris" "$CG/empty"
	# The floor of any cgroup_skb filter: the empty program on the same
	# hook (its cgroup goes when the bench ends, and the program with it).
	if bpftool prog load "$BUILD/bench/empty.bpf.o" "$EMPTY_PIN" type cgroup/skb 2>"$TMP/empty.err" &&
		bpftool cgroup attach "$CG/empty" egress pinned "$EMPTY_PIN" 2>>"$TMP/empty.err"; then
		empty_cg=1
	else
		empty_cg=0
		echo "bench: no empty-program round: $(head -1 "$TMP/empty.err")" >&2
	fi
	"$BUILD/juris" run --db "$DB" --cgroup "$CG/juris" --pin-dir "$PIN" > "$TMP/juris.log" 2>&1 &
	JURIS_PID=$!
	for _ in $(seq 1 120); do
		ls "$PIN"/link_egress_* >/dev/null 2>&1 && break
		kill -0 "$JURIS_PID" 2>/dev/null || break
		sleep 0.5
	done
	if ls "$PIN"/link_egress_* >/dev/null 2>&1; then
		tp=1
	else
		echo "bench: juris run did not start: $(tail -1 "$TMP/juris.log")" >&2
	fi
	ip netns exec "$NS_PEER" iperf3 -s -D -I "$TMP/iperf3.pid" >/dev/null 2>&1
	for _ in $(seq 1 50); do
		ip netns exec "$NS_PEER" ss -ltn | grep -q ':5201 ' && break
		sleep 0.1
	done
fi
if [ "$tp" = 1 ]; then
	echo "bench: throughput, $TP_ROUNDS rounds" >&2
	if BPF_STATS_WAS=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null); then
		sysctl -qw kernel.bpf_stats_enabled=1 || BPF_STATS_WAS=""
	fi
	ipt=1
	for _ in $(seq 1 "$TP_ROUNDS"); do
		UDP[none]+="$(udp "$CG/plain") "
		TCP[none]+="$(tcp "$CG/plain") "
		ip netns exec "$NS" nft -f - <<-EOF
		add chain inet juris_bench egress { type filter hook output priority filter; policy accept; }
		add rule inet juris_bench egress ip daddr @deny4 drop
		add rule inet juris_bench egress ip6 daddr @deny6 drop
		EOF
		UDP[nft]+="$(udp "$CG/plain") "
		TCP[nft]+="$(tcp "$CG/plain") "
		ip netns exec "$NS" nft delete chain inet juris_bench egress
		if [ "$ipt" = 1 ] && ip netns exec "$NS" iptables -A OUTPUT -m set --match-set deny4 dst -j DROP \
			2>"$TMP/iptables.err"; then
			UDP[ipset]+="$(udp "$CG/plain") "
			TCP[ipset]+="$(tcp "$CG/plain") "
			ip netns exec "$NS" iptables -F OUTPUT
		elif [ "$ipt" = 1 ]; then
			ipt=0
			echo "bench: iptables -m set refused: $(head -1 "$TMP/iptables.err")" >&2
		fi
		UDP[juris]+="$(udp "$CG/juris") "
		TCP[juris]+="$(tcp "$CG/juris") "
		if [ "$empty_cg" = 1 ]; then
			UDP[empty]+="$(udp "$CG/empty") "
			TCP[empty]+="$(tcp "$CG/empty") "
		fi
		# Real traffic, the kernel's own count of each program's time:
		# juris and the empty program in turn, 1 and 64 flows.
		if [ "$empty_cg" = 1 ] && [ -n "$BPF_STATS_WAS" ]; then
			for n in 1 64; do
				STATS[juris_$n]+="$(run_ns "$CG/juris" "$PIN/prog_egress" "$n") "
				STATS[empty_$n]+="$(run_ns "$CG/empty" "$EMPTY_PIN" "$n") "
			done
		fi
	done
	# Reload of the same database by the running daemon, when this tree
	# has juris reload: from the command's start to its return.
	if "$BUILD/juris" --help 2>&1 | grep -q '^ *juris reload'; then
		t0=$(now_ns)
		if "$BUILD/juris" reload --pin-dir "$PIN" > "$TMP/reload.out" 2>&1; then
			t1=$(now_ns)
			reload_ms=$(ms "$t0" "$t1")
			reload_note="juris reload, same database"
		else
			reload_note="juris reload failed: $(tail -1 "$TMP/reload.out")"
		fi
	fi
	kill "$JURIS_PID" 2>/dev/null || true
	wait "$JURIS_PID" 2>/dev/null || true
	JURIS_PID=""
	"$BUILD/juris" stop --pin-dir "$PIN" >/dev/null 2>&1 || true
	reload_flood
fi
# 6: load time and memory on each geo database, side by side.
echo "bench: geo databases, MaxMind and libloc" >&2
BUILD=$BUILD "$TOP/tests/bench/bench_db.sh" 3 > "$TMP/db.md" 2>/dev/null || true
LOAD_END=$(loadavg)

# The table.
pp() { # pp ID LABEL: a per-packet row, juris against the empty program
	local e j x note=""
	read -r e j x <<< "${PP[$1]:-}"
	[ -n "$j" ] || return 0
	# Packets meant for established flows that found theirs evicted.
	if [ -n "$x" ] && [ "$x" -gt 0 ]; then note="; $(num "$x") flows evicted and re-created"; fi
	printf '| 1 | %s | ns | %s (+%s, %s%s) | %s | | |\n' "$2" "$(num "$j")" \
		"$(num "$(awk -v a="$j" -v b="$e" 'BEGIN { print a - b }')")" "$(ratio "$j" "$e")" "$note" "$(num "$e")"
}
tp_cell() { # VALUE NONE DIVISOR DECIMALS: VALUE / DIVISOR, and VALUE ÷ NONE when NONE is given
	local v
	[ -n "$1" ] || { echo "–"; return; }
	v=$(num "$(awk -v x="$1" -v s="$3" 'BEGIN { print x / s }')" "$4")
	if [ -n "$2" ]; then echo "$v ($(ratio "$1" "$2"))"; else echo "$v"; fi
}
tp_row() { # LABEL UNIT DIVISOR DECIMALS ARRAY: a throughput row, each ÷ no filter
	local -n a=$5
	local n
	n=$(median <<< "${a[none]:-}")
	printf '| 2 | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" \
		"$(tp_cell "$(median <<< "${a[juris]:-}")" "$n" "$3" "$4")" "$(tp_cell "$n" "" "$3" "$4")" \
		"$(tp_cell "$(median <<< "${a[nft]:-}")" "$n" "$3" "$4")" \
		"$(tp_cell "$(median <<< "${a[ipset]:-}")" "$n" "$3" "$4")"
}
floor_row() { # as tp_row, for the empty cgroup_skb program in juris's column
	local -n a=$5
	[ -n "${a[empty]:-}" ] || return 0
	printf '| 2 | %s, an empty cgroup_skb program instead of juris (the hook alone) | %s | %s | %s | | |\n' \
		"$1" "$2" "$(tp_cell "$(median <<< "${a[empty]}")" "$(median <<< "${a[none]:-}")" "$3" "$4")" \
		"$(tp_cell "$(median <<< "${a[none]:-}")" "" "$3" "$4")"
}
vs_juris() { echo "$(num "$1" "${3:-0}") ($(ratio "$1" "$2"))"; }
sec_ms() { awk -v s="$1" 'BEGIN { printf "%d", s * 1000 }'; }

compile_ms=$(sec_ms "${J[compile_s]}")
fill_ms=$(sec_ms "${J[fill_s]}")
load_ms=$(sec_ms "${J[full_load_s]}")
juris_ms=$((compile_ms + load_ms))
memlock_mib=$(awk -v a="${J[memlock_v4]}" -v b="${J[memlock_v6]}" 'BEGIN { printf "%.1f", (a + b) / 1048576 }')
slab_mib=$(awk -v k="${J[slab_kb]}" 'BEGIN { printf "%.1f", k / 1024 }')
nft_slab_mib=$(awk -v k="$nft_slab" 'BEGIN { printf "%.1f", k / 1024 }')
ipset_slab_mib=$(awk -v k="$ipset_slab" 'BEGIN { printf "%.1f", k / 1024 }')
ipset_mib=$(awk -v k="$ipset_mem" 'BEGIN { printf "%.1f", k / 1048576 }')
virt=$(systemd-detect-virt 2>/dev/null || true)

echo "juris benchmark, $DATE (make bench)"
echo
echo "- machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1)" \
	"(family $(lscpu | sed -n 's/^CPU family: *//p' | head -1), model $(lscpu | sed -n 's/^Model: *//p' | head -1)), $(nproc) cores," \
	"$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM, virtualisation ${virt:-unknown}"
echo "- kernel $(uname -r); libbpf $(dpkg-query -W -f='${Version}' libbpf-dev 2>/dev/null || echo '?');" \
	"$(clang --version | head -1); $(nft --version); $(ipset --version | head -1); $(iperf3 --version | head -1 | cut -d' ' -f1-2)"
echo "- load average (1, 5, 15 min): $LOAD_START at the start, $LOAD_END at the end"
echo "- database: $(num "${J[prefixes_v4]}") IPv4 + $(num "${J[prefixes_v6]}") IPv6 prefixes;" \
	"the default policy (--allow eu) denies $(num "${J[deny_v4]}") + $(num "${J[deny_v6]}"), the set given to nftables and ipset"
echo "- 1, 5: BPF_PROG_TEST_RUN, mean ns per packet, reference an empty cgroup_skb program of the same type;" \
	"first packets and flows in turn: $(num "$FLOWS") runs of repeat 1 each ($(num "$SCALE_FLOWS") for the first packets of row 5);" \
	"hot flow: repeat $(num "$REPEAT"), median of 3"
echo "- 2: veth between two namespaces, filter on the sender, median of $TP_ROUNDS interleaved rounds of ${TP_SECONDS} s (listed below the table); UDP 18-byte payload over $TP_FLOWS flows; TCP one iperf3 stream; reference no filter"
echo "- 6: the same veth, the kernel's bpf_stats (kernel.bpf_stats_enabled=1 during the rounds): run_time_ns ÷ run_cnt of juris's egress program and of the empty program, each on its cgroup, in the same rounds; median"
echo "- ratios: rows 1, 2, 5 ÷ the reference column; rows 3, 4 ÷ juris"
echo
echo "| # | measure | unit | juris | reference | nftables | ipset |"
echo "|---|---|---|---:|---:|---:|---:|"
for f in v4 v6; do
	F=IPv${f#v}
	for w in in out; do
		W=$([ "$w" = in ] && echo "in the database" || echo "not in the database")
		pp "${f}_${w}_first" "$F, $W, first packet of a flow"
		pp "${f}_${w}_hot" "$F, $W, next packets, 1 hot flow"
		pp "${f}_${w}_many" "$F, $W, next packets, 2,048 flows in turn"
	done
done
if [ "$tp" = 1 ]; then
	tp_row "UDP, $TP_FLOWS flows, 18-byte payload" "packets/s" 1 0 UDP
	tp_row "TCP bulk, iperf3, 1 stream" "Gbit/s" 1000000000 2 TCP
	floor_row "UDP, $TP_FLOWS flows, 18-byte payload" "packets/s" 1 0 UDP
	floor_row "TCP bulk, iperf3, 1 stream" "Gbit/s" 1000000000 2 TCP
	for n in 1 64; do
		[ -n "${STATS[juris_$n]:-}" ] || continue
		j=$(median <<< "${STATS[juris_$n]}")
		e=$(median <<< "${STATS[empty_$n]}")
		printf '| 6 | real traffic (bpf_stats run_time_ns ÷ run_cnt), UDP, %s connected flow%s, sendmmsg | ns | %s (+%s, %s) | %s | | |\n' \
			"$n" "$([ "$n" = 1 ] || echo s)" "$(num "$j" 1)" \
			"$(num "$(awk -v a="$j" -v b="$e" 'BEGIN { print a - b }')" 1)" "$(ratio "$j" "$e")" "$(num "$e" 1)"
	done
fi
printf '| 3 | load: compile .mmdb → prefixes | ms | %s | | | |\n' "$(num "$compile_ms")"
printf '| 3 | load: programs + map fill (fill %s ms) | ms | %s | | | |\n' "$(num "$fill_ms")" "$(num "$load_ms")"
printf '| 3 | load: total (juris all prefixes; nft -f, ipset restore the denied ones) | ms | %s | | %s | %s |\n' \
	"$(num "$juris_ms")" "$(vs_juris "$nft_ms" "$juris_ms")" "$(vs_juris "$ipset_ms" "$juris_ms")"
if [ -n "${FLOOD_DROPS:-}" ]; then
	printf '| 7 | event flood: ring-buffer drops of %s new flows outside the policy with 2 × juris reload (%s ms) of the full database; reference: %s flows as long (%s s) without a reload | events | %s | %s | | |\n' \
		"$(num "$FLOOD_EVENTS")" "$(echo $FLOOD_RELOADS | sed 's/ / and /')" \
		"$(num "$FLOOD_BASE_EVENTS")" "$FLOOD_WAIT" "$(num "$FLOOD_DROPS")" "$(num "$FLOOD_BASE_DROPS")"
fi
if [ -n "$reload_ms" ]; then
	printf '| 3 | reload: %s | ms | %s | | | |\n' "$reload_note" "$(num "$reload_ms")"
else
	printf '| 3 | reload: %s | ms | – | | | |\n' "$reload_note"
fi
printf '| 4 | memory: own figure (juris memlock, bpftool; ipset list -t) | MiB | %s | | – | %s |\n' \
	"$memlock_mib" "$(vs_juris "$ipset_mib" "$memlock_mib" 1)"
printf '| 4 | memory: Slab delta, /proc/meminfo | MiB | %s | | %s | %s |\n' "$slab_mib" \
	"$nft_slab_mib" "$ipset_slab_mib"
# juris's tables are arrays (vmalloc, outside Slab), its tries slab objects.
total_mib=$(awk -v a="$memlock_mib" -v b="$slab_mib" 'BEGIN { printf "%.1f", a + b }')
printf '| 4 | memory: kernel total (juris memlock + Slab delta; the others Slab delta) | MiB | %s | | %s | %s |\n' \
	"$total_mib" "$(vs_juris "$nft_slab_mib" "$total_mib" 1)" "$(vs_juris "$ipset_slab_mib" "$total_mib" 1)"
if [ -n "${J[big_memlock]:-}" ]; then
	printf '| 4 | memory: flow table of %s entries (memlock) | MiB | %s | | | |\n' "$(num "${J[big_flows]}")" \
		"$(awk -v b="${J[big_memlock]}" 'BEGIN { printf "%.1f", b / 1048576 }')"
fi
if [ -f "$TMP/scale" ]; then
	while read -r n4 n6 f4e f4j e4e e4j f6e f6j e6e e6j _; do
		PP[s4f]="$f4e $f4j" PP[s4e]="$e4e $e4j" PP[s6f]="$f6e $f6j" PP[s6e]="$e6e $e6j"
		n="$(num "$n4") + $(num "$n6") prefixes"
		pp s4f "$n, IPv4 first packet" | sed 's/^| 1 /| 5 /'
		pp s4e "$n, IPv4 next packets, hot" | sed 's/^| 1 /| 5 /'
		pp s6f "$n, IPv6 first packet" | sed 's/^| 1 /| 5 /'
		pp s6e "$n, IPv6 next packets, hot" | sed 's/^| 1 /| 5 /'
	done < "$TMP/scale"
fi
if [ -n "${J[big_flows]:-}" ]; then
	n="flow table of $(num "${J[big_flows]}") ($(num "${J[big_entries]}") live, filled in ${J[big_fill_s]} s)"
	pp big_hot "$n, IPv4 next packets, hot" | sed 's/^| 1 /| 5 /'
	pp big_many "$n, IPv4 next packets, $(num "$FLOWS") flows scattered" | sed 's/^| 1 /| 5 /'
fi
if [ -s "$TMP/db.md" ]; then
	echo
	echo "6: geo databases, juris lookup (compile + load into private maps), median of 3 rounds alternating; ratios ÷ the MaxMind DB"
	echo
	cat "$TMP/db.md"
fi

# The DNS cache under a flood of crafted addresses, against random ones.
"$BUILD/bench/dns_flood"

if [ "$tp" = 1 ]; then
	echo
	echo "Rounds, in the order run (row 2: packets/s and bit/s; row 6: ns):"
	echo
	for k in none nft ipset juris empty; do
		[ -n "${UDP[$k]:-}" ] && echo "- UDP $k: ${UDP[$k]}"
		[ -n "${TCP[$k]:-}" ] && echo "- TCP $k: ${TCP[$k]}"
	done
	for k in juris_1 empty_1 juris_64 empty_64; do
		[ -n "${STATS[$k]:-}" ] && echo "- bpf_stats $k: ${STATS[$k]}"
	done
fi

# The exact counters by country and operator: juris with them against the
# same programs with the totals alone (exact_off), side by side.
if [ -n "${PP[exact_v4_hot]:-}" ]; then
	echo
	echo "Exact counters by country and operator (bpf/exact.bpf.h): the totals alone (the"
	echo "reference column) against the totals with them; kernel memory:" \
		"$(num "${J[exact_percpu_bytes]}") bytes per CPU x ${J[exact_cpus]} CPUs +" \
		"$(num "${J[exact_shared_bytes]}") shared (memlock $(num "${J[exact_memlock]}") bytes)."
	echo
	echo "| | case | unit | with exact counters | totals alone | | |"
	echo "|---|---|---|---|---|---|---|"
	pp exact_v4_hot "IPv4 next packets, hot" | sed 's/^| 1 /| 6 /'
	pp exact_v6_hot "IPv6 next packets, hot" | sed 's/^| 1 /| 6 /'
	pp exact_many "IPv6 next packets, $(num "$FLOWS") flows" | sed 's/^| 1 /| 6 /'
fi
