//! The site value: plans, tasks, targets, units and updates as pages show them.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use super::catalogue::{self, Entry};
use super::changes::{self, Change};
use super::chart::tracker_svg;
use super::status::{assess, TargetStatus, Tracker, TrackerInput};
use crate::markdown;
use crate::model::{
    AnnualReport, Comparator, Content, Correction, Date, DisclosureDoc, Evidence, Plan, Report,
    ReportStatus, SiteConfig, Target, Task, Unit, UnitRef,
};
use crate::util::ser::extends;

/// Counts per target status, in the order of [`TargetStatus::ALL`].
#[derive(Debug, Clone, Serialize, Default)]
pub struct StatusCounts {
    pub total: usize,
    pub items: Vec<StatusCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusCount {
    pub status: TargetStatus,
    pub label: &'static str,
    pub symbol: &'static str,
    pub count: usize,
    /// Share of the total, in percent (for the stacked bar).
    pub share: f64,
}

impl StatusCounts {
    fn from_statuses(statuses: impl Iterator<Item = TargetStatus>) -> Self {
        let mut counts: BTreeMap<TargetStatus, usize> = BTreeMap::new();
        let mut total = 0;
        for s in statuses {
            *counts.entry(s).or_default() += 1;
            total += 1;
        }
        let items = TargetStatus::ALL
            .iter()
            .filter_map(|s| {
                let count = *counts.get(s)?;
                Some(StatusCount {
                    status: *s,
                    label: s.label(),
                    symbol: s.symbol(),
                    count,
                    share: round1(100.0 * count as f64 / total as f64),
                })
            })
            .collect();
        StatusCounts { total, items }
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A unit as linked from a page: the name as printed, and its page when it resolved.
#[derive(Debug, Clone, Serialize)]
pub struct UnitLink {
    pub name: String,
    pub id: Option<String>,
    pub url: Option<String>,
    pub collective: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct MeasureView {
    pub date: Date,
    pub value: f64,
    pub source: Option<String>,
    /// Anchor of the report on the task page.
    pub report: String,
    pub corrected: Option<f64>,
}

/// A target as the pages show it: the target as written, flat (`t.text`, `t.value`, …), with
/// its status, tracker and measurements.
#[derive(Debug, Clone, Serialize)]
#[serde(remote = "Self")]
pub struct TargetView {
    #[serde(skip)]
    pub target: Target,
    pub comparator_label: &'static str,
    pub status: TargetStatus,
    pub status_label: &'static str,
    pub symbol: &'static str,
    /// Left out of the row, with `measures`: the task page shows them (the target tables show
    /// the latest value and deadline).
    #[serde(skip)]
    pub tracker: Tracker,
    #[serde(skip)]
    pub measures: Vec<MeasureView>,
    pub task: Option<String>,
    pub task_title: Option<String>,
    pub plan: String,
    pub plan_title: String,
    pub url: String,
    pub sample: bool,
    /// The date statuses are computed for, which the chart marks.
    #[serde(skip)]
    pub as_of: Date,
}

extends!(TargetView, target);

impl TargetView {
    pub fn id(&self) -> &str {
        self.target.id.as_str()
    }

    /// The inline SVG chart (trusted: generated here, every text in it escaped), made where it
    /// is shown: a site of 100,000 targets does not hold them all.
    pub fn chart(&self) -> String {
        tracker_svg(&self.target, &self.tracker, &self.points(), self.as_of)
    }

    /// The words of its chart, without drawing it (see [`super::chart::chart_words`]).
    pub fn chart_words(&self) -> Vec<String> {
        super::chart::chart_words(&self.target, &self.tracker, &self.points(), self.as_of)
    }

    fn points(&self) -> Vec<(Date, f64)> {
        self.measures.iter().map(|m| (m.date, m.value)).collect()
    }
}

/// A progress report as the pages show it. Serialised, it is the report's row (the update
/// lists): its measurements, evidence, corrections and body are left out, and its task page
/// adds them.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub anchor: String,
    // The task's and plan's names are shared by all the task's reports.
    pub task: Arc<str>,
    pub task_title: Arc<str>,
    /// The task's numbering as printed, e.g. "二(九)" (empty when it has none).
    pub task_number: Arc<str>,
    pub task_url: Arc<str>,
    pub plan: Arc<str>,
    pub plan_title: Arc<str>,
    pub date: Date,
    pub published: Option<Date>,
    pub status: ReportStatus,
    pub status_label: &'static str,
    pub percent: Option<f64>,
    pub reporter: Option<String>,
    pub sample: bool,
    #[serde(skip)]
    pub measures: Vec<ReportMeasure>,
    #[serde(skip)]
    pub evidence: Vec<Evidence>,
    #[serde(skip)]
    pub corrections: Vec<Correction>,
    /// The body as written (Markdown). The site keeps only this; its HTML and plain text are
    /// made where they are shown ([`ReportView::body_html`], [`ReportView::body_text`]), so a
    /// large site does not hold every body three times.
    #[serde(skip)]
    pub body: String,
    /// The body is one plain paragraph (most reports): its text is the body itself, and its
    /// HTML that text in a `<p>` (see [`markdown::plain_paragraph`]); found once, at derive.
    #[serde(skip)]
    pub plain: bool,
    /// Working days between the reported date and publication, when published is given.
    pub delay_workdays: Option<i64>,
    pub late: bool,
    #[serde(skip)]
    pub lead_units: Arc<[String]>,
}

impl ReportView {
    /// The report's place on its task page (`…/index.html#<anchor>`), as the change log and the
    /// feeds link to it.
    pub fn url(&self) -> String {
        let mut url = String::with_capacity(self.task_url.len() + 1 + self.anchor.len());
        url.push_str(&self.task_url);
        url.push('#');
        url.push_str(&self.anchor);
        url
    }

    /// Sanitised HTML of the body, headings below the task page's.
    pub fn body_html(&self) -> String {
        match self.plain_text() {
            Some(text) => markdown::paragraph_html(text),
            None => markdown::html_of_body(&self.body, 2),
        }
    }

    /// The body's plain text (search, the 繁體 table).
    pub fn body_text(&self) -> std::borrow::Cow<'_, str> {
        match self.plain_text() {
            Some(text) => text.into(),
            None => markdown::text_of_body(&self.body).into(),
        }
    }

    fn plain_text(&self) -> Option<&str> {
        self.plain
            .then(|| self.body.strip_suffix('\n').unwrap_or(&self.body))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ReportMeasure {
    pub target: String,
    pub target_text: Arc<str>,
    pub value: f64,
    /// The unit to show: as written, else the target's.
    pub unit: Option<String>,
    /// The unit exactly as the report wrote it (for the progress export).
    #[serde(skip)]
    pub unit_as_written: Option<String>,
    pub as_of: Date,
    pub source: Option<String>,
}

/// A task as the pages show it: the task as `tasks.toml` gives it, flat (`task.title`,
/// `task.deadline`, and any field added to [`Task`]), with what derive adds: numbering, links,
/// units with their pages, the status of its targets and its reports.
///
/// Serialised, it is the task's row (plan tables, unit pages): its targets and reports are
/// left out, and the task page adds them beside it (`render::pages`), so a list of tasks does
/// not carry every report body.
#[derive(Debug, Clone, Serialize)]
#[serde(remote = "Self")]
pub struct TaskView {
    #[serde(skip)]
    pub task: Task,
    /// The numbering joined as printed, e.g. "二(九)".
    pub number: String,
    pub url: String,
    pub plan: String,
    pub plan_title: String,
    pub section: Option<String>,
    pub lead: Vec<UnitLink>,
    pub responsible: Vec<UnitLink>,
    pub responsible_label: String,
    pub weight: f64,
    pub status: Option<ReportStatus>,
    pub status_label: &'static str,
    pub percent: Option<f64>,
    #[serde(skip)]
    pub targets: Vec<TargetView>,
    pub target_counts: StatusCounts,
    #[serde(skip)]
    pub reports: Vec<ReportView>,
    pub sample: bool,
    pub last_update: Option<Date>,
}

extends!(TaskView, task);

impl TaskView {
    pub fn id(&self) -> &str {
        self.task.id.as_str()
    }

    /// The task with every part its page shows, serialised: its row, its targets with their
    /// trackers and measurements, its reports with theirs and their bodies. Two views of a
    /// task whose `whole` serialises alike give the same page (`serve` compares them).
    pub fn whole(&self) -> impl Serialize + '_ {
        let targets: Vec<_> = self
            .targets
            .iter()
            .map(|t| (t, &t.tracker, &t.measures))
            .collect();
        let reports: Vec<_> = self
            .reports
            .iter()
            .map(|r| (r, &r.measures, &r.evidence, &r.corrections, &r.body))
            .collect();
        (self, targets, reports)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionView {
    pub path: Vec<String>,
    pub number: String,
    pub title: String,
    pub depth: usize,
    /// Indexes into the plan's `tasks` of the tasks directly in this section (not in a
    /// sub-section).
    pub tasks: Vec<usize>,
}

/// A plan as the pages show it: the plan as `plan.toml` gives it, flat (`plan.title`,
/// `plan.issuer`, and any field added to [`Plan`]; see [`Plan::head`]), with what derive adds.
/// Serialised, it is the plan's page without its tasks (see [`TaskView`]).
#[derive(Debug, Clone, Serialize)]
#[serde(remote = "Self")]
pub struct PlanView {
    #[serde(skip)]
    pub plan: Plan,
    /// 索引号: as printed in plan.toml, or assigned by the catalogue (see `index_assigned`).
    pub index_number: Option<String>,
    /// True when `index_number` was assigned from `site.toml`'s `catalogue_prefix`.
    pub index_assigned: bool,
    pub void: bool,
    pub url: String,
    pub source_url: Option<String>,
    /// The original text (原文), for its own page; not repeated in every context.
    #[serde(skip)]
    pub source_text: Option<String>,
    pub sections: Vec<SectionView>,
    pub targets: Vec<TargetView>,
    /// Left out when serialised: pages that list them add them (see [`TaskView`]).
    #[serde(skip)]
    pub tasks: Vec<TaskView>,
    pub target_counts: StatusCounts,
    /// Weighted mean of the tasks' latest percent (tasks without a report count as 0).
    pub percent: f64,
    pub weighted: bool,
    pub report_count: usize,
    pub sample: bool,
    pub last_update: Option<Date>,
}

extends!(PlanView, plan);

impl PlanView {
    pub fn id(&self) -> &str {
        self.plan.id.as_str()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitTaskRef {
    pub plan: String,
    pub plan_title: String,
    pub task: String,
    pub number: String,
    pub title: String,
    pub url: String,
    pub role: &'static str,
    pub status_label: &'static str,
    pub percent: Option<f64>,
    pub overdue_targets: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct UnitView {
    pub id: String,
    pub name: String,
    pub full_name: Option<String>,
    pub aliases: Vec<String>,
    pub collective: bool,
    pub jurisdiction: String,
    pub jurisdiction_name: Option<String>,
    pub url: String,
    pub lead: Vec<UnitTaskRef>,
    pub shared: Vec<UnitTaskRef>,
    /// Statuses of the targets of the tasks this unit leads.
    pub scorecard: StatusCounts,
    pub overdue: Vec<TargetRef>,
    pub sample: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetRef {
    pub id: String,
    pub text: String,
    pub url: String,
    pub status_label: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    pub plans: usize,
    pub tasks: usize,
    pub targets: usize,
    pub reports: usize,
    pub units: usize,
}

/// The whole derived site.
#[derive(Debug, Clone, Serialize)]
pub struct SiteData {
    pub site: SiteConfig,
    pub as_of: Option<Date>,
    pub plans: Vec<PlanView>,
    pub units: Vec<UnitView>,
    /// The disclosure documents, in section order, each with its 索引号 as the catalogue has it.
    pub disclosure: Vec<DisclosureDoc>,
    pub totals: Totals,
    pub target_counts: StatusCounts,
    /// True when any progress shown is demonstration data.
    pub has_sample: bool,
    /// The fingerprint of the key the manifest is signed with, when the build signs it.
    pub fingerprint: Option<String>,
    /// The annual disclosure reports, as loaded and checked.
    pub annual: Vec<AnnualReport>,
    /// 政府信息公开目录: every plan, disclosure document and annual report, newest first, with
    /// the 索引号 the plans and documents above carry.
    pub catalogue: Vec<Entry>,
    /// 更新记录: every publication, progress report and correction, newest first.
    pub changes: Vec<Change>,
    /// The same metric across jurisdictions and sources (`compare/`, `data/compare.json`).
    pub compare: super::compare::Comparison,
    /// The 修订记录 read from git (`crate::history`), set by the build; empty when off.
    #[serde(skip)]
    pub history: std::sync::Arc<crate::history::History>,
}

/// The parts of a plan that its row leaves out of its serialisation (its tasks, their targets
/// and reports) and those made where they are shown (report bodies' text, the words of charts): with the
/// site value's own serialisation, every string the site shows, for scans such as the 繁體
/// table's (one plan at a time, side by side).
pub struct PlanParts<'a>(pub &'a PlanView);

impl Serialize for PlanParts<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(None)?;
        seq.serialize_element(&self.0.tasks)?;
        for task in &self.0.tasks {
            seq.serialize_element(&task.targets)?;
            seq.serialize_element(&task.reports)?;
            for report in &task.reports {
                seq.serialize_element(&report.measures)?;
                seq.serialize_element(&report.evidence)?;
                seq.serialize_element(&report.corrections)?;
                seq.serialize_element(&report.body_text())?;
            }
            for target in &task.targets {
                seq.serialize_element(&target.tracker)?;
                seq.serialize_element(&target.measures)?;
                seq.serialize_element(&target.chart_words())?;
            }
        }
        seq.end()
    }
}

impl PlanView {
    /// The plan's reports, newest first (then by task): [`SiteData::updates`] of this plan.
    pub fn updates(&self) -> Vec<&ReportView> {
        newest_first(std::slice::from_ref(self))
    }

    /// Lets go of its reports' bodies, which only the plan's own outputs show (its task pages,
    /// its feed, its rows of `progress.csv`, its search records and 繁體 text): a build that
    /// has made those keeps the rest, the rows the site-wide pages and files read.
    pub fn release_bodies(&mut self) {
        for report in self.tasks.iter_mut().flat_map(|t| &mut t.reports) {
            report.body = String::new();
        }
    }
}

impl SiteData {
    /// Every report of every plan, newest first (then by plan and task).
    pub fn updates(&self) -> Vec<&ReportView> {
        newest_first(&self.plans)
    }

    /// Every target of every plan (plan-level first, then by task), in document order.
    pub fn targets(&self) -> impl Iterator<Item = &TargetView> {
        self.plans.iter().flat_map(|p| {
            p.targets
                .iter()
                .chain(p.tasks.iter().flat_map(|t| t.targets.iter()))
        })
    }
}

/// The reports of `plans`, newest first, then by plan and task id.
///
/// Sorted by one number per report rather than by comparing strings (the build lists a
/// site's million reports several times): the date, newest first; the report's plan and
/// task (a report's `plan` and `task` are their ids) by their places in the order of
/// their ids; then the report's place, so that equal keys keep the plans' order, as a stable
/// sort by the strings would.
fn newest_first(plans: &[PlanView]) -> Vec<&ReportView> {
    let plan_ranks = ranks(plans.iter().map(|p| p.id()));
    let mut keyed: Vec<(u128, &ReportView)> = Vec::new();
    for (plan, &plan_rank) in plans.iter().zip(&plan_ranks) {
        let task_ranks = ranks(plan.tasks.iter().map(|t| t.id()));
        for (task, &task_rank) in plan.tasks.iter().zip(&task_ranks) {
            for report in &task.reports {
                let day = i64::from(chrono::Datelike::num_days_from_ce(&report.date.0))
                    - i64::from(i32::MIN);
                let newest_first = u32::MAX - day as u32;
                let key = (newest_first as u128) << 96
                    | (plan_rank as u128) << 64
                    | (task_rank as u128) << 32
                    | keyed.len() as u128;
                keyed.push((key, report));
            }
        }
    }
    keyed.sort_unstable_by_key(|&(key, _)| key);
    keyed.into_iter().map(|(_, report)| report).collect()
}

/// Each item's place in the sorted order of `items` (equal items share the first's place).
fn ranks<'a>(items: impl Iterator<Item = &'a str>) -> Vec<u32> {
    let items: Vec<&str> = items.collect();
    let mut order: Vec<u32> = (0..items.len() as u32).collect();
    order.sort_by_key(|&i| items[i as usize]);
    let mut ranks = vec![0; items.len()];
    for (place, &i) in order.iter().enumerate() {
        let same = place > 0 && items[order[place - 1] as usize] == items[i as usize];
        ranks[i as usize] = if same {
            ranks[order[place - 1] as usize]
        } else {
            place as u32
        };
    }
    ranks
}

pub fn plan_url(plan: &str) -> String {
    format!("plans/{plan}/index.html")
}

pub fn task_url(plan: &str, task: &str) -> String {
    format!("plans/{plan}/tasks/{task}/index.html")
}

pub fn unit_url(unit: &str) -> String {
    format!("units/{unit}/index.html")
}

/// Working days (Monday–Friday) from `from` (exclusive) to `to` (inclusive).
pub fn workdays_between(from: Date, to: Date) -> i64 {
    use chrono::{Datelike, Weekday};
    if to <= from {
        return 0;
    }
    let days = (to.0 - from.0).num_days();
    let weeks = days / 7;
    let mut count = weeks * 5;
    let mut d = from.0 + chrono::Duration::days(weeks * 7);
    while d < to.0 {
        d = d.succ_opt().unwrap_or(d);
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            count += 1;
        }
    }
    count
}

/// Reports published more than this many working days after the date they report on are
/// flagged (政府信息公开条例 第二十六条: 20 working days).
pub const TIMELY_WORKDAYS: i64 = 20;

/// The date statuses are computed for: `site.toml`'s `as_of`, else the newest report's date.
pub fn as_of(content: &Content) -> Option<Date> {
    content.site.as_of.or_else(|| {
        content
            .plans
            .iter()
            .flat_map(|p| p.progress.iter().map(|r| r.date))
            .max()
    })
}

/// What the site value depends on besides `content/`: the build command's settings.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// `--base-url`, which takes the place of `site.toml`'s `base_url`.
    pub base_url: Option<String>,
    /// The fingerprint of the key the manifest is signed with (`--sign-key`).
    pub fingerprint: Option<String>,
}

pub fn derive(content: &Content) -> SiteData {
    derive_reusing(content, &Inputs::default(), Vec::new())
}

/// [`derive`] with the build's `inputs`, taking plan `i`'s view from `reuse[i]` where it is
/// `Some` (`serve` passes the views of plans whose files, units, site settings and `as_of` are
/// all unchanged: a plan's view depends on nothing else).
pub fn derive_reusing(
    content: &Content,
    inputs: &Inputs,
    mut reuse: Vec<Option<PlanView>>,
) -> SiteData {
    let as_of = as_of(content);
    let units_by_id: HashMap<&str, &Unit> =
        content.units.iter().map(|u| (u.id.as_str(), u)).collect();
    reuse.resize_with(content.plans.len(), || None);
    let plans: Vec<PlanView> = content
        .plans
        .par_iter()
        .zip(reuse.into_par_iter())
        .map(|(p, kept)| kept.unwrap_or_else(|| derive_plan(p, as_of, &units_by_id)))
        .collect();
    site_data(content, inputs, plans, as_of)
}

/// [`derive`] for a one-off build: each plan's progress reports are freed as soon as its view
/// is derived (the view keeps all that the outputs show of them), so a large site does not
/// hold its reports twice. Everything but the reports is left in `content`.
pub fn derive_freeing(content: &mut Content, inputs: &Inputs) -> SiteData {
    let as_of = as_of(content);
    let units_by_id: HashMap<&str, &Unit> =
        content.units.iter().map(|u| (u.id.as_str(), u)).collect();
    let plans: Vec<PlanView> = content
        .plans
        .par_iter_mut()
        .map(|p| {
            let view = derive_plan(p, as_of, &units_by_id);
            p.progress = Vec::new();
            view
        })
        .collect();
    site_data(content, inputs, plans, as_of)
}

/// The site value around its plans' views: units, totals, the catalogue, the change log and
/// the comparison, from the views and what `content` holds besides the reports.
fn site_data(
    content: &Content,
    inputs: &Inputs,
    plans: Vec<PlanView>,
    as_of: Option<Date>,
) -> SiteData {
    let units = derive_units(&content.units, &plans, &content.plans);
    let target_counts = StatusCounts::from_statuses(
        plans
            .iter()
            .flat_map(|p| {
                p.targets
                    .iter()
                    .chain(p.tasks.iter().flat_map(|t| t.targets.iter()))
            })
            .map(|t| t.status),
    );
    let totals = Totals {
        plans: plans.len(),
        tasks: plans.iter().map(|p| p.tasks.len()).sum(),
        targets: target_counts.total,
        reports: plans.iter().map(|p| p.report_count).sum(),
        units: units.len(),
    };
    let has_sample = plans.iter().any(|p| p.sample) || content.site.sample;
    let mut disclosure = content.disclosure.clone();
    disclosure.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.slug.cmp(&b.slug)));
    let mut site = content.site.clone();
    if let Some(b) = &inputs.base_url {
        site.base_url = Some(b.clone());
    }
    let compare = super::compare::derive(content, &plans);
    site.compare = compare.enabled;
    site.has_plans = !plans.is_empty();
    let mut data = SiteData {
        site,
        as_of,
        plans,
        units,
        disclosure,
        totals,
        target_counts,
        has_sample,
        fingerprint: inputs.fingerprint.clone(),
        annual: content.annual.clone(),
        catalogue: Vec::new(),
        changes: Vec::new(),
        compare,
        history: Default::default(),
    };
    data.catalogue = catalogue::entries(&data);
    number_documents(&mut data);
    data.changes = changes::changes(&data.updates(), &data.catalogue);
    data
}

/// Gives every plan and disclosure document the 索引号 its catalogue entry has (printed, or
/// assigned), so every page and file that shows one shows the same.
fn number_documents(data: &mut SiteData) {
    let numbers: HashMap<&str, (&Option<String>, bool)> = data
        .catalogue
        .iter()
        .map(|e| (e.url.as_str(), (&e.index_number, e.index_assigned)))
        .collect();
    let number = |url: &str| numbers.get(url).map(|&(n, a)| (n.clone(), a));
    for p in &mut data.plans {
        if let Some((n, assigned)) = number(&p.url) {
            p.index_number = n;
            p.index_assigned = assigned;
        }
    }
    for d in &mut data.disclosure {
        if let Some((n, _)) = number(&catalogue::doc_url(&d.slug)) {
            d.index_number = n;
        }
    }
}

fn unit_links(refs: &[UnitRef], units: &HashMap<&str, &Unit>) -> Vec<UnitLink> {
    refs.iter()
        .map(|r| {
            let unit = r.unit.as_ref().and_then(|id| units.get(id.as_str()));
            UnitLink {
                name: r.printed.clone(),
                id: r.unit.as_ref().map(|u| u.0.clone()),
                url: r.unit.as_ref().map(|u| unit_url(u.as_str())),
                collective: unit.is_some_and(|u| u.collective),
            }
        })
        .collect()
}

fn derive_plan(plan: &Plan, as_of: Option<Date>, units: &HashMap<&str, &Unit>) -> PlanView {
    let as_of_date = as_of.unwrap_or_else(|| Date::end_of_year(1970));
    let pid = plan.id.as_str();
    let plan_end = plan.period.map(|p| p.end);

    // Reports by task, oldest first for the measurement series.
    let mut by_task: HashMap<&str, Vec<&Report>> = HashMap::new();
    for r in &plan.progress {
        by_task.entry(r.task.as_str()).or_default().push(r);
    }
    for v in by_task.values_mut() {
        v.sort_by_key(|r| r.date);
    }
    // Measurements by target (the corrected value is the one in the report; the published
    // earlier figure is kept beside it).
    let mut series: HashMap<&str, Vec<(Date, f64, &Report)>> = HashMap::new();
    for r in &plan.progress {
        for m in &r.measures {
            series
                .entry(m.target.as_str())
                .or_default()
                .push((m.as_of, m.value, r));
        }
    }
    for v in series.values_mut() {
        v.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.2.slug.cmp(&b.2.slug)));
    }

    let target_view = |t: &Target,
                       task: Option<&Task>,
                       latest_report: Option<&Report>,
                       sample: bool|
     -> TargetView {
        let s = series.get(t.id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
        let points: Vec<(Date, f64)> = s.iter().map(|(d, v, _)| (*d, *v)).collect();
        let tracker = assess(&TrackerInput {
            target: t,
            plan_end,
            measures: &points,
            latest_report: latest_report.map(|r| r.status),
            as_of: as_of_date,
        });
        // Demonstration data shows through a target only where its figures (or, for a
        // qualitative target, its task's reports) are sample data.
        let sample = s.iter().any(|(_, _, r)| r.sample)
            || (t.comparator == Comparator::Qualitative && sample);
        let url = match task {
            Some(task) => format!("{}#target-{}", task_url(pid, task.id.as_str()), t.id),
            None => format!("{}#target-{}", plan_url(pid), t.id),
        };
        TargetView {
            target: t.clone(),
            comparator_label: t.comparator.label(),
            status: tracker.status,
            status_label: tracker.status.label(),
            symbol: tracker.status.symbol(),
            measures: s
                .iter()
                .map(|(d, v, r)| MeasureView {
                    date: *d,
                    value: *v,
                    source: r
                        .measures
                        .iter()
                        .find(|m| m.target == t.id)
                        .and_then(|m| m.source.clone()),
                    report: r.slug.clone(),
                    corrected: r
                        .corrections
                        .iter()
                        .find(|c| c.target.as_ref().is_none_or(|x| *x == t.id))
                        .and_then(|c| c.previous),
                })
                .collect(),
            tracker,
            task: task.map(|t| t.id.0.clone()),
            task_title: task.map(|t| t.title.clone()),
            plan: pid.to_string(),
            plan_title: plan.title.clone(),
            url,
            sample,
            as_of: as_of_date,
        }
    };

    let section_title = |path: &[String]| -> Option<String> {
        (1..path.len()).rev().find_map(|n| {
            plan.sections
                .iter()
                .find(|s| s.path == path[..n])
                .map(|s| s.title.clone())
        })
    };

    // Tasks are independent of each other: derive them in parallel, in document order.
    let tasks: Vec<TaskView> = plan
        .tasks
        .par_iter()
        .map(|task| {
            let reports = by_task
                .get(task.id.as_str())
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let latest = reports.last().copied();
            let sample = reports.iter().any(|r| r.sample);
            let targets: Vec<TargetView> = task
                .targets
                .iter()
                .map(|t| target_view(t, Some(task), latest, sample))
                .collect();
            let url = task_url(pid, task.id.as_str());
            let lead = unit_links(&task.lead, units);
            let number = task.path.concat();
            let shared = TaskShared::new(plan, task, &number, &url, &lead);
            let report_views: Vec<ReportView> = reports
                .iter()
                .rev()
                .map(|r| report_view(r, &shared))
                .collect();
            TaskView {
                task: Task {
                    lead: Vec::new(),
                    responsible: Vec::new(),
                    targets: Vec::new(),
                    ..task.clone()
                },
                number,
                plan: pid.to_string(),
                plan_title: plan.title.clone(),
                section: section_title(&task.path),
                lead,
                responsible: unit_links(&task.responsible, units),
                responsible_label: task
                    .responsible_label
                    .clone()
                    .unwrap_or_else(|| "责任单位".into()),
                weight: task.weight.unwrap_or(1.0),
                status: latest.map(|r| r.status),
                status_label: latest.map_or("暂无报告", |r| r.status.label()),
                percent: latest.and_then(|r| r.percent),
                target_counts: StatusCounts::from_statuses(targets.iter().map(|t| t.status)),
                targets,
                last_update: latest.map(|r| r.date),
                reports: report_views,
                sample,
                url,
            }
        })
        .collect();

    let plan_sample = plan.progress.iter().any(|r| r.sample);
    let latest_any = plan.progress.iter().max_by_key(|r| r.date);
    // Plan-level targets belong to no task: no task's report speaks for a qualitative one.
    let targets: Vec<TargetView> = plan
        .targets
        .iter()
        .map(|t| target_view(t, None, None, plan_sample))
        .collect();
    let all_statuses = targets
        .iter()
        .chain(tasks.iter().flat_map(|t| t.targets.iter()))
        .map(|t| t.status);
    let target_counts = StatusCounts::from_statuses(all_statuses);
    let total_weight: f64 = tasks.iter().map(|t| t.weight).sum();
    let percent = if total_weight > 0.0 {
        round1(
            tasks
                .iter()
                .map(|t| t.weight * t.percent.unwrap_or(0.0))
                .sum::<f64>()
                / total_weight,
        )
    } else {
        0.0
    };

    PlanView {
        plan: plan.head(),
        index_number: plan.index_number.clone(),
        index_assigned: false,
        void: plan.is_void(),
        url: plan_url(pid),
        source_url: plan
            .source_text
            .as_ref()
            .map(|_| format!("plans/{pid}/source/index.html")),
        source_text: plan.source_text.clone(),
        sections: sections(plan),
        targets,
        weighted: plan.tasks.iter().any(|t| t.weight.is_some()),
        tasks,
        target_counts,
        percent,
        report_count: plan.progress.len(),
        sample: plan_sample,
        last_update: latest_any.map(|r| r.date),
    }
}

/// Sections with the tasks that sit directly in them; tasks outside every section get a
/// nameless section of their own so no task is left off the plan page.
fn sections(plan: &Plan) -> Vec<SectionView> {
    let mut out: Vec<SectionView> = plan
        .sections
        .iter()
        .map(|s| SectionView {
            number: s.path.concat(),
            path: s.path.clone(),
            title: s.title.clone(),
            depth: s.path.len(),
            tasks: Vec::new(),
        })
        .collect();
    let mut loose = Vec::new();
    for (i, t) in plan.tasks.iter().enumerate() {
        let home = (1..t.path.len())
            .rev()
            .find_map(|n| out.iter().position(|s| s.path == t.path[..n]));
        match home {
            Some(s) => out[s].tasks.push(i),
            None => loose.push(i),
        }
    }
    if !loose.is_empty() {
        out.push(SectionView {
            path: Vec::new(),
            number: String::new(),
            title: "任务".into(),
            depth: 1,
            tasks: loose,
        });
    }
    out
}

/// What all of a task's reports share: the task's and plan's names, the lead units, and the
/// texts of the targets they may measure (one copy each, however many reports).
struct TaskShared<'a> {
    task: Arc<str>,
    task_title: Arc<str>,
    task_number: Arc<str>,
    task_url: Arc<str>,
    plan: Arc<str>,
    plan_title: Arc<str>,
    lead_units: Arc<[String]>,
    /// The task's targets, then the plan's, with their texts.
    targets: Vec<(&'a Target, Arc<str>)>,
}

impl<'a> TaskShared<'a> {
    fn new(
        plan: &'a Plan,
        task: &'a Task,
        number: &str,
        task_url: &str,
        lead: &[UnitLink],
    ) -> Self {
        TaskShared {
            task: task.id.as_str().into(),
            task_title: task.title.as_str().into(),
            task_number: number.into(),
            task_url: task_url.into(),
            plan: plan.id.as_str().into(),
            plan_title: plan.title.as_str().into(),
            lead_units: lead.iter().map(|u| u.name.clone()).collect(),
            targets: task
                .targets
                .iter()
                .chain(plan.targets.iter())
                .map(|t| (t, t.text.as_str().into()))
                .collect(),
        }
    }
}

fn report_view(r: &Report, shared: &TaskShared) -> ReportView {
    let delay = r.published.map(|p| workdays_between(r.date, p));
    ReportView {
        anchor: format!("report-{}", r.slug),
        task: Arc::clone(&shared.task),
        task_title: Arc::clone(&shared.task_title),
        task_number: Arc::clone(&shared.task_number),
        task_url: Arc::clone(&shared.task_url),
        plan: Arc::clone(&shared.plan),
        plan_title: Arc::clone(&shared.plan_title),
        date: r.date,
        published: r.published,
        status: r.status,
        status_label: r.status.label(),
        percent: r.percent,
        reporter: r.reporter.clone(),
        sample: r.sample,
        measures: r
            .measures
            .iter()
            .map(|m| {
                let t = shared.targets.iter().find(|(t, _)| t.id == m.target);
                ReportMeasure {
                    target: m.target.0.clone(),
                    target_text: t.map_or_else(|| Arc::from(""), |(_, text)| Arc::clone(text)),
                    value: m.value,
                    unit: m
                        .unit
                        .clone()
                        .or_else(|| t.and_then(|(t, _)| t.unit.clone())),
                    unit_as_written: m.unit.clone(),
                    as_of: m.as_of,
                    source: m.source.clone(),
                }
            })
            .collect(),
        evidence: r.evidence.clone(),
        corrections: r.corrections.clone(),
        body: r.body.clone(),
        plain: markdown::plain_paragraph(&r.body).is_some(),
        delay_workdays: delay,
        late: delay.is_some_and(|d| d > TIMELY_WORKDAYS),
        lead_units: Arc::clone(&shared.lead_units),
    }
}

fn derive_units(units: &[Unit], plans: &[PlanView], source: &[Plan]) -> Vec<UnitView> {
    let mut lead: HashMap<&str, Vec<UnitTaskRef>> = HashMap::new();
    let mut shared: HashMap<&str, Vec<UnitTaskRef>> = HashMap::new();
    let mut statuses: HashMap<&str, Vec<TargetStatus>> = HashMap::new();
    let mut overdue: HashMap<&str, Vec<TargetRef>> = HashMap::new();
    let mut sample: HashMap<&str, bool> = HashMap::new();
    for (pv, p) in plans.iter().zip(source) {
        for (tv, t) in pv.tasks.iter().zip(&p.tasks) {
            let r = |role| UnitTaskRef {
                plan: pv.id().to_string(),
                plan_title: pv.plan.title.clone(),
                task: tv.id().to_string(),
                number: tv.number.clone(),
                title: tv.task.title.clone(),
                url: tv.url.clone(),
                role,
                status_label: tv.status_label,
                percent: tv.percent,
                overdue_targets: tv
                    .targets
                    .iter()
                    .filter(|x| x.tracker.overdue || x.status == TargetStatus::Missed)
                    .count(),
            };
            for u in t.lead.iter().filter_map(|u| u.unit.as_ref()) {
                lead.entry(u.as_str()).or_default().push(r("牵头"));
                statuses
                    .entry(u.as_str())
                    .or_default()
                    .extend(tv.targets.iter().map(|x| x.status));
                *sample.entry(u.as_str()).or_default() |= tv.sample;
                for x in tv
                    .targets
                    .iter()
                    .filter(|x| x.tracker.overdue || x.status == TargetStatus::Missed)
                {
                    overdue.entry(u.as_str()).or_default().push(TargetRef {
                        id: x.id().to_string(),
                        text: x.target.text.clone(),
                        url: x.url.clone(),
                        status_label: x.status_label,
                    });
                }
            }
            for u in t.responsible.iter().filter_map(|u| u.unit.as_ref()) {
                if !t.lead.iter().any(|l| l.unit.as_ref() == Some(u)) {
                    shared.entry(u.as_str()).or_default().push(r("责任"));
                    *sample.entry(u.as_str()).or_default() |= tv.sample;
                }
            }
        }
    }
    let mut out: Vec<UnitView> = units
        .iter()
        .map(|u| {
            let id = u.id.as_str();
            UnitView {
                id: id.to_string(),
                name: u.name.clone(),
                full_name: u.full_name.clone(),
                aliases: u.aliases.clone(),
                collective: u.collective,
                jurisdiction: u.jurisdiction.clone(),
                jurisdiction_name: u.jurisdiction_name.clone(),
                url: unit_url(id),
                lead: lead.remove(id).unwrap_or_default(),
                shared: shared.remove(id).unwrap_or_default(),
                scorecard: StatusCounts::from_statuses(
                    statuses.remove(id).unwrap_or_default().into_iter(),
                ),
                overdue: overdue.remove(id).unwrap_or_default(),
                sample: sample.get(id).copied().unwrap_or(false),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.jurisdiction
            .cmp(&b.jurisdiction)
            .then_with(|| a.id.cmp(&b.id))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_follow_the_order_of_the_strings() {
        assert_eq!(ranks(["9", "10", "1", "9"].into_iter()), [2, 1, 0, 2]);
    }

    #[test]
    fn updates_are_newest_first_then_by_plan_and_task_id() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut diags = crate::diagnostics::Diagnostics::default();
        let (data, _) = crate::build::prepare(root, &mut diags).expect("the bundled site loads");
        let updates = data.updates();
        let mut by_strings: Vec<&ReportView> = data
            .plans
            .iter()
            .flat_map(|p| p.tasks.iter().flat_map(|t| t.reports.iter()))
            .collect();
        by_strings.sort_by(|a, b| {
            b.date
                .cmp(&a.date)
                .then_with(|| a.plan.cmp(&b.plan))
                .then_with(|| a.task.cmp(&b.task))
        });
        // Days with reports of several tasks, so that the plan and task decide.
        assert!(
            updates
                .windows(2)
                .any(|w| w[0].date == w[1].date && w[0].task != w[1].task),
            "{} reports",
            updates.len()
        );
        let key = |r: &&ReportView| r.anchor.clone();
        assert!(
            updates.iter().map(key).eq(by_strings.iter().map(key)),
            "the same order as sorting by the strings"
        );
        for plan in &data.plans {
            let mut by_strings: Vec<&ReportView> =
                plan.tasks.iter().flat_map(|t| &t.reports).collect();
            by_strings.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.task.cmp(&b.task)));
            assert!(plan
                .updates()
                .iter()
                .map(key)
                .eq(by_strings.iter().map(key)));
        }
    }

    #[test]
    fn workdays_skip_weekends() {
        let d = |s| Date::parse(s).unwrap();
        // Fri 2024-06-28 → Fri 2024-07-05: five working days.
        assert_eq!(workdays_between(d("2024-06-28"), d("2024-07-05")), 5);
        // Sun 2024-06-30 → Wed 2024-07-31: 23 working days.
        assert_eq!(workdays_between(d("2024-06-30"), d("2024-07-31")), 23);
        assert_eq!(workdays_between(d("2024-07-05"), d("2024-06-28")), 0);
    }
}
