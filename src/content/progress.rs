//! Progress reports: `progress/*.md` (TOML front matter + Markdown) and `progress/*.csv`
//! (the columns of the exported `data/progress.csv`, so a spreadsheet export can be edited and
//! read back).

use std::path::Path;

use rayon::prelude::*;
use serde::Deserialize;
use toml::value::Datetime;
use toml::Spanned;

use super::{files, split_front_matter, SourceFile};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Correction, Date, Evidence, Measure, Report, ReportStatus, TargetId, TaskId};

mod quick;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReport {
    task: Spanned<String>,
    date: Spanned<Datetime>,
    published: Option<Spanned<Datetime>>,
    status: Spanned<String>,
    percent: Option<Spanned<toml::Value>>,
    reporter: Option<String>,
    #[serde(default)]
    sample: bool,
    #[serde(default)]
    measure: Vec<Spanned<RawMeasure>>,
    #[serde(default)]
    evidence: Vec<RawEvidence>,
    #[serde(default)]
    correction: Vec<Spanned<RawCorrection>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeasure {
    target: Spanned<String>,
    value: Spanned<toml::Value>,
    unit: Option<String>,
    as_of: Option<Spanned<Datetime>>,
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvidence {
    title: String,
    url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCorrection {
    date: Spanned<Datetime>,
    note: String,
    target: Option<String>,
    previous: Option<f64>,
}

/// Every report in a plan's `progress/` folder, in file-name order.
pub(super) fn load_dir(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Vec<Report> {
    // Thousands of small files: read and parse them in parallel, in file-name order.
    let [markdown, csv] = files::sorted_files_by_ext(dir, ["md", "csv"]);
    let parsed: Vec<(Option<Report>, Diagnostics)> = markdown
        .par_iter()
        .map(|path| {
            let mut d = Diagnostics::new();
            let r = files::read(root, path, &mut d)
                .and_then(|file| parse_markdown_report(&file, &mut d));
            (r, d)
        })
        .collect();
    let mut out = Vec::with_capacity(parsed.len());
    for (r, d) in parsed {
        diags.extend(d.into_sorted());
        out.extend(r);
    }
    for path in csv {
        if let Some(file) = files::read(root, &path, diags) {
            out.extend(parse_progress_csv(&file.shown, &file.text, diags));
        }
    }
    out
}

fn number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) if f.is_finite() => Some(*f),
        _ => None,
    }
}

pub(crate) fn parse_markdown_report(file: &SourceFile, diags: &mut Diagnostics) -> Option<Report> {
    let Some((fm, base, body)) = split_front_matter(&file.text) else {
        diags.push(
            file.error(0, "progress report has no +++ front matter")
                .with_help("start the file with +++, the report's fields (task = \"9\", date = 2024-06-30, status = \"in_progress\"), and +++"),
        );
        return None;
    };
    if !file.body_nesting_ok(body, diags) {
        return None;
    }
    let raw = match quick::raw_report(fm).map_or_else(|| toml::from_str(fm), Ok) {
        Ok(r) => r,
        Err(e) => {
            diags.push(file.toml_error(base, &e));
            return None;
        }
    };
    let at = |off: usize| base + off;
    let date = file.date(base, &raw.date, diags)?;
    let status = match ReportStatus::parse(raw.status.get_ref()) {
        Some(s) => s,
        None => {
            diags.push(
                file.error(
                    at(raw.status.span().start),
                    format!("unknown status \"{}\"", raw.status.get_ref()),
                )
                .with_help(format!("use one of {}", ReportStatus::ALL.join(", "))),
            );
            return None;
        }
    };
    let percent = raw
        .percent
        .as_ref()
        .and_then(|p| match number(p.get_ref()) {
            Some(v) if (0.0..=100.0).contains(&v) => Some(v),
            Some(v) => {
                diags.push(file.error(at(p.span().start), format!("percent {v} is outside 0–100")));
                None
            }
            None => {
                diags
                    .push(file.error(at(p.span().start), "percent must be a number from 0 to 100"));
                None
            }
        });
    let mut measures = Vec::new();
    for m in &raw.measure {
        let mr = m.get_ref();
        let Some(value) = number(mr.value.get_ref()) else {
            diags.push(
                file.error(at(mr.value.span().start), format!("measure value {} is not a number", mr.value.get_ref()))
                    .with_help("write the figure without quotes or units: value = 96.8 (the unit comes from the target)"),
            );
            continue;
        };
        let as_of = match &mr.as_of {
            Some(d) => match file.date(base, d, diags) {
                Some(d) => d,
                None => continue,
            },
            None => date,
        };
        measures.push(Measure {
            target: TargetId(mr.target.get_ref().clone()),
            value,
            unit: mr.unit.clone(),
            as_of,
            source: mr.source.clone(),
            origin: file.origin(at(m.span().start)),
        });
    }
    let corrections = raw
        .correction
        .iter()
        .filter_map(|c| {
            let cr = c.get_ref();
            Some(Correction {
                date: file.date(base, &cr.date, diags)?,
                note: cr.note.clone(),
                target: cr.target.clone().map(TargetId),
                previous: cr.previous,
                origin: file.origin(at(c.span().start)),
            })
        })
        .collect();
    let published = raw
        .published
        .as_ref()
        .and_then(|d| file.date(base, d, diags));
    Some(Report {
        task: TaskId(raw.task.get_ref().clone()),
        date,
        published,
        status,
        percent,
        reporter: raw.reporter,
        sample: raw.sample,
        measures,
        evidence: raw
            .evidence
            .into_iter()
            .map(|e| Evidence {
                title: e.title,
                url: crate::util::url::content_link(e.url),
            })
            .collect(),
        corrections,
        body: body.to_string(),
        slug: file
            .shown
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string(),
        origin: file.origin(at(raw.task.span().start)),
    })
}

/// The columns of `data/progress.csv` and of `progress/*.csv` input, in order. One row per
/// report and measure (a report without measures has one row with the measure columns empty);
/// the report's own columns repeat on each of its rows. `evidence` holds one `title | url` line
/// per link, `corrections` one `date | target | previous | note` line per correction.
pub const PROGRESS_CSV_COLUMNS: [&str; 16] = [
    "plan",
    "task",
    "date",
    "published",
    "status",
    "percent",
    "reporter",
    "sample",
    "target",
    "value",
    "unit",
    "as_of",
    "source",
    "evidence",
    "corrections",
    "body",
];

/// Parses progress CSV text (with or without a UTF-8 BOM). `shown` names the file in messages.
pub fn parse_progress_csv(shown: &Path, text: &str, diags: &mut Diagnostics) -> Vec<Report> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let err = |line: u64, col: usize, msg: String| {
        Diagnostic::error(
            shown,
            crate::diagnostics::Pos {
                line: line as usize,
                col,
            },
            msg,
        )
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    match rdr.headers() {
        Ok(h) if h.iter().eq(PROGRESS_CSV_COLUMNS.iter().copied()) => {}
        Ok(h) => {
            diags.push(
                err(
                    1,
                    1,
                    format!(
                        "progress CSV columns are {:?}",
                        h.iter().collect::<Vec<_>>()
                    ),
                )
                .with_help(format!(
                    "use exactly the columns of data/progress.csv: {}",
                    PROGRESS_CSV_COLUMNS.join(",")
                )),
            );
            return Vec::new();
        }
        Err(e) => {
            diags.push(err(1, 1, format!("cannot read CSV header: {e}")));
            return Vec::new();
        }
    }
    let slug_base = shown
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("progress")
        .to_string();
    let mut reports: Vec<(String, Report)> = Vec::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(1, |p| p.line());
                diags.push(err(line, 1, format!("malformed CSV row: {e}")));
                continue;
            }
        };
        let line = rec.position().map_or(1, |p| p.line());
        let col = |name: &str| {
            PROGRESS_CSV_COLUMNS
                .iter()
                .position(|c| *c == name)
                .unwrap_or(0)
        };
        // Text a published CSV neutralised against formula injection reads back as written.
        let get = |name: &str| crate::cells::restore(rec.get(col(name)).unwrap_or("").trim());
        let colno = |name: &str| col(name) + 1;
        let mut bad = false;
        let mut date_of = |name: &str, required: bool| -> Option<Date> {
            let s = get(name);
            if s.is_empty() {
                if required {
                    diags.push(
                        err(line, colno(name), format!("{name} is empty"))
                            .with_help("dates are written YYYY-MM-DD"),
                    );
                    bad = true;
                }
                return None;
            }
            let d = Date::parse(s);
            if d.is_none() {
                diags.push(
                    err(line, colno(name), format!("{name} \"{s}\" is not a date"))
                        .with_help("dates are written YYYY-MM-DD"),
                );
                bad = true;
            }
            d
        };
        let date = date_of("date", true);
        let published = date_of("published", false);
        let as_of = date_of("as_of", false);
        let status = ReportStatus::parse(get("status"));
        if status.is_none() {
            diags.push(
                err(
                    line,
                    colno("status"),
                    format!("unknown status \"{}\"", get("status")),
                )
                .with_help(format!("use one of {}", ReportStatus::ALL.join(", "))),
            );
            bad = true;
        }
        let percent = match get("percent") {
            "" => None,
            s => match s.parse::<f64>() {
                Ok(v) if (0.0..=100.0).contains(&v) => Some(v),
                _ => {
                    diags.push(err(
                        line,
                        colno("percent"),
                        format!("percent \"{s}\" is not a number from 0 to 100"),
                    ));
                    bad = true;
                    None
                }
            },
        };
        let measure = match (get("target"), get("value")) {
            ("", "") => None,
            (t, v) => match v.parse::<f64>() {
                Ok(value) if value.is_finite() && !t.is_empty() => Some(Measure {
                    target: TargetId(t.to_string()),
                    value,
                    unit: non_empty(get("unit")),
                    as_of: as_of.or(date).unwrap_or(Date::end_of_year(1970)),
                    source: non_empty(get("source")),
                    origin: crate::model::Origin {
                        path: shown.to_path_buf(),
                        pos: crate::diagnostics::Pos {
                            line: line as usize,
                            col: colno("target"),
                        },
                    },
                }),
                _ => {
                    diags.push(
                        err(
                            line,
                            colno("value"),
                            format!("measure value \"{v}\" for target \"{t}\" is not a number"),
                        )
                        .with_help("each measure row needs a target id and a plain number"),
                    );
                    bad = true;
                    None
                }
            },
        };
        if bad {
            continue;
        }
        let (Some(date), Some(status)) = (date, status) else {
            continue;
        };
        let key = format!("{}\u{0}{}\u{0}{}", get("plan"), get("task"), date);
        let mut evidence = Vec::new();
        for l in get("evidence").lines().filter(|l| !l.trim().is_empty()) {
            match l.rsplit_once(" | ") {
                Some((t, u)) => evidence.push(Evidence {
                    title: t.trim().to_string(),
                    url: crate::util::url::content_link(u.trim().to_string()),
                }),
                None => {
                    diags.push(err(
                        line,
                        colno("evidence"),
                        format!("evidence line \"{l}\" is not `title | url`"),
                    ));
                }
            }
        }
        let mut corrections = Vec::new();
        for l in get("corrections").lines().filter(|l| !l.trim().is_empty()) {
            let parts: Vec<&str> = l.splitn(4, " | ").collect();
            match (
                parts.as_slice(),
                parts.first().and_then(|d| Date::parse(d.trim())),
            ) {
                ([_, t, p, note], Some(d)) => corrections.push(Correction {
                    date: d,
                    note: note.to_string(),
                    target: non_empty(t).map(TargetId),
                    previous: p.trim().parse().ok(),
                    origin: crate::model::Origin {
                        path: shown.to_path_buf(),
                        pos: crate::diagnostics::Pos {
                            line: line as usize,
                            col: colno("corrections"),
                        },
                    },
                }),
                _ => diags.push(err(
                    line,
                    colno("corrections"),
                    format!("correction line \"{l}\" is not `date | target | previous | note`"),
                )),
            }
        }
        if let Some((_, r)) = reports.iter_mut().find(|(k, _)| *k == key) {
            r.measures.extend(measure);
            continue;
        }
        reports.push((
            key,
            Report {
                task: TaskId(get("task").to_string()),
                date,
                published,
                status,
                percent,
                reporter: non_empty(get("reporter")),
                sample: matches!(get("sample"), "true" | "TRUE" | "1" | "是"),
                measures: measure.into_iter().collect(),
                evidence,
                corrections,
                body: crate::cells::restore(rec.get(col("body")).unwrap_or("")).to_string(),
                slug: format!("{slug_base}-{}-{}", get("task"), date),
                origin: crate::model::Origin {
                    path: shown.to_path_buf(),
                    pos: crate::diagnostics::Pos {
                        line: line as usize,
                        col: colno("task"),
                    },
                },
            },
        ));
    }
    reports.into_iter().map(|(_, r)| r).collect()
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}
