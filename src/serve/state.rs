//! What the HTTP side sees: the latest snapshot of the site and a way to wait for the next.
//!
//! The builder publishes a new [`Snapshot`] after every rebuild that changed something (files,
//! or the list of errors); readers take an `Arc` of the current one and never block the
//! builder. Long-polling browsers wait on [`State::wait_newer`].

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::diagnostics::Diagnostic;

use super::site::Files;

/// The site as served at one moment.
pub struct Snapshot {
    /// Bumped on every change a browser should see.
    pub version: u64,
    /// The last good build (empty until the first one succeeds).
    pub files: Arc<Files>,
    /// Pages of a preview, served instead of their copies in `files` until the full rebuild
    /// that follows replaces the whole snapshot.
    pub preview: Arc<Files>,
    /// Errors of the latest build; empty when it succeeded.
    pub errors: Vec<Diagnostic>,
    /// True until the first build has finished, good or bad.
    pub building: bool,
    /// Digest of every stylesheet, script and image under `static/`: pages reload when it
    /// changes even if their own bytes did not.
    pub assets: String,
}

pub struct State {
    current: Mutex<Arc<Snapshot>>,
    changed: Condvar,
}

impl State {
    pub fn new() -> State {
        State {
            current: Mutex::new(Arc::new(Snapshot {
                version: 0,
                files: Arc::new(Files::new()),
                preview: Arc::new(Files::new()),
                errors: Vec::new(),
                building: true,
                assets: String::new(),
            })),
            changed: Condvar::new(),
        }
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.current.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Publishes a new site (or a new list of errors) and wakes every waiting browser.
    pub fn publish(&self, files: Arc<Files>, errors: Vec<Diagnostic>) {
        let assets = assets_digest(&files);
        let mut cur = self.current.lock().unwrap_or_else(|e| e.into_inner());
        *cur = Arc::new(Snapshot {
            version: cur.version + 1,
            files,
            preview: Arc::new(Files::new()),
            errors,
            building: false,
            assets,
        });
        self.changed.notify_all();
    }

    /// Serves `pages` over the current site (a preview of an edit) and wakes every waiting
    /// browser; the next [`State::publish`] drops them.
    pub fn publish_preview(&self, pages: Files) {
        let mut cur = self.current.lock().unwrap_or_else(|e| e.into_inner());
        *cur = Arc::new(Snapshot {
            version: cur.version + 1,
            files: Arc::clone(&cur.files),
            preview: Arc::new(pages),
            errors: cur.errors.clone(),
            building: false,
            assets: cur.assets.clone(),
        });
        self.changed.notify_all();
    }

    /// Waits until the version differs from `seen`, at most `timeout`; returns the snapshot
    /// then current.
    pub fn wait_newer(&self, seen: u64, timeout: Duration) -> Arc<Snapshot> {
        let deadline = Instant::now() + timeout;
        let mut cur = self.current.lock().unwrap_or_else(|e| e.into_inner());
        while cur.version == seen {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            cur = self
                .changed
                .wait_timeout(cur, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        Arc::clone(&cur)
    }
}

impl Default for State {
    fn default() -> Self {
        State::new()
    }
}

/// The fingerprint of the paths and hashes of the files under `static/`, in path order.
fn assets_digest(files: &Files) -> String {
    let mut statics: Vec<(&String, &str)> = files
        .iter()
        .filter(|(p, _)| p.starts_with("static/"))
        .map(|(p, f)| (p, f.sha256.as_str()))
        .collect();
    statics.sort_unstable();
    format!("{:032x}", crate::util::hash::of(&statics))
}
