#!/usr/bin/env bash
# Before/after CPU benchmark: two or more gongkai binaries build the 10k corpus into empty
# outputs on a tmpfs (the CPU work alone, no disk write-back), in rounds whose order turns
# every round (A B, then B A: no binary always runs in the same place of a round; fixed-order
# series disagreed by up to ten per cent here), and the summary gives each binary's median
# CPU time (user + sys), wall time and peak memory, and the median and mean of its paired
# ratios to the first binary (each round's CPU time over the first binary's in the same
# round), the steadier figure on a shared machine.
#   tests/bench/cpu.sh [ROUNDS] BEFORE_BIN AFTER_BIN [MORE_BIN...]     (default 10 rounds)
# Environment: BENCH_DIR (the corpus, default /tmp/gongkai-bench; made by gen_corpus.py when
# missing), BENCH_OUT (default /dev/shm/gongkai-cpu). Build an older commit with the same
# profile as the current one (e.g. CARGO_PROFILE_RELEASE_LTO=false
# CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 cargo build --release in a worktree of it).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=10
if [[ ${1:-} =~ ^[0-9]+$ ]]; then rounds=$1; shift; fi
(( $# >= 2 )) || { echo "usage: tests/bench/cpu.sh [ROUNDS] BEFORE_BIN AFTER_BIN [MORE_BIN...]" >&2; exit 1; }
work=${BENCH_DIR:-/tmp/gongkai-bench}
out=${BENCH_OUT:-/dev/shm/gongkai-cpu}
source tests/bench/common.sh
bench_corpus "$work"
bins=("$@")
results=$(mktemp)
trap 'rm -f "$results"; rm -rf "$out"' EXIT
echo "corpus: $work; $rounds rounds into empty outputs under $out"
# Each binary is known by its place in the arguments, so that one binary given twice (the
# noise of the method: its ratio to itself) is measured as two.
for r in $(seq "$rounds"); do
  order=()
  if (( r % 2 == 0 )); then
    for ((i = ${#bins[@]} - 1; i >= 0; i--)); do order+=("$i"); done
  else
    for ((i = 0; i < ${#bins[@]}; i++)); do order+=("$i"); done
  fi
  for i in "${order[@]}"; do
    b=${bins[i]}
    bench_empty "$out"
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$b" build --root "$work" --output "$out" \
      >/dev/null 2>"$work/log" || { cat "$work/log" >&2; exit 1; }
    read -r wall user sys rss <"$work/time"
    printf 'round %2d  %-40s %6.2f s wall %6.2f s CPU %5d MiB peak\n' \
      "$r" "$b" "$wall" "$(echo "$user + $sys" | bc)" $((rss / 1024))
    echo "$r $i $wall $(echo "$user + $sys" | bc) $rss" >>"$results"
  done
done
python3 - "$results" "${bins[@]}" <<'PY'
import statistics, sys
rows, by_round = {}, {}
for line in open(sys.argv[1]):
    r, i, wall, cpu, rss = line.split()
    rows.setdefault(int(i), []).append((float(wall), float(cpu), int(rss) / 1024))
    by_round.setdefault(r, {})[int(i)] = float(cpu)
bins = sys.argv[2:]
print("\nmedians                                     wall      CPU   peak RSS")
for i, b in enumerate(bins):
    v = rows[i]
    print(f"{b:<40} {statistics.median(x[0] for x in v):6.2f} s {statistics.median(x[1] for x in v):6.2f} s {statistics.median(x[2] for x in v):6.0f} MiB")
for i, b in enumerate(bins[1:], 1):
    ratios = [d[i] / d[0] for d in by_round.values()]
    print(f"{b} / {bins[0]}: CPU paired ratio median {statistics.median(ratios):.3f}, mean {statistics.mean(ratios):.3f} ({len(ratios)} rounds)")
PY
