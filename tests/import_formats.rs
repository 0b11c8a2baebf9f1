//! `gongkai import` on the formats a web team receives: every document of
//! `support::documents()` made into a .docx, a government site's .html page and a PDF gives the
//! same tasks.toml (tasks, units, targets) as its text; GBK text and pages are decoded; and bad or
//! hostile files (zip bomb, entity expansion, cyclic or endless PDFs, 10,000-level nesting,
//! scans, encrypted files, other kinds) fail with a clear error naming the file, exit 1, in
//! bounded time and memory, writing nothing.

#[path = "support/documents.rs"]
mod documents;

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use gongkai::import::{assemble, read, write};

/// tasks.toml and plan.toml as the importer writes them for these bytes.
fn import_bytes(
    bytes: &[u8],
    jurisdiction: Option<&str>,
) -> Result<(String, assemble::Imported), String> {
    let doc = read::read(bytes).map_err(|e| e.message)?;
    let imported = assemble::assemble(&doc.text, "x", Path::new("doc"), jurisdiction)
        .map_err(|d| format!("{d:?}"))?;
    Ok((write::tasks_toml(&imported.plan), imported))
}

fn first_difference(a: &str, b: &str) -> String {
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            let at = x.chars().zip(y.chars()).take_while(|(a, b)| a == b).count();
            let from = at.saturating_sub(20);
            let part = |s: &str| s.chars().skip(from).take(60).collect::<String>();
            return format!(
                "line {} from character {at}:\n  text:   …{}\n  format: …{}",
                i + 1,
                part(x),
                part(y)
            );
        }
    }
    format!(
        "lengths differ: {} vs {} lines",
        a.lines().count(),
        b.lines().count()
    )
}

#[test]
fn every_document_gives_the_same_tasks_as_docx_html_and_pdf() {
    let docs = documents::documents();
    assert!(docs.len() >= 7, "{docs:?}");
    let mut failures = Vec::new();
    for path in &docs {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = fs::read(path).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        let jurisdiction = import_bytes(&bytes, None).err().map(|_| "fixture");
        let (expected, plan) = import_bytes(&bytes, jurisdiction).unwrap();
        assert!(!plan.plan.tasks.is_empty(), "{name} has tasks");
        let forms: [(&str, Vec<u8>); 5] = [
            ("docx", documents::to_docx(&text)),
            ("html", documents::to_html(&text, "utf-8")),
            ("gbk html", documents::to_html(&text, "gbk")),
            ("pdf", documents::to_pdf(&text)),
            ("pdf drawn by forms", documents::to_pdf_with(&text, true)),
        ];
        // A task-division table arrives in a text as tab-separated cells. The helpers below lay a
        // text's lines out as paragraphs (HTML) and glyph runs (PDF), where an empty cell or a
        // cell merged down from the row above leaves no trace, so such a document is compared
        // as .docx only (whose helper writes the table as a table).
        let tables = text.lines().any(|l| l.contains('\t'));
        for (format, file) in forms {
            if tables && format != "docx" {
                continue;
            }
            match import_bytes(&file, jurisdiction) {
                Ok((got, imported)) => {
                    if got != expected {
                        failures.push(format!(
                            "{name} as {format}: {}",
                            first_difference(&expected, &got)
                        ));
                    }
                    // The page's metadata table, when the text has none of its own.
                    if format.contains("html") && plan.plan.index_number.is_none() {
                        let p = &imported.plan;
                        assert_eq!(
                            p.index_number.as_deref(),
                            Some("011234567/2024-00042"),
                            "{name}"
                        );
                        assert_eq!(
                            p.doc_number.as_deref(),
                            Some("测政办发〔2024〕7号"),
                            "{name}"
                        );
                        assert_eq!(p.issuer.as_deref(), Some("测试市人民政府办公室"), "{name}");
                        assert_eq!(p.categories, ["城乡建设", "环境保护"], "{name}");
                        assert_eq!(
                            p.written.map(|d| d.to_string()).as_deref(),
                            Some("2024-03-01")
                        );
                        assert_eq!(
                            p.published.map(|d| d.to_string()).as_deref(),
                            Some("2024-03-05")
                        );
                    }
                }
                Err(e) => failures.push(format!("{name} as {format}: {e}")),
            }
        }
        if tables {
            println!(
                "{name}: {} tasks, same as .docx (a tab-separated table: .html and .pdf not compared)",
                plan.plan.tasks.len()
            );
        } else {
            println!(
                "{name}: {} tasks, same as .docx, .html (UTF-8, GBK) and .pdf (page content, forms)",
                plan.plan.tasks.len()
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn gbk_text_is_decoded_and_named() {
    let path = &documents::documents()[0];
    let text = fs::read_to_string(path).unwrap();
    let (gbk, _, bad) = encoding_rs::GB18030.encode(&text);
    assert!(!bad);
    let doc = read::read(&gbk).unwrap();
    assert_eq!(doc.encoding, Some("GB18030"));
    assert_eq!(doc.text, text.replace("\r\n", "\n"));
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
}

/// Runs the command; returns its output, wall time and peak memory (KiB).
// The child is reaped with wait4 (for its rusage), which clippy does not see.
#[allow(clippy::zombie_processes)]
fn run_measured(cmd: &mut Command) -> (std::process::Output, Duration, i64) {
    use std::os::unix::process::ExitStatusExt;
    let started = Instant::now();
    let child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut stdout = child.stdout.unwrap();
    let mut stderr = child.stderr.unwrap();
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut stderr, &mut v).unwrap();
        v
    });
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut stdout, &mut out).unwrap();
    let err = err_reader.join().unwrap();
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child; status and usage are valid for writes.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid);
    (
        std::process::Output {
            status: std::process::ExitStatus::from_raw(status),
            stdout: out,
            stderr: err,
        },
        started.elapsed(),
        usage.ru_maxrss,
    )
}

#[test]
fn dry_run_prints_the_summary_and_writes_nothing_then_import_writes() {
    let dir = tempfile::tempdir().unwrap();
    let text = fs::read_to_string(&documents::documents()[1]).unwrap();
    let docx = dir.path().join("计划.docx");
    fs::write(&docx, documents::to_docx(&text)).unwrap();
    let out = dir.path().join("content/plans/p");
    let o = bin()
        .arg("import")
        .arg(&docx)
        .args(["--id", "p", "--dry-run", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stdout.contains("read as Word document (.docx)"), "{stdout}");
    assert!(
        stdout.contains(" tasks, ") && stdout.contains("  task 1 ["),
        "{stdout}"
    );
    assert!(
        stdout.contains("计划.docx: paragraph "),
        "tasks point at paragraphs: {stdout}"
    );
    assert!(
        stdout.contains("responsible: ") || stdout.contains("lead: "),
        "{stdout}"
    );
    assert!(stderr.contains("dry run: nothing written"), "{stderr}");
    assert!(
        !dir.path().join("content").exists(),
        "a dry run writes nothing"
    );

    let o = bin()
        .arg("import")
        .arg(&docx)
        .args(["--id", "p", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("tasks.toml").exists() && out.join("plan.toml").exists());
}

/// Bad and hostile files: each fails with exit 1, names the file and what is wrong, writes
/// nothing, within seconds and well under 1 GiB.
#[test]
fn bad_and_hostile_files_fail_cleanly_in_bounded_time_and_memory() {
    let dir = tempfile::tempdir().unwrap();
    let billion_laughs = {
        let mut d =
            String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
        d.push_str("<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n");
        for i in 2..10 {
            let prev = format!("&lol{};", i - 1);
            d.push_str(&format!("<!ENTITY lol{i} \"{}\">\n", prev.repeat(10)));
        }
        d.push_str("]>\n<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>");
        d
    };
    let nested_docx = format!(
        "<w:document xmlns:w=\"w\"><w:body>{}<w:p><w:r><w:t>深</w:t></w:r></w:p>{}</w:body></w:document>",
        "<w:tbl><w:tr><w:tc>".repeat(10_000),
        "</w:tc></w:tr></w:tbl>".repeat(10_000)
    );
    let nested_html = format!(
        "<!DOCTYPE html><html><body>{}一、总体要求{}</body></html>",
        "<table><tr><td>".repeat(10_000),
        "</td></tr></table>".repeat(10_000)
    );
    let nested_divs = format!(
        "<!DOCTYPE html><html><body>{}一、总体要求{}</body></html>",
        "<div>".repeat(10_000),
        "</div>".repeat(10_000)
    );
    let many_entries = {
        let names: Vec<String> = (0..6_000).map(|i| format!("x/{i}.xml")).collect();
        let parts: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
        documents::zip_parts(&parts)
    };
    let text = fs::read_to_string(&documents::documents()[0]).unwrap();
    let mut truncated_docx = documents::to_docx(&text);
    truncated_docx.truncate(truncated_docx.len() / 2);
    let mut truncated_pdf = documents::to_pdf(&text);
    truncated_pdf.truncate(truncated_pdf.len() / 3);
    let encrypted_docx = {
        // What Word writes for a password-protected .docx: an OLE compound file.
        let mut v = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
        v.resize(4096, 0);
        v
    };
    let encrypted_pdf = {
        let pdf = String::from_utf8_lossy(&documents::to_pdf(
            "一、总体要求\n（一）加强领导。（牵头单位：市政府办）",
        ))
        .into_owned();
        pdf.replace(
            "/Root 1 0 R >>",
            "/Root 1 0 R /Encrypt << /Filter /Standard /V 2 /R 3 /Length 128 /O <0000000000000000000000000000000000000000000000000000000000000000> /U <0000000000000000000000000000000000000000000000000000000000000000> /P -4 >> /ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>] >>",
        )
        .into_bytes()
    };
    let no_article = b"<!DOCTYPE html><html><body><div class=\"nav\"><a href=\"/\">\xE9\xA6\x96\xE9\xA1\xB5</a></div><ul class=\"list\"><li><a href=\"/1\">\xE5\x85\xB3\xE4\xBA\x8E\xE5\x8D\xB0\xE5\x8F\x91\xE6\x9F\x90\xE6\x9F\x90\xE5\xAE\x9E\xE6\x96\xBD\xE6\x96\xB9\xE6\xA1\x88\xE7\x9A\x84\xE9\x80\x9A\xE7\x9F\xA5\xE5\x85\xB3\xE4\xBA\x8E\xE5\x8D\xB0\xE5\x8F\x91\xE6\x9F\x90\xE6\x9F\x90\xE5\xAE\x9E\xE6\x96\xBD\xE6\x96\xB9\xE6\xA1\x88\xE7\x9A\x84\xE9\x80\x9A\xE7\x9F\xA5</a></li></ul></body></html>".to_vec();

    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("bomb.docx", documents::zip_bomb_docx(2048), "MiB"),
        ("entries.docx", many_entries, "entries"),
        (
            "laughs.docx",
            documents::docx_with_body(&billion_laughs),
            "DTD",
        ),
        (
            "nested.docx",
            documents::docx_with_body(&nested_docx),
            "deep",
        ),
        ("truncated.docx", truncated_docx, "damaged"),
        ("encrypted.docx", encrypted_docx, "password"),
        (
            "workbook.docx",
            documents::zip_parts(&[("xl/workbook.xml", b"<workbook/>")]),
            "Excel",
        ),
        ("scan.pdf", documents::scanned_pdf(), "OCR"),
        ("cyclic.pdf", documents::cyclic_pdf(), "PDF"),
        ("bomb.pdf", documents::bomb_pdf(2048), "PDF"),
        ("endless.pdf", documents::endless_stream_pdf(), "PDF"),
        ("nested.pdf", documents::nested_pdf(10_000), "PDF"),
        ("truncated.pdf", truncated_pdf, "PDF"),
        ("encrypted.pdf", encrypted_pdf, "password"),
        ("nested.html", nested_html.into_bytes(), "deep"),
        ("divs.html", nested_divs.into_bytes(), "deep"),
        ("list.html", no_article, "no article"),
        (
            "photo.pdf",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01".to_vec(),
            "PNG",
        ),
    ];
    let mut failures = Vec::new();
    for (name, bytes, word) in cases {
        let file = dir.path().join(name);
        fs::write(&file, &bytes).unwrap();
        let out = dir.path().join("content/plans/x");
        let (o, took, rss_kib) = run_measured(
            bin()
                .arg("import")
                .arg(&file)
                .args(["--id", "x", "--out"])
                .arg(&out),
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        println!(
            "{name}: exit {:?} in {took:.2?}, peak {} MiB: {}",
            o.status.code(),
            rss_kib / 1024,
            stderr.lines().next().unwrap_or("")
        );
        let ok = o.status.code() == Some(1)
            && stderr.contains(name)
            && stderr.contains(word)
            && stderr.contains("help:")
            && stderr.contains("nothing was written")
            && !dir.path().join("content").exists()
            && took < Duration::from_secs(20)
            && rss_kib < 512 * 1024;
        if !ok {
            failures.push(format!(
                "{name}: exit {:?}, {took:.2?}, {} MiB, stderr: {stderr}",
                o.status.code(),
                rss_kib / 1024
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `GONGKAI_FUZZ_CORPUS=1 cargo test --test import_formats fuzz_seed_corpus` writes every
/// document as .docx, .html and .pdf into tests/fuzz/corpus/import_<format>/ (see
/// tests/fuzz/seed-corpus.sh); without the variable it only checks the files can be made.
#[test]
fn fuzz_seed_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/corpus");
    let write = std::env::var_os("GONGKAI_FUZZ_CORPUS").is_some();
    for (i, path) in documents::documents().iter().enumerate() {
        let text = fs::read_to_string(path).unwrap();
        for (format, bytes) in [
            ("docx", documents::to_docx(&text)),
            (
                "html",
                documents::to_html(&text, if i % 2 == 0 { "utf-8" } else { "gbk" }),
            ),
            ("pdf", documents::to_pdf(&text)),
        ] {
            assert!(!bytes.is_empty());
            if write {
                let dir = root.join(format!("import_{format}"));
                fs::create_dir_all(&dir).unwrap();
                fs::write(dir.join(format!("seed-{i}.{format}")), bytes).unwrap();
            }
        }
    }
}

/// A plan whose tasks are only in a closing 任务分工表 (task, lead, responsible, deadline):
/// each row is a task with its units; the deadline stays in the task's text.
#[test]
fn a_task_division_table_in_a_docx_gives_tasks_units_and_deadlines() {
    let p = |t: &str| format!("<w:p><w:r><w:t>{t}</w:t></w:r></w:p>");
    let cell = |t: &str| format!("<w:tc>{}</w:tc>", t.split('|').map(p).collect::<String>());
    let row = |cells: &[&str]| {
        format!(
            "<w:tr>{}</w:tr>",
            cells.iter().map(|c| cell(c)).collect::<String>()
        )
    };
    let body = [
        p("测试市人民政府办公室关于印发测试市2024年优化营商环境工作要点的通知"),
        p("测试市2024年优化营商环境工作要点"),
        p("为持续优化营商环境，制定本工作要点。"),
        p("一、重点任务"),
        format!(
            "<w:tbl>{}{}{}{}</w:tbl>",
            row(&["序号", "工作任务", "牵头单位", "责任单位", "完成时限"]),
            row(&[
                "1",
                "推行企业开办一网通办，压缩开办时间至1个工作日",
                "市市场监管局",
                "市公安局|市税务局",
                "2024年6月底前"
            ]),
            row(&[
                "2",
                "深化工程建设项目审批制度改革",
                "市住建局",
                "市自然资源和规划局、市发展改革委",
                "2024年12月底前"
            ]),
            row(&["3", "提升跨境贸易便利化水平", "市商务局", "", "长期坚持"]),
        ),
        p("二、保障措施"),
        p("各单位要加强组织领导，确保任务落实。"),
    ]
    .concat();
    let docx = documents::docx_with_body(&format!(
        "<w:document xmlns:w=\"w\"><w:body>{body}</w:body></w:document>"
    ));
    let doc = read::read(&docx).unwrap();
    let imported = assemble::assemble(&doc.text, "x", Path::new("x.docx"), None).unwrap();
    let tasks = &imported.plan.tasks;
    let summary: Vec<(String, Vec<String>, Vec<String>)> = tasks
        .iter()
        .map(|t| {
            (
                t.title.clone(),
                t.duty.lead.clone(),
                t.duty.responsible.clone(),
            )
        })
        .collect();
    println!("{}\n{summary:#?}", doc.text);
    assert_eq!(tasks.len(), 3);
    assert_eq!(tasks[0].duty.lead, ["市市场监管局"]);
    assert_eq!(tasks[0].duty.responsible, ["市公安局", "市税务局"]);
    assert_eq!(
        tasks[1].duty.responsible,
        ["市自然资源和规划局", "市发展改革委"]
    );
    assert_eq!(tasks[2].duty.lead, ["市商务局"]);
    assert!(tasks[0].text.contains("2024年6月底前"), "{}", tasks[0].text);
    assert_eq!(
        doc.place(doc.text.lines().position(|l| l.starts_with("2．")).unwrap() + 1),
        "table 1, row 3"
    );
}
