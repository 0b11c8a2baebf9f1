//! The site's documents become search documents: tasks, plans and units of a real content tree.

use std::path::PathBuf;

use gongkai::diagnostics::Diagnostics;
use gongkai::search::{build_index, site::documents};

#[test]
fn every_task_plan_and_unit_of_the_fixture_site_is_a_search_document() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
    let mut diags = Diagnostics::new();
    let (data, _theme) = gongkai::build::prepare(&root, &mut diags).expect("fixture loads");
    let docs = documents(&data);
    let tasks: usize = data.plans.iter().map(|p| p.tasks.len()).sum();
    assert_eq!(docs.iter().filter(|d| d.kind == "task").count(), tasks);
    assert_eq!(
        docs.iter().filter(|d| d.kind == "plan").count(),
        data.plans.len()
    );
    assert_eq!(
        docs.iter().filter(|d| d.kind == "unit").count(),
        data.units.len()
    );
    for d in &docs {
        assert!(
            d.url.ends_with("index.html") && !d.url.starts_with('/'),
            "{}",
            d.url
        );
        assert!(!d.title.is_empty());
    }
    let task = docs.iter().find(|d| d.kind == "task").unwrap();
    assert!(task.plan.is_some() && task.body.contains(&data.plans[0].tasks[0].task.text[..]));
    let files = build_index(&docs);
    assert_eq!(
        files,
        build_index(&documents(&data)),
        "same site, same bytes"
    );
    assert!(files.iter().any(|(p, _)| p == "search/meta.js"));
    assert_eq!(
        files
            .iter()
            .filter(|(p, _)| p.starts_with("search/d/"))
            .count(),
        docs.len()
            .div_ceil(gongkai::search::index::RECORDS_PER_FILE),
        "records grouped, {} to a file",
        gongkai::search::index::RECORDS_PER_FILE
    );
}
