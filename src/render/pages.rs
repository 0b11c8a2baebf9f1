//! The HTML pages of DESIGN §5, each a template and a context.

use std::borrow::Cow;
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use super::Renderer;
use crate::derive::{PlanView, ReportView, SiteData, TargetView, TaskView, UnitView};
use crate::diagnostics::{Diagnostic, Pos};
use crate::model::Date;
use crate::output::Sink;
use crate::util::ser::{extends, Extended, MoreFields};
use crate::util::url::{canonical_url, enc, enc_iri, root_of};

/// Updates listed per page on `updates/`: a row is about 450 bytes, so a page stays near
/// 100 kB, and a portal with a million reports gets 5,000 pages rather than 20,000.
pub const UPDATES_PER_PAGE: usize = 200;

/// Targets listed per page of a `targets/` view: a row is about 650 bytes, so a page stays
/// near 100 kB. Unpaged, `targets/index.html` was 6.3 MB at 10,000 targets.
pub const TARGETS_PER_PAGE: usize = 150;

/// Tasks listed per page of a department's lists (牵头任务, its 责任清单, and 参与任务): a row is
/// about 450 bytes. Unpaged, a department's page was 3.8 MB at 100,000 tasks.
pub const UNIT_TASKS_PER_PAGE: usize = 150;

/// Up to this many plans, the home page shows every plan as a card. A site with more shows the
/// most recently updated ones and lists all of them on `plans/` ([`PLANS_PER_PAGE`] a page):
/// at 1,000 plans the cards made the home page 825 kB.
pub const HOME_PLANS: usize = 20;

/// Plans listed per page of `plans/`, when the site has more than [`HOME_PLANS`].
pub const PLANS_PER_PAGE: usize = 100;

/// Up to this many plans, every `targets/` page has a filter link to each plan. Beyond it only
/// the first page of `targets/index.html` lists them and the other pages link there: a link per
/// plan on every plan's page made the section grow with the square of the plans (about
/// 150 MB of links at 1,000 plans).
pub const PLAN_FILTERS_ON_EVERY_PAGE: usize = 20;

/// What every page's context holds besides its own data.
#[derive(Serialize)]
struct Common<'a> {
    root: String,
    /// [`site_value`]: made once, shared by every page.
    site: &'a tera::Value,
    as_of: Option<Date>,
    /// The page shows demonstration data: the template puts the 示例数据 banner on top.
    sample: bool,
    /// The nav entry to mark as current.
    section: &'static str,
    /// This page's path relative to the site root.
    page: String,
    canonical: Option<String>,
    lang: &'a str,
}

/// A plan as lists show it (no tasks, no reports).
#[derive(Serialize)]
struct PlanSummary<'a> {
    id: &'a str,
    title: &'a str,
    issuer: &'a Option<String>,
    doc_number: &'a Option<String>,
    published: Option<Date>,
    written: Option<Date>,
    validity: &'a Option<String>,
    void: bool,
    url: &'a str,
    tasks: usize,
    targets: usize,
    percent: f64,
    target_counts: &'a crate::derive::StatusCounts,
    sample: bool,
    last_update: Option<Date>,
}

/// [`summary`] as a Tera value, made once for the home page and all of a plan's pages: every
/// task page holds it, and a value already made goes into a context as a shared reference, not
/// field by field.
fn summary_value(p: &PlanView) -> tera::Value {
    tera::Value::from_serializable(&summary(p))
}

/// The site settings as a Tera value, made once per build: every page's context holds them
/// (as [`summary_value`] says, a value already made goes in as a shared reference).
pub fn site_value(site: &crate::model::SiteConfig) -> tera::Value {
    tera::Value::from_serializable(site)
}

fn summary(p: &PlanView) -> PlanSummary<'_> {
    PlanSummary {
        id: p.id(),
        title: &p.plan.title,
        issuer: &p.plan.issuer,
        doc_number: &p.plan.doc_number,
        published: p.plan.published,
        written: p.plan.written,
        validity: &p.plan.validity,
        void: p.void,
        url: &p.url,
        tasks: p.tasks.len(),
        targets: p.target_counts.total,
        percent: p.percent,
        target_counts: &p.target_counts,
        sample: p.sample,
        last_update: p.last_update,
    }
}

/// A target as the `targets/` tables show it: its row, with its latest value and deadline
/// from its tracker, and its mark when it was weakened after publication.
#[derive(Serialize)]
#[serde(remote = "Self")]
struct TargetRow<'a> {
    #[serde(skip)]
    target: &'a TargetView,
    latest: Option<f64>,
    latest_date: Option<Date>,
    deadline: Option<Date>,
    overdue: bool,
    /// The target was weakened after publication (修订记录): its status is computed against
    /// the changed target.
    revised: Option<Revised>,
}

extends!(impl<'a> TargetRow<'a>, target);

/// A tracker's mark for a target weakened after publication.
#[derive(Serialize)]
struct Revised {
    /// "2024-06-02 目标下调:98% → 95%", newest first, one per change.
    changes: Vec<String>,
    /// The 修订记录 of its task (or the plan's list of weakened targets).
    url: String,
}

impl Revised {
    fn of(t: &TargetView, revisions: &[crate::history::Revision]) -> Revised {
        let page = t.url.split('#').next().unwrap_or(&t.url);
        Revised {
            changes: revisions
                .iter()
                .map(|r| format!("{} {}:{} → {}", r.date, r.label, r.old, r.new))
                .collect(),
            url: match t.task {
                Some(_) => format!("{page}#revisions"),
                None => format!("{page}#weakened"),
            },
        }
    }
}

fn row<'a>(t: &'a TargetView, revisions: Option<&Vec<crate::history::Revision>>) -> TargetRow<'a> {
    TargetRow {
        target: t,
        latest: t.tracker.latest.as_ref().map(|p| p.value),
        latest_date: t.tracker.latest.as_ref().map(|p| p.date),
        deadline: t.tracker.deadline,
        overdue: t.tracker.overdue,
        revised: revisions.map(|r| Revised::of(t, r)),
    }
}

/// Renders pages: each a template and a context of [`Common`] fields and its own.
pub(super) struct Pages<'a> {
    data: &'a SiteData,
    site: tera::Value,
    renderer: &'a Renderer,
    staging: &'a dyn Sink,
    base_url: Option<&'a str>,
    cache: Option<&'a dyn PageCache>,
}

/// Lets a caller skip pages whose inputs did not change since it last rendered them
/// (`serve`'s incremental rebuild). `build` passes none and renders every page.
pub trait PageCache: Sync {
    /// Called with each page's full context just before it would be rendered. `true`
    /// means the caller still holds this page as rendered from an identical context with the
    /// same templates, so it is neither rendered nor written.
    fn unchanged(&self, path: &str, template: &str, ctx: &PageContext) -> bool;

    /// Called before a plan's own pages (the plan page, its 原文 and its task pages, which
    /// depend on nothing but the plan's view, the site settings, `as_of` and the templates),
    /// with their paths. `true` means the caller knows none of those inputs changed and still
    /// holds every one of `paths`, so none is built, rendered or written.
    fn unchanged_plan(&self, _plan: &str, _paths: &[&str]) -> bool {
        false
    }
}

/// A page's context as it is filled: its values in the order they were put in, before they
/// become Tera's context. The page cache fingerprints it in this form (Tera's context does not
/// list what it holds).
pub struct PageContext {
    values: Vec<(Cow<'static, str>, tera::Value)>,
}

impl PageContext {
    /// A context holding the fields of `common`, the struct every page of a section starts
    /// with.
    pub fn of(common: &impl Serialize) -> PageContext {
        let values = tera::Value::from_serializable(common)
            .into_map()
            .into_iter()
            .flatten()
            .map(|(k, v)| (Cow::Owned(k.to_string()), v))
            .collect();
        PageContext { values }
    }

    pub fn insert<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        self.values
            .push((Cow::Borrowed(key), tera::Value::from_serializable(value)));
    }

    /// The context as JSON, key after value in order: equal contexts write equal bytes.
    pub fn write_json(&self, mut w: impl std::io::Write) -> serde_json::Result<()> {
        for (key, value) in &self.values {
            serde_json::to_writer(&mut w, key)?;
            serde_json::to_writer(&mut w, value)?;
        }
        Ok(())
    }

    fn into_context(self) -> Context {
        let mut ctx = Context::new();
        for (key, value) in self.values {
            ctx.insert_value(key, value);
        }
        ctx
    }
}

/// The page's context as Tera takes it when the page must be rendered; `None` when `cache`
/// says the page is unchanged.
pub fn needs_render(
    cache: Option<&dyn PageCache>,
    path: &str,
    template: &str,
    ctx: PageContext,
) -> Option<Context> {
    match cache {
        Some(cache) if cache.unchanged(path, template, &ctx) => None,
        _ => Some(ctx.into_context()),
    }
}

impl<'a> Pages<'a> {
    pub(super) fn new(
        data: &'a SiteData,
        renderer: &'a Renderer,
        staging: &'a dyn Sink,
        cache: Option<&'a dyn PageCache>,
    ) -> Pages<'a> {
        Pages {
            data,
            site: site_value(&data.site),
            renderer,
            staging,
            base_url: data.site.base_url.as_deref(),
            cache,
        }
    }

    fn common(&self, page: &str, section: &'static str, sample: bool) -> Common<'_> {
        let canonical = self.base_url.map(|b| canonical_url(b, page));
        Common {
            root: root_of(page),
            site: &self.site,
            as_of: self.data.as_of,
            sample,
            section,
            page: page.to_string(),
            canonical,
            lang: &self.data.site.language,
        }
    }

    pub(super) fn page(
        &self,
        path: &str,
        template: &str,
        section: &'static str,
        sample: bool,
        fill: impl FnOnce(&mut PageContext),
    ) -> Result<(), Diagnostic> {
        let mut ctx = PageContext::of(&self.common(path, section, sample));
        fill(&mut ctx);
        let Some(ctx) = needs_render(self.cache, path, template, ctx) else {
            return Ok(());
        };
        self.renderer
            .render_with(template, &ctx, |html| self.staging.write(path, html))?
            .map_err(|e| Diagnostic::error(PathBuf::from(path), Pos::START, e.to_string()))
    }
}

/// One plan's pages: its own, its 原文 and its tasks'. They read the plan's view and the
/// site's settings, never another plan: `data` may hold no plans at all (a build renders each
/// plan's pages and then lets go of its reports' bodies; see `build::write_all_releasing`).
pub fn render_plan_of(
    data: &SiteData,
    renderer: &Renderer,
    staging: &dyn Sink,
    cache: Option<&dyn PageCache>,
    plan: &PlanView,
) -> Result<(), Diagnostic> {
    let pages = Pages::new(data, renderer, staging, cache);
    render_plan(&pages, plan, &summary_value(plan))
}

/// The pages of the whole site: home, 404, units, targets, updates, data and search. They
/// read the plans' rows (summaries, targets, report rows), never a report's body.
pub fn render_site_wide(
    data: &SiteData,
    renderer: &Renderer,
    staging: &dyn Sink,
    cache: Option<&dyn PageCache>,
    updates: &[&crate::derive::ReportView],
) -> Result<(), Diagnostic> {
    let pages = Pages::new(data, renderer, staging, cache);
    let summaries: Vec<tera::Value> = data.plans.iter().map(summary_value).collect();

    let listed = data.plans.len() > HOME_PLANS;
    // The home page's cards: every plan, or the most recently updated (then in site order).
    let mut home: Vec<usize> = (0..data.plans.len()).collect();
    if listed {
        home.sort_by_key(|&i| std::cmp::Reverse(data.plans[i].last_update));
        home.truncate(HOME_PLANS);
    }
    pages.page("index.html", "index.html", "home", data.has_sample, |c| {
        let cards: Vec<&tera::Value> = home.iter().map(|&i| &summaries[i]).collect();
        c.insert("plans", &cards);
        c.insert("totals", &data.totals);
        c.insert("target_counts", &data.target_counts);
        let latest: Vec<&ReportView> = updates.iter().take(8).copied().collect();
        c.insert("updates", &latest);
        c.insert("plan_list", &listed.then_some("plans/index.html"));
    })?;
    if listed {
        render_plan_list(&pages, data, &summaries)?;
    }
    pages.page("404.html", "404.html", "", false, |_| {})?;

    render_units(&pages, &data.units)?;
    render_targets(&pages, data)?;
    render_updates(&pages, data, updates)?;
    let mut tables = vec![
        DataTable {
            name: "tasks",
            columns: crate::derive::columns::TASK_COLUMNS.to_vec(),
        },
        DataTable {
            name: "targets",
            columns: crate::derive::columns::TARGET_COLUMNS.to_vec(),
        },
        DataTable {
            name: "progress",
            columns: crate::derive::columns::PROGRESS_COLUMNS.to_vec(),
        },
    ];
    if data.compare.enabled {
        tables.push(DataTable {
            name: "compare",
            columns: data.compare.columns.to_vec(),
        });
    }
    pages.page(
        "data/index.html",
        "data.html",
        "data",
        data.has_sample,
        |c| {
            c.insert("tables", &tables);
            c.insert("fingerprint", &data.fingerprint);
            c.insert(
                "history",
                &data.history.available.then_some(HistoryFields {
                    file: &crate::history::FILE_FIELDS,
                    change: &crate::history::CHANGE_FIELDS,
                }),
            );
        },
    )?;
    if renderer.has_template("search.html") {
        pages.page("search/index.html", "search.html", "search", false, |_| {})?;
    }
    Ok(())
}

/// One plan's own page and the task pages `tasks` picks (never its 原文, which no progress
/// report changes): `serve`'s preview of an edit, shown before the full rebuild replaces it.
/// Each page is rendered exactly as [`render_plan_of`] renders it from the same plan view.
pub fn render_plan_pages(
    data: &SiteData,
    renderer: &Renderer,
    staging: &dyn Sink,
    plan: &PlanView,
    tasks: &(dyn Fn(&TaskView) -> bool + Sync),
) -> Result<(), Diagnostic> {
    let pages = Pages::new(data, renderer, staging, None);
    render_plan_page(&pages, plan)?;
    render_task_pages(&pages, plan, &summary_value(plan), tasks)
}

fn render_plan_page(pages: &Pages, plan: &PlanView) -> Result<(), Diagnostic> {
    pages.page(&plan.url, "plan.html", "plans", plan.sample, |c| {
        c.insert("plan", &PlanPage::of(plan));
        c.insert("weakened", &pages.data.history.weakened_in(plan));
    })
}

/// A plan's own pages; `sum` is its [`summary_value`].
fn render_plan(pages: &Pages, plan: &PlanView, sum: &tera::Value) -> Result<(), Diagnostic> {
    if let Some(cache) = pages.cache {
        let paths: Vec<&str> = std::iter::once(plan.url.as_str())
            .chain(plan.source_url.as_deref())
            .chain(plan.tasks.iter().map(|t| t.url.as_str()))
            .collect();
        if cache.unchanged_plan(plan.id(), &paths) {
            return Ok(());
        }
    }
    render_plan_page(pages, plan)?;
    if let Some(src) = &plan.source_url {
        pages.page(src, "source.html", "plans", false, |c| {
            c.insert("plan", sum);
            c.insert(
                "source",
                &source_paragraphs(plan.source_text.as_deref().unwrap_or("")),
            );
        })?;
    }
    render_task_pages(pages, plan, sum, &|_| true)
}

fn render_task_pages(
    pages: &Pages,
    plan: &PlanView,
    sum: &tera::Value,
    which: &(dyn Fn(&TaskView) -> bool + Sync),
) -> Result<(), Diagnostic> {
    plan.tasks.par_iter().enumerate().try_for_each(|(i, task)| {
        if !which(task) {
            return Ok(());
        }
        let prev = i
            .checked_sub(1)
            .and_then(|j| plan.tasks.get(j))
            .map(Neighbour::of);
        let next = plan.tasks.get(i + 1).map(Neighbour::of);
        pages.page(&task.url, "task.html", "plans", task.sample, |c| {
            c.insert("plan", sum);
            c.insert("task", &TaskPage::of(task));
            c.insert("prev", &prev);
            c.insert("next", &next);
            c.insert("feedback", &feedback_link(pages.data, plan, task));
            c.insert(
                "revisions",
                &pages.data.history.for_task(plan.id(), task.id()),
            );
        })
    })
}

/// A plan as its own page shows it: the plan, and its tasks as rows (a [`TaskView`] leaves
/// its targets and reports out when serialised), so the context does not copy every report
/// body of the plan.
#[derive(Serialize)]
#[serde(remote = "Self")]
struct PlanPage<'a> {
    #[serde(skip)]
    plan: &'a PlanView,
    tasks: &'a [TaskView],
}

extends!(impl<'a> PlanPage<'a>, plan);

impl<'a> PlanPage<'a> {
    fn of(plan: &'a PlanView) -> Self {
        PlanPage {
            plan,
            tasks: &plan.tasks,
        }
    }
}

/// A task as its own page shows it: the task (every field of its row), its text as
/// paragraphs, its targets, and its reports without what the page repeats from the task
/// itself (task and plan names and URLs) or does not show (the plain text kept for search,
/// the units kept for the scorecards).
#[derive(Serialize)]
#[serde(remote = "Self")]
struct TaskPage<'a> {
    #[serde(skip)]
    task: &'a TaskView,
    /// The non-empty lines of the task's text, one paragraph each (so the template needs no
    /// filter).
    paragraphs: Vec<&'a str>,
    targets: Vec<TargetCard<'a>>,
    reports: Vec<TimelineReport<'a>>,
}

extends!(impl<'a> TaskPage<'a>, task);

/// A target as its task's page shows it: with its chart, made here (the site value does not
/// hold the charts).
#[derive(Serialize)]
#[serde(remote = "Self")]
struct TargetCard<'a> {
    #[serde(skip)]
    target: &'a TargetView,
    tracker: &'a crate::derive::status::Tracker,
    measures: &'a [crate::derive::MeasureView],
    chart: String,
}

extends!(impl<'a> TargetCard<'a>, target);

impl<'a> TaskPage<'a> {
    fn of(t: &'a TaskView) -> Self {
        TaskPage {
            task: t,
            paragraphs: t.task.text.split('\n').filter(|p| !p.is_empty()).collect(),
            targets: t
                .targets
                .iter()
                .map(|target| TargetCard {
                    target,
                    tracker: &target.tracker,
                    measures: &target.measures,
                    chart: target.chart(),
                })
                .collect(),
            reports: t.reports.iter().map(timeline_report).collect(),
        }
    }
}

/// A report in its task's timeline: its row, with its measurements, evidence, corrections and
/// body, made here from the Markdown the site keeps, but without its task's and plan's names
/// and links, which the page shows once. The row's own fields and these as one struct
/// ([`Extended`]: a task page holds every report of its task, and Tera makes a flattened row a
/// map with an allocated key per field).
type TimelineReport<'a> = Extended<'a, ReportView, TimelineParts<'a>>;

/// What a report's timeline entry adds to its row.
struct TimelineParts<'a> {
    measures: &'a [crate::derive::ReportMeasure],
    evidence: &'a [crate::model::Evidence],
    corrections: &'a [crate::model::Correction],
    body_html: String,
}

impl MoreFields for TimelineParts<'_> {
    /// The task's and plan's names and links: the page shows them once, for every report.
    const OMIT: &'static [&'static str] = &[
        "task",
        "task_title",
        "task_number",
        "task_url",
        "plan",
        "plan_title",
    ];
    fn count(&self) -> usize {
        4
    }
    fn write<S: serde::ser::SerializeStruct>(&self, s: &mut S) -> Result<(), S::Error> {
        s.serialize_field("measures", self.measures)?;
        s.serialize_field("evidence", self.evidence)?;
        s.serialize_field("corrections", self.corrections)?;
        s.serialize_field("body_html", &self.body_html)
    }
}

fn timeline_report(report: &ReportView) -> TimelineReport<'_> {
    Extended {
        inner: report,
        more: TimelineParts {
            measures: &report.measures,
            evidence: &report.evidence,
            corrections: &report.corrections,
            body_html: report.body_html(),
        },
    }
}

/// The original text as paragraphs: one per non-blank line, as published.
fn source_paragraphs(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

#[derive(Serialize)]
struct Neighbour<'a> {
    number: &'a str,
    title: &'a str,
    url: &'a str,
}

impl<'a> Neighbour<'a> {
    fn of(t: &'a TaskView) -> Self {
        Neighbour {
            number: &t.number,
            title: &t.task.title,
            url: &t.url,
        }
    }
}

/// The 对此项有意见/纠错 link of a task page: the configured form, else a mailto with the plan
/// and task in the subject.
pub fn feedback_link(data: &SiteData, plan: &PlanView, task: &TaskView) -> Option<String> {
    let subject = format!("[{}] {} {}", plan.plan.title, task.number, task.task.title);
    if let Some(form) = &data.site.feedback.form_url {
        let sep = if form.contains('?') { '&' } else { '?' };
        return Some(format!(
            "{form}{sep}plan={}&task={}",
            enc(plan.id()),
            enc(task.id())
        ));
    }
    let email = data
        .site
        .feedback
        .email
        .as_ref()
        .or(data.site.publisher.email.as_ref())?;
    Some(format!("mailto:{email}?subject={}", enc_iri(&subject)))
}

#[derive(Serialize)]
struct UnitSummary<'a> {
    id: &'a str,
    name: &'a str,
    full_name: &'a Option<String>,
    aliases: &'a [String],
    collective: bool,
    url: &'a str,
    lead: usize,
    shared: usize,
    overdue: usize,
}

#[derive(Serialize)]
struct Jurisdiction<'a> {
    id: &'a str,
    name: &'a str,
    units: Vec<UnitSummary<'a>>,
}

fn render_units(pages: &Pages, units: &[UnitView]) -> Result<(), Diagnostic> {
    let mut groups: Vec<Jurisdiction> = Vec::new();
    for u in units {
        let s = UnitSummary {
            id: &u.id,
            name: &u.name,
            full_name: &u.full_name,
            aliases: &u.aliases,
            collective: u.collective,
            url: &u.url,
            lead: u.lead.len(),
            shared: u.shared.len(),
            overdue: u.overdue.len(),
        };
        match groups.last_mut() {
            Some(g) if g.id == u.jurisdiction => g.units.push(s),
            _ => groups.push(Jurisdiction {
                id: &u.jurisdiction,
                name: u.jurisdiction_name.as_deref().unwrap_or(&u.jurisdiction),
                units: vec![s],
            }),
        }
    }
    pages.page("units/index.html", "units.html", "units", false, |c| {
        c.insert("jurisdictions", &groups)
    })?;
    // Each department's pages: its own page (the first page of both lists), then the further
    // pages of each list.
    let jobs: Vec<(&UnitView, Option<UnitList>, usize)> = units
        .iter()
        .flat_map(|u| {
            let more = |list: UnitList| (2..=list.pages(u).len()).map(move |n| (list, n));
            std::iter::once((u, None, 1)).chain(
                more(UnitList::Lead)
                    .chain(more(UnitList::Shared))
                    .map(move |(list, n)| (u, Some(list), n)),
            )
        })
        .collect();
    jobs.par_iter()
        .try_for_each(|&(u, list, page)| render_unit(pages, u, list, page))
}

/// `plans/index.html` and `plans/page/N/`: every plan, in site order, [`PLANS_PER_PAGE`] a
/// page, for a site with more plans than the home page shows.
fn render_plan_list(
    pages: &Pages,
    data: &SiteData,
    summaries: &[tera::Value],
) -> Result<(), Diagnostic> {
    let chunks = paged(summaries, PLANS_PER_PAGE);
    let n = chunks.len();
    chunks.par_iter().enumerate().try_for_each(|(i, rows)| {
        let page = i + 1;
        let url = |page| paged_url("plans/index.html", page);
        let pager = Pager::new(page, n, url);
        let range = i * PLANS_PER_PAGE..i * PLANS_PER_PAGE + rows.len();
        let sample = data.plans[range].iter().any(|p| p.sample);
        pages.page(&url(page), "plans.html", "plans", sample, |c| {
            c.insert("plans", rows);
            c.insert("total", &summaries.len());
            c.insert("first", &(i * PLANS_PER_PAGE + 1));
            c.insert("pager", &pager);
        })
    })
}

/// A department's two lists of tasks.
#[derive(Clone, Copy, PartialEq)]
enum UnitList {
    Lead,
    Shared,
}

impl UnitList {
    fn key(self) -> &'static str {
        match self {
            UnitList::Lead => "lead",
            UnitList::Shared => "shared",
        }
    }

    fn of(self, u: &UnitView) -> &[crate::derive::UnitTaskRef] {
        match self {
            UnitList::Lead => &u.lead,
            UnitList::Shared => &u.shared,
        }
    }

    /// Page `page` of the list: the first is on the department's own page, at the list.
    fn url(self, u: &UnitView, page: usize) -> String {
        if page == 1 {
            format!("{}#{}", u.url, self.key())
        } else {
            let first = u.url.strip_suffix("index.html").unwrap_or(&u.url);
            paged_url(&format!("{first}{}/index.html", self.key()), page)
        }
    }

    fn pages(self, u: &UnitView) -> Vec<&[crate::derive::UnitTaskRef]> {
        paged(self.of(u), UNIT_TASKS_PER_PAGE)
    }

    fn pager(self, u: &UnitView, page: usize) -> Pager {
        Pager::new(page, self.pages(u).len(), |n| self.url(u, n))
    }
}

/// A department's page as its template sees it: [`UnitView`] with `lead` and `shared` holding
/// this page's rows, their whole lengths in `lead_count` and `shared_count`, and `overdue` on
/// the department's own page only. Every other field is the view's own ([`Extended`]), so a
/// field added to the view reaches the template with nothing more.
type UnitPage<'a> = Extended<'a, UnitView, UnitPageParts<'a>>;

/// What a department's page puts in place of its view's lists.
struct UnitPageParts<'a> {
    lead: &'a [crate::derive::UnitTaskRef],
    shared: &'a [crate::derive::UnitTaskRef],
    lead_count: usize,
    shared_count: usize,
    overdue: &'a [crate::derive::TargetRef],
}

impl MoreFields for UnitPageParts<'_> {
    /// The view's whole lists: the page shows a page of each, and the overdue targets on the
    /// department's own page.
    const OMIT: &'static [&'static str] = &["lead", "shared", "overdue"];
    fn count(&self) -> usize {
        5
    }
    fn write<S: serde::ser::SerializeStruct>(&self, s: &mut S) -> Result<(), S::Error> {
        s.serialize_field("lead", self.lead)?;
        s.serialize_field("shared", self.shared)?;
        s.serialize_field("lead_count", &self.lead_count)?;
        s.serialize_field("shared_count", &self.shared_count)?;
        s.serialize_field("overdue", self.overdue)
    }
}

/// The department's own page (`list` none: its scorecard and the first page of each list) or
/// page `page` of one list, `units/<unit>/<list>/page/<page>/`.
fn render_unit(
    pages: &Pages,
    u: &UnitView,
    list: Option<UnitList>,
    page: usize,
) -> Result<(), Diagnostic> {
    let rows = |l: UnitList| -> &[crate::derive::UnitTaskRef] {
        match list {
            Some(shown) if shown != l => &[],
            // The department's own page (page 1) holds the first page of each list.
            _ => l.pages(u)[page - 1],
        }
    };
    let view: UnitPage = Extended {
        inner: u,
        more: UnitPageParts {
            lead: rows(UnitList::Lead),
            shared: rows(UnitList::Shared),
            lead_count: u.lead.len(),
            shared_count: u.shared.len(),
            overdue: if list.is_none() { &u.overdue } else { &[] },
        },
    };
    let path = match list {
        None => u.url.clone(),
        Some(l) => l.url(u, page),
    };
    let pager_of = |l: UnitList| match list {
        Some(shown) if shown != l => None,
        _ => Some(l.pager(u, page)),
    };
    pages.page(&path, "unit.html", "units", u.sample, |c| {
        c.insert("unit", &view);
        c.insert("list", &list.map(UnitList::key));
        c.insert("lead_pager", &pager_of(UnitList::Lead));
        c.insert("shared_pager", &pager_of(UnitList::Shared));
        c.insert("first", &((page - 1) * UNIT_TASKS_PER_PAGE + 1));
    })
}

/// The fields of `data/history.json`, for the data page.
#[derive(Serialize)]
struct HistoryFields {
    file: &'static [(&'static str, &'static str, &'static str)],
    change: &'static [(&'static str, &'static str, &'static str)],
}

#[derive(Serialize)]
struct DataTable {
    name: &'static str,
    columns: Vec<(&'static str, &'static str, &'static str)>,
}

#[derive(Serialize)]
struct View {
    kind: &'static str,
    key: String,
    label: String,
    url: String,
    count: usize,
}

fn render_targets(pages: &Pages, data: &SiteData) -> Result<(), Diagnostic> {
    let all: Vec<&TargetView> = data.targets().collect();
    // The positions in `all` of the targets that `keep` keeps.
    let pick = |keep: &dyn Fn(&TargetView) -> bool| -> Vec<usize> {
        (0..all.len()).filter(|&i| keep(all[i])).collect()
    };
    let mut views: Vec<(View, Vec<usize>)> = Vec::new();
    for s in crate::derive::status::TargetStatus::ALL {
        let ts = pick(&|t| t.status == s);
        if !ts.is_empty() {
            views.push((
                View {
                    kind: "status",
                    key: s.as_str().into(),
                    label: format!("{} {}", s.symbol(), s.label()),
                    url: format!("targets/status/{}/index.html", s.as_str()),
                    count: ts.len(),
                },
                ts,
            ));
        }
    }
    // Each plan's targets, found in one pass (a pass per plan is quadratic in a
    // province-sized site).
    let mut by_plan: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    for (i, t) in all.iter().enumerate() {
        by_plan.entry(t.plan.as_str()).or_default().push(i);
    }
    for p in &data.plans {
        let ts = by_plan.remove(p.id()).unwrap_or_default();
        views.push((
            View {
                kind: "plan",
                key: p.id().to_string(),
                label: p.plan.title.clone(),
                url: format!("targets/plan/{}/index.html", p.id()),
                count: ts.len(),
            },
            ts,
        ));
    }
    let mut years: Vec<i32> = all
        .iter()
        .filter_map(|t| t.tracker.deadline.map(|d| d.year()))
        .collect();
    years.sort_unstable();
    years.dedup();
    for y in years {
        let ts = pick(&|t| t.tracker.deadline.map(|d| d.year()) == Some(y));
        views.push((
            View {
                kind: "year",
                key: y.to_string(),
                label: format!("{y}年"),
                url: format!("targets/year/{y}/index.html"),
                count: ts.len(),
            },
            ts,
        ));
    }
    // A status or year view that holds every target (all of them due in one year, say) is
    // the index page itself: its filter links there instead of writing the same table again.
    // A plan's view keeps its page, which other pages link to.
    for (v, ts) in &mut views {
        if v.kind != "plan" && ts.len() == all.len() && !all.is_empty() {
            v.url = "targets/index.html".into();
        }
    }
    let index: Vec<&View> = views.iter().map(|(v, _)| v).collect();
    let plans_everywhere = data.plans.len() <= PLAN_FILTERS_ON_EVERY_PAGE;
    let short: Vec<&View> = index
        .iter()
        .copied()
        .filter(|v| plans_everywhere || v.kind != "plan")
        .collect();
    // Every target is on four pages (all, its status, plan and year): its row is made into a
    // Tera value once, and each page's list shares it.
    let revised = data.history.weakened_targets();
    let rows: Vec<tera::Value> = all
        .par_iter()
        .map(|t| {
            let key = (t.plan.as_str(), t.task.as_deref(), t.id());
            tera::Value::from_serializable(&row(t, revised.get(&key)))
        })
        .collect();
    let every: Vec<usize> = (0..all.len()).collect();
    let all_view = View {
        kind: "all",
        key: String::new(),
        label: String::new(),
        url: "targets/index.html".into(),
        count: all.len(),
    };
    let own_page = |v: &View| v.kind == "all" || v.url != "targets/index.html";
    // Each view's pages: (view, its page number, that page's targets).
    let mut jobs: Vec<(&View, usize, usize, &[usize])> = Vec::new();
    for (v, ts) in std::iter::once((&all_view, &every)).chain(views.iter().map(|(v, t)| (v, t))) {
        if !own_page(v) {
            continue;
        }
        let chunks = paged(ts, TARGETS_PER_PAGE);
        let n = chunks.len();
        jobs.extend(
            chunks
                .into_iter()
                .enumerate()
                .map(|(i, c)| (v, i + 1, n, c)),
        );
    }
    jobs.par_iter().try_for_each(|&(v, page, pages_n, ts)| {
        let view_rows: Vec<&tera::Value> = ts.iter().map(|&i| &rows[i]).collect();
        let sample = ts.iter().any(|&i| all[i].sample);
        let first_page_of_all = v.kind == "all" && page == 1;
        let pager = Pager::new(page, pages_n, |n| paged_url(&v.url, n));
        let current = (v.kind != "all").then_some(v);
        let path = paged_url(&v.url, page);
        pages.page(&path, "targets.html", "targets", sample, |c| {
            c.insert("views", if first_page_of_all { &index } else { &short });
            c.insert(
                "plan_filters_here",
                &(plans_everywhere || first_page_of_all),
            );
            c.insert("plan_count", &data.plans.len());
            c.insert("current", &current);
            c.insert("targets", &view_rows);
            c.insert("total", &v.count);
            c.insert("first", &((page - 1) * TARGETS_PER_PAGE + 1));
            c.insert("pager", &pager);
            c.insert("counts", &data.target_counts);
        })
    })
}

/// Page `page` of the paged list whose first page is `first` (`…/index.html`): the first page
/// itself, then `…/page/<n>/index.html`.
fn paged_url(first: &str, page: usize) -> String {
    if page == 1 {
        first.to_string()
    } else {
        let dir = first.strip_suffix("index.html").unwrap_or(first);
        format!("{dir}page/{page}/index.html")
    }
}

#[derive(Serialize)]
struct Pager {
    page: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
}

impl Pager {
    /// Page `page` of `pages`, whose pages are at `url(n)`.
    fn new(page: usize, pages: usize, url: impl Fn(usize) -> String) -> Pager {
        Pager {
            page,
            pages,
            prev: (page > 1).then(|| url(page - 1)),
            next: (page < pages).then(|| url(page + 1)),
        }
    }
}

/// The pages of a paged list, `per_page` items each; a list without items has one empty page.
fn paged<T>(items: &[T], per_page: usize) -> Vec<&[T]> {
    if items.is_empty() {
        vec![&[]]
    } else {
        items.chunks(per_page).collect()
    }
}

fn updates_url(page: usize) -> String {
    paged_url("updates/index.html", page)
}

fn render_updates(
    pages: &Pages,
    data: &SiteData,
    updates: &[&crate::derive::ReportView],
) -> Result<(), Diagnostic> {
    let _ = data;
    let chunks = paged(updates, UPDATES_PER_PAGE);
    let n = chunks.len();
    chunks.par_iter().enumerate().try_for_each(|(i, chunk)| {
        let page = i + 1;
        let pager = Pager::new(page, n, updates_url);
        let sample = chunk.iter().any(|r| r.sample);
        let rows: Vec<&ReportView> = chunk.to_vec();
        pages.page(&updates_url(page), "updates.html", "updates", sample, |c| {
            c.insert("updates", &rows);
            c.insert("pager", &pager);
            c.insert("total", &updates.len());
        })
    })
}
