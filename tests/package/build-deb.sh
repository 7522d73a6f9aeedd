#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Builds the Debian package from a clean copy of the tree (the files git
# knows, without data/default: the build must not need the network) into
# OUT (default $BUILD/deb): OUT/juris_VERSION_ARCH.deb and the build log.
# usage: tests/package/build-deb.sh [OUT]
set -eu
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
OUT=${1:-$BUILD/deb}
rm -rf "$OUT"
mkdir -p "$OUT/src"
# Committed and new files alike, as a developer's tree has them.
git ls-files -co --exclude-standard | grep -v '^data/default/' |
	tar -cf - -T - | tar -xf - -C "$OUT/src"
cd "$OUT/src"
# The caller's make variables (tests/run.sh exports BUILD) are not the
# package's: debian/rules sets its own.
# MAKEFLAGS too: "make SAN=1 BUILD=x test" hands its variables down through it.
unset BUILD DESTDIR PREFIX BINDIR UNITDIR MANDIR SHAREDIR DATADIR SYSCONFDIR WITH_DB SAN MAKEFLAGS MFLAGS MAKELEVEL
# No network at all (a namespace with only loopback, when root may make
# one): a build that tried to fetch anything would fail here.
offline=
[ "$(id -u)" = 0 ] && command -v unshare >/dev/null && offline="unshare --net"
if ! $offline dpkg-buildpackage -us -uc -b > ../build.log 2>&1; then
	tail -20 ../build.log >&2
	exit 1
fi
