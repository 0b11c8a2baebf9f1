//! Open data as NGOs use it: feeds in a real feed parser, the data package in the Frictionless
//! validator, the progress CSV read back as input, plans.json against the pages.

#[path = "support/site.rs"]
mod site;
#[path = "support/tools.rs"]
mod tools;

use std::fs;

use site::*;

fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&repo().join("tests/fixtures/basic"), &out);
    (tmp, out)
}

#[test]
fn feeds_parse_in_a_real_feed_parser_with_entries_and_dates() {
    if !tools::python_module("feedparser") {
        return;
    }
    let (_tmp, out) = built();
    for feed in [
        "feed.xml",
        "plans/demo-plan/feed.xml",
        "units/demo-fgw/feed.xml",
    ] {
        let (ok, text) = tools::python(
            "import sys, feedparser\n\
             d = feedparser.parse(sys.argv[1])\n\
             assert not d.bozo, d.bozo_exception\n\
             assert d.feed.title and d.feed.updated_parsed\n\
             print(len(d.entries))\n\
             for e in d.entries: print(e.title, e.published, e.link)",
            &[out.join(feed).to_str().unwrap()],
        );
        assert!(ok, "{feed}: {text}");
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("1"), "{feed}: {text}");
        let entry = lines.next().unwrap();
        assert!(
            entry.contains("提升污水处理能力") && entry.contains("2024-07-10"),
            "{feed}: {entry}"
        );
        assert!(
            entry.contains("(示例数据)"),
            "sample entries say so: {entry}"
        );
    }
}

#[test]
fn the_data_package_passes_frictionless_validation() {
    if !tools::python_module("frictionless") {
        return;
    }
    let (_tmp, out) = built();
    let (ok, text) = tools::python(
        "import sys\nfrom frictionless import validate\nr = validate(sys.argv[1])\nprint(r.valid)\nprint(r.flatten(['rowNumber','fieldName','type','note']))",
        &[out.join("data/datapackage.json").to_str().unwrap()],
    );
    assert!(ok && text.starts_with("True"), "{text}");
}

#[test]
fn csvs_start_with_a_bom_so_excel_reads_utf8() {
    let (_tmp, out) = built();
    for f in ["tasks", "targets", "progress"] {
        let bytes = fs::read(out.join(format!("data/{f}.csv"))).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "{f}.csv has no BOM");
    }
}

#[test]
fn the_progress_export_reads_back_as_input_unchanged() {
    let (tmp, out) = built();
    // A copy of the site whose progress comes only from the exported CSV.
    let root = tmp.path().join("site");
    copy_tree(&repo().join("tests/fixtures/basic"), &root);
    let progress = root.join("content/plans/demo-plan/progress");
    fs::remove_dir_all(&progress).unwrap();
    fs::create_dir_all(&progress).unwrap();
    fs::copy(out.join("data/progress.csv"), progress.join("export.csv")).unwrap();
    let out2 = tmp.path().join("public2");
    build(&root, &out2);
    let a = fs::read(out.join("data/progress.csv")).unwrap();
    let b = fs::read(out2.join("data/progress.csv")).unwrap();
    assert_eq!(String::from_utf8_lossy(&a), String::from_utf8_lossy(&b));
    // And the figures reach the page as before.
    let page = fs::read_to_string(out2.join("plans/demo-plan/tasks/1/index.html")).unwrap();
    assert!(page.contains("96.8") && page.contains("96.1 改为 96.8"));
}

#[test]
fn plans_json_holds_every_task_and_its_url_exists() {
    let (_tmp, out) = built();
    let v: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("data/plans.json")).unwrap()).unwrap();
    let plans = v["plans"].as_array().unwrap();
    let tasks: Vec<&serde_json::Value> = plans
        .iter()
        .flat_map(|p| p["tasks"].as_array().unwrap())
        .collect();
    assert_eq!(tasks.len(), 2);
    for t in &tasks {
        let url = t["url"].as_str().unwrap();
        assert!(url.ends_with('/'), "{url}");
        assert!(
            out.join(url).join("index.html").is_file(),
            "{url} does not exist"
        );
    }
    let t = &tasks[0]["targets"][0];
    assert_eq!(t["status"], "on_track");
    assert_eq!(t["baseline"]["value"], 95.0);
    assert_eq!(t["latest"]["value"], 96.8);
    assert_eq!(t["latest"]["date"], "2024-06-30");
}

#[test]
fn a_sitemap_needs_a_base_url_and_uses_absolute_urls() {
    let (_tmp, out) = built();
    assert!(!out.join("sitemap.xml").exists(), "no base URL, no sitemap");
    let tmp = tempfile::tempdir().unwrap();
    let out2 = tmp.path().join("public");
    let o = try_build(
        &repo().join("tests/fixtures/basic"),
        &out2,
        &["--base-url", "https://gk.example.org/portal/"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let sm = fs::read_to_string(out2.join("sitemap.xml")).unwrap();
    assert!(
        sm.contains("<loc>https://gk.example.org/portal/plans/demo-plan/tasks/1/</loc>"),
        "{sm}"
    );
    let page = fs::read_to_string(out2.join("plans/demo-plan/index.html")).unwrap();
    assert!(page.contains(
        r#"<link rel="canonical" href="https://gk.example.org/portal/plans/demo-plan/">"#
    ));
    assert!(fs::read_to_string(out2.join("robots.txt"))
        .unwrap()
        .contains("Sitemap: https://gk.example.org/portal/sitemap.xml"));
}

#[test]
fn signed_builds_are_identical_verify_and_show_the_fingerprint() {
    let tmp = tempfile::tempdir().unwrap();
    let keys = tmp.path().join("keys");
    let o = gongkai(&["keygen", "--out", keys.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let key = keys.join("gongkai.key");
    let root = repo().join("tests/fixtures/basic");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for out in [&a, &b] {
        let o = try_build(&root, out, &["--sign-key", key.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(snapshot(&a), snapshot(&b), "signed builds differ");
    assert!(a.join("manifest.sig").is_file());

    let o = gongkai(&[
        "verify",
        a.to_str().unwrap(),
        "--pubkey",
        keys.join("gongkai.pub").to_str().unwrap(),
    ]);
    assert!(
        o.status.success(),
        "a fresh build verifies: {}{}",
        String::from_utf8_lossy(&o.stdout),
        stderr(&o)
    );

    let sig = fs::read_to_string(a.join("manifest.sig")).unwrap();
    let fingerprint = sig
        .lines()
        .find_map(|l| l.strip_prefix("key: "))
        .unwrap()
        .to_string();
    for page in ["data/index.html", "disclosure/index.html"] {
        let html = fs::read_to_string(a.join(page)).unwrap();
        assert!(
            html.contains(&fingerprint),
            "{page} does not show the key fingerprint {fingerprint}"
        );
    }
}
