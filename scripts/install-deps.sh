#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Installs what a fresh Debian 12 machine lacks to build, run and test juris.
# Idempotent and quiet when nothing is missing. Needs root when it installs.
set -eu
PKGS="make gcc clang clang-format llvm pkg-config bpftool libbpf-dev libelf-dev zlib1g-dev ipset iptables
libmaxminddb-dev libcjson-dev libcmocka-dev npm iproute2 procps kmod
libmaxmind-db-writer-perl python3-maxminddb mmdb-bin tor-geoipdb nftables
libmicrohttpd-dev libcurl4-openssl-dev prometheus iputils-ping chromium iperf3
libloc-dev location libloc-database python3-location
dpkg-dev debhelper lintian git man-db groff-base mmdebstrap systemd-container"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
# npm may come from elsewhere than Debian (nodesource, nvm): accept it.
case " $missing " in *" npm "*) command -v npm >/dev/null && missing=$(echo "$missing" | sed 's/ npm//') ;; esac
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages:$missing; run this script as root" >&2
	exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
