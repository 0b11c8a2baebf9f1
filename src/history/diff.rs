//! Two published versions of a plan's tasks or targets → the changes between them, classified.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Comparator, Date, Report, Target, Task};

/// What kind of change a [`Change`] is; its label is what pages show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A target made weaker: value lowered for `>=`, raised for `<=`, a smaller
    /// `decrease_by`/`increase_by`.
    TargetLowered,
    /// A target made stronger.
    TargetRaised,
    /// A target changed in a way that is neither (comparator, unit, `=` value, a value added).
    TargetChanged,
    DeadlineLater,
    DeadlineEarlier,
    DeadlineRemoved,
    TargetRemoved,
    TargetAdded,
    /// A title, text or metric reworded.
    Reworded,
    /// Lead or responsible units changed.
    UnitsChanged,
    BaselineChanged,
    TaskAdded,
    TaskRemoved,
    /// A published progress report's figure changed with no `[[correction]]` saying so.
    SilentCorrection,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::TargetLowered => "目标下调",
            Kind::TargetRaised => "目标上调",
            Kind::TargetChanged => "目标调整",
            Kind::DeadlineLater => "期限推迟",
            Kind::DeadlineEarlier => "期限提前",
            Kind::DeadlineRemoved => "期限删除",
            Kind::TargetRemoved => "目标删除",
            Kind::TargetAdded => "新增目标",
            Kind::Reworded => "表述调整",
            Kind::UnitsChanged => "责任调整",
            Kind::BaselineChanged => "基线调整",
            Kind::TaskAdded => "新增任务",
            Kind::TaskRemoved => "任务删除",
            Kind::SilentCorrection => "未说明的更正",
        }
    }

    /// A change that asks less of the government than was published: listed prominently.
    pub fn weakens(self) -> bool {
        matches!(
            self,
            Kind::TargetLowered | Kind::DeadlineLater | Kind::DeadlineRemoved | Kind::TargetRemoved
        )
    }
}

/// A value before or after a change, as data (`null`, a number, a text or a list).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Val {
    None,
    Int(i64),
    Num(f64),
    Text(String),
    List(Vec<String>),
}

impl Val {
    fn num(v: Option<f64>) -> Val {
        v.map_or(Val::None, Val::Num)
    }

    fn year(v: Option<i32>) -> Val {
        v.map_or(Val::None, |y| Val::Int(i64::from(y)))
    }

    fn text(v: Option<&str>) -> Val {
        v.map_or(Val::None, |s| Val::Text(s.to_string()))
    }
}

/// Every [`Change::field`] there is.
pub(super) const FIELDS: [&str; 16] = [
    "title",
    "text",
    "lead",
    "responsible",
    "task",
    "target",
    "value",
    "unit",
    "comparator",
    "year",
    "metric",
    "baseline.value",
    "baseline.year",
    "baseline.date",
    "measure",
    "percent",
];

/// One published change to one field of a task or target.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub plan: String,
    pub task: Option<String>,
    pub target: Option<String>,
    /// `title`, `text`, `lead`, `responsible`, `task`, `target`, `value`, `unit`, `comparator`,
    /// `year`, `metric`, `baseline.value`, `baseline.year`, `baseline.date` (targets and
    /// tasks); `measure`, `percent` (progress reports).
    pub field: &'static str,
    pub old: Val,
    pub new: Val,
    /// The committer date of the commit that made the change (in the committer's time zone).
    pub date: Date,
    pub commit: String,
    pub kind: Kind,
    pub label: &'static str,
    /// The target's text (its newer one when it has both), to say which target changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_text: Option<String>,
    /// The target's unit, for showing values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// For a progress report's figure: the date the report is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<Date>,
}

/// A change as kept in the cache file ([`super::cache`]): [`Change`] with owned texts.
#[derive(Deserialize)]
pub(super) struct Kept {
    plan: String,
    task: Option<String>,
    target: Option<String>,
    field: String,
    old: Val,
    new: Val,
    #[serde(deserialize_with = "super::cache::date::one")]
    date: Date,
    commit: String,
    kind: Kind,
    target_text: Option<String>,
    unit: Option<String>,
    #[serde(default, deserialize_with = "super::cache::date::maybe")]
    report: Option<Date>,
}

impl Kept {
    /// The change, when its field is one there is.
    pub(super) fn change(self) -> Option<Change> {
        Some(Change {
            field: FIELDS.iter().find(|f| **f == self.field)?,
            plan: self.plan,
            task: self.task,
            target: self.target,
            old: self.old,
            new: self.new,
            date: self.date,
            commit: self.commit,
            kind: self.kind,
            label: self.kind.label(),
            target_text: self.target_text,
            unit: self.unit,
            report: self.report,
        })
    }
}

/// A change before it is dated: what the diff of two versions finds.
#[derive(Debug, Clone)]
pub(super) struct Draft {
    pub task: Option<String>,
    pub target: Option<String>,
    pub field: &'static str,
    pub old: Val,
    pub new: Val,
    pub kind: Kind,
    pub target_text: Option<String>,
    pub unit: Option<String>,
    pub report: Option<Date>,
}

fn draft(field: &'static str, old: Val, new: Val, kind: Kind) -> Draft {
    Draft {
        task: None,
        target: None,
        field,
        old,
        new,
        kind,
        target_text: None,
        unit: None,
        report: None,
    }
}

/// The changes from `old` to `new` tasks of one plan, in the newer file's order.
pub(super) fn tasks(old: &[Task], new: &[Task]) -> Vec<Draft> {
    let before: BTreeMap<&str, &Task> = old.iter().map(|t| (t.id.as_str(), t)).collect();
    let after: BTreeMap<&str, &Task> = new.iter().map(|t| (t.id.as_str(), t)).collect();
    let mut out = Vec::new();
    for n in new {
        let mut found = match before.get(n.id.as_str()) {
            Some(o) => task(o, n),
            None => vec![draft(
                "task",
                Val::None,
                Val::Text(n.title.clone()),
                Kind::TaskAdded,
            )],
        };
        for d in &mut found {
            d.task = Some(n.id.0.clone());
        }
        out.extend(found);
    }
    for o in old.iter().filter(|o| !after.contains_key(o.id.as_str())) {
        let mut found = vec![draft(
            "task",
            Val::Text(o.title.clone()),
            Val::None,
            Kind::TaskRemoved,
        )];
        // Its targets went with it: each is a removed target.
        found.extend(targets(&o.targets, &[]));
        for d in &mut found {
            d.task = Some(o.id.0.clone());
        }
        out.extend(found);
    }
    out
}

fn task(o: &Task, n: &Task) -> Vec<Draft> {
    let mut out = Vec::new();
    if o.title != n.title {
        out.push(draft(
            "title",
            Val::Text(o.title.clone()),
            Val::Text(n.title.clone()),
            Kind::Reworded,
        ));
    }
    if o.text != n.text {
        out.push(draft(
            "text",
            Val::Text(o.text.clone()),
            Val::Text(n.text.clone()),
            Kind::Reworded,
        ));
    }
    let names = |l: &[crate::model::UnitRef]| -> Vec<String> {
        l.iter().map(|u| u.printed.clone()).collect()
    };
    for (field, a, b) in [
        ("lead", names(&o.lead), names(&n.lead)),
        ("responsible", names(&o.responsible), names(&n.responsible)),
    ] {
        if a != b {
            out.push(draft(field, Val::List(a), Val::List(b), Kind::UnitsChanged));
        }
    }
    out.extend(targets(&o.targets, &n.targets));
    out
}

/// The changes from `old` to `new` targets (of one task, or a plan's own).
pub(super) fn targets(old: &[Target], new: &[Target]) -> Vec<Draft> {
    let before: BTreeMap<&str, &Target> = old.iter().map(|t| (t.id.as_str(), t)).collect();
    let after: BTreeMap<&str, &Target> = new.iter().map(|t| (t.id.as_str(), t)).collect();
    let mut out = Vec::new();
    for n in new {
        let mut found = match before.get(n.id.as_str()) {
            Some(o) => target(o, n),
            None => vec![draft(
                "target",
                Val::None,
                Val::Text(summary(n)),
                Kind::TargetAdded,
            )],
        };
        for d in &mut found {
            d.target = Some(n.id.0.clone());
            d.target_text = Some(n.text.clone());
            d.unit.clone_from(&n.unit);
        }
        out.extend(found);
    }
    for o in old.iter().filter(|o| !after.contains_key(o.id.as_str())) {
        let mut d = draft(
            "target",
            Val::Text(summary(o)),
            Val::None,
            Kind::TargetRemoved,
        );
        d.target = Some(o.id.0.clone());
        d.target_text = Some(o.text.clone());
        d.unit.clone_from(&o.unit);
        out.push(d);
    }
    out
}

fn target(o: &Target, n: &Target) -> Vec<Draft> {
    let mut out = Vec::new();
    if o.text != n.text {
        out.push(draft(
            "text",
            Val::Text(o.text.clone()),
            Val::Text(n.text.clone()),
            Kind::Reworded,
        ));
    }
    if o.metric != n.metric {
        out.push(draft(
            "metric",
            Val::text(o.metric.as_deref()),
            Val::text(n.metric.as_deref()),
            Kind::Reworded,
        ));
    }
    if o.comparator != n.comparator {
        out.push(draft(
            "comparator",
            Val::Text(o.comparator.as_str().into()),
            Val::Text(n.comparator.as_str().into()),
            Kind::TargetChanged,
        ));
    }
    if o.unit != n.unit {
        out.push(draft(
            "unit",
            Val::text(o.unit.as_deref()),
            Val::text(n.unit.as_deref()),
            Kind::TargetChanged,
        ));
    }
    if o.value != n.value {
        let comparable = o.comparator == n.comparator && o.unit == n.unit;
        let kind = match (o.value, n.value) {
            (Some(a), Some(b)) if comparable => match n.comparator {
                Comparator::AtLeast | Comparator::IncreaseBy | Comparator::DecreaseBy => {
                    if b < a {
                        Kind::TargetLowered
                    } else {
                        Kind::TargetRaised
                    }
                }
                Comparator::AtMost => {
                    if b > a {
                        Kind::TargetLowered
                    } else {
                        Kind::TargetRaised
                    }
                }
                Comparator::Equal | Comparator::Qualitative => Kind::TargetChanged,
            },
            _ => Kind::TargetChanged,
        };
        out.push(draft("value", Val::num(o.value), Val::num(n.value), kind));
    }
    if o.year != n.year {
        let kind = match (o.year, n.year) {
            (Some(a), Some(b)) if b > a => Kind::DeadlineLater,
            (Some(_), Some(_)) => Kind::DeadlineEarlier,
            (Some(_), None) => Kind::DeadlineRemoved,
            _ => Kind::TargetChanged,
        };
        out.push(draft("year", Val::year(o.year), Val::year(n.year), kind));
    }
    let (ob, nb) = (
        o.baseline.clone().unwrap_or_default(),
        n.baseline.clone().unwrap_or_default(),
    );
    if ob.value != nb.value {
        out.push(draft(
            "baseline.value",
            Val::num(ob.value),
            Val::num(nb.value),
            Kind::BaselineChanged,
        ));
    }
    if ob.year != nb.year {
        out.push(draft(
            "baseline.year",
            Val::year(ob.year),
            Val::year(nb.year),
            Kind::BaselineChanged,
        ));
    }
    if ob.date != nb.date {
        let d = |x: Option<Date>| x.map_or(Val::None, |d| Val::Text(d.to_string()));
        out.push(draft(
            "baseline.date",
            d(ob.date),
            d(nb.date),
            Kind::BaselineChanged,
        ));
    }
    out
}

/// The figures of a published progress report changed in `new` with no `[[correction]]` of
/// `new` that `old` lacked saying so: each measure (by target and date) whose value changed or
/// went, and the percent complete. Edits to the text alone are not flagged.
pub(super) fn report(old: &Report, new: &Report) -> Vec<Draft> {
    let added: Vec<&crate::model::Correction> = new
        .corrections
        .iter()
        .filter(|c| {
            !old.corrections
                .iter()
                .any(|o| o.date == c.date && o.note == c.note && o.target == c.target)
        })
        .collect();
    let explained = |target: Option<&str>| {
        added
            .iter()
            .any(|c| c.target.is_none() || c.target.as_ref().map(|t| t.as_str()) == target)
    };
    let mut out = Vec::new();
    for m in &old.measures {
        let now = new
            .measures
            .iter()
            .find(|n| n.target == m.target && n.as_of == m.as_of);
        if now.map(|n| n.value) == Some(m.value) || explained(Some(m.target.as_str())) {
            continue;
        }
        let mut d = draft(
            "measure",
            Val::Num(m.value),
            Val::num(now.map(|n| n.value)),
            Kind::SilentCorrection,
        );
        d.target = Some(m.target.0.clone());
        d.unit.clone_from(&m.unit);
        out.push(d);
    }
    if old.percent != new.percent && !explained(None) {
        out.push(draft(
            "percent",
            Val::num(old.percent),
            Val::num(new.percent),
            Kind::SilentCorrection,
        ));
    }
    for d in &mut out {
        d.task = Some(new.task.0.clone());
        d.report = Some(new.date);
    }
    out
}

/// A target in one line: its text, and its figure and deadline when it has them.
fn summary(t: &Target) -> String {
    let mut parts = Vec::new();
    if let Some(v) = t.value {
        parts.push(format!(
            "{} {v}{}",
            t.comparator.label(),
            t.unit.as_deref().unwrap_or("")
        ));
    }
    if let Some(y) = t.year {
        parts.push(format!("{y}年"));
    }
    if parts.is_empty() {
        t.text.clone()
    } else {
        format!("{}({})", t.text, parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tasks_of(toml: &str) -> Vec<Task> {
        crate::content::parse_tasks_version(std::path::Path::new("tasks.toml"), toml)
            .expect("test tasks parse")
    }

    fn one(comparator: &str, value: f64, year: i32) -> Vec<Task> {
        tasks_of(&format!(
            "[[task]]\nid = \"1\"\ntitle = \"任务\"\n[[task.target]]\nid = \"a\"\ntext = \"目标\"\n\
             comparator = \"{comparator}\"\nvalue = {value:?}\nunit = \"%\"\nyear = {year}\n"
        ))
    }

    fn kinds(old: &[Task], new: &[Task]) -> Vec<(&'static str, Kind)> {
        tasks(old, new).iter().map(|d| (d.field, d.kind)).collect()
    }

    #[test]
    fn a_weaker_value_is_lowered_whichever_way_the_comparator_points() {
        for (cmp, from, to, kind) in [
            (">=", 98.0, 95.0, Kind::TargetLowered),
            (">=", 95.0, 98.0, Kind::TargetRaised),
            ("<=", 9.0, 10.0, Kind::TargetLowered),
            ("<=", 10.0, 9.0, Kind::TargetRaised),
            ("decrease_by", 10.0, 8.0, Kind::TargetLowered),
            ("increase_by", 10.0, 8.0, Kind::TargetLowered),
            ("increase_by", 8.0, 10.0, Kind::TargetRaised),
            ("=", 8.0, 10.0, Kind::TargetChanged),
        ] {
            assert_eq!(
                kinds(&one(cmp, from, 2025), &one(cmp, to, 2025)),
                [("value", kind)],
                "{cmp} {from} → {to}"
            );
        }
    }

    #[test]
    fn a_value_under_another_comparator_is_not_called_lowered() {
        assert_eq!(
            kinds(&one(">=", 98.0, 2025), &one("<=", 95.0, 2025)),
            [
                ("comparator", Kind::TargetChanged),
                ("value", Kind::TargetChanged)
            ]
        );
    }

    #[test]
    fn deadlines_moved_either_way_and_both_changes_of_one_edit_are_kept() {
        assert_eq!(
            kinds(&one(">=", 98.0, 2025), &one(">=", 98.0, 2027)),
            [("year", Kind::DeadlineLater)]
        );
        assert_eq!(
            kinds(&one(">=", 98.0, 2025), &one(">=", 95.0, 2024)),
            [
                ("value", Kind::TargetLowered),
                ("year", Kind::DeadlineEarlier)
            ]
        );
    }

    #[test]
    fn a_removed_task_takes_its_targets_with_it() {
        let k = kinds(&one(">=", 98.0, 2025), &[]);
        assert_eq!(
            k,
            [("task", Kind::TaskRemoved), ("target", Kind::TargetRemoved)]
        );
        assert!(Kind::TargetRemoved.weakens() && !Kind::TaskAdded.weakens());
    }

    #[test]
    fn an_unchanged_version_has_no_changes() {
        assert!(tasks(&one(">=", 98.0, 2025), &one(">=", 98.0, 2025)).is_empty());
    }
}
