//! Validate: cross-file checks on the loaded [`Content`], and unit-name resolution.
//!
//! In: the content model as loaded. Out: the same model with every printed unit name resolved
//! to a unit id, plus located diagnostics for everything that does not fit together: duplicate
//! ids, unknown units (with a did-you-mean), progress for unknown tasks or targets, figures in
//! the wrong unit, dates after `as_of`, and the disclosure section's content ([`disclosure`]).
//! It never reads or writes files.

pub mod compare;
pub mod disclosure;

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::diagnostics::{did_you_mean, Diagnostic, Diagnostics};
use crate::model::{Content, Origin, Plan, Target, Unit, UnitId, UnitRef};
use crate::util::url::is_safe_url;

fn error(o: &Origin, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(&o.path, o.pos, message)
}

fn warning(o: &Origin, message: impl Into<String>) -> Diagnostic {
    Diagnostic::warning(&o.path, o.pos, message)
}

/// Name → unit lookup for one jurisdiction (or for all units, when a plan names none).
struct UnitIndex<'a> {
    by_name: HashMap<&'a str, &'a UnitId>,
    names: Vec<&'a str>,
}

impl<'a> UnitIndex<'a> {
    fn new(units: impl Iterator<Item = &'a Unit>) -> Self {
        let mut by_name = HashMap::new();
        let mut names = Vec::new();
        for u in units {
            for n in std::iter::once(&u.name)
                .chain(&u.aliases)
                .chain(&u.full_name)
            {
                by_name.entry(n.as_str()).or_insert(&u.id);
                names.push(n.as_str());
            }
        }
        names.sort_unstable();
        names.dedup();
        UnitIndex { by_name, names }
    }
}

pub fn validate(mut content: Content, diags: &mut Diagnostics) -> Content {
    check_units(&content.units, diags);
    compare::check_catalogue(&content.metrics, diags);
    let jurisdictions: HashSet<&str> = content
        .units
        .iter()
        .map(|u| u.jurisdiction.as_str())
        .collect();
    let mut indexes: BTreeMap<Option<String>, UnitIndex> = BTreeMap::new();
    for plan in &content.plans {
        let key = plan
            .jurisdiction
            .clone()
            .filter(|j| jurisdictions.contains(j.as_str()));
        if let Some(j) = &plan.jurisdiction {
            if !jurisdictions.contains(j.as_str()) {
                diags.push(
                    error(&plan.origin, format!("jurisdiction \"{j}\" has no units file"))
                        .with_help(format!("add content/units/{j}.toml listing the plan's units (gongkai import writes one)")),
                );
            }
        }
        indexes.entry(key.clone()).or_insert_with(|| {
            UnitIndex::new(
                content
                    .units
                    .iter()
                    .filter(|u| key.as_deref().is_none_or(|j| u.jurisdiction == j)),
            )
        });
    }
    let as_of = content.site.as_of;
    for plan in &mut content.plans {
        let key = plan
            .jurisdiction
            .clone()
            .filter(|j| jurisdictions.contains(j.as_str()));
        let index = &indexes[&key];
        for task in &mut plan.tasks {
            for r in task.lead.iter_mut().chain(task.responsible.iter_mut()) {
                resolve(r, index, diags);
            }
        }
        check_plan(plan, as_of, diags);
    }
    disclosure::check(&content, diags);
    content
}

fn resolve(r: &mut UnitRef, index: &UnitIndex, diags: &mut Diagnostics) {
    match index.by_name.get(r.printed.as_str()) {
        Some(id) => r.unit = Some((*id).clone()),
        None => {
            let d = error(&r.origin, format!("unknown unit \"{}\"", r.printed));
            diags.push(match did_you_mean(&r.printed, index.names.iter().copied()) {
                Some(s) => d.with_help(format!("did you mean \"{s}\"? Otherwise add it (or an alias) to the plan's units file")),
                None => d.with_help("add the unit, or this name as an alias of one, to the plan's content/units/<jurisdiction>.toml"),
            });
        }
    }
}

fn check_units(units: &[Unit], diags: &mut Diagnostics) {
    let mut seen: HashMap<&str, &Unit> = HashMap::new();
    let mut names: HashMap<(&str, &str), &Unit> = HashMap::new();
    for u in units {
        if let Some(first) = seen.insert(u.id.as_str(), u) {
            diags.push(
                error(&u.origin, format!("duplicate unit id \"{}\"", u.id)).with_help(format!(
                    "first defined at {}:{}; unit ids must be unique across all units files",
                    first.origin.path.display(),
                    first.origin.pos.line
                )),
            );
        }
        for n in std::iter::once(&u.name).chain(&u.aliases) {
            if let Some(other) = names.insert((u.jurisdiction.as_str(), n.as_str()), u) {
                if other.id != u.id {
                    diags.push(
                        warning(&u.origin, format!("name \"{n}\" is used by units \"{}\" and \"{}\"", other.id, u.id))
                            .with_help("a printed name resolves to the first of them; remove the alias from the other"),
                    );
                }
            }
        }
    }
}

fn check_plan(plan: &Plan, as_of: Option<crate::model::Date>, diags: &mut Diagnostics) {
    let mut task_ids: HashMap<&str, &Origin> = HashMap::new();
    let mut targets: HashMap<&str, (Option<&str>, &Target)> = HashMap::new();
    for t in &plan.targets {
        if let Some((_, first)) = targets.insert(t.id.as_str(), (None, t)) {
            diags.push(duplicate("target", t.id.as_str(), &t.origin, &first.origin));
        }
    }
    for task in &plan.tasks {
        if let Some(first) = task_ids.insert(task.id.as_str(), &task.origin) {
            diags.push(duplicate("task", task.id.as_str(), &task.origin, first));
        }
        for t in &task.targets {
            if let Some((_, first)) = targets.insert(t.id.as_str(), (Some(task.id.as_str()), t)) {
                diags.push(duplicate("target", t.id.as_str(), &t.origin, &first.origin));
            }
        }
    }
    let mut reports: HashMap<(&str, crate::model::Date), &Origin> = HashMap::new();
    for r in &plan.progress {
        if !task_ids.contains_key(r.task.as_str()) {
            let d = error(
                &r.origin,
                format!(
                    "progress for unknown task \"{}\" of plan \"{}\"",
                    r.task, plan.id
                ),
            );
            let ids: Vec<&str> = plan.tasks.iter().map(|t| t.id.as_str()).collect();
            diags.push(match did_you_mean(r.task.as_str(), ids) {
                Some(s) => d.with_help(format!("did you mean \"{s}\"?")),
                None => d.with_help("task is the id of a [[task]] in the plan's tasks.toml"),
            });
            continue;
        }
        if let Some(first) = reports.insert((r.task.as_str(), r.date), &r.origin) {
            diags.push(
                error(
                    &r.origin,
                    format!("a second report for task \"{}\" dated {}", r.task, r.date),
                )
                .with_help(format!(
                    "the first is {}:{}; merge them, or correct the date",
                    first.path.display(),
                    first.pos.line
                )),
            );
        }
        if let Some(a) = as_of {
            if r.date > a {
                diags.push(
                    error(
                        &r.origin,
                        format!("report date {} is after the site's as_of date {a}", r.date),
                    )
                    .with_help("raise as_of in content/site.toml, or correct the report's date"),
                );
            }
        }
        if let Some(p) = r.published {
            if p < r.date {
                diags.push(warning(
                    &r.origin,
                    format!(
                        "report published {p}, before the date it reports on ({})",
                        r.date
                    ),
                ));
            }
        }
        for m in &r.measures {
            match targets.get(m.target.as_str()) {
                None => diags.push(
                    error(
                        &m.origin,
                        format!("measure for unknown target \"{}\"", m.target),
                    )
                    .with_help(format!(
                        "targets of task \"{}\": {}",
                        r.task,
                        target_list(plan, r.task.as_str())
                    )),
                ),
                Some((Some(owner), _)) if *owner != r.task.as_str() => diags.push(
                    error(
                        &m.origin,
                        format!(
                            "target \"{}\" belongs to task \"{owner}\", not to task \"{}\"",
                            m.target, r.task
                        ),
                    )
                    .with_help("report the figure in a report for its own task"),
                ),
                Some((_, t)) => {
                    if let (Some(mu), Some(tu)) = (&m.unit, &t.unit) {
                        if mu != tu {
                            diags.push(
                                error(&m.origin, format!("measure unit \"{mu}\" does not match target \"{}\"'s unit \"{tu}\"", t.id))
                                    .with_help("convert the figure to the target's unit, or leave unit out"),
                            );
                        }
                    }
                    if t.value.is_none() {
                        diags.push(warning(
                            &m.origin,
                            format!(
                                "target \"{}\" is qualitative; its measures are not used",
                                t.id
                            ),
                        ));
                    }
                    if let Some(a) = as_of {
                        if m.as_of > a {
                            diags.push(error(
                                &m.origin,
                                format!(
                                    "measure dated {} is after the site's as_of date {a}",
                                    m.as_of
                                ),
                            ));
                        }
                    }
                }
            }
        }
        for c in &r.corrections {
            match &c.target {
                Some(t) if !r.measures.iter().any(|m| &m.target == t) => diags.push(
                    error(
                        &c.origin,
                        format!(
                            "correction names target \"{t}\", which this report does not measure"
                        ),
                    )
                    .with_help("a correction belongs in the report whose figure it corrects"),
                ),
                // A note without a previous figure (a changed status or text) corrects no figure.
                None if c.previous.is_some() && r.measures.len() != 1 => diags.push(
                    error(
                        &c.origin,
                        "correction does not say which figure it corrects",
                    )
                    .with_help(
                        "add target = \"<target id>\" (and previous = <the published figure>)",
                    ),
                ),
                _ => {}
            }
            if c.note.trim().is_empty() {
                diags.push(
                    error(&c.origin, "correction has an empty note").with_help(
                        "say what changed and why, e.g. \"96.1 改为 96.8:统计口径更正\"",
                    ),
                );
            }
        }
        for e in &r.evidence {
            if !is_safe_url(&e.url) {
                diags.push(
                    error(
                        &r.origin,
                        format!(
                            "evidence link \"{}\" is not an http(s) or relative URL",
                            e.url
                        ),
                    )
                    .with_help("evidence links must be https://…, http://… or a relative path"),
                );
            }
        }
    }
}

fn target_list(plan: &Plan, task: &str) -> String {
    let ids: Vec<&str> = plan
        .task(task)
        .map(|t| t.targets.iter().map(|x| x.id.as_str()).collect())
        .unwrap_or_default();
    if ids.is_empty() {
        "none".into()
    } else {
        ids.join(", ")
    }
}

fn duplicate(what: &str, id: &str, here: &Origin, first: &Origin) -> Diagnostic {
    error(here, format!("duplicate {what} id \"{id}\"")).with_help(format!(
        "first defined at {}:{}:{}; ids must be unique within a plan",
        first.path.display(),
        first.pos.line,
        first.pos.col
    ))
}
