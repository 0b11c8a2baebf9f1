//! Search benchmark on the synthetic corpus (run `bench/search/run.sh`, which generates it).
//!
//! Measures: index build time and size; elasticlunr-rs's own index (time, JSON size) on a
//! sample for comparison; and in headless Chromium, from `file://`, for each query: the files a
//! cold query loads (summed gzip size, page and theme files included), the time from data
//! arrival to rendered results, and phrase precision (documents holding the phrase / results).

#[path = "../../support/chromium.rs"]
mod chromium;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use gongkai::search::{build_index, fold::fold, tokenize, SearchDoc};

fn corpus_docs(root: &Path) -> Vec<SearchDoc> {
    let mut docs = Vec::new();
    let mut plans: Vec<PathBuf> = std::fs::read_dir(root.join("content/plans"))
        .expect("corpus: run bench/search/run.sh")
        .map(|e| e.unwrap().path())
        .collect();
    plans.sort();
    for plan in plans {
        let pid = plan.file_name().unwrap().to_string_lossy().to_string();
        let meta: toml::Value =
            toml::from_str(&std::fs::read_to_string(plan.join("plan.toml")).unwrap()).unwrap();
        let plan_title = meta["title"].as_str().unwrap().to_string();
        let tasks: toml::Value =
            toml::from_str(&std::fs::read_to_string(plan.join("tasks.toml")).unwrap()).unwrap();
        let mut reports: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        let mut files: Vec<PathBuf> = std::fs::read_dir(plan.join("progress"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            let s = std::fs::read_to_string(f).unwrap();
            let mut parts = s.splitn(3, "+++\n");
            parts.next();
            let front = parts.next().unwrap_or("");
            let body = parts.next().unwrap_or("").trim().to_string();
            let task = front
                .lines()
                .find_map(|l| l.strip_prefix("task = \""))
                .unwrap_or("")
                .trim_end_matches('"')
                .to_string();
            reports.entry(task).or_default().push(body);
        }
        docs.push(SearchDoc {
            url: format!("plans/{pid}/index.html"),
            title: plan_title.clone(),
            kind: "plan",
            number: None,
            plan: None,
            status: None,
            body: meta["doc_number"].as_str().unwrap_or("").to_string(),
        });
        for t in tasks["task"].as_array().unwrap() {
            let id = t["id"].as_str().unwrap();
            let strs = |v: &toml::Value| -> Vec<String> {
                v.as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let mut body = t["text"].as_str().unwrap().to_string();
            body.push('\n');
            body.push_str(&strs(&t["lead"]).join("、"));
            body.push('、');
            body.push_str(&strs(&t["responsible"]).join("、"));
            for target in t
                .get("target")
                .and_then(|x| x.as_array())
                .into_iter()
                .flatten()
            {
                body.push('\n');
                body.push_str(target["text"].as_str().unwrap_or(""));
            }
            for r in reports.get(id).into_iter().flatten() {
                body.push('\n');
                body.push_str(r);
            }
            docs.push(SearchDoc {
                url: format!("plans/{pid}/tasks/{id}/index.html"),
                title: t["title"].as_str().unwrap().to_string(),
                kind: "task",
                number: Some(strs(&t["path"]).concat()),
                plan: Some(plan_title.clone()),
                status: Some("按计划推进".into()),
                body,
            });
        }
    }
    docs
}

/// CPU seconds this process has used (user + system), from /proc: wall time is meaningless on
/// a shared machine.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks / 100.0
}

fn gzip_len(bytes: &[u8]) -> usize {
    let mut child = std::process::Command::new("gzip")
        .args(["-9", "-c"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("gzip");
    // Feed gzip from a thread: writing everything before reading would deadlock on a full pipe.
    let mut stdin = child.stdin.take().unwrap();
    let data = bytes.to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&data));
    let len = child.wait_with_output().unwrap().stdout.len();
    feeder.join().unwrap().unwrap();
    len
}

fn main() {
    let corpus = PathBuf::from(std::env::var("CORPUS").unwrap_or_else(|_| "/tmp/corpus".into()));
    let out = PathBuf::from(std::env::var("OUT").unwrap_or_else(|_| "/tmp/search-bench".into()));
    let t = Instant::now();
    let docs = corpus_docs(&corpus);
    let chars: usize = docs.iter().map(|d| d.body.chars().count()).sum();
    println!(
        "corpus: {} documents, {} body characters, read in {:.1?}",
        docs.len(),
        chars,
        t.elapsed()
    );

    let t = Instant::now();
    let cpu = cpu_seconds();
    let files = build_index(&docs);
    let build = t.elapsed();
    println!(
        "build_index CPU time: {:.2} s (user + system, all threads)",
        cpu_seconds() - cpu
    );
    let total: usize = files.iter().map(|f| f.1.len()).sum();
    let parts = files
        .iter()
        .filter(|f| f.0.starts_with("search/p/"))
        .count();
    let part_bytes: usize = files
        .iter()
        .filter(|f| f.0.starts_with("search/p/"))
        .map(|f| f.1.len())
        .sum();
    println!(
        "build_index: {build:.2?}; {} files, {:.1} MB ({} parts, {:.1} MB of postings)",
        files.len(),
        total as f64 / 1e6,
        parts,
        part_bytes as f64 / 1e6
    );
    let t = Instant::now();
    let _ = std::fs::remove_dir_all(&out);
    for (path, bytes) in &files {
        let p = out.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    println!("writing them: {:.2?}", t.elapsed());
    if std::env::var_os("BUILD_ONLY").is_some() {
        return;
    }

    // elasticlunr-rs with the same language, on a sample (its trie does not scale to all).
    let sample = std::env::var("LUNR_SAMPLE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let t = Instant::now();
    let mut lunr = elasticlunr::IndexBuilder::with_language(Box::new(tokenize::Chinese))
        .save_docs(false)
        .add_fields(&["title", "body"])
        .build();
    for (i, d) in docs.iter().take(sample).enumerate() {
        lunr.add_doc(&i.to_string(), [d.title.as_str(), d.body.as_str()]);
    }
    let json = lunr.to_json();
    println!(
        "elasticlunr-rs, same language, first {sample} documents: {:.2?}, JSON {:.1} MB ({:.1} MB gzip), one file",
        t.elapsed(),
        json.len() as f64 / 1e6,
        gzip_len(json.as_bytes()) as f64 / 1e6
    );
    drop(lunr);

    // The search page, rendered from the theme's templates.
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(out.join("static")).unwrap();
    for e in std::fs::read_dir(repo.join("themes/default/static")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), out.join("static").join(e.file_name())).unwrap();
    }
    let mut tera = tera::Tera::default();
    // The theme's templates name the build's filters; `urlencode` (the error-report link)
    // is given only a canonical address, and this context has none.
    tera.register_filter(
        "urlencode",
        |v: &tera::Value, _: tera::Kwargs, _: &tera::State| v.clone(),
    );
    tera.add_raw_template(
        "base.html",
        &std::fs::read_to_string(repo.join("themes/default/templates/base.html")).unwrap(),
    )
    .unwrap();
    tera.add_raw_template(
        "search.html",
        &std::fs::read_to_string(repo.join("themes/default/templates/search.html")).unwrap(),
    )
    .unwrap();
    let mut ctx = tera::Context::new();
    ctx.insert("root", "../");
    ctx.insert(
        "site",
        &serde_json::json!({
            "title": "绿色发展规划公开平台",
            "has_plans": true,
            "identity": {},
            "publisher": {},
        }),
    );
    ctx.insert("lang", "zh-CN");
    ctx.insert("section", "search");
    // The theme's own page, not a stand-in: its size is part of every cold query's transfer.
    let page = tera.render("search.html", &ctx).unwrap_or_else(|e| {
        panic!("the theme's search page needs more context than the bench gives it: {e:?}")
    });
    std::fs::write(out.join("search/index.html"), &page).unwrap();

    let folded: Vec<String> = docs
        .iter()
        .map(|d| {
            fold(&format!(
                "{}\n{}\n{}",
                d.title,
                d.number.as_deref().unwrap_or(""),
                d.body
            ))
        })
        .collect();
    let queries = [
        "污水处理率",
        "碳達峰",
        "碳达峰",
        "98%",
        "市林草局",
        "市发改委",
        "PM2.5",
        "2025",
        "森林覆盖率",
        "生态环境保护",
        "能源消费总量",
        "生活垃圾分类",
        "城乡生活污水治理",
        "新能源汽车",
        "绿色发展",
        "节能降碳",
        "长江大保护",
        "温室气体排放",
        "建成区绿地率",
        "细颗粒物平均浓度",
    ];
    println!("\n| query | results | holding the phrase | precision | cold transfer (gzip) | files | query ms |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut max_kb: f64 = 0.0;
    let mut max_ms: f64 = 0.0;
    let (mut tp, mut all) = (0usize, 0usize);
    let mut missed = Vec::new();
    for q in queries {
        let url = chromium::file_url(&out.join("search/index.html"), Some(&format!("q={q}")));
        let Some(dom) = chromium::dump_dom("bench", &url) else {
            return;
        };
        let ol = chromium::between(&dom, "<ol id=\"search-results\"", ">").unwrap_or("");
        let attr = |name: &str| {
            chromium::between(ol, &format!("{name}=\""), "\"")
                .unwrap_or("")
                .to_string()
        };
        let count: usize = attr("data-count").parse().unwrap_or(0);
        let ms: f64 = attr("data-query-ms").parse().unwrap_or(f64::NAN);
        let mut loaded: Vec<String> = attr("data-files")
            .split_whitespace()
            .map(String::from)
            .collect();
        loaded.extend([
            "search/index.html".into(),
            "static/search.js".into(),
            "static/search.css".into(),
        ]);
        for (href, _) in [("static/style.css", ""), ("static/theme.js", "")] {
            if page.contains(href) {
                loaded.push(href.to_string());
            }
        }
        let gz: usize = loaded
            .iter()
            .map(|f| gzip_len(&std::fs::read(out.join(f)).unwrap_or_default()))
            .sum();
        // Ground truth: documents whose folded text holds every phrase of the query.
        let phrases = tokenize::query_phrases(q);
        let truth = folded
            .iter()
            .filter(|t| phrases.iter().all(|p| t.contains(p.as_str())))
            .count();
        let precision = if count == 0 {
            1.0
        } else {
            truth as f64 / count as f64
        };
        if truth != count {
            missed.push(format!("{q}: {count} results, {truth} documents hold it"));
        }
        tp += truth;
        all += count;
        max_kb = max_kb.max(gz as f64 / 1000.0);
        max_ms = max_ms.max(ms);
        println!(
            "| {q} | {count} | {truth} | {:.1} % | {:.1} kB | {} | {ms:.1} |",
            precision * 100.0,
            gz as f64 / 1000.0,
            loaded.len()
        );
    }
    println!(
        "\nmicro-averaged precision {:.2} %; largest cold transfer {max_kb:.1} kB; slowest answer {max_ms:.1} ms",
        tp as f64 / all.max(1) as f64 * 100.0
    );
    // The goals: every query finds as many documents as hold it (none more, none fewer), and
    // no cold query transfers more than 100 kB.
    if max_kb > 100.0 || !missed.is_empty() {
        for m in &missed {
            eprintln!("results and documents holding the query differ in number: {m}");
        }
        if max_kb > 100.0 {
            eprintln!("a cold query transferred {max_kb:.1} kB, over the budget of 100 kB");
        }
        std::process::exit(1);
    }
}
