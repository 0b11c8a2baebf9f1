//! `gongkai forms`: one `.xlsx` progress form per unit that leads or shares a task.
//!
//! In: the validated content, the round's date and the deadline. Out: `<unit id>.xlsx` files in
//! the output folder, written whole (each goes to a temporary name first, then is renamed).
//! Content text is written as text (never as a formula), with a quote prefix where a spreadsheet
//! would otherwise read it as one; the key columns and the plan's text are locked.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Note, ProtectionOptions, Workbook, Worksheet, XlsxError,
};

use super::{col, FormRow, COLUMNS, INSTRUCTIONS, SHEET, UNIT_LABEL};
use crate::diagnostics::report;
use crate::model::{Content, Date, Plan, ReportStatus, Unit};

pub struct FormsOptions {
    pub root: PathBuf,
    /// Where to write the forms [default: ROOT/forms].
    pub out: Option<PathBuf>,
    /// The date the round reports for [default: site.toml's as_of, else today].
    pub date: Option<Date>,
    /// When forms are due back [default: 15 days after the round's date].
    pub deadline: Option<Date>,
}

/// Widths (in characters of the default font) chosen so the 14 columns print on one A4 page
/// across, landscape, at a readable scale: the text columns are wide and wrap.
const WIDTHS: [f64; 14] = [
    13.0, 5.0, 18.0, 6.0, 22.0, 7.5, 6.5, 10.5, 8.5, 7.5, 6.0, 26.0, 11.0, 11.0,
];

/// The round's date and deadline, with their defaults.
fn round_dates(content: &Content, opts: &FormsOptions) -> (Date, Date) {
    let date = opts
        .date
        .or(content.site.as_of)
        .unwrap_or_else(|| Date(chrono::Local::now().date_naive()));
    let deadline = opts
        .deadline
        .unwrap_or_else(|| Date(date.0 + chrono::Days::new(15)));
    (date, deadline)
}

pub fn run(opts: &FormsOptions) -> ExitCode {
    let content = match super::load_valid(&opts.root) {
        Ok(c) => c,
        Err(d) => {
            report(d);
            eprintln!("no forms written: the content has errors (gongkai check shows the same)");
            return ExitCode::from(1);
        }
    };
    let out = opts.out.clone().unwrap_or_else(|| opts.root.join("forms"));
    let (date, deadline) = round_dates(&content, opts);
    let units = super::rows_by_unit(&content, Some(date));
    if units.is_empty() {
        eprintln!("no unit leads or shares a task: no forms to write");
        return ExitCode::SUCCESS;
    }
    let mut files = Vec::new();
    for (id, (unit, rows)) in &units {
        match form(&content, unit, rows, date, deadline) {
            Ok(bytes) => files.push((out.join(format!("{id}.xlsx")), bytes, rows.len())),
            Err(e) => {
                eprintln!("error: cannot make the form for {id}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if let Err(e) = write_all(&out, &files) {
        eprintln!("error: {e}");
        return ExitCode::from(2);
    }
    let rows: usize = files.iter().map(|f| f.2).sum();
    eprintln!(
        "wrote {} forms ({rows} rows, reporting date {date}, due {deadline}) → {}",
        files.len(),
        out.display()
    );
    ExitCode::SUCCESS
}

/// Writes every file under a temporary name, then renames them all into place: a failure
/// leaves no half-written form behind.
fn write_all(out: &Path, files: &[(PathBuf, Vec<u8>, usize)]) -> Result<(), String> {
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut staged = Vec::new();
    for (path, bytes, _) in files {
        let tmp = path.with_extension("xlsx.partial");
        if let Err(e) = std::fs::write(&tmp, bytes) {
            for t in &staged {
                let _ = std::fs::remove_file(t);
            }
            let _ = std::fs::remove_file(&tmp);
            return Err(format!("{}: {e}", tmp.display()));
        }
        staged.push(tmp);
    }
    for ((path, _, _), tmp) in files.iter().zip(&staged) {
        std::fs::rename(tmp, path).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// Text that a spreadsheet must show as text: with the quote prefix (the cell-level form of a
/// leading `'`) when it would otherwise be read as a formula once edited or exported.
fn text_format(base: &Format, text: &str) -> Format {
    if crate::cells::looks_like_formula(text) {
        base.clone().set_quote_prefix()
    } else {
        base.clone()
    }
}

fn excel_date(d: Date) -> Result<ExcelDateTime, XlsxError> {
    use chrono::Datelike;
    let y = u16::try_from(d.0.year()).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?;
    ExcelDateTime::from_ymd(y, d.0.month() as u8, d.0.day() as u8)
}

/// The latest published figure for a target: value, date, reporter.
fn last_value(plan: &Plan, target: &str) -> Option<(f64, Date, Option<String>)> {
    plan.progress
        .iter()
        .flat_map(|r| r.measures.iter().map(move |m| (r, m)))
        .filter(|(_, m)| m.target.as_str() == target)
        .max_by_key(|(r, m)| (m.as_of, r.date))
        .map(|(r, m)| (m.value, m.as_of, r.reporter.clone()))
}

/// The latest report on a task: status, percent, date.
fn last_report(plan: &Plan, task: &str) -> Option<(ReportStatus, Option<f64>, Date)> {
    plan.progress
        .iter()
        .filter(|r| r.task.as_str() == task)
        .max_by_key(|r| r.date)
        .map(|r| (r.status, r.percent, r.date))
}

/// Rows of text a cell needs at `width` characters (CJK characters count two).
fn lines_needed(text: &str, width: f64) -> usize {
    text.split('\n')
        .map(|line| {
            let w: usize = line.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
            (w as f64 * 1.1 / (width - 1.5).max(1.0)).ceil().max(1.0) as usize
        })
        .sum()
}

/// One unit's form as `.xlsx` bytes.
pub fn form(
    content: &Content,
    unit: &Unit,
    rows: &[FormRow<'_>],
    date: Date,
    deadline: Date,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let border = |f: Format| f.set_border(FormatBorder::Thin).set_border_color("#9aa5b1");
    let header = border(
        Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color("#dde4ec"),
    );
    let locked = border(
        Format::new()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_font_color("#333333"),
    );
    let fill = border(
        Format::new()
            .set_text_wrap()
            .set_align(FormatAlign::Top)
            .set_unlocked()
            .set_background_color("#fff8d6"),
    );
    let fill_date = fill.clone().set_num_format("yyyy-mm-dd");
    let fill_number = fill.clone().set_num_format("General");
    let fill_text = fill.clone().set_num_format("@");

    // Instructions first: it is what a person opening the file should read.
    instructions(wb.add_worksheet(), content, unit, rows, date, deadline)?;

    let ws = wb.add_worksheet();
    ws.set_name(SHEET)?;
    ws.set_active(true);
    for (i, title) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *title, &header)?;
        ws.set_column_width(i as u16, WIDTHS[i])?;
    }
    ws.set_row_height(0, 30)?;
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        let keys = [
            r.plan.id.as_str().to_string(),
            r.task.id.as_str().to_string(),
            r.target
                .map(|t| t.id.as_str().to_string())
                .unwrap_or_default(),
        ];
        for (c, text) in col::KEYS.iter().zip(&keys) {
            ws.write_string_with_format(row, *c, text, &text_format(&locked, text))?;
        }
        let text = r.plan_text();
        for (c, t) in col::PLAN_TEXT.iter().zip(&text) {
            ws.write_string_with_format(row, *c, t, &text_format(&locked, t))?;
        }
        ws.write_datetime_with_format(row, col::DATE, excel_date(date)?, &fill_date)?;
        for c in [col::VALUE, col::PERCENT] {
            ws.write_blank(row, c, &fill_number)?;
        }
        for c in [col::STATUS, col::BODY, col::SOURCE, col::EVIDENCE] {
            ws.write_blank(row, c, &fill_text)?;
        }
        // The last published figure, beside the cell to fill.
        if let Some(t) = r.target {
            if let Some((v, d, by)) = last_value(r.plan, t.id.as_str()) {
                let unit_text = t.unit.as_deref().unwrap_or("");
                let by = by.map(|b| format!(",{b}报")).unwrap_or_default();
                let note = format!(
                    "上期数值:{}{unit_text}(截至 {d}{by})",
                    super::number_text(v)
                );
                ws.insert_note(
                    row,
                    col::VALUE,
                    &Note::new(note)
                        .set_author("gongkai")
                        .set_width(220)
                        .set_height(60),
                )?;
            }
        }
        if let Some((s, p, d)) = last_report(r.plan, r.task.id.as_str()) {
            let p = p
                .map(|p| format!(",完成 {}%", super::number_text(p)))
                .unwrap_or_default();
            let note = format!("上期状态:{}{p}(截至 {d})", s.label());
            ws.insert_note(
                row,
                col::STATUS,
                &Note::new(note)
                    .set_author("gongkai")
                    .set_width(200)
                    .set_height(50),
            )?;
        }
        let lines = col::KEYS
            .iter()
            .zip(&keys)
            .chain(col::PLAN_TEXT.iter().zip(&text))
            .map(|(c, t)| lines_needed(t, WIDTHS[usize::from(*c)]))
            .max()
            .unwrap_or(1)
            .max(2);
        ws.set_row_height(row, (lines as f64 * 16.0 + 4.0).min(409.0))?;
    }
    let last = rows.len() as u32;
    if last > 0 {
        validations(ws, rows)?;
    }
    ws.set_freeze_panes(1, 3)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    ws.set_header(format!(
        "&L{} 进展填报表&R截至 {date}",
        unit.name.replace('&', "&&")
    ));
    ws.set_footer("&C第 &P 页,共 &N 页");
    ws.protect_with_options(&protection());
    wb.save_to_buffer()
}

fn protection() -> ProtectionOptions {
    ProtectionOptions {
        select_locked_cells: true,
        select_unlocked_cells: true,
        format_rows: true,
        format_columns: true,
        ..ProtectionOptions::default()
    }
}

/// Drop-down, date and number validation on the cells to fill.
fn validations(ws: &mut Worksheet, rows: &[FormRow<'_>]) -> Result<(), XlsxError> {
    let last = rows.len() as u32;
    let status = DataValidation::new()
        .allow_list_strings(&super::status_labels())?
        .set_input_title("进展状态")?
        .set_input_message("从下拉列表中选择")?
        .set_error_title("进展状态")?
        .set_error_message("请从列表中选择:未开始、推进中、已完成、滞后、暂停")?;
    ws.add_data_validation(1, col::STATUS, last, col::STATUS, &status)?;
    let value = DataValidation::new()
        .allow_decimal_number(DataValidationRule::Between(-1e15, 1e15))
        .set_input_title("本期数值")?
        .set_input_message("只填数字,单位见“单位”列;上期数值见单元格批注")?
        .set_error_title("本期数值")?
        .set_error_message("请填写数字(不带单位、不带文字)")?;
    ws.add_data_validation(1, col::VALUE, last, col::VALUE, &value)?;
    let percent = DataValidation::new()
        .allow_decimal_number(DataValidationRule::Between(0.0, 100.0))
        .set_error_title("完成百分比")?
        .set_error_message("请填写 0 到 100 之间的数字")?;
    ws.add_data_validation(1, col::PERCENT, last, col::PERCENT, &percent)?;
    // Dates within each plan's period: one validation per run of rows of the same plan.
    let mut start = 0;
    while start < rows.len() {
        let plan = rows[start].plan;
        let end = start
            + rows[start..]
                .iter()
                .take_while(|r| std::ptr::eq(r.plan, plan))
                .count();
        if let Some((first, last)) = super::plan_span(plan) {
            let (from, to) = (Date::from_ymd(first, 1, 1), Date::from_ymd(last, 12, 31));
            if let (Some(from), Some(to)) = (from, to) {
                let v = DataValidation::new()
                    .allow_date(DataValidationRule::Between(
                        excel_date(from)?,
                        excel_date(to)?,
                    ))
                    .set_error_style(DataValidationErrorStyle::Stop)
                    .set_error_title("截至日期")?
                    .set_error_message(format!("请填写报告期内的日期({from} 至 {to})"))?;
                ws.add_data_validation(start as u32 + 1, col::DATE, end as u32, col::DATE, &v)?;
            }
        }
        start = end;
    }
    Ok(())
}

/// The instructions sheet: who fills, how, by when, and where to send the form.
fn instructions(
    ws: &mut Worksheet,
    content: &Content,
    unit: &Unit,
    rows: &[FormRow<'_>],
    date: Date,
    deadline: Date,
) -> Result<(), XlsxError> {
    ws.set_name(INSTRUCTIONS)?;
    let title = Format::new().set_bold().set_font_size(14);
    let label = Format::new().set_bold().set_align(FormatAlign::Top);
    let text = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    ws.set_column_width(0, 14)?;
    ws.set_column_width(1, 90)?;
    let site = &content.site;
    ws.write_string_with_format(0, 0, format!("{} 进展填报表", unit.name), &title)?;
    ws.set_row_height(0, 24)?;
    let p = &site.publisher;
    let mut contact = vec![p.office.clone().unwrap_or_else(|| p.name.clone())];
    contact.extend(
        p.email
            .as_ref()
            .map(|e| format!("电子邮件:{}", e.trim_start_matches("mailto:"))),
    );
    contact.extend(p.phone.as_ref().map(|t| format!("电话:{t}")));
    contact.extend(p.fax.as_ref().map(|t| format!("传真:{t}")));
    contact.extend(p.address.as_ref().map(|a| format!("地址:{a}")));
    let mut plans: Vec<&Plan> = rows.iter().map(|r| r.plan).collect();
    plans.dedup_by(|a, b| a.id == b.id);
    let plan_list = plans
        .iter()
        .map(|p| {
            let period = super::plan_span(p)
                .map(|(a, b)| format!("(报告期 {a}—{b} 年)"))
                .unwrap_or_default();
            format!("{}:{}{period}", p.id, p.title)
        })
        .collect::<Vec<_>>()
        .join("\n");
    let tasks = {
        let mut t: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.plan.id.as_str(), r.task.id.as_str()))
            .collect();
        t.dedup();
        t.len()
    };
    let steps = [
        format!("1. 在“{SHEET}”工作表中,逐行填写浅黄色单元格;灰色列(方案、任务编号、任务、目标编号、目标、目标值、单位)是规划原文和编号,已锁定,请勿修改、删除或调换行。"),
        format!("2. 截至日期:本期数据所截至的日期,已预填为 {date},如数据截至其他日期可改(须在报告期内)。同一任务各行请填同一日期。"),
        "3. 本期数值:只填数字,单位以“单位”列为准,不要带单位或文字;上期已公开的数值见该单元格的批注(红色小三角)。没有数值的目标可不填。".to_string(),
        "4. 进展状态:从下拉列表选择(未开始、推进中、已完成、滞后、暂停);同一任务各行填一样的状态。完成百分比:0 到 100 的数字,可不填。".to_string(),
        "5. 进展情况:简要文字说明本期进展,将在网站上公开;数据来源:数值出自哪份统计或报告;佐证材料:每行一项,可写“标题 网址”。".to_string(),
        "6. 不需要填报的行留空即可;请勿使用公式(公式不会被计算),请勿另存为其他格式,保存为 .xlsx 后发回。".to_string(),
        "7. 已公开的数据如需更正,直接在本表中改填,网站会保留原数值并注明更正。".to_string(),
    ];
    let lines: Vec<(&str, String)> = vec![
        (
            "填报单位",
            unit.full_name.clone().unwrap_or_else(|| unit.name.clone()),
        ),
        (UNIT_LABEL, unit.id.as_str().to_string()),
        ("截至日期", date.to_string()),
        ("报送截止", format!("{deadline} 前")),
        ("报送至", contact.join("\n")),
        ("填报内容", format!("{tasks} 项任务,共 {} 行", rows.len())),
        ("涉及规划", plan_list),
        ("填写方法", steps.join("\n")),
        ("网站", site.title.clone()),
    ];
    for (i, (l, t)) in lines.iter().enumerate() {
        let row = i as u32 + 2;
        ws.write_string_with_format(row, 0, *l, &label)?;
        ws.write_string_with_format(row, 1, t, &text_format(&text, t))?;
        ws.set_row_height(row, (lines_needed(t, 90.0) as f64 * 16.5 + 4.0).min(409.0))?;
    }
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 1);
    ws.protect_with_options(&protection());
    Ok(())
}
