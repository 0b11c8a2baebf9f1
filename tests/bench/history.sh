#!/usr/bin/env bash
# 修订记录 (revision history) benchmark: the synthetic corpus of ../shared/bench/gen_corpus.py
# (default 10,000 tasks, 100,000 reports) in a git repository with a few hundred commits of
# edits (tests/bench/history_repo.py: targets lowered, deadlines moved, tasks reworded, units
# changed, report figures changed, reports added), built with the release binary in four ways,
# in alternating rounds so that the machine's load falls on all of them alike:
#   off      .git moved aside: no history (the build as without git)
#   full     no cache: every commit read
#   resumed  the cache a build at HEAD~1 kept: one new commit read (commit, then build)
#   cached   the cache a build at HEAD kept: nothing read (build again)
# Each line: wall, CPU (user + sys), peak RSS, the history stage's own time (it runs on a
# thread beside loading) and how many commits it walked.
#   tests/bench/history.sh [gen_corpus.py arguments, e.g. --plans 20]
# Environment: BENCH_DIR (/tmp/gongkai-bench-history), BENCH_COMMITS (300), BENCH_ROUNDS (3),
# GONGKAI (the binary; default target/release/gongkai, built when missing), BENCH_REGEN=1,
# BENCH_BEFORE (another binary, e.g. an older release, run as a fifth way "before" in each round).
# The repository is made only when $BENCH_DIR has none: the same arguments give the same
# commits (fixed dates and names), so the same commit ids.
set -euo pipefail
cd "$(dirname "$0")/../.."
gen=${GEN_CORPUS:-../shared/bench/gen_corpus.py}
work=${BENCH_DIR:-/tmp/gongkai-bench-history}
commits=${BENCH_COMMITS:-300}
rounds=${BENCH_ROUNDS:-3}
bin=${GONGKAI:-target/release/gongkai}
if [[ ! -d "$work/.git" || -n "${BENCH_REGEN:-}" || $# -gt 0 ]]; then
  rm -rf "$work" && mkdir -p "$work"
  python3 "$gen" --out "$work" "$@" >/dev/null
  python3 tests/bench/history_repo.py "$work" --commits "$commits"
fi
if [[ ! -x $bin ]]; then
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 cargo build --release -q
fi
out="$work/bench-public"
cache="$work/.gongkai-cache/history.json"
trap '[[ -d "$work/.git-off" ]] && mv "$work/.git-off" "$work/.git"' EXIT
echo "corpus: $(find "$work/content" -name '*.md' | wc -l) reports, $(git -C "$work" rev-list --count HEAD) commits, .git $(du -sh "$work/.git" | cut -f1)"

run() {
  GONGKAI_TIMINGS=1 /usr/bin/time -f "%U %S %e %M" -o "$work/time" \
    "${2:-$bin}" build --root "$work" --output "$out" 2>"$work/log" >/dev/null
  read -r user sys wall rss <"$work/time"
  local stage walked
  stage=$(sed -n "s/^timing: history *\\([0-9]*\\) ms (side by side).*/\\1/p" "$work/log")
  walked=$(sed -n 's/^timing: history walked \([0-9]*\) of.*/\1/p' "$work/log")
  printf '%-8s %6.2f s wall %6.2f s CPU %5d MiB  history %6s ms, %3s commits walked\n' \
    "$1" "$wall" "$(echo "$user + $sys" | bc)" $(( rss / 1024 )) "${stage:--}" "${walked:--}"
}

# The caches a build at HEAD~1 and at HEAD keep.
head=$(git -C "$work" rev-parse HEAD)
git -C "$work" update-ref HEAD HEAD~1
rm -f "$cache" && "$bin" build --root "$work" --output "$out" >/dev/null 2>&1
cp "$cache" "$work/cache-parent.json"
git -C "$work" update-ref HEAD "$head"
"$bin" build --root "$work" --output "$out" >/dev/null 2>&1
cp "$cache" "$work/cache-head.json"

for round in $(seq "$rounds"); do
  mv "$work/.git" "$work/.git-off"; run off; mv "$work/.git-off" "$work/.git"
  rm -f "$cache"; run full
  cp "$work/cache-parent.json" "$cache"; run resumed
  cp "$work/cache-head.json" "$cache"; run cached
  if [[ -n ${BENCH_BEFORE:-} ]]; then run before "$BENCH_BEFORE"; fi
done
# Every way gives the same site.
for mode in full resumed cached; do
  case $mode in full) rm -f "$cache" ;; resumed) cp "$work/cache-parent.json" "$cache" ;; cached) cp "$work/cache-head.json" "$cache" ;; esac
  "$bin" build --root "$work" --output "$out" >/dev/null 2>&1
  (cd "$out" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum) >"$work/sum-$mode"
done
if cmp -s "$work/sum-full" "$work/sum-resumed" && cmp -s "$work/sum-full" "$work/sum-cached"; then
  echo "output: identical whichever way the history was read ($(cut -c1-16 "$work/sum-full"))"
else
  echo "output: DIFFERS between full, resumed and cached reading" >&2
  exit 1
fi
