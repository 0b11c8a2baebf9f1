#!/usr/bin/env bash
# The build benchmark's reference, measured on the same machine at the same time: Hugo renders
# one plain page per task of the synthetic corpus, carrying the Markdown that gongkai's task
# page carries (title, task text, units, targets, and every progress report's date, status and
# body), with a minimal layout. Rounds alternate a Hugo build and a gongkai rebuild of the whole
# corpus (pages, search index, open data, disclosure section), both writing over the output of
# the round before, in an order that turns every round, and each prints CPU time (user + sys),
# wall time and peak memory.
#   tests/bench/hugo.sh [ROUNDS]      (default 5; needs `hugo`: apt-get install hugo)
# The corpus is the one tests/bench/build.sh made ($BENCH_DIR, default /tmp/gongkai-bench); the
# Hugo site is made from it once, in $BENCH_DIR/hugo (set BENCH_REGEN=1 to make it again).
# Both outputs go to $BENCH_OUT (default $BENCH_DIR); a tmpfs there (BENCH_OUT=/dev/shm/bench)
# takes the disk's write-back out of the comparison, leaving the CPU work. With BENCH_FRESH=1
# every build writes into an empty output instead (gongkai's kept site removed too).
# GONGKAI_BIN measures that binary instead of building the release one here; BEFORE_BIN, a
# second gongkai binary (a build of an older commit, say), is measured in the same rounds, into
# an output of its own, so that before and after alternate with Hugo.
# A rebuild starts from the site the build before left: from the third build on, the kept site
# beside the output (.bench-public.prev/) as well as the output. Both builds run once unmeasured
# first, and gongkai's first measured round is its second build.
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
source tests/bench/common.sh
bench_binary
bin=$GONGKAI_BIN
results=$(mktemp)
trap 'rm -f "$results"' EXIT
round=0
measure() {
  local name=$1; shift
  /usr/bin/time -f "%U %S %e %M" -o "$work/time" "$@" >/dev/null 2>"$work/log" \
    || { cat "$work/log" >&2; exit 1; }
  read -r user sys wall rss <"$work/time"
  printf '%-8s %6.2f s CPU (%5.2f s sys) %6.2f s wall %5d MiB peak\n' \
    "$name" "$(echo "$user + $sys" | bc)" "$sys" "$wall" $(( rss / 1024 ))
  echo "$round $name $(echo "$user + $sys" | bc) $wall $rss" >>"$results"
}
# One unmeasured build of each first, so both write over an existing output.
hugo=(hugo --quiet --source "$site" --destination "$out/hugo-public")
gongkai=("$bin" build --root "$work" --output "$out/bench-public")
before=()
[[ -z "${BEFORE_BIN:-}" ]] || before=("$BEFORE_BIN" build --root "$work" --output "$out/before-public")
"${hugo[@]}" >/dev/null
"${gongkai[@]}" 2>/dev/null
[[ -z "${BEFORE_BIN:-}" ]] || "${before[@]}" 2>/dev/null
fresh() { [[ -z "${BENCH_FRESH:-}" ]] || rm -rf "$@"; }
one() {
  case $1 in
    hugo) fresh "$out/hugo-public" && measure hugo "${hugo[@]}" ;;
    before) [[ -z "${BEFORE_BIN:-}" ]] \
      || { fresh "$out/before-public" "$out/.before-public.prev" && measure before "${before[@]}"; } ;;
    gongkai) fresh "$out/bench-public" "$out/.bench-public.prev" && measure gongkai "${gongkai[@]}" ;;
  esac
}
# The order turns every round, so that no build always runs first.
for n in $(seq "$rounds"); do
  round=$n
  if (( n % 2 )); then order=(hugo before gongkai); else order=(gongkai before hugo); fi
  for b in "${order[@]}"; do one "$b"; done
done
# Medians, and each gongkai build's ratios to Hugo's in the same round (the median of those).
python3 - "$results" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    r, name, cpu, wall, rss = line.split()
    runs.setdefault(name, {})[r] = (float(cpu), float(wall), int(rss) / 1024)
print("\nmedians          CPU      wall   peak RSS   paired ratio to Hugo: CPU, wall")
for name in ("hugo", "before", "gongkai"):
    if name not in runs:
        continue
    v = runs[name]
    line = f"{name:<8} {statistics.median(x[0] for x in v.values()):7.2f} s {statistics.median(x[1] for x in v.values()):7.2f} s {statistics.median(x[2] for x in v.values()):6.0f} MiB"
    if name != "hugo":
        h = runs["hugo"]
        cpu = statistics.median(v[r][0] / h[r][0] for r in v)
        wall = statistics.median(v[r][1] / h[r][1] for r in v)
        line += f"   {cpu:.2f}, {wall:.2f}"
    print(line)
PY
echo "hugo output: $(find "$out/hugo-public" -name '*.html' | wc -l) pages, $(du -sh "$out/hugo-public" | cut -f1);" \
  "gongkai output: $(find "$out/bench-public" -type f | wc -l) files, $(du -sh "$out/bench-public" | cut -f1)"
