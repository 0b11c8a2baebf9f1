//! The tracker chart: a small inline SVG of one numeric target, drawn at build time.
//!
//! In: a [`Target`], the [`Tracker`] computed for it, its measurements and the `as_of` date.
//! Out: an SVG string to embed in a page (or an empty string when there is nothing to draw).
//!
//! It shows time from the baseline to the deadline and values with their unit: the measurements
//! (points joined by a line), the baseline, the required path (dashed, from the baseline to the
//! target value at the deadline, compounded like the status rule), a horizontal target line, and
//! vertical marks for the deadline and the `as_of` date; the status is in the title.
//!
//! It must never run script, load fonts or anything else, or show meaning by colour alone:
//! every series has its own dash pattern or marker shape and a text label, colours have at least
//! 3:1 contrast on white, and `<title>`/`<desc>` carry a full Chinese text alternative (the
//! measurements counted: the page lists each in the table under the chart). All text from
//! content is escaped. Output is deterministic: numbers are printed with a fixed precision, and
//! compact (a site holds one chart per numeric target): strokes, fills, dashes and fonts come
//! from the stylesheet by class (`.tracker-chart` in style.css, where the colours are checked),
//! grid lines, ticks and the measurement dots are one path each, the required path is two
//! Bézier segments.

use std::fmt::{self, Write};

use crate::derive::status::{short_decimal, tidy, Tracker};
use crate::model::{Comparator, Date, Target};
use crate::util::number::Decimal;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 624.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 200.0;

/// Draw the tracker chart of a numeric target; empty when there is nothing to draw (a
/// qualitative target, or neither a baseline nor a measurement on or before `as_of`).
pub fn tracker_svg(
    target: &Target,
    tracker: &Tracker,
    measures: &[(Date, f64)],
    as_of: Date,
) -> String {
    if target.comparator == Comparator::Qualitative {
        return String::new();
    }
    let points = shown_points(measures, as_of);
    let baseline = tracker
        .baseline
        .as_ref()
        .and_then(|b| Some((b.date?, b.value)))
        .filter(|(_, v)| v.is_finite());
    if points.is_empty() && baseline.is_none() {
        return String::new();
    }
    let target_value = tracker.target_value.filter(|v| v.is_finite());
    let deadline = tracker.deadline;

    // Time axis: everything dated, plus a small margin.
    let dates: Vec<Date> = points
        .iter()
        .map(|p| p.0)
        .chain(baseline.map(|b| b.0))
        .chain(deadline)
        .chain(Some(as_of))
        .collect();
    let (Some(&first), Some(&last)) = (dates.iter().min(), dates.iter().max()) else {
        return String::new();
    };
    let span = (last.0 - first.0).num_days() as f64;
    let (t_lo, t_hi) = if span > 0.0 {
        (-span * 0.04, span * 1.04)
    } else {
        (-183.0, 183.0)
    };
    let x = |d: Date| {
        LEFT + ((d.0 - first.0).num_days() as f64 - t_lo) / (t_hi - t_lo) * (RIGHT - LEFT)
    };

    // Value axis: every value shown, padded, widened to whole ticks.
    let values: Vec<f64> = points
        .iter()
        .map(|p| p.1)
        .chain(baseline.map(|b| b.1))
        .chain(target_value)
        .collect();
    let Some(axis) = ValueAxis::new(&values) else {
        return String::new();
    };
    let y = |v: f64| BOTTOM - (v - axis.lo) / (axis.hi - axis.lo) * (BOTTOM - TOP);

    let unit = target.unit.as_deref().unwrap_or("");
    let short_unit = unit.chars().count() <= 2;
    let status = tracker.status;
    let title = title(target, tracker);
    let desc = description(target, tracker, &points, as_of);
    let id = dom_id(target.id.as_str(), &title, &desc);

    // A chart is about 2.5 kB, plus a few dozen bytes per measurement: reserve enough to write
    // it without growing, then hand back the rest (the site holds thousands of charts).
    let mut s = String::with_capacity(4 * 1024 + 64 * points.len());
    // Inline in an HTML page: no `xmlns`; size, font and every stroke and fill come from the
    // stylesheet (`.tracker-chart` in style.css), keyed by the class of each series.
    let _ = write!(
        s,
        r#"<svg viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title {id}-desc" class="tracker-chart status-{st}"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc><text class="title" x="{}" y="18">{}</text>"#,
        esc(&title),
        esc(&desc),
        f1(LEFT),
        esc(&truncate(&title, 40)),
        w = WIDTH,
        h = HEIGHT,
        id = id,
        st = status.as_str(),
    );

    // Grid and value ticks: the grid lines as one path, the labels in one group.
    let ks = axis.k_lo..=axis.k_hi;
    s.push_str(r#"<path class="grid" d=""#);
    for k in ks.clone() {
        let _ = write!(
            s,
            "M{} {}h{}",
            f1(LEFT),
            f1(y(k as f64 * axis.step)),
            f1(RIGHT - LEFT)
        );
    }
    s.push_str(r#""/><g class="y-axis">"#);
    for k in ks {
        let v = k as f64 * axis.step;
        let label = if short_unit {
            format!("{}{}", axis.label(v), unit)
        } else {
            axis.label(v)
        };
        let _ = write!(
            s,
            r#"<text x="{}" y="{}">{}</text>"#,
            f1(LEFT - 6.0),
            f1(y(v) + 4.0),
            esc(&label),
        );
    }
    if !short_unit {
        let _ = write!(
            s,
            r#"<text x="{}" y="{}">单位：{}</text>"#,
            f1(LEFT - 6.0),
            f1(TOP - 14.0),
            esc(&truncate(unit, 8)),
        );
    }
    s.push_str("</g>");

    // Time axis with year ticks: the axis and the ticks as one path, the years in one group.
    let ticks: Vec<(i32, f64)> = year_ticks(first, t_lo, t_hi)
        .into_iter()
        .filter_map(|year| Some((year, x(Date::from_ymd(year, 1, 1)?))))
        .collect();
    let _ = write!(
        s,
        r#"<path d="M{} {}h{}"#,
        f1(LEFT),
        f1(BOTTOM),
        f1(RIGHT - LEFT),
    );
    for &(_, xx) in &ticks {
        let _ = write!(s, "M{} {}v4", f1(xx), f1(BOTTOM));
    }
    s.push_str(r#""/><g class="x-axis">"#);
    for &(year, xx) in &ticks {
        let _ = write!(
            s,
            r#"<text x="{}" y="{}">{year}</text>"#,
            f1(xx),
            f1(BOTTOM + 16.0),
        );
    }
    s.push_str("</g>");

    // Target line (dash-dot), labelled.
    if let Some(t) = target_value {
        let _ = write!(
            s,
            r#"<path class="target" d="M{} {}h{}"/><text class="halo target" x="{}" y="{}">目标 {}</text>"#,
            f1(LEFT),
            f1(y(t)),
            f1(RIGHT - LEFT),
            f1(LEFT + 4.0),
            f1(y(t) - 5.0),
            esc(&format!("{}{}", fmt_value(t), unit)),
        );
    }

    // Required path: baseline → target at the deadline, compounded at the required rate.
    if let (Some((t0, b)), Some(t), Some(d)) = (baseline, target_value, deadline) {
        if d > t0 {
            let _ = write!(
                s,
                r#"<path class="required" d="{}"/>"#,
                required_path(
                    (x(t0), x(d)),
                    (b, t),
                    tracker.required_rate,
                    d.years_since(t0),
                    &y
                )
            );
        }
    }

    // Deadline (solid) and as-of (dotted) marks.
    let marks = deadline
        .map(|d| ("deadline", "期限", d, TOP + 26.0))
        .into_iter()
        .chain(Some(("as-of", "截至", as_of, TOP + 12.0)));
    for (class, label, d, ty) in marks {
        let xx = x(d);
        let (anchor, tx) = side(xx);
        let _ = write!(
            s,
            r#"<path class="{class}" d="M{} {}V{}"/><text class="halo{anchor}" x="{}" y="{}">{label} {d}</text>"#,
            f1(xx),
            f1(TOP),
            f1(BOTTOM),
            f1(tx),
            f1(ty),
        );
    }

    // Measurements: a solid line through filled dots (zero-length round-capped strokes). Each
    // point's date and value are in the description and the table under the chart (测量数据表),
    // not repeated in a tooltip.
    if !points.is_empty() {
        let coords: Vec<(f64, f64)> = points.iter().map(|&(d, v)| (x(d), y(v))).collect();
        let _ = write!(
            s,
            r#"<polyline class="measures" points="{}"/><path class="dots" d=""#,
            Coords(&coords)
        );
        for &(xx, yy) in &coords {
            let _ = write!(s, "M{} {}h0", f1(xx), f1(yy));
        }
        s.push_str(r#""/>"#);
    }

    // Baseline: a hollow square.
    if let Some((t0, b)) = baseline {
        let _ = write!(
            s,
            r#"<rect class="baseline" x="{}" y="{}" width="8" height="8"><title>{}</title></rect>"#,
            f1(x(t0) - 4.0),
            f1(y(b) - 4.0),
            esc(&format!("基线 {t0}：{}{unit}", fmt_value(b))),
        );
    }

    // Legend: the shape and dash of every series, named.
    s.push_str(concat!(
        r#"<g class="legend"><path class="measures" d="M64 244h20"/><path class="dots" d="M74 244h0"/><text x="88" y="248">测量值</text>"#,
        r#"<rect class="baseline" x="150" y="240" width="8" height="8"/><text x="164" y="248">基线</text>"#,
        r#"<path class="required" d="M210 244h30"/><text x="244" y="248">所需路径</text>"#,
        r#"<path class="target" d="M310 244h30"/><text x="344" y="248">目标值</text>"#,
        r#"<path class="as-of" d="M400 244h20"/><text x="424" y="248">截至日期</text></g></svg>"#,
    ));
    s.shrink_to_fit();
    s
}

/// The words a chart shows besides numbers and dates (its title, shortened title, description,
/// unit and labels), each string as the chart holds it, without drawing it: for scans of a site's
/// text such as the 繁體 table's. A target drawn without a chart may still give words.
pub fn chart_words(
    target: &Target,
    tracker: &Tracker,
    measures: &[(Date, f64)],
    as_of: Date,
) -> Vec<String> {
    if target.comparator == Comparator::Qualitative {
        return Vec::new();
    }
    let title = title(target, tracker);
    let points = shown_points(measures, as_of);
    let mut words = vec![
        truncate(&title, 40),
        description(target, tracker, &points, as_of),
        title,
    ];
    words.extend(target.unit.clone());
    words.extend(LABELS.iter().map(|l| l.to_string()));
    words
}

/// The fixed labels of a chart (its axes, marks and legend).
const LABELS: [&str; 9] = [
    "单位",
    "目标",
    "期限",
    "截至",
    "基线",
    "测量值",
    "所需路径",
    "目标值",
    "截至日期",
];

/// The measurements a chart shows: those on or before `as_of`, by date.
fn shown_points(measures: &[(Date, f64)], as_of: Date) -> Vec<(Date, f64)> {
    let mut points: Vec<(Date, f64)> = measures
        .iter()
        .copied()
        .filter(|(d, v)| *d <= as_of && v.is_finite())
        .collect();
    points.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    points
}

/// The chart's title: the metric (or the target's text) and the status.
fn title(target: &Target, tracker: &Tracker) -> String {
    let name = target.metric.as_deref().unwrap_or(&target.text);
    let status = tracker.status;
    format!("{}：{}{}", name, status.symbol(), status.label())
}

/// The required path from the baseline `(x0, b)` to the target `(x1, t)` at the deadline, as
/// SVG path data. At a constant required rate `r` the value grows as `b·(1+r)^years`: two cubic
/// Bézier segments whose control points follow the curve's tangents (Hermite form) trace it to
/// well under a pixel. Without a rate (or one no curve follows) the path is a straight line.
fn required_path(
    (x0, x1): (f64, f64),
    (b, t): (f64, f64),
    rate: Option<f64>,
    years: f64,
    y: &impl Fn(f64) -> f64,
) -> String {
    let growth = rate.map(|r| (1.0 + r).ln() * years);
    let curve = growth.filter(|g| g.is_finite() && *g != 0.0 && b.is_finite() && b != 0.0);
    let Some(g) = curve else {
        return format!("M{} {}L{} {}", f1(x0), f1(y(b)), f1(x1), f1(y(t)));
    };
    // Along s ∈ [0, 1]: value v(s) = b·e^(g·s), chart point (x0 + (x1-x0)·s, y(v(s))).
    let value = |s: f64| if s >= 1.0 { t } else { b * (g * s).exp() };
    // dy/ds: y is linear in the value, so dy/ds = (y(1) - y(0)) · dv/ds for a unit value step.
    let dy_dv = y(1.0) - y(0.0);
    let slope = |s: f64| dy_dv * b * g * (g * s).exp();
    let segments = 2;
    let h = 1.0 / segments as f64;
    let dx = (x1 - x0) * h / 3.0;
    let mut d = format!("M{} {}", f1(x0), f1(y(b)));
    for i in 0..segments {
        let (sa, sb) = (i as f64 * h, (i + 1) as f64 * h);
        let _ = write!(
            d,
            "C{} {} {} {} {} {}",
            f1(x0 + (x1 - x0) * sa + dx),
            f1(y(value(sa)) + slope(sa) * h / 3.0),
            f1(x0 + (x1 - x0) * sb - dx),
            f1(y(value(sb)) - slope(sb) * h / 3.0),
            f1(x0 + (x1 - x0) * sb),
            f1(y(value(sb))),
        );
    }
    d
}

/// The text alternative: everything the chart shows, in words.
fn description(target: &Target, tracker: &Tracker, points: &[(Date, f64)], as_of: Date) -> String {
    let unit = target.unit.as_deref().unwrap_or("");
    let mut parts = vec![target.text.clone()];
    parts.push(format!(
        "状态（截至{as_of}）：{}{}",
        tracker.status.symbol(),
        tracker.status.label()
    ));
    match &tracker.baseline {
        Some(b) => {
            let source = match b.source {
                crate::derive::status::BaselineSource::Declared => "规划给出",
                crate::derive::status::BaselineSource::EarliestMeasurement => "取最早的测量值",
                crate::derive::status::BaselineSource::MeasurementInBaselineYear => {
                    "取基线年份内的测量值"
                }
            };
            let date = b.date.map(|d| format!("，{d}")).unwrap_or_default();
            parts.push(format!(
                "基线：{}{unit}（{source}{date}）",
                fmt_value(b.value)
            ));
        }
        None => parts.push("基线：无".to_string()),
    }
    match tracker.latest {
        Some(p) => parts.push(format!(
            "最新值：{}{unit}（{}）",
            fmt_value(p.value),
            p.date
        )),
        None => parts.push("最新值：暂无测量数据".to_string()),
    }
    let relation = match target.comparator {
        Comparator::AtLeast | Comparator::IncreaseBy => "不低于",
        Comparator::AtMost | Comparator::DecreaseBy => "不高于",
        Comparator::Equal => "保持在（±2%）",
        Comparator::Qualitative => "",
    };
    match tracker.target_value {
        Some(t) => {
            let by = match (target.comparator, target.value) {
                (Comparator::DecreaseBy, Some(x)) => format!("较基线下降{}%，即", fmt_value(x)),
                (Comparator::IncreaseBy, Some(x)) => format!("较基线提高{}%，即", fmt_value(x)),
                _ => String::new(),
            };
            parts.push(format!("目标：{by}{relation}{}{unit}", fmt_value(t)));
        }
        None => parts.push("目标值：无法确定".to_string()),
    }
    match tracker.deadline {
        Some(d) => parts.push(format!("期限：{d}")),
        None => parts.push("期限：未规定".to_string()),
    }
    let mut rates = Vec::new();
    if let Some(r) = tracker.required_rate {
        rates.push(format!("所需年均增长率{}", fmt_pct(r)));
    }
    if let Some(a) = tracker.actual_rate {
        rates.push(format!("实际年均增长率{}", fmt_pct(a)));
    }
    if let Some(r) = tracker.ratio {
        rates.push(format!("进展比率{}", fmt_pct(r)));
    }
    if !rates.is_empty() {
        parts.push(rates.join("，"));
    }
    // The measurements one by one are in the table under the chart (测量数据表), which a
    // screen reader reaches next: the description counts them instead of repeating them.
    match points {
        [] => {}
        [(d, v)] => parts.push(format!("测量值1个：{d} {}{unit}", fmt_value(*v))),
        [(first, _), .., (last, _)] => parts.push(format!(
            "测量值{}个（{first}至{last}），逐条见图下的测量数据表",
            points.len()
        )),
    }
    if tracker.overdue {
        parts.push("已过期限".to_string());
    }
    if let Some(note) = &tracker.note {
        parts.push(format!("说明：{note}"));
    }
    let mut text = parts.join("。");
    text.push('。');
    text
}

/// The value axis: `lo..=hi` spans whole ticks `k_lo·step ..= k_hi·step`.
struct ValueAxis {
    lo: f64,
    hi: f64,
    step: f64,
    k_lo: i64,
    k_hi: i64,
    decimals: usize,
}

impl ValueAxis {
    fn new(values: &[f64]) -> Option<ValueAxis> {
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !(min.is_finite() && max.is_finite()) {
            return None;
        }
        let pad = if max > min {
            (max - min) * 0.1
        } else {
            (min.abs() * 0.1).max(1.0)
        };
        let (lo, hi) = (min - pad, max + pad);
        let raw = (hi - lo) / 4.0;
        if !(raw.is_finite() && raw > 0.0) {
            return None;
        }
        let mag = 10f64.powi(raw.log10().floor() as i32);
        let norm = raw / mag;
        let nice = if norm <= 1.0 {
            1.0
        } else if norm <= 2.0 {
            2.0
        } else if norm <= 5.0 {
            5.0
        } else {
            10.0
        };
        let step = nice * mag;
        let k_lo = (lo / step).floor();
        let k_hi = (hi / step).ceil();
        if !(step > 0.0 && k_lo.is_finite() && k_hi.is_finite()) || k_hi - k_lo > 20.0 {
            return None;
        }
        let decimals = if step >= 1.0 {
            0
        } else {
            ((-step.log10()).ceil() as usize).min(12)
        };
        Some(ValueAxis {
            lo: k_lo * step,
            hi: k_hi * step,
            step,
            k_lo: k_lo as i64,
            k_hi: k_hi as i64,
            decimals,
        })
    }

    fn label(&self, v: f64) -> String {
        Fixed(v, self.decimals).to_string()
    }
}

/// Years whose 1 January falls inside the time axis; every 2nd/5th/10th year when crowded.
fn year_ticks(first: Date, t_lo: f64, t_hi: f64) -> Vec<i32> {
    let in_axis = |y: i32| {
        Date::from_ymd(y, 1, 1).is_some_and(|d| {
            let days = (d.0 - first.0).num_days() as f64;
            days >= t_lo && days <= t_hi
        })
    };
    let start = first.year() - 1;
    let end = first.year() + (t_hi / 365.0).ceil() as i32 + 1;
    let years: Vec<i32> = (start..=end).filter(|&y| in_axis(y)).collect();
    let every = match years.len() {
        0..=12 => 1,
        13..=24 => 2,
        25..=60 => 5,
        _ => 10,
    };
    years
        .into_iter()
        .filter(|y| y.rem_euclid(every) == 0)
        .collect()
}

/// Polyline points: `x,y` pairs with one decimal, separated by spaces.
struct Coords<'a>(&'a [(f64, f64)]);

impl fmt::Display for Coords<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, &(x, y)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f1(x).fmt(f)?;
            f.write_str(",")?;
            f1(y).fmt(f)?;
        }
        Ok(())
    }
}

/// Label placement beside a vertical mark: to its right, or to its left near the right edge
/// (the class ` end` anchors the text at its end).
fn side(x: f64) -> (&'static str, f64) {
    if x > (LEFT + RIGHT) / 2.0 {
        (" end", x - 4.0)
    } else {
        ("", x + 4.0)
    }
}

/// A coordinate with one decimal, without a trailing `.0` (`200`, `85.1`), never `-0`.
fn f1(v: f64) -> Coord {
    Coord(v)
}

#[derive(Clone, Copy)]
struct Coord(f64);

impl fmt::Display for Coord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0 * 10.0;
        let clear_of_tie = ((t - t.trunc()).abs() - 0.5).abs() > 1e-6;
        if t.abs() < 1e9 && clear_of_tie {
            let n = t.round() as i64;
            return if n % 10 == 0 {
                (n / 10).fmt(f)
            } else {
                Decimal(n, 1).fmt(f)
            };
        }
        let s = Fixed(self.0, 1).to_string();
        f.write_str(s.strip_suffix(".0").unwrap_or(&s))
    }
}

/// A value as a person would write it: tidied, shortest round-trip form (96, 95.1, 0.3).
fn fmt_value(v: f64) -> String {
    let v = tidy(v);
    match short_decimal(v) {
        // The shortest text that reads back as `v` is this decimal (see `short_decimal`),
        // which is what `{}` prints.
        Some((n, decimals)) => Decimal(n, decimals as usize).to_string(),
        None => no_minus_zero(format!("{v}")),
    }
}

/// A rate or ratio as a percentage with two decimals.
fn fmt_pct(v: f64) -> String {
    format!("{}%", Fixed(v * 100.0, 2))
}

/// A number with a fixed count of decimals, `Fixed(v, n)` printed exactly as
/// `format!("{v:.n$}")` prints it, but never as `-0`.
///
/// A chart prints about a hundred numbers, and the float formatter's exact algorithm was most
/// of the cost of deriving a site. Scaled to an integer, a value rounds the same way the
/// formatter rounds it unless the scaled value lies within rounding noise of a tie (x.5);
/// those rare values, and very large or very precise ones, still go through the formatter.
#[derive(Clone, Copy)]
struct Fixed(f64, usize);

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SCALE: [f64; 7] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6];
        let Fixed(v, decimals) = *self;
        if let Some(&scale) = SCALE.get(decimals) {
            let t = v * scale;
            // Below 1e9 the product is within 1e-7 of the exact one.
            let clear_of_tie = ((t - t.trunc()).abs() - 0.5).abs() > 1e-6;
            if t.abs() < 1e9 && clear_of_tie {
                return Decimal(t.round() as i64, decimals).fmt(f);
            }
        }
        f.write_str(&no_minus_zero(format!("{v:.decimals$}")))
    }
}

fn no_minus_zero(s: String) -> String {
    if s.starts_with('-') && s[1..].chars().all(|c| matches!(c, '0' | '.' | '%')) {
        s[1..].to_string()
    } else {
        s
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// An element id for the chart's title and description: the target id (letters, digits, `-`,
/// `_` kept, anything else `_`) plus a short hash of the text, so charts of same-id targets of
/// different plans on one page (a unit's scorecard) never share an id — and two charts that
/// do share one say exactly the same thing.
fn dom_id(target_id: &str, title: &str, desc: &str) -> String {
    use sha2::{Digest, Sha256};
    let id: String = target_id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let hash = Sha256::new()
        .chain_update(title.as_bytes())
        .chain_update([0])
        .chain_update(desc.as_bytes())
        .finalize();
    let short: String = hash[..4].iter().map(|b| format!("{b:02x}")).collect();
    format!("tracker-{id}-{short}")
}

/// Escape text for SVG/HTML text and attribute values (the chart is inline in HTML pages).
fn esc(s: &str) -> String {
    crate::util::escape::escape_html(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::status::{assess, TargetStatus, TrackerInput};
    use crate::model::{Baseline, Origin, TargetId};

    fn d(s: &str) -> Date {
        Date::parse(s).expect("test date")
    }

    fn sample_target(text: &str) -> Target {
        Target {
            id: TargetId("9-1".into()),
            text: text.into(),
            metric: Some("污水处理率".into()),
            year: Some(2025),
            value: Some(98.0),
            unit: Some("%".into()),
            comparator: Comparator::AtLeast,
            baseline: Some(Baseline {
                value: Some(95.1),
                date: Some(d("2021-12-31")),
                year: None,
                source: None,
            }),
            origin: Origin::default(),
        }
    }

    fn chart(target: &Target, measures: &[(Date, f64)], as_of: &str) -> String {
        let tracker = assess(&TrackerInput {
            target,
            plan_end: None,
            measures,
            latest_report: None,
            as_of: d(as_of),
        });
        tracker_svg(target, &tracker, measures, d(as_of))
    }

    const MEASURES: [(&str, f64); 3] = [
        ("2022-12-31", 95.6),
        ("2023-12-31", 96.3),
        ("2024-06-30", 96.8),
    ];

    fn measures() -> Vec<(Date, f64)> {
        MEASURES.iter().map(|&(s, v)| (d(s), v)).collect()
    }

    /// The value of attribute `name` in the first element starting with `open`.
    fn attr_str<'a>(svg: &'a str, open: &str, name: &str) -> &'a str {
        let start = svg.find(open).expect("element present");
        let rest = &svg[start..];
        let key = format!(" {name}=\"");
        let i = rest.find(&key).expect("attribute present") + key.len();
        let j = rest[i..].find('"').expect("closing quote") + i;
        &rest[i..j]
    }

    fn attr(svg: &str, open: &str, name: &str) -> f64 {
        attr_str(svg, open, name).parse().expect("number")
    }

    /// The first point (`M x y`) of the path data of the first element starting with `open`.
    fn path_start(svg: &str, open: &str) -> (f64, f64) {
        let d = attr_str(svg, open, "d");
        let (x, rest) = d
            .strip_prefix('M')
            .expect("starts with M")
            .split_once(' ')
            .unwrap();
        let y: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
            .collect();
        (x.parse().expect("x"), y.parse().expect("y"))
    }

    #[test]
    fn the_required_path_follows_the_compounded_curve() {
        // From 100 to 200 over ten years: the curve b·(1+r)^t, r = 2^(1/10) - 1.
        let y = |v: f64| 300.0 - v;
        let r = 2f64.powf(0.1) - 1.0;
        let d = required_path((0.0, 100.0), (100.0, 200.0), Some(r), 10.0, &y);
        assert!(d.starts_with("M0 200C"), "{d}");
        assert!(
            d.ends_with(" 100 100"),
            "ends at the target at the deadline: {d}"
        );
        // The middle of the path (the end of the first segment) is on the curve: 100·√2.
        let mid = format!(" 50 {}", f1(y(100.0 * 2f64.sqrt())));
        assert!(d.contains(&mid), "{mid} in {d}");
        // Without a rate it is a straight line.
        let line = required_path((0.0, 100.0), (100.0, 200.0), None, 10.0, &y);
        assert_eq!(line, "M0 200L100 100");
    }

    #[test]
    fn numbers_print_as_the_float_formatter_prints_them() {
        for v in crate::derive::status::tests::number_samples() {
            for decimals in 0..=8 {
                let by_formatter = no_minus_zero(format!("{v:.decimals$}"));
                assert_eq!(Fixed(v, decimals).to_string(), by_formatter, "{v:e}");
            }
            assert_eq!(fmt_value(v), no_minus_zero(format!("{}", tidy(v))), "{v:e}");
            assert_eq!(
                fmt_pct(v),
                no_minus_zero(format!("{:.2}%", v * 100.0)),
                "{v:e}"
            );
            let one = no_minus_zero(format!("{v:.1}"));
            assert_eq!(
                f1(v).to_string(),
                one.strip_suffix(".0").unwrap_or(&one),
                "{v:e}"
            );
        }
        // Coordinates drop a trailing ".0".
        let pts = [(64.0, 199.96), (-0.04, 30.0), (85.14, -12.26)];
        assert_eq!(Coords(&pts).to_string(), "64,200 0,30 85.1,-12.3");
    }

    #[test]
    fn hostile_target_text_is_escaped() {
        let hostile = r#"<script>alert('x')</script> & "q""#;
        let mut t = sample_target(hostile);
        t.metric = Some("<b>率</b>".into());
        t.unit = Some("<i>'\"&".into());
        let svg = chart(&t, &measures(), "2024-06-30");
        assert!(!svg.contains("<script"));
        assert!(!svg.contains("<b>") && !svg.contains("<i>"));
        assert!(
            svg.contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;q&quot;")
        );
        assert!(!svg.contains("'x'"));
    }

    #[test]
    fn chart_is_accessible_with_title_and_full_description() {
        let svg = chart(
            &sample_target("到2025年,污水处理率达到98%以上"),
            &measures(),
            "2024-06-30",
        );
        assert!(svg.starts_with("<svg "));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img""#));
        let id = attr_str(&svg, "<svg ", "aria-labelledby");
        let (title_id, desc_id) = id.split_once(' ').expect("two ids");
        assert!(title_id.starts_with("tracker-9-1-") && title_id.ends_with("-title"));
        assert_eq!(desc_id, title_id.replace("-title", "-desc"));
        assert!(svg.contains(&format!(
            r#"<title id="{title_id}">污水处理率：◆需加快</title>"#
        )));
        assert!(svg.contains(&format!(r#"<desc id="{desc_id}">"#)));
        let desc_start = svg.find("<desc").unwrap();
        let desc = &svg[desc_start..svg.find("</desc>").unwrap()];
        for needle in [
            "基线：95.1%",
            "最新值：96.8%（2024-06-30）",
            "不低于98%",
            "期限：2025-12-31",
            "需加快",
        ] {
            assert!(desc.contains(needle), "missing {needle} in {desc}");
        }
        assert!(
            !svg.contains("<script") && !svg.contains("font-face") && !svg.contains("http://fonts")
        );
    }

    #[test]
    fn output_has_no_nan_or_float_noise() {
        let mut t = sample_target("x");
        t.comparator = Comparator::DecreaseBy;
        t.value = Some(10.0);
        let svg = chart(
            &t,
            &[(d("2023-12-31"), 0.1 + 0.2), (d("2024-12-31"), -0.0)],
            "2025-01-01",
        );
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        assert!(!svg.contains("0000000"), "float noise in {svg}");
        assert!(!svg.contains("\"-0.0\""));
        // Degenerate cases: a single point, a zero baseline, all values equal.
        let mut z = sample_target("x");
        z.baseline = Some(Baseline {
            value: Some(0.0),
            date: Some(d("2021-12-31")),
            year: None,
            source: None,
        });
        z.value = Some(0.0);
        for (target, m) in [
            (sample_target("x"), vec![]),
            (z.clone(), vec![(d("2023-12-31"), 0.0)]),
            (z, vec![(d("2021-12-31"), 0.0)]),
        ] {
            let svg = chart(&target, &m, "2024-01-01");
            assert!(!svg.is_empty());
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        }
    }

    #[test]
    fn output_is_deterministic() {
        let t = sample_target("到2025年,污水处理率达到98%以上");
        let mut m = measures();
        let a = chart(&t, &m, "2024-06-30");
        m.reverse();
        let b = chart(&t, &m, "2024-06-30");
        assert_eq!(a, b);
    }

    #[test]
    fn point_above_the_target_is_drawn_above_the_target_line() {
        let t = sample_target("x");
        let svg = chart(&t, &[(d("2024-06-30"), 99.0)], "2024-06-30");
        let target_y = path_start(&svg, "<path class=\"target\"").1;
        let point_y = path_start(&svg, "<path class=\"dots\"").1;
        assert!(
            point_y < target_y,
            "point {point_y} should be above target line {target_y}"
        );
        let baseline_y = attr(&svg, "<rect class=\"baseline\"", "y") + 4.0;
        assert!(
            baseline_y > target_y,
            "baseline 95.1 is below the target 98"
        );
    }

    #[test]
    fn nothing_to_draw_gives_an_empty_string() {
        let mut t = sample_target("x");
        t.baseline = None;
        assert_eq!(chart(&t, &[], "2024-06-30"), "");
        // Only measurements after as_of: nothing on or before it.
        assert_eq!(chart(&t, &[(d("2025-06-30"), 97.0)], "2024-06-30"), "");
        let mut q = sample_target("x");
        q.comparator = Comparator::Qualitative;
        assert_eq!(chart(&q, &measures(), "2024-06-30"), "");
    }

    #[test]
    #[ignore = "writes the sample chart to $CHART_OUT for a look"]
    fn write_sample_chart() {
        let mut t = sample_target("到2025年,化学需氧量排放较2021年下降10%");
        t.comparator = Comparator::DecreaseBy;
        t.value = Some(10.0);
        t.unit = Some("万吨".into());
        t.baseline.as_mut().unwrap().value = Some(12.4);
        let m = [
            (d("2022-12-31"), 12.1),
            (d("2023-12-31"), 11.9),
            (d("2024-12-31"), 11.2),
        ];
        let svg = chart(&t, &m, "2025-03-31");
        std::fs::write(std::env::var("CHART_OUT").unwrap(), svg).unwrap();
    }

    #[test]
    fn status_is_in_the_visible_title_and_the_class() {
        let t = sample_target("x");
        let svg = chart(&t, &[(d("2024-06-30"), 94.0)], "2024-06-30");
        assert!(svg.contains(TargetStatus::Deteriorating.label()));
        assert!(svg.contains("status-deteriorating"));
        assert!(svg.contains(r#"<text class="title""#));
    }

    #[test]
    fn charts_of_different_targets_with_one_id_get_different_element_ids() {
        let a = chart(&sample_target("甲"), &measures(), "2024-06-30");
        let b = chart(&sample_target("乙"), &measures(), "2024-06-30");
        assert_ne!(
            attr_str(&a, "<svg ", "aria-labelledby"),
            attr_str(&b, "<svg ", "aria-labelledby")
        );
    }

    #[test]
    fn long_units_go_to_an_axis_caption() {
        let mut t = sample_target("x");
        t.unit = Some("万吨标准煤".into());
        let svg = chart(&t, &measures(), "2024-06-30");
        assert!(svg.contains("单位：万吨标准煤"));
    }

    /// The runs of Han characters in `text`.
    fn han_runs(text: &str) -> std::collections::BTreeSet<String> {
        text.split(|c: char| !crate::util::fold::is_han(c))
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn every_han_run_a_chart_shows_is_among_its_words() {
        let mut long_unit = sample_target("到2025年,单位地区生产总值能耗下降13.5%");
        long_unit.unit = Some("万吨标准煤".into());
        let mut decrease = sample_target("到2025年,化学需氧量排放较2021年下降10%");
        decrease.comparator = Comparator::DecreaseBy;
        decrease.value = Some(10.0);
        decrease.unit = Some("万吨".into());
        let mut long_title = sample_target("x");
        long_title.metric = Some(
            "城市生活垃圾资源化利用率与农村生活污水治理率及其他各项指标合计完成情况的综合评价值"
                .into(),
        );
        let mut no_metric = sample_target("到2026年,既有建筑节能改造面积达到70万平方米");
        no_metric.metric = None;
        no_metric.unit = Some("万平方米".into());
        let cases = [
            (
                sample_target("到2025年,污水处理率达到98%以上"),
                measures(),
                "2024-06-30",
            ),
            (long_unit, measures(), "2024-06-30"),
            (decrease, measures(), "2024-06-30"),
            (long_title, vec![(d("2023-12-31"), 96.3)], "2024-06-30"),
            (no_metric, measures(), "2027-06-30"),
        ];
        for (target, measures, as_of) in cases {
            let tracker = assess(&TrackerInput {
                target: &target,
                plan_end: None,
                measures: &measures,
                latest_report: None,
                as_of: d(as_of),
            });
            let svg = tracker_svg(&target, &tracker, &measures, d(as_of));
            assert!(!svg.is_empty());
            let words = han_runs(&chart_words(&target, &tracker, &measures, d(as_of)).join("\n"));
            let missing: Vec<String> = han_runs(&svg).difference(&words).cloned().collect();
            assert!(missing.is_empty(), "{}: {missing:?}", target.text);
        }
    }
}
