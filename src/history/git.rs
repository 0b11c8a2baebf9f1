//! The first-parent history of `content/plans/` in the git repository holding the site.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc as Rc;

use rayon::prelude::*;

use gix::ObjectId;

use super::diff::{self, Draft};
use super::{cache, Change, History};
use crate::model::{Date, Report, Target, Task};

/// The files of one plan folder at one commit, by blob id.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Folder {
    tasks: Option<ObjectId>,
    plan: Option<ObjectId>,
    /// The `progress/` tree.
    progress: Option<ObjectId>,
}

/// The last version of a plan that parsed, which the next one is compared with: blob ids of
/// versions known to parse (parsed when needed, once, through [`Parsed`]).
#[derive(Clone, Copy)]
struct Published {
    tasks: Option<ObjectId>,
    targets: Option<ObjectId>,
    /// The `progress/` tree.
    progress: Option<ObjectId>,
}

struct Commit {
    id: ObjectId,
    date: Date,
    tree: ObjectId,
}

/// Parsed versions, by blob id: a file that did not change between commits is parsed once.
#[derive(Default)]
struct Parsed {
    tasks: HashMap<ObjectId, Option<Rc<Vec<Task>>>>,
    targets: HashMap<ObjectId, Option<Rc<Vec<Target>>>>,
    folders: HashMap<ObjectId, Folder>,
    reports: HashMap<ObjectId, Option<Rc<Report>>>,
}

/// What [`read`] found.
pub(super) enum Read {
    /// HEAD is where `known` was read: it holds.
    Same,
    New(History),
}

/// Reads the history; `Err` says why there is none (the build goes on without it). `known` is
/// a history read before (in memory, or kept by the last build in [`cache`]): when it was read
/// at an ancestor of HEAD on the line followed, only the commits since are read.
pub(super) fn read(root: &Path, known: Option<&History>) -> Result<Read, String> {
    let root = root
        .canonicalize()
        .map_err(|e| format!("{}: {e}", root.display()))?;
    let repo = gix::discover(&root)
        .map_err(|_| format!("{} is not in a git work tree", root.display()))?;
    let workdir = repo
        .workdir()
        .and_then(|w| w.canonicalize().ok())
        .ok_or_else(|| "the git repository has no work tree".to_string())?;
    let prefix = root
        .strip_prefix(&workdir)
        .map_err(|_| format!("{} is outside the git work tree", root.display()))?;
    let plans_path: PathBuf = prefix.join("content").join("plans");
    let head = repo
        .head_commit()
        .map_err(|_| "the git repository has no commits yet".to_string())?;

    let shallow: Vec<ObjectId> = repo
        .shallow_commits()
        .ok()
        .flatten()
        .map(|c| c.iter().copied().collect())
        .unwrap_or_default();
    let key = cache::Key {
        prefix: prefix
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        head: head.id.to_string(),
        shallow: {
            let mut s: Vec<String> = shallow.iter().map(|c| c.to_string()).collect();
            s.sort();
            s
        },
    };
    let from_file = match known {
        Some(_) => None,
        None => cache::load(&root),
    };
    // What was read before, when it can be gone on from: the same place in the same
    // repository, as deep.
    let known = known
        .or(from_file.as_ref())
        .and_then(|h| Some((h, h.state.as_deref()?)))
        .filter(|(_, s)| s.key.prefix == key.prefix && s.key.shallow == key.shallow);
    if known.is_some_and(|(_, s)| s.key == key) {
        return Ok(match from_file {
            // The cache file's, as it is (not to be written again).
            Some(h) => Read::New(h),
            None => Read::Same,
        });
    }
    let resume_at: Option<ObjectId> =
        known.and_then(|(_, s)| ObjectId::from_hex(s.key.head.as_bytes()).ok());

    // First parents from HEAD back: the line of published versions (a merge is compared with
    // the version before it on that line, so what it brought in counts as changed by it). The
    // walk stops at the commit `known` was read at, when it meets it.
    let mut chain = Vec::new();
    let mut cut = false;
    let mut resumed = false;
    let mut next = Some(head.id);
    while let Some(id) = next {
        if Some(id) == resume_at {
            resumed = true;
            break;
        }
        let Ok(commit) = repo.find_commit(id) else {
            cut = true;
            break;
        };
        let time = commit
            .time()
            .map_err(|e| format!("commit {id}: unreadable committer: {e}"))?;
        let tree = commit
            .tree_id()
            .map_err(|e| format!("commit {id}: {e}"))?
            .detach();
        chain.push(Commit {
            id,
            date: commit_date(time.seconds, time.offset),
            tree,
        });
        if shallow.contains(&id) {
            cut = commit.parent_ids().next().is_some();
            break;
        }
        next = commit.parent_ids().next().map(|p| p.detach());
    }
    chain.reverse();

    let mut parsed = Parsed::default();
    let mut published: BTreeMap<String, Published> = BTreeMap::new();
    let mut last_plans_tree: Option<Option<ObjectId>> = None;
    let mut history = History {
        available: true,
        head: Some(key.head.clone()),
        walked: chain.len(),
        fresh: true,
        ..History::default()
    };
    let mut older: Vec<Change> = Vec::new();
    match known.filter(|_| resumed) {
        Some((h, s)) => {
            // Go on from where `h` stopped: its plans as published then (parsed when a new
            // commit changes them).
            history.commits = h.commits + chain.len();
            history.since = h.since;
            history.limits.clone_from(&h.limits);
            older.clone_from(&h.changes);
            let id = |hex: &Option<String>| {
                hex.as_deref()
                    .and_then(|h| ObjectId::from_hex(h.as_bytes()).ok())
            };
            last_plans_tree = s.plans_tree.as_ref().map(id);
            for (name, f) in &s.folders {
                let folder = Published {
                    tasks: id(&f.tasks),
                    targets: id(&f.plan),
                    progress: id(&f.progress),
                };
                published.insert(name.clone(), folder);
            }
        }
        None => {
            history.commits = chain.len();
            history.since = chain.first().map(|c| c.date);
            if cut {
                if let Some(first) = chain.first() {
                    history.limits.push(format!(
                        "the repository is a shallow clone: its history starts at commit {} ({}); changes published before then cannot be shown",
                        short(&first.id),
                        first.date
                    ));
                }
            }
        }
    }

    // (commit index, order within it, change)
    let mut found: Vec<(usize, usize, Change)> = Vec::new();
    // The versions already published (going on from a cache) are parsed only if a new
    // commit changes their plan.
    let known: std::collections::HashSet<ObjectId> = published
        .values()
        .flat_map(|p| p.tasks.into_iter().chain(p.targets))
        .collect();
    preparse(&repo, &chain, &plans_path, &known, &mut parsed)?;
    for (i, commit) in chain.iter().enumerate() {
        let plans_tree = repo
            .find_tree(commit.tree)
            .ok()
            .and_then(|t| t.lookup_entry_by_path(&plans_path).ok().flatten())
            .filter(|e| e.mode().is_tree())
            .map(|e| e.object_id());
        if last_plans_tree == Some(plans_tree) {
            continue;
        }
        last_plans_tree = Some(plans_tree);
        let folders = match plans_tree {
            Some(t) => folders(&repo, t, &mut parsed)?,
            None => BTreeMap::new(),
        };
        let mut drafts: Vec<(String, Draft)> = Vec::new();
        // Folders that vanished in this commit, and new ones: a new folder holding the tasks of
        // one that vanished is that plan renamed, and its history goes with it.
        let vanished: Vec<String> = published
            .keys()
            .filter(|k| !folders.contains_key(*k))
            .cloned()
            .collect();
        for (name, folder) in &folders {
            if published.contains_key(name) {
                continue;
            }
            let new_tasks = folder.tasks.and_then(|b| tasks_of(&repo, &mut parsed, b));
            let mut renamed = None;
            for v in &vanished {
                let Some(p) = published.get(v) else { continue };
                let old_tasks = p.tasks.and_then(|b| tasks_of(&repo, &mut parsed, b));
                if same_tasks(old_tasks.as_ref(), new_tasks.as_ref()) {
                    renamed = Some(v.clone());
                    break;
                }
            }
            if let Some(old) = renamed {
                let state = published.remove(&old).expect("found above");
                for c in found.iter_mut().map(|f| &mut f.2).chain(&mut older) {
                    if c.plan == old {
                        c.plan.clone_from(name);
                    }
                }
                published.insert(name.clone(), state);
            } else {
                // A plan published for the first time: nothing of it changed yet.
                published.insert(
                    name.clone(),
                    Published {
                        tasks: folder.tasks.filter(|_| new_tasks.is_some()),
                        targets: folder
                            .plan
                            .filter(|b| targets_of(&repo, &mut parsed, *b).is_some()),
                        progress: folder.progress,
                    },
                );
            }
        }
        for name in vanished {
            published.remove(&name);
        }
        for (name, folder) in &folders {
            let state = published.get_mut(name).expect("every folder is published");
            if let Some(blob) = folder.tasks {
                if state.tasks != Some(blob) {
                    if let Some(now) = tasks_of(&repo, &mut parsed, blob) {
                        let before = state.tasks.and_then(|b| tasks_of(&repo, &mut parsed, b));
                        if let Some(before) = before {
                            let d = diff::tasks(&before, &now);
                            drafts.extend(d.into_iter().map(|d| (name.clone(), d)));
                        }
                        state.tasks = Some(blob);
                    }
                }
            }
            if let Some(blob) = folder.plan {
                if state.targets != Some(blob) {
                    if let Some(now) = targets_of(&repo, &mut parsed, blob) {
                        let before = state
                            .targets
                            .and_then(|b| targets_of(&repo, &mut parsed, b));
                        if let Some(before) = before {
                            let d = diff::targets(&before, &now);
                            drafts.extend(d.into_iter().map(|d| (name.clone(), d)));
                        }
                        state.targets = Some(blob);
                    }
                }
            }
            if folder.progress != state.progress {
                let files = match folder.progress {
                    Some(t) => reports_in(&repo, t)?,
                    None => BTreeMap::new(),
                };
                if let Some(before) = state.progress {
                    let before = reports_in(&repo, before)?;
                    for (file, blob) in &files {
                        let Some(old) = before.get(file).filter(|b| *b != blob) else {
                            continue;
                        };
                        let old = report_of(&repo, &mut parsed, *old);
                        let new = report_of(&repo, &mut parsed, *blob);
                        if let (Some(old), Some(new)) = (old, new) {
                            let d = diff::report(&old, &new);
                            drafts.extend(d.into_iter().map(|d| (name.clone(), d)));
                        }
                    }
                }
                state.progress = folder.progress;
            }
        }
        let hex = commit.id.to_string();
        for (j, (plan, d)) in drafts.into_iter().enumerate() {
            found.push((
                i,
                j,
                Change {
                    plan,
                    task: d.task,
                    target: d.target,
                    field: d.field,
                    old: d.old,
                    new: d.new,
                    date: commit.date,
                    commit: hex.clone(),
                    kind: d.kind,
                    label: d.kind.label(),
                    target_text: d.target_text,
                    unit: d.unit,
                    report: d.report,
                },
            ));
        }
    }
    // Newest first; within a commit, in the order of the files; then what was read before.
    found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    history.changes = found.into_iter().map(|(_, _, c)| c).chain(older).collect();
    let hex = |id: &ObjectId| id.to_string();
    history.state = Some(std::sync::Arc::new(cache::State {
        key,
        plans_tree: last_plans_tree.map(|t| t.as_ref().map(hex)),
        folders: published
            .iter()
            .map(|(name, p)| {
                let folder = cache::Folder {
                    tasks: p.tasks.as_ref().map(hex),
                    plan: p.targets.as_ref().map(hex),
                    progress: p.progress.as_ref().map(hex),
                };
                (name.clone(), folder)
            })
            .collect(),
    }));
    Ok(Read::New(history))
}

/// At most this many versions to parse are parsed on the history's own thread.
const FEW: usize = 16;

/// Parses every version of every tasks.toml and plan.toml on the line but those in `known`
/// side by side (the bulk of reading the history), so the walk that compares them finds them
/// parsed.
fn preparse(
    repo: &gix::Repository,
    chain: &[Commit],
    plans_path: &Path,
    known: &std::collections::HashSet<ObjectId>,
    parsed: &mut Parsed,
) -> Result<(), String> {
    let mut tasks: Vec<ObjectId> = Vec::new();
    let mut plans: Vec<ObjectId> = Vec::new();
    let mut seen_trees = std::collections::HashSet::new();
    for commit in chain {
        let plans_tree = repo
            .find_tree(commit.tree)
            .ok()
            .and_then(|t| t.lookup_entry_by_path(plans_path).ok().flatten())
            .filter(|e| e.mode().is_tree())
            .map(|e| e.object_id());
        let Some(t) = plans_tree else { continue };
        if !seen_trees.insert(t) {
            continue;
        }
        for folder in folders(repo, t, parsed)?.into_values() {
            tasks.extend(folder.tasks);
            plans.extend(folder.plan);
        }
    }
    let mut unique = known.clone();
    tasks.retain(|b| unique.insert(*b));
    plans.retain(|b| unique.insert(*b));
    let read = |ids: &[ObjectId]| -> Vec<(ObjectId, Option<String>)> {
        ids.iter().map(|b| (*b, text_of(repo, *b))).collect()
    };
    let task_texts = read(&tasks);
    let plan_texts = read(&plans);
    // A few versions (going on from the cache) are parsed here: handed to the thread pool,
    // they would wait for the load beside which the history is read.
    let here = task_texts.len() + plan_texts.len() <= FEW;
    let tasks_of = |t: &str| crate::content::parse_tasks_version(Path::new("tasks.toml"), t);
    let targets_of =
        |t: &str| crate::content::parse_plan_targets_version(Path::new("plan.toml"), t);
    let (t, p) = if here {
        (
            parse_versions(&task_texts, tasks_of, false),
            parse_versions(&plan_texts, targets_of, false),
        )
    } else {
        rayon::join(
            || parse_versions(&task_texts, tasks_of, true),
            || parse_versions(&plan_texts, targets_of, true),
        )
    };
    parsed.tasks.extend(t);
    parsed.targets.extend(p);
    Ok(())
}

/// Each version's text parsed by `parse` (a version that is missing or does not parse gives
/// `None`), in the thread pool when `parallel`.
fn parse_versions<T: Send + Sync>(
    texts: &[(ObjectId, Option<String>)],
    parse: impl Fn(&str) -> Option<T> + Sync,
    parallel: bool,
) -> Vec<(ObjectId, Option<Rc<T>>)> {
    let one = |(b, text): &(ObjectId, Option<String>)| {
        (*b, text.as_deref().and_then(&parse).map(Rc::new))
    };
    if parallel {
        texts.par_iter().map(one).collect()
    } else {
        texts.iter().map(one).collect()
    }
}

/// The plan folders under `content/plans/` at one commit.
fn folders(
    repo: &gix::Repository,
    tree: ObjectId,
    parsed: &mut Parsed,
) -> Result<BTreeMap<String, Folder>, String> {
    let tree = repo
        .find_tree(tree)
        .map_err(|e| format!("tree {tree}: {e}"))?;
    let decoded = tree
        .decode()
        .map_err(|e| format!("tree {}: {e}", tree.id))?;
    let mut out = BTreeMap::new();
    for entry in &decoded.entries {
        if !entry.mode.is_tree() {
            continue;
        }
        let Ok(name) = std::str::from_utf8(entry.filename) else {
            continue;
        };
        let id = entry.oid.to_owned();
        let folder = match parsed.folders.get(&id) {
            Some(f) => *f,
            None => {
                let sub = repo.find_tree(id).map_err(|e| format!("tree {id}: {e}"))?;
                let sub = sub.decode().map_err(|e| format!("tree {id}: {e}"))?;
                let blob = |file: &str| {
                    sub.entries
                        .iter()
                        .find(|e| e.filename == file.as_bytes() && e.mode.is_blob())
                        .map(|e| e.oid.to_owned())
                };
                let f = Folder {
                    tasks: blob("tasks.toml"),
                    plan: blob("plan.toml"),
                    progress: sub
                        .entries
                        .iter()
                        .find(|e| e.filename == "progress".as_bytes() && e.mode.is_tree())
                        .map(|e| e.oid.to_owned()),
                };
                parsed.folders.insert(id, f);
                f
            }
        };
        out.insert(name.to_string(), folder);
    }
    Ok(out)
}

/// The Markdown reports in a `progress/` tree, by file name.
fn reports_in(
    repo: &gix::Repository,
    tree: ObjectId,
) -> Result<BTreeMap<String, ObjectId>, String> {
    let tree = repo
        .find_tree(tree)
        .map_err(|e| format!("tree {tree}: {e}"))?;
    let decoded = tree
        .decode()
        .map_err(|e| format!("tree {}: {e}", tree.id))?;
    Ok(decoded
        .entries
        .iter()
        .filter(|e| e.mode.is_blob() && e.filename.ends_with(b".md"))
        .filter_map(|e| {
            Some((
                std::str::from_utf8(e.filename).ok()?.to_string(),
                e.oid.to_owned(),
            ))
        })
        .collect())
}

fn report_of(repo: &gix::Repository, parsed: &mut Parsed, blob: ObjectId) -> Option<Rc<Report>> {
    parsed
        .reports
        .entry(blob)
        .or_insert_with(|| {
            let text = text_of(repo, blob)?;
            crate::content::parse_report_version(Path::new("progress/report.md"), &text)
                .map(Rc::new)
        })
        .clone()
}

fn text_of(repo: &gix::Repository, blob: ObjectId) -> Option<String> {
    let blob = repo.find_blob(blob).ok()?;
    String::from_utf8(blob.data.clone()).ok()
}

fn tasks_of(repo: &gix::Repository, parsed: &mut Parsed, blob: ObjectId) -> Option<Rc<Vec<Task>>> {
    parsed
        .tasks
        .entry(blob)
        .or_insert_with(|| {
            let text = text_of(repo, blob)?;
            crate::content::parse_tasks_version(Path::new("tasks.toml"), &text).map(Rc::new)
        })
        .clone()
}

fn targets_of(
    repo: &gix::Repository,
    parsed: &mut Parsed,
    blob: ObjectId,
) -> Option<Rc<Vec<Target>>> {
    parsed
        .targets
        .entry(blob)
        .or_insert_with(|| {
            let text = text_of(repo, blob)?;
            crate::content::parse_plan_targets_version(Path::new("plan.toml"), &text).map(Rc::new)
        })
        .clone()
}

/// Whether two versions hold the same tasks (by id): a renamed plan folder.
fn same_tasks(a: Option<&Rc<Vec<Task>>>, b: Option<&Rc<Vec<Task>>>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) if !a.is_empty() => {
            fn ids(v: &[Task]) -> Vec<&str> {
                let mut ids: Vec<&str> = v.iter().map(|t| t.id.as_str()).collect();
                ids.sort_unstable();
                ids
            }
            ids(a) == ids(b)
        }
        _ => false,
    }
}

/// The calendar date of a commit in its committer's time zone.
fn commit_date(seconds: i64, offset: i32) -> Date {
    let local = seconds + i64::from(offset);
    let days = local.div_euclid(86_400);
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");
    Date(
        epoch
            .checked_add_signed(chrono::Duration::days(days))
            .unwrap_or(epoch),
    )
}

pub(super) fn short(id: &ObjectId) -> String {
    id.to_hex_with_len(8).to_string()
}
