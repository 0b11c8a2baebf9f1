#!/usr/bin/env bash
# Search benchmark: generate the synthetic corpus (10,000 tasks, 100,000 reports) once, time a
# full `gongkai build` of it, then run tests/bench/search/search_bench.rs (index build, sizes, and queries in
# headless Chromium). Results: tests/bench/search/README.md.
set -euo pipefail
cd "$(dirname "$0")/../../.."
CORPUS=${CORPUS:-/tmp/corpus}
SHARED=${SHARED:-../shared}
[ -d "$SHARED/bench" ] || SHARED=/work/shared
if [ ! -d "$CORPUS/content" ]; then
  python3 "$SHARED/bench/gen_corpus.py" --out "$CORPUS"
fi
cargo build --release
echo "== gongkai build of the corpus"
/usr/bin/time -f "%e s, %M KiB max RSS" target/release/gongkai build --root "$CORPUS" --output "${OUT_SITE:-/tmp/corpus-site}" | tail -3
echo "== search benchmark"
CORPUS="$CORPUS" cargo bench --bench search
