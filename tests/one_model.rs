//! One site model: the open data says exactly what the pages show. Builds the bundled site and
//! reads `data/plans.json` beside the built HTML, as a reader comparing the two would: every
//! plan's 索引号 (plan page and catalogue), every task's status (task page and the plan's task
//! table), every target's status and latest value (task page and the targets table).

#[path = "support/site.rs"]
mod site;

use std::fs;
use std::path::Path;

use serde_json::Value;
use site::*;

/// The text between `start` and the next `end` after it, searching from the first `anchor`.
fn after<'a>(html: &'a str, anchor: &str, start: &str, end: &str) -> Option<&'a str> {
    let from = html.find(anchor)?;
    let rest = &html[from..];
    let s = rest.find(start)? + start.len();
    let e = rest[s..].find(end)?;
    Some(&rest[s..s + e])
}

/// Text with its tags removed and whitespace collapsed.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The label pages show for a report status as plans.json writes it (null: no report yet).
fn status_label(status: &Value) -> &'static str {
    match status.as_str() {
        None => "暂无报告",
        Some("not_started") => "未开始",
        Some("in_progress") => "推进中",
        Some("completed") => "已完成",
        Some("delayed") => "滞后",
        Some("suspended") => "暂停",
        Some(other) => panic!("unknown status {other}"),
    }
}

/// The leading number of a cell such as "96.8%(2024-06-30)".
fn leading_number(cell: &str) -> Option<f64> {
    let n: String = cell
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | '-'))
        .collect();
    n.parse().ok()
}

fn read(out: &Path, rel: &str) -> String {
    fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The row of a table (`<tr …>…</tr>`) that links to `url`.
fn row_linking<'a>(html: &'a str, url: &str) -> Option<&'a str> {
    let link = format!("{url}\"");
    html.split("<tr").skip(1).find_map(|row| {
        let row = &row[..row.find("</tr>")?];
        row.contains(&link).then_some(row)
    })
}

#[test]
fn plans_json_and_the_pages_show_the_same_index_numbers_statuses_and_latest_values() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&repo(), &out);
    let json: Value = serde_json::from_str(&read(&out, "data/plans.json")).unwrap();
    let catalogue = read(&out, "disclosure/catalogue/index.html");
    let targets_page = read(&out, "targets/index.html");
    let (mut numbered, mut assigned, mut reported, mut measured) = (0, 0, 0, 0);

    for plan in json["plans"].as_array().unwrap() {
        let url = plan["url"].as_str().unwrap();
        let page = read(&out, &format!("{url}index.html"));
        // 索引号: plans.json, the plan page and the plan's catalogue row agree.
        let on_page = after(&page, "<dt>索引号</dt>", "<dd>", "</dd>").map(text);
        let row = row_linking(&catalogue, &format!("{url}index.html"))
            .unwrap_or_else(|| panic!("{url} has no catalogue row"));
        let in_catalogue = after(row, "data-label=\"索引号\"", ">", "</td>").map(text);
        match plan["index_number"].as_str() {
            Some(n) => {
                numbered += 1;
                let is_assigned = plan["index_assigned"].as_bool().unwrap();
                assigned += usize::from(is_assigned);
                let on_page = on_page.unwrap_or_else(|| panic!("{url}: no 索引号 on the page"));
                assert!(on_page.starts_with(n), "{url}: page {on_page}, json {n}");
                assert_eq!(on_page.contains("编配"), is_assigned, "{url}: {on_page}");
                let in_catalogue = in_catalogue.unwrap();
                assert!(
                    in_catalogue.starts_with(n),
                    "{url}: catalogue {in_catalogue}"
                );
                assert_eq!(in_catalogue.contains("编配"), is_assigned, "{in_catalogue}");
            }
            None => {
                assert_eq!(
                    on_page, None,
                    "{url}: the page shows a 索引号 plans.json lacks"
                );
                assert_eq!(in_catalogue.as_deref(), Some("—"), "{url}");
            }
        }

        for task in plan["tasks"].as_array().unwrap() {
            let task_url = task["url"].as_str().unwrap();
            let task_page = read(&out, &format!("{task_url}index.html"));
            let label = status_label(&task["status"]);
            reported += usize::from(!task["status"].is_null());
            // The task page's 当前进展 and the plan page's task table.
            let shown = text(after(&task_page, "<dt>当前进展</dt>", "<dd>", "</dd>").unwrap());
            assert!(
                shown.starts_with(label),
                "{task_url}: page {shown}, json {label}"
            );
            let task_row = row_linking(&page, &format!("{task_url}index.html"))
                .unwrap_or_else(|| panic!("{task_url} is not in its plan's task table"));
            assert!(text(task_row).contains(label), "{task_url}: {task_row}");

            for target in task["targets"].as_array().unwrap() {
                let id = target["id"].as_str().unwrap();
                let anchor = format!("<article class=\"target\" id=\"target-{id}\">");
                let status = target["status"].as_str().unwrap();
                let on_task_page = after(&task_page, &anchor, "class=\"status status-", "\"")
                    .unwrap_or_else(|| panic!("{task_url}: no target {id}"));
                assert_eq!(on_task_page, status, "{task_url}#{id}");
                let latest_cell = text(
                    after(
                        &task_page,
                        &anchor,
                        "<th scope=\"row\">最新值</th><td>",
                        "</td>",
                    )
                    .unwrap(),
                );
                let target_url = format!("{task_url}index.html#target-{id}");
                let row = row_linking(&targets_page, &target_url)
                    .unwrap_or_else(|| panic!("{target_url} is not on the targets page"));
                assert!(row.contains(&format!("data-status=\"{status}\"")), "{row}");
                // The fourth cell: status, plan / task, latest value.
                let latest_row = text(
                    row.split("<td")
                        .nth(3)
                        .map(|c| &c[c.find('>').unwrap() + 1..])
                        .unwrap(),
                );
                match target["latest"].as_object() {
                    Some(latest) => {
                        measured += 1;
                        let value = latest["value"].as_f64().unwrap();
                        let date = latest["date"].as_str().unwrap();
                        for (what, cell) in
                            [("task page", &latest_cell), ("targets page", &latest_row)]
                        {
                            let shown = leading_number(cell)
                                .unwrap_or_else(|| panic!("{target_url}: {what} shows {cell}"));
                            assert!(
                                (shown - value).abs() < 1e-9,
                                "{target_url}: {what} {cell}, json {value}"
                            );
                            assert!(
                                cell.contains(date),
                                "{target_url}: {what} {cell}, json {date}"
                            );
                        }
                    }
                    None => {
                        assert_eq!(latest_cell, "暂无测量数据", "{target_url}");
                        assert_eq!(latest_row, "—", "{target_url}");
                    }
                }
            }
        }
    }
    // The bundled site exercises every branch: printed and assigned numbers, tasks with and
    // without reports, targets with and without measurements.
    assert!(
        numbered > assigned && assigned >= 3,
        "{numbered} {assigned}"
    );
    assert!(reported > 0 && measured > 0, "{reported} {measured}");
}

/// A task's 完成时限 goes from tasks.toml into the model, and from there to its page and to
/// `data/plans.json`; a task without one shows none and has no `deadline` key.
#[test]
fn a_task_deadline_is_on_its_page_and_in_plans_json() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&repo().join("tests/fixtures/basic"), &out);
    let json: Value = serde_json::from_str(&read(&out, "data/plans.json")).unwrap();
    let tasks = json["plans"][0]["tasks"].as_array().unwrap();
    assert_eq!(tasks[1]["deadline"], "2025-06-30");
    assert!(tasks[0].get("deadline").is_none(), "{}", tasks[0]);
    let with = read(&out, "plans/demo-plan/tasks/2/index.html");
    let shown = after(&with, "<dt>完成时限</dt>", "<dd>", "</dd>").map(text);
    assert_eq!(shown.as_deref(), Some("2025-06-30"));
    let without = read(&out, "plans/demo-plan/tasks/1/index.html");
    assert!(!without.contains("完成时限"));
}

/// A field of a task in tasks.toml is shown wherever the templates name it, with no code
/// between: the task's 备注 (remark) is on its page, and a task without one shows none.
#[test]
fn a_task_remark_goes_from_tasks_toml_to_its_page() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&repo().join("tests/fixtures/basic"), &out);
    let with = read(&out, "plans/demo-plan/tasks/2/index.html");
    let shown = after(&with, "<dt>备注</dt>", "<dd>", "</dd>").map(text);
    assert_eq!(shown.as_deref(), Some("与年度碳排放核算同步报送"));
    let without = read(&out, "plans/demo-plan/tasks/1/index.html");
    assert!(!without.contains("<dt>备注</dt>"));
}

/// `gongkai check` of the basic fixture with the first `from` in its `tasks.toml` replaced by
/// `to`: the exit code and what it printed on stderr.
fn check_with_tasks_edit(from: &str, to: &str) -> (Option<i32>, String) {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/fixtures/basic"), tmp.path());
    let tasks = tmp.path().join("content/plans/demo-plan/tasks.toml");
    let text = fs::read_to_string(&tasks).unwrap();
    assert!(
        text.contains(from),
        "the fixture's tasks.toml holds {from:?}"
    );
    fs::write(&tasks, text.replacen(from, to, 1)).unwrap();
    let out = gongkai(&["check", "--root", tmp.path().to_str().unwrap()]);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A misspelt task field is refused with its line and column, as before the tasks were read
/// straight into the model.
#[test]
fn an_unknown_task_field_is_a_located_error() {
    let (code, err) = check_with_tasks_edit("remark =", "remarks =");
    assert_eq!(code, Some(1));
    assert!(
        err.contains("content/plans/demo-plan/tasks.toml:26:1: error: unknown field `remarks`"),
        "{err}"
    );
}

/// A deadline with a time is one located error; the file's other tasks still load (no report
/// is left pointing at a task that vanished).
#[test]
fn a_deadline_with_a_time_is_one_located_error() {
    let (code, err) =
        check_with_tasks_edit("deadline = 2025-06-30", "deadline = 2025-06-30T10:00:00");
    assert_eq!(code, Some(1));
    assert!(
        err.contains("content/plans/demo-plan/tasks.toml:25:12: error: expected a date"),
        "{err}"
    );
    assert!(err.contains("1 error(s)"), "{err}");
}
