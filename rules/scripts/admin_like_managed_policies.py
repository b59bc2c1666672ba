#!/usr/bin/env python3
"""Print the TOML body of `[[admin_like]]` entries for rules/risky-managed-policies.toml.

Run once by hand (not part of the build):

    python3 rules/scripts/admin_like_managed_policies.py /work/shared/corpus

Input: the corpus directory with `managed/NAME.json` (one AWS managed policy document per
file) and `managed_index.tsv` (name, arn, ..., deprecated). A policy is listed when one of
its Allow statements has
  * `Action` containing `*` or `*:*`                       -> grant = "*"
  * `Action` containing `iam:*`                            -> grant = "iam:*"
  * `NotAction` (any list) with no `Condition`             -> grant = "NotAction"
Only statements whose `Resource` contains `*` are considered ("on `*`"). `conditional`
is true when every matching statement carries a `Condition`.
"""
import json
import os
import sys


def as_list(v):
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


def classify(doc):
    found = {}
    for st in as_list(doc.get("Statement")):
        if not isinstance(st, dict) or st.get("Effect") != "Allow":
            continue
        if "*" not in as_list(st.get("Resource")):
            continue
        cond = "Condition" in st
        grants = []
        actions = [a for a in as_list(st.get("Action")) if isinstance(a, str)]
        if any(a in ("*", "*:*") for a in actions):
            grants.append("*")
        if any(a.lower() == "iam:*" for a in actions):
            grants.append("iam:*")
        if "NotAction" in st and not cond:
            grants.append("NotAction")
        for g in grants:
            # unconditional wins over conditional
            found[g] = found.get(g, True) and cond
    return found


def main():
    corpus = sys.argv[1]
    index = {}
    with open(os.path.join(corpus, "managed_index.tsv")) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            row = dict(zip(header, line.rstrip("\n").split("\t")))
            index[row["name"]] = row
    out = []
    for fname in sorted(os.listdir(os.path.join(corpus, "managed"))):
        name = fname[: -len(".json")]
        with open(os.path.join(corpus, "managed", fname)) as f:
            doc = json.load(f)
        for grant, cond in sorted(classify(doc).items()):
            row = index.get(name, {})
            out.append((name, grant, cond, row.get("arn", "None"), row.get("deprecated") == "True"))
    for name, grant, cond, arn, dep in out:
        print("[[admin_like]]")
        print(f'name = "{name}"')
        print(f'grant = "{grant}"')
        print(f"conditional = {'true' if cond else 'false'}")
        print(f"deprecated = {'true' if dep else 'false'}")
        if arn != "None":
            print(f'arn = "{arn}"')
        print()
    print(f"# {len(out)} entries", file=sys.stderr)


if __name__ == "__main__":
    main()
