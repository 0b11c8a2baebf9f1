//! Placeholder until the status engine lands (replaced on merge).
use crate::model::{Date, ReportStatus, Target};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    Achieved,
    OnTrack,
    NeedsAcceleration,
    LimitedProgress,
    Deteriorating,
    Missed,
    NoData,
    Qualitative,
}
impl TargetStatus {
    pub const ALL: [TargetStatus; 8] = [
        TargetStatus::Achieved,
        TargetStatus::OnTrack,
        TargetStatus::NeedsAcceleration,
        TargetStatus::LimitedProgress,
        TargetStatus::Deteriorating,
        TargetStatus::Missed,
        TargetStatus::NoData,
        TargetStatus::Qualitative,
    ];
    pub fn as_str(self) -> &'static str {
        [
            "achieved",
            "on_track",
            "needs_acceleration",
            "limited_progress",
            "deteriorating",
            "missed",
            "no_data",
            "qualitative",
        ][self as usize]
    }
    pub fn label(self) -> &'static str {
        [
            "已实现",
            "按计划推进",
            "需加快",
            "进展有限",
            "偏离目标",
            "未按期实现",
            "暂无数据",
            "定性目标",
        ][self as usize]
    }
    pub fn symbol(self) -> &'static str {
        ["✔", "▲", "◆", "●", "▼", "✖", "○", "◇"][self as usize]
    }
}
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    pub value: f64,
    pub date: Date,
}
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tracker {
    pub status: TargetStatus,
    pub latest: Option<Point>,
    pub overdue: bool,
    pub deadline: Option<Date>,
    pub ratio: Option<f64>,
}
pub struct TrackerInput<'a> {
    pub target: &'a Target,
    pub plan_end: Option<i32>,
    pub measures: &'a [(Date, f64)],
    pub latest_report: Option<ReportStatus>,
    pub as_of: Date,
}
pub fn assess(i: &TrackerInput) -> Tracker {
    let latest = i
        .measures
        .iter()
        .filter(|m| m.0 <= i.as_of)
        .max_by_key(|m| m.0)
        .map(|m| Point {
            value: m.1,
            date: m.0,
        });
    Tracker {
        status: if latest.is_some() {
            TargetStatus::OnTrack
        } else {
            TargetStatus::NoData
        },
        latest,
        overdue: false,
        deadline: i.target.year.map(Date::end_of_year),
        ratio: None,
    }
}
