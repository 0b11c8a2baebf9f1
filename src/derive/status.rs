//! Target status (DESIGN §4 ⚑): how far one target has come, as of one date.
//!
//! In: a [`Target`], every measurement of it, the task's latest report status and the `as_of`
//! date (from `site.toml`, never the wall clock). Out: a [`Tracker`] — the status together with
//! every number it was computed from (baseline, latest value, target value, deadline, rates,
//! ratio), so that anyone can recompute it from the published data.
//!
//! The method is the SDG progress measure (Statistics Canada, Open SDG): the yearly compound
//! growth actually achieved since the baseline, divided by the yearly compound growth needed to
//! reach the target on time. `achieved` is checked first, then `missed`, then the ratio bands.
//!
//! This module must never panic, never read the clock, and never put NaN or ±inf into a
//! [`Tracker`]: every division and power is guarded, and numbers that cannot be computed are
//! `None` with a plain Chinese [`Tracker::note`] saying why. Derived numbers are rounded to 12
//! significant digits ([`tidy`]) so float noise (85.58999999999999) never reaches a page or
//! `data/plans.json`, and so two platforms whose `powf` differ in the last bit publish the same
//! bytes; statuses are decided on those published numbers.

use serde::Serialize;

use crate::model::{Comparator, Date, ReportStatus, Target};

/// The status of one target (DESIGN §4). Serialised as its snake_case name (`on_track`).
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

    /// The name used in data files, CSS classes and URLs (same as the serialised form).
    pub fn as_str(self) -> &'static str {
        match self {
            TargetStatus::Achieved => "achieved",
            TargetStatus::OnTrack => "on_track",
            TargetStatus::NeedsAcceleration => "needs_acceleration",
            TargetStatus::LimitedProgress => "limited_progress",
            TargetStatus::Deteriorating => "deteriorating",
            TargetStatus::Missed => "missed",
            TargetStatus::NoData => "no_data",
            TargetStatus::Qualitative => "qualitative",
        }
    }

    /// The label shown to citizens.
    pub fn label(self) -> &'static str {
        match self {
            TargetStatus::Achieved => "已实现",
            TargetStatus::OnTrack => "按计划推进",
            TargetStatus::NeedsAcceleration => "需加快",
            TargetStatus::LimitedProgress => "进展有限",
            TargetStatus::Deteriorating => "偏离目标",
            TargetStatus::Missed => "未按期实现",
            TargetStatus::NoData => "暂无数据",
            TargetStatus::Qualitative => "定性目标",
        }
    }

    /// A text symbol, different for every status, shown beside the label so that a status is
    /// never told by colour alone (greyscale prints, colour-blind readers, screen readers).
    pub fn symbol(self) -> &'static str {
        match self {
            TargetStatus::Achieved => "✔",
            TargetStatus::OnTrack => "▲",
            TargetStatus::NeedsAcceleration => "◆",
            TargetStatus::LimitedProgress => "●",
            TargetStatus::Deteriorating => "▼",
            TargetStatus::Missed => "✖",
            TargetStatus::NoData => "○",
            TargetStatus::Qualitative => "◇",
        }
    }
}

/// Everything needed to assess one target, as of one date.
#[derive(Debug, Clone, Copy)]
pub struct TrackerInput<'a> {
    /// Comparator, value, year and baseline as written in tasks.toml / plan.toml.
    pub target: &'a Target,
    /// The plan period's end year: the deadline when the target has no year of its own.
    pub plan_end: Option<i32>,
    /// Every measurement of this target, in any order; those dated after `as_of` are ignored.
    pub measures: &'a [(Date, f64)],
    /// The status of the task's latest report on or before `as_of` (qualitative targets only).
    pub latest_report: Option<ReportStatus>,
    pub as_of: Date,
}

/// Where the baseline of a tracker came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BaselineSource {
    /// The `baseline` value written in tasks.toml.
    Declared,
    /// No baseline value was written: the earliest measurement serves as the baseline.
    EarliestMeasurement,
    /// `decrease_by`/`increase_by` with only a baseline year: a measurement dated in that year.
    MeasurementInBaselineYear,
}

/// The baseline a tracker actually used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BaselineUsed {
    pub value: f64,
    /// The date the growth is counted from (for a declared baseline with only a year, the end of
    /// that year). `None` when the declared baseline has neither date nor year.
    pub date: Option<Date>,
    /// The baseline year as written in tasks.toml, if any.
    pub year: Option<i32>,
    pub source: BaselineSource,
}

/// One measurement: a value and the date it speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    pub value: f64,
    pub date: Date,
}

/// A target's status and every input it was computed from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tracker {
    pub status: TargetStatus,
    pub baseline: Option<BaselineUsed>,
    /// The newest measurement on or before `as_of`.
    pub latest: Option<Point>,
    /// The value to reach, `T` (for `decrease_by`/`increase_by`: `b·(1 ∓ x/100)`).
    pub target_value: Option<f64>,
    /// The end of the target year (or of the plan period).
    pub deadline: Option<Date>,
    /// The yearly compound growth rate needed from the baseline to reach `T` at the deadline.
    /// `None` when the linear fallback was used (see [`assess`]).
    pub required_rate: Option<f64>,
    /// The yearly compound growth rate achieved from the baseline to the latest measurement.
    pub actual_rate: Option<f64>,
    /// `actual_rate / required_rate` (or the linear ratio, see [`assess`]).
    pub ratio: Option<f64>,
    /// The deadline passed without any measurement (or, for qualitative targets, any report);
    /// the status is then `no_data`, not `missed`.
    pub overdue: bool,
    /// A plain Chinese sentence explaining anything not obvious from the numbers.
    pub note: Option<String>,
}

/// Assess one target as of `input.as_of` (DESIGN §4).
///
/// Order of the rules: `achieved` (latest value meets the target, comparator respected), then
/// `missed` (`as_of` after the deadline, not met), then the ratio bands: `on_track` ≥ 0.95,
/// `needs_acceleration` [0.60, 0.95), `limited_progress` [0, 0.60), `deteriorating` < 0.
/// With baseline `b` at `t0`, latest `v` at `t`, target `T` at deadline `D`, years counted as
/// days / 365.25:
///
/// ```text
/// required = (T/b)^(1/(D−t0)) − 1      actual = (v/b)^(1/(t−t0)) − 1      ratio = actual / required
/// ```
///
/// Cases the formula does not cover, decided here:
/// - **`b`, `v` or `T` zero or negative** (a target "降至0", a balance that can be negative):
///   compound growth is undefined, so the ratio is the linear one — the share of the distance
///   covered divided by the share of the time elapsed, `((v−b)/(T−b)) / ((t−t0)/(D−t0))`. The
///   rates are then `None` and the note says so. The same fallback is used if the compound
///   rates overflow (a deadline days after the baseline) or round to zero.
/// - **baseline already meets the target** (`required` would be 0 or point the wrong way):
///   `achieved` if the latest value meets it too, otherwise `deteriorating` without a ratio.
/// - **latest measurement on (or before) the baseline date**: no time has elapsed, so there is
///   no ratio: `no_data` with a note (unless achieved or missed).
/// - **`=` targets**: achieved within ±2 % of `T`; otherwise the `>=` formula when the baseline
///   is below `T`, the `<=` formula when above.
/// - **no deadline** (no target year, no plan period): only `achieved` or `no_data`.
/// - **several measurements on one date**: the larger value counts as the later one, so the
///   result does not depend on the order of `measures`. Measurements with a non-finite value
///   are ignored.
pub fn assess(input: &TrackerInput) -> Tracker {
    let target = input.target;
    let deadline = target.year.or(input.plan_end).map(Date::end_of_year);
    let past_deadline = deadline.is_some_and(|d| input.as_of > d);
    if target.comparator == Comparator::Qualitative {
        return assess_qualitative(input.latest_report, deadline, past_deadline);
    }

    let mut notes = Notes::default();
    let points = usable_points(input.measures, input.as_of);
    let latest = points.last().copied();
    let baseline = resolve_baseline(target, &points, &mut notes);
    let target_value = resolve_target_value(target, baseline.as_ref(), &mut notes);

    let progress = match (&baseline, latest, target_value, deadline) {
        (Some(b), Some(v), Some(t), Some(d)) => Some(progress(target.comparator, b, v, t, d)),
        _ => None,
    };
    let rates = progress.as_ref().and_then(|p| p.as_ref().ok());

    let mut overdue = false;
    let status = 'decide: {
        let Some(latest) = latest else {
            if past_deadline {
                overdue = true;
                notes.push("已过期限但无测量数据");
            } else {
                notes.push("暂无测量数据");
            }
            break 'decide TargetStatus::NoData;
        };
        let Some(t_value) = target_value else {
            break 'decide TargetStatus::NoData;
        };
        if meets(target.comparator, latest.value, t_value) {
            break 'decide TargetStatus::Achieved;
        }
        if deadline.is_none() {
            notes.push("无目标年份和规划期末年份，只判断是否已实现");
            break 'decide TargetStatus::NoData;
        }
        if past_deadline {
            break 'decide TargetStatus::Missed;
        }
        match &progress {
            Some(Ok(rates)) => band(rates.ratio),
            Some(Err(NoRatio::BaselineAlreadyMet)) => {
                notes.push(NoRatio::BaselineAlreadyMet.note());
                TargetStatus::Deteriorating
            }
            Some(Err(why)) => {
                notes.push(why.note());
                TargetStatus::NoData
            }
            None => {
                notes.push("无基线值，无法计算进展比率");
                TargetStatus::NoData
            }
        }
    };

    if let Some(rates) = rates {
        if rates.linear {
            notes.push(
                "基线值、最新值或目标值不为正，复合增长率无定义，\
                 改用线性比率：(最新值−基线值)/(目标值−基线值) ÷ 已过时间占全程的比例",
            );
        }
        if target.comparator == Comparator::Equal && status == TargetStatus::OnTrack {
            if let (Some(b), Some(v), Some(t)) = (&baseline, latest, target_value) {
                if (b.value < t && v.value > t) || (b.value > t && v.value < t) {
                    notes.push("最新值已越过目标值，超出±2%的允许范围");
                }
            }
        }
    }

    Tracker {
        status,
        baseline,
        latest,
        target_value,
        deadline,
        required_rate: rates.and_then(|r| r.required),
        actual_rate: rates.and_then(|r| r.actual),
        ratio: rates.map(|r| r.ratio),
        overdue,
        note: notes.finish(),
    }
}

/// The ratio bands of DESIGN §4.
fn band(ratio: f64) -> TargetStatus {
    if ratio >= 0.95 {
        TargetStatus::OnTrack
    } else if ratio >= 0.60 {
        TargetStatus::NeedsAcceleration
    } else if ratio >= 0.0 {
        TargetStatus::LimitedProgress
    } else {
        TargetStatus::Deteriorating
    }
}

/// Qualitative targets follow the task's latest report. A deadline passed without any report
/// is `no_data` + overdue (as for numeric targets without measurements), not `missed`: there is
/// nothing to say the work was not done.
fn assess_qualitative(
    report: Option<ReportStatus>,
    deadline: Option<Date>,
    past_deadline: bool,
) -> Tracker {
    let mut overdue = false;
    let (status, note) = match report {
        Some(ReportStatus::Completed) => (TargetStatus::Achieved, "最新报告状态：已完成".into()),
        None if past_deadline => {
            overdue = true;
            (TargetStatus::NoData, "已过期限但无进展报告".to_string())
        }
        None => (TargetStatus::NoData, "暂无进展报告".to_string()),
        Some(s) if past_deadline => (
            TargetStatus::Missed,
            format!("已过期限，最新报告状态：{}", s.label()),
        ),
        Some(s) => (
            TargetStatus::Qualitative,
            format!("最新报告状态：{}", s.label()),
        ),
    };
    Tracker {
        status,
        baseline: None,
        latest: None,
        target_value: None,
        deadline,
        required_rate: None,
        actual_rate: None,
        ratio: None,
        overdue,
        note: Some(note),
    }
}

/// Measurements on or before `as_of` with a finite value, oldest first; ties on a date broken by
/// value so the order of the input never matters.
fn usable_points(measures: &[(Date, f64)], as_of: Date) -> Vec<Point> {
    let mut points: Vec<Point> = measures
        .iter()
        .filter(|(date, value)| *date <= as_of && value.is_finite())
        .map(|&(date, value)| Point { value, date })
        .collect();
    points.sort_by(|a, b| a.date.cmp(&b.date).then(a.value.total_cmp(&b.value)));
    points
}

fn resolve_baseline(target: &Target, points: &[Point], notes: &mut Notes) -> Option<BaselineUsed> {
    let declared = target.baseline.as_ref();
    if let Some(b) = declared {
        if let Some(value) = b.value.filter(|v| v.is_finite()) {
            let date = b.date.or_else(|| {
                b.year.map(|y| {
                    notes.push(format!("基线日期按{y}年年末计"));
                    Date::end_of_year(y)
                })
            });
            return Some(BaselineUsed {
                value,
                date,
                year: b.year,
                source: BaselineSource::Declared,
            });
        }
    }
    if matches!(
        target.comparator,
        Comparator::DecreaseBy | Comparator::IncreaseBy
    ) {
        let year = declared.and_then(|b| b.year.or(b.date.map(|d| d.year())));
        if let Some(year) = year {
            // The newest measurement of that year: an annual figure is the year-end one.
            return match points.iter().rev().find(|p| p.date.year() == year) {
                Some(p) => {
                    notes.push(format!("基线取{year}年内的测量值（{}）", p.date));
                    Some(BaselineUsed {
                        value: p.value,
                        date: Some(p.date),
                        year: Some(year),
                        source: BaselineSource::MeasurementInBaselineYear,
                    })
                }
                None => {
                    notes.push(format!("基线年份（{year}年）无测量数据，无法确定目标值"));
                    None
                }
            };
        }
    }
    let first = points.first()?;
    notes.push("无基线值，以最早的测量值为基线");
    Some(BaselineUsed {
        value: first.value,
        date: Some(first.date),
        year: None,
        source: BaselineSource::EarliestMeasurement,
    })
}

fn resolve_target_value(
    target: &Target,
    baseline: Option<&BaselineUsed>,
    notes: &mut Notes,
) -> Option<f64> {
    let Some(x) = target.value.filter(|v| v.is_finite()) else {
        notes.push("未给出目标值");
        return None;
    };
    let factor = match target.comparator {
        Comparator::DecreaseBy => 1.0 - x / 100.0,
        Comparator::IncreaseBy => 1.0 + x / 100.0,
        _ => return Some(x),
    };
    let t = tidy(baseline?.value * factor);
    t.is_finite().then_some(t)
}

/// Whether `v` meets the target `t` for this comparator. For `=`, within ±2 % of `t`
/// (compared after [`tidy`], so 98 ± 1.96 is inside, not lost to float noise).
fn meets(comparator: Comparator, v: f64, t: f64) -> bool {
    match comparator {
        Comparator::AtLeast | Comparator::IncreaseBy => v >= t,
        Comparator::AtMost | Comparator::DecreaseBy => v <= t,
        Comparator::Equal => tidy((v - t).abs()) <= tidy(0.02 * t.abs()),
        Comparator::Qualitative => false,
    }
}

/// The rates and ratio of a tracker; all finite and tidied.
#[derive(Debug, Clone, Copy)]
struct Rates {
    required: Option<f64>,
    actual: Option<f64>,
    ratio: f64,
    /// The linear fallback was used (`required`/`actual` are then `None`).
    linear: bool,
}

/// Why a ratio could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NoRatio {
    NoBaselineDate,
    NoElapsedTime,
    LatestBeforeBaseline,
    DeadlineNotAfterBaseline,
    BaselineAlreadyMet,
    OutOfRange,
}

impl NoRatio {
    fn note(self) -> &'static str {
        match self {
            NoRatio::NoBaselineDate => "基线未注明日期或年份，无法计算进展比率",
            NoRatio::NoElapsedTime => "最新测量与基线同日，尚无可比较的进展",
            NoRatio::LatestBeforeBaseline => "最新测量早于基线日期，无法计算进展比率",
            NoRatio::DeadlineNotAfterBaseline => "期限不晚于基线日期，无法计算进展比率",
            NoRatio::BaselineAlreadyMet => "基线值已达到目标，但最新值未达到目标",
            NoRatio::OutOfRange => "数值超出可计算范围，无法计算进展比率",
        }
    }
}

fn progress(
    comparator: Comparator,
    baseline: &BaselineUsed,
    latest: Point,
    t: f64,
    deadline: Date,
) -> Result<Rates, NoRatio> {
    let (b, v) = (baseline.value, latest.value);
    let t0 = baseline.date.ok_or(NoRatio::NoBaselineDate)?;
    let elapsed = latest.date.years_since(t0);
    if latest.date == t0 {
        return Err(NoRatio::NoElapsedTime);
    }
    if elapsed <= 0.0 {
        return Err(NoRatio::LatestBeforeBaseline);
    }
    let total = deadline.years_since(t0);
    if total <= 0.0 {
        return Err(NoRatio::DeadlineNotAfterBaseline);
    }
    let upward = match comparator {
        Comparator::AtLeast | Comparator::IncreaseBy => true,
        Comparator::AtMost | Comparator::DecreaseBy => false,
        // `=`: whichever side the baseline lies on (on the target itself: already met).
        Comparator::Equal | Comparator::Qualitative => b < t,
    };
    if (upward && b >= t) || (!upward && b <= t) {
        return Err(NoRatio::BaselineAlreadyMet);
    }

    if b > 0.0 && v > 0.0 && t > 0.0 {
        let required = (t / b).powf(1.0 / total) - 1.0;
        let actual = (v / b).powf(1.0 / elapsed) - 1.0;
        let ratio = actual / required;
        if required != 0.0 && required.is_finite() && actual.is_finite() && ratio.is_finite() {
            return Ok(Rates {
                required: Some(tidy(required)),
                actual: Some(tidy(actual)),
                ratio: tidy(ratio),
                linear: false,
            });
        }
    }
    // Linear fallback: share of the distance covered over share of the time elapsed.
    let ratio = ((v - b) / (t - b)) / (elapsed / total);
    if ratio.is_finite() {
        Ok(Rates {
            required: None,
            actual: None,
            ratio: tidy(ratio),
            linear: true,
        })
    } else {
        Err(NoRatio::OutOfRange)
    }
}

/// Round a derived number to 12 significant digits (and −0 to 0), so float noise never reaches
/// the output and last-bit differences between platforms' `powf` vanish. Exact for every value
/// a person would write (95.1, 0.95).
pub(crate) fn tidy(x: f64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    if x == 0.0 {
        return 0.0;
    }
    // The double nearest a decimal of at most 12 digits rounds back to itself; most values are
    // figures as written, so skip the formatter and parser for them.
    if short_decimal(x).is_some_and(|(n, _)| n.unsigned_abs() < 1_000_000_000_000) {
        return x;
    }
    let rounded: f64 = format!("{x:.11e}").parse().unwrap_or(x);
    if rounded == 0.0 {
        0.0
    } else {
        rounded
    }
}

/// `x` as the decimal `n / 10^d` with the fewest decimals `d` (at most 6), when `x` is the
/// double nearest that decimal and |x| < 1e9 — every figure a person writes (96.8, 2025, 0.35).
/// Such a decimal is the only one of at most 6 decimals that rounds to `x` (doubles that size
/// are far closer together than 10⁻⁶), so it is also the shortest text that reads back as `x`.
pub(crate) fn short_decimal(x: f64) -> Option<(i64, u32)> {
    if x.is_nan() || x.abs() >= 1e9 {
        return None;
    }
    let mut scale = 1.0;
    for d in 0..=6 {
        let n = (x * scale).round();
        // Both operands are exact, and division rounds correctly: this is the double nearest
        // n / 10^d, as parsing its decimal text would give.
        if n / scale == x {
            return Some((n as i64, d));
        }
        scale *= 10.0;
    }
    None
}

/// Notes collected while assessing, joined into one sentence in the order they arose.
#[derive(Default)]
struct Notes(Vec<String>);

impl Notes {
    fn push(&mut self, note: impl Into<String>) {
        let note = note.into();
        if !self.0.contains(&note) {
            self.0.push(note);
        }
    }

    fn finish(self) -> Option<String> {
        (!self.0.is_empty()).then(|| self.0.join("；"))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{Baseline, Origin, TargetId};

    fn d(s: &str) -> Date {
        Date::parse(s).expect("test date")
    }

    /// Figures as written, float noise, rates and extremes, both signs.
    pub(crate) fn number_samples() -> Vec<f64> {
        let mut xs = vec![
            0.1 + 0.2,
            85.58999999999999,
            1.0 / 3.0,
            2f64.powf(0.5),
            0.000_001,
            1e-7,
            999_999_999.9,
            1e9,
            123_456_789_012.5,
            1e300,
            f64::MIN_POSITIVE,
            0.05,
            0.15,
            0.25,
            2.5,
            1.005,
        ];
        for i in 0..20_000 {
            let i = f64::from(i);
            xs.extend([
                i,
                i / 10.0,
                i / 100.0,
                i / 1000.0,
                i * 0.1,
                i * 0.37,
                i / 7.0,
            ]);
            xs.push(1.0 + i * 1e-6);
            xs.push((1.0 + i / 1000.0).powf(0.37) - 1.0);
        }
        let negated: Vec<f64> = xs.iter().map(|x| -x).collect();
        xs.extend(negated);
        xs
    }

    #[test]
    fn tidy_gives_what_rounding_through_text_gives() {
        let by_text = |x: f64| -> f64 {
            let r: f64 = format!("{x:.11e}").parse().unwrap_or(x);
            if r == 0.0 {
                0.0
            } else {
                r
            }
        };
        for x in number_samples() {
            assert_eq!(tidy(x).to_bits(), by_text(x).to_bits(), "{x:e}");
        }
    }

    fn target(comparator: Comparator, value: Option<f64>, year: Option<i32>) -> Target {
        Target {
            id: TargetId("1-1".into()),
            text: "到2025年,污水处理率达到98%以上".into(),
            metric: Some("污水处理率".into()),
            year,
            value,
            unit: Some("%".into()),
            comparator,
            baseline: None,
            origin: Origin::default(),
        }
    }

    fn with_baseline(
        mut t: Target,
        value: Option<f64>,
        date: Option<&str>,
        year: Option<i32>,
    ) -> Target {
        t.baseline = Some(Baseline {
            value,
            date: date.map(d),
            year,
            source: None,
        });
        t
    }

    fn run(t: &Target, measures: &[(Date, f64)], as_of: &str) -> Tracker {
        assess(&TrackerInput {
            target: t,
            plan_end: None,
            measures,
            latest_report: None,
            as_of: d(as_of),
        })
    }

    // Exact band boundaries. The dates make the years exact: 2017-12-31 → 2025-12-31 is 2922
    // days = 8.0 years, 2017-12-31 → 2021-12-31 is 1461 days = 4.0 years, so the exponents are
    // 1/8 and 1/4 and, with perfect powers, every power below is exact in binary floating point.

    /// `>=`: b = 1, T = 21^8 → required = 21 − 1 = 20; v = (1 + a)^4 → actual = a.
    fn at_least_with_latest(v: f64) -> Tracker {
        let t = with_baseline(
            target(Comparator::AtLeast, Some(37_822_859_361.0), Some(2025)),
            Some(1.0),
            Some("2017-12-31"),
            None,
        );
        run(&t, &[(d("2021-12-31"), v)], "2022-06-30")
    }

    #[test]
    fn at_least_ratio_exactly_095_is_on_track() {
        let tr = at_least_with_latest(160_000.0); // 20^4 → actual 19, ratio 19/20
        assert_eq!(tr.required_rate, Some(20.0));
        assert_eq!(tr.actual_rate, Some(19.0));
        assert_eq!(tr.ratio, Some(0.95));
        assert_eq!(tr.status, TargetStatus::OnTrack);
    }

    #[test]
    fn at_least_ratio_just_below_095_needs_acceleration() {
        let tr = at_least_with_latest(159_999.0);
        assert!(tr.ratio.unwrap() < 0.95 && tr.ratio.unwrap() > 0.9499);
        assert_eq!(tr.status, TargetStatus::NeedsAcceleration);
    }

    #[test]
    fn at_least_ratio_exactly_060_needs_acceleration() {
        let tr = at_least_with_latest(28_561.0); // 13^4 → actual 12, ratio 12/20
        assert_eq!(tr.ratio, Some(0.6));
        assert_eq!(tr.status, TargetStatus::NeedsAcceleration);
    }

    #[test]
    fn at_least_ratio_just_below_060_is_limited_progress() {
        let tr = at_least_with_latest(28_560.0);
        assert!(tr.ratio.unwrap() < 0.6 && tr.ratio.unwrap() > 0.5999);
        assert_eq!(tr.status, TargetStatus::LimitedProgress);
    }

    #[test]
    fn at_least_ratio_exactly_zero_is_limited_progress() {
        let tr = at_least_with_latest(1.0);
        assert_eq!(tr.ratio, Some(0.0));
        assert_eq!(tr.status, TargetStatus::LimitedProgress);
    }

    #[test]
    fn at_least_ratio_just_below_zero_is_deteriorating() {
        let tr = at_least_with_latest(0.999);
        assert!(tr.ratio.unwrap() < 0.0);
        assert_eq!(tr.status, TargetStatus::Deteriorating);
    }

    /// `<=`: b = 2^32, T = 1 → required = 1/16 − 1 = −15/16; v = b·p^4 → actual = p − 1.
    fn at_most_with_latest(v: f64) -> Tracker {
        let t = with_baseline(
            target(Comparator::AtMost, Some(1.0), Some(2025)),
            Some(4_294_967_296.0),
            Some("2017-12-31"),
            None,
        );
        run(&t, &[(d("2021-12-31"), v)], "2022-06-30")
    }

    #[test]
    fn at_most_ratio_exactly_095_is_on_track() {
        // p = 7/64: actual = −57/64, ratio = (57/64)/(15/16) = 57/60 = 0.95
        let tr = at_most_with_latest(614_656.0);
        assert_eq!(tr.required_rate, Some(-0.9375));
        assert_eq!(tr.actual_rate, Some(-0.890625));
        assert_eq!(tr.ratio, Some(0.95));
        assert_eq!(tr.status, TargetStatus::OnTrack);
    }

    #[test]
    fn at_most_ratio_just_below_095_needs_acceleration() {
        let tr = at_most_with_latest(614_657.0);
        assert!(tr.ratio.unwrap() < 0.95 && tr.ratio.unwrap() > 0.9499);
        assert_eq!(tr.status, TargetStatus::NeedsAcceleration);
    }

    #[test]
    fn at_most_ratio_exactly_060_needs_acceleration() {
        // p = 7/16: actual = −9/16, ratio = (9/16)/(15/16) = 0.6
        let tr = at_most_with_latest(157_351_936.0);
        assert_eq!(tr.ratio, Some(0.6));
        assert_eq!(tr.status, TargetStatus::NeedsAcceleration);
    }

    #[test]
    fn at_most_ratio_just_below_060_is_limited_progress() {
        let tr = at_most_with_latest(157_351_937.0);
        assert!(tr.ratio.unwrap() < 0.6 && tr.ratio.unwrap() > 0.5999);
        assert_eq!(tr.status, TargetStatus::LimitedProgress);
    }

    #[test]
    fn at_most_ratio_exactly_zero_is_limited_progress_not_minus_zero() {
        let tr = at_most_with_latest(4_294_967_296.0); // 0 / negative = −0.0, published as 0
        assert_eq!(tr.ratio, Some(0.0));
        assert!(tr.ratio.unwrap().is_sign_positive());
        assert_eq!(tr.status, TargetStatus::LimitedProgress);
    }

    #[test]
    fn at_most_ratio_just_below_zero_is_deteriorating() {
        let tr = at_most_with_latest(4_294_967_297.0);
        assert!(tr.ratio.unwrap() < 0.0);
        assert_eq!(tr.status, TargetStatus::Deteriorating);
    }

    #[test]
    fn bands_split_at_next_representable_values() {
        let below = |x: f64| f64::from_bits(x.to_bits() - 1);
        assert_eq!(band(0.95), TargetStatus::OnTrack);
        assert_eq!(band(below(0.95)), TargetStatus::NeedsAcceleration);
        assert_eq!(band(0.60), TargetStatus::NeedsAcceleration);
        assert_eq!(band(below(0.60)), TargetStatus::LimitedProgress);
        assert_eq!(band(0.0), TargetStatus::LimitedProgress);
        assert_eq!(band(-f64::MIN_POSITIVE), TargetStatus::Deteriorating);
    }

    #[test]
    fn decrease_by_with_declared_baseline_value_matches_hand_computation() {
        // b = 100 at 2020-12-31, −10 % by 2025 → T = 90 at D = 2025-12-31.
        // D − t0 = 1826 days = 4.999315537 years; t − t0 = 730 days = 1.998631075 years.
        // required = 0.9^(1/4.999315537) − 1 = −0.020854462486
        // actual   = 0.96^(1/1.998631075) − 1 = −0.020217800470
        // ratio    = 0.969471185515 → on_track
        let t = with_baseline(
            target(Comparator::DecreaseBy, Some(10.0), Some(2025)),
            Some(100.0),
            Some("2020-12-31"),
            None,
        );
        let tr = run(&t, &[(d("2022-12-31"), 96.0)], "2023-03-31");
        assert_eq!(tr.target_value, Some(90.0));
        assert_eq!(
            tr.baseline.as_ref().unwrap().source,
            BaselineSource::Declared
        );
        assert!((tr.required_rate.unwrap() - -0.020854462486).abs() < 1e-11);
        assert!((tr.actual_rate.unwrap() - -0.020217800470).abs() < 1e-11);
        assert!((tr.ratio.unwrap() - 0.969471185515).abs() < 1e-11);
        assert_eq!(tr.status, TargetStatus::OnTrack);
        assert_eq!(tr.note, None);
    }

    #[test]
    fn decrease_by_target_value_has_no_float_noise_and_is_achieved_when_reached() {
        let t = with_baseline(
            target(Comparator::DecreaseBy, Some(10.0), Some(2025)),
            Some(95.1),
            Some("2021-12-31"),
            None,
        );
        let tr = run(&t, &[(d("2024-12-31"), 85.59)], "2025-01-31");
        assert_eq!(tr.target_value, Some(85.59));
        assert_eq!(tr.status, TargetStatus::Achieved);
    }

    #[test]
    fn decrease_by_with_only_baseline_year_takes_a_measurement_of_that_year() {
        let t = with_baseline(
            target(Comparator::DecreaseBy, Some(10.0), Some(2025)),
            None,
            None,
            Some(2023),
        );
        let m = [
            (d("2022-12-31"), 130.0),
            (d("2023-06-30"), 110.0),
            (d("2023-12-31"), 100.0),
            (d("2024-12-31"), 97.0),
        ];
        let tr = run(&t, &m, "2025-03-31");
        let b = tr.baseline.clone().unwrap();
        assert_eq!(b.source, BaselineSource::MeasurementInBaselineYear);
        assert_eq!(
            (b.value, b.date, b.year),
            (100.0, Some(d("2023-12-31")), Some(2023))
        );
        assert_eq!(tr.target_value, Some(90.0));
        assert!(tr.ratio.is_some());
        assert!(tr.note.unwrap().contains("2023年内"));
    }

    #[test]
    fn decrease_by_with_only_baseline_year_and_no_measurement_then_is_no_data() {
        let t = with_baseline(
            target(Comparator::DecreaseBy, Some(10.0), Some(2025)),
            None,
            None,
            Some(2023),
        );
        let tr = run(&t, &[(d("2024-12-31"), 50.0)], "2025-03-31");
        assert_eq!(tr.status, TargetStatus::NoData);
        assert_eq!(tr.baseline, None);
        assert_eq!(tr.target_value, None);
        assert_eq!(tr.latest.unwrap().value, 50.0);
        assert!(!tr.overdue);
        assert!(tr.note.unwrap().contains("2023年"));
    }

    #[test]
    fn without_baseline_the_earliest_measurement_is_the_baseline() {
        let t = target(Comparator::AtLeast, Some(98.0), Some(2025));
        let m = [(d("2023-12-31"), 96.0), (d("2021-12-31"), 95.0)];
        let tr = run(&t, &m, "2024-01-01");
        let b = tr.baseline.clone().unwrap();
        assert_eq!(b.source, BaselineSource::EarliestMeasurement);
        assert_eq!((b.value, b.date), (95.0, Some(d("2021-12-31"))));
        assert_eq!(
            tr.latest,
            Some(Point {
                value: 96.0,
                date: d("2023-12-31")
            })
        );
        assert!(tr.ratio.is_some());
        assert_eq!(tr.note.as_deref(), Some("无基线值，以最早的测量值为基线"));
    }

    #[test]
    fn a_single_measurement_as_baseline_gives_no_ratio() {
        let t = target(Comparator::AtLeast, Some(98.0), Some(2025));
        let tr = run(&t, &[(d("2023-12-31"), 96.0)], "2024-01-01");
        assert_eq!(tr.status, TargetStatus::NoData);
        assert_eq!(tr.ratio, None);
        assert!(tr.note.unwrap().contains("同日"));
    }

    #[test]
    fn equal_target_within_two_percent_is_achieved() {
        let t = with_baseline(
            target(Comparator::Equal, Some(98.0), Some(2025)),
            Some(90.0),
            Some("2021-12-31"),
            None,
        );
        for v in [96.04, 98.0, 99.96] {
            let tr = run(&t, &[(d("2023-12-31"), v)], "2024-01-01");
            assert_eq!(tr.status, TargetStatus::Achieved, "v = {v}");
        }
    }

    #[test]
    fn equal_target_outside_two_percent_uses_the_side_of_the_baseline() {
        // Baseline below T: the `>=` formula, so moving up is progress…
        let below = with_baseline(
            target(Comparator::Equal, Some(100.0), Some(2025)),
            Some(80.0),
            Some("2021-12-31"),
            None,
        );
        let tr = run(&below, &[(d("2023-12-31"), 90.0)], "2024-01-01");
        assert!(tr.required_rate.unwrap() > 0.0);
        assert_eq!(tr.status, TargetStatus::OnTrack);
        let tr = run(&below, &[(d("2023-12-31"), 75.0)], "2024-01-01");
        assert_eq!(tr.status, TargetStatus::Deteriorating);
        // …baseline above T: the `<=` formula, so moving down is progress.
        let above = with_baseline(
            target(Comparator::Equal, Some(100.0), Some(2025)),
            Some(120.0),
            Some("2021-12-31"),
            None,
        );
        let tr = run(&above, &[(d("2023-12-31"), 110.0)], "2024-01-01");
        assert!(tr.required_rate.unwrap() < 0.0);
        assert_eq!(tr.status, TargetStatus::OnTrack);
        // And past the deadline, outside ±2 % is missed.
        let tr = run(&above, &[(d("2025-12-31"), 103.0)], "2026-01-31");
        assert_eq!(tr.status, TargetStatus::Missed);
    }

    #[test]
    fn deadline_passed_with_a_measurement_not_met_is_missed() {
        let t = with_baseline(
            target(Comparator::AtLeast, Some(98.0), Some(2025)),
            Some(95.0),
            Some("2021-12-31"),
            None,
        );
        let tr = run(&t, &[(d("2025-12-31"), 97.0)], "2026-03-31");
        assert_eq!(tr.status, TargetStatus::Missed);
        assert!(!tr.overdue);
    }

    #[test]
    fn deadline_passed_without_a_measurement_is_overdue_no_data() {
        let t = with_baseline(
            target(Comparator::AtLeast, Some(98.0), Some(2025)),
            Some(95.0),
            Some("2021-12-31"),
            None,
        );
        let tr = run(&t, &[], "2026-03-31");
        assert_eq!(tr.status, TargetStatus::NoData);
        assert!(tr.overdue);
        assert_eq!(tr.note.as_deref(), Some("已过期限但无测量数据"));
        // On the deadline itself it is not yet passed.
        let tr = run(&t, &[], "2025-12-31");
        assert!(!tr.overdue);
    }

    #[test]
    fn achieved_is_checked_before_missed() {
        let t = target(Comparator::AtMost, Some(10.0), Some(2025));
        let tr = run(&t, &[(d("2026-02-01"), 9.0)], "2026-03-31");
        assert_eq!(tr.status, TargetStatus::Achieved);
    }

    #[test]
    fn target_without_year_takes_plan_end_as_deadline() {
        let t = with_baseline(
            target(Comparator::AtLeast, Some(98.0), None),
            Some(95.0),
            Some("2021-12-31"),
            None,
        );
        let measures = [(d("2025-12-31"), 97.0)];
        let tr = assess(&TrackerInput {
            target: &t,
            plan_end: Some(2025),
            measures: &measures,
            latest_report: None,
            as_of: d("2026-01-01"),
        });
        assert_eq!(tr.deadline, Some(d("2025-12-31")));
        assert_eq!(tr.status, TargetStatus::Missed);
    }

    #[test]
    fn target_without_any_deadline_is_only_achieved_or_no_data() {
        let t = with_baseline(
            target(Comparator::AtLeast, Some(98.0), None),
            Some(95.0),
            Some("2021-12-31"),
            None,
        );
        let tr = run(&t, &[(d("2040-12-31"), 97.0)], "2041-01-01");
        assert_eq!(tr.status, TargetStatus::NoData);
        assert_eq!(tr.deadline, None);
        assert!(!tr.overdue);
        let tr = run(&t, &[(d("2040-12-31"), 99.0)], "2041-01-01");
        assert_eq!(tr.status, TargetStatus::Achieved);
    }

    fn qualitative(report: Option<ReportStatus>, as_of: &str) -> Tracker {
        let t = target(Comparator::Qualitative, None, Some(2025));
        assess(&TrackerInput {
            target: &t,
            plan_end: None,
            measures: &[],
            latest_report: report,
            as_of: d(as_of),
        })
    }

    #[test]
    fn qualitative_target_follows_the_latest_report() {
        use ReportStatus::*;
        let cases = [
            (Some(Completed), "2024-06-30", TargetStatus::Achieved, false),
            (Some(Completed), "2026-06-30", TargetStatus::Achieved, false),
            (
                Some(InProgress),
                "2024-06-30",
                TargetStatus::Qualitative,
                false,
            ),
            (Some(Delayed), "2026-06-30", TargetStatus::Missed, false),
            (None, "2024-06-30", TargetStatus::NoData, false),
            (None, "2026-06-30", TargetStatus::NoData, true),
        ];
        for (report, as_of, status, overdue) in cases {
            let tr = qualitative(report, as_of);
            assert_eq!(
                (tr.status, tr.overdue),
                (status, overdue),
                "{report:?} {as_of}"
            );
        }
        assert_eq!(
            qualitative(Some(InProgress), "2024-06-30").note.as_deref(),
            Some("最新报告状态：推进中")
        );
    }

    #[test]
    fn measurements_after_as_of_are_ignored() {
        let t = with_baseline(
            target(Comparator::AtLeast, Some(98.0), Some(2025)),
            Some(95.0),
            Some("2021-12-31"),
            None,
        );
        let m = [(d("2023-12-31"), 96.0), (d("2024-12-31"), 99.0)];
        let tr = run(&t, &m, "2024-06-30");
        assert_eq!(
            tr.latest,
            Some(Point {
                value: 96.0,
                date: d("2023-12-31")
            })
        );
        assert_ne!(tr.status, TargetStatus::Achieved);
        // Only future measurements: as if there were none.
        let tr = run(&t, &m[1..], "2024-06-30");
        assert_eq!(tr.latest, None);
        assert_eq!(tr.status, TargetStatus::NoData);
    }

    #[test]
    fn zero_baseline_uses_the_linear_ratio() {
        // b = 0 → T = 100 over 4 years (1461 days); after 2 of them… 2021-12-31 + 730 days is
        // 2023-12-31, i.e. 730/1461 of the time. v = 40: 0.4 / (730/1461) = 0.80054757…
        let t = with_baseline(
            target(Comparator::AtLeast, Some(100.0), Some(2025)),
            Some(0.0),
            Some("2021-12-31"),
            None,
        );
        let tr = run(&t, &[(d("2023-12-31"), 40.0)], "2024-01-01");
        assert_eq!(tr.required_rate, None);
        assert_eq!(tr.actual_rate, None);
        assert!((tr.ratio.unwrap() - 0.4 * 1461.0 / 730.0).abs() < 1e-11);
        assert_eq!(tr.status, TargetStatus::NeedsAcceleration);
        assert!(tr.note.unwrap().contains("线性"));
    }

    #[test]
    fn reduce_to_zero_and_negative_values_use_the_linear_ratio() {
        let t = with_baseline(
            target(Comparator::AtMost, Some(0.0), Some(2025)),
            Some(-5.0),
            Some("2021-12-31"),
            None,
        );
        // Baseline −5 already ≤ 0: met at baseline; a latest value above 0 moved away.
        let tr = run(&t, &[(d("2023-12-31"), 3.0)], "2024-01-01");
        assert_eq!(tr.status, TargetStatus::Deteriorating);
        assert_eq!(tr.ratio, None);
        let t = with_baseline(
            target(Comparator::AtMost, Some(0.0), Some(2025)),
            Some(12.0),
            Some("2021-12-31"),
            None,
        );
        let tr = run(&t, &[(d("2023-12-31"), 6.0)], "2024-01-01");
        assert!(tr.ratio.unwrap().is_finite());
        assert_eq!(tr.status, TargetStatus::OnTrack);
    }

    #[test]
    fn baseline_already_at_target_is_achieved_if_met_and_deteriorating_if_not() {
        let t = with_baseline(
            target(Comparator::AtLeast, Some(98.0), Some(2025)),
            Some(98.0),
            Some("2021-12-31"),
            None,
        );
        let tr = run(&t, &[(d("2023-12-31"), 98.0)], "2024-01-01");
        assert_eq!(tr.status, TargetStatus::Achieved);
        let tr = run(&t, &[(d("2023-12-31"), 97.0)], "2024-01-01");
        assert_eq!(tr.status, TargetStatus::Deteriorating);
        assert_eq!(tr.ratio, None);
        assert!(tr.note.unwrap().contains("基线值已达到目标"));
    }

    #[test]
    fn huge_compound_rates_fall_back_to_linear_without_inf() {
        // Deadline one day after the baseline: the compound rate overflows.
        let t = with_baseline(
            target(Comparator::AtLeast, Some(1e6), Some(2025)),
            Some(1.0),
            Some("2025-12-30"),
            None,
        );
        let tr = run(&t, &[(d("2025-12-31"), 10.0)], "2025-12-31");
        assert!(tr.ratio.unwrap().is_finite());
        assert_eq!(tr.required_rate, None);
        let json = serde_json::to_string(&tr).unwrap();
        assert!(!json.to_lowercase().contains("nan") && !json.contains("inf"));
    }

    #[test]
    fn non_finite_measurements_are_ignored() {
        let t = target(Comparator::AtLeast, Some(98.0), Some(2025));
        let m = [
            (d("2022-12-31"), f64::NAN),
            (d("2023-12-31"), f64::INFINITY),
        ];
        let tr = run(&t, &m, "2024-01-01");
        assert_eq!(tr.latest, None);
        assert_eq!(tr.status, TargetStatus::NoData);
    }

    #[test]
    fn latest_before_declared_baseline_date_gives_no_ratio() {
        let t = with_baseline(
            target(Comparator::AtLeast, Some(98.0), Some(2025)),
            Some(95.0),
            Some("2023-12-31"),
            None,
        );
        let tr = run(&t, &[(d("2022-12-31"), 96.0)], "2024-01-01");
        assert_eq!(tr.status, TargetStatus::NoData);
        assert_eq!(tr.ratio, None);
    }

    #[test]
    fn declared_baseline_with_only_a_year_counts_from_its_year_end() {
        let t = with_baseline(
            target(Comparator::AtLeast, Some(98.0), Some(2025)),
            Some(95.0),
            None,
            Some(2021),
        );
        let tr = run(&t, &[(d("2023-12-31"), 96.0)], "2024-01-01");
        assert_eq!(tr.baseline.unwrap().date, Some(d("2021-12-31")));
        assert!(tr.ratio.is_some());
        assert!(tr.note.unwrap().contains("2021年年末"));
    }

    #[test]
    fn result_does_not_depend_on_the_order_of_measurements() {
        let t = target(Comparator::AtLeast, Some(98.0), Some(2025));
        let mut m = vec![
            (d("2021-12-31"), 95.0),
            (d("2023-12-31"), 96.5),
            (d("2023-12-31"), 96.0),
            (d("2022-12-31"), 95.5),
        ];
        let a = run(&t, &m, "2024-01-01");
        m.reverse();
        let b = run(&t, &m, "2024-01-01");
        assert_eq!(a, b);
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
    }

    #[test]
    fn status_serialises_in_snake_case_and_names_match() {
        for s in TargetStatus::ALL {
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
        }
        let symbols: std::collections::BTreeSet<_> =
            TargetStatus::ALL.iter().map(|s| s.symbol()).collect();
        assert_eq!(symbols.len(), TargetStatus::ALL.len());
        assert_eq!(
            serde_json::to_string(&BaselineSource::MeasurementInBaselineYear).unwrap(),
            "\"measurement_in_baseline_year\""
        );
    }
}
