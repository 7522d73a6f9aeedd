#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Load time and memory of juris on each geo database, side by side: the
# MaxMind DB (npm fallback, with its asn.csv.gz overlay) and the IPFire
# location database (libloc, its own ASNs), compiled and loaded into
# private maps by juris lookup; rounds alternate between the two, the
# median is kept. Prints a Markdown table; run alone or from bench.sh.
#
# usage: BUILD=build tests/bench/bench_db.sh [ROUNDS]
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
ROUNDS=${1:-3}
MMDB=${BENCH_MMDB:-$TOP/data/default/geo-whois-asn-country.mmdb}
LOCDB=${BENCH_LOCDB:-/usr/share/libloc-location/location.db}
JURIS=$BUILD/juris

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a != "") printf "%.2f×", a / b; else print "–" }'; }

# one DB ASN: "seconds peak_rss_kib" of one juris lookup (compile + load).
one() {
	/usr/bin/time -f '%e %M' -o "$TMP/time" "$JURIS" lookup -c none --db "$1" --asn-db "$2" \
		192.0.2.1 > /dev/null 2>&1 || return 1
	cat "$TMP/time"
}

# prefixes DB ASN: "IPv4 IPv6 overlay" as juris check reports them.
prefixes() {
	"$JURIS" check -c none --db "$1" --asn-db "$2" 2>/dev/null | awk '
		/^# database:/ { for (i = 1; i <= NF; i++) { if ($i == "IPv4") v4 = $(i - 1); if ($i == "IPv6") v6 = $(i - 1) } }
		/^# operator overlay:/ { for (i = 1; i <= NF; i++) if ($i == "prefixes") o = $(i - 1) }
		END { print v4 + 0, v6 + 0, o + 0 }'
}

TMP=$(mktemp -d /tmp/juris-bench-db-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
[ -x "$JURIS" ] || { echo "bench_db: $JURIS not built" >&2; exit 1; }
declare -A T M
names=()
[ -s "$MMDB" ] && names+=(mmdb)
[ -s "$LOCDB" ] && names+=(libloc)
for r in $(seq "$ROUNDS"); do
	for n in "${names[@]}"; do
		for asn in default none; do
			if [ "$n" = mmdb ]; then db=$MMDB; else db=$LOCDB; fi
			a=$([ "$asn" = none ] && echo none || { [ "$n" = mmdb ] && echo "$TOP/data/default/asn.csv.gz" || echo "$db"; })
			read -r s kib <<< "$(one "$db" "$a")" || continue
			T[$n,$asn]="${T[$n,$asn]:-} $s"
			M[$n,$asn]="${M[$n,$asn]:-} $kib"
		done
	done
	echo "bench_db: round $r of $ROUNDS" >&2
done

echo "| database | overlay | prefixes IPv4 / IPv6 / overlay | load s (compile + maps) | peak RSS MiB | load ÷ MaxMind | RSS ÷ MaxMind |"
echo "|---|---|---:|---:|---:|---:|---:|"
for n in "${names[@]}"; do
	for asn in default none; do
		if [ "$n" = mmdb ]; then
			db=$MMDB; label="MaxMind DB (npm, $(basename "$MMDB"))"
			a=$([ "$asn" = none ] && echo none || echo "$TOP/data/default/asn.csv.gz")
			o=$([ "$asn" = none ] && echo "none" || echo "asn.csv.gz")
		else
			db=$LOCDB; label="libloc ($(basename "$(dirname "$LOCDB")")/$(basename "$LOCDB"))"
			a=$([ "$asn" = none ] && echo none || echo "$db")
			o=$([ "$asn" = none ] && echo "none" || echo "same file")
		fi
		t=$(median <<< "${T[$n,$asn]:-}")
		m=$(median <<< "${M[$n,$asn]:-}")
		read -r p4 p6 po <<< "$(prefixes "$db" "$a")"
		mib=$(awk -v k="$m" 'BEGIN { if (k != "") printf "%.0f", k / 1024 }')
		echo "| $label | $o | $p4 / $p6 / $po | $t | $mib | $(ratio "$t" "$(median <<< "${T[mmdb,$asn]:-}")") | $(ratio "$m" "$(median <<< "${M[mmdb,$asn]:-}")") |"
	done
done
