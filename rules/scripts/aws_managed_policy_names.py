#!/usr/bin/env python3
"""Print rules/aws-managed-policy-names.txt from a corpus index.

Run by hand when the managed policy snapshot is updated:

    python3 rules/scripts/aws_managed_policy_names.py /work/shared/corpus > rules/aws-managed-policy-names.txt

Input: `managed_index.tsv` (tab separated: name, arn, version, updatedate, ...). Output: a
header, then every name (deprecated ones included), sorted, one a line.
"""
import csv
import os
import sys

corpus = sys.argv[1]
names = set()
with open(os.path.join(corpus, "managed_index.tsv"), newline="") as f:
    for row in csv.DictReader(f, delimiter="\t"):
        # every row is an AWS managed policy; deprecated ones have no ARN in the index
        names.add(row["name"])
print("# Names of AWS managed policies (facts: names only), one a line, sorted.")
print("# From iann0036/iam-dataset aws/managedpolicies (commit 2073fa52ac008a45477aa0b1b4580cd99135bf60,")
print("# 2026-08-22, MIT) via the corpus index; regenerate with")
print("# `python3 rules/scripts/aws_managed_policy_names.py <corpus dir>`.")
print(f"# {len(names)} names.")
for n in sorted(names):
    print(n)
