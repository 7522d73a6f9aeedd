#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Installs juris's default databases into DIR (default data/default), each an
# npm package at a pinned version checked against its known SHA-256:
# - @ip-location-db/geo-whois-asn-country-mmdb: IP → country (.mmdb);
# - @ip-location-db/asn: IP range → AS number and organisation (CSV), kept
#   as one gzip file asn.csv.gz (IPv4 rows, then IPv6 rows) for the
#   foreign-operator overlay.
# With their licences and a SOURCE file recording versions, dates and
# licences. Idempotent.
set -eu
GEO_PKG=@ip-location-db/geo-whois-asn-country-mmdb
GEO_VERSION=2.3.2026061719
GEO_SHA256=91757a1b06cdcd1955f292e4c4cfc54e091204f998e159a3187f7a2ef3724be0
GEO_DB=geo-whois-asn-country.mmdb
ASN_PKG=@ip-location-db/asn
ASN_VERSION=2.3.2026061719
ASN_SHA256=b9425daf2f011c28f8586685d4f89166e77627e2c15fd93c6262c3e2dead6153
ASN_DB=asn.csv.gz
dir=${1:-data/default}

if [ -s "$dir/$GEO_DB" ] && [ -s "$dir/$ASN_DB" ] &&
   grep -qs "^version: $GEO_VERSION\$" "$dir/SOURCE" &&
   grep -qs "^asn-version: $ASN_VERSION\$" "$dir/SOURCE"; then
	exit 0
fi
command -v npm >/dev/null || { echo "install-db: npm is missing (run scripts/install-deps.sh)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# fetch PKG VERSION SHA256 SUBDIR: the checked package, unpacked in $tmp/SUBDIR.
fetch() {
	mkdir -p "$tmp/$4"
	(cd "$tmp/$4" && npm pack --silent "$1@$2" >/dev/null 2>npm.err) || {
		echo "install-db: npm pack $1@$2 failed: $(tail -1 "$tmp/$4/npm.err")" >&2; exit 1; }
	tgz=$(ls "$tmp/$4"/*.tgz)
	echo "$3  $tgz" | sha256sum -c --quiet - || { echo "install-db: checksum mismatch for $1@$2" >&2; exit 1; }
	tar -xzf "$tgz" -C "$tmp/$4"
}

fetch "$GEO_PKG" "$GEO_VERSION" "$GEO_SHA256" geo
fetch "$ASN_PKG" "$ASN_VERSION" "$ASN_SHA256" asn
mkdir -p "$dir"
cp "$tmp/geo/package/$GEO_DB" "$dir/$GEO_DB.tmp"
cp "$tmp/geo/package/NRO_LICENSE" "$tmp/geo/package/README.md" "$dir/"
# The reader takes both families from one file; gzip -n: no time stamp, so
# that two installs give the same bytes.
cat "$tmp/asn/package/asn-ipv4.csv" "$tmp/asn/package/asn-ipv6.csv" | gzip -9n > "$dir/$ASN_DB.tmp"
for f in DBIP-LICENSE ROUTEVIEWS-LICENSE MODIFICATIONS; do
	cp "$tmp/asn/package/$f" "$dir/asn-$f"
done
cp "$tmp/asn/package/README.md" "$dir/asn-README.md"
cat > "$dir/SOURCE" <<EOT
package: $GEO_PKG
version: $GEO_VERSION
sha256: $GEO_SHA256
built: 2026-06-17 19:51:40 UTC (metadata build_epoch 1781725900)
licence: package.json says CC0-1.0; the data derives from the NRO's RIR
  statistics, published under CC BY 4.0 (attribution: nro.net), see NRO_LICENSE.
note: npm updates of this package have stopped; use --db with a maintained
  database (GeoLite2/GeoIP2 Country, DB-IP, ip-location-db) where you can.

asn-package: $ASN_PKG
asn-version: $ASN_VERSION
asn-sha256: $ASN_SHA256
asn-file: $ASN_DB = gzip -9n of asn-ipv4.csv then asn-ipv6.csv (515158 rows;
  32.6 MB unpacked, 7.8 MB as gzip; the -num.csv copies are not kept)
asn-built: snapshot of 2026-06-17 (version 2.3.2026061719)
asn-licence: CC BY 4.0: RouteViews (attribution: routeviews.org), DB-IP IP
  to ASN Lite (attribution and, on web pages, a link: db-ip.com) and the NRO
  (nro.net); see asn-ROUTEVIEWS-LICENSE, asn-DBIP-LICENSE, NRO_LICENSE and
  asn-MODIFICATIONS. package.json: "SEE LICENSE IN ROUTEVIEWS-LICENSE and
  DBIP-LICENSE (CC-BY-4.0)".
asn-note: npm updates of this package have stopped too (its README warns of
  data errors in the npm edition: one found, 215.0.0.0/16 in two overlapping
  rows); use --asn-db with a maintained source where you can.
EOT
mv "$dir/$GEO_DB.tmp" "$dir/$GEO_DB"
mv "$dir/$ASN_DB.tmp" "$dir/$ASN_DB"
echo "install-db: $GEO_PKG@$GEO_VERSION and $ASN_PKG@$ASN_VERSION installed in $dir"
