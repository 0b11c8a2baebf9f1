#!/usr/bin/env python3
"""Benchmark `gongkai serve` on the synthetic corpus (issue 9). A measurement, not a test.

usage: tests/bench/serve/bench.py [--corpus DIR] [--bin target/release/gongkai] [--edits 5]

Generates the corpus with ../shared/bench/gen_corpus.py when DIR has no content/ yet (10,000
tasks, 100,000 reports by default), starts `gongkai serve --port 0`, and measures:
  - first build: from start until /__gongkai/status reports a good build;
  - one progress file edited: from the save until the task page is served with the new text
    (the preview), until a waiting browser's long poll answers, and until the full rebuild
    that follows has finished; and the server's CPU time (user + system) for all of it, which
    other work on the machine does not inflate as it does wall time;
  - a template change (themes/default/templates/base.html overridden): until the home page
    is served with it;
  - memory (VmRSS / VmHWM from /proc) while serving.
The corpus is edited in place; the edits are undone at the end.
"""
import argparse, http.client, json, os, pathlib, re, shutil, subprocess, sys, threading, time

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent.parent


def get(host, port, path, timeout=60):
    c = http.client.HTTPConnection(host, port, timeout=timeout)
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, body


def status(host, port):
    return json.loads(get(host, port, "/__gongkai/status")[1])


def rss(pid):
    out = {}
    for line in open(f"/proc/{pid}/status"):
        k, _, v = line.partition(":")
        if k in ("VmRSS", "VmHWM"):
            out[k] = int(v.split()[0]) // 1024
    return out


def cpu_ms(pid):
    """CPU time (user + system) the process has used so far, in ms: unlike wall time, it does
    not grow when other work shares the machine."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def wait_page(host, port, path, needle, limit=300):
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        code, body = get(host, port, path)
        if code == 200 and needle.encode() in body:
            return time.perf_counter()
        time.sleep(0.002)
    raise SystemExit(f"timed out waiting for {needle!r} on {path}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="/tmp/gongkai-serve-bench/corpus")
    ap.add_argument("--bin", default=str(REPO / "target/release/gongkai"))
    ap.add_argument("--edits", type=int, default=5)
    a = ap.parse_args()
    corpus = pathlib.Path(a.corpus)
    if not (corpus / "content").is_dir():
        gen = REPO.parent / "shared/bench/gen_corpus.py"
        if not gen.exists():
            gen = pathlib.Path("/work/shared/bench/gen_corpus.py")
        print(f"generating the corpus in {corpus} …", flush=True)
        subprocess.run([sys.executable, str(gen), "--out", str(corpus)], check=True)
    content = corpus / "content"
    n_reports = sum(1 for _ in content.glob("plans/*/progress/*.md"))
    print(f"corpus: {corpus} ({n_reports} progress files)")

    env = dict(os.environ, CI="1")
    started = time.perf_counter()
    proc = subprocess.Popen([a.bin, "serve", "--root", str(corpus), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    log = []
    threading.Thread(target=lambda: log.extend(proc.stderr), daemon=True).start()
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://([^/:]+):(\d+)/", line)
        host, port = url.group(1), int(url.group(2))
        print(f"listening after {time.perf_counter() - started:.2f} s: {line.strip()}")
        while True:
            s = status(host, port)
            if not s["building"]:
                break
            time.sleep(0.05)
        first = time.perf_counter() - started
        assert s["ok"], s
        print(f"first build: {first:.2f} s (until the site is served)")
        print(f"memory after the first build: {rss(proc.pid)}")

        # One progress file: its body gets a new sentence.
        report = sorted(content.glob("plans/*/progress/*.md"))[len(list(content.glob('plans/*/progress/*.md'))) // 2]
        plan = report.parent.parent.name
        task = re.search(r'^task\s*=\s*"([^"]+)"', report.read_text(encoding="utf-8"), re.M).group(1)
        page = f"/plans/{plan}/tasks/{task}/"
        original = report.read_text(encoding="utf-8")
        served, polled, full, cpu = [], [], [], []

        def rebuilds():
            return sum(1 for l in list(log) if l.startswith("rebuilt"))

        for i in range(a.edits):
            done = rebuilds()
            marker = f"基准测试标记{i}号"
            version = status(host, port)["version"]
            box = {}

            def waiting_tab(seen=version):
                # A browser's long poll: asks again after each 20 s "no change" answer.
                while json.loads(get(host, port, f"/__gongkai/poll?v={seen}")[1])["version"] == seen:
                    pass
                box["t"] = time.perf_counter()

            t = threading.Thread(target=waiting_tab)
            t.start()
            time.sleep(0.1)
            c0 = cpu_ms(proc.pid)
            t0 = time.perf_counter()
            report.write_text(original + f"\n{marker}。\n", encoding="utf-8")
            t1 = wait_page(host, port, page, marker)
            t.join()
            served.append((t1 - t0) * 1000)
            polled.append((box["t"] - t0) * 1000)
            # The full rebuild that follows the preview: wait for it before the next edit.
            while rebuilds() == done:
                time.sleep(0.01)
            full.append((time.perf_counter() - t0) * 1000)
            cpu.append(cpu_ms(proc.pid) - c0)
            time.sleep(0.3)
        report.write_text(original, encoding="utf-8")
        print(f"one progress file edited ({report.relative_to(corpus)} → {page}):")
        print(f"  page served with the new text after: {', '.join(f'{x:.0f}' for x in served)} ms "
              f"(median {sorted(served)[len(served) // 2]:.0f} ms)")
        print(f"  waiting tab told to reload after:    {', '.join(f'{x:.0f}' for x in polled)} ms")
        print(f"  full rebuild done after:             {', '.join(f'{x:.0f}' for x in full)} ms")
        print(f"  CPU used (preview + full rebuild):   {', '.join(f'{x:.0f}' for x in cpu)} ms")
        time.sleep(1.5)

        # A template change: every page re-rendered.
        tdir = corpus / "themes/default/templates"
        tdir.mkdir(parents=True, exist_ok=True)
        base = (REPO / "themes/default/templates/base.html").read_text(encoding="utf-8")
        t0 = time.perf_counter()
        (tdir / "base.html").write_text(base.replace("</body>", "<!-- 模板修改 --></body>"), encoding="utf-8")
        t1 = wait_page(host, port, "/", "模板修改")
        print(f"template change (base.html): home page served after {(t1 - t0):.2f} s")
        time.sleep(0.5)
        print(f"memory while serving: {rss(proc.pid)}")
        shutil.rmtree(corpus / "themes")
        time.sleep(0.5)
        print("server log (rebuild lines):")
        time.sleep(max(0, first * 0.6))
        for l in log:
            if l.startswith(("built", "rebuilt", "preview")):
                print("  " + l.rstrip())
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
