#!/usr/bin/env bash
# Search benchmark: generate the synthetic corpus (10,000 tasks, 100,000 reports) once, time a
# full `gongkai build` of it, then run tests/bench/search/search_bench.rs (index build, sizes, and queries in
# headless Chromium). Results: tests/bench/search/README.md.
#   CORPUS=DIR   the corpus (default /tmp/corpus; generated there when missing)
#   REAL=1       measure a copy of it whose report bodies are real plans' text instead
#                (DIR-real, made once by tests/bench/real_bodies.py): about six times the
#                distinct terms of the generated text, as a real portal's reports have
set -euo pipefail
cd "$(dirname "$0")/../../.."
CORPUS=${CORPUS:-/tmp/corpus}
SHARED=${SHARED:-../shared}
[ -d "$SHARED/bench" ] || SHARED=/work/shared
if [ ! -d "$CORPUS/content" ]; then
  python3 "$SHARED/bench/gen_corpus.py" --out "$CORPUS"
fi
if [ -n "${REAL:-}" ]; then
  if [ ! -d "$CORPUS-real/content" ]; then
    # Made beside it and moved into place whole, so that a run stopped half way leaves no
    # half-rewritten corpus to be taken for a finished one.
    rm -rf "$CORPUS-real.part"
    cp -r "$CORPUS" "$CORPUS-real.part"
    python3 tests/bench/real_bodies.py "$CORPUS-real.part"
    mv "$CORPUS-real.part" "$CORPUS-real"
  fi
  CORPUS=$CORPUS-real
fi
cargo build --release
echo "== gongkai build of the corpus"
/usr/bin/time -f "%e s, %M KiB max RSS" "${CARGO_TARGET_DIR:-target}/release/gongkai" build --root "$CORPUS" --output "${OUT_SITE:-/tmp/corpus-site}" | tail -3
echo "== search benchmark"
CORPUS="$CORPUS" cargo bench --bench search
