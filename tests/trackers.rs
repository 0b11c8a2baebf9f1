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

/// A site of `plans` plans, each with one task of `targets` numeric targets due in 2026 and
/// two due in 2025.
fn many_targets(root: &std::path::Path, plans: usize, targets: usize) {
    let content = root.join("content");
    fs::create_dir_all(&content).unwrap();
    fs::write(
        content.join("site.toml"),
        "title = \"目标分页测试站\"\nas_of = 2025-06-30\n[publisher]\nname = \"测试市人民政府办公室\"\nemail = \"t@example.org\"\n",
    )
    .unwrap();
    fs::create_dir_all(content.join("units")).unwrap();
    fs::write(
        content.join("units/t.toml"),
        "name = \"测试市\"\n[[unit]]\nid = \"t-a\"\nname = \"市甲局\"\n",
    )
    .unwrap();
    for p in 0..plans {
        let dir = content.join(format!("plans/p{p:02}"));
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join("plan.toml"),
            format!("id = \"p{p:02}\"\ntitle = \"第{p}号规划\"\njurisdiction = \"t\"\nperiod = {{ start = 2023, end = 2026 }}\n"),
        )
        .unwrap();
        let mut tasks =
            String::from("[[task]]\nid = \"1\"\ntitle = \"任务\"\nlead = [\"市甲局\"]\n");
        for t in 0..targets {
            tasks += &format!(
                "  [[task.target]]\n  id = \"1-{t}\"\n  text = \"规划{p}目标{t}达到{t}%\"\n  year = 2026\n  value = {t}.0\n  unit = \"%\"\n  comparator = \">=\"\n"
            );
        }
        for t in 0..2 {
            tasks += &format!("  [[task.target]]\n  id = \"1-e{t}\"\n  text = \"规划{p}目标e{t}在2025年达到\"\n  year = 2025\n  value = 1.0\n  comparator = \">=\"\n");
        }
        fs::write(dir.join("tasks.toml"), tasks).unwrap();
    }
}

/// The text of the first link of each row of a list page, its rows found by `row_start`.
fn row_links(html: &str, row_start: &str) -> Vec<String> {
    html.split(row_start)
        .skip(1)
        .map(|row| {
            let text = row.split("</a>").next().unwrap();
            text.rsplit('>').next().unwrap().to_string()
        })
        .collect()
}

/// The targets a `targets/` page lists, by their text.
fn listed(html: &str) -> Vec<String> {
    row_links(html, "<tr data-status=")
}

#[test]
fn large_target_lists_are_paged_and_a_big_site_links_its_plans_from_the_first_page() {
    let tmp = tempfile::tempdir().unwrap();
    // 25 plans of 10 targets: 250 targets, more than a page holds, and more plans than every
    // page lists.
    many_targets(tmp.path(), 25, 8);
    let out = tmp.path().join("public");
    build(tmp.path(), &out);
    let read = |p: &str| fs::read_to_string(out.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));

    // The whole list is on targets/index.html and targets/page/2/, each target once.
    let first = read("targets/index.html");
    let second = read("targets/page/2/index.html");
    assert!(
        !out.join("targets/page/3").exists(),
        "250 targets make two pages"
    );
    let mut all: Vec<String> = listed(&first);
    all.extend(listed(&second));
    assert_eq!(listed(&first).len(), 150);
    let mut unique = all.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        (all.len(), unique.len()),
        (250, 250),
        "every target exactly once"
    );
    assert!(
        first.contains("250 个目标(本页第 1–150 个)"),
        "the caption says which part"
    );
    assert!(second.contains("250 个目标(本页第 151–250 个)"));
    assert!(first.contains(r#"rel="next" href="../targets/page/2/index.html""#));
    assert!(second.contains(r#"rel="prev" href="../../../targets/index.html""#));
    assert!(second.contains("第 2 / 2 页") && second.contains("<title>目标进展(第 2 页) · "));

    // A year's view is paged the same way: 200 targets due in 2026.
    let year = read("targets/year/2026/index.html");
    let year2 = read("targets/year/2026/page/2/index.html");
    assert_eq!((listed(&year).len(), listed(&year2).len()), (150, 50));
    assert!(year2.contains(r#"rel="prev" href="../../../../../targets/year/2026/index.html""#));
    assert_eq!(listed(&read("targets/year/2025/index.html")).len(), 50);

    // Only the first page lists every plan; a plan's view names its own plan and links there.
    let plan_links = |html: &str| html.matches(r#"href="../targets/plan/p"#).count();
    assert_eq!(plan_links(&first), 25);
    assert!(first.contains(r#"<p id="by-plan">"#));
    let plan = read("targets/plan/p07/index.html");
    assert_eq!(listed(&plan).len(), 10);
    assert!(plan.contains(r#"aria-current="page">第7号规划(10)</a>"#));
    assert!(plan.contains("全部 25 个规划</a>") && !plan.contains("第8号规划"));
    assert!(second.contains("全部 25 个规划</a>") && !second.contains("第7号规划("));

    let broken = broken_links(&out);
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// The tasks a department's page lists, by their title.
fn unit_rows(html: &str) -> Vec<String> {
    row_links(html, "<th scope=\"row\">")
}

#[test]
fn a_department_s_long_task_lists_are_paged_each_task_listed_once() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    fs::create_dir_all(content.join("units")).unwrap();
    fs::write(
        content.join("site.toml"),
        "title = \"部门分页测试站\"\nas_of = 2025-06-30\n[publisher]\nname = \"测试市人民政府办公室\"\n",
    )
    .unwrap();
    fs::write(
        content.join("units/t.toml"),
        "name = \"测试市\"\n[[unit]]\nid = \"t-a\"\nname = \"市甲局\"\n[[unit]]\nid = \"t-b\"\nname = \"市乙局\"\n",
    )
    .unwrap();
    // 320 tasks led by 市甲局; 市乙局 shares the first 160.
    let dir = content.join("plans/p");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("plan.toml"),
        "id = \"p\"\ntitle = \"测试规划\"\njurisdiction = \"t\"\nperiod = { start = 2023, end = 2026 }\n",
    )
    .unwrap();
    let mut tasks = String::new();
    for t in 0..320 {
        let shared = if t < 160 {
            "\nresponsible = [\"市乙局\"]"
        } else {
            ""
        };
        tasks += &format!(
            "[[task]]\nid = \"{t}\"\ntitle = \"任务第{t}项\"\nlead = [\"市甲局\"]{shared}\n"
        );
    }
    fs::write(dir.join("tasks.toml"), tasks).unwrap();
    let out = tmp.path().join("public");
    build(tmp.path(), &out);
    let read = |p: &str| fs::read_to_string(out.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));

    // 市甲局: its own page holds the scorecard and the first 150 of the 320 tasks it leads,
    // then lead/page/2/ and lead/page/3/; together each task once, in order.
    let own = read("units/t-a/index.html");
    assert!(
        own.contains("牵头 320 项任务,参与 0 项任务"),
        "the counts are the whole lists'"
    );
    assert!(own.contains("共 320 项(本页第 1–150 项)"));
    let (two, three) = (
        read("units/t-a/lead/page/2/index.html"),
        read("units/t-a/lead/page/3/index.html"),
    );
    assert!(!out.join("units/t-a/lead/page/4").exists());
    assert!(
        !out.join("units/t-a/shared").exists(),
        "no tasks shared, no pages"
    );
    let mut all = unit_rows(&own);
    assert_eq!(
        (all.len(), unit_rows(&two).len(), unit_rows(&three).len()),
        (150, 150, 20)
    );
    all.extend(unit_rows(&two));
    all.extend(unit_rows(&three));
    let expected: Vec<String> = (0..320).map(|t| format!("任务第{t}项")).collect();
    assert_eq!(all, expected, "every task once, in the plan's order");
    assert!(three.contains("共 320 项(本页第 301–320 项)"));
    // A further page names the list and the page, and leaves out the scorecard.
    assert!(two.contains("<title>市甲局 · 牵头任务(第 2 页) · "));
    assert!(two.contains(r#"<a href="../../../../../units/t-a/index.html">市甲局</a> › <span aria-current="page">牵头任务 第 2 页</span>"#));
    assert!(!two.contains("目标完成情况") && !two.contains("参与任务"));
    // The pager goes back to the list on the department's page, and on to the next page.
    assert!(own.contains(r#"aria-label="牵头任务分页""#));
    assert!(own.contains(r#"rel="next" href="../../units/t-a/lead/page/2/index.html""#));
    assert!(two.contains(r#"rel="prev" href="../../../../../units/t-a/index.html#lead""#));
    assert!(two.contains(r#"rel="next" href="../../../../../units/t-a/lead/page/3/index.html""#));
    assert!(three.contains("第 3 / 3 页") && !three.contains(r#"rel="next""#));

    // 市乙局 shares 160: 150 on its page, 10 on shared/page/2/.
    let b = read("units/t-b/index.html");
    let b2 = read("units/t-b/shared/page/2/index.html");
    assert!(b.contains("牵头 0 项任务,参与 160 项任务"));
    assert_eq!((unit_rows(&b).len(), unit_rows(&b2).len()), (150, 10));
    assert!(b.contains(r#"aria-label="参与任务分页""#) && !b.contains("牵头任务分页"));
    assert!(b2.contains("<title>市乙局 · 参与任务(第 2 页) · "));

    let broken = broken_links(&out);
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn a_site_of_many_plans_shows_the_latest_on_its_home_page_and_lists_all_on_plans() {
    let tmp = tempfile::tempdir().unwrap();
    many_targets(tmp.path(), 205, 0);
    // Three plans have progress: the home page shows them first, the latest first.
    for (p, date) in [(150, "2025-03-01"), (7, "2025-05-01"), (201, "2025-04-01")] {
        let dir = tmp.path().join(format!("content/plans/p{p:02}/progress"));
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join(format!("{date}-t1.md")),
            format!("+++\ntask = \"1\"\ndate = {date}\nstatus = \"in_progress\"\n+++\n推进中。\n"),
        )
        .unwrap();
    }
    let out = tmp.path().join("public");
    build(tmp.path(), &out);
    let read = |p: &str| fs::read_to_string(out.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let cards = |html: &str| -> Vec<String> {
        html.split("<li class=\"card\">")
            .skip(1)
            .map(|c| {
                c.split("\">")
                    .nth(1)
                    .unwrap()
                    .split('<')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };

    // The home page: 20 cards, the most recently updated first, then in site order.
    let home = read("index.html");
    let shown = cards(&home);
    assert_eq!(shown.len(), 20);
    assert_eq!(
        shown[..4],
        ["第7号规划", "第201号规划", "第150号规划", "第0号规划"]
    );
    assert!(home.contains(
        r#"共 205 个规划,以上是最近更新的 20 个。<a href="plans/index.html">全部规划文件 →</a>"#
    ));

    // plans/: every plan once, in site order, 100 a page.
    let pages = [
        "plans/index.html",
        "plans/page/2/index.html",
        "plans/page/3/index.html",
    ];
    assert!(!out.join("plans/page/4").exists());
    let mut listed = Vec::new();
    for p in pages {
        let html = read(p);
        listed.extend(row_links(&html, "<tr><th scope=\"row\">"));
    }
    // Site order is the plans' folder order: p00 … p09, p10, p100 … p109, p11, ….
    let mut order: Vec<usize> = (0..205).collect();
    order.sort_by_key(|p| format!("p{p:02}"));
    let expected: Vec<String> = order.iter().map(|p| format!("第{p}号规划")).collect();
    assert_eq!(listed, expected);
    let last = read("plans/page/3/index.html");
    assert!(last.contains("共 205 个规划(本页第 201–205 个)"));
    assert!(last.contains(r#"rel="prev" href="../../../plans/page/2/index.html""#));
    assert!(last.contains("<title>规划文件(第 3 页) · "));
    assert!(read("plans/index.html").contains(r#"rel="next" href="../plans/page/2/index.html""#));
    // With a base URL, the sitemap lists the plan list too.
    let with_url = tmp.path().join("with-url");
    let o = try_build(
        tmp.path(),
        &with_url,
        &["--base-url", "https://example.org/"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let sitemap = fs::read_to_string(with_url.join("sitemap.xml")).unwrap();
    assert!(
        sitemap.contains("<loc>https://example.org/plans/</loc>"),
        "{sitemap}"
    );

    let broken = broken_links(&out);
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn a_plan_cannot_be_called_page() {
    let tmp = tempfile::tempdir().unwrap();
    many_targets(tmp.path(), 1, 0);
    let plans = tmp.path().join("content/plans");
    fs::rename(plans.join("p00"), plans.join("page")).unwrap();
    let toml = plans.join("page/plan.toml");
    let text = fs::read_to_string(&toml)
        .unwrap()
        .replace("id = \"p00\"", "id = \"page\"");
    fs::write(&toml, text).unwrap();
    let out = tmp.path().join("public");
    let o = try_build(tmp.path(), &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("plans/page/plan.toml:1:") && err.contains("plan id \"page\" is reserved"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
}
