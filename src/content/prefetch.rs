//! Reading a corpus the page cache does not hold. A build reads every plan's files, 110,000 at
//! 10,000 tasks; when they are not in memory (the first build after a reboot, a corpus larger
//! than the cache, content on a network disk) each read waits for the disk, and the loading
//! threads, one a core, keep only that many reads in flight. Here many threads ask the kernel
//! for the files' pages ahead of the parser, in the order the parser reads the plans, so the
//! disk works through a deep queue and the parser finds the files in memory.
//!
//! Nothing is read into the process: each file is opened and its pages requested
//! (`posix_fadvise(WILLNEED)`), at most `LEAD` plans ahead of the loader. A corpus that is already cached is left alone: a read that must
//! not wait (`preadv2(RWF_NOWAIT)`) of a few plans' files decides, so a warm build pays a
//! handful of system calls.

use std::path::PathBuf;

/// Threads asking for pages. The opens wait for the disk (a cold file's inode is read before
/// it opens). On a cold 10k corpus loading took 3.3 s without prefetching, 1.5 s with 4
/// threads, and 1.22–1.28 s with anything from 8 to 64.
#[cfg(target_os = "linux")]
const THREADS: usize = 16;

/// How many plan folders are sampled to tell a cold corpus from a cached one.
#[cfg(target_os = "linux")]
const SAMPLES: usize = 8;

/// How many plan folders prefetching may run ahead of the loader: enough to keep the disk's
/// queue deep, few enough that a corpus larger than the memory does not have its first
/// prefetched pages dropped again before the loader reads them.
#[cfg(target_os = "linux")]
const LEAD: usize = 16;

/// Where the loader is: it calls [`Reached::plan`] with a folder's position in `dirs` as it
/// starts on it.
#[derive(Default)]
pub(super) struct Reached(std::sync::atomic::AtomicUsize);

impl Reached {
    pub(super) fn plan(&self, i: usize) {
        self.0
            .fetch_max(i + 1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// `f` of every item, in parallel, the items taken in their order (as prefetching reads the
/// plans, rather than split in halves as `par_iter` would), each reported to `reached` as it
/// starts; the results in the items' order.
pub(super) fn in_order<T: Send, R: Send>(
    items: impl Iterator<Item = T> + Send,
    reached: &Reached,
    f: impl Fn(T) -> R + Sync + Send,
) -> Vec<R> {
    use rayon::iter::{ParallelBridge, ParallelIterator};
    let mut out: Vec<(usize, R)> = items
        .enumerate()
        .par_bridge()
        .map(|(i, item)| {
            reached.plan(i);
            (i, f(item))
        })
        .collect();
    out.sort_unstable_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, r)| r).collect()
}

/// Runs `load`, which reads `dirs` (plan folders) in their order and reports its place to the
/// [`Reached`] it is given, with the folders' files prefetched when the cache does not hold
/// them. What `load` returns is returned unchanged; prefetching only changes how long the reads
/// wait.
pub(super) fn around<R: Send>(dirs: &[PathBuf], load: impl FnOnce(&Reached) -> R + Send) -> R {
    let reached = Reached::default();
    #[cfg(target_os = "linux")]
    if linux::cold(dirs) {
        return linux::prefetching(dirs, &reached, load);
    }
    load(&reached)
}

#[cfg(target_os = "linux")]
mod linux {
    use std::fs::{self, File};
    use std::os::fd::AsRawFd;
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};
    use std::sync::OnceLock;

    use super::{Reached, LEAD, SAMPLES, THREADS};

    /// Whether the first file of any of a few plan folders, spread over the list, is out of
    /// the page cache.
    pub(super) fn cold(dirs: &[PathBuf]) -> bool {
        let step = dirs.len().div_ceil(SAMPLES).max(1);
        dirs.iter().step_by(step).any(|dir| {
            let progress = first_file(&dir.join("progress"));
            [Some(dir.join("tasks.toml")), progress]
                .into_iter()
                .flatten()
                .any(|f| !cached(&f))
        })
    }

    fn first_file(dir: &Path) -> Option<PathBuf> {
        fs::read_dir(dir)
            .ok()?
            .filter_map(Result::ok)
            .find(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.path())
    }

    /// Whether a read of the file's first byte can be answered from memory. A file that
    /// cannot be opened, or a kernel or file system that cannot say, counts as cached: then
    /// nothing is prefetched, as before.
    fn cached(path: &Path) -> bool {
        let Ok(file) = File::open(path) else {
            return true;
        };
        let mut byte = 0u8;
        let iov = libc::iovec {
            iov_base: (&raw mut byte).cast(),
            iov_len: 1,
        };
        // SAFETY: one iovec describing one live byte, on an open descriptor.
        let r = unsafe { libc::preadv2(file.as_raw_fd(), &iov, 1, 0, libc::RWF_NOWAIT) };
        r >= 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::EAGAIN)
    }

    /// The files prefetching asks for: a plan folder's own files and its progress reports.
    fn files_of(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for d in [dir.to_path_buf(), dir.join("progress")] {
            let Ok(entries) = fs::read_dir(&d) else {
                continue;
            };
            let mut files: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .map(|e| e.path())
                .collect();
            // The parser reads a folder in name order.
            files.sort_unstable();
            out.extend(files);
        }
        out
    }

    /// Asks the kernel to read the file's pages, without waiting for them.
    fn request(path: &Path) {
        if let Ok(file) = File::open(path) {
            // SAFETY: an advisory call on an open descriptor; its result does not matter.
            unsafe { libc::posix_fadvise(file.as_raw_fd(), 0, 0, libc::POSIX_FADV_WILLNEED) };
        }
    }

    pub(super) fn prefetching<R: Send>(
        dirs: &[PathBuf],
        reached: &Reached,
        load: impl FnOnce(&Reached) -> R + Send,
    ) -> R {
        // The threads go through the folders together, in order, at most LEAD folders ahead of
        // the loader: the first to reach a folder lists it, and all of them take its files a
        // few at a time.
        const CHUNK: usize = 8;
        let lists: Vec<OnceLock<Vec<PathBuf>>> = dirs.iter().map(|_| OnceLock::new()).collect();
        let cursors: Vec<AtomicUsize> = dirs.iter().map(|_| AtomicUsize::new(0)).collect();
        let done = AtomicBool::new(false);
        let worker = || {
            for (d, dir) in dirs.iter().enumerate() {
                while d >= reached.0.load(Relaxed) + LEAD {
                    if done.load(Relaxed) {
                        return;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                let files = lists[d].get_or_init(|| files_of(dir));
                loop {
                    if done.load(Relaxed) {
                        return;
                    }
                    let i = cursors[d].fetch_add(CHUNK, Relaxed);
                    let Some(chunk) = files.get(i..(i + CHUNK).min(files.len())) else {
                        break;
                    };
                    if chunk.is_empty() {
                        break;
                    }
                    chunk.iter().for_each(|f| request(f));
                }
            }
        };
        std::thread::scope(|s| {
            for _ in 0..THREADS {
                s.spawn(worker);
            }
            let out = load(reached);
            // Whatever is not requested yet is not needed any more.
            done.store(true, Relaxed);
            out
        })
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn prefetching_returns_what_the_load_returns_and_touches_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let plan = dir.path().join("p");
        std::fs::create_dir_all(plan.join("progress")).unwrap();
        std::fs::write(plan.join("tasks.toml"), "x").unwrap();
        for i in 0..50 {
            std::fs::write(plan.join(format!("progress/{i:03}.md")), "y").unwrap();
        }
        let dirs = vec![plan.clone(), dir.path().join("missing")];
        let reached = Reached::default();
        let out = linux::prefetching(&dirs, &reached, |r| {
            r.plan(0);
            42
        });
        assert_eq!(out, 42);
        let left: Vec<_> = walkdir::WalkDir::new(dir.path())
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .collect();
        assert_eq!(left.len(), 2 + 1 + 1 + 50, "{left:?}");
        assert_eq!(
            std::fs::read_to_string(plan.join("progress/007.md")).unwrap(),
            "y"
        );
        // Files just written are in the cache.
        assert!(!linux::cold(&dirs));
    }

    #[test]
    fn prefetching_ends_with_the_load_wherever_the_load_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let dirs: Vec<PathBuf> = (0..3 * LEAD)
            .map(|i| dir.path().join(i.to_string()))
            .collect();
        // A load that never reports a plan: the threads wait LEAD plans in and must still end.
        let started = std::time::Instant::now();
        assert_eq!(linux::prefetching(&dirs, &Reached::default(), |_| 1), 1);
        // A load that goes through every plan: the threads follow it to the end.
        let out = linux::prefetching(&dirs, &Reached::default(), |r| {
            (0..dirs.len()).for_each(|i| r.plan(i));
            2
        });
        assert_eq!(out, 2);
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }
}
