//! The site's documents for search, from the derived site (DESIGN §7).
//!
//! In: [`SiteData`]. Out: one [`SearchDoc`] per task, plan, unit and disclosure document, in
//! site order (so document numbers, and the index bytes, are stable). A task's body starts
//! with its own text, targets and units, then its progress reports: the record keeps the head
//! of the body for the snippet, so hits in the task's own words rank and show first.

use rayon::prelude::*;

use crate::derive::{PlanView, SiteData};

use super::SearchDoc;

/// Every searchable document of the site.
pub fn documents(data: &SiteData) -> Vec<SearchDoc> {
    // A plan's documents copy its reports' text (tens of megabytes on a large site): the plans
    // are made side by side, and keep their order.
    let mut docs: Vec<SearchDoc> = data
        .plans
        .par_iter()
        .flat_map_iter(plan_documents)
        .collect();
    for unit in &data.units {
        let mut body: Vec<&str> = unit.full_name.iter().map(String::as_str).collect();
        body.extend(unit.aliases.iter().map(String::as_str));
        body.extend(
            unit.lead
                .iter()
                .chain(&unit.shared)
                .map(|t| t.title.as_str()),
        );
        docs.push(SearchDoc {
            url: unit.url.clone(),
            title: unit.name.clone(),
            kind: "unit",
            number: None,
            plan: None,
            status: None,
            body: body.join("\n"),
        });
    }
    for d in &data.disclosure {
        let mut body = d.summary.clone().unwrap_or_default();
        body.push('\n');
        body.push_str(&d.body);
        docs.push(SearchDoc {
            url: crate::derive::catalogue::doc_url(&d.slug),
            title: d.title.clone(),
            kind: "page",
            number: d.index_number.clone(),
            plan: None,
            status: None,
            body,
        });
    }
    docs
}

/// A plan's document, then its tasks'.
fn plan_documents(plan: &PlanView) -> Vec<SearchDoc> {
    let mut docs = Vec::with_capacity(plan.tasks.len() + 1);
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
    docs.push(SearchDoc {
        url: plan.url.clone(),
        title: plan.plan.title.clone(),
        kind: "plan",
        number: None,
        plan: None,
        status: None,
        body,
    });
    for task in &plan.tasks {
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
        docs.push(SearchDoc {
            url: task.url.clone(),
            title: task.task.title.clone(),
            kind: "task",
            number: Some(task.number.clone()).filter(|n| !n.is_empty()),
            plan: Some(plan.plan.title.clone()),
            status: Some(task.status_label.to_string()).filter(|s| !s.is_empty()),
            body,
        });
    }
    docs
}
