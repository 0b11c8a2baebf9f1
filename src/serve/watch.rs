//! Watching `content/`, `themes/` and `static/`: file-system events, debounced into batches.
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
    /// Which of [`OPTIONAL`] are watched (each once it exists).
    watched: [bool; 2],
}

/// The project's folders besides content/ that a build reads, which may appear later.
const OPTIONAL: [&str; 2] = ["themes", crate::content::static_files::FOLDER];

impl Watch {
    /// Starts watching `root/content`, `root/themes` and `root/static` (when they exist) and
    /// `root` itself (to notice either folder created later).
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
            watched: [false; 2],
        };
        w.watch_optional();
        Ok(w)
    }

    fn watch_optional(&mut self) {
        for (folder, watched) in OPTIONAL.iter().zip(&mut self.watched) {
            let dir = self.root.join(folder);
            if !*watched && dir.is_dir() {
                *watched = self.watcher.watch(&dir, RecursiveMode::Recursive).is_ok();
            }
        }
    }

    /// Blocks until something under content/, themes/ or static/ changed, then returns the changed
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
            self.watch_optional();
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
        for p in event.paths {
            let optional = OPTIONAL.iter().any(|f| p.starts_with(self.root.join(f)));
            if p.starts_with(&content) || optional {
                paths.push(p);
            }
        }
    }
}
