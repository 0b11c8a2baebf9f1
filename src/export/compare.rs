//! `data/compare.json` and `data/compare.csv`: the rows of the comparison pages as open data.
//!
//! `compare.json`: `{"generator","version","as_of","metrics":[{"id","name","unit","direction",
//! "code","jurisdictions","rows":[{"jurisdiction","scope","plan","plan_title","task",
//! "task_title","target","text","metric","comparator","value","unit","year","deadline",
//! "baseline","latest","status","basis","converted_value","converted_latest","url","source"}]}],
//! "sources":[{"id","title","base_url","as_of","signed_by","manifest_sha256","files"}]}` —
//! `url` relative to the site root for the site's own plans, absolute for a source's; `source`
//! null for the site's own. `compare.csv` has a row per target with the columns of
//! [`COMPARE_COLUMNS`]. Written only when the site has comparison pages.

use serde::Serialize;

use super::csv_files::{header, num, opt, rows, write_typed};
use crate::derive::compare::{Basis, MetricView, Row, SourceView, COMPARE_COLUMNS};
use crate::derive::SiteData;
use crate::model::{Comparator, Date, Direction};

#[derive(Serialize)]
struct File<'a> {
    generator: &'static str,
    version: u32,
    as_of: Option<Date>,
    metrics: Vec<Metric<'a>>,
    sources: Vec<Source<'a>>,
}

#[derive(Serialize)]
struct Metric<'a> {
    id: &'a str,
    name: &'a str,
    unit: &'a Option<String>,
    direction: Option<Direction>,
    code: &'a Option<String>,
    jurisdictions: &'a [String],
    rows: Vec<JsonRow<'a>>,
}

#[derive(Serialize)]
struct Baseline {
    value: Option<f64>,
    date: Option<Date>,
    year: Option<i32>,
}

#[derive(Serialize)]
struct Latest {
    value: f64,
    date: Option<Date>,
}

#[derive(Serialize)]
struct JsonRow<'a> {
    jurisdiction: &'a str,
    scope: &'a Option<String>,
    plan: &'a str,
    plan_title: &'a str,
    task: &'a Option<String>,
    task_title: &'a Option<String>,
    target: &'a str,
    text: &'a str,
    metric: &'a str,
    comparator: Comparator,
    value: Option<f64>,
    unit: &'a Option<String>,
    year: Option<i32>,
    deadline: Option<Date>,
    baseline: Option<Baseline>,
    latest: Option<Latest>,
    status: &'static str,
    basis: Basis,
    converted_value: Option<f64>,
    converted_latest: Option<f64>,
    url: String,
    source: &'a Option<String>,
}

#[derive(Serialize)]
struct Source<'a> {
    id: &'a str,
    title: &'a Option<String>,
    base_url: &'a str,
    as_of: Option<Date>,
    signed_by: &'a Option<String>,
    manifest_sha256: &'a str,
    files: usize,
}

/// A row's link as the open data gives it: the page without `index.html`.
fn url(r: &Row) -> String {
    if r.external {
        return r.url.clone();
    }
    match r.url.split_once('#') {
        Some((page, anchor)) => format!("{}#{anchor}", crate::util::url::pretty(page)),
        None => crate::util::url::pretty(&r.url),
    }
}

fn json_row(r: &Row) -> JsonRow<'_> {
    let baseline = (r.baseline_value.is_some() || r.baseline_year.is_some()).then_some(Baseline {
        value: r.baseline_value,
        date: r.baseline_date,
        year: r.baseline_year,
    });
    JsonRow {
        jurisdiction: &r.jurisdiction,
        scope: &r.scope,
        plan: &r.plan,
        plan_title: &r.plan_title,
        task: &r.task,
        task_title: &r.task_title,
        target: &r.target,
        text: &r.text,
        metric: &r.metric,
        comparator: r.comparator,
        value: r.value,
        unit: &r.unit,
        year: r.year,
        deadline: r.deadline,
        baseline,
        latest: r.latest_value.map(|value| Latest {
            value,
            date: r.latest_date,
        }),
        status: r.status.as_str(),
        basis: r.basis,
        converted_value: r.converted_value,
        converted_latest: r.converted_latest,
        url: url(r),
        source: &r.source,
    }
}

fn metric(m: &MetricView) -> Metric<'_> {
    Metric {
        id: &m.id,
        name: &m.name,
        unit: &m.unit,
        direction: m.direction,
        code: &m.code,
        jurisdictions: &m.jurisdictions,
        rows: m.rows.iter().map(json_row).collect(),
    }
}

fn source(s: &SourceView) -> Source<'_> {
    Source {
        id: &s.id,
        title: &s.title,
        base_url: &s.base_url,
        as_of: s.as_of,
        signed_by: &s.signed_by,
        manifest_sha256: &s.manifest_sha256,
        files: s.files,
    }
}

/// `data/compare.json`.
pub fn compare_json(data: &SiteData) -> String {
    let file = File {
        generator: "gongkai",
        version: 1,
        as_of: data.as_of,
        metrics: data.compare.metrics.iter().map(metric).collect(),
        sources: data.compare.sources.iter().map(source).collect(),
    };
    let mut s = serde_json::to_string_pretty(&file).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

/// `data/compare.csv` (UTF-8 with BOM, text cells kept from running as formulas).
pub fn compare_csv(data: &SiteData) -> Vec<u8> {
    let mut out = header(&COMPARE_COLUMNS.map(|c| c.0));
    out.extend(rows(|w| {
        for m in &data.compare.metrics {
            for r in &m.rows {
                let basis = serde_json::to_value(r.basis)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                write_typed(
                    w,
                    &COMPARE_COLUMNS,
                    [
                        m.id.as_str(),
                        m.name.as_str(),
                        r.jurisdiction.as_str(),
                        &opt(&r.scope),
                        &opt(&r.source),
                        r.plan.as_str(),
                        &opt(&r.task),
                        r.target.as_str(),
                        r.text.as_str(),
                        r.metric.as_str(),
                        r.comparator.as_str(),
                        &num(r.value),
                        &opt(&r.unit),
                        &opt(&r.year),
                        &opt(&r.deadline),
                        &num(r.baseline_value),
                        &opt(&r.baseline_date),
                        &opt(&r.baseline_year),
                        &num(r.latest_value),
                        &opt(&r.latest_date),
                        r.status.as_str(),
                        &basis,
                        &num(r.converted_value),
                        &num(r.converted_latest),
                        &url(r),
                    ],
                );
            }
        }
    }));
    out
}
