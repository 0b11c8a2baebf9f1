//! End-to-end: a portal that passes the government-website rules. Identity fields on every page,
//! the inspection lint (`check`, `check --strict`) on real content trees, and the 关怀版 and 繁體
//! switches clicked in real Chromium at 390 px.

#[path = "support/quality.rs"]
mod quality;
#[path = "support/site.rs"]
mod site;

use std::fs;
use std::path::{Path, PathBuf};

use site::*;

const IDENTITY: &str = r#"
site_code = "4201000001"
icp = "鄂ICP备00000000号-1"
police_record = "鄂公网安备 42010202000001号"
party_gov_mark = { image = "dzjg.png", url = "https://bszs.conac.cn/sitename?method=show&id=0000000000000000" }
"#;

/// The bundled project, copied, with `extra` put at the top of its site.toml.
fn bundled_with(tmp: &Path, extra: &str) -> PathBuf {
    let root = tmp.join("site");
    copy_tree(&repo().join("content"), &root.join("content"));
    let site = root.join("content/site.toml");
    let text = fs::read_to_string(&site).unwrap();
    let at = text.find("[publisher]").unwrap();
    fs::write(&site, format!("{}{extra}\n{}", &text[..at], &text[at..])).unwrap();
    root
}

fn check(root: &Path, strict: bool) -> (Option<i32>, String) {
    let mut args = vec!["check", "--root", root.to_str().unwrap()];
    if strict {
        args.push("--strict");
    }
    let o = gongkai(&args);
    (o.status.code(), stderr(&o))
}

#[test]
fn every_page_shows_the_identity_fields_with_their_official_links() {
    let tmp = tempfile::tempdir().unwrap();
    let root = bundled_with(tmp.path(), IDENTITY);
    fs::create_dir_all(root.join("static")).unwrap();
    fs::write(root.join("static/dzjg.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    let out = tmp.path().join("public");
    let o = try_build(&root, &out, &["--base-url", "https://gk.example.gov.cn/"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut pages = 0;
    for (path, bytes) in snapshot(&out) {
        if !path.ends_with(".html") {
            continue;
        }
        pages += 1;
        let html = String::from_utf8(bytes).unwrap();
        let footer = &html[html
            .find("<footer")
            .unwrap_or_else(|| panic!("{path}: no footer"))..];
        for needle in [
            "网站标识码:4201000001",
            "<a href=\"https://beian.miit.gov.cn/\">鄂ICP备00000000号-1</a>",
            "<a href=\"https://beian.mps.gov.cn/#/query/webSearch?code=42010202000001\">鄂公网安备 42010202000001号</a>",
            "主办单位:示例市人民政府办公室(演示)",
            "href=\"https://bszs.conac.cn/sitename?method=show&amp;id=0000000000000000\"",
            "alt=\"党政机关网站标识\"",
        ] {
            assert!(footer.contains(needle), "{path}: no {needle}");
        }
        // The error report names the page itself, percent-encoded.
        let pretty = path.strip_suffix("index.html").unwrap_or(&path);
        let page_url = format!("https://gk.example.gov.cn/{pretty}");
        let encoded: String = page_url
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        // A page without an official address (the 404 page) sends the platform the code alone.
        let report = if html.contains("rel=\"canonical\"") {
            format!(
                "href=\"https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=4201000001&amp;url={encoded}\">我为政府网站找错</a>"
            )
        } else {
            "href=\"https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=4201000001\">我为政府网站找错</a>".to_string()
        };
        assert!(footer.contains(&report), "{path}: no {report}");
        let depth = path.matches('/').count();
        assert!(
            footer.contains(&format!("src=\"{}dzjg.png\"", "../".repeat(depth))),
            "{path}: the mark's image is not linked relative to the page"
        );
    }
    assert!(pages > 300, "{pages} pages");
    assert!(out.join("dzjg.png").is_file());
}

#[test]
fn each_missing_identity_field_is_warned_and_strict_makes_it_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let root = bundled_with(tmp.path(), "");
    let (code, err) = check(&root, false);
    assert_eq!(code, Some(0), "{err}");
    for key in ["site_code", "icp", "police_record"] {
        assert!(
            err.contains(&format!("content/site.toml:1:1: warning: no {key}:")),
            "{key}: {err}"
        );
    }
    assert!(err.contains("国办发〔2017〕47号"), "names the rule: {err}");
    let (code, err) = check(&root, true);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("content/site.toml:1:1: error: no site_code:"),
        "{err}"
    );

    let root = bundled_with(&tmp.path().join("b"), IDENTITY);
    let (_, err) = check(&root, false);
    for key in ["site_code", "icp", "police_record"] {
        assert!(
            !err.contains(&format!("warning: no {key}:")),
            "{key}: {err}"
        );
    }
    assert!(
        err.contains("party_gov_mark image \"dzjg.png\" is not in static/"),
        "{err}"
    );

    let root = bundled_with(
        &tmp.path().join("c"),
        "site_code = \"42-0\"\npolice_record = \"备案中\"",
    );
    let (code, err) = check(&root, false);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("site_code \"42-0\" is not a 网站标识码"),
        "{err}"
    );
    assert!(
        err.contains("police_record \"备案中\" holds no record code"),
        "{err}"
    );
}

/// A small portal: one plan reported long ago, one never, one reporting yearly; no annual
/// report; a report body with a link to a page the site does not have.
fn columns_fixture(tmp: &Path) -> PathBuf {
    let root = tmp.join("site");
    copy_tree(&repo().join("tests/fixtures/basic"), &root);
    let plans = root.join("content/plans");
    let demo = plans.join("demo-plan");
    for (id, reporting) in [("quiet-plan", None), ("yearly-plan", Some("yearly"))] {
        let dir = plans.join(id);
        copy_tree(&demo, &dir);
        let plan = fs::read_to_string(dir.join("plan.toml"))
            .unwrap()
            .replace("\"demo-plan\"", &format!("\"{id}\""));
        let plan = match reporting {
            Some(r) => format!("reporting = \"{r}\"\n{plan}"),
            None => plan,
        };
        fs::write(dir.join("plan.toml"), plan).unwrap();
        if reporting.is_none() {
            fs::remove_dir_all(dir.join("progress")).unwrap();
        }
    }
    root
}

#[test]
fn stale_and_empty_columns_and_dead_links_are_warned_with_their_files() {
    let tmp = tempfile::tempdir().unwrap();
    let root = columns_fixture(tmp.path());
    let site = root.join("content/site.toml");
    let text = fs::read_to_string(&site).unwrap();
    let text = if text.contains("as_of") {
        text
    } else {
        format!("as_of = 2025-06-30\n{text}")
    };
    fs::write(&site, text).unwrap();
    let report = root.join("content/plans/demo-plan/progress/2024-06-30-1.md");
    let body = fs::read_to_string(&report).unwrap();
    fs::write(
        &report,
        format!("{body}\n见[附件](../../../../units/nowhere/index.html)。\n"),
    )
    .unwrap();

    let (code, err) = check(&root, false);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("content/plans/quiet-plan/plan.toml:1:1: warning: the plan quiet-plan has no progress report"),
        "{err}"
    );
    assert!(
        err.contains("content/plans/demo-plan/plan.toml:1:1: warning: the plan demo-plan's latest progress report is from"),
        "{err}"
    );
    assert!(
        !err.contains("the plan yearly-plan's latest"),
        "a yearly plan reported within the year is not stale: {err}"
    );
    assert!(err.contains("the 年度报告 column is empty"), "{err}");
    assert!(
        err.contains("the home page's newest update is from"),
        "{err}"
    );
    assert!(
        err.contains("warning: dead link \"../../../../units/nowhere/index.html\""),
        "{err}"
    );
    assert!(
        err.contains("public/plans/demo-plan/tasks/1/index.html"),
        "{err}"
    );
    let (code, _) = check(&root, true);
    assert_eq!(code, Some(1));
}

#[test]
fn the_bundled_sites_traditional_table_converts_its_text_as_opencc_does() {
    use gongkai::render::hant;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&repo(), &out);
    let js = fs::read_to_string(out.join("static/hant.js")).unwrap();
    let table = parse_table(&js);
    assert!(table.chars.len() > 400, "{} characters", table.chars.len());
    assert!(!table.phrases.is_empty());
    // Every Han run of every page's text.
    let mut runs = std::collections::BTreeSet::new();
    for (path, bytes) in snapshot(&out) {
        if path.ends_with(".html") {
            let html = String::from_utf8(bytes).unwrap();
            let mut run = String::new();
            for c in html.chars().chain([' ']) {
                if gongkai::search::fold::is_han(c) {
                    run.push(c);
                } else if !run.is_empty() {
                    runs.insert(std::mem::take(&mut run));
                }
            }
        }
    }
    let wrong: Vec<String> = runs
        .iter()
        .filter(|r| hant::convert(&table, r) != hant::opencc_convert(r))
        .map(|r| {
            format!(
                "{r}: {} ≠ {}",
                hant::convert(&table, r),
                hant::opencc_convert(r)
            )
        })
        .collect();
    eprintln!(
        "{} runs, {} converted differently from OpenCC",
        runs.len(),
        wrong.len()
    );
    assert!(wrong.is_empty(), "{wrong:#?}");
}

fn parse_table(js: &str) -> gongkai::render::hant::HantTable {
    let json = &js[js.find('{').unwrap()..=js.rfind('}').unwrap()];
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    let chars: Vec<char> = v["chars"].as_str().unwrap().chars().collect();
    let phrases: Vec<&str> = v["phrases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    gongkai::render::hant::HantTable {
        chars: chars.chunks(2).map(|p| (p[0], p[1])).collect(),
        phrases: phrases
            .chunks(2)
            .map(|p| (p[0].to_string(), p[1].to_string()))
            .collect(),
    }
}

#[test]
fn both_switches_work_in_chromium_at_390_px_and_are_remembered() {
    if !quality::browser_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&repo(), &out);
    let shots = std::env::var_os("GONGKAI_SCREENSHOTS");
    let mut cmd = std::process::Command::new("node");
    cmd.arg(repo().join("tests/browser/modes.mjs"))
        .arg(&out)
        .arg("plans/xianning-green-2023/tasks/1/index.html")
        .arg("plans/xianning-green-2023/index.html")
        .env("GONGKAI_CHROMIUM", quality::chromium_path());
    if let Some(dir) = &shots {
        cmd.arg(dir);
    }
    let o = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{}\n{stdout}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(r.get("error").is_none(), "{}", r["error"]);
    let (normal, care, care2) = (&r["normal"], &r["care"], &r["careRemembered"]);
    assert_eq!(normal["care"], false);
    for m in [care, care2] {
        assert_eq!(m["care"], true, "{}", m["url"]);
        assert!(
            m["fontSize"].as_f64().unwrap() >= 20.0,
            "{}: {}",
            m["url"],
            m["fontSize"]
        );
        assert!(
            m["lineHeight"].as_f64().unwrap() >= 1.5,
            "{}: {}",
            m["url"],
            m["lineHeight"]
        );
        assert_eq!(
            m["lowContrastCount"], 0,
            "{}: {}",
            m["url"], m["lowContrast"]
        );
        assert_eq!(m["moving"], 0, "{}", m["url"]);
        assert!(m["texts"].as_u64().unwrap() > 100);
    }
    assert_eq!(care["pressed"], "true");
    assert!(normal["fontSize"].as_f64().unwrap() < care["fontSize"].as_f64().unwrap());

    let table = parse_table(&fs::read_to_string(out.join("static/hant.js")).unwrap());
    let (hant, hant2, off) = (&r["hant"], &r["hantRemembered"], &r["hantOff"]);
    for m in [hant, hant2] {
        assert_eq!(m["lang"], "zh-Hant", "{}", m["url"]);
    }
    let before = normal["text"].as_str().unwrap();
    let after = hant["text"].as_str().unwrap();
    assert!(before.contains("推进工业绿色升级"), "{before}");
    assert!(after.contains("推進工業綠色升級"), "{after}");
    assert!(hant["title"].as_str().unwrap().contains("推進工業綠色升級"));
    assert_eq!(
        after,
        gongkai::render::hant::convert(&table, before),
        "the browser converts as the table says"
    );
    assert!(hant2["text"].as_str().unwrap().contains("示例數據"));
    assert_eq!(off["lang"], "zh-CN");
    assert_eq!(
        off["text"], care2["text"],
        "switching back restores the page's own text"
    );
}
