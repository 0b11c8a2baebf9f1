//! `plans/<id>/`: plan.toml, tasks.toml, source.txt and progress/.

use std::path::Path;

use serde::Deserialize;
use toml::value::Datetime;
use toml::Spanned;

use super::site::is_url_segment;
use super::{files, progress, SourceFile};
use crate::diagnostics::{display_path, Diagnostic, Diagnostics, Pos};
use crate::model::{Baseline, Comparator, Period, Plan, Target, TargetId, Task, UnitRef};

/// The one URL-safe plan id that cannot be used: `plans/page/<n>/` are the further pages of the
/// list of plans (see `render::pages::PLANS_PER_PAGE`).
pub const RESERVED_PLAN_ID: &str = "page";

/// `plan.toml` read again for the fields checked with their positions (the rest is read by
/// the model's own reading, [`Plan`]'s `Deserialize`).
#[derive(Deserialize)]
struct LocatedPlan {
    id: Spanned<String>,
    written: Option<Spanned<Datetime>>,
    published: Option<Spanned<Datetime>>,
    period: Option<Spanned<Period>>,
    #[serde(default)]
    target: Vec<Spanned<RawTarget>>,
    reporting: Option<Spanned<String>>,
}

/// `tasks.toml`, read as the model's tasks: every field, its type and the unknown ones.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TasksFile {
    #[serde(default)]
    task: Vec<Spanned<Task>>,
}

/// `tasks.toml` read again for the fields checked with their positions (the rest of each task
/// is read by the model's own reading above).
#[derive(Deserialize)]
struct LocatedTasks {
    #[serde(default)]
    task: Vec<LocatedTask>,
}

#[derive(Deserialize)]
struct LocatedTask {
    id: Spanned<String>,
    #[serde(default)]
    lead: Vec<Spanned<String>>,
    #[serde(default)]
    responsible: Vec<Spanned<String>>,
    weight: Option<Spanned<f64>>,
    deadline: Option<Spanned<Datetime>>,
    #[serde(default)]
    target: Vec<Spanned<RawTarget>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    id: Spanned<String>,
    text: String,
    metric: Option<String>,
    year: Option<Spanned<i64>>,
    value: Option<f64>,
    unit: Option<String>,
    comparator: Spanned<String>,
    baseline: Option<Spanned<RawBaseline>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBaseline {
    value: Option<f64>,
    date: Option<Spanned<Datetime>>,
    year: Option<i32>,
    source: Option<String>,
}

/// Loads one plan folder; `None` when plan.toml is missing or unreadable (already reported).
pub(super) fn load_plan(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Option<Plan> {
    let plan_path = dir.join("plan.toml");
    if !plan_path.is_file() {
        diags.push(
            Diagnostic::error(display_path(root, dir), Pos::START, "plan folder has no plan.toml")
                .with_help("every folder under content/plans/ is one plan: add plan.toml (gongkai import makes one from a plan document)"),
        );
        return None;
    }
    let file = files::read(root, &plan_path, diags)?;
    let read = read_twice::<Plan, LocatedPlan>(&file.text);
    let (mut plan, located) = match read {
        Ok(r) => r,
        Err(e) => {
            diags.push(file.toml_error(0, &e));
            return None;
        }
    };
    let folder = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let id = located.id.get_ref();
    if id != folder {
        diags.push(
            file.error(
                located.id.span().start,
                format!("plan id \"{id}\" differs from its folder name \"{folder}\""),
            )
            .with_help(
                "the folder name is the plan's id and URL segment: rename one to match the other",
            ),
        );
    } else if !is_url_segment(id) {
        diags.push(
            file.error(
                located.id.span().start,
                format!("plan id \"{id}\" cannot be used in a URL"),
            )
            .with_help("use lowercase ASCII letters, digits and '-', e.g. \"wuhan-yangtze-2022\""),
        );
    } else if id == RESERVED_PLAN_ID {
        diags.push(
            file.error(
                located.id.span().start,
                format!("plan id \"{id}\" is reserved"),
            )
            .with_help(
                "plans/page/ holds the further pages of a large site's list of plans: rename the folder and the id, e.g. to \"page-plan\"",
            ),
        );
    }
    plan.written = located
        .written
        .as_ref()
        .and_then(|d| file.date(0, d, diags));
    plan.published = located
        .published
        .as_ref()
        .and_then(|d| file.date(0, d, diags));
    plan.period = located.period.as_ref().and_then(|p| {
        let r = p.get_ref();
        if r.start > r.end {
            diags.push(file.error(
                p.span().start,
                format!("period starts ({}) after it ends ({})", r.start, r.end),
            ));
            None
        } else {
            Some(*r)
        }
    });
    plan.targets = located
        .target
        .into_iter()
        .filter_map(|t| target(&file, 0, t, diags))
        .collect();

    plan.source_text = {
        let name = plan.source.as_deref().unwrap_or("source.txt");
        let p = dir.join(name);
        if p.is_file() {
            files::read(root, &p, diags).map(|f| f.text)
        } else {
            if plan.source.is_some() {
                diags.push(
                    file.error(0, format!("source \"{name}\" not found in the plan folder"))
                        .with_help(
                            "put the original text next to plan.toml, or remove the source field",
                        ),
                );
            }
            None
        }
    };

    plan.tasks = load_tasks(root, &dir.join("tasks.toml"), diags);
    plan.progress = progress::load_dir(root, &dir.join("progress"), diags);

    plan.reporting_days = located.reporting.as_ref().and_then(|r| {
        let days = crate::model::reporting_days(r.get_ref());
        if days.is_none() {
            diags.push(
                file.error(
                    r.span().start,
                    format!("unknown reporting interval \"{}\"", r.get_ref()),
                )
                .with_help("use one of \"monthly\", \"quarterly\", \"half-yearly\", \"yearly\""),
            );
        }
        days
    });
    plan.origin = file.origin(0);
    Some(plan)
}

/// The plan-level targets of a `plan.toml` already read (the history compares old versions).
pub(super) fn parse_plan_targets(file: &SourceFile, diags: &mut Diagnostics) -> Vec<Target> {
    match toml::from_str::<LocatedPlan>(&file.text) {
        Ok(located) => located
            .target
            .into_iter()
            .filter_map(|t| target(file, 0, t, diags))
            .collect(),
        Err(e) => {
            diags.push(file.toml_error(0, &e));
            Vec::new()
        }
    }
}

fn load_tasks(root: &Path, path: &Path, diags: &mut Diagnostics) -> Vec<Task> {
    if !path.is_file() {
        diags.push(
            Diagnostic::warning(
                display_path(root, path),
                Pos::START,
                "plan has no tasks.toml",
            )
            .with_help("add [[task]] entries (gongkai import makes them from a plan document)"),
        );
        return Vec::new();
    }
    let Some(file) = files::read(root, path, diags) else {
        return Vec::new();
    };
    parse_tasks(&file, diags)
}

/// A TOML file read as two structs, the model's own reading and the fields checked with their
/// positions, from one parse: parsing is most of the cost of reading a plan, and a plan's
/// `tasks.toml` is its largest file after the reports.
fn read_twice<'a, A: Deserialize<'a>, B: Deserialize<'a>>(
    text: &'a str,
) -> Result<(A, B), toml::de::Error> {
    let table = toml::de::DeTable::parse(text)?;
    let a = A::deserialize(toml::de::Deserializer::from(table.clone()))?;
    let b = B::deserialize(toml::de::Deserializer::from(table))?;
    Ok((a, b))
}

/// The tasks of a `tasks.toml` already read.
pub(super) fn parse_tasks(file: &SourceFile, diags: &mut Diagnostics) -> Vec<Task> {
    let read = read_twice::<TasksFile, LocatedTasks>(&file.text);
    let (tasks, located) = match read {
        Ok(r) => r,
        Err(e) => {
            diags.push(file.toml_error(0, &e));
            return Vec::new();
        }
    };
    tasks
        .task
        .into_iter()
        .zip(located.task)
        .map(|(t, l)| {
            let start = t.span().start;
            let mut task = t.into_inner();
            if !is_url_segment(task.id.as_str()) {
                diags.push(
                    file.error(
                        l.id.span().start,
                        format!("task id \"{}\" cannot be used in a URL", task.id),
                    )
                    .with_help("use ASCII letters, digits and '-', e.g. \"9\" or \"2-1\""),
                );
            }
            task.weight = l.weight.as_ref().and_then(|w| {
                let v = *w.get_ref();
                if v.is_finite() && v >= 0.0 {
                    Some(v)
                } else {
                    diags.push(
                        file.error(w.span().start, format!("weight {v} must be a number ≥ 0")),
                    );
                    None
                }
            });
            let units = |list: Vec<Spanned<String>>| -> Vec<UnitRef> {
                list.into_iter()
                    .map(|u| UnitRef {
                        origin: file.origin(u.span().start),
                        printed: u.into_inner(),
                        unit: None,
                    })
                    .collect()
            };
            task.deadline = l.deadline.as_ref().and_then(|d| file.date(0, d, diags));
            task.lead = units(l.lead);
            task.responsible = units(l.responsible);
            task.targets = l
                .target
                .into_iter()
                .filter_map(|x| target(file, 0, x, diags))
                .collect();
            task.origin = file.origin(start);
            task
        })
        .collect()
}

fn target(
    file: &SourceFile,
    base: usize,
    raw: Spanned<RawTarget>,
    diags: &mut Diagnostics,
) -> Option<Target> {
    let start = base + raw.span().start;
    let raw = raw.into_inner();
    let comparator = match Comparator::parse(raw.comparator.get_ref()) {
        Some(c) => c,
        None => {
            diags.push(
                file.error(
                    base + raw.comparator.span().start,
                    format!("unknown comparator \"{}\"", raw.comparator.get_ref()),
                )
                .with_help(format!(
                    "use one of {}",
                    Comparator::ALL.map(|c| format!("\"{c}\"")).join(", ")
                )),
            );
            return None;
        }
    };
    if comparator != Comparator::Qualitative && raw.value.is_none() {
        diags.push(
            file.error(start, format!("target \"{}\" has comparator \"{}\" but no value", raw.id.get_ref(), comparator.as_str()))
                .with_help("give the number (value = 98.0), or use comparator = \"qualitative\" for an outcome without a number"),
        );
    }
    if let Some(v) = raw.value {
        if !v.is_finite() {
            diags.push(file.error(start, format!("target value {v} is not a finite number")));
            return None;
        }
    }
    let year = match &raw.year {
        Some(y) if !(1900..=2200).contains(y.get_ref()) => {
            diags.push(
                file.error(
                    base + y.span().start,
                    format!("year {} is out of range", y.get_ref()),
                )
                .with_help("write the four-digit year, e.g. 2025"),
            );
            None
        }
        Some(y) => Some(*y.get_ref() as i32),
        None => None,
    };
    let baseline = raw.baseline.map(|b| {
        let b = b.into_inner();
        Baseline {
            value: b.value,
            date: b.date.as_ref().and_then(|d| file.date(base, d, diags)),
            year: b.year,
            source: b.source,
        }
    });
    Some(Target {
        id: TargetId(raw.id.into_inner()),
        text: raw.text,
        metric: raw.metric,
        year,
        value: raw.value,
        unit: raw.unit,
        comparator,
        baseline,
        origin: file.origin(start),
    })
}
