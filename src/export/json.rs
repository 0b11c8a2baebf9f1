//! `data/plans.json` (DESIGN §5 ⚑): every plan with its tasks, targets, status and the inputs
//! each status was computed from, so anyone can recompute it.
//!
//! It is a projection of the derived site value, made here and nowhere else: every field is
//! read from [`SiteData`] as the pages read it (so the file says what the pages show), but the
//! file keeps its own published shape — the DESIGN fields, plus those the README lists — and
//! leaves out what is presentation (charts, rendered Markdown, labels). `version` is that
//! shape's version: fields are only ever added within one; renaming or removing one is a new
//! version, changed in DESIGN and the README with it.

use serde::Serialize;

use crate::derive::status::{BaselineUsed, Point, TargetStatus};
use crate::derive::{PlanView, SiteData, TargetView};
use crate::model::{Comparator, Date};

/// The version of `plans.json`'s shape.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Root<'a> {
    generator: &'static str,
    /// The version of this file's shape (see the module docs).
    version: u32,
    as_of: Option<Date>,
    /// The site's title and address, so an aggregator can name and link it (DESIGN §3 `[[source]]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    base_url: Option<&'a str>,
    /// The name of every jurisdiction a plan names (`wuhan` → 武汉市), from `units/*.toml`.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    jurisdictions: std::collections::BTreeMap<&'a str, &'a str>,
    plans: Vec<Plan<'a>>,
}

/// What `plans.json` says about the site as a whole, besides its plans.
#[derive(Default)]
pub struct Head<'a> {
    pub as_of: Option<Date>,
    pub title: Option<&'a str>,
    pub base_url: Option<&'a str>,
    pub jurisdictions: std::collections::BTreeMap<&'a str, &'a str>,
}

impl<'a> Head<'a> {
    pub fn of(data: &'a SiteData) -> Head<'a> {
        Head {
            as_of: data.as_of,
            title: Some(data.site.title.as_str()),
            base_url: data.site.base_url.as_deref(),
            jurisdictions: data
                .compare
                .jurisdictions
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
        }
    }
}

#[derive(Serialize)]
struct Plan<'a> {
    id: &'a str,
    title: &'a str,
    /// The jurisdiction's id (its units file); the root's `jurisdictions` names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    jurisdiction: &'a Option<String>,
    issuer: &'a Option<String>,
    doc_number: &'a Option<String>,
    index_number: &'a Option<String>,
    /// The 索引号 was assigned by the portal's catalogue, not printed on the document.
    index_assigned: bool,
    written: Option<Date>,
    published: Option<Date>,
    validity: &'a Option<String>,
    url: String,
    percent: f64,
    targets: Vec<Target<'a>>,
    tasks: Vec<Task<'a>>,
}

#[derive(Serialize)]
struct Task<'a> {
    id: &'a str,
    path: &'a [String],
    title: &'a str,
    lead: Vec<&'a str>,
    responsible: Vec<&'a str>,
    url: String,
    status: Option<&'static str>,
    percent: Option<f64>,
    /// 完成时限; left out when tasks.toml gives none.
    #[serde(skip_serializing_if = "Option::is_none")]
    deadline: Option<Date>,
    targets: Vec<Target<'a>>,
}

#[derive(Serialize)]
struct Target<'a> {
    id: &'a str,
    text: &'a str,
    metric: &'a Option<String>,
    year: Option<i32>,
    value: Option<f64>,
    unit: &'a Option<String>,
    comparator: Comparator,
    baseline: Option<&'a BaselineUsed>,
    latest: Option<&'a Point>,
    status: TargetStatus,
    target_value: Option<f64>,
    deadline: Option<Date>,
    required_rate: Option<f64>,
    actual_rate: Option<f64>,
    ratio: Option<f64>,
    overdue: bool,
    note: &'a Option<String>,
    /// The figures shown are demonstration data (示例数据); left out when they are not.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    sample: bool,
}

fn target(t: &TargetView) -> Target<'_> {
    let tr = &t.tracker;
    Target {
        id: t.id(),
        text: &t.target.text,
        metric: &t.target.metric,
        year: t.target.year,
        value: t.target.value,
        unit: &t.target.unit,
        comparator: t.target.comparator,
        baseline: tr.baseline.as_ref(),
        latest: tr.latest.as_ref(),
        status: tr.status,
        target_value: tr.target_value,
        deadline: tr.deadline,
        required_rate: tr.required_rate,
        actual_rate: tr.actual_rate,
        ratio: tr.ratio,
        overdue: tr.overdue,
        note: &tr.note,
        sample: t.sample,
    }
}

fn plan(p: &PlanView) -> Plan<'_> {
    Plan {
        id: p.id(),
        title: &p.plan.title,
        jurisdiction: &p.plan.jurisdiction,
        issuer: &p.plan.issuer,
        doc_number: &p.plan.doc_number,
        index_number: &p.index_number,
        index_assigned: p.index_assigned,
        written: p.plan.written,
        published: p.plan.published,
        validity: &p.plan.validity,
        url: crate::util::url::pretty(&p.url),
        percent: p.percent,
        targets: p.targets.iter().map(target).collect(),
        tasks: p
            .tasks
            .iter()
            .map(|t| Task {
                id: t.id(),
                path: &t.task.path,
                title: &t.task.title,
                lead: t.lead.iter().map(|u| u.name.as_str()).collect(),
                responsible: t.responsible.iter().map(|u| u.name.as_str()).collect(),
                url: crate::util::url::pretty(&t.url),
                status: t.status.map(|s| s.as_str()),
                percent: t.percent,
                deadline: t.task.deadline,
                targets: t.targets.iter().map(target).collect(),
            })
            .collect(),
    }
}

/// A plan's element of `plans.json`, as it stands in the file: compact, without whitespace
/// (the file is read by programs; at ten thousand tasks indentation was a third of it).
pub fn plan_json(p: &PlanView) -> String {
    serde_json::to_string(&plan(p)).unwrap_or_else(|_| "{}".into())
}

/// `plans.json` from its plans' elements ([`plan_json`], in plan order): the same bytes as
/// printing the whole document at once.
pub fn plans_json_of<'a>(head: Head, plans: impl ExactSizeIterator<Item = &'a str>) -> String {
    let (mut s, close) = plans_json_ends(head);
    for (i, p) in plans.enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(p);
    }
    s.push_str(close);
    s
}

/// What comes before the plans' elements in `plans.json` (the head, up to `"plans":[`) and
/// after them: the document is the first, the elements separated by commas, then the second.
pub fn plans_json_ends(head: Head) -> (String, &'static str) {
    let head = Root {
        generator: "gongkai",
        version: VERSION,
        as_of: head.as_of,
        title: head.title,
        base_url: head.base_url,
        jurisdictions: head.jurisdictions,
        plans: Vec::new(),
    };
    let mut s = serde_json::to_string(&head).unwrap_or_else(|_| "{}".into());
    // `"plans":[]}`: the elements go between the brackets.
    match s.strip_suffix("]}") {
        Some(open) => {
            s.truncate(open.len());
            (s, "]}\n")
        }
        None => (s, "\n"),
    }
}

/// `plans.json` of the whole site, in one go.
pub fn plans_json(data: &SiteData) -> String {
    let plans: Vec<String> = data.plans.iter().map(plan_json).collect();
    plans_json_of(Head::of(data), plans.iter().map(String::as_str))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(head: Head, plans: Vec<Plan>) -> String {
        let root = Root {
            generator: "gongkai",
            version: VERSION,
            as_of: head.as_of,
            title: head.title,
            base_url: head.base_url,
            jurisdictions: head.jurisdictions,
            plans,
        };
        serde_json::to_string(&root).unwrap() + "\n"
    }

    #[test]
    fn the_plans_pieces_joined_equal_the_document_printed_at_once() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut diags = crate::diagnostics::Diagnostics::new();
        let (data, _) = crate::build::prepare(root, &mut diags).expect("the bundled site loads");
        assert!(data.plans.len() > 1);
        let printed = whole(Head::of(&data), data.plans.iter().map(plan).collect());
        assert_eq!(plans_json(&data), printed);
        assert_eq!(
            plans_json_of(Head::default(), std::iter::empty::<&str>()),
            whole(Head::default(), Vec::new())
        );
    }
}
