#!/usr/bin/env bash
# The I/O floor of a fresh build, against Hugo: how much of each build's CPU time the kernel
# needs just to read the build's sources and to write its output, whatever the program does in
# between. In rounds that alternate with the builds themselves (the order turning every round):
#   read   every source file opened, read and closed (floor_io.py read): gongkai's content/
#          (100,000 report files on the 10k corpus), Hugo's site (10,000 pages);
#   write  the build's output written again into a new folder from memory (floor_io.py
#          write): the same folders, files and bytes, one mkdir, open, write and close each;
#   build  the build itself, into a new folder, as fresh.sh measures it;
#   files  gongkai's output written again as in `write`, the same folders and files but each
#          cut to Hugo's share of the bytes (Hugo's output bytes over gongkai's): what the
#          number of files costs, apart from the number of bytes.
# The read and write steps count the system time only (the kernel's work; their user time is
# Python's). The summary gives the medians and, for each tool, its build's CPU time above the
# floor (build - read - write): what its own code costs, and what the kernel costs beyond the
# bare reading and writing (memory, threads, extra calls).
#   tests/bench/floor.sh [ROUNDS]      (default 5)
# Environment: BENCH_DIR (the corpus, default /tmp/gongkai-bench; made by gen_corpus.py when
# missing), BENCH_OUT (where the outputs go, default $BENCH_DIR), GONGKAI_BIN (default: the
# release binary, built here; BENCH_FAST=1 builds the quick profile, see common.sh). Each
# build and each write goes into a new folder, all deleted when the run ends (see fresh.sh:
# ext4 is slow to allocate inodes just after `rm -rf`).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
work=${BENCH_DIR:-/tmp/gongkai-bench}
out=${BENCH_OUT:-$work}
source tests/bench/common.sh
bench_against_hugo
runs="$out/floor-runs.$$"
results=$(mktemp)
mkdir -p "$runs"
trap 'rm -rf "$runs" "$results"' EXIT
n=0
# fresh NAME: sets dest to a new folder's path (not in a subshell, so the count goes on).
fresh() { n=$((n + 1)); dest="$runs/$1-$n"; }

# One build of each: what the write step writes again.
hugo --quiet --source "$site" --destination "$runs/hugo-site" >/dev/null
"$GONGKAI_BIN" build --root "$work" --output "$runs/gongkai-site" >/dev/null 2>&1
# Hugo's bytes over gongkai's, for the files step.
share=$(python3 -c 'import os, sys
size = lambda d: sum(os.path.getsize(os.path.join(f, n)) for f, _, ns in os.walk(d) for n in ns)
print(size(sys.argv[1]) / size(sys.argv[2]))' "$runs/hugo-site" "$runs/gongkai-site")
# The sources in the page cache, as for every build.
find "$work/content" "$site" -type f -exec cat {} + >/dev/null

# measure TOOL STEP COMMAND...: a build.
measure() {
  local tool=$1 step=$2; shift 2
  sync
  /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >/dev/null 2>"$work/log" \
    || { cat "$work/log" >&2; exit 1; }
  local wall user sys
  read -r wall user sys <"$work/time"
  printf '%-8s %-6s %6.2f s wall %6.2f s CPU (%5.2f s sys)\n' \
    "$tool" "$step" "$wall" "$(echo "$user + $sys" | bc)" "$sys"
  echo "$tool $step $wall $(echo "$user + $sys" | bc) $sys" >>"$results"
}
# io TOOL STEP COMMAND ARGS...: floor_io.py's system time.
io() {
  local tool=$1 step=$2 sys user bytes; shift 2
  sync
  read -r sys user bytes < <(python3 tests/bench/floor_io.py "$@")
  printf '%-8s %-6s %6.2f s sys (%.1f MB)\n' "$tool" "$step" "$sys" "$(echo "$bytes / 1000000" | bc -l)"
  echo "$tool $step $sys $sys $sys" >>"$results"
}
read_step() {
  case $1 in
    hugo) io hugo read read "$site" ;;
    gongkai) io gongkai read read "$work/content" ;;
  esac
}
write_step() {
  fresh "$1-write"
  mkdir "$dest"
  io "$1" write write "$runs/$1-site" "$dest"
}
files_step() {
  if [[ $1 == gongkai ]]; then
    fresh gongkai-files
    mkdir "$dest"
    io gongkai files write "$runs/gongkai-site" "$dest" "$share"
  fi
}
build_step() {
  case $1 in
    hugo) fresh hugo && measure hugo build hugo --quiet --source "$site" --destination "$dest" ;;
    gongkai) fresh gongkai && measure gongkai build "$GONGKAI_BIN" build --root "$work" --output "$dest" ;;
  esac
}
orders=("hugo gongkai" "gongkai hugo")
for r in $(seq "$rounds"); do
  for step in build read write files; do
    for tool in ${orders[r % 2]}; do "${step}_step" "$tool"; done
  done
done
python3 - "$results" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    tool, step, *v = line.split()
    rows.setdefault((tool, step), []).append([float(x) for x in v])
med = {k: [statistics.median(c) for c in zip(*r)] for k, r in rows.items()}
print("\nmedians          wall       CPU       sys   (read and write: system time only)")
for (tool, step), (wall, cpu, sys_) in sorted(med.items()):
    if step == "build":
        print(f"{tool:<8} {step:<6} {wall:6.2f} s {cpu:6.2f} s {sys_:6.2f} s")
    elif step == "files":
        print(f"{tool:<8} {step:<6} {'':8} {'':8} {sys_:6.2f} s   (its files, at Hugo's bytes)")
    else:
        print(f"{tool:<8} {step:<6} {'':8} {'':8} {sys_:6.2f} s")
above = {}
for tool in ("hugo", "gongkai"):
    floor = med[(tool, "read")][1] + med[(tool, "write")][1]
    above[tool] = med[(tool, "build")][1] - floor
    print(f"{tool}: floor {floor:.2f} s (read + write, system time), build {med[(tool, 'build')][1]:.2f} s,"
          f" above the floor {above[tool]:.2f} s")
print(f"gongkai / hugo: build CPU {med[('gongkai', 'build')][1] / med[('hugo', 'build')][1]:.2f},"
      f" floor {(med[('gongkai', 'read')][1] + med[('gongkai', 'write')][1]) / (med[('hugo', 'read')][1] + med[('hugo', 'write')][1]):.2f},"
      f" above the floor {above['gongkai'] / above['hugo']:.2f}")
w = med[("gongkai", "write")][1]
f = med[("gongkai", "files")][1]
print(f"gongkai's write: {f:.2f} s for its files and folders at Hugo's bytes, {w - f:.2f} s for the"
      f" rest of its bytes ({f / w:.0%} and {(w - f) / w:.0%})")
EOF
