#!/usr/bin/env bash
# Whole-process comparisons: iamlint vs parliament on the AWS managed policies, iamlint
# over the whole corpus, and the single-file (pre-commit) case. Needs hyperfine
# (apt-get install hyperfine), parliament (pip install parliament) and ../shared/corpus.
# Usage: bash benches/scripts/compare.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
corpus=${IAMLINT_CORPUS:-../shared/corpus}
cargo build --release -q -p iamlint
bin=target/release/iamlint
[ -x "${CARGO_TARGET_DIR:-target}/release/iamlint" ] && bin="${CARGO_TARGET_DIR:-target}/release/iamlint"
echo "iamlint: $($bin --version)   parliament: $(parliament --version 2>&1 | tail -1)"
nproc
hyperfine --warmup 1 --runs "$runs" -i \
  -n "iamlint check managed (1,645 files)" "$bin check --no-config --format json $corpus/managed" \
  -n "iamlint check managed+cfn (1,866 files)" "$bin check --no-config --format json $corpus/managed $corpus/cfn" \
  -n "iamlint check managed, 1 thread" "env RAYON_NUM_THREADS=1 $bin check --no-config --format json $corpus/managed" \
  -n "iamlint check one file" "$bin check --no-config fixtures/examples/parallelcluster-user-awsbatch.json" \
  -n "iamlint expand s3:GetObject" "$bin expand s3:GetObject"
# parliament's own `--directory` mode stops at the first policy it cannot handle
# (`Unknown data format: ArrayOfARN`), so it is driven file by file in one process.
hyperfine --warmup 0 --runs 3 -i \
  -n "parliament managed (1,645 files, one process)" "python3 benches/scripts/parliament_corpus.py $corpus/managed"
python3 benches/scripts/parliament_corpus.py "$corpus/managed"
