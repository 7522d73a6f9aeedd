#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The cost of juris's packet-socket hooks to every process of the host
# (they are global): a system call and a UDP send, without juris and with
# juris run watching a cgroup, side by side; prints a Markdown table of ns
# per call and the ratio. Asserts nothing. Run by bench.sh, or alone as
# root after make: BUILD=build tests/bench/syscall_cost.sh
set -euo pipefail

cd "$(dirname "$0")/../.." || exit 1
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac
N=${BENCH_SYSCALLS:-2000000}
NS=jbs-$$
PIN=/sys/fs/bpf/juris-bench-sys-$$
CG=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)/juris-bench-sys-$$
JURIS_PID=
LOG=$(mktemp /tmp/juris-bench-sys-XXXXXX)
cleanup() {
	[ -n "$JURIS_PID" ] && kill "$JURIS_PID" 2>/dev/null && wait "$JURIS_PID" 2>/dev/null
	[ -d "$PIN" ] && "$BUILD/juris" stop --pin-dir "$PIN" >/dev/null 2>&1
	ip netns del "$NS" 2>/dev/null
	rmdir "$CG/svc" "$CG" 2>/dev/null
	return 0
}
trap cleanup EXIT

ip netns add "$NS" && ip -n "$NS" link set lo up
mkdir -p "$CG/svc"
loop() { ip netns exec "$NS" "$BUILD/bench/syscall_loop" "$N"; }

read -r _ base_pp _ base_send < <(loop)
JURIS_CONFIG=none JURIS_ASN_DB=none "$BUILD/juris" run --pin-dir "$PIN" --cgroup "$CG/svc" \
	--mode enforce --db "$BUILD/testdata/test-country.mmdb" > "$LOG" 2>&1 &
JURIS_PID=$!
for _ in $(seq 100); do
	"$BUILD/juris" status --pin-dir "$PIN" >/dev/null 2>&1 && break
	sleep 0.1
done
cover=$("$BUILD/juris" status --json --pin-dir "$PIN" | python3 -c 'import json,sys; print(json.load(sys.stdin)["packet_sockets"])')
read -r _ juris_pp _ juris_send < <(loop)
rm -f "$LOG"
echo "| packet-socket hooks ($cover), outside the watched cgroup | no juris ns | juris ns | ratio |"
echo "|---|---|---|---|"
awk -v b="$base_pp" -v j="$juris_pp" 'BEGIN { printf "| getppid() | %.1f | %.1f | %.2f |\n", b, j, j / b }'
awk -v b="$base_send" -v j="$juris_send" 'BEGIN { printf "| UDP sendto() to loopback | %.1f | %.1f | %.2f |\n", b, j, j / b }'
