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

run_tests
