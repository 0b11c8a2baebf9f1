//! Quality gate: a corpus of broken content (tests/fixtures/malformed/<case>/ — files laid over
//! a copy of tests/fixtures/basic — plus cases generated here that are too big or too binary to
//! commit). Every case must exit 1 with its expected located diagnostic, never panic, finish in
//! reasonable time, and leave the previously built site untouched.

#[path = "support/site.rs"]
mod site;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use site::*;

/// A case: its name, how to break the content tree, and the lines stderr must contain.
struct Case {
    name: String,
    expected: Vec<String>,
    /// None: a committed overlay folder; Some: generated here.
    generate: Option<fn(&Path)>,
}

fn committed_cases() -> Vec<Case> {
    let dir = repo().join("tests/fixtures/malformed");
    let mut cases: Vec<Case> = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| {
            let expected = fs::read_to_string(e.path().join("expected.txt"))
                .unwrap_or_else(|_| panic!("{} has no expected.txt", e.path().display()));
            Case {
                name: e.file_name().to_string_lossy().into_owned(),
                expected: expected.lines().map(str::to_owned).collect(),
                generate: None,
            }
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

const REPORT: &str = "content/plans/demo-plan/progress/2024-06-30-1.md";
const TASKS: &str = "content/plans/demo-plan/tasks.toml";

fn generated_cases() -> Vec<Case> {
    vec![
        Case {
            name: "invalid-utf8".into(),
            expected: vec![format!("{TASKS}:3:10: error: file is not valid UTF-8")],
            generate: Some(|root| {
                let mut bytes = b"[[task]]\nid = \"1\"\ntitle = \"".to_vec();
                bytes.extend_from_slice(&[0xC4, 0xE3, 0xBA, 0xC3]); // 你好 in GBK
                bytes.extend_from_slice(b"\"\n");
                fs::write(root.join(TASKS), bytes).unwrap();
            }),
        },
        Case {
            // A 50 MB text field: refused before reading (it used to build, in over a minute).
            name: "huge-text-field".into(),
            expected: vec![format!(
                "{TASKS}:1:1: error: file is 50 MB, larger than the 8 MB limit"
            )],
            generate: Some(|root| {
                let tasks = fs::read_to_string(root.join(TASKS)).unwrap();
                let unit = "污水处理率达到98%以上。";
                let big = unit.repeat(50 * 1024 * 1024 / unit.len());
                let tasks = tasks.replacen(
                    "text = \"到2025年,污水处理率达到98%以上。\"",
                    &format!("text = \"{big}\""),
                    1,
                );
                fs::write(root.join(TASKS), tasks).unwrap();
            }),
        },
        Case {
            // Deeply nested Markdown (block quotes, lists, emphasis, links) in a report body:
            // refused while loading (rendering it took over four minutes).
            name: "deeply-nested-markdown".into(),
            expected: vec![format!(
                "{REPORT}:23:1: error: Markdown is nested 20000 levels deep"
            )],
            generate: Some(|root| {
                let report = fs::read_to_string(root.join(REPORT)).unwrap();
                let deep = format!(
                    "{}深\n\n{}列表\n\n{}强调{}\n\n{}链接{}\n",
                    "> ".repeat(20_000),
                    "- ".repeat(20_000),
                    "*_".repeat(20_000),
                    "_*".repeat(20_000),
                    "[".repeat(20_000),
                    "](x)".repeat(20_000)
                );
                fs::write(root.join(REPORT), format!("{report}\n{deep}")).unwrap();
            }),
        },
    ]
}

#[test]
fn every_malformed_input_gives_its_located_error_and_keeps_the_previous_site() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&repo().join("tests/fixtures/basic"), &out);
    let before = snapshot(&out);

    let mut failures = Vec::new();
    let cases: Vec<Case> = committed_cases()
        .into_iter()
        .chain(generated_cases())
        .collect();
    assert!(cases.len() >= 15, "the corpus lost cases: {}", cases.len());
    for case in &cases {
        let root = tmp.path().join(&case.name);
        copy_tree(&repo().join("tests/fixtures/basic"), &root);
        match case.generate {
            Some(generate) => generate(&root),
            None => copy_tree(
                &repo().join("tests/fixtures/malformed").join(&case.name),
                &root,
            ),
        }
        let _ = fs::remove_file(root.join("expected.txt"));
        let started = Instant::now();
        let o = try_build(&root, &out, &[]);
        let took = started.elapsed();
        eprintln!("malformed case {:<28} {:>6.0?}", case.name, took);
        let err = stderr(&o);
        let mut problems = Vec::new();
        if o.status.code() != Some(1) {
            problems.push(format!("exit {:?}, expected 1", o.status.code()));
        }
        if err.contains("panicked") {
            problems.push("panicked".into());
        }
        for want in &case.expected {
            if !err.contains(want.as_str()) {
                problems.push(format!("no {want:?} in stderr"));
            }
        }
        if took > Duration::from_secs(30) {
            problems.push(format!("took {took:?}"));
        }
        if snapshot(&out) != before {
            problems.push("the previous output changed".into());
        }
        if !problems.is_empty() {
            let shown: String = err.chars().take(2000).collect();
            failures.push(format!("{}: {}\n{shown}", case.name, problems.join("; ")));
        }
        fs::remove_dir_all(&root).unwrap();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
