#!/usr/bin/env python3
"""Put a synthetic content tree (gen_corpus.py's) into a git repository with a history of edits,
for the revision-history (修订记录) benchmark. Deterministic: the same arguments give the same
commits (fixed names, dates and edits), so the same commit ids.

usage: history_repo.py DIR [--commits 300] [--seed 1]
  DIR must hold content/ (from gen_corpus.py) and no .git yet.

The first commit publishes everything; each later commit edits one plan the way web teams do:
a target lowered, a deadline moved, a task reworded, units changed, a published report's figure
changed without a [[correction]], a new report added, or a file outside plans/ (site.toml).
"""
import argparse, os, pathlib, random, re, subprocess

DAY = 86_400
START = 1_682_906_400  # 2023-05-01 10:00 +08:00


def git(root, *args, when=None):
    env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_SYSTEM="/dev/null",
               GIT_AUTHOR_NAME="网站管理员", GIT_AUTHOR_EMAIL="web@example.gov.cn",
               GIT_COMMITTER_NAME="网站管理员", GIT_COMMITTER_EMAIL="web@example.gov.cn")
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{when} +0800"
    subprocess.run(["git", "-C", str(root), *args], check=True, env=env,
                   stdout=subprocess.DEVNULL)


def edit_target(text, task, field, change):
    """Changes `field` of task `task`'s first target; None when it has none."""
    m = re.search(rf'\n  id = "{re.escape(task)}-1"\n', text)
    if not m:
        return None
    end = text.find("\n[[task]]", m.end())
    end = len(text) if end < 0 else end
    block = text[m.end():end]
    f = re.search(rf"^  {field} = (\S+)$", block, re.M)
    if not f:
        return None
    new = change(f.group(1))
    start = m.end() + f.start(1)
    return text[:start] + new + text[m.end() + f.end(1):]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--commits", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    root = pathlib.Path(a.dir)
    rnd = random.Random(a.seed)
    plans = sorted(p for p in (root / "content/plans").iterdir() if p.is_dir())
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "发布规划", when=START)
    for i in range(1, a.commits):
        plan = plans[rnd.randrange(len(plans))]
        tasks = plan / "tasks.toml"
        text = tasks.read_text(encoding="utf-8")
        ids = re.findall(r'^id = "([^"]+)"$', text, re.M)
        task = rnd.choice(ids)
        kind = i % 7
        changed = [tasks]
        new = None
        if kind == 0:  # a target lowered
            new = edit_target(text, task, "value", lambda v: f"{float(v) * 0.9:.1f}")
        elif kind == 1:  # a deadline moved
            new = edit_target(text, task, "year", lambda y: str(int(y) + 1))
        elif kind == 2:  # a task reworded
            new = re.sub(rf'(\nid = "{re.escape(task)}"\n(?:.*\n)*?title = ")', r"\1进一步", text, count=1)
        elif kind == 3:  # units changed
            new = re.sub(rf'(\nid = "{re.escape(task)}"\n(?:.*\n)*?lead = \[)', r'\1"市发改委", ', text, count=1)
        elif kind == 4:  # a published report's figure changed silently
            reports = sorted((plan / "progress").glob("*.md"))
            r = reports[rnd.randrange(len(reports))]
            body = r.read_text(encoding="utf-8")
            body2 = re.sub(r"^value = (\S+)$", lambda m: f"value = {float(m.group(1)) + 0.5}", body, count=1, flags=re.M)
            r.write_text(body2, encoding="utf-8")
            changed = [r]
            new = text
        elif kind == 5:  # a new report
            r = plan / "progress" / f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}-h{i}.md"
            r.write_text(f'+++\ntask = "{task}"\ndate = 2024-{1 + i % 12:02d}-{1 + i % 28:02d}\n'
                         f'status = "in_progress"\nsample = true\n+++\n第 {i} 次报告。\n', encoding="utf-8")
            changed = [r]
            new = text
        else:  # a file outside the plans
            site = root / "content/site.toml"
            site.write_text(site.read_text(encoding="utf-8") + f"# 修改 {i}\n", encoding="utf-8")
            changed = [site]
            new = text
        if new is None:
            continue
        if new != text:
            tasks.write_text(new, encoding="utf-8")
        git(root, "add", "--", *[str(c.relative_to(root)) for c in changed])
        git(root, "commit", "-q", "--allow-empty", "-m", f"修改 {i}", when=START + i * DAY)


if __name__ == "__main__":
    main()
