#!/usr/bin/env bash
# Scale benchmark: the 10,000-task corpus and one ten times larger (1,000 plans: 100,000 tasks,
# 1,000,000 progress reports, about 4 GB on disk in small files), each built into an empty
# output, alternating, in the same run; prints wall, CPU, peak memory (max RSS), bytes and
# files of each build and the large build's time as a multiple of the small one's.
#   tests/bench/scale.sh [ROUNDS]     (default 1)
# Environment: BENCH_DIR (the 10k corpus, default /tmp/gongkai-bench), BENCH_BIG (the large
# corpus, default /tmp/gongkai-bench-100k; made when missing, delete it afterwards),
# GONGKAI_BIN (default: target/release/gongkai built with the release profile users get, or
# with the quick profile, no LTO and 16 codegen units, when BENCH_FAST=1).
# Each build writes into a new folder beside its corpus, deleted only when the run ends (about
# 4.7 GB a round): a build started right after `rm -rf` of a large output spends its system
# time in ext4's inode allocator, which passes over recently freed inodes (see fresh.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-1}
small=${BENCH_DIR:-/tmp/gongkai-bench}
big=${BENCH_BIG:-/tmp/gongkai-bench-100k}
source tests/bench/common.sh
bench_corpus "$small"
bench_corpus "$big" --plans 1000
bench_binary
# Both corpora's sources are read once first, as fresh.sh does, so that no round reads them
# from disk while another finds them in the page cache (the large one is 4 GB on disk: on a
# machine with less free memory than that, its builds read from disk whatever the order).
find "$small/content" "$big/content" -type f -exec cat {} + >/dev/null
outputs=()
trap 'rm -rf "${outputs[@]}"' EXIT
builds=0
measure() {
  builds=$((builds + 1))
  local name=$1 root=$2 dest=$2/scale-public.$$.$builds
  outputs+=("$dest")
  sync
  /usr/bin/time -f "%e %U %S %M" -o "$root/time" "$GONGKAI_BIN" build --root "$root" --output "$dest" \
    >/dev/null 2>"$root/log" || { cat "$root/log" >&2; exit 1; }
  read -r wall user sys rss <"$root/time"
  read -r bytes files < <(find "$dest" -type f -printf '%s\n' | awk '{s += $1; n++} END {printf "%.0f %d\n", s, n}')
  printf '%-5s %7.2f s wall %7.2f s CPU (%6.2f s sys) %6d MiB peak %8.1f MB in %7d files\n' \
    "$name" "$wall" "$(echo "$user + $sys" | bc)" "$sys" $((rss / 1024)) "$(echo "$bytes / 1000000" | bc -l)" "$files"
  last_wall=$wall
}
for n in $(seq "$rounds"); do
  measure 10k "$small"
  small_wall=$last_wall
  measure 100k "$big"
  echo "100k / 10k wall: $(echo "scale=2; $last_wall / $small_wall" | bc)"
done
