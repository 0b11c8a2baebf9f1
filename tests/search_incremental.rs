//! The held search index after an edit: patching the previous files with an update gives, byte
//! for byte, the files a whole build of the new documents makes, and the update names exactly
//! the files whose bytes changed.

use std::collections::BTreeMap;

use gongkai::search::held::{build_held, Fallback, Held, Method, SearchUpdate};
use gongkai::search::index::{build, term_hash, RECORDS_PER_FILE};
use gongkai::search::SearchDoc;

type Files = BTreeMap<String, Vec<u8>>;

const PHRASES: &[&str] = &[
    "推进城乡生活污水治理",
    "污水处理率达到98%",
    "碳达峰碳中和",
    "市发改委",
    "市生态环境局",
    "完成年度目标",
    "到2025年",
    "PM2.5浓度下降",
    "绿色发展",
    "加快建设",
    "長江大保護",
    "落實國家要求",
    "能源消费总量",
    "已完成",
    "按计划推进",
    "新能源汽车",
    "工业园区",
    "海绵城市",
    "农村人居环境",
    "GDP增长6.5%",
    "河湖长制",
    "垃圾分类",
];

/// A small deterministic generator (xorshift), so every run edits the same way.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn text(&mut self, phrases: usize) -> String {
        let mut s = String::new();
        for i in 0..phrases {
            if i > 0 {
                s.push_str(["，", "。", "、", " ", "\n"][self.below(5)]);
            }
            s.push_str(PHRASES[self.below(PHRASES.len())]);
        }
        s
    }
}

/// `n` documents: mostly tasks with bodies from a few phrases to far past the record's head.
fn corpus(n: usize, seed: u64) -> Vec<SearchDoc> {
    let mut rng = Rng(seed);
    (0..n)
        .map(|i| {
            let kind = ["task", "task", "task", "plan", "unit"][i % 5];
            let len = [3, 10, 40, 120][rng.below(4)];
            SearchDoc {
                url: format!("plans/p/tasks/{i}/index.html"),
                title: rng.text(2),
                kind,
                number: (kind == "task").then(|| format!("({})", i % 7 + 1)),
                plan: (kind == "task").then(|| "武汉市碳达峰实施方案".to_string()),
                status: (kind == "task").then(|| "按计划推进".to_string()),
                body: rng.text(len),
            }
        })
        .collect()
}

fn as_map(files: Vec<(String, Vec<u8>)>) -> Files {
    let n = files.len();
    let map: Files = files.into_iter().collect();
    assert_eq!(map.len(), n, "a path twice");
    map
}

/// The paths whose bytes differ between two file sets, or that only one has.
fn differing(a: &Files, b: &Files) -> Vec<String> {
    let mut out: Vec<String> = a
        .keys()
        .chain(b.keys())
        .filter(|p| a.get(*p) != b.get(*p))
        .cloned()
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The files and held state of a first build, checked against the plain build.
fn start(docs: &[SearchDoc]) -> (Files, Held) {
    let (files, held) = build_held(docs);
    let files = as_map(files);
    assert_eq!(files, as_map(build(docs)), "build_held makes build's files");
    (files, held)
}

/// Updates `held` to `docs`, applies the update to `files`, and checks the contract: the
/// result is `build(docs)` byte for byte, and (unless everything was rebuilt) the update
/// named exactly the files that changed.
fn step(held: &mut Held, files: &mut Files, docs: &[SearchDoc]) -> SearchUpdate {
    let expected = as_map(build(docs));
    let update = held.update(docs);
    let really_changed = differing(files, &expected);
    let reported: Vec<String> = update
        .changed
        .iter()
        .map(|(p, _)| p.clone())
        .chain(update.removed.iter().cloned())
        .collect();
    if let Method::Rebuilt(_) = update.method {
        assert_eq!(
            update.changed.len(),
            expected.len(),
            "a rebuild gives every file"
        );
    } else {
        let mut sorted = reported.clone();
        sorted.sort();
        assert_eq!(
            sorted, really_changed,
            "{:?}: reported files vs files that changed",
            update.method
        );
    }
    for path in &update.removed {
        assert!(files.remove(path).is_some(), "{path} removed but not there");
        assert!(
            !expected.contains_key(path),
            "{path} removed but still built"
        );
    }
    for (path, bytes) in &update.changed {
        files.insert(path.clone(), bytes.clone());
    }
    let wrong = differing(files, &expected);
    assert!(
        wrong.is_empty(),
        "{:?}: patched files differ from a whole build: {wrong:?}",
        update.method
    );
    update
}

fn changed_paths(update: &SearchUpdate) -> Vec<&str> {
    update.changed.iter().map(|(p, _)| p.as_str()).collect()
}

/// The number of index parts, from `meta.js`.
fn parts(files: &Files) -> usize {
    let meta = String::from_utf8(files["search/meta.js"].clone()).unwrap();
    let at = meta.find("\"parts\":").unwrap() + 8;
    meta[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

/// The part file a term is in, and its entry value there (if it is).
fn entry<'a>(files: &'a Files, term: &str) -> (String, Option<&'a str>) {
    let path = format!("search/p/{}.js", term_hash(term) as usize % parts(files));
    let text = std::str::from_utf8(&files[&path]).unwrap();
    let key = format!("{}:", serde_json::to_string(term).unwrap());
    let value = text.find(&key).map(|at| {
        let rest = &text[at + key.len()..];
        &rest[..=rest.find(']').unwrap()]
    });
    (path, value)
}

/// `meta.js` without its `src` (which names the documents, and so changes with every edit).
fn meta_but_source(files: &Files) -> String {
    let meta = String::from_utf8(files["search/meta.js"].clone()).unwrap();
    let at = meta.find(",\"src\":").unwrap();
    meta[..at].to_string()
}

fn patched(update: &SearchUpdate) -> bool {
    matches!(update.method, Method::Patched { .. })
}

#[test]
fn unchanged_documents_change_no_file() {
    let docs = corpus(50, 1);
    let (mut files, mut held) = start(&docs);
    let update = step(&mut held, &mut files, &docs);
    assert!(patched(&update));
    assert!(update.changed.is_empty() && update.removed.is_empty());
}

#[test]
fn an_edit_past_the_head_rewrites_only_the_parts_of_its_new_terms() {
    let mut docs = corpus(80, 2);
    let d = docs
        .iter()
        .position(|d| d.body.chars().count() > 700)
        .unwrap();
    let (mut files, mut held) = start(&docs);
    assert_eq!(entry(&files, "zqxj").1, None);
    docs[d].body.push_str("，新增zqxj监测点");
    let update = step(&mut held, &mut files, &docs);
    assert!(patched(&update), "{:?}", update.method);
    let (part, value) = entry(&files, "zqxj");
    assert!(value.is_some(), "the new term is in its part");
    assert!(changed_paths(&update).contains(&part.as_str()));
    // And `fold.js`: the added text (新增…监测点) brings characters onto the site that have
    // Traditional forms, and so their pairs; and `meta.js`, whose `src` names the documents.
    assert!(
        changed_paths(&update)
            .iter()
            .all(|p| p.starts_with("search/p/")
                || *p == "search/fold.js"
                || *p == "search/meta.js"),
        "the record keeps the head only, which did not change: {:?}",
        changed_paths(&update)
    );
}

#[test]
fn a_title_edit_rewrites_its_record_group_and_the_parts_of_its_terms() {
    let mut docs = corpus(80, 3);
    let (mut files, mut held) = start(&docs);
    let meta = meta_but_source(&files);
    docs[41].title = "推进龘靐齉爩工程".into();
    let update = step(&mut held, &mut files, &docs);
    assert!(patched(&update));
    let group = format!("search/d/{}.js", 41 / RECORDS_PER_FILE);
    assert!(changed_paths(&update).contains(&group.as_str()));
    // The same parts: `meta.js` changes in its `src` alone.
    assert!(changed_paths(&update).contains(&"search/meta.js"));
    assert_eq!(meta_but_source(&files), meta);
    let (_, value) = entry(&files, "龘靐齉爩");
    assert_eq!(value, Some(r#"["hJ","","="]"#), "doc 41, in the title");
}

#[test]
fn a_record_only_edit_rewrites_only_its_record_group() {
    let mut docs = corpus(40, 4);
    let (mut files, mut held) = start(&docs);
    docs[10].status = Some("已完成".into());
    docs[10].plan = None;
    let update = step(&mut held, &mut files, &docs);
    assert_eq!(
        changed_paths(&update),
        vec![
            format!("search/d/{}.js", 10 / RECORDS_PER_FILE),
            "search/meta.js".to_string()
        ]
    );
}

#[test]
fn a_term_only_one_document_holds_appears_and_then_disappears() {
    let mut docs = corpus(60, 5);
    let (mut files, mut held) = start(&docs);
    let before = files.clone();
    let body = docs[7].body.clone();
    docs[7].body = format!("鑫淼焱垚项目 internationalization2025 {body}");
    let update = step(&mut held, &mut files, &docs);
    assert!(patched(&update));
    assert!(entry(&files, "鑫淼焱垚").1.is_some());
    assert!(
        entry(&files, "internationalization2025").1.is_some(),
        "a long word"
    );
    docs[7].body = body;
    let update = step(&mut held, &mut files, &docs);
    assert!(patched(&update));
    assert_eq!(entry(&files, "鑫淼焱垚").1, None);
    assert_eq!(entry(&files, "internationalization2025").1, None);
    assert_eq!(files, before, "back to the first build's bytes");
}

#[test]
fn a_set_flips_between_sparse_and_dense() {
    // 60 documents: a bitmap is 10 characters and the `~`; eleven members with no gaps are 11
    // characters of delta list (kept), twelve are 12 (the bitmap wins).
    let mut docs = corpus(60, 6);
    for d in &mut docs[..11] {
        d.body.insert_str(0, "xyzzy ");
    }
    let (mut files, mut held) = start(&docs);
    assert_eq!(entry(&files, "xyzzy").1, Some(r#"["AAAAAAAAAAA","=",""]"#));
    docs[11].body.insert_str(0, "xyzzy ");
    let update = step(&mut held, &mut files, &docs);
    assert!(patched(&update));
    assert!(
        entry(&files, "xyzzy").1.unwrap().starts_with("[\"~"),
        "dense"
    );
    docs[11].body = docs[11].body.replacen("xyzzy ", "", 1);
    step(&mut held, &mut files, &docs);
    assert_eq!(entry(&files, "xyzzy").1, Some(r#"["AAAAAAAAAAA","=",""]"#));
}

#[test]
fn an_edit_at_the_start_moves_terms_out_of_the_head() {
    let mut docs = corpus(40, 7);
    let d = docs
        .iter()
        .position(|d| d.body.chars().count() > 700)
        .unwrap();
    let (mut files, mut held) = start(&docs);
    docs[d].body.insert_str(0, &"前言".repeat(250));
    let update = step(&mut held, &mut files, &docs);
    assert!(patched(&update));
    docs[d].body = docs[d].body.replacen(&"前言".repeat(250), "", 1);
    step(&mut held, &mut files, &docs);
}

#[test]
fn a_document_added_or_removed_rebuilds_everything() {
    let mut docs = corpus(41, 8);
    let (mut files, mut held) = start(&docs);
    let last = docs.pop().unwrap();
    let update = step(&mut held, &mut files, &docs);
    assert_eq!(
        update.method,
        Method::Rebuilt(Fallback::DocCount {
            before: 41,
            after: 40
        })
    );
    let last_group = format!("search/d/{}.js", 40 / RECORDS_PER_FILE);
    assert!(update.removed.contains(&last_group), "{:?}", update.removed);
    docs.insert(3, last);
    let update = step(&mut held, &mut files, &docs);
    assert!(matches!(
        update.method,
        Method::Rebuilt(Fallback::DocCount { .. })
    ));
    // And the held state after a rebuild patches as well as the first.
    docs[20].body.push_str("再次修改");
    assert!(patched(&step(&mut held, &mut files, &docs)));
}

#[test]
fn many_changed_documents_rebuild_everything() {
    let docs = corpus(300, 9);
    let (mut files, mut held) = start(&docs);
    let other = corpus(300, 10);
    let update = step(&mut held, &mut files, &other);
    assert_eq!(
        update.method,
        Method::Rebuilt(Fallback::ManyDocs { changed: 300 })
    );
}

#[test]
fn a_new_number_of_parts_rewrites_every_part() {
    let mut docs = corpus(30, 11);
    let (mut files, mut held) = start(&docs);
    let first = parts(&files);
    let body = docs[5].body.clone();
    let mut relaid = false;
    for round in 0..400 {
        for i in 0..40 {
            docs[5].body.push_str(&format!(" zz{round}q{i}"));
        }
        let update = step(&mut held, &mut files, &docs);
        if let Method::Relaid { .. } = update.method {
            relaid = true;
            assert!(parts(&files) > first);
            assert!(changed_paths(&update).contains(&"search/meta.js"));
            break;
        }
        assert!(patched(&update), "{:?}", update.method);
    }
    assert!(relaid, "the parts never grew");
    docs[5].body = body;
    let update = step(&mut held, &mut files, &docs);
    assert!(matches!(update.method, Method::Relaid { .. }));
    assert_eq!(parts(&files), first);
    assert!(!update.removed.is_empty(), "the extra parts are gone");
}

#[test]
fn a_long_run_of_random_edits_keeps_the_index_a_whole_build() {
    let mut docs = corpus(120, 12);
    let (mut files, mut held) = start(&docs);
    let mut rng = Rng(0x5EED);
    let mut methods = BTreeMap::new();
    for round in 0..150 {
        let n = docs.len();
        for _ in 0..1 + rng.below(3) {
            let d = rng.below(n);
            let doc = &mut docs[d];
            match rng.below(10) {
                0 => {
                    let phrases = 1 + rng.below(3);
                    doc.title = rng.text(phrases);
                }
                1 => {
                    let phrases = rng.below(150);
                    doc.body = rng.text(phrases);
                }
                2 => {
                    let extra = rng.text(2);
                    doc.body.push_str(&extra);
                }
                3 => {
                    let extra = rng.text(3);
                    doc.body.insert_str(0, &extra);
                }
                4 => {
                    // Replace one phrase inside the body by another.
                    let (a, b) = (
                        PHRASES[rng.below(PHRASES.len())],
                        PHRASES[rng.below(PHRASES.len())],
                    );
                    doc.body = doc.body.replacen(a, b, 1);
                }
                5 => doc.number = [None, Some(format!("({round})"))][rng.below(2)].clone(),
                6 => doc.status = Some(["已完成", "滞后"][rng.below(2)].into()),
                7 => doc.body.push_str(&format!(" word{round}longerthanfifteen")),
                8 => doc.body = String::new(),
                _ => doc.body = doc.body.replace('，', ","),
            }
        }
        if round % 37 == 36 {
            let doc = docs.remove(rng.below(docs.len()));
            if round % 2 == 0 {
                docs.push(doc);
            }
        }
        let update = step(&mut held, &mut files, &docs);
        let name = format!("{:?}", update.method);
        *methods
            .entry(name.split([' ', '(']).next().unwrap().to_string())
            .or_insert(0) += 1;
    }
    assert!(
        methods.get("Patched").copied().unwrap_or(0) > 100,
        "{methods:?}"
    );
    assert!(methods.contains_key("Rebuilt"), "{methods:?}");
}

/// Times an update for one edited task on a large site and prints the held state's size.
/// `GONGKAI_BENCH_ROOT=/tmp/gongkai-bench cargo test --release --test search_incremental -- \
/// --ignored --nocapture`
#[test]
#[ignore]
fn update_timing_on_the_benchmark_corpus() {
    let root = std::env::var("GONGKAI_BENCH_ROOT").unwrap_or("/tmp/gongkai-bench".into());
    let mut diags = gongkai::diagnostics::Diagnostics::new();
    let (data, _) =
        gongkai::build::prepare(std::path::Path::new(&root), &mut diags).expect("the corpus loads");
    let mut docs = gongkai::search::site::documents(&data);
    let bytes: usize = docs.iter().map(|d| d.body.len() + d.title.len()).sum();
    eprintln!(
        "{} documents, {:.1} MB of text",
        docs.len(),
        bytes as f64 / 1e6
    );
    let t = std::time::Instant::now();
    let (files, mut held) = build_held(&docs);
    eprintln!(
        "build_held {:.2?}; held state {:.1} MB",
        t.elapsed(),
        held.heap_bytes() as f64 / 1e6
    );
    let mut files = as_map(files);
    let t = std::time::Instant::now();
    let update = held.update(&docs);
    eprintln!(
        "no edit: {:.2?}, {} files",
        t.elapsed(),
        update.changed.len()
    );
    let tasks: Vec<usize> = (0..docs.len())
        .filter(|&d| docs[d].kind == "task")
        .collect();
    type Edit = fn(&mut SearchDoc);
    let edits: [(&str, Edit); 4] = [
        ("a report's text", |d| {
            d.body
                .push_str("\n本季度完成管网改造12.5公里，新建泵站两座")
        }),
        ("a word changed in the head", |d| {
            d.body = d.body.replacen("推进", "加快", 1)
        }),
        ("the title", |d| d.title.push_str("（修订）")),
        ("the status", |d| d.status = Some("已完成".into())),
    ];
    for (i, (what, edit)) in edits.iter().enumerate() {
        let d = tasks[(i + 1) * tasks.len() / 5];
        edit(&mut docs[d]);
        let t = std::time::Instant::now();
        let update = held.update(&docs);
        eprintln!(
            "{what}: {:.2?}, {:?}, files {:?}",
            t.elapsed(),
            update.method,
            changed_paths(&update)
        );
        for (p, b) in update.changed {
            files.insert(p, b);
        }
    }
    let t = std::time::Instant::now();
    let expected = as_map(build(&docs));
    eprintln!("build {:.2?}", t.elapsed());
    assert!(differing(&files, &expected).is_empty());
}

/// Times the whole build of the index on a large site (three runs).
/// `cargo test --release --test search_incremental build_timing -- --ignored --nocapture`
#[test]
#[ignore]
fn build_timing_on_the_benchmark_corpus() {
    let root = std::env::var("GONGKAI_BENCH_ROOT").unwrap_or("/tmp/gongkai-bench".into());
    let mut diags = gongkai::diagnostics::Diagnostics::new();
    let (data, _) =
        gongkai::build::prepare(std::path::Path::new(&root), &mut diags).expect("the corpus loads");
    let docs = gongkai::search::site::documents(&data);
    // CPU seconds of the process so far (Linux), steadier than wall time on a shared machine.
    let cpu = || -> f64 {
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split(' ').collect();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        (ticks(12) + ticks(13)) / 100.0
    };
    for _ in 0..3 {
        let (t, c) = (std::time::Instant::now(), cpu());
        let files = build(&docs);
        eprintln!(
            "build {:.2?} ({:.2} s of CPU), {} files",
            t.elapsed(),
            cpu() - c,
            files.len()
        );
        // GONGKAI_SEARCH_BASELINE=<a previous output's search/>: the same bytes, file by file.
        if let Ok(base) = std::env::var("GONGKAI_SEARCH_BASELINE") {
            let base = std::path::Path::new(&base);
            for (path, bytes) in &files {
                let old = std::fs::read(base.join(path.trim_start_matches("search/")));
                assert!(old.ok().as_ref() == Some(bytes), "{path} differs");
            }
            let count = walkdir_count(&base.join("p")) + walkdir_count(&base.join("d")) + 2;
            assert_eq!(count, files.len(), "as many files as the baseline");
            eprintln!("same bytes as {}", base.display());
        }
    }
}

fn walkdir_count(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        walkdir_count(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}
