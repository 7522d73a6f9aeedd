#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# On the real default database, juris lookup (the kernel's answer) agrees
# with libmaxminddb's own reader on the country of 10,000 random IPv4 and
# 10,000 random IPv6 global addresses, and on the first and last address of
# the networks of 2,500 of each and the addresses just outside them (where
# an off-by-one in the kernel's range search shows): 100%.
. "$(dirname "$0")/../lib.sh"

test_kernel_agrees_with_libmaxminddb_on_random_addresses() {
	local db
	db=$(cd "$(dirname "$0")/../.." && pwd)/data/default/geo-whois-asn-country.mmdb
	[ -s "$db" ] || { echo "default database missing: $db" >&2; return 1; }
	/usr/bin/python3 "$(dirname "$0")/oracle.py" "$JURIS" "$db" 10000 >&2
}

# The same against libloc's own reader (python3-location) on the real Debian
# snapshot: country and AS of 10,000 random IPv4 and 10,000 IPv6 addresses,
# the edges of a quarter of their networks, and 5,000 addresses inside the
# networks of the listed operators: 100%.
test_kernel_agrees_with_libloc_on_random_addresses_country_and_as() {
	local top db=/usr/share/libloc-location/location.db
	top=$(cd "$(dirname "$0")/../.." && pwd)
	[ -s "$db" ] || skip "libloc-database is not installed ($db)"
	/usr/bin/python3 -c 'import location' 2>/dev/null || skip "python3-location is not installed"
	/usr/bin/python3 "$(dirname "$0")/oracle_libloc.py" "$JURIS" "$db" \
		"$top/data/operators/operators.txt" 10000 >&2
}

run_tests
