#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Oracle for libloc databases: juris lookup (the kernel's classifier) against
python3-location (libloc's own reader) on random global addresses, the edges
of the networks of a quarter of them, and addresses inside the networks of
the listed operators; IPv4 and IPv6, country and AS. Prints the seed; exit 0
when everything agrees.

What juris is meant to answer (user/policy/locdb.c): the country of the
longest matching network, none for the regions EU and AP, an empty code and
anycast or satellite-provider networks; the AS when the operator is listed
(data/operators/operators.txt), and otherwise no AS or that same AS.

usage: oracle_libloc.py JURIS DB OPERATORS_TXT [N]
"""
import ipaddress
import json
import os
import random
import subprocess
import sys

import location

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle import EXCLUDED, tor_ranges, random_v4, random_v6  # noqa: E402

# libloc does not alias Teredo to IPv4 as MaxMind trees do; juris judges a
# Teredo destination by the IPv4 client address it carries.
EXCLUDED.append(ipaddress.ip_network("2001::/32"))
UNKNOWN_FLAGS = (location.NETWORK_FLAG_ANYCAST, location.NETWORK_FLAG_SATELLITE_PROVIDER)


def excluded(a):
    return any(a in n for n in EXCLUDED)


def listed_operators(path):
    ops = {}
    with open(path) as f:
        for line in f:
            w = line.split("#", 1)[0].split()
            if len(w) >= 2:
                ops[int(w[0].upper().removeprefix("AS"))] = w[1]
    return ops


def want_country(net):
    if not net or any(net.has_flag(f) for f in UNKNOWN_FLAGS):
        return ""
    cc = net.country_code or ""
    if len(cc) != 2 or not cc.isalpha() or not cc.isupper() or cc in ("EU", "AP"):
        return ""
    return cc


def edges(db, addrs, k):
    out = []
    for a in addrs[:k]:
        net = db.lookup(a)
        if not net:
            continue
        n = ipaddress.ip_network(str(net), strict=False)
        if n.version == 6 and n.subnet_of(ipaddress.ip_network("::ffff:0:0/96")):
            continue
        top = 2 ** n.max_prefixlen - 1
        for x in (int(n.network_address) - 1, int(n.network_address),
                  int(n.broadcast_address), int(n.broadcast_address) + 1):
            if 0 <= x <= top:
                e = ipaddress.ip_address(x) if n.version == 6 else ipaddress.IPv4Address(x)
                if not excluded(e):
                    out.append(str(e))
    return out


def operator_samples(db, ops, rng, k):
    """k addresses inside networks of listed operators, half of each family."""
    nets = {4: [], 6: []}
    for net in db.search_networks(asns=list(ops)):
        n = ipaddress.ip_network(str(net), strict=False)
        nets[n.version].append(n)
    out = []
    for v in (4, 6):
        for _ in range(k // 2 if nets[v] else 0):
            n = rng.choice(nets[v])
            a = ipaddress.ip_address(int(n.network_address) + rng.randrange(n.num_addresses))
            if not excluded(a):
                out.append(str(a))
    return out


def main():
    juris, dbpath, opspath = sys.argv[1], sys.argv[2], sys.argv[3]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 10000
    seed = int(os.environ.get("JURIS_ORACLE_SEED", random.SystemRandom().getrandbits(32)))
    print(f"oracle: seed {seed} (JURIS_ORACLE_SEED={seed} replays it), {n} IPv4 + {n} IPv6,"
          " the edges of a quarter of their networks, and addresses of listed operators")
    rng = random.Random(seed)
    db = location.Database(dbpath)
    ops = listed_operators(opspath)
    ranges = tor_ranges()
    v4 = [str(random_v4(rng)) for _ in range(n)]
    v6 = [str(random_v6(rng, ranges)) for _ in range(n)]
    v4 += edges(db, v4, n // 4)
    v6 += edges(db, v6, n // 4)
    addrs = v4 + v6 + operator_samples(db, ops, rng, n // 2)

    # The overlay from the same file, whatever JURIS_ASN_DB the suite sets.
    out = subprocess.run([juris, "lookup", "--json", "--db", dbpath, "--asn-db", dbpath],
                         input="\n".join(addrs),
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        print(f"oracle: juris lookup failed ({out.returncode}): {out.stderr.strip()}")
        return 1
    got = [json.loads(line) for line in out.stdout.splitlines()]
    if len(got) != len(addrs):
        print(f"oracle: {len(addrs)} addresses asked, {len(got)} answers")
        return 1
    stats = {v: {"n": 0, "bad_cc": 0, "bad_as": 0, "cc": 0, "listed": 0} for v in (4, 6)}
    for a, g in zip(addrs, got):
        v = ipaddress.ip_address(a).version
        s = stats[v]
        s["n"] += 1
        net = db.lookup(a)
        cc = want_country(net)
        asn = (net.asn or 0) if net else 0
        s["cc"] += bool(cc)
        if g["ip"] != a or g["country"] != cc:
            s["bad_cc"] += 1
            if s["bad_cc"] <= 5:
                print(f"oracle: {a}: juris says country {g['country']!r}, libloc says {cc!r} ({net})")
        got_as = g.get("asn", 0)
        if asn in ops:
            s["listed"] += 1
            ok = got_as == asn and g.get("operator_country") == ops[asn]
        else:
            ok = got_as in (0, asn)
        if not ok:
            s["bad_as"] += 1
            if s["bad_as"] <= 5:
                print(f"oracle: {a}: juris says AS{got_as}, libloc says AS{asn} ({net})")
    for v in (4, 6):
        s = stats[v]
        print(f"oracle: IPv{v}: country {s['n'] - s['bad_cc']}/{s['n']} agree ({s['cc']} with"
              f" a country), AS {s['n'] - s['bad_as']}/{s['n']} agree ({s['listed']} of listed"
              " operators)")
    return 0 if not any(s["bad_cc"] or s["bad_as"] for s in stats.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
