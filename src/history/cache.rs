//! The revision history as last read, kept across builds in `.gongkai-cache/history.json` under
//! the project root, so a build reads only the commits made since the last one.
//!
//! In: the project root and a [`History`] just read. Out: that history again at the next build,
//! with where its reading stopped ([`State`]): per plan folder, the blob ids of the last good
//! versions, so the walk can go on from there. The file is keyed by HEAD, the root's place in
//! the work tree, the shallow boundary and [`FORMAT`] with gongkai's version: a cache that does
//! not match is ignored (and replaced after the build), so it can only save time, never change
//! what a build writes. The folder holds a `.gitignore` of `*`, so git ignores it without the
//! project's own `.gitignore` being edited. It is never read from or written into `content/`
//! or the output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{Change, History};
use crate::model::Date;

/// Bumped whenever the parsers of old versions, the diff or this file's layout change, so a
/// cache written by another build of gongkai is not trusted.
pub(super) const FORMAT: u32 = 1;

/// The folder under the project root that holds caches (git-ignored by its own `.gitignore`).
pub const FOLDER: &str = ".gongkai-cache";
const FILE: &str = "history.json";

/// What a history was read from: the same key, the same history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Key {
    /// The project root relative to the work tree ('/'-separated; empty for the top).
    pub prefix: String,
    pub head: String,
    /// The shallow boundary commits (sorted), empty for a full clone.
    pub shallow: Vec<String>,
}

/// One plan folder's last good versions (blob and tree ids, hex).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct Folder {
    pub tasks: Option<String>,
    pub plan: Option<String>,
    pub progress: Option<String>,
}

/// Where a reading of the history stopped, to go on from.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct State {
    pub key: Key,
    /// The `content/plans` tree at HEAD (`None` inside: there was none), when the walk
    /// looked at a commit at all.
    pub plans_tree: Option<Option<String>>,
    /// The plans published at HEAD, by folder name.
    pub folders: BTreeMap<String, Folder>,
}

#[derive(Serialize)]
struct SavedRef<'a> {
    format: u32,
    version: &'a str,
    state: &'a State,
    commits: usize,
    since: Option<String>,
    limits: &'a [String],
    changes: &'a [Change],
}

#[derive(Deserialize)]
struct Saved {
    format: u32,
    version: String,
    state: State,
    commits: usize,
    since: Option<String>,
    limits: Vec<String>,
    changes: Vec<super::diff::Kept>,
}

fn path(root: &Path) -> PathBuf {
    root.join(FOLDER).join(FILE)
}

/// The history kept by the last build at `root`, when there is one this gongkai wrote.
pub(super) fn load(root: &Path) -> Option<History> {
    let bytes = std::fs::read(path(root)).ok()?;
    let saved: Saved = serde_json::from_slice(&bytes).ok()?;
    if saved.format != FORMAT || saved.version != env!("CARGO_PKG_VERSION") {
        return None;
    }
    let since = match saved.since {
        Some(s) => Some(Date::parse(&s)?),
        None => None,
    };
    Some(History {
        available: true,
        head: Some(saved.state.key.head.clone()),
        commits: saved.commits,
        since,
        limits: saved.limits,
        changes: saved
            .changes
            .into_iter()
            .map(super::diff::Kept::change)
            .collect::<Option<_>>()?,
        state: Some(Arc::new(saved.state)),
        walked: 0,
        fresh: false,
    })
}

/// Keeps `history` for the next build at `root`, when it was read now (not taken from the
/// cache as it is). Written to a temporary file and renamed over the old one, so a build
/// stopped halfway leaves the old cache or the new one, never half of one.
pub fn store(root: &Path, history: &History) -> Result<(), String> {
    let Some(state) = history.state.as_deref().filter(|_| history.fresh) else {
        return Ok(());
    };
    let dir = root.join(FOLDER);
    let fail = |e: std::io::Error| format!("{}: {e}", dir.display());
    std::fs::create_dir_all(&dir).map_err(fail)?;
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(
            &ignore,
            "# gongkai's caches: safe to delete, never to commit\n*\n",
        )
        .map_err(fail)?;
    }
    let bytes = serde_json::to_vec(&SavedRef {
        format: FORMAT,
        version: env!("CARGO_PKG_VERSION"),
        state,
        commits: history.commits,
        since: history.since.map(|d| d.to_string()),
        limits: &history.limits,
        changes: &history.changes,
    })
    .map_err(|e| e.to_string())?;
    // A name of its own per writer: builds of one root may run side by side (tests do).
    static WRITERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = WRITERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!("{FILE}.{}-{n}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(fail)?;
    std::fs::rename(&tmp, path(root)).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        fail(e)
    })
}

/// Serde helpers for a [`Date`] kept as `YYYY-MM-DD`.
pub(super) mod date {
    use serde::{de::Error, Deserialize, Deserializer};

    use crate::model::Date;

    pub fn one<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = <std::borrow::Cow<str>>::deserialize(d)?;
        Date::parse(&s).ok_or_else(|| D::Error::custom(format!("not a date: {s}")))
    }

    pub fn maybe<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        match Option::<std::borrow::Cow<str>>::deserialize(d)? {
            None => Ok(None),
            Some(s) => Date::parse(&s)
                .map(Some)
                .ok_or_else(|| D::Error::custom(format!("not a date: {s}"))),
        }
    }
}
