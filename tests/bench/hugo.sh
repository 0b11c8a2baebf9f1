#!/usr/bin/env bash
# The build benchmark's reference, measured on the same machine at the same time: Hugo renders
# one plain page per task of the synthetic corpus, carrying the Markdown that gongkai's task
# page carries (title, task text, units, targets, and every progress report's date, status and
# body), with a minimal layout. Rounds alternate a Hugo build and a gongkai rebuild of the whole
# corpus (pages, search index, open data, disclosure section), both writing over the output of
# the round before, and each prints CPU time (user + sys), wall time and peak memory.
#   tests/bench/hugo.sh [ROUNDS]      (default 5; needs `hugo`: apt-get install hugo)
# The corpus is the one tests/bench/build.sh made ($BENCH_DIR, default /tmp/gongkai-bench); the
# Hugo site is made from it once, in $BENCH_DIR/hugo (set BENCH_REGEN=1 to make it again).
# Both outputs go to $BENCH_OUT (default $BENCH_DIR); a tmpfs there (BENCH_OUT=/dev/shm/bench)
# takes the disk's write-back out of the comparison, leaving the CPU work. With BENCH_FRESH=1
# every build writes into an empty output instead (gongkai's kept site removed too).
# GONGKAI_BIN measures that binary instead of building the release one here.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
work=${BENCH_DIR:-/tmp/gongkai-bench}
command -v hugo >/dev/null || { echo "hugo is not installed (apt-get install hugo)" >&2; exit 1; }
[[ -d "$work/content" ]] || { echo "no corpus in $work: run tests/bench/build.sh first" >&2; exit 1; }
site="$work/hugo"
out=${BENCH_OUT:-$work}
mkdir -p "$out"
source tests/bench/hugo_site.sh
make_hugo_site
if [[ -n "${GONGKAI_BIN:-}" ]]; then
  bin=$GONGKAI_BIN
else
  cargo build --release -q
  bin=$PWD/target/release/gongkai
fi
measure() {
  local name=$1; shift
  /usr/bin/time -f "%U %S %e %M" -o "$work/time" "$@" >/dev/null 2>"$work/log" \
    || { cat "$work/log" >&2; exit 1; }
  read -r user sys wall rss <"$work/time"
  printf '%-8s %6.2f s CPU (%5.2f s sys) %6.2f s wall %5d MiB peak\n' \
    "$name" "$(echo "$user + $sys" | bc)" "$sys" "$wall" $(( rss / 1024 ))
}
# One unmeasured build of each first, so both write over an existing output.
hugo=(hugo --quiet --source "$site" --destination "$out/hugo-public")
gongkai=("$bin" build --root "$work" --output "$out/bench-public")
"${hugo[@]}" >/dev/null
"${gongkai[@]}" 2>/dev/null
fresh() { [[ -z "${BENCH_FRESH:-}" ]] || rm -rf "$@"; }
for n in $(seq "$rounds"); do
  fresh "$out/hugo-public" && measure hugo "${hugo[@]}"
  fresh "$out/bench-public" "$out/.bench-public.prev" && measure gongkai "${gongkai[@]}"
done
echo "hugo output: $(find "$out/hugo-public" -name '*.html' | wc -l) pages, $(du -sh "$out/hugo-public" | cut -f1);" \
  "gongkai output: $(find "$out/bench-public" -type f | wc -l) files, $(du -sh "$out/bench-public" | cut -f1)"
