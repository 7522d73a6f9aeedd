#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Checks NDJSON event lines against tests/data/ecs-fields.tsv: each line
valid UTF-8 and valid JSON, each field in the table, of its type, with an
allowed value. Lines that do not start with '{' are skipped (a log that
mixes events with messages), as is a last line without its newline (still
being written). FILE may be gzipped (.gz).

usage: ecs_check.py TABLE FILE...   exit 1 and one line per problem (the
                                    first 10) when any line fails"""
import gzip
import ipaddress
import json
import re
import sys

DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def load_table(path):
    table = {}
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        name, typ, array, allowed = line.rstrip("\n").split("\t")
        table[name] = (typ, array == "array", None if allowed == "-" else allowed.split(","))
    return table


def flatten(obj, prefix=""):
    for k, v in obj.items():
        name = prefix + k
        if isinstance(v, dict):
            yield from flatten(v, name + ".")
        else:
            yield name, v


def type_ok(typ, v):
    if typ == "keyword":
        return isinstance(v, str)
    if typ == "long":
        return isinstance(v, int) and not isinstance(v, bool)
    if typ == "boolean":
        return isinstance(v, bool)
    if typ == "date":
        return isinstance(v, str) and DATE.match(v) is not None
    if typ == "ip":
        try:
            ipaddress.ip_address(v)
            return isinstance(v, str)
        except ValueError:
            return False
    return False


def check_line(table, raw):
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return ["not UTF-8 (%s)" % e.reason]
    try:
        obj = json.loads(text)
    except ValueError as e:
        return ["not JSON (%s)" % e]
    if not isinstance(obj, dict):
        return ["not a JSON object"]
    if "@timestamp" not in obj:
        return []	# not an event: filler a test wrote itself (test_rotate)
    problems = []
    for name, v in flatten(obj):
        if name not in table:
            problems.append("%s: not in the table of ECS types" % name)
            continue
        typ, array, allowed = table[name]
        values = v if array and isinstance(v, list) else [v]
        for x in values:
            if not type_ok(typ, x):
                problems.append("%s: %s is not a %s" % (name, json.dumps(x), typ))
            elif allowed is not None and x not in allowed:
                problems.append("%s: %s is not an allowed value" % (name, json.dumps(x)))
    return problems


def main():
    table = load_table(sys.argv[1])
    lines = bad = 0
    for path in sys.argv[2:]:
        opener = gzip.open if path.endswith(".gz") else open
        try:
            with opener(path, "rb") as f:
                data = f.read()
        except (EOFError, OSError):
            continue	# a rotated file still being compressed
        rows = data.split(b"\n")
        if rows and rows[-1]:
            rows = rows[:-1]	# being written
        for n, raw in enumerate(rows, 1):
            if not raw.startswith(b"{"):
                continue
            lines += 1
            for p in check_line(table, raw):
                bad += 1
                if bad <= 10:
                    print("ecs_check: %s:%d: %s" % (path, n, p))
    if bad:
        print("ecs_check: %d problems in %d event lines" % (bad, lines))
        return 1
    return 0


sys.exit(main())
