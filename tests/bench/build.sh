#!/usr/bin/env bash
# Build benchmark: the synthetic corpus (default 10,000 tasks, 100,000 progress reports) built
# with the release binary; reports wall time and peak memory (max RSS).
#   tests/bench/build.sh [--plans N --tasks N --reports N]   (arguments go to gen_corpus.py)
set -euo pipefail
cd "$(dirname "$0")/../.."
gen=${GEN_CORPUS:-../shared/bench/gen_corpus.py}
work=${BENCH_DIR:-/tmp/gongkai-bench}
rm -rf "$work" && mkdir -p "$work"
python3 "$gen" --out "$work" "$@" >/dev/null
cargo build --release -q
bin=target/release/gongkai
echo "corpus: $(find "$work/content" -name '*.md' | wc -l) reports, $(du -sh "$work/content" | cut -f1)"
for run in 1 2 3; do
  rm -rf "$work/public"
  start=$(date +%s.%N)
  /usr/bin/time -f "%M" -o "$work/rss" "$bin" build --root "$work" --output "$work/public" 2>"$work/log" >/dev/null
  end=$(date +%s.%N)
  printf 'run %d: %.2f s wall, %d MiB peak RSS, %s\n' "$run" "$(echo "$end - $start" | bc)" $(( $(cat "$work/rss") / 1024 )) "$(tail -1 "$work/log")"
done
echo "output: $(find "$work/public" -type f | wc -l) files, $(du -sh "$work/public" | cut -f1)"
