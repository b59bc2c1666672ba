#!/usr/bin/env bash
# Whole-process timings of Terraform input (docs/performance.md, "Terraform"): the
# Terraform corpus, and a synthetic tree of 500 modules against the same policies as JSON.
# Usage: bash benches/scripts/terraform-bench.sh [RUNS]   (needs hyperfine)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-10}
corpus=${IAMLINT_CORPUS:-../shared/corpus}
cargo build --release -q -p iamlint
bin=$(pwd)/${CARGO_TARGET_DIR:-target}/release/iamlint
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 benches/scripts/terraform-tree.py 500 "$tmp"
echo "synthetic: $(find "$tmp/tf" -name '*.tf' | wc -l) .tf files, $(find "$tmp/json" -name '*.json' | wc -l) JSON policies"
"$bin" check --no-config --format json "$tmp/tf" | python3 -c 'import json,sys; print("tf:", json.load(sys.stdin)["summary"])' || true
"$bin" check --no-config --format json "$tmp/json" | python3 -c 'import json,sys; print("json:", json.load(sys.stdin)["summary"])' || true
args=(-N -i --warmup 2 --runs "$runs")
hyperfine "${args[@]}" \
  -n "500 modules as .tf" "$bin check --no-config --format compact $tmp/tf" \
  -n "the same policies as JSON" "$bin check --no-config --format compact $tmp/json"
if [ -d "$corpus/terraform" ]; then
  hyperfine "${args[@]}" \
    -n "terraform corpus (43 files)" "$bin check --no-config --format compact $corpus/terraform" \
    -n "terraform corpus, load only" "$bin check --no-config --select parse-error $corpus/terraform"
fi
