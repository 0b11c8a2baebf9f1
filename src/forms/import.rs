//! `gongkai import-progress`: filled forms → progress reports.
//!
//! In: `.xlsx` files made by `gongkai forms` and filled in an office program, and the validated
//! content. Out: `progress/<date>-<task>.md` files in the plans' folders: the rows of one task
//! with one date become one report, with a `[[measure]]` per filled target; the reporter is the
//! unit the form belongs to. A report that exists already is compared: the same figures change
//! nothing (importing a file twice is harmless); a changed figure is written with a
//! `[[correction]]` that keeps the published one visible. Every problem in every file is reported,
//! located as `FILE.xlsx:SHEET!C7`, and then nothing is written; when all is well the files are
//! staged under temporary names and renamed into place together.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::read::{Cell, CellValue, SheetCells};
use super::{col, parse_status, FormRow, COLUMNS, INSTRUCTIONS, SHEET, UNIT_LABEL};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::model::{
    Content, Correction, Date, Evidence, Measure, Origin, Plan, Report, ReportStatus, TaskId, Unit,
};

pub struct ImportOptions {
    pub files: Vec<PathBuf>,
    pub root: PathBuf,
    /// The date corrections are dated [default: today].
    pub today: Option<Date>,
}

/// A problem at a place: `FILE.xlsx:SHEET!C7` (or the file alone).
fn problem(place: &str, message: impl Into<String>, help: impl Into<String>) -> Diagnostic {
    Diagnostic::error(place, Pos { line: 0, col: 0 }, message).with_help(help)
}

/// One report read from a form (before it meets the content on disk).
#[derive(Debug, Clone)]
pub struct FormReport {
    pub plan: usize,
    pub task: TaskId,
    pub date: Date,
    pub status: Option<ReportStatus>,
    pub percent: Option<f64>,
    pub bodies: Vec<String>,
    pub notes: Vec<String>,
    pub measures: Vec<Measure>,
    pub evidence: Vec<Evidence>,
    /// `FILE:SHEET!` of the form, and the first row of the report (0-based).
    pub sheet: String,
    pub first_row: u32,
    pub unit: usize,
    pub file: String,
}

impl FormReport {
    fn at(&self, col: u16) -> String {
        format!("{}{}", self.sheet, super::cell_name(self.first_row, col))
    }

    fn body(&self) -> String {
        let mut body = self.bodies.join("\n\n");
        if !self.notes.is_empty() {
            if !body.is_empty() {
                body.push_str("\n\n");
            }
            body.push_str("佐证材料:");
            body.push_str(&self.notes.join(";"));
        }
        body
    }
}

/// A cell's text as a person reads it; numbers in their shortest form.
fn cell_text(c: Option<&Cell>) -> String {
    match c.and_then(|c| c.value.as_ref()) {
        None => String::new(),
        Some(CellValue::Text(t)) => t.trim().to_string(),
        Some(CellValue::Number(n)) => super::number_text(*n),
        Some(CellValue::Date(d)) => d.to_string(),
        Some(CellValue::Bool(b)) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Some(CellValue::Error(e)) => e.clone(),
    }
}

fn is_blank(c: Option<&Cell>) -> bool {
    match c {
        None => true,
        Some(c) => {
            c.formula.is_none()
                && match &c.value {
                    None => true,
                    Some(CellValue::Text(t)) => t.trim().is_empty(),
                    _ => false,
                }
        }
    }
}

/// A number typed the many ways people type them: 96.8, "96.8", "９６．８", "1,234", "96.8%".
pub fn parse_number(text: &str) -> Option<f64> {
    let t: String = text
        .trim()
        .chars()
        .filter_map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            '．' => Some('.'),
            '－' | '−' => Some('-'),
            ',' | '\u{ff0c}' | ' ' | '\u{a0}' | '\u{3000}' => None,
            c => Some(c),
        })
        .collect();
    let t = t
        .strip_suffix('%')
        .or_else(|| t.strip_suffix('\u{ff05}'))
        .unwrap_or(&t);
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// A date typed as text: 2025-06-30, 2025/6/30, 2025.6.30, 2025年6月30日.
pub fn parse_date_text(text: &str) -> Option<Date> {
    let t = text.trim().trim_end_matches('日');
    let parts: Vec<&str> = t.split(['-', '/', '.', '年', '月']).collect();
    match parts.as_slice() {
        [y, m, d] => Date::from_ymd(
            y.trim().parse().ok()?,
            m.trim().parse().ok()?,
            d.trim().parse().ok()?,
        ),
        _ => None,
    }
}

/// A spreadsheet serial day number (1900 date system) as a date.
fn serial_date(n: f64) -> Option<Date> {
    if !(1.0..=2_958_465.0).contains(&n) {
        return None;
    }
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)?;
    base.checked_add_days(chrono::Days::new(n.trunc() as u64))
        .map(Date)
}

/// Evidence lines: "标题 https://…" becomes a link; a line without a URL is kept as text.
fn evidence(text: &str) -> (Vec<Evidence>, Vec<String>) {
    let mut links = Vec::new();
    let mut notes = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let at = line.find("https://").or_else(|| line.find("http://"));
        match at {
            Some(i) => {
                let rest = &line[i..];
                let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                let url = &rest[..end];
                let title = format!("{} {}", &line[..i], &rest[end..]);
                let title = title.trim().trim_end_matches([':', '\u{ff1a}']).trim();
                links.push(Evidence {
                    title: if title.is_empty() {
                        url.to_string()
                    } else {
                        title.to_string()
                    },
                    url: crate::util::url::content_link(url.to_string()),
                });
            }
            None => notes.push(line.to_string()),
        }
    }
    (links, notes)
}

/// The sheet holding the rows: [`SHEET`], or else the first whose first row is the header.
fn data_sheet(book: &super::Workbook) -> Option<&SheetCells> {
    let header_ok = |s: &SheetCells| {
        COLUMNS
            .iter()
            .enumerate()
            .all(|(i, h)| cell_text(s.get(0, i as u16)) == *h)
    };
    book.sheets
        .iter()
        .find(|s| s.name == SHEET)
        .or_else(|| book.sheets.iter().find(|s| header_ok(s)))
}

/// Reads one form: its unit and its reports; problems go to `diags`.
pub fn read_form(
    content: &Content,
    file: &str,
    bytes: &[u8],
    diags: &mut Diagnostics,
) -> Vec<FormReport> {
    let book = match super::read_workbook(bytes, &super::Limits::default()) {
        Ok(b) => b,
        Err(e) => {
            diags.push(problem(
                file,
                e,
                "ask for the form to be saved again as .xlsx (Excel, WPS or LibreOffice), or send a fresh one from gongkai forms",
            ));
            return Vec::new();
        }
    };
    let Some(sheet) = data_sheet(&book) else {
        diags.push(problem(
            file,
            format!("no sheet \"{SHEET}\" with the form's header row"),
            "this is not a form made by gongkai forms, or its first sheet was renamed and its header changed",
        ));
        return Vec::new();
    };
    let place = format!("{file}:{}!", sheet.name);
    let before = diags.error_count();
    for (i, h) in COLUMNS.iter().enumerate() {
        let c = i as u16;
        let got = cell_text(sheet.get(0, c));
        if got != *h {
            diags.push(problem(
                &format!("{place}{}", super::cell_name(0, c)),
                format!("header reads \"{got}\" where the form has \"{h}\""),
                format!(
                    "the header row must stay as written: {}",
                    COLUMNS.join(", ")
                ),
            ));
        }
    }
    if diags.error_count() > before {
        return Vec::new();
    }

    // The unit: the id on the instructions sheet, else the file's name.
    let (unit_id, unit_place) = match book
        .sheets
        .iter()
        .find(|s| s.name == INSTRUCTIONS)
        .and_then(|s| {
            (0..=s.last_row()?).find_map(|r| {
                (cell_text(s.get(r, 0)) == UNIT_LABEL).then(|| {
                    (
                        cell_text(s.get(r, 1)),
                        format!("{file}:{INSTRUCTIONS}!{}", super::cell_name(r, 1)),
                    )
                })
            })
        }) {
        Some(found) => found,
        None => (
            Path::new(file)
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("")
                .to_string(),
            file.to_string(),
        ),
    };
    let Some(unit) = content.units.iter().position(|u| u.id.as_str() == unit_id) else {
        diags.push(problem(
            &unit_place,
            format!("unknown unit \"{unit_id}\": the form does not say whose it is"),
            "the form names its unit on the 填表说明 sheet (单位编号) or in its file name; send a fresh form from gongkai forms",
        ));
        return Vec::new();
    };
    if sheet.truncated {
        diags.push(problem(
            place.trim_end_matches('!'),
            "the sheet holds cells far outside the form (beyond its columns or rows)",
            "delete what was added outside the form's 14 columns, or copy the rows into a fresh form",
        ));
    }
    let expected = super::rows_by_unit(content, None);
    let responsible_rows: Vec<&FormRow<'_>> = expected
        .get(&content.units[unit].id)
        .map(|(_, rows)| rows.iter().collect())
        .unwrap_or_default();

    let mut seen: BTreeMap<(String, String, String), u32> = BTreeMap::new();
    let mut reports: Vec<FormReport> = Vec::new();
    let Some(last) = sheet.last_row() else {
        return reports;
    };
    for row in 1..=last {
        let at = |c: u16| format!("{place}{}", super::cell_name(row, c));
        let get = |c: u16| sheet.get(row, c);
        if (0..COLUMNS.len() as u16).all(|c| is_blank(get(c))) {
            continue;
        }
        let mut bad = false;
        // Key columns and the plan's text: as written, without formulas.
        for c in col::KEYS.iter().chain(&col::PLAN_TEXT) {
            if let Some(f) = get(*c).and_then(|x| x.formula.as_ref()) {
                diags.push(problem(
                    &at(*c),
                    format!("a formula (={f}) in the locked column {}", COLUMNS[usize::from(*c)]),
                    "the key columns and the plan's text must hold what gongkai forms wrote; copy the row from a fresh form",
                ));
                bad = true;
            }
        }
        if bad {
            continue;
        }
        let keys = col::KEYS.map(|c| cell_text(get(c)));
        let found = responsible_rows.iter().find(|r| {
            r.plan.id.as_str() == keys[0]
                && r.task.id.as_str() == keys[1]
                && r.target.map_or("", |t| t.id.as_str()) == keys[2]
        });
        let Some(form_row) = found else {
            let plan = content.plans.iter().find(|p| p.id.as_str() == keys[0]);
            let (c, why) = match plan {
                None => (col::PLAN, format!("unknown plan \"{}\"", keys[0])),
                Some(p) => match p.task(&keys[1]) {
                    None => (
                        col::TASK,
                        format!("plan \"{}\" has no task \"{}\"", keys[0], keys[1]),
                    ),
                    Some(t)
                        if !keys[2].is_empty()
                            && !t.targets.iter().any(|x| x.id.as_str() == keys[2]) =>
                    {
                        (
                            col::TARGET,
                            format!("task \"{}\" has no target \"{}\"", keys[1], keys[2]),
                        )
                    }
                    Some(_) => (
                        col::TASK,
                        format!(
                            "task \"{}\" of plan \"{}\" is not led or shared by {}",
                            keys[1], keys[0], content.units[unit].name
                        ),
                    ),
                },
            };
            diags.push(problem(
                &at(c),
                format!("the row's key columns were edited: {why}"),
                "方案, 任务编号 and 目标编号 must stay as gongkai forms wrote them; undo the edit or copy the row from a fresh form",
            ));
            continue;
        };
        if let Some(first) = seen.insert(keys.clone().into(), row) {
            diags.push(problem(
                &at(col::TASK),
                format!("this row repeats the keys of row {}", first + 1),
                "each task and target has one row; put the figures in one of them and delete the copy",
            ));
            continue;
        }
        for (c, want) in col::PLAN_TEXT.iter().zip(form_row.plan_text()) {
            let got = cell_text(get(*c));
            if got != want.trim() {
                diags.push(problem(
                    &at(*c),
                    format!(
                        "the plan's text was edited: the cell reads \"{got}\", the plan says \"{want}\""
                    ),
                    "these columns are the plan's own text and are locked; undo the edit (were rows moved or sorted?)",
                ));
                bad = true;
            }
        }
        if bad || col::FILLED.iter().all(|c| is_blank(get(*c))) {
            continue;
        }
        for c in std::iter::once(col::DATE).chain(col::FILLED) {
            if let Some(cell) = get(c) {
                if cell.formula.is_some() && cell.value.is_none() {
                    diags.push(problem(
                        &at(c),
                        "a formula without a saved value (formulas in a form are never calculated)",
                        "type the value itself instead of a formula",
                    ));
                    bad = true;
                }
                if let Some(CellValue::Error(e)) = &cell.value {
                    diags.push(problem(
                        &at(c),
                        format!("the cell holds the error {e}"),
                        "type the value itself",
                    ));
                    bad = true;
                }
            }
        }
        let plan = form_row.plan;
        // 截至日期
        let date = match get(col::DATE).and_then(|c| c.value.as_ref()) {
            Some(CellValue::Date(d)) => Some(*d),
            Some(CellValue::Number(n)) => serial_date(*n),
            Some(CellValue::Text(t)) => parse_date_text(t),
            _ => None,
        };
        let date = match date {
            Some(d) => d,
            None => {
                let got = cell_text(get(col::DATE));
                diags.push(problem(
                    &at(col::DATE),
                    if got.is_empty() {
                        "截至日期 is empty".to_string()
                    } else {
                        format!("截至日期 \"{got}\" is not a date")
                    },
                    "write the date the figures are as of, e.g. 2025-06-30",
                ));
                continue;
            }
        };
        if let Some((start, end)) = super::plan_span(plan) {
            if date.year() < start || date.year() > end {
                diags.push(problem(
                    &at(col::DATE),
                    format!("date {date} is outside the plan period {start}–{end}"),
                    format!("reports on this plan speak for {start}-01-01 to {end}-12-31; correct the date"),
                ));
                bad = true;
            }
        }
        // 本期数值
        let value = match get(col::VALUE).and_then(|c| c.value.as_ref()) {
            None => None,
            Some(CellValue::Number(n)) if n.is_finite() => Some(*n),
            Some(v) => {
                let text = match v {
                    CellValue::Text(t) => t.clone(),
                    _ => cell_text(get(col::VALUE)),
                };
                match parse_number(&text) {
                    Some(n) => Some(n),
                    None => {
                        diags.push(problem(
                            &at(col::VALUE),
                            format!("本期数值 \"{text}\" is not a number"),
                            "write digits only, e.g. 96.8 (the unit is in column 单位; words go in 进展情况)",
                        ));
                        bad = true;
                        None
                    }
                }
            }
        };
        if value.is_some() && form_row.target.is_none() {
            diags.push(problem(
                &at(col::VALUE),
                "this task has no target to measure, so 本期数值 has nowhere to go",
                "describe the figure in 进展情况 instead",
            ));
            bad = true;
        }
        // 进展状态
        let status_text = cell_text(get(col::STATUS));
        let status = if status_text.is_empty() {
            None
        } else {
            match parse_status(&status_text) {
                Some(s) => Some(s),
                None => {
                    diags.push(problem(
                        &at(col::STATUS),
                        format!("unknown status \"{status_text}\""),
                        format!("choose one of {}", super::status_labels().join(", ")),
                    ));
                    bad = true;
                    None
                }
            }
        };
        // 完成百分比
        let percent_text = cell_text(get(col::PERCENT));
        let percent = if percent_text.is_empty() {
            None
        } else {
            match parse_number(&percent_text).filter(|p| (0.0..=100.0).contains(p)) {
                Some(p) => Some(p),
                None => {
                    diags.push(problem(
                        &at(col::PERCENT),
                        format!("完成百分比 \"{percent_text}\" is not a number from 0 to 100"),
                        "write a number such as 60, or leave it empty",
                    ));
                    bad = true;
                    None
                }
            }
        };
        if bad {
            continue;
        }
        let body = cell_text(get(col::BODY))
            .replace("\r\n", "\n")
            .replace('\r', "\n");
        let source = Some(cell_text(get(col::SOURCE))).filter(|s| !s.is_empty());
        let (links, notes) = evidence(&cell_text(get(col::EVIDENCE)));
        let task = form_row.task.id.clone();
        let pi = content
            .plans
            .iter()
            .position(|p| std::ptr::eq(p, plan))
            .unwrap_or(0);
        let idx = match reports
            .iter()
            .position(|r| r.plan == pi && r.task == task && r.date == date)
        {
            Some(i) => i,
            None => {
                reports.push(FormReport {
                    plan: pi,
                    task,
                    date,
                    status: None,
                    percent: None,
                    bodies: Vec::new(),
                    notes: Vec::new(),
                    measures: Vec::new(),
                    evidence: Vec::new(),
                    sheet: place.clone(),
                    first_row: row,
                    unit,
                    file: file.to_string(),
                });
                reports.len() - 1
            }
        };
        let r = &mut reports[idx];
        match (r.status, status) {
            (Some(a), Some(b)) if a != b => diags.push(problem(
                &at(col::STATUS),
                format!(
                    "status \"{}\" differs from \"{}\" on row {} of the same task and date",
                    b.label(),
                    a.label(),
                    r.first_row + 1
                ),
                "a task has one status per date: make its rows agree",
            )),
            (None, Some(b)) => r.status = Some(b),
            _ => {}
        }
        match (r.percent, percent) {
            (Some(a), Some(b)) if a != b => diags.push(problem(
                &at(col::PERCENT),
                format!(
                    "完成百分比 {b} differs from {a} on row {} of the same task and date",
                    r.first_row + 1
                ),
                "a task has one percentage per date: make its rows agree",
            )),
            (None, Some(b)) => r.percent = Some(b),
            _ => {}
        }
        if !body.is_empty() && !r.bodies.contains(&body) {
            r.bodies.push(body);
        }
        for n in notes {
            if !r.notes.contains(&n) {
                r.notes.push(n);
            }
        }
        for e in links {
            if !r.evidence.iter().any(|x| x.url == e.url) {
                r.evidence.push(e);
            }
        }
        if let (Some(v), Some(t)) = (value, form_row.target) {
            r.measures.push(Measure {
                target: t.id.clone(),
                value: v,
                unit: None,
                as_of: date,
                source,
                origin: Origin::default(),
            });
        }
    }
    for r in &reports {
        if r.status.is_none() {
            diags.push(problem(
                &r.at(col::STATUS),
                format!("进展状态 is empty for task \"{}\" ({})", r.task, r.date),
                format!(
                    "choose one of {} on at least one row of the task",
                    super::status_labels().join(", ")
                ),
            ));
        }
    }
    reports
}

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A progress report in the content format (DESIGN §3): TOML front matter and the body.
pub fn to_markdown(r: &Report) -> String {
    use std::fmt::Write;
    let mut s = String::from("+++\n");
    let _ = writeln!(s, "task = {}", toml_str(r.task.as_str()));
    let _ = writeln!(s, "date = {}", r.date);
    if let Some(p) = r.published {
        let _ = writeln!(s, "published = {p}");
    }
    let _ = writeln!(s, "status = {}", toml_str(r.status.as_str()));
    if let Some(p) = r.percent {
        let _ = writeln!(s, "percent = {}", super::number_text(p));
    }
    if let Some(by) = &r.reporter {
        let _ = writeln!(s, "reporter = {}", toml_str(by));
    }
    if r.sample {
        s.push_str("sample = true\n");
    }
    for m in &r.measures {
        s.push_str("[[measure]]\n");
        let _ = writeln!(s, "target = {}", toml_str(m.target.as_str()));
        let _ = writeln!(s, "value = {}", super::number_text(m.value));
        if let Some(u) = &m.unit {
            let _ = writeln!(s, "unit = {}", toml_str(u));
        }
        let _ = writeln!(s, "as_of = {}", m.as_of);
        if let Some(src) = &m.source {
            let _ = writeln!(s, "source = {}", toml_str(src));
        }
    }
    for e in &r.evidence {
        s.push_str("[[evidence]]\n");
        let _ = writeln!(s, "title = {}", toml_str(&e.title));
        let _ = writeln!(s, "url = {}", toml_str(&e.url));
    }
    for c in &r.corrections {
        s.push_str("[[correction]]\n");
        let _ = writeln!(s, "date = {}", c.date);
        if let Some(t) = &c.target {
            let _ = writeln!(s, "target = {}", toml_str(t.as_str()));
        }
        if let Some(p) = c.previous {
            let _ = writeln!(s, "previous = {}", super::number_text(p));
        }
        let _ = writeln!(s, "note = {}", toml_str(&c.note));
    }
    s.push_str("+++\n");
    let body = r.body.trim();
    if !body.is_empty() {
        s.push_str(body);
        s.push('\n');
    }
    s
}

/// A report read from a form as a content report by `unit`.
fn as_report(f: &FormReport, unit: &Unit) -> Report {
    Report {
        task: f.task.clone(),
        date: f.date,
        published: None,
        status: f.status.unwrap_or(ReportStatus::InProgress),
        percent: f.percent,
        reporter: Some(unit.name.clone()),
        sample: false,
        measures: f.measures.clone(),
        evidence: f.evidence.clone(),
        corrections: Vec::new(),
        body: f.body(),
        slug: String::new(),
        origin: Origin::default(),
    }
}

/// `old` updated with what the form says, or `None` when the form changes nothing. Changed
/// figures get a correction each (target and previous figure); other changes one note.
fn merge(old: &Report, new: &Report, today: Date, file: &str) -> Option<Report> {
    let mut r = old.clone();
    let mut changed = false;
    let mut notes = Vec::new();
    let file_name = Path::new(file)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(file);
    if r.status != new.status {
        notes.push(format!(
            "进展状态由“{}”改为“{}”",
            r.status.label(),
            new.status.label()
        ));
        r.status = new.status;
    }
    if let Some(p) = new.percent {
        if r.percent != Some(p) {
            let was = r.percent.map_or("未填".to_string(), |x| {
                format!("{}%", super::number_text(x))
            });
            notes.push(format!(
                "完成百分比由 {was} 改为 {}%",
                super::number_text(p)
            ));
            r.percent = Some(p);
        }
    }
    if !new.body.trim().is_empty() && new.body.trim() != r.body.trim() {
        notes.push("进展情况文字已更新".to_string());
        r.body = new.body.clone();
    }
    for m in &new.measures {
        match r.measures.iter_mut().find(|x| x.target == m.target) {
            Some(x) => {
                if x.value != m.value {
                    r.corrections.push(Correction {
                        date: today,
                        note: format!(
                            "{} 改为 {}(据 {file_name} 更正)",
                            super::number_text(x.value),
                            super::number_text(m.value)
                        ),
                        target: Some(m.target.clone()),
                        previous: Some(x.value),
                        origin: Origin::default(),
                    });
                    x.value = m.value;
                    x.as_of = m.as_of;
                    changed = true;
                }
                if m.source.is_some() && x.source != m.source {
                    notes.push(format!(
                        "目标 {} 的数据来源改为“{}”",
                        m.target,
                        m.source.as_deref().unwrap_or("")
                    ));
                    x.source = m.source.clone();
                }
            }
            None => {
                r.measures.push(m.clone());
                changed = true;
            }
        }
    }
    for e in &new.evidence {
        if !r.evidence.iter().any(|x| x.url == e.url) {
            r.evidence.push(e.clone());
            changed = true;
        }
    }
    if !notes.is_empty() {
        r.corrections.push(Correction {
            date: today,
            note: format!("{}(据 {file_name} 更正)", notes.join(";")),
            target: None,
            previous: None,
            origin: Origin::default(),
        });
        changed = true;
    }
    changed.then_some(r)
}

/// A file name part made of a task id: characters that are unsafe in file names replaced.
fn file_part(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// What an import will do: files to write (path → text) and what to say about them.
#[derive(Debug, Default)]
pub struct ImportPlan {
    pub writes: BTreeMap<PathBuf, String>,
    pub created: usize,
    pub corrected: usize,
    pub unchanged: usize,
}

/// Reads every form and works out the files to write; all problems go to `diags`.
pub fn plan_import(
    root: &Path,
    content: &Content,
    forms: &[(String, Vec<u8>)],
    today: Date,
    diags: &mut Diagnostics,
) -> ImportPlan {
    let mut out = ImportPlan::default();
    let mut claimed: BTreeMap<(usize, TaskId, Date), String> = BTreeMap::new();
    let mut names: BTreeSet<PathBuf> = BTreeSet::new();
    for (file, bytes) in forms {
        for f in read_form(content, file, bytes, diags) {
            let plan: &Plan = &content.plans[f.plan];
            let unit = &content.units[f.unit];
            if let Some(other) = claimed.insert((f.plan, f.task.clone(), f.date), f.at(col::DATE)) {
                diags.push(problem(
                    &f.at(col::DATE),
                    format!(
                        "task \"{}\" of plan \"{}\" dated {} is also reported at {other}",
                        f.task, plan.id, f.date
                    ),
                    "a task has one report per date: agree the figures and send them in one form",
                ));
                continue;
            }
            if f.status.is_none() {
                continue;
            }
            let new = as_report(&f, unit);
            let existing = plan
                .progress
                .iter()
                .find(|r| r.task == f.task && r.date == f.date);
            let (path, text) = match existing {
                None => {
                    let dir = root
                        .join("content/plans")
                        .join(plan.id.as_str())
                        .join("progress");
                    let stem = format!("{}-{}", f.date, file_part(f.task.as_str()));
                    let mut path = dir.join(format!("{stem}.md"));
                    let mut n = 2;
                    while path.exists() || names.contains(&path) {
                        path = dir.join(format!("{stem}-{n}.md"));
                        n += 1;
                    }
                    out.created += 1;
                    (path, to_markdown(&new))
                }
                Some(old) => {
                    let shown = &old.origin.path;
                    if shown.extension().is_some_and(|e| e == "csv") {
                        diags.push(problem(
                            &f.at(col::DATE),
                            format!(
                                "task \"{}\" already has a report dated {} in {}",
                                f.task,
                                f.date,
                                shown.display()
                            ),
                            "change that CSV row instead, or remove it before importing the form",
                        ));
                        continue;
                    }
                    let same_unit = old.reporter.as_deref().is_none_or(|by| {
                        by == unit.name
                            || unit.aliases.iter().any(|a| a == by)
                            || unit.full_name.as_deref() == Some(by)
                    });
                    if !old.sample && !same_unit {
                        diags.push(problem(
                            &f.at(col::DATE),
                            format!(
                                "task \"{}\" already has a report dated {} by {} ({})",
                                f.task,
                                f.date,
                                old.reporter.as_deref().unwrap_or(""),
                                shown.display()
                            ),
                            "a task has one report per date: agree the figures with that unit, or report for another date",
                        ));
                        continue;
                    }
                    let merged = if old.sample {
                        // Demonstration data is replaced by the real report, not corrected.
                        Some(new)
                    } else {
                        merge(old, &new, today, &f.file)
                    };
                    match merged {
                        None => {
                            out.unchanged += 1;
                            continue;
                        }
                        Some(r) => {
                            out.corrected += 1;
                            (root.join(shown), to_markdown(&r))
                        }
                    }
                }
            };
            names.insert(path.clone());
            out.writes.insert(path, text);
        }
    }
    out
}

/// Writes `files` whole: each to a hidden temporary name beside it, then all renamed into
/// place. If any write fails, the temporaries are removed and nothing was changed.
pub fn commit(files: &BTreeMap<PathBuf, String>) -> Result<(), String> {
    let mut made_dirs = Vec::new();
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    let undo = |staged: &[(PathBuf, PathBuf)], dirs: &[PathBuf]| {
        for (tmp, _) in staged {
            let _ = std::fs::remove_file(tmp);
        }
        for d in dirs.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
    };
    for (path, text) in files {
        let dir = path.parent().unwrap_or(Path::new("."));
        if !dir.exists() {
            if let Err(e) = std::fs::create_dir_all(dir) {
                undo(&staged, &made_dirs);
                return Err(format!("{}: {e}", dir.display()));
            }
            made_dirs.push(dir.to_path_buf());
        }
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("report.md");
        let tmp = dir.join(format!(".{name}.partial"));
        if let Err(e) = std::fs::write(&tmp, text) {
            let _ = std::fs::remove_file(&tmp);
            undo(&staged, &made_dirs);
            return Err(format!("{}: {e}", tmp.display()));
        }
        staged.push((tmp, path.clone()));
    }
    for (tmp, path) in &staged {
        std::fs::rename(tmp, path).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

pub fn run(opts: &ImportOptions) -> ExitCode {
    let content = match super::load_valid(&opts.root) {
        Ok(c) => c,
        Err(d) => {
            crate::diagnostics::report(d);
            eprintln!("nothing imported: the content has errors (gongkai check shows the same)");
            return ExitCode::from(1);
        }
    };
    let mut forms = Vec::new();
    for f in &opts.files {
        match std::fs::read(f) {
            Ok(bytes) => forms.push((f.display().to_string(), bytes)),
            Err(e) => {
                eprintln!("error: {}: {e}", f.display());
                return ExitCode::from(2);
            }
        }
    }
    let today = opts
        .today
        .unwrap_or_else(|| Date(chrono::Local::now().date_naive()));
    let mut diags = Diagnostics::new();
    let plan = plan_import(&opts.root, &content, &forms, today, &mut diags);
    if diags.has_errors() {
        let errors = diags.error_count();
        // In the order found: file by file, row by row.
        for d in diags.iter() {
            eprintln!("{d}");
        }
        eprintln!("{errors} error(s); nothing was written");
        return ExitCode::from(1);
    }
    if let Err(e) = commit(&plan.writes) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    eprintln!(
        "{} new report(s), {} corrected, {} unchanged (from {} form(s))",
        plan.created,
        plan.corrected,
        plan.unchanged,
        forms.len()
    );
    ExitCode::SUCCESS
}

/// The form reader's fuzz entry point (tests/fuzz/fuzz_targets/forms.rs): `data` as an `.xlsx`
/// file read against `content`. Whatever the bytes, this returns (with diagnostics); it panics
/// only on a bug.
pub fn fuzz_one(content: &Content, data: &[u8]) {
    let mut diags = Diagnostics::new();
    let root = Path::new("/nonexistent-fuzz-root");
    let today = Date::end_of_year(2025);
    let plan = plan_import(
        root,
        content,
        &[("fuzz.xlsx".to_string(), data.to_vec())],
        today,
        &mut diags,
    );
    for text in plan.writes.values() {
        // What would be written must load as a report.
        let shown = Path::new("content/plans/x/progress/fuzz.md");
        let d = crate::content::parse_text(shown, text);
        assert!(
            !d.has_errors(),
            "an imported report does not load:\n{text}\n{:?}",
            d.into_sorted()
        );
    }
}

/// The form reader's fuzz harness: the bundled content and a real form to splice inputs into.
pub struct FuzzKit {
    content: Content,
    template: Vec<u8>,
}

impl FuzzKit {
    /// The content at `root` (it must be valid) and the form of its first unit with rows.
    pub fn new(root: &Path) -> FuzzKit {
        let content = super::load_valid(root)
            .unwrap_or_else(|d| panic!("the fuzz content does not load: {:?}", d.into_sorted()));
        let date = content.site.as_of.unwrap_or(Date::end_of_year(2025));
        let template = {
            let units = super::rows_by_unit(&content, Some(date));
            let (_, (unit, rows)) = units.iter().next().expect("a unit with rows");
            super::write::form(&content, unit, rows, date, date).expect("the template form")
        };
        FuzzKit { content, template }
    }

    /// The first byte picks how the rest is used: even, as a whole `.xlsx` file; odd, as the
    /// XML of the rows sheet inside the real form (so the fuzzer reaches the cell and row
    /// checks without having to make a zip first).
    pub fn run(&self, data: &[u8]) {
        let Some((&kind, rest)) = data.split_first() else {
            return;
        };
        if kind % 2 == 0 {
            fuzz_one(&self.content, rest);
        } else if let Some(file) = splice(&self.template, "xl/worksheets/sheet2.xml", rest) {
            fuzz_one(&self.content, &file);
        }
    }

    /// The real form the harness splices into (seed material).
    pub fn template(&self) -> &[u8] {
        &self.template
    }
}

/// `xlsx` with the part `name` replaced by `bytes` (stored, uncompressed).
fn splice(xlsx: &[u8], name: &str, bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).ok()?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..src.len() {
        let f = src.by_index(i).ok()?;
        if f.name().ok()? == name {
            drop(f);
            out.start_file(name, stored).ok()?;
            out.write_all(bytes).ok()?;
        } else {
            out.raw_copy_file(f).ok()?;
        }
    }
    Some(out.finish().ok()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_people_type_them() {
        assert_eq!(parse_number("96.8"), Some(96.8));
        assert_eq!(parse_number(" ９６．８ "), Some(96.8));
        assert_eq!(parse_number("1,234.5"), Some(1234.5));
        assert_eq!(parse_number("96.8%"), Some(96.8));
        assert_eq!(parse_number("-3"), Some(-3.0));
        for bad in ["约98", "98以上", "", "inf", "NaN", "1e999", "九十八"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates_typed_as_text_are_read_in_the_common_forms() {
        let d = Date::from_ymd(2025, 6, 30);
        for t in ["2025-06-30", "2025/6/30", "2025.6.30", "2025年6月30日"] {
            assert_eq!(parse_date_text(t), d, "{t}");
        }
        assert_eq!(parse_date_text("2025-02-30"), None);
        assert_eq!(parse_date_text("六月底"), None);
        assert_eq!(serial_date(45838.0), d);
    }

    #[test]
    fn evidence_lines_with_a_url_become_links_and_others_stay_text() {
        let (links, notes) =
            evidence("验收公示 https://example.org/a\nhttps://example.org/b\n会议纪要(纸质)");
        assert_eq!(links.len(), 2);
        assert_eq!(
            (links[0].title.as_str(), links[0].url.as_str()),
            ("验收公示", "https://example.org/a")
        );
        assert_eq!(links[1].title, "https://example.org/b");
        assert_eq!(notes, ["会议纪要(纸质)"]);
    }

    #[test]
    fn a_written_report_loads_back_as_the_same_report() {
        let r = Report {
            task: TaskId("9".into()),
            date: Date::from_ymd(2025, 6, 30).unwrap(),
            published: None,
            status: ReportStatus::InProgress,
            percent: Some(85.0),
            reporter: Some("市城建局".into()),
            sample: false,
            measures: vec![Measure {
                target: crate::model::TargetId("9-1".into()),
                value: 98.2,
                unit: None,
                as_of: Date::from_ymd(2025, 6, 30).unwrap(),
                source: Some("《统计》\"引号\"".into()),
                origin: Origin::default(),
            }],
            evidence: vec![],
            corrections: vec![Correction {
                date: Date::from_ymd(2025, 7, 20).unwrap(),
                note: "进展状态由“推进中”改为“已完成”".into(),
                target: None,
                previous: None,
                origin: Origin::default(),
            }],
            body: "=HYPERLINK(\"x\")\n\n第二段".into(),
            slug: String::new(),
            origin: Origin::default(),
        };
        let text = to_markdown(&r);
        let mut diags = Diagnostics::new();
        let shown = Path::new("content/plans/x/progress/a.md");
        let back = crate::content::parse_report(shown, &text, &mut diags).unwrap();
        assert!(diags.is_empty(), "{:?}", diags.into_sorted());
        assert_eq!(back.measures[0].value, 98.2);
        assert_eq!(back.measures[0].source, r.measures[0].source);
        assert_eq!(back.percent, Some(85.0));
        assert_eq!(back.body.trim(), r.body);
        assert_eq!(back.corrections[0].note, r.corrections[0].note);
        assert_eq!(
            to_markdown(&back),
            text,
            "writing what was read gives the same bytes"
        );
    }
}
