//! 修订记录: every published change to a plan's tasks and targets, from the git history of
//! `content/`.
//!
//! In: the project root. Out: [`History`], the changes newest first, each with the commit that
//! made it, its committer date, the old and new value and a [`Kind`] (目标下调, 期限推迟, …).
//! Only commits count: what is edited and not yet committed is not published history. The
//! history followed is HEAD's first parents (a merge counts as one change to the line it joins).
//! Read with `gix`, no git executable; the wall clock is never read, so the same commits give
//! the same value. Without a repository the build goes on without it ([`read`] says why).

mod diff;
mod git;

use std::path::Path;

use serde::Serialize;

pub use diff::{Change, Kind, Val};

use crate::model::Date;

/// What the history of `content/` says.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// False when there is no history to read (no repository, no commits).
    pub available: bool,
    /// The commit the history was read from.
    pub head: Option<String>,
    /// Commits on the first-parent line read.
    pub commits: usize,
    /// The date of the oldest commit read.
    pub since: Option<Date>,
    /// What this history cannot show (a shallow clone's cut).
    pub limits: Vec<String>,
    /// Newest first; within one commit, in the order of the files.
    pub changes: Vec<Change>,
}

/// Reads the history of `root`'s `content/`; with no history, an empty one and a note saying
/// why (the caller shows it once).
pub fn read(root: &Path) -> (History, Option<String>) {
    match git::read(root) {
        Ok(h) => {
            let note = (!h.limits.is_empty()).then(|| format!("修订记录: {}", h.limits.join("; ")));
            (h, note)
        }
        Err(why) => (
            History::default(),
            Some(format!(
                "修订记录 (revision history) is off: {why}; pages show no revisions and data/history.json is not written"
            )),
        ),
    }
}

/// A task page's 修订记录: its changes, and how many of them weakened a target.
#[derive(Debug, Clone, Serialize)]
pub struct TaskRevisions {
    pub items: Vec<Revision>,
    pub weakened: usize,
    /// Progress figures changed after publication with no `[[correction]]`.
    pub silent: usize,
}

/// A change as a page shows it: what changed, old → new in words, the date and the label.
#[derive(Debug, Clone, Serialize)]
pub struct Revision {
    pub date: Date,
    pub commit: String,
    pub kind: Kind,
    pub label: &'static str,
    pub weakened: bool,
    /// Shown in the colour of a warning: a weakening or an unexplained correction.
    pub flagged: bool,
    pub task: Option<String>,
    pub target: Option<String>,
    /// What changed, e.g. "目标「森林覆盖率」· 期限".
    pub subject: String,
    pub old: String,
    pub new: String,
    /// The task's number, title and page, when it still has one (plan pages list these).
    pub task_number: Option<String>,
    pub task_title: Option<String>,
    pub task_url: Option<String>,
}

impl History {
    /// The changes to one task (its own fields and its targets), newest first.
    pub fn for_task(&self, plan: &str, task: &str) -> TaskRevisions {
        let items: Vec<Revision> = self
            .changes
            .iter()
            .filter(|c| c.plan == plan && c.task.as_deref() == Some(task))
            .map(Revision::of)
            .collect();
        TaskRevisions {
            weakened: items.iter().filter(|r| r.weakened).count(),
            silent: items
                .iter()
                .filter(|r| r.kind == Kind::SilentCorrection)
                .count(),
            items,
        }
    }

    /// The changes that weakened a plan's targets ([`Kind::weakens`]), newest first.
    pub fn weakened(&self, plan: &str) -> Vec<Revision> {
        self.changes
            .iter()
            .filter(|c| c.plan == plan && c.kind.weakens())
            .map(Revision::of)
            .collect()
    }

    /// [`History::weakened`] for a plan's page, each naming its task and linking to it when
    /// the task is still in the plan.
    pub fn weakened_in(&self, plan: &crate::derive::PlanView) -> Vec<Revision> {
        let mut out = self.weakened(&plan.id);
        for r in &mut out {
            let task = r
                .task
                .as_deref()
                .and_then(|id| plan.tasks.iter().find(|t| t.id == id));
            if let Some(t) = task {
                r.task_number = Some(t.number.clone());
                r.task_title = Some(t.title.clone());
                r.task_url = Some(t.url.clone());
            }
        }
        out
    }

    /// `data/history.json`: every change, newest first.
    pub fn json(&self) -> Vec<u8> {
        #[derive(Serialize)]
        struct Out<'a> {
            head: &'a Option<String>,
            commits: usize,
            since: &'a Option<Date>,
            limits: &'a [String],
            changes: &'a [Change],
        }
        let mut out = serde_json::to_vec_pretty(&Out {
            head: &self.head,
            commits: self.commits,
            since: &self.since,
            limits: &self.limits,
            changes: &self.changes,
        })
        .expect("plain data serialises");
        out.push(b'\n');
        out
    }
}

impl Revision {
    fn of(c: &Change) -> Revision {
        let field = match c.field {
            "title" => "标题",
            "text" if c.target.is_some() => "表述",
            "text" => "任务内容",
            "lead" => "牵头单位",
            "responsible" => "责任单位",
            "task" => "任务",
            "target" => "目标",
            "value" => "目标值",
            "unit" => "计量单位",
            "comparator" => "比较方式",
            "year" => "期限",
            "metric" => "指标",
            "baseline.value" => "基线值",
            "baseline.year" => "基线年份",
            "baseline.date" => "基线日期",
            "measure" => "测量值",
            "percent" => "完成百分比",
            other => other,
        };
        let subject = match (&c.target_text, c.field) {
            _ if c.report.is_some() => format!(
                "{} 的进展报告 · {}{field}",
                c.report.map(|d| d.to_string()).unwrap_or_default(),
                c.target
                    .as_deref()
                    .map(|t| format!("目标 {t} "))
                    .unwrap_or_default()
            ),
            (Some(t), "target") => format!("目标「{t}」"),
            (Some(t), _) => format!("目标「{t}」· {field}"),
            (None, _) => field.to_string(),
        };
        let unit = match c.field {
            "percent" => "%",
            _ => c.unit.as_deref().unwrap_or(""),
        };
        let shown = |v: &Val| match v {
            Val::None => "—".to_string(),
            Val::Int(n) => format!("{n}年"),
            Val::Num(n) => match c.field {
                "year" | "baseline.year" => format!("{n}年"),
                _ => format!("{n}{unit}"),
            },
            Val::Text(s) if c.field == "comparator" => crate::model::Comparator::parse(s)
                .map_or_else(|| s.clone(), |k| k.label().to_string()),
            Val::Text(s) => s.clone(),
            Val::List(l) if l.is_empty() => "—".to_string(),
            Val::List(l) => l.join("、"),
        };
        Revision {
            date: c.date,
            commit: c.commit.chars().take(8).collect(),
            kind: c.kind,
            label: c.label,
            weakened: c.kind.weakens(),
            flagged: c.kind.weakens() || c.kind == Kind::SilentCorrection,
            task: c.task.clone(),
            target: c.target.clone(),
            subject,
            old: shown(&c.old),
            new: shown(&c.new),
            task_number: None,
            task_title: None,
            task_url: None,
        }
    }
}
