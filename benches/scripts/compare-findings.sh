#!/usr/bin/env bash
# Do two builds of iamlint report the same findings? Runs both over the shared corpus
# (managed policies, CloudFormation templates; default rules, every rule, and a reference
# check) and over fixtures/, and compares the outputs byte for byte.
#
# Usage: bash benches/scripts/compare-findings.sh OLD_BINARY [NEW_BINARY]
#   NEW_BINARY defaults to a fresh release build of this checkout.
# Exit 0 when every output is identical; 1 with the differing runs listed otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."
old=${1:?usage: compare-findings.sh OLD_BINARY [NEW_BINARY]}
new=${2:-}
if [ -z "$new" ]; then
  cargo build --release -q
  new=${CARGO_TARGET_DIR:-target}/release/iamlint
fi
corpus=${IAMLINT_CORPUS:-../shared/corpus}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

runs=(
  "managed|check --no-config --format json $corpus/managed"
  "cfn|check --no-config --format json $corpus/cfn"
  "all-rules|check --no-config --format json --select ALL $corpus/cfn $corpus/managed"
  "reference|check --no-config --format json --reference builtin:parallelcluster/user-awsbatch $corpus/cfn"
  "fixtures-human|check --no-config --color never fixtures/rules fixtures/examples"
  "fixtures-sarif|check --no-config --format sarif fixtures/rules fixtures/examples"
)
status=0
for run in "${runs[@]}"; do
  name=${run%%|*}
  args=${run#*|}
  # shellcheck disable=SC2086
  "$old" $args > "$tmp/$name.old" 2>&1 || true
  # shellcheck disable=SC2086
  "$new" $args > "$tmp/$name.new" 2>&1 || true
  if cmp -s "$tmp/$name.old" "$tmp/$name.new"; then
    printf '%-16s identical (%s bytes)\n' "$name" "$(wc -c < "$tmp/$name.new")"
  else
    printf '%-16s DIFFERENT\n' "$name"
    diff "$tmp/$name.old" "$tmp/$name.new" | head -20 || true
    status=1
  fi
done
exit $status
