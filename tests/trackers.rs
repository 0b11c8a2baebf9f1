//! End-to-end: a plan with known measurements renders the expected status labels, charts and
//! recomputable inputs on its task pages, plan page and the targets views.

#[path = "support/site.rs"]
mod site;

use std::fs;

use site::*;

fn built() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&repo().join("tests/fixtures/trackers"), &out);
    (tmp, out)
}

fn task(out: &std::path::Path, id: &str) -> String {
    fs::read_to_string(out.join(format!("plans/t/tasks/{id}/index.html"))).unwrap()
}

#[test]
fn each_task_page_shows_its_status_label_with_a_shape() {
    let (_tmp, out) = built();
    for (id, class, label) in [
        ("1", "on_track", "▲</span> 按计划推进"),
        ("2", "deteriorating", "▼</span> 偏离目标"),
        ("3", "limited_progress", "●</span> 进展有限"),
        ("4", "missed", "✖</span> 未按期实现"),
        ("5", "achieved", "✔</span> 已实现"),
        ("6", "no_data", "○</span> 暂无数据"),
    ] {
        let html = task(&out, id);
        assert!(
            html.contains(&format!("status status-{class}")),
            "task {id}: no {class} badge"
        );
        assert!(
            html.contains(label),
            "task {id}: status not shown as text and shape ({label})"
        );
    }
}

#[test]
fn numeric_trackers_have_an_accessible_chart_and_their_inputs() {
    let (_tmp, out) = built();
    let html = task(&out, "1");
    assert!(
        html.contains("<svg") && html.contains(r#"role="img""#),
        "chart drawn at build time"
    );
    assert!(
        html.contains("<title") && html.contains("<desc"),
        "chart has a text alternative"
    );
    // The inputs anyone needs to recompute the status.
    for needle in [
        "95%(2022-12-31)",
        "96.8%(2024-06-30)",
        "不低于 98%,期限 2025-12-31",
        "121.1%",
    ] {
        assert!(html.contains(needle), "task 1 page lacks {needle}");
    }
    let svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
    assert!(
        !svg.contains("<script")
            && !["onload=", "onclick=", "onerror=", "onmouseover="]
                .iter()
                .any(|h| svg.contains(h)),
        "the chart needs no JavaScript"
    );
    // A target with nothing to draw says so instead of an empty chart.
    let html = task(&out, "6");
    assert!(!html.contains("<svg") && html.contains("暂无测量数据"));
}

#[test]
fn the_plan_page_counts_statuses_and_states_the_roll_up_rule() {
    let (_tmp, out) = built();
    let html = fs::read_to_string(out.join("plans/t/index.html")).unwrap();
    assert!(html.contains("class=\"stacked-bar\""));
    for label in [
        "已实现 1 项",
        "按计划推进 1 项",
        "进展有限 1 项",
        "偏离目标 1 项",
        "未按期实现 1 项",
        "暂无数据 1 项",
    ] {
        assert!(html.contains(label), "stacked bar's text lacks {label}");
    }
    assert!(html.contains("简单平均"), "roll-up rule stated on the page");
}

#[test]
fn targets_views_filter_without_javascript() {
    let (_tmp, out) = built();
    let missed = fs::read_to_string(out.join("targets/status/missed/index.html")).unwrap();
    assert!(missed.contains("2024年覆盖率达到50%") && !missed.contains("污水处理率达到98%以上"));
    let y2026 = fs::read_to_string(out.join("targets/year/2026/index.html")).unwrap();
    assert!(y2026.contains("管网漏损率控制在9%以内") && !y2026.contains("2024年覆盖率达到50%"));
    let all = fs::read_to_string(out.join("targets/index.html")).unwrap();
    assert_eq!(all.matches("<tr data-status=").count(), 6);
    assert!(
        all.contains(r#"href="status/missed/index.html""#)
            || all.contains("targets/status/missed/index.html")
    );
}

#[test]
fn the_unit_scorecard_counts_the_targets_of_the_tasks_it_leads() {
    let (_tmp, out) = built();
    let html = fs::read_to_string(out.join("units/t-a/index.html")).unwrap();
    assert!(html.contains("牵头 6 项任务"));
    assert!(html.contains("未按期实现 1 项"));
    assert!(
        html.contains("2024年覆盖率达到50%"),
        "missed targets listed as overdue items"
    );
}
