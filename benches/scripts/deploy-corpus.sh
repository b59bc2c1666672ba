#!/usr/bin/env bash
# `iamlint deploy-policy` over a directory of CloudFormation templates: how many of the
# policies it writes `iamlint check` reports errors or redundancy on (docs/deployment-role.md).
#
#   benches/scripts/deploy-corpus.sh [DIR] [BIN]
#
# For each template: the JSON policy (one document, or, when the binary refuses a policy
# over the managed-policy quota, the documents `--output-dir` writes) and the role template
# (`--format cloudformation`), each checked with `iamlint check` (JSON documents as identity
# policies). Prints one line per template with findings, then the totals.
set -u
dir=${1:-/work/shared/corpus/cfn}
bin=${2:-target/debug/iamlint}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
templates=0; unusable=0; refused=0; split=0
json_err=0; json_red=0; cfn_err=0; cfn_red=0
for t in "$dir"/*.yaml "$dir"/*.yml "$dir"/*.json; do
  [ -f "$t" ] || continue
  templates=$((templates + 1))
  rm -rf "$tmp/out"; mkdir -p "$tmp/out"
  if "$bin" deploy-policy "$t" >"$tmp/out/policy.json" 2>"$tmp/err"; then
    :
  elif grep -q "over the .*quota" "$tmp/err"; then
    refused=$((refused + 1))
    rm -f "$tmp/out/policy.json"
    if ! "$bin" deploy-policy --output-dir "$tmp/out" "$t" >/dev/null 2>"$tmp/err"; then
      unusable=$((unusable + 1)); continue
    fi
    n=$(ls "$tmp/out" | wc -l)
    [ "$n" -gt 1 ] && split=$((split + 1))
  else
    unusable=$((unusable + 1)); continue
  fi
  "$bin" check --policy-type identity --format compact --fail-on never "$tmp"/out/*.json >"$tmp/json.txt" 2>/dev/null
  "$bin" deploy-policy --format cloudformation "$t" >"$tmp/role.yaml" 2>/dev/null
  "$bin" check --format compact --fail-on never "$tmp/role.yaml" >"$tmp/cfn.txt" 2>/dev/null
  je=$(grep -c 'error\[' "$tmp/json.txt"); jr=$(grep -cE 'IAM50[12] ' "$tmp/json.txt")
  ce=$(grep -c 'error\[' "$tmp/cfn.txt"); cr=$(grep -cE 'IAM50[12] ' "$tmp/cfn.txt")
  [ "$je" -gt 0 ] && json_err=$((json_err + 1))
  [ "$jr" -gt 0 ] && json_red=$((json_red + 1))
  [ "$ce" -gt 0 ] && cfn_err=$((cfn_err + 1))
  [ "$cr" -gt 0 ] && cfn_red=$((cfn_red + 1))
  if [ $((je + jr + ce + cr)) -gt 0 ]; then
    echo "$(basename "$t"): json errors $je, redundancy $jr; role template errors $ce, redundancy $cr"
    grep -ohE 'error\[[A-Z0-9]+ [a-z-]+\]' "$tmp/json.txt" "$tmp/cfn.txt" | sort | uniq -c | sed 's/^/    /'
  fi
done
echo "templates: $templates (not usable by deploy-policy: $unusable)"
echo "JSON policy over the quota, refused on stdout: $refused (split into several documents: $split)"
echo "templates whose JSON policy has error findings: $json_err; redundancy findings: $json_red"
echo "templates whose role template has error findings: $cfn_err; redundancy findings: $cfn_red"
