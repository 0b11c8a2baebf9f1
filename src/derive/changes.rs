//! 更新记录: every publication and correction, newest first, with dates.
//!
//! In: the catalogue entries and the derived progress reports. Out: one list of dated events.
//! A progress report published more than [`TIMELY_WORKDAYS`] working days after the date it
//! reports on is flagged (政府信息公开条例 第二十六条); the working days are those already
//! computed in [`ReportView`].

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
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
    /// A day's timely progress reports listed as one event: by plan, a link to each report
    /// (its task's number), the plans in the order of their first report. Empty for a single
    /// event.
    pub reports: Vec<PlanReports>,
}

/// One plan's reports in a grouped event of the change log.
#[derive(Debug, Clone, Serialize)]
pub struct PlanReports {
    pub plan_title: String,
    pub links: Vec<ReportLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportLink {
    /// The task's number (二(九)), else its title.
    pub label: String,
    pub url: String,
}

impl Change {
    /// How many entries of the log this event stands for (a grouped event, one per report).
    pub fn weight(&self) -> usize {
        self.reports
            .iter()
            .map(|p| p.links.len())
            .sum::<usize>()
            .max(1)
    }
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
                reports: Vec::new(),
            });
        }
    }
    // Timely reports listed on the same day (and alike in being undated and sample data) are
    // one event: each report's row repeated its plan, task, status and dates, which its task
    // page and `updates/` show, and on a large portal the log was most of the site's bytes.
    // A report published late keeps a row of its own, flagged.
    let mut days: BTreeMap<(std::cmp::Reverse<Date>, bool, bool), Vec<&ReportView>> =
        BTreeMap::new();
    for &r in updates {
        if r.late {
            out.push(report_change(r));
        } else {
            days.entry((
                std::cmp::Reverse(r.published.unwrap_or(r.date)),
                r.published.is_none(),
                r.sample,
            ))
            .or_default()
            .push(r);
        }
        for c in &r.corrections {
            out.push(Change {
                date: c.date,
                kind: "更正",
                title: format!(
                    "{} · {}(截至 {} 的进展报告)",
                    r.plan_title, r.task_title, r.date
                ),
                url: r.url(),
                note: Some(c.note.clone()),
                reports_on: Some(r.date),
                late: false,
                delay_workdays: None,
                undated: false,
                void: false,
                validity: None,
                sample: r.sample,
                reports: Vec::new(),
            });
        }
    }
    // A link per report: on a large portal the most work of the site-wide derivation, so the
    // days are made side by side (in order: the sort below keeps equal events as they come).
    out.par_extend(days.par_iter().flat_map_iter(|(_, reports)| {
        reports.chunks(GROUP_MAX).map(|day| match day {
            [r] => report_change(r),
            _ => day_change(day),
        })
    }));
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
        url: r.url(),
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
        reports: Vec::new(),
    }
}

/// Reports on one event of the log at most (a day with more gives several).
pub const GROUP_MAX: usize = 100;

/// One day's timely reports (at least two, alike in date, being undated and sample data).
fn day_change(day: &[&ReportView]) -> Change {
    let r = day[0];
    let mut plans: Vec<PlanReports> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for r in day {
        let i = *index.entry(&*r.plan).or_insert_with(|| {
            plans.push(PlanReports {
                plan_title: r.plan_title.to_string(),
                links: Vec::new(),
            });
            plans.len() - 1
        });
        let number = &*r.task_number;
        plans[i].links.push(ReportLink {
            label: if number.is_empty() {
                r.task_title.to_string()
            } else {
                number.to_string()
            },
            url: r.url(),
        });
    }
    Change {
        date: r.published.unwrap_or(r.date),
        kind: "进展报告",
        title: format!("{} 份进展报告", day.len()),
        url: "updates/index.html".into(),
        note: Some(if r.published.is_some() {
            format!("均在报告期末后 {} 个工作日内公开", LIMIT)
        } else {
            String::new()
        })
        .filter(|n| !n.is_empty()),
        reports_on: r.published.is_none().then_some(r.date),
        late: false,
        delay_workdays: None,
        undated: r.published.is_none(),
        void: false,
        validity: None,
        sample: r.sample,
        reports: plans,
    }
}

/// How many working days a report may take to be published.
pub const LIMIT: i64 = TIMELY_WORKDAYS;
