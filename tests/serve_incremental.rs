//! Incremental rebuilds in memory give exactly the files a full `build` writes.

#[path = "support/site.rs"]
mod site;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use gongkai::serve::Incremental;

fn full_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    gongkai::build::build_site(root, &public, None, None, false).expect("full build");
    walkdir::WalkDir::new(&public)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(&public).unwrap();
            (
                rel.to_string_lossy().replace('\\', "/"),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn assert_same(site: &Incremental, root: &Path, step: &str) {
    let held: BTreeMap<String, Vec<u8>> = site
        .sorted()
        .into_iter()
        .map(|(p, b)| (p, b.to_vec()))
        .collect();
    let full = full_build(root);
    let held_paths: Vec<&String> = held.keys().collect();
    let full_paths: Vec<&String> = full.keys().collect();
    assert_eq!(held_paths, full_paths, "{step}: same files");
    for (path, bytes) in &full {
        assert!(
            held[path] == *bytes,
            "{step}: {path} differs from a full build"
        );
    }
}

#[test]
fn incremental_output_equals_a_full_build_after_each_edit() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    site::copy_tree(&site::repo().join("tests/fixtures/basic"), root);
    let mut site = Incremental::new(root);
    let first = site.rebuild().expect("first build");
    assert_eq!(first.pages_skipped, 0);
    assert_same(&site, root, "first build");

    // One progress file edited: its task page changes, unrelated pages are not re-rendered.
    let report = root.join("content/plans/demo-plan/progress/2024-06-30-1.md");
    let text = fs::read_to_string(&report).unwrap();
    fs::write(
        &report,
        text.replace("35 公里", "47 公里").replace("96.8", "97.1"),
    )
    .unwrap();
    let stats = site.rebuild().expect("rebuild after an edit");
    assert!(
        stats.pages_skipped > 0,
        "unchanged pages are skipped: {stats:?}"
    );
    assert!(stats
        .changed
        .contains(&"plans/demo-plan/tasks/1/index.html".to_string()));
    assert!(!stats
        .changed
        .contains(&"plans/demo-plan/tasks/2/index.html".to_string()));
    // The search index is patched: only the files holding the edited task's changed terms and
    // its record are new.
    assert!(
        matches!(
            stats.search,
            Some(gongkai::search::held::Method::Patched { docs: 1, .. })
        ),
        "{:?}",
        stats.search
    );
    let search_files = site
        .sorted()
        .keys()
        .filter(|p| p.starts_with("search/"))
        .count();
    let search_changed = stats
        .changed
        .iter()
        .filter(|p| p.starts_with("search/"))
        .count();
    assert!(
        search_changed >= 2 && search_changed < search_files,
        "{search_changed} of {search_files} search files changed"
    );
    assert!(
        !stats.changed.iter().any(|p| p == "search/fold.js"),
        "search/fold.js changed"
    );
    // `meta.js` names the documents the index is made from (its `src`).
    assert!(
        stats.changed.iter().any(|p| p == "search/meta.js"),
        "search/meta.js did not change"
    );
    assert_same(&site, root, "after editing a report");

    // A new report for the other task (a page that was unchanged so far).
    fs::write(
        root.join("content/plans/demo-plan/progress/2024-09-30-2.md"),
        "+++\ntask = \"2\"\ndate = 2024-09-30\nstatus = \"in_progress\"\npercent = 20\n+++\n启动碳排放监测平台建设。\n",
    )
    .unwrap();
    site.rebuild().expect("rebuild after a new report");
    assert_same(&site, root, "after adding a report");

    // A broken file keeps the last good site; fixing it is the same as a full build.
    let tasks = root.join("content/plans/demo-plan/tasks.toml");
    let good = fs::read_to_string(&tasks).unwrap();
    fs::write(&tasks, format!("{good}\nbroken = [\n")).unwrap();
    let before = site.sorted();
    assert!(site.rebuild().is_err());
    assert_eq!(
        site.sorted(),
        before,
        "a failed rebuild keeps the last good site"
    );
    fs::write(&tasks, &good).unwrap();
    site.rebuild().expect("rebuild after the fix");
    assert_same(&site, root, "after fixing");

    // A report removed.
    fs::remove_file(root.join("content/plans/demo-plan/progress/2024-09-30-2.md")).unwrap();
    site.rebuild().expect("rebuild after a removal");
    assert_same(&site, root, "after removing a report");

    // A template change re-renders every page.
    let templates = root.join("themes/default/templates");
    fs::create_dir_all(&templates).unwrap();
    let base = gongkai::render::THEME_FILES
        .get_file("templates/base.html")
        .unwrap()
        .contents_utf8()
        .unwrap();
    fs::write(
        templates.join("base.html"),
        base.replace("</body>", "<!-- 主题已修改 --></body>"),
    )
    .unwrap();
    let stats = site.rebuild().expect("rebuild after a template change");
    assert_eq!(
        stats.pages_skipped, 0,
        "a template change re-renders every page"
    );
    assert!(site.sorted()["index.html"]
        .windows("主题已修改".len())
        .any(|w| w == "主题已修改".as_bytes()));
    assert_same(&site, root, "after a template change");
}

/// With several plans, a rebuild reuses the folders and views of the plans an edit did not
/// touch; whatever is edited — a report, a units file, the site settings, a whole plan folder
/// — the result is still exactly a full build.
#[test]
fn reused_plans_give_a_full_build_after_each_kind_of_edit() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    site::copy_tree(&site::repo().join("content"), &root.join("content"));
    let mut site = Incremental::new(root);
    site.rebuild().expect("first build");
    assert_same(&site, root, "first build");

    // A report of one plan: the other plans' pages are kept without building their contexts.
    let report = root.join("content/plans/wuhan-yangtze-2022/progress/2024-12-31-9.md");
    let text = fs::read_to_string(&report).unwrap();
    fs::write(&report, format!("{text}\n补充说明:已完成阶段验收。\n")).unwrap();
    let stats = site.rebuild().expect("rebuild after a report edit");
    assert!(stats
        .changed
        .contains(&"plans/wuhan-yangtze-2022/tasks/9/index.html".to_string()));
    assert!(stats.pages_skipped > 0);
    assert_same(&site, root, "after editing a report");

    // A new report dated later than every other: `as_of` is fixed by site.toml here, but
    // the plan's own pages and the timeline change.
    fs::write(
        root.join("content/plans/xianning-green-2023/progress/2025-06-01-1.md"),
        "+++\ntask = \"1\"\ndate = 2025-06-01\nstatus = \"in_progress\"\npercent = 30\n+++\n推进中。\n",
    )
    .unwrap();
    site.rebuild().expect("rebuild after a new report");
    assert_same(&site, root, "after adding a report");

    // The site settings (here `as_of`) change every plan's statuses.
    let settings = root.join("content/site.toml");
    let good = fs::read_to_string(&settings).unwrap();
    fs::write(
        &settings,
        good.replace("as_of = 2025-06-30", "as_of = 2025-12-31"),
    )
    .unwrap();
    site.rebuild().expect("rebuild after site.toml");
    assert_same(&site, root, "after changing as_of");

    // A units file: every plan's unit links are resolved again.
    let units = root.join("content/units/wuhan.toml");
    let text = fs::read_to_string(&units).unwrap();
    fs::write(&units, format!("{text}\n")).unwrap();
    site.rebuild().expect("rebuild after a units file");
    assert_same(&site, root, "after touching a units file");

    // A plan folder removed, then put back.
    let plan = root.join("content/plans/longnan-eco-civilization-2023");
    let aside = root.join("longnan-aside");
    fs::rename(&plan, &aside).unwrap();
    site.rebuild().expect("rebuild after removing a plan");
    assert_same(&site, root, "after removing a plan");
    fs::rename(&aside, &plan).unwrap();
    site.rebuild().expect("rebuild after restoring a plan");
    assert_same(&site, root, "after restoring a plan");
}

#[test]
fn a_preview_shows_an_edited_report_on_the_pages_the_full_rebuild_gives() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    site::copy_tree(&site::repo().join("tests/fixtures/basic"), root);
    let mut site = Incremental::new(root);
    site.rebuild().expect("first build");
    let held_before = site.sorted();

    let report = root.join("content/plans/demo-plan/progress/2024-06-30-1.md");
    let text = fs::read_to_string(&report).unwrap();
    fs::write(
        &report,
        text.replace("value = 96.8", "value = 97.3")
            .replace("**35 公里**", "**41 公里**"),
    )
    .unwrap();
    let preview = site
        .preview(std::slice::from_ref(&report))
        .expect("a report edit is previewed");
    let task_page = "plans/demo-plan/tasks/1/index.html";
    let mut pages: Vec<&String> = preview.pages.keys().collect();
    pages.sort();
    // The pages that show the edited report, and no other.
    assert_eq!(
        pages,
        ["plans/demo-plan/index.html", task_page],
        "previewed pages"
    );
    let shown = String::from_utf8(preview.pages[task_page].bytes.to_vec()).unwrap();
    assert!(shown.contains("97.3"), "the task page shows the new value");
    assert!(shown.contains("41 公里"), "and the new text");
    assert!(*preview.pages[task_page].bytes != *held_before[task_page]);

    // The full rebuild that follows gives the same bytes for every previewed page.
    site.rebuild().expect("rebuild after the preview");
    let full = site.sorted();
    for (path, page) in &preview.pages {
        assert!(
            *page.bytes == *full[path],
            "{path}: the preview differs from the full rebuild"
        );
    }
    assert_same(&site, root, "after the preview");

    // A new report and a removed one are previewed too.
    let added = root.join("content/plans/demo-plan/progress/2024-09-30-1.md");
    fs::write(
        &added,
        text.replace("2024-06-30", "2024-09-30")
            .replace("**35 公里**", "**58 公里**"),
    )
    .unwrap();
    let preview = site
        .preview(std::slice::from_ref(&added))
        .expect("an added report is previewed");
    site.rebuild().expect("rebuild after adding");
    let full = site.sorted();
    assert!(String::from_utf8_lossy(&preview.pages[task_page].bytes).contains("58 公里"));
    for (path, page) in &preview.pages {
        assert!(*page.bytes == *full[path], "{path}: after adding");
    }
    fs::remove_file(&added).unwrap();
    let preview = site
        .preview(std::slice::from_ref(&added))
        .expect("a removed report is previewed");
    site.rebuild().expect("rebuild after removing");
    let full = site.sorted();
    for (path, page) in &preview.pages {
        assert!(*page.bytes == *full[path], "{path}: after removing");
    }

    // Other kinds of edit, and reports that do not load cleanly, wait for the full rebuild.
    let tasks = root.join("content/plans/demo-plan/tasks.toml");
    assert!(site.preview(std::slice::from_ref(&tasks)).is_none());
    fs::write(&report, "+++\ntask = \n+++\n").unwrap();
    assert!(site.preview(std::slice::from_ref(&report)).is_none());
    fs::write(&report, text.replace("task = \"1\"", "task = \"404\"")).unwrap();
    assert!(site.preview(std::slice::from_ref(&report)).is_none());
}

#[test]
fn without_a_fixed_as_of_a_preview_uses_the_last_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    site::copy_tree(&site::repo().join("tests/fixtures/basic"), root);
    // A second plan holds the newest report, so `as_of` (unset) comes from it.
    let plans = root.join("content/plans");
    site::copy_tree(&plans.join("demo-plan"), &plans.join("other-plan"));
    let plan_toml = plans.join("other-plan/plan.toml");
    let text = fs::read_to_string(&plan_toml).unwrap();
    fs::write(
        &plan_toml,
        text.replace("id = \"demo-plan\"", "id = \"other-plan\""),
    )
    .unwrap();
    let newer = plans.join("other-plan/progress/2024-06-30-1.md");
    let text = fs::read_to_string(&newer).unwrap();
    fs::write(
        &newer,
        text.replacen("date = 2024-06-30", "date = 2024-11-30", 1),
    )
    .unwrap();
    let site_toml = root.join("content/site.toml");
    let text = fs::read_to_string(&site_toml).unwrap();
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("as_of"))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(&site_toml, without).unwrap();

    let mut site = Incremental::new(root);
    site.rebuild().expect("first build");
    let report = plans.join("demo-plan/progress/2024-06-30-1.md");
    let text = fs::read_to_string(&report).unwrap();
    fs::write(&report, text.replace("value = 96.8", "value = 97.9")).unwrap();
    let preview = site
        .preview(std::slice::from_ref(&report))
        .expect("an edit that cannot move as_of is previewed");
    site.rebuild().expect("rebuild");
    let full = site.sorted();
    for (path, page) in &preview.pages {
        assert!(
            *page.bytes == *full[path],
            "{path}: the preview differs from the full rebuild"
        );
    }
    assert_same(&site, root, "without as_of");
    // An edit of the plan that holds the newest report could move as_of: no preview.
    let text = fs::read_to_string(&newer).unwrap();
    fs::write(&newer, text.replace("value = 96.8", "value = 97.0")).unwrap();
    assert!(site.preview(std::slice::from_ref(&newer)).is_none());
}

#[path = "support/git.rs"]
mod git;

#[test]
fn serve_shows_the_revision_history_and_reads_it_again_only_when_head_moves() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    site::copy_tree(&site::repo().join("tests/fixtures/trackers"), &root);
    let repo = gix::init(&root).unwrap();
    let tasks = root.join("content/plans/t/tasks.toml");
    let edit = |from: &str, to: &str| {
        let text = fs::read_to_string(&tasks).unwrap();
        assert!(text.contains(from), "{from:?}");
        fs::write(&tasks, text.replacen(from, to, 1)).unwrap();
    };
    // Published 2024-01-10; the target of task 1 lowered 2024-06-02 (+08:00).
    let first = git::commit(&repo, &root, 1_704_880_800, &[]);
    edit("value = 98.0", "value = 95.0");
    let second = git::commit(&repo, &root, 1_717_272_000, &[first]);

    let page = |site: &Incremental, task: &str| {
        let path = format!("plans/t/tasks/{task}/index.html");
        String::from_utf8(site.sorted()[&path].to_vec()).unwrap()
    };
    let mut site = Incremental::new(&root);
    let stats = site.rebuild().expect("first build");
    assert!(stats.history_read);
    let one = page(&site, "1");
    assert!(
        one.contains("修订记录") && one.contains("目标下调") && one.contains("2024-06-02"),
        "serve shows the 修订记录"
    );
    assert!(String::from_utf8_lossy(&site.sorted()["data/history.json"]).contains("target_lowered"));
    assert_same(&site, &root, "first build with history");

    // An edit not committed: the history is not read again, the pages still show it.
    let report = root.join("content/plans/t/progress/2024-06-30-1.md");
    let text = fs::read_to_string(&report).unwrap();
    fs::write(&report, format!("{text}\n补充说明。\n")).unwrap();
    let stats = site.rebuild().expect("rebuild after an edit");
    assert!(!stats.history_read, "HEAD did not move: {stats:?}");
    assert!(page(&site, "1").contains("目标下调"));
    assert_same(&site, &root, "an edit, HEAD unchanged");

    // A preview of a report edit shows the 修订记录 as the full rebuild does.
    fs::write(&report, format!("{text}\n再次补充。\n")).unwrap();
    let preview = site
        .preview(std::slice::from_ref(&report))
        .expect("a report edit is previewed");
    let previewed = "plans/t/tasks/1/index.html";
    assert!(String::from_utf8_lossy(&preview.pages[previewed].bytes).contains("目标下调"));
    site.rebuild().expect("rebuild after the preview");
    for (path, p) in &preview.pages {
        assert!(*p.bytes == *site.sorted()[path], "{path}: preview differs");
    }

    // A commit moving a deadline: read again; task 2's page (whose files did not change
    // since the last rebuild) shows it.
    edit("year = 2026\n  value = 9.0", "year = 2027\n  value = 9.0");
    git::commit(&repo, &root, 1_725_156_000, &[second]);
    let stats = site.rebuild().expect("rebuild after a commit");
    assert!(stats.history_read);
    assert!(page(&site, "2").contains("期限推迟"));
    assert!(stats
        .changed
        .contains(&"plans/t/tasks/2/index.html".to_string()));
    assert_same(&site, &root, "after a commit");

    // Committed with no file changed since the last rebuild (HEAD moved, nothing else):
    // the next rebuild picks the new commit up.
    edit("year = 2027\n  value = 9.0", "year = 2028\n  value = 9.0");
    site.rebuild().expect("rebuild before the commit");
    assert!(
        !page(&site, "2").contains("<ins>2028年</ins>"),
        "not committed yet"
    );
    let head = repo.head_id().unwrap().detach();
    git::commit(&repo, &root, 1_725_242_400, &[head]);
    let stats = site.rebuild().expect("rebuild after the commit alone");
    assert!(stats.history_read);
    let two = page(&site, "2");
    assert!(
        two.contains("<del>2027年</del>") && two.contains("<ins>2028年</ins>"),
        "the plan's pages are rendered again when only its history changed"
    );
    assert_same(&site, &root, "after a commit alone");
}
