//! The site's documents for search, from the derived site (DESIGN §7).
//!
//! In: [`SiteData`]. Out: one [`SearchDoc`] per task, plan, unit and disclosure document, in
//! site order (so document numbers, and the index bytes, are stable). A task's body starts
//! with its own text, targets and units, then its progress reports: the record keeps the head
//! of the body for the snippet, so hits in the task's own words rank and show first.

use std::borrow::Cow;
use std::ops::Range;

use rayon::prelude::*;

use crate::derive::{PlanView, SiteData, TaskView};

use super::{DocSource, SearchDoc};

/// Every searchable document of the site, all at once (`serve` holds the index of them; a
/// build reads them a range at a time through [`SiteDocs`]).
pub fn documents(data: &SiteData) -> Vec<SearchDoc> {
    let docs = SiteDocs::new(data);
    // A plan's documents copy its reports' text (tens of megabytes on a large site): they are
    // made side by side, and keep their order.
    (0..docs.count())
        .into_par_iter()
        .with_min_len(64)
        .map(|n| docs.doc(n))
        .collect()
}

/// The site's documents in site order — each plan, then its tasks; the units; the disclosure
/// documents — made on demand (see [`DocSource`]).
pub struct SiteDocs<'a> {
    data: &'a SiteData,
    /// The number of each plan's document (its tasks' follow it), then of the first unit's.
    plan_starts: Vec<usize>,
}

impl<'a> SiteDocs<'a> {
    pub fn new(data: &'a SiteData) -> Self {
        let mut plan_starts = Vec::with_capacity(data.plans.len() + 1);
        let mut n = 0;
        for plan in &data.plans {
            plan_starts.push(n);
            n += 1 + plan.tasks.len();
        }
        plan_starts.push(n);
        SiteDocs { data, plan_starts }
    }

    /// Document `n`.
    pub fn doc(&self, n: usize) -> SearchDoc {
        let units = self.plan_starts[self.plan_starts.len() - 1];
        if n < units {
            let p = self.plan_starts.partition_point(|&s| s <= n) - 1;
            let plan = &self.data.plans[p];
            match n - self.plan_starts[p] {
                0 => plan_document(plan),
                i => task_document(plan, &plan.tasks[i - 1]),
            }
        } else if let Some(unit) = self.data.units.get(n - units) {
            unit_document(unit)
        } else {
            disclosure_document(&self.data.disclosure[n - units - self.data.units.len()])
        }
    }
}

impl DocSource for SiteDocs<'_> {
    fn count(&self) -> usize {
        self.plan_starts[self.plan_starts.len() - 1]
            + self.data.units.len()
            + self.data.disclosure.len()
    }

    fn docs(&self, range: Range<usize>) -> Cow<'_, [SearchDoc]> {
        Cow::Owned(range.map(|n| self.doc(n)).collect())
    }
}

fn unit_document(unit: &crate::derive::UnitView) -> SearchDoc {
    let mut body: Vec<&str> = unit.full_name.iter().map(String::as_str).collect();
    body.extend(unit.aliases.iter().map(String::as_str));
    body.extend(
        unit.lead
            .iter()
            .chain(&unit.shared)
            .map(|t| t.title.as_str()),
    );
    SearchDoc {
        url: unit.url.clone(),
        title: unit.name.clone(),
        kind: "unit",
        number: None,
        plan: None,
        status: None,
        body: body.join("\n"),
    }
}

fn disclosure_document(d: &crate::model::DisclosureDoc) -> SearchDoc {
    let mut body = d.summary.clone().unwrap_or_default();
    body.push('\n');
    body.push_str(&d.body);
    SearchDoc {
        url: crate::derive::catalogue::doc_url(&d.slug),
        title: d.title.clone(),
        kind: "page",
        number: d.index_number.clone(),
        plan: None,
        status: None,
        body,
    }
}

/// A plan's own document.
fn plan_document(plan: &PlanView) -> SearchDoc {
    let mut body = String::new();
    for part in [
        &plan.plan.doc_number,
        &plan.plan.issuer,
        &plan.plan.summary,
        &plan.plan.goals,
    ]
    .into_iter()
    .flatten()
    {
        body.push_str(part);
        body.push('\n');
    }
    for t in &plan.targets {
        body.push_str(&t.target.text);
        body.push('\n');
    }
    SearchDoc {
        url: plan.url.clone(),
        title: plan.plan.title.clone(),
        kind: "plan",
        number: None,
        plan: None,
        status: None,
        body,
    }
}

/// A task's document: its text, targets and units, then its progress reports.
fn task_document(plan: &PlanView, task: &TaskView) -> SearchDoc {
    {
        let mut body = task.task.text.clone();
        for t in &task.targets {
            body.push('\n');
            body.push_str(&t.target.text);
        }
        let units: Vec<&str> = task
            .lead
            .iter()
            .chain(&task.responsible)
            .map(|u| u.name.as_str())
            .collect();
        body.push('\n');
        body.push_str(&units.join("、"));
        for r in &task.reports {
            body.push('\n');
            body.push_str(&r.body_text());
        }
        SearchDoc {
            url: task.url.clone(),
            title: task.task.title.clone(),
            kind: "task",
            number: Some(task.number.clone()).filter(|n| !n.is_empty()),
            plan: Some(plan.plan.title.clone()),
            status: Some(task.status_label.to_string()).filter(|s| !s.is_empty()),
            body,
        }
    }
}
