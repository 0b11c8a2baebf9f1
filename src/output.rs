//! Write: output files go to a staging folder beside the output, which replaces the output
//! in one step at the end — so a failed build leaves the previous site untouched.
//!
//! In: (relative path, bytes) pairs from every renderer, from many threads. Out: the files on
//! disk and, for the manifest, each file's SHA-256 and size, computed as it is written (the
//! bytes are hashed once, never read back). It never writes outside the staging folder and the
//! output it replaces.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use crate::mirror::ManifestEntry as Written;

/// Where renderers put files: a staging folder for `build`, memory for `serve`.
pub trait Sink: Sync {
    /// Stores one file. `rel` is '/'-separated, relative to the output root.
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()>;
}

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        Staging::write(self, rel, bytes)
    }
}

/// A staging folder being filled; [`Staging::commit`] swaps it in for the output.
pub struct Staging {
    dir: PathBuf,
    /// The output being replaced, when there is one: a file it already holds with the same
    /// bytes is linked into the staging folder instead of written again (see
    /// [`Staging::write`]).
    previous: Option<PathBuf>,
    written: Mutex<Vec<Written>>,
    /// Folders already created, so each file costs one `create` rather than a walk of
    /// `mkdir`s up its path.
    made: Mutex<HashSet<PathBuf>>,
}

impl Staging {
    /// Creates an empty staging folder next to `output` (same file system, so the final
    /// rename is atomic per folder).
    pub fn new(output: &Path) -> io::Result<Staging> {
        let parent = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        let name = output
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("public");
        let dir = parent.join(format!(".{name}.staging-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir_all(&dir)?;
        Ok(Staging {
            dir,
            previous: output.is_dir().then(|| output.to_path_buf()),
            written: Mutex::new(Vec::new()),
            made: Mutex::new(HashSet::new()),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes one file. `rel` is '/'-separated and must stay inside the output.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        if rel.split('/').any(|c| c == ".." || c.is_empty()) || rel.starts_with('/') {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to write outside the output: {rel}"),
            ));
        }
        let path = self.dir.join(rel);
        if let Some(parent) = path.parent() {
            let known = self
                .made
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(parent);
            if !known {
                fs::create_dir_all(parent)?;
                self.made
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(parent.to_path_buf());
            }
        }
        if !self.link_unchanged(rel, &path, bytes) {
            fs::write(&path, bytes)?;
        }
        let w = crate::mirror::entry(rel, bytes);
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(w);
        Ok(())
    }

    /// Links the previous output's file at `rel` to `path` when it is a plain file holding
    /// exactly `bytes`; `false` when there is none or it differs (the caller writes).
    ///
    /// A rebuild mostly writes what the output already holds. A new file costs the file
    /// system an inode, its blocks and their write-back, and deleting the old copy with the
    /// old output frees them again; a link costs a directory entry, and the old output's
    /// removal then only drops a name. The old output itself is never changed: a failed
    /// build removes the staging folder's names and leaves the files as they were.
    fn link_unchanged(&self, rel: &str, path: &Path, bytes: &[u8]) -> bool {
        let Some(previous) = &self.previous else {
            return false;
        };
        let old = previous.join(rel);
        // Not through a symbolic link: that would put the link itself into the output.
        let same_size = fs::symlink_metadata(&old)
            .is_ok_and(|m| m.file_type().is_file() && m.len() == bytes.len() as u64);
        same_size && holds(&old, bytes) && fs::hard_link(&old, path).is_ok()
    }

    /// Everything written so far, sorted by path.
    pub fn written(&self) -> Vec<Written> {
        let mut v = self
            .written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        v.sort();
        v
    }

    /// Replaces `output` with the staged files: the old output is moved aside, the staging
    /// folder renamed into place, and the old one removed.
    pub fn commit(self, output: &Path) -> io::Result<()> {
        let old = self.dir.with_file_name(format!(
            ".{}.old-{}",
            output
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("public"),
            std::process::id()
        ));
        let had_old = output.exists();
        if had_old {
            fs::rename(output, &old)?;
        }
        if let Err(e) = fs::rename(&self.dir, output) {
            if had_old {
                let _ = fs::rename(&old, output);
            }
            return Err(e);
        }
        if had_old {
            remove_tree(&old)?;
        }
        Ok(())
    }

    /// Throws the staged files away, leaving the output as it was.
    pub fn abort(self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Whether the file at `path` holds exactly `bytes`, read piece by piece (the biggest exports
/// are tens of megabytes; reading them whole would hold both copies at once).
fn holds(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut file) = fs::File::open(path) else {
        return false;
    };
    let mut buf = vec![0; 64 * 1024];
    let mut rest = bytes;
    loop {
        match file.read(&mut buf) {
            Ok(0) => return rest.is_empty(),
            Ok(n) if n <= rest.len() && buf[..n] == rest[..n] => rest = &rest[n..],
            Ok(_) => return false,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// `fs::remove_dir_all`, with the folders of a level removed side by side (a site has
/// thousands of small folders; unlinking them one after another is most of a rebuild's
/// commit).
fn remove_tree(dir: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    let entries: Vec<fs::DirEntry> = fs::read_dir(dir)?.collect::<io::Result<_>>()?;
    entries.par_iter().try_for_each(|e| {
        if e.file_type()?.is_dir() {
            remove_tree(&e.path())
        } else {
            fs::remove_file(e.path())
        }
    })?;
    fs::remove_dir(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_output_and_abort_keeps_it() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let s = Staging::new(&out).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.commit(&out).unwrap();
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"one");

        let s = Staging::new(&out).unwrap();
        s.write("b.html", b"two").unwrap();
        s.abort();
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"one");
        assert!(!out.join("b.html").exists());
        assert_eq!(
            fs::read_dir(tmp.path()).unwrap().count(),
            1,
            "no staging folder left behind"
        );
    }

    #[test]
    fn unchanged_files_are_shared_with_the_previous_output_which_stays_as_it_was() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let s = Staging::new(&out).unwrap();
        s.write("same.html", b"same").unwrap();
        s.write("changed.html", b"old").unwrap();
        s.commit(&out).unwrap();

        let s = Staging::new(&out).unwrap();
        s.write("same.html", b"same").unwrap();
        s.write("changed.html", b"new").unwrap();
        s.write("added.html", b"added").unwrap();
        let staged = s.dir().to_path_buf();
        assert_eq!(fs::read(staged.join("changed.html")).unwrap(), b"new");
        assert_eq!(fs::read(out.join("changed.html")).unwrap(), b"old");
        assert!(!out.join("added.html").exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let ino = |p: &Path| fs::metadata(p).unwrap().ino();
            assert_eq!(ino(&staged.join("same.html")), ino(&out.join("same.html")));
            assert_ne!(
                ino(&staged.join("changed.html")),
                ino(&out.join("changed.html"))
            );
        }
        s.commit(&out).unwrap();
        assert_eq!(fs::read(out.join("same.html")).unwrap(), b"same");
        assert_eq!(fs::read(out.join("changed.html")).unwrap(), b"new");
        assert_eq!(fs::read(out.join("added.html")).unwrap(), b"added");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_in_the_previous_output_is_not_carried_over() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir_all(&out).unwrap();
        fs::write(tmp.path().join("elsewhere"), b"page").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("elsewhere"), out.join("page.html")).unwrap();
        let s = Staging::new(&out).unwrap();
        s.write("page.html", b"page").unwrap();
        s.commit(&out).unwrap();
        let m = fs::symlink_metadata(out.join("page.html")).unwrap();
        assert!(m.file_type().is_file());
        assert_eq!(fs::read(tmp.path().join("elsewhere")).unwrap(), b"page");
    }

    #[test]
    fn refuses_paths_that_leave_the_output() {
        let tmp = tempfile::tempdir().unwrap();
        let s = Staging::new(&tmp.path().join("public")).unwrap();
        assert!(s.write("../x", b"").is_err());
        assert!(s.write("/etc/x", b"").is_err());
        s.abort();
    }
}
