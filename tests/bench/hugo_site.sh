# Sourced by hugo.sh and, through common.sh, fresh.sh and floor.sh. make_hugo_site makes the
# build benchmark's reference from the synthetic corpus in $work/content, once, in $site
# (BENCH_REGEN=1 makes it again): one plain Hugo page per task, carrying the Markdown that
# gongkai's task page carries (title, task text, units, targets, and every progress report's
# date, status and body), a minimal layout.
make_hugo_site() {
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
}
