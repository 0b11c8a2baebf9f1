//! End-to-end: build real content trees with the real binary and look at the output.

#[path = "support/site.rs"]
mod site;

use std::fs;
use std::path::PathBuf;

use site::*;

fn fixture() -> std::path::PathBuf {
    repo().join("tests/fixtures/basic")
}

#[test]
fn task_pages_show_title_text_and_linked_units() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&fixture(), &out);
    let html = fs::read_to_string(out.join("plans/demo-plan/tasks/1/index.html")).unwrap();
    assert!(html.contains("提升污水处理能力"));
    assert!(html.contains("到2025年,污水处理率达到98%以上。"));
    assert!(
        html.contains(r#"href="../../../../units/demo-fgw/index.html">市发改委</a>"#),
        "lead unit links to its page"
    );
    assert!(html.contains("各有关部门和单位"));
    // Alias resolves to the same unit page.
    let t2 = fs::read_to_string(out.join("plans/demo-plan/tasks/2/index.html")).unwrap();
    assert!(t2.contains(r#"units/demo-fgw/index.html">市发展改革委</a>"#));
    let unit = fs::read_to_string(out.join("units/demo-fgw/index.html")).unwrap();
    assert!(
        unit.contains("提升污水处理能力") && unit.contains("降低碳排放强度"),
        "unit page lists the tasks it leads"
    );
}

#[test]
fn every_internal_link_resolves() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&fixture(), &out);
    let broken = broken_links(&out);
    // The disclosure section and the search page land separately; nothing else may be missing.
    let broken: Vec<&String> = broken
        .iter()
        .filter(|b| !b.contains("disclosure/") && !b.contains("search/index.html"))
        .collect();
    assert!(broken.is_empty(), "broken links:\n{broken:#?}");
}

#[test]
fn sample_progress_is_marked_on_every_page_that_shows_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&fixture(), &out);
    for page in [
        "index.html",
        "plans/demo-plan/index.html",
        "plans/demo-plan/tasks/1/index.html",
        "updates/index.html",
        "targets/index.html",
    ] {
        let html = fs::read_to_string(out.join(page)).unwrap();
        assert!(
            html.contains("class=\"sample-banner\"") && html.contains("示例数据"),
            "{page} lacks the 示例数据 banner"
        );
    }
    // A page with no sample data carries no banner.
    let html = fs::read_to_string(out.join("plans/demo-plan/source/index.html")).unwrap();
    assert!(!html.contains("class=\"sample-banner\""));
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    build(&fixture(), &a);
    build(&fixture(), &b);
    assert_eq!(snapshot(&a), snapshot(&b));
}

#[test]
fn each_rebuild_over_an_existing_output_equals_a_fresh_build() {
    let (tmp, root) = fixture_copy();
    let out = tmp.path().join("public");
    let tasks_file = root.join("content/plans/demo-plan/tasks.toml");
    let tasks = fs::read_to_string(&tasks_file).unwrap();
    let more = format!(
        "{tasks}\n[[task]]\nid = \"3\"\npath = [\"三\", \"(三)\"]\ntitle = \"建成口袋公园\"\n\
         text = \"新建口袋公园20个。\"\nlead = [\"市生态环境局\"]\nresponsible = []\n"
    );
    // Unchanged, a task added (pages change, new folders appear), the same again, the task
    // removed (its pages go): each rebuild starts from the site kept from the one before last.
    let edits: [&dyn Fn(); 4] = [
        &|| {},
        &|| fs::write(&tasks_file, &more).unwrap(),
        &|| {},
        &|| fs::write(&tasks_file, &tasks).unwrap(),
    ];
    for (n, edit) in edits.iter().enumerate() {
        edit();
        build(&root, &out);
        let fresh = tmp.path().join(format!("fresh-{n}"));
        build(&root, &fresh);
        assert_eq!(snapshot(&out), snapshot(&fresh), "rebuild {n}");
        assert_eq!(
            out.join("plans/demo-plan/tasks/3").exists(),
            n == 1 || n == 2
        );
        fs::remove_dir_all(&fresh).unwrap();
    }
    let mut names: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, [".public.prev", "public", "site"]);
}

#[test]
fn a_failed_build_keeps_the_previous_output() {
    let (tmp, root) = fixture_copy();
    let out = tmp.path().join("public");
    build(&root, &out);
    let before = snapshot(&out);
    fs::write(
        root.join("content/plans/demo-plan/tasks.toml"),
        "[[task]\nid = ",
    )
    .unwrap();
    let o = try_build(&root, &out, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        snapshot(&out),
        before,
        "output changed after a failed build"
    );
    let leftovers: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        2,
        "staging folder left behind: {leftovers:?}"
    );
}

#[test]
fn check_reports_every_planted_fault_with_its_location() {
    let (_tmp, root) = fixture_copy();
    let plan = root.join("content/plans/demo-plan");
    // A duplicate task id and an unknown unit in tasks.toml …
    let tasks = fs::read_to_string(plan.join("tasks.toml")).unwrap();
    let tasks = tasks.replacen("id = \"2\"", "id = \"1\"", 1).replace(
        "responsible = [\"市生态环境局\"]",
        "responsible = [\"市发改委员会\"]",
    );
    fs::write(plan.join("tasks.toml"), tasks).unwrap();
    // … a TOML syntax error in a progress file …
    fs::write(
        plan.join("progress/2024-09-30-2.md"),
        "+++\ntask = \"2\"\ndate = 2024-09-30\nstatus = in_progress\n+++\n",
    )
    .unwrap();
    // … and an unknown comparator in a second plan.
    let p2 = root.join("content/plans/other");
    fs::create_dir_all(&p2).unwrap();
    fs::write(
        p2.join("plan.toml"),
        "id = \"other\"\ntitle = \"另一规划\"\njurisdiction = \"demo\"\n",
    )
    .unwrap();
    fs::write(
        p2.join("tasks.toml"),
        "[[task]]\nid = \"1\"\ntitle = \"任务\"\nlead = [\"市发改委\"]\n  [[task.target]]\n  id = \"1-1\"\n  text = \"x\"\n  value = 1.0\n  comparator = \"at_least\"\n",
    )
    .unwrap();

    let o = gongkai(&["check", "--root", root.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/plans/demo-plan/tasks.toml:18:1: error: duplicate task id \"1\""),
        "{err}"
    );
    assert!(
        err.contains(
            "content/plans/demo-plan/tasks.toml:24:16: error: unknown unit \"市发改委员会\""
        ),
        "{err}"
    );
    assert!(err.contains("did you mean \"市发改委\"?"), "{err}");
    assert!(
        err.contains("content/plans/demo-plan/progress/2024-09-30-2.md:4:10: error:"),
        "{err}"
    );
    assert!(
        err.contains("content/plans/other/tasks.toml:9:16: error: unknown comparator \"at_least\""),
        "{err}"
    );
    assert!(!root.join("public").exists(), "check wrote output");
}

/// A copy of the fixture site in a temporary folder, as (the folder, the site's root in it).
fn fixture_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_tree(&fixture(), &root);
    (tmp, root)
}

/// The fixture site with `templates` (name, text) in its own theme folder.
fn fixture_with_templates(templates: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let (tmp, root) = fixture_copy();
    let t = root.join("themes/default/templates");
    fs::create_dir_all(&t).unwrap();
    for (name, text) in templates {
        fs::write(t.join(name), text).unwrap();
    }
    (tmp, root)
}

#[test]
fn a_site_theme_overrides_templates_file_by_file() {
    let (tmp, root) = fixture_with_templates(&[("404.html", "{% extends \"base.html\" %}{% block title %}找不到{% endblock title %}{% block main %}<p>自定义的404</p>{% endblock main %}")]);
    let out = tmp.path().join("public");
    build(&root, &out);
    assert!(fs::read_to_string(out.join("404.html"))
        .unwrap()
        .contains("自定义的404"));
    assert!(
        fs::read_to_string(out.join("index.html"))
            .unwrap()
            .contains("示例市规划公开平台"),
        "other templates still built in"
    );
}

#[test]
fn every_broken_template_is_reported_with_its_file_line_and_column() {
    let (_tmp, root) = fixture_with_templates(&[
        ("404.html", "line one\n{% if %}\n"),
        // A template written for Tera 1, as themes for earlier releases are: it gets a hint.
        (
            "unit.html",
            "{% extends \"base.html\" %}\n{% import \"macros.html\" as m %}\n{% block main %}{{ m::units(list=unit.lead, root=root) }}{% endblock main %}",
        ),
    ]);
    let o = gongkai(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("templates/404.html:2:7: error"), "{err}");
    assert!(err.contains("templates/unit.html:2:4: error"), "{err}");
    assert!(err.contains("macros are components"), "{err}");
}
