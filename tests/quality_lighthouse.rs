//! Quality gate: Lighthouse (mobile) scores at least 95 in all four categories — performance,
//! accessibility, best practices, SEO — on the home, plan, task, targets, search-with-a-query
//! and disclosure pages of the bundled site, served over HTTP as it is published.

#[path = "support/quality.rs"]
mod quality;
#[path = "support/site.rs"]
mod site;

use site::*;

const PAGES: [&str; 6] = [
    "index.html",
    "plans/xianning-green-2023/index.html",
    "plans/xianning-green-2023/tasks/1/index.html",
    "targets/index.html",
    "search/index.html?q=污水处理率",
    "disclosure/index.html",
];

#[test]
fn lighthouse_scores_at_least_95_in_every_category_on_every_page_type() {
    if !quality::browser_tools() || !quality::npm_package("lighthouse") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&repo(), &out);
    let mut args = vec![out.to_str().unwrap().to_string()];
    args.extend(PAGES.iter().map(|p| p.to_string()));
    let results = quality::browser_check("lighthouse.mjs", &args);
    assert_eq!(results.len(), PAGES.len());
    let mut low = Vec::new();
    for r in &results {
        let scores: Vec<(String, i64)> = ["performance", "accessibility", "best-practices", "seo"]
            .iter()
            .map(|c| (c.to_string(), r[c].as_i64().unwrap_or(0)))
            .collect();
        eprintln!("{}: {scores:?}", r["url"]);
        assert!(
            r["runtimeError"].is_null(),
            "{}: {}",
            r["url"],
            r["runtimeError"]
        );
        for (c, s) in scores {
            if s < 95 {
                low.push(format!("{} {c} {s}: {}", r["url"], r["failing"]));
            }
        }
    }
    assert!(low.is_empty(), "{low:#?}");
}
