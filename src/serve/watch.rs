//! Watching `content/` and `themes/`: file-system events, debounced into batches.
//!
//! Editors save in bursts (write a temporary file, rename it over the original, touch the
//! folder), so events are gathered until the file system has been quiet for [`QUIET`] — short
//! enough that a rebuild starts well within the reload budget (Zola waits a whole second).

use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher};

/// How long the file system must be quiet before a batch of changes is handed on.
pub const QUIET: Duration = Duration::from_millis(25);
/// A burst that never goes quiet is still handed on after this long.
pub const MAX_WAIT: Duration = Duration::from_millis(300);

pub struct Watch {
    root: PathBuf,
    watcher: notify::RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    themes_watched: bool,
}

impl Watch {
    /// Starts watching `root/content`, `root/themes` (when it exists) and `root` itself (to
    /// notice a themes/ folder created later).
    pub fn start(root: &Path) -> notify::Result<Watch> {
        let (tx, events) = channel();
        let mut watcher = notify::recommended_watcher(move |e| {
            let _ = tx.send(e);
        })?;
        let content = root.join("content");
        if content.is_dir() {
            watcher.watch(&content, RecursiveMode::Recursive)?;
        }
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        let mut w = Watch {
            root: root.to_path_buf(),
            watcher,
            events,
            themes_watched: false,
        };
        w.watch_themes();
        Ok(w)
    }

    fn watch_themes(&mut self) {
        let themes = self.root.join("themes");
        if !self.themes_watched && themes.is_dir() {
            self.themes_watched = self
                .watcher
                .watch(&themes, RecursiveMode::Recursive)
                .is_ok();
        }
    }

    /// Blocks until something under content/ or themes/ changed, then returns the changed
    /// paths of the whole burst. `None` when the watcher has stopped.
    pub fn next_batch(&mut self) -> Option<Vec<PathBuf>> {
        loop {
            let first = self.events.recv().ok()?;
            let mut paths = Vec::new();
            self.collect(first, &mut paths);
            let started = Instant::now();
            loop {
                let left = MAX_WAIT.saturating_sub(started.elapsed());
                if left.is_zero() {
                    break;
                }
                match self.events.recv_timeout(QUIET.min(left)) {
                    Ok(e) => self.collect(e, &mut paths),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            }
            self.watch_themes();
            if !paths.is_empty() {
                paths.sort();
                paths.dedup();
                return Some(paths);
            }
        }
    }

    fn collect(&self, event: notify::Result<notify::Event>, paths: &mut Vec<PathBuf>) {
        let Ok(event) = event else {
            // An overflow or watcher error: rebuild anyway, the build reads everything.
            paths.push(self.root.join("content"));
            return;
        };
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        let content = self.root.join("content");
        let themes = self.root.join("themes");
        for p in event.paths {
            if p.starts_with(&content) || p.starts_with(&themes) {
                paths.push(p);
            }
        }
    }
}
