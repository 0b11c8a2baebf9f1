//! The CSV files of `data/` and their Frictionless Data descriptor.
//!
//! CSVs are UTF-8 with a byte-order mark so Excel opens Chinese text correctly; the first row
//! names the columns. `progress.csv` uses exactly [`PROGRESS_CSV_COLUMNS`], the format that
//! `progress/*.csv` input accepts, so an export can be edited in a spreadsheet and read back.

use serde_json::json;

use crate::content::PROGRESS_CSV_COLUMNS;
use crate::derive::columns::{PROGRESS_COLUMNS, TARGET_COLUMNS, TASK_COLUMNS};
use crate::derive::{PlanView, SiteData};
use crate::util::number::format_number;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A unit-like enum's serde name (its snake_case form).
fn snake<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

pub(super) fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

pub(super) fn num(v: Option<f64>) -> String {
    v.map(format_number).unwrap_or_default()
}

/// The header row of a CSV file: the byte-order mark and the column names.
pub(super) fn header(columns: &[&str]) -> Vec<u8> {
    let mut out = BOM.to_vec();
    out.extend(rows(|w| {
        let _ = w.write_record(columns);
    }));
    out
}

/// Writes one record whose fields follow `columns`; text (`string`) fields are neutralised so
/// no spreadsheet reads them as a formula ([`crate::cells::neutralise`]), other fields are
/// written as they are (numbers stay numbers).
pub(super) fn write_typed<const N: usize>(
    w: &mut csv::Writer<&mut Vec<u8>>,
    columns: &[(&str, &str, &str); N],
    record: [&str; N],
) {
    // Writing to a Vec cannot fail.
    for (field, (_, kind, _)) in record.iter().zip(columns) {
        let _ = if *kind == "string" {
            w.write_field(crate::cells::neutralise(field).as_bytes())
        } else {
            w.write_field(field)
        };
    }
    // Ends the record the fields above began.
    let _ = w.write_record(std::iter::empty::<&[u8]>());
}

/// Rows written by `f`, as CSV bytes (no header, no byte-order mark). Each record is quoted on
/// its own, so pieces written apart and joined equal the file written at once.
pub(super) fn rows(f: impl FnOnce(&mut csv::Writer<&mut Vec<u8>>)) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        f(&mut w);
        // Writing to a Vec cannot fail.
        let _ = w.flush();
    }
    out
}

/// The header of `tasks.csv`.
pub fn tasks_header() -> Vec<u8> {
    header(&TASK_COLUMNS.map(|c| c.0))
}

/// A plan's rows of `tasks.csv`.
pub fn task_rows(p: &PlanView) -> Vec<u8> {
    rows(|w| {
        for t in &p.tasks {
            write_typed(
                w,
                &TASK_COLUMNS,
                [
                    p.id(),
                    t.id(),
                    t.number.as_str(),
                    t.task.title.as_str(),
                    &t.lead
                        .iter()
                        .map(|u| u.name.as_str())
                        .collect::<Vec<_>>()
                        .join("、"),
                    &t.responsible
                        .iter()
                        .map(|u| u.name.as_str())
                        .collect::<Vec<_>>()
                        .join("、"),
                    t.status.map_or("", |s| s.as_str()),
                    &num(t.percent),
                    &opt(&t.last_update),
                    &t.targets.len().to_string(),
                    &crate::util::url::pretty(&t.url),
                ],
            );
        }
    })
}

/// The header of `targets.csv`.
pub fn targets_header() -> Vec<u8> {
    header(&TARGET_COLUMNS.map(|c| c.0))
}

/// A plan's rows of `targets.csv`: its own targets, then its tasks' in task order.
pub fn target_rows(p: &PlanView) -> Vec<u8> {
    let targets = p
        .targets
        .iter()
        .chain(p.tasks.iter().flat_map(|t| t.targets.iter()));
    rows(|w| {
        for t in targets {
            let tr = &t.tracker;
            let b = tr.baseline.as_ref();
            write_typed(
                w,
                &TARGET_COLUMNS,
                [
                    t.plan.as_str(),
                    &opt(&t.task),
                    t.id(),
                    t.target.text.as_str(),
                    &opt(&t.target.metric),
                    &opt(&t.target.year),
                    &num(t.target.value),
                    &opt(&t.target.unit),
                    t.target.comparator.as_str(),
                    &num(b.map(|b| b.value)),
                    &b.and_then(|b| b.date)
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    &b.and_then(|b| b.year)
                        .map(|y| y.to_string())
                        .unwrap_or_default(),
                    &b.map(|b| snake(&b.source)).unwrap_or_default(),
                    &num(tr.latest.as_ref().map(|l| l.value)),
                    &tr.latest
                        .as_ref()
                        .map(|l| l.date.to_string())
                        .unwrap_or_default(),
                    &num(tr.target_value),
                    &opt(&tr.deadline),
                    &tr.ratio.map(|r| format!("{r:.4}")).unwrap_or_default(),
                    tr.status.as_str(),
                    if tr.overdue { "true" } else { "false" },
                    &crate::util::url::pretty(&t.url),
                ],
            );
        }
    })
}

/// The header of `progress.csv`.
pub fn progress_header() -> Vec<u8> {
    header(&PROGRESS_CSV_COLUMNS)
}

/// A plan's rows of `progress.csv`: one row per report and measure, in task and date order (not
/// newest first) so a spreadsheet reads like the plan.
pub fn progress_rows(p: &PlanView) -> Vec<u8> {
    // Rows go straight to the writer, fields borrowed where the view holds them as text: the
    // file is the biggest of the site (every report body).
    rows(|w| {
        for t in &p.tasks {
            for r in t.reports.iter().rev() {
                let date = r.date.to_string();
                let published = opt(&r.published);
                let percent = num(r.percent);
                let sample = if r.sample { "true" } else { "false" };
                let evidence = r
                    .evidence
                    .iter()
                    .map(|e| format!("{} | {}", e.title, e.url))
                    .collect::<Vec<_>>()
                    .join("\n");
                let corrections = r
                    .corrections
                    .iter()
                    .map(|c| {
                        format!(
                            "{} | {} | {} | {}",
                            c.date,
                            opt(&c.target),
                            num(c.previous),
                            c.note
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                let mut row = |target: &str, value: &str, unit: &str, as_of: &str, source: &str| {
                    write_typed(
                        w,
                        &PROGRESS_COLUMNS,
                        [
                            p.id(),
                            t.id(),
                            &date,
                            &published,
                            r.status.as_str(),
                            &percent,
                            r.reporter.as_deref().unwrap_or(""),
                            sample,
                            target,
                            value,
                            unit,
                            as_of,
                            source,
                            &evidence,
                            &corrections,
                            &r.body,
                        ],
                    );
                };
                if r.measures.is_empty() {
                    row("", "", "", "", "");
                }
                for m in &r.measures {
                    row(
                        m.target.as_str(),
                        &format_number(m.value),
                        m.unit_as_written.as_deref().unwrap_or(""),
                        &m.as_of.to_string(),
                        m.source.as_deref().unwrap_or(""),
                    );
                }
            }
        }
    })
}

pub(super) fn resource(
    name: &str,
    title: &str,
    cols: Vec<(&str, &str, &str)>,
) -> serde_json::Value {
    json!({
        "name": name,
        "title": title,
        "path": format!("{name}.csv"),
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8-sig",
        "description": FORMULA_NOTE,
        "dialect": { "delimiter": ",", "lineTerminator": "\r\n", "header": true },
        "schema": {
            "fields": cols.iter().map(|(n, t, d)| {
                let mut f = json!({ "name": n, "type": t, "description": d });
                if *t == "boolean" {
                    f["trueValues"] = json!(["true"]);
                    f["falseValues"] = json!(["false"]);
                }
                f
            }).collect::<Vec<_>>(),
            "missingValues": [""],
        },
    })
}

/// How text columns are kept from running as formulas (the data page says the same).
pub const FORMULA_NOTE: &str = "文本字段若以 = + - @、制表符或回车开头,或以英文单引号 ' 开头,写出时在最前面加一个英文单引号 ',电子表格即把它当作文字而不当作公式执行(防止 CSV 公式注入);去掉这一个单引号即为原文。数值和日期字段不加。";

/// `data/datapackage.json`: a Frictionless Data (tabular data package) descriptor of the CSVs.
pub fn datapackage(data: &SiteData) -> String {
    let mut pkg = json!({
        "profile": "tabular-data-package",
        "name": "gongkai-plans",
        "title": data.site.title,
        "description": format!("规划、任务、目标和进展数据。{FORMULA_NOTE}"),
        "resources": [
            resource("tasks", "任务", TASK_COLUMNS.to_vec()),
            resource("targets", "目标及其评估", TARGET_COLUMNS.to_vec()),
            resource("progress", "进展报告与测量值", PROGRESS_COLUMNS.to_vec()),
        ],
    });
    if data.compare.enabled {
        if let Some(list) = pkg["resources"].as_array_mut() {
            list.push(resource(
                "compare",
                "同一指标的各地目标(城市比较)",
                crate::derive::compare::COMPARE_COLUMNS.to_vec(),
            ));
        }
    }
    if data.history.available {
        // Not a table: the package is then a plain data package holding tabular resources
        // and this JSON file, described field by field.
        pkg["profile"] = json!("data-package");
        let fields = |list: &[(&str, &str, &str)]| -> String {
            list.iter()
                .map(|(n, t, d)| format!("{n}({t}):{d}"))
                .collect::<Vec<_>>()
                .join(";")
        };
        pkg["resources"]
            .as_array_mut()
            .expect("resources is a list")
            .push(json!({
                "name": "history",
                "title": "修订记录",
                "path": "history.json",
                "profile": "data-resource",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                "description": format!(
                    "规划公布后对任务、目标和已发布进展报告数值的每一处修改(据网站内容的 git 版本记录)。顶层字段:{}。changes 每项字段:{}。",
                    fields(&crate::history::FILE_FIELDS),
                    fields(&crate::history::CHANGE_FIELDS)
                ),
            }));
    }
    if let Some(b) = &data.site.base_url {
        pkg["homepage"] = json!(b);
    }
    if let Some(d) = data.as_of {
        pkg["version"] = json!(d.to_string());
    }
    let mut s = serde_json::to_string_pretty(&pkg).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_column_docs_name_the_input_columns() {
        let names: Vec<&str> = PROGRESS_COLUMNS.iter().map(|c| c.0).collect();
        assert_eq!(names, PROGRESS_CSV_COLUMNS);
    }
}
