//! Progress forms (台账): spreadsheets sent to the departments that lead or share tasks, filled
//! in Excel, WPS or LibreOffice, and read back into progress reports.
//!
//! In: the loaded, validated content (`content` + `validate`), and for `import-progress` the
//! filled `.xlsx` files. Out: one `.xlsx` per unit ([`write`]); progress reports in the plans'
//! `progress/` folders ([`import`]). It reads nothing of the site model (derive, render) and
//! never evaluates a formula in a form: only the values the office program saved are read.
//!
//! The form's layout is the contract between the two halves: [`COLUMNS`] in this order on the
//! sheet [`SHEET`], the unit's id on the sheet [`INSTRUCTIONS`] beside [`UNIT_LABEL`].

pub mod import;
mod read;
pub mod write;

use std::collections::BTreeMap;

use crate::model::{Comparator, Content, Plan, ReportStatus, Target, Task, Unit, UnitId};

pub use import::{fuzz_one, run as import_run, FuzzKit, ImportOptions};
pub use read::{read_workbook, CellValue, Limits, SheetCells, Workbook};
pub use write::{run as forms_run, FormsOptions};

/// The header of the form, exactly, in order.
pub const COLUMNS: [&str; 14] = [
    "方案",
    "任务编号",
    "任务",
    "目标编号",
    "目标",
    "目标值",
    "单位",
    "截至日期",
    "本期数值",
    "进展状态",
    "完成百分比",
    "进展情况",
    "数据来源",
    "佐证材料",
];

/// Column indexes (0-based) of [`COLUMNS`].
pub mod col {
    pub const PLAN: u16 = 0;
    pub const TASK: u16 = 1;
    pub const TASK_TITLE: u16 = 2;
    pub const TARGET: u16 = 3;
    pub const TARGET_TEXT: u16 = 4;
    pub const TARGET_VALUE: u16 = 5;
    pub const UNIT: u16 = 6;
    pub const DATE: u16 = 7;
    pub const VALUE: u16 = 8;
    pub const STATUS: u16 = 9;
    pub const PERCENT: u16 = 10;
    pub const BODY: u16 = 11;
    pub const SOURCE: u16 = 12;
    pub const EVIDENCE: u16 = 13;
    /// The key columns: a row's identity.
    pub const KEYS: [u16; 3] = [PLAN, TASK, TARGET];
    /// The plan's own text, shown for reference and checked on import.
    pub const PLAN_TEXT: [u16; 4] = [TASK_TITLE, TARGET_TEXT, TARGET_VALUE, UNIT];
    /// What the department fills (the date comes pre-filled with the round's date).
    pub const FILLED: [u16; 6] = [VALUE, STATUS, PERCENT, BODY, SOURCE, EVIDENCE];
}

/// The name of the sheet the rows are on.
pub const SHEET: &str = "进展填报";
/// The name of the instructions sheet.
pub const INSTRUCTIONS: &str = "填表说明";
/// The label, in column A of the instructions sheet, of the cell holding the unit's id.
pub const UNIT_LABEL: &str = "单位编号";

/// `A1`-style name of a 0-based cell.
pub fn cell_name(row: u32, col: u16) -> String {
    let mut letters = Vec::new();
    let mut n = u32::from(col) + 1;
    while n > 0 {
        let r = (n - 1) % 26;
        letters.push(char::from(b'A' + r as u8));
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", letters.into_iter().collect::<String>(), row + 1)
}

/// The status labels offered in the drop-down, in the order of [`ReportStatus::ALL`].
pub fn status_labels() -> Vec<&'static str> {
    ReportStatus::ALL
        .iter()
        .filter_map(|s| ReportStatus::parse(s))
        .map(ReportStatus::label)
        .collect()
}

/// A status from its label (未开始 …) or its content name (in_progress …).
pub fn parse_status(text: &str) -> Option<ReportStatus> {
    let t = text.trim();
    ReportStatus::parse(t).or_else(|| {
        ReportStatus::ALL
            .iter()
            .filter_map(|s| ReportStatus::parse(s))
            .find(|s| s.label() == t)
    })
}

/// One row of a form: a task, and one of its targets (or none for a task without targets).
pub struct FormRow<'a> {
    pub plan: &'a Plan,
    pub task: &'a Task,
    pub target: Option<&'a Target>,
}

impl FormRow<'_> {
    /// The plan's own text in the row, as the form shows it: 任务, 目标, 目标值, 单位.
    pub fn plan_text(&self) -> [String; 4] {
        let numbered = format!(
            "{}{}",
            self.task.path.last().map_or("", |s| s.as_str()),
            self.task.title
        );
        match self.target {
            None => [numbered, String::new(), String::new(), String::new()],
            Some(t) => [
                numbered,
                t.text.clone(),
                target_value(t),
                t.unit.clone().unwrap_or_default(),
            ],
        }
    }
}

/// A target's value as the form shows it (≥98, 下降10 …); empty for qualitative targets.
pub fn target_value(t: &Target) -> String {
    let Some(v) = t.value else {
        return String::new();
    };
    let v = number_text(v);
    match t.comparator {
        Comparator::AtLeast => format!("≥{v}"),
        Comparator::AtMost => format!("≤{v}"),
        Comparator::Equal => format!("保持{v}"),
        Comparator::DecreaseBy => format!("下降{v}"),
        Comparator::IncreaseBy => format!("提高{v}"),
        Comparator::Qualitative => String::new(),
    }
}

/// The years a plan's reports may speak for: its `period`, or, without one, from the year it was
/// written (or published) to its last target year. `None` when neither can be told.
pub fn plan_span(plan: &Plan) -> Option<(i32, i32)> {
    if let Some(p) = plan.period {
        return Some((p.start, p.end));
    }
    let start = plan.written.or(plan.published)?.year();
    let end = plan
        .targets
        .iter()
        .chain(plan.tasks.iter().flat_map(|t| &t.targets))
        .filter_map(|t| t.year)
        .max()?;
    Some((start, end.max(start)))
}

/// True when `unit` leads or shares `task` (collective entries such as 各有关部门 name no one).
fn responsible(task: &Task, unit: &UnitId) -> bool {
    task.lead
        .iter()
        .chain(&task.responsible)
        .any(|u| u.unit.as_ref() == Some(unit))
}

/// Every unit that leads or shares a task, with its rows in plan and task order. Collective
/// units (各有关部门和单位) get no form: nobody in particular would fill it. With a round's
/// `date`, plans no longer in force or whose span (see [`plan_span`]) does not reach the date's
/// year are left out: there is nothing to report on them in this round.
pub fn rows_by_unit(
    content: &Content,
    date: Option<crate::model::Date>,
) -> BTreeMap<UnitId, (&Unit, Vec<FormRow<'_>>)> {
    let mut out: BTreeMap<UnitId, (&Unit, Vec<FormRow<'_>>)> = BTreeMap::new();
    let current = |plan: &Plan| match date {
        None => true,
        Some(d) => {
            !plan.is_void()
                && plan_span(plan).is_none_or(|(start, end)| (start..=end).contains(&d.year()))
        }
    };
    for unit in content.units.iter().filter(|u| !u.collective) {
        for plan in content.plans.iter().filter(|p| current(p)) {
            for task in plan.tasks.iter().filter(|t| responsible(t, &unit.id)) {
                let entry = out.entry(unit.id.clone()).or_insert((unit, Vec::new()));
                if task.targets.is_empty() {
                    entry.1.push(FormRow {
                        plan,
                        task,
                        target: None,
                    });
                }
                for target in &task.targets {
                    entry.1.push(FormRow {
                        plan,
                        task,
                        target: Some(target),
                    });
                }
            }
        }
    }
    out
}

/// The content at `root`, loaded and validated; `None` (with the problems) when it has errors,
/// since forms made from content that does not build would be forms for the wrong tasks.
pub fn load_valid(root: &std::path::Path) -> Result<Content, crate::diagnostics::Diagnostics> {
    let (content, load) = crate::content::load(root);
    let mut diags = crate::diagnostics::Diagnostics::new();
    diags.extend(load.into_sorted());
    let content = crate::validate::validate(content, &mut diags);
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(content)
    }
}

/// A number as text, shortest form that reads back the same (98, 97.6).
pub fn number_text(v: f64) -> String {
    format!("{v}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names_count_columns_like_a_spreadsheet() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(6, 2), "C7");
        assert_eq!(cell_name(9, 25), "Z10");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(0, 16383), "XFD1");
    }

    #[test]
    fn statuses_read_from_labels_and_names() {
        assert_eq!(
            status_labels(),
            ["未开始", "推进中", "已完成", "滞后", "暂停"]
        );
        assert_eq!(parse_status(" 已完成 "), Some(ReportStatus::Completed));
        assert_eq!(parse_status("delayed"), Some(ReportStatus::Delayed));
        assert_eq!(parse_status("完成"), None);
    }
}
