#!/bin/sh
# Installs juris's default IP→country database into DIR (default data/default):
# the npm package @ip-location-db/geo-whois-asn-country-mmdb at a pinned
# version, checked against its known SHA-256, with its licence and a SOURCE
# file recording version, build date and licence. Idempotent.
set -eu
PKG=@ip-location-db/geo-whois-asn-country-mmdb
VERSION=2.3.2026061719
SHA256=91757a1b06cdcd1955f292e4c4cfc54e091204f998e159a3187f7a2ef3724be0
DB=geo-whois-asn-country.mmdb
dir=${1:-data/default}

if [ -s "$dir/$DB" ] && grep -qs "^version: $VERSION\$" "$dir/SOURCE"; then
	exit 0
fi
command -v npm >/dev/null || { echo "install-db: npm is missing (run scripts/install-deps.sh)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$PKG@$VERSION" >/dev/null 2>npm.err) || {
	echo "install-db: npm pack $PKG@$VERSION failed: $(tail -1 "$tmp/npm.err")" >&2; exit 1; }
tgz=$(ls "$tmp"/*.tgz)
echo "$SHA256  $tgz" | sha256sum -c --quiet - || { echo "install-db: checksum mismatch for $PKG@$VERSION" >&2; exit 1; }
tar -xzf "$tgz" -C "$tmp"
mkdir -p "$dir"
cp "$tmp/package/$DB" "$dir/$DB.tmp"
cp "$tmp/package/NRO_LICENSE" "$tmp/package/README.md" "$dir/"
cat > "$dir/SOURCE" <<EOT
package: $PKG
version: $VERSION
sha256: $SHA256
built: 2026-06-17 19:51:40 UTC (metadata build_epoch 1781725900)
licence: package.json says CC0-1.0; the data derives from the NRO's RIR
  statistics, published under CC BY 4.0 (attribution: nro.net), see NRO_LICENSE.
note: npm updates of this package have stopped; use --db with a maintained
  database (GeoLite2/GeoIP2 Country, DB-IP, ip-location-db) where you can.
EOT
mv "$dir/$DB.tmp" "$dir/$DB"
echo "install-db: $PKG@$VERSION installed in $dir"
