//! What `serve` keeps between loads: each plan folder as last loaded, and the signature it was
//! loaded from — every file's path, size and modification time — so an edit reloads only the
//! folder it touched.
//!
//! A plan folder is reused only when its signature and the signature of everything else under
//! `content/` (site settings, units, disclosure) are both unchanged; otherwise it is parsed
//! again, exactly as a full load would. Reused plans are the values the last build validated:
//! validation resolves unit names in place, which gives the same result again as long as the
//! units files are unchanged — and any change to them discards every memo.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use walkdir::WalkDir;

use crate::diagnostics::Diagnostic;
use crate::model::Plan;
use crate::util::hash::{self, Fingerprint};

/// Plan folders as last loaded (see the module docs).
#[derive(Default)]
pub struct LoadMemo {
    /// Signature of everything under `content/` outside `plans/`, at the last load.
    pub(super) others: Option<Fingerprint>,
    pub(super) plans: HashMap<PathBuf, MemoPlan>,
    /// The plan folders of the last load, in load order, with whether each gave a plan.
    pub(super) order: Vec<(PathBuf, bool)>,
}

pub(super) struct MemoPlan {
    pub signature: Fingerprint,
    pub plan: Option<Plan>,
    pub diags: Vec<Diagnostic>,
}

impl LoadMemo {
    /// The signature of plan folder `id` at the last load (with everything outside `plans/`
    /// folded in): equal signatures mean equal inputs to that plan's derived view.
    pub fn plan_signature(&self, id: &str) -> Option<Fingerprint> {
        let others = self.others?;
        self.plans
            .iter()
            .find(|(dir, _)| dir.file_name().is_some_and(|n| n == id))
            .map(|(_, m)| hash::of(&(others, m.signature)))
    }

    /// The plan loaded from folder `dir` at the last load, as validated.
    pub fn plan_in(&self, dir: &Path) -> Option<&Plan> {
        self.plans.get(dir)?.plan.as_ref()
    }

    /// Hands back the plans of the last load (as validated, in load order) for the next one.
    pub fn restore(&mut self, plans: Vec<Plan>) {
        let mut plans = plans.into_iter();
        for (dir, loaded) in &self.order {
            if !*loaded {
                continue;
            }
            let Some(plan) = plans.next() else { break };
            if let Some(m) = self.plans.get_mut(dir) {
                m.plan = Some(plan);
            }
        }
    }
}

/// Every file under `dir` (recursively, skipping `skip`) as (path, size, mtime), hashed in
/// path order.
pub(super) fn signature(dir: &Path, skip: Option<&Path>) -> Fingerprint {
    let mut entries: Vec<(PathBuf, u64, Option<SystemTime>)> = WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| skip.is_none_or(|s| e.path() != s))
        .filter_map(Result::ok)
        .filter_map(|e| {
            let m = e.metadata().ok()?;
            Some((e.into_path(), m.len(), m.modified().ok()))
        })
        .collect();
    entries.sort();
    hash::of(&entries)
}
