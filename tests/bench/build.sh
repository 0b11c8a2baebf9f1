#!/usr/bin/env bash
# Build benchmark: the synthetic corpus (default 10,000 tasks, 100,000 progress reports) built
# with the release binary; reports CPU time (user + sys), wall time and peak memory (max RSS).
#   tests/bench/build.sh [--plans N --tasks N --reports N]   (arguments go to gen_corpus.py)
#
# What it measures: the normal case, a rebuild over an existing output (the new site is staged
# by updating the one kept from the build before last, then swapped in; the first rebuild has
# none kept yet). One build into a fresh output comes first and is reported separately. Wall time is noisy on a shared machine; CPU time less so.
# The corpus is generated only when $BENCH_DIR has none (set BENCH_REGEN=1 to regenerate).
# GONGKAI_BIN measures that binary instead of building the release one here (BENCH_FAST=1: the
# quick profile, see common.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
gen=${GEN_CORPUS:-../shared/bench/gen_corpus.py}
work=${BENCH_DIR:-/tmp/gongkai-bench}
if [[ ! -d "$work/content" || -n "${BENCH_REGEN:-}" || $# -gt 0 ]]; then
  rm -rf "$work/content" && mkdir -p "$work"
  python3 "$gen" --out "$work" "$@" >/dev/null
fi
source tests/bench/common.sh
bench_binary
bin=$GONGKAI_BIN
out="$work/bench-public"
echo "corpus: $(find "$work/content" -name '*.md' | wc -l) reports, $(du -sh "$work/content" | cut -f1)"
run() {
  /usr/bin/time -f "%U %S %e %M" -o "$work/time" "$bin" build --root "$work" --output "$out" 2>"$work/log" >/dev/null
  read -r user sys wall rss <"$work/time"
  printf '%s: %.2f s CPU (%.2f user + %.2f sys), %.2f s wall, %d MiB peak RSS, %s\n' \
    "$1" "$(echo "$user + $sys" | bc)" "$user" "$sys" "$wall" $(( rss / 1024 )) "$(tail -1 "$work/log")"
}
rm -rf "$out" "$work/.bench-public.prev"
run "fresh output (no previous site)"
for n in 1 2 3; do
  run "rebuild $n over the existing output"
done
echo "output: $(find "$out" -type f | wc -l) files, $(du -sh "$out" | cut -f1)"
