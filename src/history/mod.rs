//! 修订记录: every published change to a plan's tasks and targets, from the git history of
//! `content/`.
//!
//! In: the project root. Out: [`History`], the changes newest first, each with the commit that
//! made it, its committer date, the old and new value and a [`Kind`] (目标下调, 期限推迟, …).
//! Only commits count: what is edited and not yet committed is not published history. The
//! history followed is HEAD's first parents (a merge counts as one change to the line it joins).
//! Read with `gix`, no git executable; the wall clock is never read, so the same commits give
//! the same value. Without a repository the build goes on without it ([`read`] says why).

mod cache;
mod diff;
mod git;

use std::path::Path;
use std::sync::Arc;

use serde::Serialize;

pub use cache::{store, FOLDER as CACHE_FOLDER};
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
    /// Commits this reading walked: all of them, only those since the cache's HEAD, or none
    /// (taken from the cache as it is). Not part of `data/history.json`.
    pub walked: usize,
    /// Where the reading stopped, for the next to go on from ([`cache`]).
    state: Option<Arc<cache::State>>,
    /// Read now, not taken as it is from the cache file: [`store`] writes it.
    fresh: bool,
}

/// Reads the history of `root`'s `content/`; with no history, an empty one and a note saying
/// why (the caller shows it once). Goes on from the history the last build kept
/// ([`store`]) when it can.
pub fn read(root: &Path) -> (History, Option<String>) {
    read_since(root, None).expect("with nothing known, a history is always read")
}

/// [`read`], going on from `known` (a history read before by this process, `serve`) instead
/// of the cache file; `None` when HEAD has not moved since `known` was read.
pub fn read_since(root: &Path, known: Option<&History>) -> Option<(History, Option<String>)> {
    Some(match git::read(root, known) {
        Ok(git::Read::Same) => return None,
        Ok(git::Read::New(h)) => {
            let note = (!h.limits.is_empty()).then(|| format!("修订记录: {}", h.limits.join("; ")));
            (h, note)
        }
        Err(why) => (
            History::default(),
            Some(format!(
                "修订记录 (revision history) is off: {why}; pages show no revisions and data/history.json is not written"
            )),
        ),
    })
}

/// What `data/history.json` holds at its top (name, JSON type, meaning); the data page and
/// `datapackage.json` describe it with [`CHANGE_FIELDS`].
pub const FILE_FIELDS: [(&str, &str, &str); 5] = [
    ("head", "string", "读取修订记录时的版本(git 提交的完整 id)"),
    (
        "commits",
        "integer",
        "读取的版本数(沿主线,合并计为一个版本)",
    ),
    ("since", "date", "最早读取的版本的日期"),
    (
        "limits",
        "array",
        "修订记录不能显示的部分(如浅克隆之前的修改);为空表示完整",
    ),
    ("changes", "array", "每一处修改,最新的在前;各项字段见下表"),
];

/// The fields of each change in `data/history.json` (name, JSON type, meaning).
pub const CHANGE_FIELDS: [(&str, &str, &str); 13] = [
    ("plan", "string", "规划 id(其文件夹名;文件夹改名后为新名)"),
    ("task", "string", "任务 id;规划本身(plan.toml)的目标为 null"),
    ("target", "string", "目标 id;任务本身的修改为 null"),
    ("field", "string", "修改的字段:title 标题、text 表述、lead 牵头单位、responsible 责任单位、task 任务(新增或删除)、target 目标(新增或删除)、value 目标值、unit 计量单位、comparator 比较方式、year 期限、metric 指标、baseline.value/baseline.year/baseline.date 基线、measure 进展报告测量值、percent 完成百分比"),
    ("old", "any", "修改前的值:数值、文字、单位名称列表;null 表示新增"),
    ("new", "any", "修改后的值;null 表示删除"),
    ("date", "date", "修改所在版本的提交日期(提交者所在时区),YYYY-MM-DD"),
    ("commit", "string", "修改所在版本(git 提交的完整 id)"),
    ("kind", "string", "修改类型:target_lowered 目标下调、target_raised 目标上调、target_changed 目标调整、deadline_later 期限推迟、deadline_earlier 期限提前、deadline_removed 期限删除、target_removed 目标删除、target_added 新增目标、reworded 表述调整、units_changed 责任调整、baseline_changed 基线调整、task_added 新增任务、task_removed 任务删除、silent_correction 未说明的更正(已发布进展报告的数值被修改而未加 [[correction]])"),
    ("label", "string", "修改类型的中文名称"),
    ("target_text", "string", "目标的表述(仅目标的修改有此字段)"),
    ("unit", "string", "目标的计量单位(有单位时)"),
    ("report", "date", "进展报告的报告日期(仅进展报告数值的修改有此字段)"),
];

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
    /// The plan's title and page (the change log lists every plan's).
    pub plan_title: Option<String>,
    pub plan_url: Option<String>,
}

/// The change log's list of weakened targets: the newest [`WeakenedLog::SHOWN`] of every
/// plan's, and how many each plan has.
#[derive(Debug, Clone, Default, Serialize)]
pub struct WeakenedLog {
    pub items: Vec<Revision>,
    pub total: usize,
    /// (plan title, plan page, count), in the site's order of plans.
    pub plans: Vec<(String, String, usize)>,
}

impl WeakenedLog {
    pub const SHOWN: usize = 100;
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
        let mut out = self.weakened(plan.id());
        for r in &mut out {
            r.name_task(plan);
        }
        out
    }

    /// Every plan's weakened targets for the change log (更新记录), newest first, each naming
    /// its plan and task: the newest [`WeakenedLog::SHOWN`], and the count of each plan.
    pub fn weakened_log(&self, plans: &[crate::derive::PlanView]) -> WeakenedLog {
        let by_id: std::collections::HashMap<&str, &crate::derive::PlanView> =
            plans.iter().map(|p| (p.id(), p)).collect();
        let weakened = self.changes.iter().filter(|c| c.kind.weakens());
        let mut log = WeakenedLog::default();
        let mut counts: std::collections::HashMap<&str, usize> = Default::default();
        for c in weakened {
            log.total += 1;
            *counts.entry(c.plan.as_str()).or_default() += 1;
            if log.items.len() < WeakenedLog::SHOWN {
                let mut r = Revision::of(c);
                if let Some(plan) = by_id.get(c.plan.as_str()) {
                    r.name_task(plan);
                    r.plan_title = Some(plan.plan.title.clone());
                    r.plan_url = Some(plan.url.clone());
                }
                log.items.push(r);
            }
        }
        log.plans = plans
            .iter()
            .filter_map(|p| {
                let n = *counts.get(p.id())?;
                Some((p.plan.title.clone(), p.url.clone(), n))
            })
            .collect();
        log
    }

    /// The changes that weakened each target, newest first, by (plan, task, target): the
    /// target trackers say their status is computed against the changed target.
    pub fn weakened_targets(&self) -> std::collections::HashMap<TargetKey<'_>, Vec<Revision>> {
        let mut out: std::collections::HashMap<TargetKey<'_>, Vec<Revision>> = Default::default();
        for c in self.changes.iter().filter(|c| c.kind.weakens()) {
            if let Some(target) = c.target.as_deref() {
                out.entry((c.plan.as_str(), c.task.as_deref(), target))
                    .or_default()
                    .push(Revision::of(c));
            }
        }
        out
    }

    /// The fingerprint of everything a plan's own pages show of the history (its changes),
    /// so `serve` renders them again exactly when it changed.
    pub fn plan_fingerprint(&self, plan: &str) -> crate::util::hash::Fingerprint {
        let mut h = crate::util::hash::Hasher::new();
        for c in self.changes.iter().filter(|c| c.plan == plan) {
            // Plain data: serialising into a hasher cannot fail.
            let _ = serde_json::to_writer(&mut h, c);
        }
        h.fingerprint()
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

/// A target as (plan, task — `None` for a plan's own —, target) ids.
pub type TargetKey<'a> = (&'a str, Option<&'a str>, &'a str);

impl Revision {
    /// Names the task and links to it, when it is still in `plan`.
    fn name_task(&mut self, plan: &crate::derive::PlanView) {
        let task = self
            .task
            .as_deref()
            .and_then(|id| plan.tasks.iter().find(|t| t.id() == id));
        if let Some(t) = task {
            self.task_number = Some(t.number.clone());
            self.task_title = Some(t.task.title.clone());
            self.task_url = Some(t.url.clone());
        }
    }

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
            plan_title: None,
            plan_url: None,
        }
    }
}
