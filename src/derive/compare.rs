//! The same metric across jurisdictions: the rows of `compare/` and `data/compare.json`.
//!
//! In: the catalogue (`metrics.toml`), the site's own derived plans and the verified sources'
//! plans. Out: [`Comparison`] — per metric with at least one matched target, one row per target
//! (jurisdiction, scope, plan, task, the target as printed, value and unit, deadline, baseline,
//! latest value and date, status, link), grouped for charts by what can be compared: target
//! levels in the metric's unit (converted when the catalogue says how), changes against a
//! baseline (较基线下降/提高 …%), and levels in a unit the catalogue cannot convert, each
//! apart. Qualitative targets are listed and never charted. Never touches the file system.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use super::status::TargetStatus;
use super::PlanView;
use crate::model::{Comparator, Content, Date, Direction, Metric, Source};
use crate::util::escape::xml_escape;
use crate::util::number::format_number;
use crate::validate::compare::Catalogue;

/// The columns of `data/compare.csv`: name, Frictionless type and meaning (the data page and
/// `datapackage.json` list them from here).
pub const COMPARE_COLUMNS: [(&str, &str, &str); 25] = [
    ("metric", "string", "指标 id(指标目录)"),
    ("metric_name", "string", "指标名称(指标目录)"),
    ("jurisdiction", "string", "地区"),
    ("scope", "string", "统计范围(指标名称所印前缀,如 市区、县城)"),
    ("source", "string", "镜像来源 id;本站自己的规划为空"),
    ("plan", "string", "规划 id"),
    ("task", "string", "任务 id(规划总体目标为空)"),
    ("target", "string", "目标 id"),
    ("text", "string", "目标原文"),
    ("printed_metric", "string", "规划所印的指标名称"),
    ("comparator", "string", ">= <= = decrease_by increase_by qualitative"),
    ("value", "number", "目标值"),
    ("unit", "string", "单位(按原文)"),
    ("year", "integer", "目标年份"),
    ("deadline", "date", "期限"),
    ("baseline_value", "number", "基线值"),
    ("baseline_date", "date", "基线日期"),
    ("baseline_year", "integer", "基线年份"),
    ("latest_value", "number", "最新测量值"),
    ("latest_date", "date", "最新测量日期"),
    ("status", "string", "状态:achieved/on_track/needs_acceleration/limited_progress/deteriorating/missed/no_data/qualitative"),
    ("basis", "string", "比较口径:level(目标水平)/decrease/increase(较基线变化 %)/other_unit(单位不同,未比较)/none(定性)"),
    ("converted_value", "number", "按指标目录换算成指标单位的目标值"),
    ("converted_latest", "number", "按指标目录换算成指标单位的最新值"),
    ("url", "string", "目标所在页面:本站为相对站点根目录的地址,来源为其网站上的绝对地址"),
];

/// Everything the comparison pages and files show.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Comparison {
    /// Whether the site has comparison pages at all (a catalogue or sources).
    pub enabled: bool,
    /// The site's own jurisdictions: id (units file) → name (its `name`).
    pub jurisdictions: BTreeMap<String, String>,
    /// Metrics with at least one matched target, in catalogue order.
    pub metrics: Vec<MetricView>,
    pub sources: Vec<SourceView>,
    /// The columns of `data/compare.csv` when it is written (the data page lists them; here so
    /// that the site value holds every text the pages show, the 繁體 table included).
    pub columns: &'static [(&'static str, &'static str, &'static str)],
}

impl Comparison {
    /// The metrics compared across two or more jurisdictions.
    pub fn compared(&self) -> impl Iterator<Item = &MetricView> {
        self.metrics.iter().filter(|m| m.compared)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MetricView {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub unit: Option<String>,
    pub direction: Option<Direction>,
    pub direction_label: Option<&'static str>,
    pub code: Option<String>,
    pub description: Option<String>,
    /// `compare/<id>/index.html`.
    pub url: String,
    /// The jurisdictions of its rows, in row order, each once.
    pub jurisdictions: Vec<String>,
    /// True with rows in two or more jurisdictions.
    pub compared: bool,
    pub rows: Vec<Row>,
    pub charts: Vec<Chart>,
    /// Some row shows demonstration data.
    pub sample: bool,
}

/// What a row's figure can be compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// A level in the metric's unit (or converted to it).
    Level,
    /// A decrease against a baseline, in percent.
    Decrease,
    /// An increase against a baseline, in percent.
    Increase,
    /// A level in a unit the catalogue cannot convert: shown apart.
    OtherUnit,
    /// No figure: qualitative, or no value.
    None,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub jurisdiction: String,
    /// The scope prefix the metric was printed with (市区, 县城 …), folded.
    pub scope: Option<String>,
    /// The metric name as printed.
    pub metric: String,
    pub plan: String,
    pub plan_title: String,
    pub task: Option<String>,
    pub task_title: Option<String>,
    pub target: String,
    /// The target as printed.
    pub text: String,
    pub comparator: Comparator,
    pub comparator_label: &'static str,
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub year: Option<i32>,
    pub deadline: Option<Date>,
    pub baseline_value: Option<f64>,
    pub baseline_date: Option<Date>,
    pub baseline_year: Option<i32>,
    pub latest_value: Option<f64>,
    pub latest_date: Option<Date>,
    pub status: TargetStatus,
    pub status_label: &'static str,
    pub symbol: &'static str,
    /// The task's (or plan's) page: relative to the site root for the site's own plans,
    /// absolute (the source's base URL) for a source's.
    pub url: String,
    pub external: bool,
    /// The source's id; `None` for the site's own plans.
    pub source: Option<String>,
    pub basis: Basis,
    /// How the figure is compared, for people (目标值(%), 较基线下降(%), 单位不同 …).
    pub basis_label: String,
    /// The value and latest value in the metric's unit, when the catalogue converted them.
    pub converted_value: Option<f64>,
    pub converted_latest: Option<f64>,
    pub sample: bool,
}

/// One chart: the rows of one basis (and unit) side by side.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub title: String,
    pub unit: String,
    pub basis: Basis,
    pub rows: usize,
    pub svg: String,
}

/// A source as the `sources/` page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    pub id: String,
    pub title: Option<String>,
    pub path: String,
    pub base_url: String,
    pub as_of: Option<Date>,
    pub signed_by: Option<String>,
    pub manifest_sha256: String,
    pub files: usize,
    pub plans: Vec<(String, String)>,
    pub targets: usize,
    pub matched: usize,
}

/// The comparison of the site's own `plans` (derived from `content`) and its sources.
pub fn derive(content: &Content, plans: &[PlanView]) -> Comparison {
    let jurisdictions: BTreeMap<String, String> = content
        .units
        .iter()
        .map(|u| {
            let name = u
                .jurisdiction_name
                .clone()
                .unwrap_or_else(|| u.jurisdiction.clone());
            (u.jurisdiction.clone(), name)
        })
        .collect();
    let enabled = !content.metrics.is_empty() || !content.sources.is_empty();
    let catalogue = Catalogue::new(&content.metrics);
    let mut rows: Vec<Vec<Row>> = vec![Vec::new(); content.metrics.len()];
    let mut add = |metric: Option<&str>, make: &dyn Fn(&Metric, Option<String>, &str) -> Row| {
        let Some(printed) = metric else { return };
        if let Some((m, scope)) = catalogue.find(printed) {
            let i = content
                .metrics
                .iter()
                .position(|x| std::ptr::eq(x, m))
                .unwrap_or(0);
            rows[i].push(make(m, scope, printed));
        }
    };
    for p in plans {
        let place = p
            .plan
            .jurisdiction
            .as_ref()
            .map(|j| jurisdictions.get(j).cloned().unwrap_or_else(|| j.clone()))
            .unwrap_or_else(|| content.site.title.clone());
        for t in p
            .targets
            .iter()
            .chain(p.tasks.iter().flat_map(|t| t.targets.iter()))
        {
            add(t.target.metric.as_deref(), &|m, scope, printed| {
                let tr = &t.tracker;
                let (basis, basis_label, converted_value, converted_latest) = basis(
                    m,
                    t.target.comparator,
                    t.target.value,
                    t.target.unit.as_deref(),
                    tr.latest.map(|l| l.value),
                );
                Row {
                    jurisdiction: place.clone(),
                    scope,
                    metric: printed.to_string(),
                    plan: p.id().to_string(),
                    plan_title: p.plan.title.clone(),
                    task: t.task.clone(),
                    task_title: t.task_title.clone(),
                    target: t.id().to_string(),
                    text: t.target.text.clone(),
                    comparator: t.target.comparator,
                    comparator_label: t.comparator_label,
                    value: t.target.value,
                    unit: t.target.unit.clone(),
                    year: t.target.year,
                    deadline: tr.deadline,
                    baseline_value: tr.baseline.as_ref().map(|b| b.value),
                    baseline_date: tr.baseline.as_ref().and_then(|b| b.date),
                    baseline_year: tr
                        .baseline
                        .as_ref()
                        .and_then(|b| b.year)
                        .or_else(|| t.target.baseline.as_ref().and_then(|b| b.year)),
                    latest_value: tr.latest.map(|l| l.value),
                    latest_date: tr.latest.map(|l| l.date),
                    status: t.status,
                    status_label: t.status_label,
                    symbol: t.symbol,
                    url: t.url.clone(),
                    external: false,
                    source: None,
                    basis,
                    basis_label,
                    converted_value,
                    converted_latest,
                    sample: t.sample,
                }
            });
        }
    }
    for s in &content.sources {
        for p in &s.plans {
            let place = p
                .jurisdiction_name
                .clone()
                .or_else(|| p.jurisdiction.clone())
                .or_else(|| s.title.clone())
                .unwrap_or_else(|| s.id.clone());
            let plan_level = p.targets.iter().map(|t| (t, None));
            let task_level = p
                .tasks
                .iter()
                .flat_map(|task| task.targets.iter().map(move |t| (t, Some(task))));
            for (t, task) in plan_level.chain(task_level) {
                add(t.metric.as_deref(), &|m, scope, printed| {
                    let page = task.map_or(&p.url, |task| &task.url);
                    let status = TargetStatus::ALL
                        .into_iter()
                        .find(|x| x.as_str() == t.status)
                        .unwrap_or(TargetStatus::NoData);
                    let (basis, basis_label, converted_value, converted_latest) =
                        basis(m, t.comparator, t.value, t.unit.as_deref(), t.latest_value);
                    Row {
                        jurisdiction: place.clone(),
                        scope,
                        metric: printed.to_string(),
                        plan: p.id.clone(),
                        plan_title: p.title.clone(),
                        task: task.map(|x| x.id.clone()),
                        task_title: task.map(|x| x.title.clone()),
                        target: t.id.clone(),
                        text: t.text.clone(),
                        comparator: t.comparator,
                        comparator_label: t.comparator.label(),
                        value: t.value,
                        unit: t.unit.clone(),
                        year: t.year,
                        deadline: t.deadline,
                        baseline_value: t.baseline_value,
                        baseline_date: t.baseline_date,
                        baseline_year: t.baseline_year,
                        latest_value: t.latest_value,
                        latest_date: t.latest_date,
                        status,
                        status_label: status.label(),
                        symbol: status.symbol(),
                        url: format!(
                            "{}{}#target-{}",
                            s.base_url,
                            crate::util::url::path_escape(page),
                            crate::util::url::enc(&t.id)
                        ),
                        external: true,
                        source: Some(s.id.clone()),
                        basis,
                        basis_label,
                        converted_value,
                        converted_latest,
                        sample: t.sample,
                    }
                });
            }
        }
    }
    let metrics = content
        .metrics
        .iter()
        .zip(rows)
        .filter(|(_, rows)| !rows.is_empty())
        .map(|(m, rows)| metric_view(m, rows))
        .collect();
    let sources = content
        .sources
        .iter()
        .map(|s| source_view(s, &catalogue))
        .collect();
    Comparison {
        columns: if enabled { &COMPARE_COLUMNS } else { &[] },
        enabled,
        jurisdictions,
        metrics,
        sources,
    }
}

fn source_view(s: &Source, catalogue: &Catalogue) -> SourceView {
    let targets = s.plans.iter().flat_map(|p| {
        p.targets
            .iter()
            .chain(p.tasks.iter().flat_map(|t| t.targets.iter()))
    });
    let (mut all, mut matched) = (0, 0);
    for t in targets {
        all += 1;
        if t.metric
            .as_deref()
            .and_then(|m| catalogue.find(m))
            .is_some()
        {
            matched += 1;
        }
    }
    SourceView {
        id: s.id.clone(),
        title: s.title.clone(),
        path: s.path.clone(),
        base_url: s.base_url.clone(),
        as_of: s.as_of,
        signed_by: s.signed_by.clone(),
        manifest_sha256: s.manifest_sha256.clone(),
        files: s.files,
        plans: s
            .plans
            .iter()
            .map(|p| {
                let url = format!("{}{}", s.base_url, crate::util::url::path_escape(&p.url));
                (p.title.clone(), url)
            })
            .collect(),
        targets: all,
        matched,
    }
}

/// How a target's figure compares: its basis, a label, and the value and latest value
/// converted into the metric's unit when the catalogue says how.
fn basis(
    m: &Metric,
    comparator: Comparator,
    value: Option<f64>,
    unit: Option<&str>,
    latest: Option<f64>,
) -> (Basis, String, Option<f64>, Option<f64>) {
    let unit = unit.map(str::trim).filter(|u| !u.is_empty());
    let Some(_) = value.filter(|v| v.is_finite()) else {
        return (Basis::None, "定性目标,不作数值比较".into(), None, None);
    };
    match comparator {
        Comparator::Qualitative => (Basis::None, "定性目标,不作数值比较".into(), None, None),
        Comparator::DecreaseBy | Comparator::IncreaseBy => {
            let (b, word) = if comparator == Comparator::DecreaseBy {
                (Basis::Decrease, "下降")
            } else {
                (Basis::Increase, "提高")
            };
            if unit.is_none_or(|u| u == "%") {
                (b, format!("较基线{word}幅度(%)"), None, None)
            } else {
                (
                    Basis::OtherUnit,
                    format!("较基线{word}({}),单位不同,单独列出", unit.unwrap_or("")),
                    None,
                    None,
                )
            }
        }
        _ => {
            let own = m.unit.as_deref();
            if own.is_none() || unit == own {
                return (
                    Basis::Level,
                    format!("目标值({})", own.or(unit).unwrap_or("无单位")),
                    None,
                    None,
                );
            }
            if let Some(c) = m.convert.iter().find(|c| Some(c.unit.as_str()) == unit) {
                return (
                    Basis::Level,
                    format!(
                        "目标值({}),由{}按目录换算(×{})",
                        own.unwrap_or(""),
                        c.unit,
                        format_number(c.factor)
                    ),
                    value.map(|v| v * c.factor),
                    latest.map(|v| v * c.factor),
                );
            }
            (
                Basis::OtherUnit,
                format!(
                    "单位{}与目录({})不同,无换算方法,单独列出",
                    unit.map(|u| format!("“{u}”"))
                        .unwrap_or_else(|| "缺失".into()),
                    own.unwrap_or("")
                ),
                None,
                None,
            )
        }
    }
}

fn metric_view(m: &Metric, mut rows: Vec<Row>) -> MetricView {
    // Rows of the same jurisdiction together, in the order jurisdictions first appear.
    let mut order: Vec<String> = Vec::new();
    for r in &rows {
        if !order.contains(&r.jurisdiction) {
            order.push(r.jurisdiction.clone());
        }
    }
    rows.sort_by_key(|r| order.iter().position(|j| *j == r.jurisdiction));
    let charts = charts(m, &rows);
    MetricView {
        id: m.id.clone(),
        name: m.name.clone(),
        aliases: m.aliases.clone(),
        unit: m.unit.clone(),
        direction: m.direction,
        direction_label: m.direction.map(Direction::label),
        code: m.code.clone(),
        description: m.description.clone(),
        url: format!("compare/{}/index.html", m.id),
        compared: order.len() >= 2,
        jurisdictions: order,
        sample: rows.iter().any(|r| r.sample),
        rows,
        charts,
    }
}

/// One chart per basis (per unit for levels in other units), rows in table order.
fn charts(m: &Metric, rows: &[Row]) -> Vec<Chart> {
    let mut groups: BTreeMap<(Basis, String), Vec<&Row>> = BTreeMap::new();
    for r in rows {
        let unit = match r.basis {
            Basis::None => continue,
            Basis::Level => m
                .unit
                .clone()
                .or_else(|| r.unit.clone())
                .unwrap_or_default(),
            Basis::Decrease | Basis::Increase => "%".into(),
            Basis::OtherUnit => r.unit.clone().unwrap_or_default(),
        };
        groups.entry((r.basis, unit)).or_default().push(r);
    }
    groups
        .into_iter()
        .map(|((basis, unit), rows)| {
            let title = match basis {
                Basis::Level => format!("{}:各地目标值与最新值", m.name),
                Basis::Decrease => format!("{}:较基线下降幅度", m.name),
                Basis::Increase => format!("{}:较基线提高幅度", m.name),
                _ => format!("{}:单位为“{unit}”的目标(未与其他单位比较)", m.name),
            };
            let svg = bar_chart(&title, &unit, basis, &rows);
            Chart {
                title,
                unit,
                basis,
                rows: rows.len(),
                svg,
            }
        })
        .collect()
}

const W: f64 = 360.0;
const LEFT: f64 = 8.0;
const RIGHT: f64 = 268.0;
const ROW_H: f64 = 58.0;
const TOP: f64 = 8.0;
const C_TARGET: &str = "#1f4e9c";
const C_LATEST: &str = "#a33a00";
const C_INK: &str = "#333333";
const C_GRID: &str = "#d9d9d9";

/// A horizontal bar per row: the target's figure as a bar, the latest value as a diamond on the
/// same scale, each with its number written out; the row's jurisdiction (and scope) above it.
/// Narrow (360 wide) so that at a phone's width its text is drawn at full size; no script.
fn bar_chart(title: &str, unit: &str, basis: Basis, rows: &[&Row]) -> String {
    let shown = |r: &Row| match basis {
        Basis::Level => (
            r.converted_value.or(r.value),
            r.converted_latest.or(r.latest_value),
        ),
        // A change has no latest level on this scale.
        Basis::Decrease | Basis::Increase => (r.value, None),
        _ => (r.value, r.latest_value),
    };
    let max = rows
        .iter()
        .flat_map(|r| {
            let (v, l) = shown(r);
            [v, l]
        })
        .flatten()
        .filter(|v| v.is_finite())
        .fold(0.0_f64, |a, v| a.max(v.abs()));
    let scale = if max > 0.0 { (RIGHT - LEFT) / max } else { 0.0 };
    let x = |v: f64| LEFT + v.abs().min(max) * scale;
    // Long units (吨标准煤/万元) are in the caption and title only, so labels fit.
    let label_unit = if unit.chars().count() <= 2 { unit } else { "" };
    let height = TOP + ROW_H * rows.len() as f64 + 26.0;
    let mut desc = String::new();
    let mut s = String::new();
    let id = format!(
        "cmp-{:x}",
        crate::util::hash::of(&(title, unit, rows.len())) as u64
    );
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {height}" width="100%" role="img" aria-labelledby="{id}-title {id}-desc" class="compare-chart" font-family="inherit" font-size="14">"#
    );
    let mut body = String::new();
    for (i, r) in rows.iter().enumerate() {
        let y0 = TOP + ROW_H * i as f64;
        let (v, latest) = shown(r);
        let mut label = r.jurisdiction.clone();
        if let Some(scope) = &r.scope {
            label.push_str(" · ");
            label.push_str(scope);
        }
        if let Some(y) = r.year.or(r.deadline.map(|d| d.year())) {
            label.push_str(&format!(" · {y}年"));
        }
        let _ = write!(
            body,
            r#"<text x="{LEFT}" y="{:.1}" fill="{C_INK}">{}</text>"#,
            y0 + 13.0,
            xml_escape(&label)
        );
        let bar_y = y0 + 20.0;
        let _ = write!(desc, "{label}:");
        if let Some(v) = v {
            let w = (x(v) - LEFT).max(1.0);
            let _ = write!(
                body,
                r#"<rect x="{LEFT}" y="{bar_y:.1}" width="{w:.1}" height="14" fill="{C_TARGET}"/><text x="{:.1}" y="{:.1}" fill="{C_INK}">目标 {}{}</text>"#,
                (LEFT + w + 4.0).min(RIGHT + 4.0),
                bar_y + 11.5,
                xml_escape(&format_number(v)),
                xml_escape(label_unit)
            );
            let _ = write!(desc, "目标 {}{}", format_number(v), unit);
        }
        if let Some(l) = latest.filter(|l| l.is_finite()) {
            let cx = x(l);
            let cy = bar_y + 26.0;
            let text = format!("最新 {}{}", format_number(l), label_unit);
            // Right of the marker when it fits, else left of it.
            let (tx, anchor) = if cx + 9.0 + text_width(&text) <= W - 2.0 {
                (cx + 9.0, "start")
            } else {
                (cx - 9.0, "end")
            };
            let _ = write!(
                body,
                r#"<path d="M{:.1} {:.1}l6 6l-6 6l-6 -6z" fill="{C_LATEST}"/><text x="{tx:.1}" y="{:.1}" text-anchor="{anchor}" fill="{C_LATEST}">{}</text>"#,
                cx,
                cy - 6.0,
                cy + 4.5,
                xml_escape(&text)
            );
            let _ = write!(desc, ",最新 {}{}", format_number(l), unit);
            if let Some(d) = r.latest_date {
                let _ = write!(desc, "({d})");
            }
        }
        desc.push('。');
    }
    let _ = write!(
        s,
        r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        xml_escape(title),
        xml_escape(&desc)
    );
    // The zero line and the legend.
    let bottom = TOP + ROW_H * rows.len() as f64;
    let _ = write!(
        s,
        r#"<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom:.1}" stroke="{C_GRID}"/>"#
    );
    s.push_str(&body);
    let _ = write!(
        s,
        r#"<rect x="{LEFT}" y="{:.1}" width="14" height="10" fill="{C_TARGET}"/><text x="{:.1}" y="{:.1}" fill="{C_INK}">目标</text>"#,
        bottom + 8.0,
        LEFT + 20.0,
        bottom + 17.5,
    );
    if rows.iter().any(|r| shown(r).1.is_some()) {
        let _ = write!(
            s,
            r#"<path d="M{:.1} {:.1}l6 6l-6 6l-6 -6z" fill="{C_LATEST}"/><text x="{:.1}" y="{:.1}" fill="{C_INK}">最新值</text>"#,
            LEFT + 80.0,
            bottom + 6.0,
            LEFT + 92.0,
            bottom + 17.5,
        );
    }
    s.push_str("</svg>");
    s
}

/// About how wide `text` is drawn at the chart's 14 px: CJK characters a full em, others about
/// six tenths of one.
fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 8.4 } else { 14.0 })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metric(unit: &str, convert: &[(&str, f64)]) -> Metric {
        Metric {
            id: "m".into(),
            name: "污泥处置能力".into(),
            aliases: Vec::new(),
            unit: Some(unit.into()),
            direction: Some(Direction::Higher),
            code: None,
            description: None,
            convert: convert
                .iter()
                .map(|(u, f)| crate::model::Conversion {
                    unit: u.to_string(),
                    factor: *f,
                })
                .collect(),
            origin: Default::default(),
            alias_origins: Vec::new(),
        }
    }

    #[test]
    fn units_are_converted_only_as_the_catalogue_says_and_otherwise_kept_apart() {
        let m = metric("吨/日", &[("万吨/年", 10000.0 / 365.0)]);
        let at_least = Comparator::AtLeast;
        // Its own unit: a level, as printed.
        let (b, label, v, _) = basis(&m, at_least, Some(1500.0), Some("吨/日"), None);
        assert_eq!((b, v), (Basis::Level, None));
        assert_eq!(label, "目标值(吨/日)");
        // A unit the catalogue converts: a level, converted, and the label says so.
        let (b, label, v, l) = basis(&m, at_least, Some(36.5), Some("万吨/年"), Some(18.25));
        assert_eq!(b, Basis::Level);
        assert!((v.unwrap() - 1000.0).abs() < 1e-9 && (l.unwrap() - 500.0).abs() < 1e-9);
        assert!(label.contains("由万吨/年按目录换算"), "{label}");
        // A unit it does not: apart, never on the same scale.
        let (b, label, v, _) = basis(&m, at_least, Some(3.0), Some("座"), None);
        assert_eq!((b, v), (Basis::OtherUnit, None));
        assert!(label.contains("单独列出"), "{label}");
        // A change against a baseline is not a level; a qualitative target is not charted.
        assert_eq!(
            basis(&m, Comparator::DecreaseBy, Some(10.0), Some("%"), None).0,
            Basis::Decrease
        );
        assert_eq!(
            basis(&m, Comparator::Qualitative, None, None, None).0,
            Basis::None
        );
    }

    #[test]
    fn charts_keep_each_unit_apart_and_escape_their_text() {
        let m = metric("吨/日", &[]);
        let row = |jurisdiction: &str, value: f64, unit: &str| {
            let (basis, basis_label, cv, cl) =
                basis(&m, Comparator::AtLeast, Some(value), Some(unit), None);
            Row {
                jurisdiction: jurisdiction.into(),
                scope: None,
                metric: "污泥处置能力".into(),
                plan: "p".into(),
                plan_title: "规划".into(),
                task: None,
                task_title: None,
                target: "1".into(),
                text: "文本".into(),
                comparator: Comparator::AtLeast,
                comparator_label: Comparator::AtLeast.label(),
                value: Some(value),
                unit: Some(unit.into()),
                year: Some(2025),
                deadline: None,
                baseline_value: None,
                baseline_date: None,
                baseline_year: None,
                latest_value: None,
                latest_date: None,
                status: TargetStatus::NoData,
                status_label: TargetStatus::NoData.label(),
                symbol: TargetStatus::NoData.symbol(),
                url: "plans/p/index.html".into(),
                external: false,
                source: None,
                basis,
                basis_label,
                converted_value: cv,
                converted_latest: cl,
                sample: false,
            }
        };
        let rows = vec![
            row("甲市", 1500.0, "吨/日"),
            row("乙市<script>alert(1)</script>", 900.0, "吨/日"),
            row("丙市", 3.0, "座"),
        ];
        let charts = charts(&m, &rows);
        assert_eq!(charts.len(), 2, "one chart per unit");
        assert_eq!((charts[0].basis, charts[0].rows), (Basis::Level, 2));
        assert_eq!(
            (charts[1].basis, charts[1].unit.as_str()),
            (Basis::OtherUnit, "座")
        );
        let svg = &charts[0].svg;
        assert!(
            svg.contains("乙市&lt;script&gt;") && !svg.contains("<script"),
            "{svg}"
        );
        assert!(!charts[0].svg.contains("丙市") && charts[1].svg.contains("丙市"));
    }

    #[test]
    fn the_bundled_catalogue_compares_at_least_three_metrics_across_cities() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut diags = crate::diagnostics::Diagnostics::new();
        let (data, _) = crate::build::prepare(root, &mut diags).expect("the bundled site loads");
        let compared: Vec<(&str, &[String])> = data
            .compare
            .compared()
            .map(|m| (m.id.as_str(), m.jurisdictions.as_slice()))
            .collect();
        assert!(compared.len() >= 3, "{compared:?}");
        let sewage = data
            .compare
            .metrics
            .iter()
            .find(|m| m.name == "污水处理率")
            .expect("污水处理率");
        assert_eq!(sewage.jurisdictions, ["陇南市", "武汉市"]);
        let scopes: Vec<Option<&str>> = sewage.rows.iter().map(|r| r.scope.as_deref()).collect();
        assert_eq!(scopes, [Some("市区"), Some("县城"), None]);
        let printed: Vec<&str> = sewage.rows.iter().map(|r| r.metric.as_str()).collect();
        assert_eq!(printed, ["市区污水处理率", "县城污水处理率", "污水處理率"]);
        eprintln!("{compared:?}");
    }
}
