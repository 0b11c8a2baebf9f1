//! Quality gate: the two fuzz targets' entry points (`gongkai::import::fuzz_one`,
//! `gongkai::content::fuzz_one`, the same functions `tests/fuzz/fuzz_targets/*.rs` call) fed a few
//! thousand deterministic mutations of real inputs — the seed documents and every content file
//! of the fixtures and the bundled site — plus every crash input kept in `tests/fuzz/regressions/`.
//! The long coverage-guided runs are `cargo +nightly fuzz run <target>` (see tests/fuzz/README.md);
//! this is the short smoke run that CI does on every change.

#[path = "support/documents.rs"]
mod documents;
#[path = "support/site.rs"]
mod site;

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use site::repo;

/// xorshift64*: the same mutations on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Tokens that matter to the parsers: TOML and front-matter syntax, plan numbering,
/// responsibility lines, targets, Markdown and HTML.
const DICTIONARY: &[&str] = &[
    "\"",
    "'''",
    "\"\"\"",
    "[[task]]",
    "[[task.target]]",
    "[[measure]]",
    "[[evidence]]",
    "=",
    "+++\n",
    "\n",
    "\r\n",
    "\\u",
    "\\",
    "2024-02-30",
    "1979-05-27T07:32:00Z",
    "-1e400",
    "nan",
    "一、",
    "二、",
    "(一)",
    "(二)",
    "1.",
    "(1)",
    "第一章",
    "(牵头单位:",
    "责任单位:",
    ";",
    "、",
    ")",
    "到2025年,",
    "达到98%以上",
    "下降10%",
    "较2020年",
    "累计",
    "公里",
    "索引号:",
    "发布日期:",
    "2023年3月8日",
    "〔2023〕",
    "号",
    "<script>",
    "](",
    "[",
    "> ",
    "- ",
    "*",
    "`",
    "|",
    "<",
    "&#",
    "\u{feff}",
    "\u{0}",
    "\u{2028}",
    "é",
    "市發改委",
];

fn mutate(rng: &mut Rng, input: &[u8], other: &[u8]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(7) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 => {
                let t = DICTIONARY[rng.below(DICTIONARY.len())].as_bytes();
                v.splice(at..at, t.iter().copied());
            }
            2 if !v.is_empty() => {
                let end = (at + rng.below(64)).min(v.len());
                v.drain(at.min(end)..end);
            }
            3 if !v.is_empty() => {
                let start = rng.below(v.len());
                let end = (start + rng.below(256)).min(v.len());
                let chunk = v[start..end].to_vec();
                v.splice(at..at, chunk);
            }
            4 => v.truncate(at),
            5 if !other.is_empty() => {
                let start = rng.below(other.len());
                let end = (start + rng.below(512)).min(other.len());
                v.splice(at..at, other[start..end].iter().copied());
            }
            _ => {
                let b = rng.next() as u8;
                v.insert(at, b);
            }
        }
    }
    v
}

/// Runs `one` on `input`, returning a description of the panic, if any.
fn run(one: fn(&[u8]), input: &[u8]) -> Option<String> {
    catch_unwind(AssertUnwindSafe(|| one(input)))
        .err()
        .map(|e| {
            e.downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        })
}

fn smoke(name: &str, one: fn(&[u8]), seeds: &[Vec<u8>], iterations: usize) {
    assert!(!seeds.is_empty());
    let mut crashes = Vec::new();
    // Kept crash inputs first: each was a real bug once.
    let kept = repo().join("tests/fuzz/regressions").join(name);
    let mut regressions: Vec<_> = fs::read_dir(&kept)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    regressions.sort();
    for path in &regressions {
        let input = fs::read(path).unwrap();
        if let Some(msg) = run(one, &input) {
            crashes.push(format!("{}: {msg}", path.display()));
        }
    }
    for seed in seeds {
        if let Some(msg) = run(one, seed) {
            crashes.push(format!("seed: {msg}"));
        }
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ name.len() as u64);
    for i in 0..iterations {
        let a = &seeds[rng.below(seeds.len())];
        let b = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, a, b);
        if let Some(msg) = run(one, &input) {
            let file = std::env::temp_dir().join(format!("gongkai-{name}-crash-{i}"));
            fs::write(&file, &input).unwrap();
            crashes.push(format!(
                "mutation {i}: {msg} (input saved as {}; keep it in tests/fuzz/regressions/{name}/)",
                file.display()
            ));
            if crashes.len() > 5 {
                break;
            }
        }
    }
    assert!(crashes.is_empty(), "{name}: {}", crashes.join("\n"));
}

/// Every content file under `dir` with the kind byte `content::fuzz_one` expects.
fn content_seeds(dir: &Path, out: &mut Vec<Vec<u8>>) {
    for e in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        let p = e.path().to_string_lossy().replace('\\', "/");
        let kind: u8 = if p.ends_with("/site.toml") {
            0
        } else if p.contains("/units/") && p.ends_with(".toml") {
            1
        } else if p.ends_with("/tasks.toml") {
            2
        } else if p.contains("/progress/") && p.ends_with(".md") {
            3
        } else if p.contains("/progress/") && p.ends_with(".csv") {
            4
        } else if p.contains("/disclosure/") && p.ends_with(".md") {
            5
        } else {
            continue;
        };
        let mut v = vec![kind];
        v.extend(fs::read(e.path()).unwrap());
        // Keep the inputs small enough for thousands of runs.
        v.truncate(16 * 1024);
        out.push(v);
    }
}

#[test]
fn importer_survives_mutated_plan_documents() {
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    let mut docs: Vec<_> = fs::read_dir(repo().join("seeds"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    docs.sort();
    for path in docs {
        let bytes = fs::read(&path).unwrap();
        // Whole documents, and their opening (header, first sections), which mutations hit
        // more densely.
        seeds.push(bytes.iter().copied().take(6000).collect());
        seeds.push(bytes);
    }
    smoke("import", gongkai::import::fuzz_one, &seeds, 400);
}

#[test]
fn content_loader_survives_mutated_content_files() {
    let mut seeds = Vec::new();
    for dir in [
        "content",
        "tests/fixtures/basic/content",
        "tests/fixtures/disclosure/content",
        "tests/fixtures/hostile/content",
    ] {
        content_seeds(&repo().join(dir), &mut seeds);
    }
    smoke("content", gongkai::content::fuzz_one, &seeds, 4000);
}

fn forms_kit() -> &'static gongkai::forms::FuzzKit {
    static KIT: std::sync::OnceLock<gongkai::forms::FuzzKit> = std::sync::OnceLock::new();
    KIT.get_or_init(|| gongkai::forms::FuzzKit::new(&repo()))
}

fn forms_one(data: &[u8]) {
    forms_kit().run(data);
}

#[test]
fn form_reader_survives_mutated_forms() {
    let template = forms_kit().template().to_vec();
    let mut sheet = Vec::new();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&template)).unwrap();
    std::io::Read::read_to_end(
        &mut zip.by_name("xl/worksheets/sheet2.xml").unwrap(),
        &mut sheet,
    )
    .unwrap();
    let seeds = vec![
        [vec![0], template].concat(),
        [vec![1], sheet.clone()].concat(),
        // Rows filled in: a number, a status, a date typed as text.
        [
            vec![1],
            String::from_utf8_lossy(&sheet)
                .replacen("</row>", "<c r=\"I2\"><v>97.5</v></c><c r=\"J2\" t=\"inlineStr\"><is><t>推进中</t></is></c></row>", 2)
                .into_bytes(),
        ]
        .concat(),
    ];
    smoke("forms", forms_one, &seeds, 300);
}

/// The .docx, .html and .pdf readers (the `import_docx`, `import_html`, `import_pdf` targets) on
/// mutations of the seeds' openings made into each format.
#[test]
fn format_readers_survive_mutated_documents() {
    use gongkai::import::{fuzz_format, read::Format};
    let texts: Vec<String> = documents::documents()
        .iter()
        .map(|p| fs::read_to_string(p).unwrap().chars().take(1200).collect())
        .collect();
    let docx: Vec<Vec<u8>> = texts.iter().map(|t| documents::to_docx(t)).collect();
    let html: Vec<Vec<u8>> = texts
        .iter()
        .map(|t| documents::to_html(t, "utf-8"))
        .collect();
    let pdf: Vec<Vec<u8>> = texts.iter().map(|t| documents::to_pdf(t)).collect();
    smoke("import_docx", |b| fuzz_format(Format::Docx, b), &docx, 300);
    smoke("import_html", |b| fuzz_format(Format::Html, b), &html, 300);
    smoke("import_pdf", |b| fuzz_format(Format::Pdf, b), &pdf, 300);
}
