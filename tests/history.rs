//! 修订记录 end to end: a site kept in a git repository made here (with gix, no git program),
//! built by the real binary; what a reader of the task and plan pages and of
//! `data/history.json` would check.

#[path = "support/git.rs"]
mod git;
#[path = "support/site.rs"]
mod site;
#[path = "support/tools.rs"]
mod tools;

use std::fs;
use std::path::{Path, PathBuf};

use gix::ObjectId;
use site::*;

/// 2024-01-10 18:00 in +08:00.
const JAN: i64 = 1_704_880_800;
/// 2024-06-01 20:00 UTC, which is 2024-06-02 04:00 in +08:00: the page shows the committer's date.
const JUN: i64 = 1_717_272_000;
/// 2024-09-01 10:00 in +08:00.
const SEP: i64 = 1_725_156_000;

struct Site {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    repo: gix::Repository,
}

impl Site {
    /// The trackers fixture in a new repository, not yet committed.
    fn new() -> Site {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        copy_tree(&repo().join("tests/fixtures/trackers"), &root);
        let repo = gix::init(&root).unwrap();
        Site {
            _tmp: tmp,
            root,
            repo,
        }
    }

    fn tasks_path(&self, plan: &str) -> PathBuf {
        self.root.join(format!("content/plans/{plan}/tasks.toml"))
    }

    /// Replaces `from` by `to` in a plan's tasks.toml (on disk only).
    fn edit(&self, plan: &str, from: &str, to: &str) {
        let path = self.tasks_path(plan);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{from:?} not in tasks.toml");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    /// Commits what is on disk onto HEAD, at `seconds` in +08:00.
    fn commit(&self, seconds: i64, parents: &[ObjectId]) -> ObjectId {
        git::commit(&self.repo, &self.root, seconds, parents)
    }

    /// A commit of what is on disk that no reference points to (a side branch).
    fn side_commit(&self, seconds: i64, parent: ObjectId) -> ObjectId {
        let time = format!("{seconds} +0800");
        let sig = gix::actor::SignatureRef {
            name: "网站管理员".into(),
            email: "web@example.gov.cn".into(),
            time: &time,
        };
        let commit = gix::objs::Commit {
            tree: git::tree(&self.repo, &self.root),
            parents: [parent].into_iter().collect(),
            author: sig.into(),
            committer: sig.into(),
            encoding: None,
            message: "side".into(),
            extra_headers: Vec::new(),
        };
        self.repo.write_object(&commit).unwrap().detach()
    }

    fn build(&self, out: &Path) -> String {
        let o = try_build(&self.root, out, &[]);
        assert!(o.status.success(), "build failed:\n{}", stderr(&o));
        stderr(&o)
    }
}

fn page(out: &Path, plan: &str, task: &str) -> String {
    fs::read_to_string(out.join(format!("plans/{plan}/tasks/{task}/index.html"))).unwrap()
}

fn history(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(out.join("data/history.json")).unwrap()).unwrap()
}

/// The changes of `kind` in data/history.json.
fn changes<'a>(h: &'a serde_json::Value, kind: &str) -> Vec<&'a serde_json::Value> {
    h["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == kind)
        .collect()
}

/// The 修订记录 section of a task page, or "" when it has none.
fn revisions(html: &str) -> &str {
    match html.find(r#"<h2 id="revisions">"#) {
        Some(i) => &html[i..i + html[i..].find("</section>").unwrap()],
        None => "",
    }
}

/// Published, then a target lowered (98 → 95, ">=") and a deadline moved (2026 → 2027).
fn weakened_site() -> (Site, ObjectId, ObjectId) {
    let s = Site::new();
    let first = s.commit(JAN, &[]);
    s.edit("t", "value = 98.0", "value = 95.0");
    s.edit(
        "t",
        "year = 2026\n  value = 9.0",
        "year = 2027\n  value = 9.0",
    );
    let second = s.commit(JUN, &[first]);
    (s, first, second)
}

#[test]
fn a_lowered_target_and_a_later_deadline_show_both_values_dates_and_labels() {
    let (s, _, second) = weakened_site();
    let out = s.root.join("public");
    s.build(&out);

    let one = page(&out, "t", "1");
    let section = revisions(&one);
    assert!(section.contains("修订记录"), "task 1 has no 修订记录");
    for needle in [
        "目标下调",
        "98%",
        "95%",
        "2024-06-02",
        "污水处理率达到98%以上",
    ] {
        assert!(
            section.contains(needle),
            "task 1's 修订记录 lacks {needle}:\n{section}"
        );
    }
    // Old before new.
    assert!(section.find("98%</del>").unwrap() < section.find("95%</ins>").unwrap());
    // The tracker says its status is computed against the lowered target, and the page's head
    // counts the weakening.
    let tracker = &one[one.find(r#"id="target-1-1""#).unwrap()..one.find("</table>").unwrap()];
    assert!(
        tracker.contains("目标下调") && tracker.contains("状态按修改后的目标计算"),
        "{tracker}"
    );
    assert!(one.contains("其中目标下调、期限推迟或删除 1 处"));

    let two = revisions(&page(&out, "t", "2")).to_string();
    for needle in ["期限推迟", "2026年", "2027年", "2024-06-02"] {
        assert!(
            two.contains(needle),
            "task 2's 修订记录 lacks {needle}:\n{two}"
        );
    }
    // A task nobody changed shows no section.
    assert_eq!(revisions(&page(&out, "t", "3")), "");

    let h = history(&out);
    let lowered = changes(&h, "target_lowered");
    assert_eq!(lowered.len(), 1, "{h:#}");
    let c = lowered[0];
    assert_eq!(
        (&c["plan"], &c["task"], &c["target"], &c["field"]),
        (&"t".into(), &"1".into(), &"1-1".into(), &"value".into())
    );
    assert_eq!(
        (c["old"].as_f64(), c["new"].as_f64()),
        (Some(98.0), Some(95.0))
    );
    assert_eq!(c["date"], "2024-06-02");
    assert_eq!(c["commit"], second.to_string());
    assert_eq!(c["label"], "目标下调");
    let later = changes(&h, "deadline_later");
    assert_eq!(later.len(), 1);
    assert_eq!(
        (later[0]["old"].as_f64(), later[0]["new"].as_f64()),
        (Some(2026.0), Some(2027.0))
    );
    assert_eq!(later[0]["target"], "2-1");
    assert!(
        later[0]["old"].is_i64(),
        "a year is a whole number: {}",
        later[0]["old"]
    );
    assert_eq!(
        h["changes"].as_array().unwrap().len(),
        2,
        "nothing else changed: {h:#}"
    );

    // The site-wide tracker marks both targets as computed against a changed target, linking
    // to the tasks' records.
    let targets = fs::read_to_string(out.join("targets/index.html")).unwrap();
    let row = |id: &str| {
        let link = format!("plans/t/tasks/{}/index.html#target-{id}\"", &id[..1]);
        let i = targets
            .find(&link)
            .unwrap_or_else(|| panic!("no row for {id}"));
        let end = i + targets[i..].find("</tr>").unwrap();
        &targets[i..end]
    };
    let one_row = row("1-1");
    assert!(
        one_row.contains("2024-06-02 目标下调:98% → 95%")
            && one_row.contains("状态按修改后的目标计算")
            && one_row.contains("tasks/1/index.html#revisions"),
        "{one_row}"
    );
    assert!(row("2-1").contains("期限推迟:2026年 → 2027年"));
    assert!(!row("3-1").contains("状态按修改后的目标计算"));

    // The change log lists both at its head, naming plan and task.
    let log = fs::read_to_string(out.join("disclosure/changes/index.html")).unwrap();
    let i = log
        .find("公布后下调或推迟的目标")
        .expect("the change log lists weakened targets");
    let list = &log[i..i + log[i..].find("</section>").unwrap()];
    for needle in [
        "目标下调",
        "期限推迟",
        "2024-06-02",
        "98%</del> → <ins>95%</ins>",
        "tasks/1/index.html#revisions",
        "tasks/2/index.html#revisions",
        "plans/t/index.html",
    ] {
        assert!(
            list.contains(needle),
            "the change log lacks {needle}:\n{list}"
        );
    }

    // The plan page lists both prominently, linking to the tasks' records.
    let plan = fs::read_to_string(out.join("plans/t/index.html")).unwrap();
    let i = plan
        .find("公布后下调或推迟的目标")
        .expect("plan page lists weakened targets");
    let list = &plan[i..i + plan[i..].find("</section>").unwrap()];
    assert!(list.contains("目标下调") && list.contains("期限推迟"));
    assert!(list.contains("tasks/1/index.html#revisions"));
    assert!(broken_links(&out).is_empty(), "{:?}", broken_links(&out));
}

#[test]
fn two_builds_of_the_same_commits_are_identical_and_uncommitted_edits_are_not_history() {
    let (s, _, _) = weakened_site();
    let a = s.root.join("public");
    s.build(&a);
    let b = s._tmp.path().join("b");
    s.build(&b);
    assert!(snapshot(&a) == snapshot(&b), "two builds differ");

    // Edited and not committed: the page shows the new figure, the history does not list it.
    s.edit("t", "value = 95.0", "value = 90.0");
    let c = s._tmp.path().join("c");
    s.build(&c);
    let h = history(&c);
    assert_eq!(h["changes"].as_array().unwrap().len(), 2, "{h:#}");
    assert!(!revisions(&page(&c, "t", "1")).contains("90%"));
}

#[test]
fn rewording_units_and_added_or_removed_targets_are_labelled() {
    let s = Site::new();
    let first = s.commit(JAN, &[]);
    s.edit("t", "title = \"污水处理\"", "title = \"城镇污水处理\"");
    s.edit(
        "t",
        "title = \"管网漏损\"\nlead = [\"市甲局\"]",
        "title = \"管网漏损\"\nlead = [\"市甲局\"]\nresponsible = [\"市甲局\"]",
    );
    // Target 6-1 removed, a new 6-2 in its place.
    s.edit("t", "id = \"6-1\"", "id = \"6-2\"");
    s.commit(SEP, &[first]);
    let out = s.root.join("public");
    s.build(&out);
    let h = history(&out);
    assert_eq!(changes(&h, "reworded")[0]["new"], "城镇污水处理");
    assert_eq!(changes(&h, "units_changed")[0]["field"], "responsible");
    assert_eq!(changes(&h, "target_removed")[0]["target"], "6-1");
    assert_eq!(changes(&h, "target_added")[0]["target"], "6-2");
    let three = revisions(&page(&out, "t", "6")).to_string();
    assert!(
        three.contains("目标删除") && three.contains("新增目标"),
        "{three}"
    );
    let two = revisions(&page(&out, "t", "2")).to_string();
    assert!(
        two.contains("责任调整") && two.contains("责任单位") && two.contains("市甲局"),
        "{two}"
    );
}

#[test]
fn a_merge_counts_as_the_change_it_brings_in() {
    let s = Site::new();
    let first = s.commit(JAN, &[]);
    s.edit("t", "value = 98.0", "value = 95.0");
    let side = s.side_commit(JUN, first);
    // The main line had a commit of its own meanwhile (no plan change).
    s.edit("t", "value = 95.0", "value = 98.0");
    fs::write(s.root.join("README.txt"), "说明").unwrap();
    let main = s.commit(JUN, &[first]);
    // The merge brings the side's change in.
    s.edit("t", "value = 98.0", "value = 95.0");
    let merge = s.commit(SEP, &[main, side]);
    let out = s.root.join("public");
    s.build(&out);
    let h = history(&out);
    let lowered = changes(&h, "target_lowered");
    assert_eq!(lowered.len(), 1, "{h:#}");
    assert_eq!(lowered[0]["commit"], merge.to_string());
    assert_eq!(lowered[0]["date"], "2024-09-01");
}

#[test]
fn a_renamed_plan_folder_keeps_its_history() {
    let s = Site::new();
    let first = s.commit(JAN, &[]);
    s.edit("t", "value = 98.0", "value = 95.0");
    let second = s.commit(JUN, &[first]);
    // Rename t → t2 (its id is its folder name).
    let plans = s.root.join("content/plans");
    fs::rename(plans.join("t"), plans.join("t2")).unwrap();
    let plan = plans.join("t2/plan.toml");
    let text = fs::read_to_string(&plan).unwrap();
    fs::write(&plan, text.replacen("id = \"t\"", "id = \"t2\"", 1)).unwrap();
    let third = s.commit(SEP, &[second]);
    s.edit(
        "t2",
        "year = 2026\n  value = 9.0",
        "year = 2027\n  value = 9.0",
    );
    s.commit(SEP + 86_400, &[third]);
    let out = s.root.join("public");
    s.build(&out);
    let h = history(&out);
    let plans: Vec<&str> = h["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["plan"].as_str().unwrap())
        .collect();
    assert_eq!(plans, ["t2", "t2"], "{h:#}");
    let one = revisions(&page(&out, "t2", "1")).to_string();
    assert!(one.contains("目标下调") && one.contains("98%"), "{one}");
    // Newest first.
    assert_eq!(changes(&h, "deadline_later")[0]["date"], "2024-09-02");
    assert!(h["changes"][0]["kind"] == "deadline_later");
}

#[test]
fn a_shallow_clone_says_where_its_history_starts() {
    let (s, _, second) = weakened_site();
    // As `git clone --depth 1` leaves it: the newest commit is a boundary, its parent absent.
    fs::write(s.root.join(".git/shallow"), format!("{second}\n")).unwrap();
    let out = s.root.join("public");
    let err = s.build(&out);
    assert!(err.contains("shallow clone"), "{err}");
    let h = history(&out);
    assert!(h["limits"][0].as_str().unwrap().contains("shallow clone"));
    assert_eq!(h["commits"], 1);
    assert!(h["changes"].as_array().unwrap().is_empty());
}

#[test]
fn without_git_the_build_says_once_that_history_is_off() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_tree(&repo().join("tests/fixtures/trackers"), &root);
    let out = tmp.path().join("public");
    let o = try_build(&root, &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stderr(&o)
            .matches("修订记录 (revision history) is off")
            .count(),
        1,
        "{}",
        stderr(&o)
    );
    assert!(!out.join("data/history.json").exists());
    assert!(!page(&out, "t", "1").contains("修订记录"));
}

#[test]
fn a_plans_own_targets_in_plan_toml_are_followed_too() {
    let s = Site::new();
    let plan = s.root.join("content/plans/t/plan.toml");
    let text = fs::read_to_string(&plan).unwrap();
    let target = "\n[[target]]\nid = \"p-1\"\ntext = \"森林覆盖率达到30%\"\ncomparator = \">=\"\nvalue = 30.0\nunit = \"%\"\nyear = 2025\n";
    fs::write(&plan, format!("{text}{target}")).unwrap();
    let first = s.commit(JAN, &[]);
    fs::write(
        &plan,
        format!("{text}{}", target.replace("value = 30.0", "value = 28.0")),
    )
    .unwrap();
    s.commit(SEP, &[first]);
    let out = s.root.join("public");
    s.build(&out);
    let h = history(&out);
    let lowered = changes(&h, "target_lowered");
    assert_eq!(lowered.len(), 1, "{h:#}");
    assert_eq!(lowered[0]["target"], "p-1");
    assert!(lowered[0]["task"].is_null());
    let page = fs::read_to_string(out.join("plans/t/index.html")).unwrap();
    let i = page.find("公布后下调或推迟的目标").unwrap();
    let list = &page[i..i + page[i..].find("</section>").unwrap()];
    assert!(
        list.contains("森林覆盖率达到30%")
            && list.contains("30%</del>")
            && list.contains("28%</ins>"),
        "{list}"
    );
}

#[test]
fn a_report_figure_changed_without_a_correction_is_flagged_and_one_with_a_correction_is_not() {
    let s = Site::new();
    let progress = s.root.join("content/plans/t/progress");
    let first = s.commit(JAN, &[]);
    // Report of task 3: its figure changed silently.
    let three = progress.join("2025-06-30-3.md");
    let text = fs::read_to_string(&three).unwrap();
    fs::write(&three, text.replacen("value = 99.5", "value = 97.0", 1)).unwrap();
    // Report of task 1: changed, with a [[correction]] saying so.
    let one = progress.join("2024-06-30-1.md");
    let text = fs::read_to_string(&one).unwrap();
    let old = text
        .lines()
        .find(|l| l.starts_with("value = "))
        .unwrap()
        .to_string();
    let corrected = text.replacen(&old, "value = 96.0", 1).replacen(
        "\n+++\n",
        "\n[[correction]]\ndate = 2024-09-01\ntarget = \"1-1\"\nnote = \"数据复核后更正\"\n+++\n",
        1,
    );
    fs::write(&one, corrected).unwrap();
    s.commit(SEP, &[first]);
    let out = s.root.join("public");
    s.build(&out);
    let h = history(&out);
    let silent = changes(&h, "silent_correction");
    assert_eq!(silent.len(), 1, "{h:#}");
    assert_eq!(silent[0]["task"], "3");
    assert_eq!(silent[0]["target"], "3-1");
    assert_eq!(
        (silent[0]["old"].as_f64(), silent[0]["new"].as_f64()),
        (Some(99.5), Some(97.0))
    );
    assert_eq!(silent[0]["report"], "2025-06-30");
    let page3 = page(&out, "t", "3");
    let section = revisions(&page3);
    assert!(
        section.contains("未说明的更正") && section.contains("99.5") && section.contains("97"),
        "{section}"
    );
    assert!(page3.contains("进展报告数值未说明的更正 1 处"));
    assert_eq!(
        revisions(&page(&out, "t", "1")),
        "",
        "a correction that says so is not flagged"
    );
}

/// Every file of a folder, by relative path.
fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (
                rel.to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Builds into a new folder beside the site and returns its files.
fn built(s: &Site, name: &str) -> std::collections::BTreeMap<String, Vec<u8>> {
    let out = s._tmp.path().join(name);
    s.build(&out);
    files(&out)
}

#[test]
fn a_build_from_the_cache_and_one_going_on_from_it_equal_builds_without_it() {
    let (s, _, second) = weakened_site();
    let cache = s.root.join(".gongkai-cache");
    let fresh = built(&s, "a");
    // The first build kept what it read, in a folder git ignores.
    let kept = fs::read_to_string(cache.join("history.json")).expect("the history is kept");
    assert!(kept.contains(&second.to_string()));
    assert_eq!(
        fs::read_to_string(cache.join(".gitignore"))
            .unwrap()
            .lines()
            .last(),
        Some("*")
    );
    // From the cache as it is (same HEAD): the same bytes.
    assert!(built(&s, "b") == fresh, "a build from the cache differs");

    // New commits: a rename of the plan folder and a later deadline. The next build goes on
    // from the cache; it gives what a build without the cache gives.
    let plans = s.root.join("content/plans");
    fs::rename(plans.join("t"), plans.join("t2")).unwrap();
    let plan = plans.join("t2/plan.toml");
    let text = fs::read_to_string(&plan).unwrap();
    fs::write(&plan, text.replacen("id = \"t\"", "id = \"t2\"", 1)).unwrap();
    let third = s.commit(SEP, &[second]);
    s.edit("t2", "value = 95.0", "value = 93.0");
    let fourth = s.commit(SEP + 86_400, &[third]);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["build", "--root", s.root.to_str().unwrap(), "--output"])
        .arg(s._tmp.path().join("c"))
        .env("GONGKAI_TIMINGS", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("history walked 2 of 4 commits"),
        "only the new commits are read: {}",
        stderr(&o)
    );
    let resumed = files(&s._tmp.path().join("c"));
    let kept = fs::read_to_string(cache.join("history.json")).unwrap();
    assert!(kept.contains(&fourth.to_string()), "the cache follows HEAD");
    fs::remove_dir_all(&cache).unwrap();
    let whole = built(&s, "d");
    assert!(
        resumed == whole,
        "going on from the cache differs from reading it all"
    );
    let h: serde_json::Value = serde_json::from_slice(&whole["data/history.json"]).unwrap();
    assert_eq!(h["commits"], 4);
    let plans: Vec<&str> = h["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["plan"].as_str().unwrap())
        .collect();
    assert_eq!(plans, ["t2", "t2", "t2"], "{h:#}");

    // A damaged cache is not trusted: read again, same bytes, and replaced.
    fs::write(cache.join("history.json"), "{\"format\": 1, \"changes\": [").unwrap();
    assert!(built(&s, "e") == whole, "a damaged cache changed the site");
    assert!(fs::read_to_string(cache.join("history.json"))
        .unwrap()
        .contains(&fourth.to_string()));
}

#[test]
fn the_history_file_is_in_the_data_package_and_on_the_data_page() {
    let (s, _, _) = weakened_site();
    let out = s.root.join("public");
    s.build(&out);
    let pkg: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("data/datapackage.json")).unwrap()).unwrap();
    let history = pkg["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["path"] == "history.json")
        .expect("datapackage.json lists history.json");
    let description = history["description"].as_str().unwrap();
    for field in [
        "plan", "task", "target", "field", "old", "new", "date", "commit", "kind",
    ] {
        assert!(
            description.contains(&format!("{field}(")),
            "{field} is not described: {description}"
        );
    }
    let page = fs::read_to_string(out.join("data/index.html")).unwrap();
    assert!(page.contains(r#"<a href="history.json">history.json</a>"#));
    assert!(page.contains("<code>changes[].kind</code>") && page.contains("目标下调"));
    assert!(broken_links(&out).is_empty(), "{:?}", broken_links(&out));
    if tools::python_module("frictionless") {
        let (ok, text) = tools::python(
            "import sys\nfrom frictionless import validate\nr = validate(sys.argv[1])\nprint(r.valid)\nprint(r.flatten(['rowNumber','fieldName','type','note']))",
            &[out.join("data/datapackage.json").to_str().unwrap()],
        );
        assert!(ok && text.starts_with("True"), "{text}");
    }
}
