//! 更新记录: every publication and correction, newest first, with dates.
//!
//! In: the catalogue entries and the derived progress reports. Out: one list of dated events.
//! A progress report published more than [`TIMELY_WORKDAYS`] working days after the date it
//! reports on is flagged (政府信息公开条例 第二十六条); the working days are those already
//! computed in [`ReportView`].

use serde::Serialize;

use super::catalogue::Entry;
use super::{ReportView, TIMELY_WORKDAYS};
use crate::model::Date;

/// Events listed per page of the change log.
pub const PER_PAGE: usize = 200;

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub date: Date,
    /// 发布, 进展报告, 更正.
    pub kind: &'static str,
    pub title: String,
    pub url: String,
    pub note: Option<String>,
    /// The period a progress report speaks for.
    pub reports_on: Option<Date>,
    /// Published late (条例 第二十六条).
    pub late: bool,
    pub delay_workdays: Option<i64>,
    /// A report without a publication date (listed under its report date).
    pub undated: bool,
    pub void: bool,
    /// 有效性 as printed, for the notice on documents no longer in force.
    pub validity: Option<String>,
    pub sample: bool,
}

/// The change log, newest first; on the same day publications before reports before
/// corrections, then by title.
pub fn changes(updates: &[&ReportView], entries: &[Entry]) -> Vec<Change> {
    let mut out = Vec::new();
    for e in entries {
        if let Some(date) = e.published {
            out.push(Change {
                date,
                kind: "发布",
                title: format!("{}:{}", e.kind, e.title),
                url: e.url.clone(),
                note: e.doc_number.clone().filter(|n| n != "无"),
                reports_on: None,
                late: false,
                delay_workdays: None,
                undated: false,
                void: e.void,
                validity: e.validity.clone(),
                sample: e.sample,
            });
        }
    }
    for &r in updates {
        out.push(report_change(r));
        for c in &r.corrections {
            out.push(Change {
                date: c.date,
                kind: "更正",
                title: format!(
                    "{} · {}(截至 {} 的进展报告)",
                    r.plan_title, r.task_title, r.date
                ),
                url: format!("{}#{}", r.task_url, r.anchor),
                note: Some(c.note.clone()),
                reports_on: Some(r.date),
                late: false,
                delay_workdays: None,
                undated: false,
                void: false,
                validity: None,
                sample: r.sample,
            });
        }
    }
    let rank = |k: &str| match k {
        "发布" => 0,
        "进展报告" => 1,
        _ => 2,
    };
    out.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then_with(|| rank(a.kind).cmp(&rank(b.kind)))
            .then_with(|| a.title.cmp(&b.title))
            .then_with(|| a.url.cmp(&b.url))
    });
    out
}

fn report_change(r: &ReportView) -> Change {
    Change {
        date: r.published.unwrap_or(r.date),
        kind: "进展报告",
        title: format!("{} · {}", r.plan_title, r.task_title),
        url: format!("{}#{}", r.task_url, r.anchor),
        note: Some(format!(
            "{}{}",
            r.status_label,
            r.percent.map_or(String::new(), |p| format!(
                ",完成 {}%",
                crate::util::number::format_number(p)
            ))
        )),
        reports_on: Some(r.date),
        late: r.late,
        delay_workdays: r.delay_workdays,
        undated: r.published.is_none(),
        void: false,
        validity: None,
        sample: r.sample,
    }
}

/// How many working days a report may take to be published.
pub const LIMIT: i64 = TIMELY_WORKDAYS;
