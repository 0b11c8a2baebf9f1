#!/usr/bin/env bash
# Before/after instruction counts: two or more gongkai binaries each build a small synthetic
# corpus under Cachegrind (`valgrind --tool=cachegrind --cache-sim=no`), which counts the
# instructions the program executes. Unlike time on a shared machine, the count repeats: two
# builds by one binary differ by about 0.05 %, where cpu.sh's paired CPU ratios of a binary to
# itself range over several per cent. So a change that saves 1 % of the build's own work shows
# here, and which functions it saved it in (the largest differences are listed).
#   tests/bench/instr.sh BEFORE_BIN AFTER_BIN [MORE_BIN...]
# What it does not count: the kernel's work (opening, reading and writing files: floor.sh
# measures it), and the time instructions wait on memory; a change that moves work into the
# kernel or makes it wait on memory needs cpu.sh or fresh.sh as well. SHA-256 is counted apart:
# under Valgrind it runs the portable code, while the machine's binary uses the CPU's SHA
# instructions (about 1.3 GB/s here), so it would make up a third of the count instead of
# 4 % of the build's CPU time.
# Environment: BENCH_INSTR_DIR (the corpus, default /tmp/gongkai-bench-instr: gen_corpus.py
# --plans 10, 1,000 tasks and 10,000 reports, made when missing; under Valgrind a build of it
# takes about half a minute), BENCH_OUT (where the outputs go, default /dev/shm/gongkai-instr).
# Needs valgrind (apt-get install valgrind).
set -euo pipefail
cd "$(dirname "$0")/../.."
(( $# >= 2 )) || { echo "usage: tests/bench/instr.sh BEFORE_BIN AFTER_BIN [MORE_BIN...]" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }
work=${BENCH_INSTR_DIR:-/tmp/gongkai-bench-instr}
out=${BENCH_OUT:-/dev/shm/gongkai-instr}
source tests/bench/common.sh
bench_corpus "$work" --plans 10
# The sources are read once first: a build that finds them out of the page cache prefetches
# them (content::prefetch), 110 million instructions more here, which would fall on whichever
# binary builds first.
find "$work/content" -type f -exec cat {} + >/dev/null
counts=$(mktemp -d)
trap 'rm -rf "$counts" "$out"' EXIT
echo "corpus: $work; each build into an empty output under $out"
# Each binary is known by its place in the arguments, so that one binary given twice (the
# method's own noise) is counted as two.
i=0
for b in "$@"; do
  bench_empty "$out"
  valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$counts/$i" \
    "$b" build --root "$work" --output "$out" >/dev/null 2>"$counts/$i.log" ||
    { cat "$counts/$i.log" >&2; exit 1; }
  i=$((i + 1))
done
python3 - "$counts" "$@" <<'PY'
import collections, sys

def functions(path):
    """Instructions per function, from a cachegrind.out file (fn= lines, then `line count`)."""
    per = collections.Counter()
    fn = None
    for line in open(path, errors="replace"):
        if line.startswith("fn="):
            fn = line[3:].strip()
        elif line[:1].isdigit() and fn is not None:
            parts = line.split()
            if len(parts) >= 2:
                per[fn] += int(parts[1])
    return per

def is_sha(name):
    return name.startswith("sha2::")

folder, bins = sys.argv[1], sys.argv[2:]
per = [functions(f"{folder}/{i}") for i in range(len(bins))]
own = [sum(c for f, c in p.items() if not is_sha(f)) for p in per]
sha = [sum(c for f, c in p.items() if is_sha(f)) for p in per]
width = max(len(b) for b in bins)
print(f"\n{'binary':<{width}}  instructions (without SHA-256)   SHA-256")
for b, o, s in zip(bins, own, sha):
    print(f"{b:<{width}}  {o:>30,}   {s:>13,}")
for i in range(1, len(bins)):
    print(f"\n{bins[i]} / {bins[0]}: {own[i] / own[0]:.4f} of the instructions without SHA-256 "
          f"({own[i] - own[0]:+,})")
    diff = collections.Counter()
    for f in set(per[0]) | set(per[i]):
        if not is_sha(f):
            diff[f] = per[i][f] - per[0][f]
    print("  the largest differences, by function:")
    for f, d in sorted(diff.items(), key=lambda kv: -abs(kv[1]))[:12]:
        if d:
            print(f"  {d:>+15,}  {f[:110]}")
PY
