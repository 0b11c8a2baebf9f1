//! Decoded text → a [`Plan`]: debris, outline, metadata, tasks, safeguards, targets.
//!
//! Pure: reads nothing and writes nothing, so tests feed it strings. Which top-level parts are
//! tasks is decided by what they hold, not by their numbers: the overall-goals part (总体要求,
//! 工作目标 …) gives the goals text and plan-level targets; a closing part (保障措施, 工作保障,
//! 强化组织实施 …) whose items carry no responsibility line gives safeguards; every other part
//! gives sections (its inner headings) and tasks (its innermost items).

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::debris::{self, Line};
use super::duty;
use super::metadata::{self, Metadata};
use super::model::{Duty, Plan, Safeguard, Section, Task};
use super::outline::{self, Outline, Para};
use super::table::{self, Row};
use super::targets;
use super::text::{simplified_view, Dual};
use crate::diagnostics::{Diagnostic, Pos};

static GOALS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"总体要求|目标").unwrap());
static PREFACE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"指导思想|基本原则|工作原则|总体思路").unwrap());
static SAFEGUARD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"保障措施|工作保障|组织实施|组织保障|实施保障|保障机制|工作要求|组织领导|实施步骤|工作步骤|方法步骤|步骤安排|进度安排|时间安排|工作进度")
        .unwrap()
});

/// The result of reading one document.
#[derive(Debug)]
pub struct Imported {
    pub plan: Plan,
    /// The jurisdiction's printed name (e.g. 武漢市), for a new units file.
    pub jurisdiction_name: String,
    pub warnings: Vec<Diagnostic>,
}

/// Reads a plan document. `path` is only used in messages; `jurisdiction` overrides detection.
pub fn assemble(
    text: &str,
    id: &str,
    path: &Path,
    jurisdiction: Option<&str>,
) -> Result<Imported, Vec<Diagnostic>> {
    let view = simplified_view(text);
    let mut lines = debris::mark(text, &view);
    // A task-division table's lines are not the text of an item.
    let (rows, table_lines) = table::read(&lines);
    for l in &mut lines {
        if table_lines.contains(&l.no) {
            l.keep = false;
        }
    }
    let o = outline::build(&lines);
    let header_end = o.first_heading.unwrap_or(lines.len());
    let meta = metadata::extract(&lines, header_end);
    let mut warnings = Vec::new();

    let mut plan = Plan {
        id: id.to_string(),
        title: String::new(),
        jurisdiction: String::new(),
        issuer: meta.issuer.clone(),
        doc_number: meta.doc_number.clone(),
        index_number: meta.index_number.clone(),
        categories: meta.categories.clone(),
        written: meta.written,
        published: meta.published,
        validity: meta.validity.clone(),
        period: meta.period,
        source: "source.txt".into(),
        summary: meta.summary.clone(),
        goals: None,
        sections: Vec::new(),
        safeguards: Vec::new(),
        targets: Vec::new(),
        tasks: Vec::new(),
    };
    plan.title = title(&meta, &lines, &o).ok_or_else(|| {
        vec![Diagnostic::error(path, Pos::START, "found no title for the plan")
            .with_help("the title is read from a line ending in 方案/计划/规划/意见… above the first section, or from 《…》 in the notice")]
    })?;

    // 列第一位者为牵头单位, stated once: from that line on, a plain list's first unit leads.
    let first_leads = lines
        .iter()
        .find(|l| l.keep && duty::FIRST_LEADS.is_match(&l.norm))
        .map(|l| l.no);
    parts(&o, &rows, path, first_leads, &mut plan, &mut warnings);
    // A body that assigns no work to anyone, with an annex that lists the tasks with their
    // units (a 考评办法 whose 考评指标 annex is the year's task list): the annex's items are the
    // tasks.
    let unassigned = |t: &Task| t.duty.lead.is_empty() && t.duty.responsible.is_empty();
    if plan.tasks.iter().all(unassigned) {
        if let Some(end) = o.end {
            let annex = outline::build(&lines[end + 1..]);
            let mut read = Plan {
                sections: Vec::new(),
                tasks: Vec::new(),
                ..plan.clone()
            };
            let mut annex_warnings = Vec::new();
            parts(
                &annex,
                &rows,
                path,
                first_leads,
                &mut read,
                &mut annex_warnings,
            );
            let assigned = read.tasks.iter().filter(|t| !unassigned(t)).count();
            if assigned * 2 > read.tasks.len() {
                plan.tasks = read.tasks;
                plan.sections = read.sections;
                warnings.retain(|w| !w.message.contains("no responsibility line"));
                warnings.extend(annex_warnings);
            }
        }
    }

    units_from_table(&rows, &mut plan, &mut warnings);

    if plan.tasks.is_empty() {
        let line = o.first_heading.map_or(1, |i| lines[i].no);
        return Err(vec![Diagnostic::error(path, Pos { line, col: 1 }, "no recognisable tasks in this document")
            .with_help("import looks for numbered items (一、 / (一) / 1. / 第一章 …) under a task section, each ending with a responsibility line such as (牵头单位:…;责任单位:…)")]);
    }
    // Asked last: a text without tasks is reported as such, not as a text without a city.
    let (slug, jname) = match (jurisdiction, &meta.jurisdiction) {
        (Some(j), Some((name, _))) => (j.to_string(), name.clone()),
        (Some(j), None) => (j.to_string(), j.to_string()),
        (None, Some((name, slug))) => (slug.clone(), name.clone()),
        (None, None) => {
            return Err(vec![Diagnostic::error(path, Pos::START, "cannot tell which city or county this plan belongs to")
                .with_help("no issuer or title names a 市/州/盟/县; pass --jurisdiction SLUG (e.g. --jurisdiction wuhan)")]);
        }
    };
    plan.jurisdiction = slug;
    Ok(Imported {
        plan,
        jurisdiction_name: jname,
        warnings,
    })
}

/// The top-level parts of an outline: goals, preface, safeguards, or tasks.
fn parts(
    o: &Outline,
    rows: &[Row],
    path: &Path,
    first_leads: Option<usize>,
    plan: &mut Plan,
    warnings: &mut Vec<Diagnostic>,
) {
    let mut prev_number = 0;
    for &root in &o.roots {
        let node = &o.nodes[root];
        let pos = Pos {
            line: node.head.line,
            col: 1,
        };
        if prev_number > 0 && node.number > prev_number + 1 {
            warnings.push(
                Diagnostic::warning(
                    path,
                    pos,
                    format!(
                        "section numbering skips from {} to {}",
                        prev_number, node.number
                    ),
                )
                .with_help("the document is imported as printed; check that no part is missing"),
            );
        }
        prev_number = node.number;
        // Units on the item's own lines, or in a task-division table row that names the item: a
        // closing part whose items the table assigns is tasks like any other.
        let has_duty = o.leaves(root).iter().any(|&l| {
            let (paras, duty) = item(o, l);
            duty.is_some()
                || (!rows.is_empty()
                    && table::row_for(rows, 0, usize::MAX, &title_and_text(&paras).0).is_some())
        });
        let title = node.head.norm.as_str();
        if !has_duty && PREFACE.is_match(title) && !GOALS.is_match(title) {
            continue;
        }
        if !has_duty && GOALS.is_match(title) {
            if plan.goals.is_none() {
                goals(o, root, plan);
            }
            continue;
        }
        if !has_duty && SAFEGUARD.is_match(title) {
            safeguards(o, root, plan);
            continue;
        }
        tasks(o, root, path, first_leads, plan, warnings);
    }
}

/// A task-division table gives units to the tasks that print none; when the text has no
/// numbered tasks at all, its rows are the tasks.
fn units_from_table(rows: &[Row], plan: &mut Plan, warnings: &mut Vec<Diagnostic>) {
    if rows.is_empty() {
        return;
    }
    if plan.tasks.is_empty() {
        for (i, r) in rows.iter().enumerate() {
            let n = i + 1;
            let label = r.number.map_or_else(|| n.to_string(), |k| k.to_string());
            let norm = simplified_view(&r.task);
            let para = Para {
                line: r.line,
                orig: r.task.clone(),
                norm,
            };
            let (title, text) = title_and_text(std::slice::from_ref(&para));
            plan.tasks.push(Task {
                id: n.to_string(),
                path: vec![label],
                title,
                text,
                duty: r.duty.clone(),
                targets: targets::extract(Dual::new(&para.orig, &para.norm), &format!("{n}-")),
                line: r.line,
            });
        }
        return;
    }
    let count = plan.tasks.len();
    let mut filled = Vec::new();
    for (i, t) in plan.tasks.iter_mut().enumerate() {
        if !t.duty.lead.is_empty() || !t.duty.responsible.is_empty() {
            continue;
        }
        if let Some(r) = table::row_for(rows, i, count, &t.title) {
            t.duty = r.duty.clone();
            filled.push(t.line);
        }
    }
    warnings
        .retain(|w| !(w.message.contains("no responsibility line") && filled.contains(&w.line)));
}

fn title(meta: &Metadata, lines: &[Line], _o: &Outline) -> Option<String> {
    meta.title.clone().or_else(|| {
        lines
            .iter()
            .find(|l| l.keep && !l.norm.trim().is_empty())
            .map(|l| l.orig.trim().to_string())
    })
}

/// An item's paragraphs up to its responsibility line, and what the line says. Without such a
/// line, units printed before the duty (`城运中心：负责…`) are the item's units.
fn item(o: &Outline, i: usize) -> (Vec<Para>, Option<Duty>) {
    let (kept, duty) = item_with_line(o, i);
    if duty.is_some() {
        return (kept, duty);
    }
    let Some(first) = kept.first() else {
        return (kept, None);
    };
    let Some((duty, start)) = duty::units_first(Dual::new(&first.orig, &first.norm)) else {
        return (kept, None);
    };
    let mut rest = Vec::new();
    let orig = first.orig[start..].trim().to_string();
    if !orig.is_empty() {
        rest.push(Para {
            line: first.line,
            norm: first.norm[start..].trim().to_string(),
            orig,
        });
    }
    rest.extend(kept[1..].iter().cloned());
    (rest, Some(duty))
}

/// Every responsibility line of the item counts: the one ending each paragraph and those after
/// its sentences, merged in the order printed. The lines ending paragraphs are cut from the text,
/// and paragraphs after the last one are not the item's (a closing word of the document).
fn item_with_line(o: &Outline, i: usize) -> (Vec<Para>, Option<Duty>) {
    let mut kept = Vec::new();
    let mut duties = Vec::new();
    let mut upto = None;
    for p in o.paragraphs(i) {
        duties.extend(duty::within(Dual::new(&p.orig, &p.norm)));
        if let Some(found) = duty::find(Dual::new(&p.orig, &p.norm)) {
            let orig = p.orig[..found.range.start].trim_end().to_string();
            let norm = p.norm[..found.range.start].trim_end().to_string();
            if !orig.is_empty() {
                kept.push(Para {
                    line: p.line,
                    orig,
                    norm,
                });
            }
            duties.push(found.duty);
            upto = Some(kept.len());
            continue;
        }
        kept.push(p);
    }
    if let Some(n) = upto {
        kept.truncate(n);
    }
    (kept, duty::merge(duties))
}

/// Splits an item into its heading sentence and the rest.
fn title_and_text(paras: &[Para]) -> (String, String) {
    let Some(first) = paras.first() else {
        return (String::new(), String::new());
    };
    let rest: Vec<&str> = paras[1..].iter().map(|p| p.orig.as_str()).collect();
    let stop = first
        .norm
        .find(['。', '!', '！'])
        .filter(|&i| first.norm[..i].chars().count() <= 60);
    match stop {
        Some(i) => {
            let title = first.orig[..i].trim().to_string();
            let after = first.orig[i..]
                .chars()
                .skip(1)
                .collect::<String>()
                .trim()
                .to_string();
            let mut parts: Vec<&str> = Vec::new();
            if !after.is_empty() {
                parts.push(&after);
            }
            parts.extend(rest);
            let text = if parts.is_empty() {
                title.clone()
            } else {
                parts.join("\n")
            };
            (title, text)
        }
        None if !rest.is_empty() => (
            first.orig.trim_end_matches('。').to_string(),
            rest.join("\n"),
        ),
        None => {
            let cut = first
                .norm
                .find([',', '，', ';', '；'])
                .unwrap_or(first.norm.len());
            (first.orig[..cut].to_string(), first.orig.clone())
        }
    }
}

fn joined(paras: &[Para]) -> (String, String) {
    let o: Vec<&str> = paras.iter().map(|p| p.orig.as_str()).collect();
    let n: Vec<&str> = paras.iter().map(|p| p.norm.as_str()).collect();
    (o.join("\n"), n.join("\n"))
}

fn goals(o: &Outline, root: usize, plan: &mut Plan) {
    // A sub-part titled 目标 (工作目标, 主要目标) is the goals; otherwise the whole part.
    let short_title = |c: usize| {
        let head = &o.nodes[c].head.norm;
        let title = head.split(['。', ':', '：']).next().unwrap_or("");
        title.chars().count() <= 12 && GOALS.is_match(title)
    };
    let sub = o.nodes[root]
        .children
        .iter()
        .copied()
        .find(|&c| short_title(c));
    let node = sub.unwrap_or(root);
    // The part's own heading line is its title, not goals text.
    let mut lines = o.full_text(node);
    if !o.nodes[node].head.orig.is_empty()
        && !o.nodes[node].head.norm.contains('。')
        && !lines.is_empty()
    {
        lines.remove(0);
    }
    let text = lines.join("\n");
    if text.trim().is_empty() {
        return;
    }
    let norm = simplified_view(&text);
    plan.targets = targets::extract(Dual::new(&text, &norm), "p-");
    plan.goals = Some(text);
}

fn safeguards(o: &Outline, root: usize, plan: &mut Plan) {
    let items = if o.nodes[root].children.is_empty() {
        vec![root]
    } else {
        o.nodes[root].children.clone()
    };
    for i in items {
        let mut paras = o.paragraphs(i);
        for &c in &o.nodes[i].children {
            let mut sub = Vec::new();
            o.full_text_node_pub(c, &mut sub);
            paras.extend(sub.into_iter().map(|s| Para {
                line: 0,
                norm: s.clone(),
                orig: s,
            }));
        }
        let (title, text) = if i == root {
            let body: Vec<&str> = o.nodes[i].body.iter().map(|p| p.orig.as_str()).collect();
            (o.nodes[i].head.orig.clone(), body.join("\n"))
        } else {
            title_and_text(&paras)
        };
        plan.safeguards.push(Safeguard {
            path: o.path(i),
            title,
            text,
        });
    }
}

/// A part that divides duties among units: 职责分工, 责任分工, 部门职责, 任务分工.
static DUTY_PART: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"职责|分工").unwrap());
/// A heading that opens with a verb of work (加强协作, 明确职责) is a title, not a unit's name.
static WORK_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(加强|推进|推动|明确|落实|建立|健全|完善|强化|做好|开展|深化|提升|严格|组织|实施|抓好|压实|细化|统筹|协调|强调|坚持|注重|确保)").unwrap()
});

/// The nearest heading at or above item `i` (below the part `root`) whose whole text is a unit's
/// name, when the part divides duties: the node and the name.
fn heading_unit(o: &Outline, root: usize, i: usize) -> Option<(usize, String)> {
    if !DUTY_PART.is_match(&o.nodes[root].head.norm) {
        return None;
    }
    let mut at = i;
    while at != root {
        let head = &o.nodes[at].head;
        let name = head.orig.trim().trim_end_matches(['：', ':']).trim();
        let norm = head.norm.trim().trim_end_matches(['：', ':']).trim();
        let n = norm.chars().count();
        let bare = !norm.contains([
            '，', ',', '。', '；', ';', '、', '（', '(', '“', '"', '：', ':', ' ', '　',
        ]);
        if bare && (2..=15).contains(&n) && !WORK_VERB.is_match(norm) {
            return Some((at, name.to_string()));
        }
        at = o.nodes[at].parent?;
    }
    None
}

fn tasks(
    o: &Outline,
    root: usize,
    path: &Path,
    first_leads: Option<usize>,
    plan: &mut Plan,
    warnings: &mut Vec<Diagnostic>,
) {
    let mut stack = vec![root];
    let mut order = Vec::new();
    // Pre-order walk: sections before their tasks, in document order.
    while let Some(i) = stack.pop() {
        order.push(i);
        stack.extend(o.nodes[i].children.iter().rev());
    }
    for i in order {
        let node = &o.nodes[i];
        if !node.children.is_empty() {
            plan.sections.push(Section {
                path: o.path(i),
                title: node.head.orig.trim_end_matches('。').to_string(),
            });
            continue;
        }
        let (mut paras, mut duty) = item(o, i);
        if duty.is_none() {
            // In a part that divides duties, a heading that is only a name (（五）区社会事业局,
            // （七）学校) gives that unit the work under it.
            if let Some((at, unit)) = heading_unit(o, root, i) {
                if at == i && paras.first().is_some_and(|p| p.line == node.head.line) {
                    paras.remove(0);
                }
                duty = Some(Duty {
                    responsible: vec![unit],
                    plain_list: true,
                    ..Duty::default()
                });
            } else if i != root && DUTY_PART.is_match(&o.nodes[root].head.norm) {
                // Or the item's sentences name their units as subjects.
                let (jo, jn) = joined(&paras);
                duty = duty::sentence_subjects(Dual::new(&jo, &jn));
            }
        }
        let last_line = o.paragraphs(i).iter().map(|p| p.line).max().unwrap_or(0);
        if let Some(d) = duty.as_mut() {
            if d.plain_list
                && first_leads.is_some_and(|l| l <= last_line)
                && d.lead.is_empty()
                && !d.responsible.is_empty()
            {
                let first = d.responsible.remove(0);
                d.lead.push(first);
                d.plain_list = false;
            }
        }
        if i == root && duty.is_none() {
            continue; // a lone top-level paragraph without units is not a task
        }
        let (title, text) = title_and_text(&paras);
        let (jo, jn) = joined(&paras);
        let n = plan.tasks.len() + 1;
        let targets = targets::extract(Dual::new(&jo, &jn), &format!("{n}-"));
        if duty.is_none() {
            warnings.push(
                Diagnostic::warning(
                    path,
                    Pos {
                        line: node.head.line,
                        col: 1,
                    },
                    format!(
                        "item {} has no responsibility line; imported with no units",
                        o.path(i).join(" ")
                    ),
                )
                .with_help(
                    "add the units to tasks.toml by hand if the document names them elsewhere",
                ),
            );
        }
        plan.tasks.push(Task {
            id: n.to_string(),
            path: o.path(i),
            title,
            text,
            duty: duty.unwrap_or_default(),
            targets,
            line: node.head.line,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tasks(text: &str) -> Vec<Task> {
        assemble(text, "t", Path::new("t.txt"), Some("test"))
            .expect("imports")
            .plan
            .tasks
    }

    #[test]
    fn the_first_leads_rule_applies_from_where_it_is_stated() {
        let t = tasks(concat!(
            "某市某行动方案\n一、重点任务\n",
            "（一）甲。推进甲。（市教育局、市财政局负责）\n",
            "（二）乙。推进乙。（市发展改革委、市财政局、各区政府负责，列第一位者为牵头单位，下同）\n",
            "（三）丙。推进丙。（市商务局、市市场监管局负责）\n",
            "（四）丁。推进丁。（各区政府负责）\n",
        ));
        let units: Vec<(Vec<String>, Vec<String>)> = t
            .iter()
            .map(|t| (t.duty.lead.clone(), t.duty.responsible.clone()))
            .collect();
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            units,
            [
                (s(&[]), s(&["市教育局", "市财政局"])),
                (s(&["市发展改革委"]), s(&["市财政局", "各区政府"])),
                (s(&["市商务局"]), s(&["市市场监管局"])),
                (s(&["各区政府"]), s(&[])),
            ]
        );
        assert_eq!(
            t[1].duty.note.as_deref(),
            Some("列第一位者为牵头单位，下同")
        );
    }

    #[test]
    fn a_closing_task_division_table_gives_the_units() {
        let text = concat!(
            "某市2024年政务公开工作要点\n一、重点工作\n",
            "1.推进数字政府建设。完善平台。\n",
            "2.优化营商环境。落实清单。\n",
            "附件\n重点任务分工表\n",
            "序号\t重点任务\t牵头单位\t责任单位\t完成时限\n",
            "1\t推进数字政府建设\t市政务服务数据管理局\t各区政府\t2024年底\n",
            "2\t优化营商环境\t市发展改革委\t市市场监管局、市税务局\t持续推进\n",
        );
        let imported = assemble(text, "t", Path::new("t.txt"), Some("test")).unwrap();
        let t = &imported.plan.tasks;
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].duty.lead, ["市政务服务数据管理局"]);
        assert_eq!(t[1].duty.responsible, ["市市场监管局", "市税务局"]);
        assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
        // The table's lines are not the text of the last item.
        assert!(!t[1].text.contains('\t'));
        // A table alone: its rows are the tasks.
        let only = concat!(
            "某区2024年工作方案\n",
            "序号\t工作任务\t牵头单位\t配合单位\n",
            "1\t建成10个社区服务站\t区民政局\t各街道办事处\n",
        );
        let t = tasks(only);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].duty.lead, ["区民政局"]);
        assert_eq!(t[0].targets[0].value, Some(10.0));
    }

    #[test]
    fn steps_of_implementation_are_not_tasks() {
        let imported = assemble(
            concat!(
                "某市某试点工作方案\n一、主要任务\n",
                "（一）甲。推进甲。（市生态环境局牵头，市财政局参与）\n",
                "（二）乙。推进乙。（市商务局指导）\n",
                "二、健全审核工作机制\n（一）丙。完善审核方式。\n",
                "三、实施步骤\n（一）确定试点。2019年上半年完成。\n（二）评估总结。2021年3月底前完成。\n",
            ),
            "t",
            Path::new("t.txt"),
            Some("test"),
        )
        .unwrap();
        // A part about a mechanism to build is work; a schedule of steps is not.
        assert_eq!(imported.plan.tasks.len(), 3);
        assert_eq!(imported.plan.safeguards.len(), 2);
        assert_eq!(imported.plan.tasks[1].duty.lead, ["市商务局"]);
    }

    #[test]
    fn an_annex_listing_the_tasks_with_their_units_gives_the_tasks() {
        let text = concat!(
            "某市2022年数字政府建设考评办法\n一、考评对象\n各区政府。\n",
            "二、考评方式\n（一）实行百分制。\n（二）每半年考评一次。\n",
            "附件：\n考评指标\n附件\n考评指标\n",
            "一、政务服务（25分）\n（一）平台建设（3分）\n",
            "1．开通全程网办。（6月底完成，牵头考核单位：市审批服务局）\n",
            "2．完善热线。（持续推进，牵头考核单位：市政府办公室、市公安局）\n",
            "（二）网站（1分）\n3．迁移网站。（10月底完成，牵头考核单位：市政府办公室）\n",
        );
        let imported = assemble(text, "t", Path::new("t.txt"), Some("test")).unwrap();
        let t = &imported.plan.tasks;
        assert_eq!(t.len(), 3, "{t:#?}");
        assert_eq!(t[1].duty.lead, ["市政府办公室", "市公安局"]);
        assert!(t[1].duty.responsible.is_empty());
        assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
        // A body whose items carry units keeps them; an annex without units gives nothing.
        let body = concat!(
            "某市某工作方案\n一、任务\n（一）甲。（市教育局负责）\n",
            "附件：\n清单\n一、甲\n1．甲。（6月底完成，牵头单位：市财政局）\n",
        );
        let t = tasks(body);
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].duty.responsible, ["市教育局"]);
        let rules = concat!(
            "某区某工作方案\n一、任务\n（一）甲。\n（二）乙。\n",
            "附件\n制度\n一、总则\n1．站长负责日常管理。\n",
        );
        assert_eq!(tasks(rules).len(), 2);
    }

    #[test]
    fn a_heading_that_names_a_unit_gives_it_the_work_under_it() {
        let t = tasks(concat!(
            "某区某实施方案\n一、工作措施\n（一）加强宣传。开展宣传。\n",
            "二、职责分工\n（一）区财政局\n保障经费。\n",
            "（二）学校：\n1.减轻负担。严格控制作业。\n2.加强监测。每学期监测。\n",
            "（三）落实经费保障，确保投入。\n（四）加强协作\n互通信息。\n",
            "三、重点任务\n（一）区教育局\n推进工作。\n",
        ));
        let units: Vec<(&str, Vec<String>)> = t
            .iter()
            .map(|t| (t.title.as_str(), t.duty.responsible.clone()))
            .collect();
        assert_eq!(
            units,
            [
                ("加强宣传", vec![]),
                ("保障经费", vec!["区财政局".to_string()]),
                ("减轻负担", vec!["学校".to_string()]),
                ("加强监测", vec!["学校".to_string()]),
                // A heading that is a sentence names no unit.
                ("落实经费保障，确保投入", vec![]),
                // A heading that opens with a verb of work is a title.
                ("加强协作", vec![]),
                // Outside a part that divides duties, a heading is a title.
                ("区教育局", vec![]),
            ]
        );
        assert!(t.iter().all(|t| t.duty.lead.is_empty()));
        // A heading naming its lead with a verb, the other units one sentence each.
        let t = tasks(concat!(
            "某区某整治方案\n一、责任分工\n",
            "（一）区市场监管局牵头调查整治工作。区市场监管局负责调查。区税务局，负责核查，移交区公安局。\n",
            "（二）区执法应急局，负责调查来源。\n",
        ));
        assert_eq!(t[0].duty.lead, ["区市场监管局"]);
        assert_eq!(t[0].duty.responsible, ["区税务局"]);
        assert!(t[1].duty.lead.is_empty());
        assert_eq!(t[1].duty.responsible, ["区执法应急局"]);
    }

    #[test]
    fn units_printed_before_the_duty() {
        let t = tasks(concat!(
            "某区某工作方案\n一、职责分工\n",
            "（一）城运中心：负责平台建设和日常运行。\n",
            "（二）区住建局、区城管局：\n负责老旧小区改造。\n",
        ));
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].duty.responsible, ["城运中心"]);
        assert_eq!(t[0].title, "负责平台建设和日常运行");
        assert_eq!(t[1].duty.responsible, ["区住建局", "区城管局"]);
        assert_eq!(t[1].title, "负责老旧小区改造");
    }
}
