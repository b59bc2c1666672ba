#!/usr/bin/env python3
"""Run parliament over every policy file of a directory in one process, so that one policy
it cannot handle does not stop the run (its own `--directory` mode aborts at the first
exception: `Unknown data format: ArrayOfARN` on today's managed policies).

    python3 benches/scripts/parliament_corpus.py ../shared/corpus/managed

Prints: files, findings, files that raised, wall seconds (parsing and analysis only;
interpreter start-up and parliament's import are excluded, which favours parliament).
"""
import os
import sys
import time

from parliament import analyze_policy_string

root = sys.argv[1]
files = sorted(
    os.path.join(root, f) for f in os.listdir(root) if f.endswith(".json")
)
texts = [open(f, encoding="utf-8").read() for f in files]
findings = 0
raised = 0
start = time.perf_counter()
for text in texts:
    try:
        policy = analyze_policy_string(text)
        findings += len(policy.findings)
    except Exception:  # noqa: BLE001 - counted, as parliament's CLI would have stopped
        raised += 1
elapsed = time.perf_counter() - start
print(f"files={len(files)} findings={findings} raised={raised} seconds={elapsed:.2f}")
