#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Writes the libloc test databases (tests/data/README.md) into OUTDIR with
python3-location's own writer: documentation addresses only, signed with a
test key made here.

usage: make-testlocdb.py OUTDIR
"""
import os
import subprocess
import sys
import time

import _location as location

ANYCAST = location.NETWORK_FLAG_ANYCAST
SATELLITE = location.NETWORK_FLAG_SATELLITE_PROVIDER
PROXY = location.NETWORK_FLAG_ANONYMOUS_PROXY
DROP = location.NETWORK_FLAG_DROP

# network, country code, AS (0: none), flags
BASE = [
    ("192.0.2.0/25", "FR", 16509, 0),        # Amazon: a listed US operator
    ("192.0.2.128/26", "DE", 16276, 0),      # OVH
    ("192.0.2.192/27", "NO", 0, 0),
    ("192.0.2.224/28", "JP", 0, 0),
    ("192.0.2.240/29", "US", 0, 0),
    # 192.0.2.248/29 absent
    ("198.51.100.0/24", "US", 64500, 0),
    ("198.51.100.64/26", "FR", 64501, 0),    # nested, another country
    ("203.0.113.0/25", "DE", 0, 0),
    ("203.0.113.128/26", "EU", 0, 0),        # a region, not a country: unknown
    ("203.0.113.192/27", "FR", 13335, ANYCAST),   # unknown, Cloudflare kept
    ("203.0.113.224/28", "FR", 0, SATELLITE),     # unknown
    ("203.0.113.240/29", "FR", 0, PROXY),         # FR stays
    ("203.0.113.248/29", "FR", 0, DROP),          # FR stays
    ("2001:db8:1::/48", "FR", 16509, 0),
    ("2001:db8:1:1::/64", "FR", 64502, 0),   # another AS inside Amazon's
    ("2001:db8:2::/48", "DE", 0, 0),
    ("2001:db8:3::/48", "US", 0, 0),
    ("2001:db8:4::/48", "NO", 0, 0),
    ("2001:db8:5::/48", "JP", 0, 0),
    ("2001:db8:7::/48", "AP", 0, 0),         # a region: unknown
    ("2001:db8:8::/48", "", 0, 0),           # no code: unknown
    ("10.0.0.0/8", "US", 0, 0),              # local wins
]

# EU4 (192.0.2.130) and EU6 (2001:db8:2::10) move to the US, as in
# test-reload-b.mmdb.
NEWER = [(n, "US" if n in ("192.0.2.128/26", "2001:db8:2::/48") else c, a, f)
         for n, c, a, f in BASE]

AS_NAMES = {16509: "Amazon.com, Inc.", 16276: "OVH SAS", 13335: "Cloudflare, Inc.",
            64500: "Documentation AS 64500", 64501: "Documentation AS 64501",
            64502: "Documentation AS 64502"}


def write(path, rows, key):
    with open(key) as k:
        w = location.Writer(k)
    w.vendor = "juris tests"
    w.description = "documentation addresses only"
    w.license = "CC0"
    for asn, name in AS_NAMES.items():
        w.add_as(asn).name = name
    for net, cc, asn, flags in rows:
        n = w.add_network(net)
        if cc:
            n.country_code = cc
        if asn:
            n.asn = asn
        if flags:
            n.set_flag(flags)
    tmp = path + ".tmp"
    w.write(tmp)
    os.rename(tmp, path)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    key = os.path.join(out, "test-loc-key.pem")
    pub = os.path.join(out, "test-loc-key.pub.pem")
    if not os.path.exists(pub):
        subprocess.run(["openssl", "ecparam", "-genkey", "-name", "secp521r1", "-noout",
                        "-out", key], check=True)
        subprocess.run(["openssl", "ec", "-in", key, "-pubout", "-out", pub], check=True,
                       stderr=subprocess.DEVNULL)
    # libloc stamps each file with the second it is written: one second
    # apart, the three are older, in force and newer.
    write(os.path.join(out, "test-loc-old.db"), BASE, key)
    time.sleep(1.1)
    write(os.path.join(out, "test-loc.db"), BASE, key)
    time.sleep(1.1)
    write(os.path.join(out, "test-loc-new.db"), NEWER, key)
    # Newest, but with a third of the networks: a cut-short export.
    write(os.path.join(out, "test-loc-small.db"), NEWER[:7], key)
    # The same content under another key: a signature that does not match.
    other = os.path.join(out, "test-loc-other-key.pem")
    if not os.path.exists(other):
        subprocess.run(["openssl", "ecparam", "-genkey", "-name", "secp521r1", "-noout",
                        "-out", other], check=True)
    write(os.path.join(out, "test-loc-badsig.db"), NEWER, other)


if __name__ == "__main__":
    main()
