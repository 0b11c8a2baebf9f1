//! The comparison's inputs as loaded: the metrics catalogue (`content/metrics.toml`) and the
//! mirrored portals an aggregator site reads (`[[source]]` in `site.toml`), each verified.

use serde::Serialize;

use super::{Comparator, Date, Origin};

/// Which way a metric is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Higher,
    Lower,
}

impl Direction {
    pub fn label(self) -> &'static str {
        match self {
            Direction::Higher => "越高越好",
            Direction::Lower => "越低越好",
        }
    }
}

/// A unit the catalogue knows how to turn into the metric's own: `value × factor`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conversion {
    pub unit: String,
    pub factor: f64,
}

/// One canonical metric of `content/metrics.toml`.
#[derive(Debug, Clone, Serialize)]
pub struct Metric {
    /// A URL segment: `compare/<id>/`.
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub unit: Option<String>,
    pub direction: Option<Direction>,
    /// The metric's code in a national indicator system (e.g. 生态文明建设示范区指标 7).
    pub code: Option<String>,
    pub description: Option<String>,
    pub convert: Vec<Conversion>,
    #[serde(skip)]
    pub origin: Origin,
    /// Where each alias was written (same order as `aliases`).
    #[serde(skip)]
    pub alias_origins: Vec<Origin>,
}

/// A `[[source]]` of `site.toml`: a mirrored gongkai portal.
#[derive(Debug, Clone, Serialize)]
pub struct SourceSpec {
    pub id: String,
    /// The mirror folder, as written (relative to the project root).
    pub path: String,
    /// The publisher's public key file, as written (relative to the project root).
    pub pubkey: Option<String>,
    /// Replaces the base URL the source's `data/plans.json` names.
    pub base_url: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

/// A source whose mirror passed verification, with what its `data/plans.json` says.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub id: String,
    pub path: String,
    /// The source site's title, as its `plans.json` gives it.
    pub title: Option<String>,
    /// Where the source publishes its pages (http or https, ending in `/`).
    pub base_url: String,
    pub as_of: Option<Date>,
    /// The fingerprint of the key the manifest is signed with (when a `pubkey` was given).
    pub signed_by: Option<String>,
    /// SHA-256 of the mirror's `manifest.json`: names this exact release.
    pub manifest_sha256: String,
    /// Files the manifest lists, all found intact.
    pub files: usize,
    pub plans: Vec<SourcePlan>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourcePlan {
    pub id: String,
    pub title: String,
    pub jurisdiction: Option<String>,
    pub jurisdiction_name: Option<String>,
    /// Relative to the source's site root.
    pub url: String,
    pub targets: Vec<SourceTarget>,
    pub tasks: Vec<SourceTask>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceTask {
    pub id: String,
    pub title: String,
    pub url: String,
    pub targets: Vec<SourceTarget>,
}

/// A target as a source's `plans.json` publishes it.
#[derive(Debug, Clone, Serialize)]
pub struct SourceTarget {
    pub id: String,
    pub text: String,
    pub metric: Option<String>,
    pub year: Option<i32>,
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub comparator: Comparator,
    pub baseline_value: Option<f64>,
    pub baseline_date: Option<Date>,
    pub baseline_year: Option<i32>,
    pub latest_value: Option<f64>,
    pub latest_date: Option<Date>,
    pub deadline: Option<Date>,
    /// As published (`achieved`, `on_track`, …), checked against the known statuses.
    pub status: String,
    /// The source marks the figures as demonstration data.
    pub sample: bool,
    /// Where in the source's `plans.json` the target is (for messages).
    #[serde(skip)]
    pub origin: Origin,
}
