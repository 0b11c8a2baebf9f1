//! A task-division table (任务分工表) in the text → the units of the tasks it lists.
//!
//! Plans often give units nowhere but in a closing table, attached after the text: one row per
//! task with its lead and responsible units and a deadline. In a text file such a table arrives
//! as lines of cells separated by tabs (a copy from Word, WPS or a web page keeps them).
//! In: the document's kept lines. A table starts at a header line whose cells name a task column
//! (任务, 重点任务, 工作任务, 主要任务, 工作内容, 工作措施 …) and a unit column (牵头单位, 责任单位,
//! 配合单位 … or 部门); every following line with tabs is a row, until a line without tabs.
//! Out: the rows, each with its number (序号), task text and units as printed. The assembler gives
//! them to the tasks that have no responsibility line of their own; it never overrides one.

use std::sync::LazyLock;

use regex::Regex;

use super::debris::Line;
use super::duty::split_units;
use super::model::Duty;
use super::text::{to_simplified, Dual};

static TASK_COL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(重点|主要|具体|工作|任务)?(任务|工作|事项|内容|措施|举措|要求)(名称|内容|事项|措施|要求)?$")
        .unwrap()
});
static LEAD_COL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(牵头|主责|主办)(单位|部门)$").unwrap());
static RESP_COL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(责任|配合|协办|参与|协同|配合责任|责任主体)([/／、](责任|配合|协办|参与))?(单位|部门)$",
    )
    .unwrap()
});
static NUMBERED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\d{1,3}[.．、]").unwrap());
static SEQ_COL: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(序号|编号)$").unwrap());

/// One row of a task-division table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based line in the input.
    pub line: usize,
    pub number: Option<u32>,
    pub task: String,
    pub duty: Duty,
}

struct Columns {
    seq: Option<usize>,
    task: usize,
    /// A second task-like column after the first (工作任务 | 工作要求): the task when the first
    /// holds groups merged down over several rows.
    task_after: Option<usize>,
    lead: Option<usize>,
    resp: Option<usize>,
    resp_label: Option<String>,
}

fn cells(s: &str) -> Vec<&str> {
    s.split('\t').map(str::trim).collect()
}

fn header(norm: &str) -> Option<Columns> {
    if !norm.contains('\t') {
        return None;
    }
    let names: Vec<String> = cells(norm)
        .iter()
        .map(|c| c.chars().filter(|c| !c.is_whitespace()).collect())
        .collect();
    let find = |re: &Regex| names.iter().position(|n| re.is_match(n));
    let task = find(&TASK_COL)?;
    let task_after = names
        .iter()
        .skip(task + 1)
        .position(|n| TASK_COL.is_match(n))
        .map(|p| p + task + 1);
    let lead = find(&LEAD_COL);
    let resp = find(&RESP_COL);
    if lead.is_none() && resp.is_none() {
        return None;
    }
    Some(Columns {
        seq: find(&SEQ_COL),
        task,
        task_after,
        lead,
        resp,
        resp_label: resp.map(|i| names[i].clone()),
    })
}

/// The rows of every task-division table in the document.
pub fn rows(lines: &[Line]) -> Vec<Row> {
    read(lines).0
}

/// The rows, and the numbers of the lines the tables take (headers included): those are not
/// text of the plan's items.
pub fn read(lines: &[Line]) -> (Vec<Row>, Vec<usize>) {
    let mut out = Vec::new();
    let mut taken = Vec::new();
    let mut cols: Option<Columns> = None;
    let mut width = 0;
    // The cells of the row before: a row with fewer cells than the header lost its first ones to
    // cells merged down from above (rowspan), so it takes them from the row before.
    let mut above: (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    let kept: Vec<&Line> = lines.iter().filter(|l| l.keep).collect();
    for (k, l) in kept.iter().enumerate() {
        if let Some(mut h) = header(&l.norm) {
            width = cells(&l.norm).len();
            // Rows that lost the task column's cell to a cell merged down from above: that
            // column groups the tasks, and the next task-like column holds them.
            // (the groups' rows number their tasks: 1.增强…, 2.加大…).
            let body: Vec<&&Line> = kept[k + 1..]
                .iter()
                .take_while(|r| r.norm.contains('\t'))
                .collect();
            let grouped = body
                .iter()
                .any(|r| width.saturating_sub(cells(&r.norm).len()) > h.task)
                && h.task_after.is_some_and(|t| {
                    body.iter().all(|r| {
                        let c = cells(&r.norm);
                        let i = t - width.saturating_sub(c.len()).min(t);
                        c.get(i).is_some_and(|c| NUMBERED.is_match(c))
                    })
                });
            if let Some(t) = h.task_after.filter(|_| grouped) {
                h.task = t;
            }
            above = (Vec::new(), Vec::new());
            cols = Some(h);
            taken.push(l.no);
            continue;
        }
        let Some(c) = &cols else { continue };
        if !l.norm.contains('\t') {
            cols = None;
            continue;
        }
        taken.push(l.no);
        let mut orig: Vec<String> = cells(&l.orig).into_iter().map(String::from).collect();
        let mut norm: Vec<String> = cells(&l.norm).into_iter().map(String::from).collect();
        let continued = norm.len() < width && above.0.len() >= width;
        if continued {
            let missing = width - norm.len();
            orig.splice(0..0, above.0[..missing].iter().cloned());
            norm.splice(0..0, above.1[..missing].iter().cloned());
        }
        above = (orig.clone(), norm.clone());
        let cell = |i: Option<usize>| -> Option<(&str, &str)> {
            i.and_then(|i| Some((orig.get(i)?.as_str(), norm.get(i)?.as_str())))
        };
        let Some((task, _)) = cell(Some(c.task)).filter(|(t, _)| !t.is_empty()) else {
            continue;
        };
        // An empty cell may hold a mark for "none": /, —, 无.
        let units = |i: Option<usize>| -> Vec<String> {
            cell(i)
                .filter(|(_, n)| !matches!(n.trim(), "/" | "／" | "—" | "-" | "无" | "——"))
                .map_or_else(Vec::new, |(o, n)| split_units(Dual::new(o, n)))
        };
        let mut duty = Duty {
            lead: units(c.lead),
            responsible: units(c.resp),
            ..Duty::default()
        };
        if duty.lead.is_empty() && duty.responsible.is_empty() {
            continue;
        }
        if !duty.responsible.is_empty() {
            duty.responsible_label = c
                .resp_label
                .clone()
                .filter(|l| to_simplified(l) != "责任单位");
        }
        let number = cell(c.seq).and_then(|(_, n)| n.trim_end_matches(['.', '、']).parse().ok());
        // A row whose task cell was merged down from the row before is more of the same task.
        if let Some(prev) = out
            .last_mut()
            .filter(|p: &&mut Row| p.task == task && p.number == number && continued)
        {
            for u in duty.lead {
                if !prev.duty.lead.contains(&u) {
                    prev.duty.lead.push(u);
                }
            }
            for u in duty.responsible {
                if !prev.duty.responsible.contains(&u) && !prev.duty.lead.contains(&u) {
                    prev.duty.responsible.push(u);
                }
            }
            continue;
        }
        out.push(Row {
            line: l.no,
            number,
            task: task.to_string(),
            duty,
        });
    }
    (out, taken)
}

/// The row that gives units to task `index` (0-based) of `count` titled `title`: by number when
/// the rows number the tasks one to one, else the row whose task text and the title contain one
/// another.
pub fn row_for<'r>(rows: &'r [Row], index: usize, count: usize, title: &str) -> Option<&'r Row> {
    let numbered = rows.len() == count
        && rows
            .iter()
            .enumerate()
            .all(|(i, r)| r.number.is_none_or(|n| n as usize == i + 1));
    if numbered {
        return rows.get(index);
    }
    let title = title.trim();
    if title.chars().count() < 4 {
        return None;
    }
    let mut hits = rows.iter().filter(|r| {
        let t = r.task.trim().trim_end_matches('。');
        t.chars().count() >= 4 && (t.contains(title) || title.contains(t))
    });
    let first = hits.next()?;
    // Two rows naming the same task: the table does not say which.
    hits.next().is_none().then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::debris::mark;

    fn table(text: &str) -> Vec<Row> {
        rows(&mark(text, text))
    }

    #[test]
    fn a_table_after_the_text() {
        let r = table(concat!(
            "附件\n重点任务分工表\n",
            "序号\t重点任务\t牵头单位\t配合单位\t完成时限\n",
            "1\t推进数字政府建设\t市政务服务数据管理局\t市发展改革委、各区政府\t2024年底\n",
            "2\t优化营商环境\t市发展改革委\t\t持续推进\n",
            "抄送：市委办公室\n",
            "3\t不是表格的行\t市财政局\t\t\n",
        ));
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].number, Some(1));
        assert_eq!(r[0].duty.lead, ["市政务服务数据管理局"]);
        assert_eq!(r[0].duty.responsible, ["市发展改革委", "各区政府"]);
        assert_eq!(r[0].duty.responsible_label.as_deref(), Some("配合单位"));
        assert!(r[1].duty.responsible.is_empty());
        assert_eq!(row_for(&r, 1, 2, "优化营商环境").unwrap().line, r[1].line);
        // Not one to one: matched by title, never by position.
        assert_eq!(
            row_for(&r, 0, 3, "优化营商环境").unwrap().task,
            "优化营商环境"
        );
        assert!(row_for(&r, 2, 3, "其他工作").is_none());
    }

    #[test]
    fn cells_merged_down_and_a_task_column_after_the_group_column() {
        let r = table(concat!(
            "工作任务\t工作要求\t牵头单位\t配合/责任单位\n",
            "一、加强信息公开\t1.增强透明度。\t \t区直各有关单位\n",
            "2.加大帮扶政策公开力度。\t区经济发展局\t区直各有关单位，各片区管理局\n",
            "二、做好解读\t3.加强政策解读。\t/\t区社会事业局\n",
        ));
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].task, "1.增强透明度。");
        assert!(r[0].duty.lead.is_empty());
        assert_eq!(r[0].duty.responsible, ["区直各有关单位"]);
        assert_eq!(r[1].task, "2.加大帮扶政策公开力度。");
        assert_eq!(r[1].duty.lead, ["区经济发展局"]);
        assert_eq!(r[1].duty.responsible, ["区直各有关单位", "各片区管理局"]);
        assert!(r[2].duty.lead.is_empty());
    }

    #[test]
    fn rows_of_one_task_merged_down_are_one_row() {
        let r = table(concat!(
            "序号\t工作事项\t主要内容\t牵头单位\t配合单位\n",
            "1\t扩大来源。\t到2025年不低于4.66人。\t各区政府\t市卫生健康委\n",
            "推动人才资源向基层倾斜。\t各区政府\t市卫生健康委、市人社局\n",
            "2\t优化团队。\t组建团队。\t各区政府\t市人社局\n",
        ));
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].task, "扩大来源。");
        assert_eq!(r[0].duty.lead, ["各区政府"]);
        assert_eq!(r[0].duty.responsible, ["市卫生健康委", "市人社局"]);
        assert_eq!(r[1].number, Some(2));
    }

    #[test]
    fn lines_with_tabs_but_no_unit_column_are_no_table() {
        assert!(table("项目\t金额\n修路\t100万元\n").is_empty());
    }
}
