#!/usr/bin/env bash
# make bench: juris against an empty program, nftables and ipset, side by side; prints, asserts nothing.
#
# usage: tests/bench/bench.sh        (as root, after make; make bench does both)
# Environment: BUILD (default build), JURIS_DB (default the default database),
# BENCH_FLOWS (first-packet runs per case, default 250000), BENCH_SCALE_FLOWS
# (default 100000), BENCH_REPEAT (default 1000000), BENCH_THROUGHPUT=0 skips
# the veth throughput runs.
set -euo pipefail

cd "$(dirname "$0")/../.." || exit 1
TOP=$PWD
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$TOP/$BUILD ;; esac
DB=${JURIS_DB:-$TOP/data/default/geo-whois-asn-country.mmdb}
FLOWS=${BENCH_FLOWS:-250000}
SCALE_FLOWS=${BENCH_SCALE_FLOWS:-100000}
REPEAT=${BENCH_REPEAT:-1000000}
THROUGHPUT=${BENCH_THROUGHPUT:-1}

if [ "$(id -u)" != 0 ]; then
	echo "bench: run as root (BPF_PROG_TEST_RUN, network namespaces)" >&2
	exit 1
fi
for tool in nft ipset ip bpftool; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done

TMP=$(mktemp -d /tmp/juris-bench-XXXXXX)
NS=jb-$$			# the sender: nftables, ipset and juris act here
NS_PEER=jb-$$-peer		# the receiver
PIN=/sys/fs/bpf/juris-bench-$$
CGROOT=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
CG=""
JURIS_PID=""
cleanup() {
	if [ -n "$JURIS_PID" ]; then
		kill "$JURIS_PID" 2>/dev/null || true
		wait "$JURIS_PID" 2>/dev/null || true
	fi
	[ -d "$PIN" ] && "$BUILD/juris" stop --pin-dir "$PIN" >/dev/null 2>&1 || true
	ip netns del "$NS" 2>/dev/null || true
	ip netns del "$NS_PEER" 2>/dev/null || true
	if [ -n "$CG" ] && [ -d "$CG" ]; then
		rmdir "$CG/plain" "$CG/juris" "$CG" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ns() { date +%s%N; }
slab_kb() { sleep 1; awk '/^Slab:/ { print $2 }' /proc/meminfo; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
# ratio A B: A / B with two decimals
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1048576 }'; }

echo "== juris benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores," \
	"kernel $(uname -r), $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM," \
	"load average $(cut -d' ' -f1-3 /proc/loadavg)"
virt=$(systemd-detect-virt 2>/dev/null || true)
echo "virtualisation: ${virt:-unknown}; $(clang --version | head -1); libbpf $(dpkg-query -W -f='${Version}' libbpf-dev 2>/dev/null || echo '?');" \
	"$(nft --version); $(ipset --version | head -1)"
echo "database: $DB"

# 1, 4 and the juris side of 2 and 3: the C driver.
# Its "@key value" lines are for this script; the rest is its tables.
"$BUILD/bench/bench_classifier" --db "$DB" --export "$TMP" --flows "$FLOWS" \
	--scale-flows "$SCALE_FLOWS" --repeat "$REPEAT" | tee "$TMP/classifier.out" | grep -v '^@'
declare -A J
while read -r key value; do J[${key#@}]=$value; done < <(grep '^@' "$TMP/classifier.out")

# 2, 3 and 5: the same denied prefixes (zone eea, adequate or third: what
# --allow eu denies) into nftables and ipset, in private namespaces: the
# sender NS, where the filters act, and its veth peer NS_PEER, the receiver.
# Documentation addresses only; the receiver address is in none of the sets,
# so every filter takes its full miss path, as for most allowed traffic.
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
TP_SECONDS=2
TP_FLOWS=8
TP_ROUNDS=3
# flood CGROUP: packets per second of small UDP datagrams sent from NS by a
# process in CGROUP, over TP_FLOWS flows, bounded by TP_SECONDS and 100 M.
flood() {
	# shellcheck disable=SC2016
	sh -c 'echo $$ > "$1/cgroup.procs" && exec ip netns exec "$2" "$3" 192.0.2.2 "$4" "$5" 100000000' \
		flood "$1" "$NS" "$BUILD/bench/udp_flood" "$TP_FLOWS" "$TP_SECONDS" | awk '{ print $3 }'
}

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

# Throughput: every filter stays loaded; a round turns on one at a time
# (the nftables chain, the iptables rule, or the sender's cgroup where
# juris is attached), so that the configurations alternate under the same
# machine load and the median of TP_ROUNDS rounds is kept.
declare -A PPS
tp=0
if [ "$THROUGHPUT" = 1 ] && [ -n "$CGROOT" ]; then
	CG=$CGROOT/juris-bench-$$
	mkdir "$CG" "$CG/plain" "$CG/juris"
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
		echo "bench: juris run did not start: $(tail -1 "$TMP/juris.log")"
	fi
fi
if [ "$tp" = 1 ]; then
	for round in $(seq 1 "$TP_ROUNDS"); do
		PPS[none]+="$(flood "$CG/plain") "
		ip netns exec "$NS" nft -f - <<-EOF
		add chain inet juris_bench egress { type filter hook output priority filter; policy accept; }
		add rule inet juris_bench egress ip daddr @deny4 drop
		add rule inet juris_bench egress ip6 daddr @deny6 drop
		EOF
		PPS[nft]+="$(flood "$CG/plain") "
		ip netns exec "$NS" nft delete chain inet juris_bench egress
		if ip netns exec "$NS" iptables -A OUTPUT -m set --match-set deny4 dst -j DROP \
			2>"$TMP/iptables.err"; then
			PPS[ipset]+="$(flood "$CG/plain") "
			ip netns exec "$NS" iptables -F OUTPUT
			ip netns exec "$NS" nft delete table ip filter 2>/dev/null || true
		elif [ "$round" = 1 ]; then
			echo "bench: iptables -m set refused: $(head -1 "$TMP/iptables.err")"
		fi
		PPS[juris]+="$(flood "$CG/juris") "
	done
	kill "$JURIS_PID" 2>/dev/null || true
	wait "$JURIS_PID" 2>/dev/null || true
	JURIS_PID=""
	"$BUILD/juris" stop --pin-dir "$PIN" >/dev/null 2>&1 || true
fi
ip netns exec "$NS" nft flush ruleset
ip netns exec "$NS" ipset destroy
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "-" }'; }

juris_ms=$(awk -v c="${J[compile_s]}" -v l="${J[full_load_s]}" 'BEGIN { printf "%d", (c + l) * 1000 }')
fill_ms=$(awk -v f="${J[fill_s]}" 'BEGIN { printf "%d", f * 1000 }')
compile_ms=$(awk -v f="${J[compile_s]}" 'BEGIN { printf "%d", f * 1000 }')
memlock=$(( J[memlock_v4] + J[memlock_v6] ))
deny=$(( J[deny_v4] + J[deny_v6] ))

echo
echo "Loading: juris loads all ${J[prefixes_v4]} + ${J[prefixes_v6]} prefixes (every country);"
echo "nftables and ipset load the ${J[deny_v4]} + ${J[deny_v6]} denied ones only."
printf '%-44s %10s %9s\n' "LOADER" "ms" "vs juris"
printf '%-44s %10s %9s\n' "juris: compile .mmdb -> prefixes" "$compile_ms" ""
printf '%-44s %10s %9s\n' "juris: program load + map fill" "$(awk -v f="${J[full_load_s]}" 'BEGIN { printf "%d", f * 1000 }')" ""
printf '%-44s %10s %9s\n' "  of which map fill (bpf_map_update_elem)" "$fill_ms" ""
printf '%-44s %10s %9s\n' "juris total" "$juris_ms" "1.00x"
printf '%-44s %10s %9s\n' "nft -f (interval sets, $deny elements)" "$nft_ms" "$(ratio "$nft_ms" "$juris_ms")"
printf '%-44s %10s %9s\n' "ipset restore (hash:net, $deny elements)" "$ipset_ms" "$(ratio "$ipset_ms" "$juris_ms")"

echo
echo "Kernel memory of the prefix sets"
printf '%-44s %10s %12s\n' "" "MiB" "Slab delta"
printf '%-44s %10s %9s MiB\n' "juris geo_v4 + geo_v6 (memlock, bpftool)" "$(mib "$memlock")" \
	"$(awk -v k="${J[slab_kb]}" 'BEGIN { printf "%.1f", k / 1024 }')"
printf '%-44s %10s %9s MiB\n' "nftables interval sets" "-" "$(awk -v k="$nft_slab" 'BEGIN { printf "%.1f", k / 1024 }')"
printf '%-44s %10s %9s MiB\n' "ipset hash:net (ipset list -t)" "$(mib "$ipset_mem")" \
	"$(awk -v k="$ipset_slab" 'BEGIN { printf "%.1f", k / 1024 }')"

[ "$tp" = 1 ] || exit 0
echo
echo "Throughput: UDP, 18-byte payload, $TP_FLOWS connected flows, one sender, ${TP_SECONDS} s a run,"
echo "veth between two namespaces, destination in no set (the miss path); packets per second"
echo "sent, median of $TP_ROUNDS rounds of the four configurations in turn"
pps_none=$(median <<< "${PPS[none]}")
printf '%-44s %12s %9s  %s\n' "FILTER ON THE SENDER" "pps" "vs none" "runs"
for f in none juris nft ipset; do
	case $f in
	none) what="none" ;;
	juris) what="juris (cgroup_skb egress, full database)" ;;
	nft) what="nftables output chain, interval sets" ;;
	ipset) what="iptables -m set, ipset hash:net" ;;
	esac
	p=$(median <<< "${PPS[$f]:-}")
	printf '%-44s %12s %9s  %s\n' "$what" "$p" "$(ratio "$p" "$pps_none")" "${PPS[$f]:-}"
done
