//! Quality gates on the bundled site (`content/`), judged by tools nobody on the team wrote:
//! the Nu HTML Checker over every page, axe-core (WCAG 2.1 A/AA) and a keyboard walk in real
//! Chromium on one page of each type, every internal link and anchor, and two byte-identical
//! builds. The site is built once per run and shared by the tests of this file.

#[path = "support/quality.rs"]
mod quality;
#[path = "support/site.rs"]
mod site;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use quality::*;
use site::*;

/// The bundled site, built once into a temporary folder.
fn bundled() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &OUT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        build(&repo(), &out);
        (tmp, out)
    })
    .1
}

fn html_pages(out: &Path) -> usize {
    snapshot(out)
        .keys()
        .filter(|k| k.ends_with(".html"))
        .count()
}

#[test]
fn every_page_of_the_bundled_site_is_valid_html() {
    let Some(jar) = vnu_jar() else { return };
    let out = bundled();
    let (errors, warnings) = vnu_errors(&jar, out);
    eprintln!(
        "vnu checked {} pages: {} errors, {warnings} warnings",
        html_pages(out),
        errors.len(),
    );
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn every_internal_link_and_anchor_of_the_bundled_site_resolves() {
    let out = bundled();
    let broken = broken_links(out);
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn every_page_type_passes_axe_wcag_2_1_aa_in_chromium() {
    if !browser_tools() {
        return;
    }
    let out = bundled();
    let pages = page_types(out);
    assert!(pages.len() >= 10, "page types found: {pages:?}");
    let urls: Vec<String> = pages.iter().map(|p| file_url(out, p)).collect();
    let results = browser_check("axe.mjs", &urls);
    let mut problems = Vec::new();
    for r in &results {
        for v in r["violations"].as_array().unwrap() {
            problems.push(format!(
                "{}: {} ({}, {} nodes): {}\n    {}",
                r["url"]
                    .as_str()
                    .unwrap()
                    .rsplit_once("/public/")
                    .unwrap()
                    .1,
                v["id"],
                v["impact"],
                v["count"],
                v["help"],
                v["nodes"]
            ));
        }
    }
    eprintln!("axe checked {} pages: {pages:?}", results.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_control_is_reachable_by_keyboard_and_visibly_focused() {
    if !browser_tools() {
        return;
    }
    let out = bundled();
    let pages = page_types(out);
    let urls: Vec<String> = pages.iter().map(|p| file_url(out, p)).collect();
    let results = browser_check("keyboard.mjs", &urls);
    let mut problems = Vec::new();
    for r in &results {
        let page = r["url"]
            .as_str()
            .unwrap()
            .rsplit_once("/public/")
            .unwrap()
            .1;
        for (what, key) in [
            ("not reachable with Tab", "unreachable"),
            ("no visible focus", "invisible"),
        ] {
            let list = r[key].as_array().unwrap();
            if !list.is_empty() {
                problems.push(format!("{page}: {what}: {list:?}"));
            }
        }
        assert!(
            r["controls"].as_u64().unwrap() > 0,
            "{page} has no controls?"
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn two_builds_of_the_bundled_site_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let second = tmp.path().join("public");
    build(&repo(), &second);
    let a = snapshot(bundled());
    let b = snapshot(&second);
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "same files"
    );
    let differ: Vec<&String> = a
        .iter()
        .filter(|(k, v)| b[*k] != **v)
        .map(|(k, _)| k)
        .collect();
    assert!(differ.is_empty(), "files differ between builds: {differ:?}");
}
