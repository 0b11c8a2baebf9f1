//! The 政府信息公开 section end to end: build a real content tree (the disclosure fixture with
//! the five seed plans' metadata, plus the bundled `content/disclosure/`), then read the pages
//! as a citizen would.

use std::fs;
use std::path::{Path, PathBuf};

use gongkai::build::{build_site, prepare};
use gongkai::diagnostics::{Diagnostic, Diagnostics, Severity};

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// A project root: the disclosure fixture with the bundled disclosure pages copied in.
fn project() -> tempfile::TempDir {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&manifest.join("tests/fixtures/disclosure"), dir.path());
    copy_tree(
        &manifest.join("content/disclosure"),
        &dir.path().join("content/disclosure"),
    );
    dir
}

fn build(root: &Path) -> (PathBuf, Vec<Diagnostic>) {
    let out = root.join("public");
    match build_site(root, &out, None, None, false) {
        Ok(r) => (out, r.warnings.into_sorted()),
        Err(e) => panic!("build failed: {e:?}"),
    }
}

/// The page's HTML with Tera's escapes undone, so tests can look for text as a reader sees it.
fn read(out: &Path, page: &str) -> String {
    unescape(&fs::read_to_string(out.join(page)).unwrap_or_else(|e| panic!("{page}: {e}")))
}

fn unescape(html: &str) -> String {
    html.replace("&#x2F;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn html_files(out: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().to_path_buf())
        .collect()
}

#[test]
fn bundled_disclosure_content_builds_without_warnings() {
    let dir = project();
    let (_, warnings) = build(dir.path());
    // The fixture has no base URL on purpose (a mirror-anywhere site); that warning is not
    // about disclosure content.
    let warnings: Vec<_> = warnings
        .into_iter()
        .filter(|w| !w.message.starts_with("no base_url"))
        .collect();
    assert!(warnings.is_empty(), "{warnings:#?}");
}

#[test]
fn every_section_page_is_produced() {
    let dir = project();
    let (out, _) = build(dir.path());
    for page in [
        "disclosure/index.html",
        "disclosure/guide/index.html",
        "disclosure/catalogue/index.html",
        "disclosure/catalogue/year/2023/index.html",
        "disclosure/statutory/index.html",
        "disclosure/annual/index.html",
        "disclosure/annual/2024/index.html",
        "disclosure/apply/index.html",
        "disclosure/feedback/index.html",
        "disclosure/changes/index.html",
        "disclosure/longnan-eco-interpretation/index.html",
    ] {
        assert!(out.join(page).is_file(), "{page} missing");
    }
}

#[test]
fn catalogue_holds_the_five_plans_with_their_printed_metadata() {
    let dir = project();
    let (out, _) = build(dir.path());
    let cat = read(&out, "disclosure/catalogue/index.html");
    for needle in [
        // 001: the 索引号 as printed, not an assigned one.
        "011336925/2023-11100",
        "咸宁市发展和改革委员会(市绿色发展专业委员会办公室)",
        "政务公开、节能与资源综合利用",
        "2023-03-24",
        "2023-04-04",
        // 002, 003, 004: 文号 and issuers as printed.
        "武环〔2023〕55号",
        "陇政办发〔2023〕80号",
        "陇南市人民政府办公室",
        "2023-11-20",
        "鸡政发〔2024〕9号",
        "鸡西市人民政府",
        "2024-05-29",
        // 000: Traditional title and issuer kept as printed.
        "武漢長江經濟帶降碳減污擴綠增長十大行動實施方案",
        "武漢市人民政府辦公廳",
    ] {
        assert!(cat.contains(needle), "catalogue lacks {needle}");
    }
    for plan in [
        "wuhan-ten-actions",
        "xianning-2023",
        "wuhan-synergy",
        "longnan-eco",
        "jixi-green",
    ] {
        assert!(
            cat.contains(&format!("href=\"../../plans/{plan}/index.html\"")),
            "catalogue does not link plan {plan}"
        );
    }
    // 000 has no printed 索引号: it gets one from catalogue_prefix, marked as assigned.
    let row = cat
        .split("<tr")
        .find(|r| r.contains("武漢長江經濟帶"))
        .unwrap();
    assert!(row.contains("000000000/2022-00001"), "{row}");
    assert!(row.contains("编配"), "{row}");
    let printed = cat
        .split("<tr")
        .find(|r| r.contains("011336925/2023-11100"))
        .unwrap();
    assert!(!printed.contains("编配"), "{printed}");
}

#[test]
fn void_documents_say_so_on_every_page_that_shows_them() {
    let dir = project();
    let (out, _) = build(dir.path());
    for page in [
        "disclosure/catalogue/index.html",
        "disclosure/catalogue/year/2020/index.html",
        "disclosure/changes/index.html",
    ] {
        let html = read(&out, page);
        let row = html
            .split("<tr")
            .find(|r| r.contains("2020年版"))
            .unwrap_or_else(|| panic!("{page} does not list the old guide"));
        assert!(row.contains("已废止"), "{page}: {row}");
    }
    let doc = read(&out, "disclosure/old-guide/index.html");
    assert!(doc.contains("class=\"void-notice\""));
    assert!(doc.contains("该文件已废止"));
}

#[test]
fn every_task_page_has_its_feedback_link() {
    for fixture in ["disclosure", "basic"] {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&manifest.join("tests/fixtures").join(fixture), dir.path());
        let (out, _) = build(dir.path());
        let tasks: Vec<PathBuf> = html_files(&out)
            .into_iter()
            .filter(|p| p.to_string_lossy().contains("/tasks/"))
            .collect();
        assert!(!tasks.is_empty());
        for t in tasks {
            let html = unescape(&fs::read_to_string(&t).unwrap());
            let link = html
                .split("href=\"")
                .skip(1)
                .map(|s| &s[..s.find('"').unwrap()])
                .find(|h| h.starts_with("mailto:"))
                .unwrap_or_else(|| panic!("{} has no feedback link", t.display()));
            assert!(link.contains("?subject="), "{link}");
            assert!(html.contains("对此项有意见/纠错"), "{}", t.display());
            assert!(html.contains("disclosure/feedback/index.html"));
        }
    }
}

#[test]
fn feedback_uses_the_configured_form_when_there_is_one() {
    let dir = project();
    let site = dir.path().join("content/site.toml");
    let text = fs::read_to_string(&site).unwrap().replace(
        "[feedback]\n",
        "[feedback]\nform_url = \"https://example.org/form\"\n",
    );
    fs::write(&site, text).unwrap();
    let (out, _) = build(dir.path());
    let task = read(&out, "plans/longnan-eco/tasks/1/index.html");
    assert!(task.contains("href=\"https://example.org/form?plan=longnan-eco&task=1\""));
    let fb = read(&out, "disclosure/feedback/index.html");
    assert!(fb.contains("在线意见表"));
}

#[test]
fn change_log_is_newest_first_and_flags_late_reports() {
    let dir = project();
    let (out, _) = build(dir.path());
    let html = read(&out, "disclosure/changes/index.html");
    let dates: Vec<&str> = html
        .split("<time datetime=\"")
        .skip(1)
        .map(|s| &s[..10])
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    // Reported on 2024-06-30, published 2024-08-30: 45 working days, flagged.
    let late = html
        .split("<tr")
        .find(|r| r.contains("late-row"))
        .expect("a late report row");
    assert!(late.contains("2024-08-30"), "{late}");
    assert!(late.contains("45 个工作日后公开"), "{late}");
    // Reported on 2024-09-30, published 2024-10-15: on time, not flagged.
    let timely = html
        .split("<tr")
        .find(|r| r.contains("2024-10-15"))
        .unwrap();
    assert!(!timely.contains("逾期"), "{timely}");
    // The correction is listed on its own date.
    assert!(html.contains("91.8 改为 92.4"));
}

#[test]
fn the_section_is_reachable_from_every_page_and_its_links_resolve() {
    let dir = project();
    let (out, _) = build(dir.path());
    for page in html_files(&out) {
        let html = unescape(&fs::read_to_string(&page).unwrap());
        if page.ends_with("404.html") {
            continue;
        }
        assert!(
            html.contains("disclosure/index.html\""),
            "{} does not link the section",
            page.display()
        );
        if !page.strip_prefix(&out).unwrap().starts_with("disclosure") {
            continue;
        }
        for href in html
            .split("href=\"")
            .skip(1)
            .map(|s| &s[..s.find('"').unwrap()])
        {
            if href.contains(':') || href.starts_with('#') {
                continue;
            }
            let path = href.split('#').next().unwrap();
            let target = page.parent().unwrap().join(path);
            // Outputs other stages write (feeds, open data, search) are not built here.
            let rel = href.trim_start_matches("../");
            if ["feed.xml", "data/", "search/"]
                .iter()
                .any(|p| rel.starts_with(p))
            {
                continue;
            }
            assert!(target.exists(), "{}: broken link {href}", page.display());
        }
    }
}

#[test]
fn guide_shows_every_item_of_article_12() {
    let dir = project();
    let (out, _) = build(dir.path());
    let g = read(&out, "disclosure/guide/index.html");
    for needle in [
        "信息分类与编排",
        "获取方式",
        "示例市人民政府办公室政务公开科",
        "示例省示例市人民路 1 号",
        "工作日 8:30—12:00,14:30—17:30",
        "0000-00000000",
        "0000-00000001",
        "gongkai@example.org",
        "示例数据",
    ] {
        assert!(g.contains(needle), "guide lacks {needle}");
    }
}

#[test]
fn check_warns_for_each_missing_guide_item() {
    // The basic fixture names only the publisher and an email.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
    let mut diags = Diagnostics::new();
    assert!(prepare(&root, &mut diags).is_some());
    let warnings: Vec<String> = diags
        .into_sorted()
        .into_iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| d.message)
        .collect();
    for item in [
        "guide.md is missing",
        "办公地址",
        "办公时间",
        "联系电话",
        "传真号码",
        "政府信息公开工作机构名称",
        "apply.md is missing",
        "catalogue_prefix",
    ] {
        assert!(
            warnings.iter().any(|w| w.contains(item)),
            "no warning about {item}: {warnings:#?}"
        );
    }
}

#[test]
fn annual_report_arithmetic_errors_stop_the_build_with_file_line_col() {
    let dir = project();
    let path = dir.path().join("content/disclosure/annual/2024.toml");
    let text = fs::read_to_string(&path).unwrap();
    // A wrong (七)总计: 59 → 60.
    let bad_total = text.replacen(
        "total            = [ 47, 6, 1, 1, 3, 1, 59 ]",
        "total            = [ 47, 6, 1, 1, 3, 1, 60 ]",
        1,
    );
    assert_ne!(bad_total, text);
    // A broken identity: one more request carried over for 自然人 (row total kept consistent).
    let bad_identity = text.replacen(
        "carried  = [   2,     1,       0,       0,          0,          0,    3 ]",
        "carried  = [   3,     1,       0,       0,          0,          0,    4 ]",
        1,
    );
    assert_ne!(bad_identity, text);
    for (broken, what, key) in [
        (bad_total, "总计", "total "),
        (bad_identity, "上年结转", "carried "),
    ] {
        fs::write(&path, &broken).unwrap();
        let mut diags = Diagnostics::new();
        assert!(
            prepare(dir.path(), &mut diags).is_none(),
            "{what}: no error"
        );
        let errors: Vec<Diagnostic> = diags
            .into_sorted()
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect();
        assert_eq!(errors.len(), 1, "{errors:#?}");
        let e = &errors[0];
        assert_eq!(e.path, Path::new("content/disclosure/annual/2024.toml"));
        let line = broken.lines().position(|l| l.starts_with(key)).unwrap() + 1;
        assert_eq!(e.line, line, "{e}");
        assert!(e.message.contains(what), "{e}");
        let shown = e.to_string();
        assert!(
            shown.starts_with(&format!("content/disclosure/annual/2024.toml:{line}:")),
            "{shown}"
        );
        let out = dir.path().join("public");
        assert!(build_site(dir.path(), &out, None, None, false).is_err());
    }
}
