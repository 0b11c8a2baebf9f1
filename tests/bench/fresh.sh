#!/usr/bin/env bash
# Fresh-build benchmark against Hugo: every build writes into an empty output folder (as a CI
# checkout that publishes does), in rounds that alternate Hugo and gongkai on the same machine
# at the same time, the order turning every round. Each build prints wall time, CPU time
# (user + sys, and sys alone), peak memory (max RSS), the bytes and files it wrote, and the disk
# space its output takes (`du`: every file's blocks and every folder's; the goals' issue gave
# Hugo's output as 124 MB, which is what `du -sh` prints for it, its files' sizes adding up to
# 74 MB); the summary gives the medians, gongkai's ratios to Hugo of them, and the median and
# range of each round's own ratios (the machine's load moves both builds of a round alike).
#   tests/bench/fresh.sh [ROUNDS]      (default 5)
# Environment:
#   BENCH_DIR   the corpus (default /tmp/gongkai-bench; made by gen_corpus.py when missing)
#   BENCH_OUT   where the outputs go (default $BENCH_DIR; BENCH_OUT=/dev/shm/bench for a tmpfs)
#   GONGKAI_BIN the binary to measure (default: target/release/gongkai, built here with the
#               release profile `cargo run --release` uses, whole-program LTO: the binary a
#               user runs; BENCH_FAST=1 builds it with the quick profile instead, no LTO and
#               16 codegen units, 2–9 % more CPU, for comparing two commits quickly)
#   BEFORE_BIN  a second gongkai binary (e.g. a build of an older commit with the same profile),
#               measured in the same rounds, so before and after alternate too
#   BENCH_COLD  1: empty the page cache before every build (needs root), so each reads its
#               sources from disk, as the first build after a reboot does
#   BENCH_RM    1: every build reuses its output folder, deleted just before it (see below)
#   BENCH_DCACHE 1: empty the kernel's dentry and inode caches before every build (needs root)
#               and read both builds' sources and binaries again, so each build starts as on
#               a machine that has just checked the site out: the sources in the page cache, no
#               names of earlier runs' files in the dentry cache (see below)
# Each build writes into a new folder, and the outputs are deleted only when the run ends
# (0.43 GB a gongkai build: 5.6 GB for six rounds with BEFORE_BIN). ext4 passes over the inodes
# freed in the last minute (five, while their inode table block is unwritten) when it
# allocates new ones, so a build started right after `rm -rf` of the previous output spends
# its system time in the inode allocator: on the 10k corpus sys 5.3 s against 1.5 s, a quarter
# of the build's CPU samples in find_get_block_common, recently_deleted and the group lock.
# A CI checkout that publishes has no such folder; BENCH_RM=1 measures the other case.
# The outputs' names stay in the dentry cache after the outputs are deleted (1.3 million
# entries after one run of six rounds, in a hash table of 131,072 buckets here), so every run
# starts where the one before left the kernel. BENCH_DCACHE=1 gives every build the same start,
# that of a machine that has just read the sources: both builds were faster so (on the 10k
# corpus Hugo 2.50 s wall against 3.25 s in the run before, gongkai 2.75 s against 3.54 s), and
# the ratios of the two about the same (1.10 and 1.09 wall).
# The Hugo reference site is made once from the corpus (tests/bench/hugo_site.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
work=${BENCH_DIR:-/tmp/gongkai-bench}
out=${BENCH_OUT:-$work}
source tests/bench/common.sh
bench_against_hugo
mkdir -p "$out"
results=$(mktemp)
runs="$out/fresh-runs.$$"
mkdir -p "$runs"
trap 'rm -f "$results"; rm -rf "$runs"' EXIT
builds=0

# measure NAME OUTPUT COMMAND...: one build into an empty OUTPUT.
measure() {
  local name=$1 dest=$2; shift 2
  bench_empty "$dest"
  sync
  if [[ -n "${BENCH_COLD:-}" ]]; then
    echo 3 >/proc/sys/vm/drop_caches
  elif [[ -n "${BENCH_DCACHE:-}" ]]; then
    # An inode dropped takes its cached pages with it: read the sources again.
    echo 2 >/proc/sys/vm/drop_caches
    find "$work/content" "$site" -type f -exec cat {} + >/dev/null
    cat "$(command -v hugo)" "$GONGKAI_BIN" ${BEFORE_BIN:+"$BEFORE_BIN"} >/dev/null
  fi
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >/dev/null 2>"$work/log" \
    || { cat "$work/log" >&2; exit 1; }
  local wall user sys rss bytes files disk
  read -r wall user sys rss <"$work/time"
  read -r bytes files < <(find "$dest" -type f -printf '%s\n' | awk '{s += $1; n++} END {printf "%.0f %d\n", s, n}')
  disk=$(du -sk "$dest" | cut -f1)
  printf '%-8s %6.2f s wall %6.2f s CPU (%5.2f s sys) %5d MiB peak %7.1f MB in %6d files, %7.1f MB on disk\n' \
    "$name" "$wall" "$(echo "$user + $sys" | bc)" "$sys" $((rss / 1024)) "$(echo "$bytes / 1000000" | bc -l)" "$files" \
    "$(echo "$disk * 1024 / 1000000" | bc -l)"
  echo "$n $name $wall $(echo "$user + $sys" | bc) $sys $rss $bytes $files $((disk * 1024))" >>"$results"
}

echo "corpus: $(find "$work/content" -name '*.md' | wc -l) reports in $work; $rounds rounds, empty outputs${BENCH_RM:+ deleted just before each build}${BENCH_COLD:+, page cache emptied before each build}${BENCH_DCACHE:+, dentry and inode caches emptied before each build}"
# Both builds' sources are read once first, so that the first round does not read them from
# disk while the later rounds find them in the page cache (BENCH_COLD measures that case).
if [[ -z "${BENCH_COLD:-}" ]]; then
  find "$work/content" "$site" -type f -exec cat {} + >/dev/null
fi
# The order turns every round, so that no build always runs in the same place of a round
# (each build slows the next with its disk's write-back): the six orders of the three builds in
# turn, every build in each place twice in six rounds (without BEFORE_BIN, Hugo first in three).
one() {
  local dest
  if [[ -n "${BENCH_RM:-}" ]]; then
    dest="$out/$1-public"
  else
    builds=$((builds + 1))
    dest="$runs/$1-$builds"
  fi
  case $1 in
    hugo) measure hugo "$dest" hugo --quiet --source "$site" --destination "$dest" ;;
    before) [[ -z "${BEFORE_BIN:-}" ]] ||
      measure before "$dest" "$BEFORE_BIN" build --root "$work" --output "$dest" ;;
    gongkai) measure gongkai "$dest" "$GONGKAI_BIN" build --root "$work" --output "$dest" ;;
  esac
}
orders=("hugo before gongkai" "gongkai before hugo" "before gongkai hugo"
  "hugo gongkai before" "gongkai hugo before" "before hugo gongkai")
for n in $(seq "$rounds"); do
  for name in ${orders[(n - 1) % 6]}; do one "$name"; done
done
python3 - "$results" <<'EOF'
import statistics, sys
rows, rounds = {}, {}
for line in open(sys.argv[1]):
    r, name, *v = line.split()
    rows.setdefault(name, []).append([float(x) for x in v])
    rounds.setdefault(r, {})[name] = [float(x) for x in v]
med = {n: [statistics.median(c) for c in zip(*r)] for n, r in rows.items()}
print("\nmedians         wall      CPU      sys   peak RSS     bytes    files    on disk")
for n, (wall, cpu, sys_, rss, b, f, d) in med.items():
    print(f"{n:<10} {wall:8.2f} s {cpu:6.2f} s {sys_:6.2f} s {rss / 1024:6.0f} MiB {b / 1e6:7.1f} MB {f:8.0f} {d / 1e6:7.1f} MB")
h = med["hugo"]
for n in med:
    if n != "hugo":
        r = [a / b for a, b in zip(med[n], h)]
        print(f"{n} / hugo: wall {r[0]:.2f}, CPU {r[1]:.2f}, peak RSS {r[3]:.2f}, bytes {r[4]:.2f}, disk {r[6]:.2f}")
        # Each round's own ratios: the machine's load moves both builds of a round alike.
        pairs = [(d[n][0] / d["hugo"][0], d[n][1] / d["hugo"][1]) for d in rounds.values()]
        wall_r, cpu_r = sorted(p[0] for p in pairs), sorted(p[1] for p in pairs)
        print(f"{n} / hugo, round by round: wall {statistics.median(wall_r):.2f} ({wall_r[0]:.2f}–{wall_r[-1]:.2f}), "
              f"CPU {statistics.median(cpu_r):.2f} ({cpu_r[0]:.2f}–{cpu_r[-1]:.2f}), medians (and ranges) of {len(pairs)} rounds")
EOF
