#!/usr/bin/env python3
"""Throughput ratio iamlint : parliament on the AWS managed policies, measured interleaved.

On a shared, noisy machine the speed of both tools drifts by ±15 % over minutes, so a
ratio of two separately taken means depends on when each was taken. Here each round runs
parliament once (the whole process, as `compare.sh` does) and iamlint several times right
after it, and the ratio is computed per round and over all rounds (medians).

    python3 benches/scripts/ratio.py [ROUNDS] [IAMLINT_RUNS_PER_ROUND]

Needs parliament (pip install parliament), a release build (cargo build --release) and
../shared/corpus/managed (or IAMLINT_CORPUS).
"""
import os
import statistics
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", ".."))
corpus = os.environ.get("IAMLINT_CORPUS", os.path.join(root, "..", "shared", "corpus"))
managed = os.path.join(corpus, "managed")
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
iamlint = [os.path.join(target, "release", "iamlint"), "check", "--no-config",
           "--format", "json", managed]
parliament = [sys.executable, os.path.join(here, "parliament_corpus.py"), managed]
rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
per_round = int(sys.argv[2]) if len(sys.argv) > 2 else 10


def wall(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


subprocess.run(iamlint, stdout=subprocess.DEVNULL, check=False)  # warm the page cache
p_all, i_all, ratios = [], [], []
for r in range(rounds):
    p = wall(parliament)
    runs = [wall(iamlint) for _ in range(per_round)]
    i = statistics.median(runs)
    p_all.append(p)
    i_all.extend(runs)
    ratios.append(p / i)
    print(f"round {r + 1}: parliament {p:.3f} s, iamlint median {1000 * i:.1f} ms "
          f"(min {1000 * min(runs):.1f}, max {1000 * max(runs):.1f}) -> {p / i:.0f}x")
pm, im = statistics.median(p_all), statistics.median(i_all)
print(f"all: parliament median {pm:.3f} s ({len(p_all)} runs), iamlint median "
      f"{1000 * im:.1f} ms, mean {1000 * statistics.mean(i_all):.1f} ms ({len(i_all)} runs)")
print(f"ratio of medians: {pm / im:.0f}x; per-round ratios: "
      f"{', '.join(f'{x:.0f}' for x in ratios)} (median {statistics.median(ratios):.0f}x)")
