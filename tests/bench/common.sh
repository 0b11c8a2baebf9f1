# Sourced by the build benchmarks (build.sh, cpu.sh, floor.sh, fresh.sh, hugo.sh, instr.sh,
# scale.sh), from the repository's root.

# bench_corpus DIR [gen_corpus.py ARGS...]: makes the synthetic corpus in DIR, unless DIR holds
# one already (GEN_CORPUS: the generator, default ../shared/bench/gen_corpus.py).
bench_corpus() {
  local dir=$1
  shift
  if [[ ! -d "$dir/content" ]]; then
    mkdir -p "$dir" && python3 "${GEN_CORPUS:-../shared/bench/gen_corpus.py}" --out "$dir" "$@" >/dev/null
  fi
}

# bench_empty OUTPUT: removes OUTPUT and the kept site a gongkai build leaves beside it
# (.OUTPUT.prev), so that the next build into OUTPUT starts from nothing, as a fresh one.
bench_empty() {
  rm -rf "$1" "$(dirname "$1")/.$(basename "$1").prev"
}

# bench_binary: sets GONGKAI_BIN, unless it is set, to target/release/gongkai built here with
# the release profile `cargo run --release` uses (whole-program LTO: the binary a user runs),
# or with the quick profile when BENCH_FAST=1 (no LTO, 16 codegen units: 2–9 % more CPU, for
# comparing two commits quickly).
bench_binary() {
  if [[ -n "${GONGKAI_BIN:-}" ]]; then
    return
  fi
  if [[ -n "${BENCH_FAST:-}" ]]; then
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 cargo build --release -q
  else
    cargo build --release -q
  fi
  GONGKAI_BIN=$PWD/target/release/gongkai
}

# bench_against_hugo: the set-up of the benchmarks that measure against Hugo (fresh.sh,
# floor.sh), with $work the corpus: checks that hugo is installed, makes the corpus and Hugo's
# reference site from it in $site ($work/hugo, tests/bench/hugo_site.sh), and sets GONGKAI_BIN.
bench_against_hugo() {
  command -v hugo >/dev/null || { echo "hugo is not installed (apt-get install hugo)" >&2; exit 1; }
  bench_corpus "$work"
  site="$work/hugo"
  source tests/bench/hugo_site.sh
  make_hugo_site
  bench_binary
}
