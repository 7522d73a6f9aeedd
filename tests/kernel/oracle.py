#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Oracle: juris lookup (the kernel's classifier) against libmaxminddb's own
Python reader, on random global addresses and on the edges of the database
networks of a quarter of them. Prints the seed; exit 0 when every country
agrees.

usage: oracle.py JURIS DB [N]
"""
import ipaddress
import json
import os
import random
import subprocess
import sys

import maxminddb

# Special-purpose ranges that juris classifies as local (data/zones/local-*),
# plus the IPv4-in-IPv6 forms that juris deliberately reads as IPv4.
EXCLUDED = [ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "224.0.0.0/4", "240.0.0.0/4",
    "::/96", "::ffff:0:0/96", "2002::/16", "100::/64", "2001:2::/48", "5f00::/16", "64:ff9b::/96", "64:ff9b:1::/48",
    "fc00::/7", "fe80::/10", "ff00::/8",
)]
TOR_GEOIP6 = "/usr/share/tor/geoip6"


def excluded(addr):
    return any(addr in n for n in EXCLUDED)


def country(record):
    if not record:
        return ""
    for path in (("country_code",), ("country", "iso_code"), ("registered_country", "iso_code")):
        v = record
        for k in path:
            v = v.get(k) if isinstance(v, dict) else None
        if isinstance(v, str) and len(v) == 2 and v.isalpha():
            return v.upper()
    return ""


def random_v4(rng):
    while True:
        a = ipaddress.IPv4Address(rng.getrandbits(32))
        if not excluded(a):
            return a


def tor_ranges():
    """Allocated IPv6 ranges from Debian's tor-geoipdb: an independent table,
    used only to aim samples at populated space."""
    ranges = []
    try:
        with open(TOR_GEOIP6) as f:
            for line in f:
                if line.startswith("#") or "," not in line:
                    continue
                lo, hi, _ = line.strip().split(",")
                ranges.append((int(ipaddress.IPv6Address(lo)), int(ipaddress.IPv6Address(hi))))
    except OSError:
        pass
    return ranges


def random_v6(rng, ranges):
    while True:
        if ranges and rng.random() < 0.8:
            lo, hi = rng.choice(ranges)
            a = ipaddress.IPv6Address(rng.randint(lo, hi))
        else:
            a = ipaddress.IPv6Address((0x2 << 125) | rng.getrandbits(125))  # 2000::/3
        if not excluded(a):
            return a


def edges(reader, addrs, k):
    """The first and last address of the database network of each of the
    first k addresses, and the addresses just outside it: where a range
    table's search goes wrong first."""
    out = []
    for a in addrs[:k]:
        _, plen = reader.get_with_prefix_len(a)
        net = ipaddress.ip_network(f"{a}/{plen}", strict=False)
        top = 2 ** net.max_prefixlen - 1
        for x in (int(net.network_address) - 1, int(net.network_address),
                  int(net.broadcast_address), int(net.broadcast_address) + 1):
            if 0 <= x <= top:
                e = ipaddress.ip_address(x) if net.version == 6 else ipaddress.IPv4Address(x)
                if not excluded(e):
                    out.append(str(e))
    return out


def main():
    juris, db = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
    seed = int(os.environ.get("JURIS_ORACLE_SEED", random.SystemRandom().getrandbits(32)))
    print(f"oracle: seed {seed} (JURIS_ORACLE_SEED={seed} replays it), {n} IPv4 + {n} IPv6"
          " and the edges of a quarter of their networks")
    rng = random.Random(seed)
    ranges = tor_ranges()
    reader = maxminddb.open_database(db)
    v4 = [str(random_v4(rng)) for _ in range(n)]
    v6 = [str(random_v6(rng, ranges)) for _ in range(n)]
    v4 += edges(reader, v4, n // 4)
    v6 += edges(reader, v6, n // 4)
    addrs = v4 + v6

    out = subprocess.run([juris, "lookup", "--json", "--db", db], input="\n".join(addrs),
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        print(f"oracle: juris lookup failed ({out.returncode}): {out.stderr.strip()}")
        return 1
    got = [json.loads(line) for line in out.stdout.splitlines()]
    if len(got) != len(addrs):
        print(f"oracle: {len(addrs)} addresses asked, {len(got)} answers")
        return 1
    bad = {4: 0, 6: 0}
    known = {4: 0, 6: 0}
    total = {4: len(v4), 6: len(v6)}
    for a, g in zip(addrs, got):
        v = ipaddress.ip_address(a).version
        want = country(reader.get(a))
        known[v] += bool(want)
        if g["ip"] != a or g["country"] != want:
            bad[v] += 1
            if bad[v] <= 5:
                print(f"oracle: {a}: juris says {g['country']!r}, libmaxminddb says {want!r}")
    for v in (4, 6):
        print(f"oracle: IPv{v}: {total[v] - bad[v]}/{total[v]} agree ({known[v]} with a country)")
    return 0 if not bad[4] and not bad[6] else 1


if __name__ == "__main__":
    sys.exit(main())
