#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Rewrites the ECS rows of tests/data/ecs-fields.tsv from Elastic's
generated/ecs/ecs_flat.yml (repository elastic/ecs); juris.* rows and the
header stay. Update the commit and date in the header by hand.

usage: ecs-fields-from-ecs.py ECS_FLAT_YML [TABLE]"""
import sys
import yaml

flat = yaml.safe_load(open(sys.argv[1]))
table = sys.argv[2] if len(sys.argv) > 2 else "tests/data/ecs-fields.tsv"
out = []
for line in open(table):
    name = line.split("\t", 1)[0]
    if line.startswith("#") or name.startswith("juris.") or name not in flat:
        out.append(line)
        continue
    e = flat[name]
    allowed = ",".join(v["name"] for v in e.get("allowed_values", [])) or "-"
    array = "array" if "array" in e.get("normalize", []) else "-"
    out.append("%s\t%s\t%s\t%s\n" % (name, e["type"], array, allowed))
open(table, "w").writelines(out)
