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
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
work=${BENCH_DIR:-/tmp/gongkai-bench}
command -v hugo >/dev/null || { echo "hugo is not installed (apt-get install hugo)" >&2; exit 1; }
[[ -d "$work/content" ]] || { echo "no corpus in $work: run tests/bench/build.sh first" >&2; exit 1; }
site="$work/hugo"
out=${BENCH_OUT:-$work}
mkdir -p "$out"
if [[ ! -f "$site/hugo.toml" || -n "${BENCH_REGEN:-}" ]]; then
  rm -rf "$site" && mkdir -p "$site/content/tasks" "$site/layouts/_default"
  python3 - "$work/content/plans" "$site/content/tasks" <<'EOF'
import pathlib, sys, tomllib
plans, out = map(pathlib.Path, sys.argv[1:])
pages = size = 0
for plan in sorted(p for p in plans.iterdir() if p.is_dir()):
    meta = tomllib.loads((plan / "plan.toml").read_text())
    reports = {}
    for f in sorted((plan / "progress").glob("*.md")):
        _, fm, body = f.read_text().split("+++", 2)
        r = tomllib.loads(fm)
        reports.setdefault(r["task"], []).append((r, body.strip()))
    for task in tomllib.loads((plan / "tasks.toml").read_text())["task"]:
        lines = [
            "+++", f"title = {task['title']!r}".replace("'", '"'), "+++",
            f"{meta.get('title', plan.name)} · {' '.join(task.get('path', []))}", "",
            "## 任务内容", "", task["text"], "",
            f"牵头单位:{'、'.join(task.get('lead', []))}", "",
            f"责任单位:{'、'.join(task.get('responsible', []))}", "", "## 目标", "",
        ]
        lines += [f"- {t['text']}" for t in task.get("target", [])]
        lines += ["", "## 进展", ""]
        for r, body in reports.get(task["id"], []):
            lines += [f"### {r['date']} {r['status']}", "", body, ""]
        page = "\n".join(lines) + "\n"
        (out / f"{plan.name}-{task['id']}.md").write_text(page)
        pages += 1
        size += len(page.encode())
print(f"hugo site: {pages} pages, {size / 1e6:.1f} MB of Markdown", file=sys.stderr)
EOF
  cat >"$site/hugo.toml" <<'EOF'
baseURL = "https://example.org/"
languageCode = "zh-CN"
title = "绿色发展规划公开平台"
disableKinds = ["taxonomy", "term", "RSS", "sitemap"]
EOF
  cat >"$site/layouts/_default/single.html" <<'EOF'
<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ .Title }} · {{ .Site.Title }}</title></head>
<body><header><a href="{{ "" | relURL }}">{{ .Site.Title }}</a></header><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>
EOF
  cat >"$site/layouts/_default/list.html" <<'EOF'
<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></main></body></html>
EOF
fi
cargo build --release -q
bin=$PWD/target/release/gongkai
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
