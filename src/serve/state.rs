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
    /// Errors of the latest build; empty when it succeeded.
    pub errors: Vec<Diagnostic>,
    /// True until the first build has finished, good or bad.
    pub building: bool,
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
                errors: Vec::new(),
                building: true,
            })),
            changed: Condvar::new(),
        }
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.current.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Publishes a new site (or a new list of errors) and wakes every waiting browser.
    pub fn publish(&self, files: Arc<Files>, errors: Vec<Diagnostic>) {
        let mut cur = self.current.lock().unwrap_or_else(|e| e.into_inner());
        *cur = Arc::new(Snapshot {
            version: cur.version + 1,
            files,
            errors,
            building: false,
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
