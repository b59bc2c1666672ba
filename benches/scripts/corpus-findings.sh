#!/usr/bin/env bash
# Findings per rule over ../shared/corpus/managed and ../shared/corpus/cfn (default rules,
# no configuration), as the markdown table of docs/corpus-findings.md.
# Usage: bash benches/scripts/corpus-findings.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus=${IAMLINT_CORPUS:-../shared/corpus}
cargo build --release -q -p iamlint
bin=${CARGO_TARGET_DIR:-target}/release/iamlint
tmp=$(mktemp -d)
"$bin" check --no-config --format json "$corpus/managed" > "$tmp/managed.json" || true
"$bin" check --no-config --format json "$corpus/cfn" > "$tmp/cfn.json" || true
python3 - "$tmp" <<'PY'
import collections, json, sys
tmp = sys.argv[1]
runs = {}
for name in ("managed", "cfn"):
    d = json.load(open(f"{tmp}/{name}.json"))
    count = collections.Counter()
    files = collections.defaultdict(set)
    for x in d["diagnostics"]:
        count[(x["code"], x["name"], x["severity"])] += 1
        files[x["code"]].add(x["file"])
    runs[name] = (d["summary"], count, files)
keys = sorted(set(runs["managed"][1]) | set(runs["cfn"][1]))
print("| code | rule | severity | managed: findings (files) | cfn: findings (files) |")
print("|---|---|---|---:|---:|")
for k in keys:
    cells = []
    for name in ("managed", "cfn"):
        _, count, files = runs[name]
        n = count.get(k, 0)
        cells.append(f"{n:,} ({len(files[k[0]]):,})" if n else "0")
    print(f"| {k[0]} | `{k[1]}` | {k[2]} | {cells[0]} | {cells[1]} |")
for name in ("managed", "cfn"):
    print(f"\n{name}: {json.dumps(runs[name][0])}")
PY
rm -rf "$tmp"
