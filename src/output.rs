//! Write: output files go to a staging folder beside the output, which replaces the output
//! in one step at the end — so a failed build leaves the previous site untouched.
//!
//! In: (relative path, bytes) pairs from every renderer, from many threads. Out: the files on
//! disk and, for the manifest, each file's SHA-256 and size, computed as it is written (the
//! bytes are hashed once, never read back) or, on a rebuild, taken from the kept site's
//! manifest (see below). It never writes outside the staging folder and the
//! output it replaces, and never into a file the output holds.
//!
//! The site the output replaces is not deleted: it is kept beside the output as
//! `.<output>.prev/`, and the next build stages by updating that folder in place. A rebuild
//! mostly writes what the site already holds, and a file that is already there with the same
//! bytes then costs a read and no change to the file system at all; without it, every file
//! costs a new directory entry (and a new folder per task page) and every old one an unlink.
//! The kept folder is only ever a starting point: its files are compared byte for byte,
//! anything the build does not write is removed, and symbolic links in it are never followed —
//! it may hold a half-updated site from a failed or killed build, and may be deleted at any time.
//!
//! A caller that can tell it would write a group of files exactly as the site it starts from
//! holds them (the search index, whose `meta.js` names its documents) asks to keep them
//! instead ([`Sink::keep_group`]): each is read and hashed, and kept only when every one holds
//! the bytes that site's manifest lists — from the kept site in place, or else linked from the
//! output.
//!
//! The kept site's own `manifest.json` spares most of the hashing on a rebuild: a file found
//! there with the same bytes takes its SHA-256 from that manifest, but only when the file has
//! not changed since the manifest was written (its status-change time is older than the
//! manifest's, which no edit, link or rename of the file can leave so; the check `git` makes of
//! its index). A signed build hashes every file itself.
//!
//! What it may remove, and why each is safe ([`guard`] decides what is its own):
//! - the output's previous content, swapped into the kept folder: only files the output's own
//!   manifest lists, since a commit first refuses, or moves aside (`--force`), everything else;
//! - the kept folder `.<output>.prev/` and staging folders `.<output>.staging-<pid>/` (with
//!   `.old` for the two-rename swap): only when it can tell they are its own — a gongkai
//!   manifest in them or the staging mark, which every staging folder holds until its commit.
//!   A folder of that name that is not its own is left alone (or, for its own process id,
//!   stops the build with a message);
//! - inside a staging folder (its own), whatever the build does not write.
//!
//! Foreign files moved aside go to `<output>.foreign/` beside the output, which no build
//! removes from; a name already there gets a `~N` suffix instead of being overwritten.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub use crate::mirror::ManifestEntry as Written;

pub mod guard;

/// The file every staging folder holds until its commit, so that a killed build's leftover can
/// be told apart from a folder someone else made under a similar name.
pub use crate::util::STAGING_MARK;

/// Why a commit did not replace the output.
#[derive(Debug)]
pub enum CommitError {
    Io(io::Error),
    /// The output holds files gongkai did not write, and the build was not told to move them.
    Refused(guard::Refusal),
}

impl From<io::Error> for CommitError {
    fn from(e: io::Error) -> Self {
        CommitError::Io(e)
    }
}

impl From<CommitError> for io::Error {
    fn from(e: CommitError) -> Self {
        match e {
            CommitError::Io(e) => e,
            CommitError::Refused(r) => io::Error::other(r.message),
        }
    }
}

/// What a commit did besides replacing the output.
#[derive(Debug, Default)]
pub struct Committed {
    /// Files gongkai did not write that were moved out of the output, and where to.
    pub moved: Vec<String>,
    pub moved_to: Option<PathBuf>,
}

/// Where renderers put files: a staging folder for `build`, memory for `serve`.
pub trait Sink: Sync {
    /// Stores one file. `rel` is '/'-separated, relative to the output root.
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()>;

    /// Opens one file to be written a piece at a time, in order, and stored at
    /// [`Appender::finish`] (the site-wide export files, each its plans' pieces as the plans
    /// are made). A sink that can writes each piece as it comes; by default they are gathered
    /// and stored whole.
    fn open<'s>(&'s self, rel: &str) -> io::Result<Box<dyn Appender + 's>> {
        Ok(Box::new(Gathered {
            sink: self,
            rel: rel.to_string(),
            bytes: Vec::new(),
        }))
    }

    /// Keeps a group of files of the site the build starts from instead of writing them: for
    /// a caller that knows it would write those very bytes (the search index, when its
    /// documents are the ones its `meta.js` names). `name` is handed the bytes of `head`, a
    /// file of the group that names it, and gives every path of the group (`head` among them)
    /// when the group is the one this build would write, `None` otherwise. All or nothing:
    /// `true` only when every file of the group is there with the bytes that site's manifest
    /// lists, and then they count as written. `false` by default.
    fn keep_group(&self, _head: &str, _name: &dyn Fn(&[u8]) -> Option<Vec<String>>) -> bool {
        false
    }
}

/// A file being written a piece at a time ([`Sink::open`]).
pub trait Appender: Send + Sync {
    fn append(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Stores the file: nothing of it counts as written before.
    fn finish(self: Box<Self>) -> io::Result<()>;
}

/// [`Sink::open`]'s default: the pieces gathered, then written whole.
struct Gathered<'s, S: Sink + ?Sized> {
    sink: &'s S,
    rel: String,
    bytes: Vec<u8>,
}

impl<S: Sink + ?Sized> Appender for Gathered<'_, S> {
    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.bytes.extend_from_slice(bytes);
        Ok(())
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        self.sink.write(&self.rel, &self.bytes)
    }
}

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        Staging::write(self, rel, bytes)
    }

    fn open<'s>(&'s self, rel: &str) -> io::Result<Box<dyn Appender + 's>> {
        let opened = self.open_file(rel);
        let file = opened.map_err(|e| self.failure(rel, e))?;
        Ok(Box::new(file))
    }

    fn keep_group(&self, head: &str, name: &dyn Fn(&[u8]) -> Option<Vec<String>>) -> bool {
        if self.hash_all {
            return false;
        }
        // The kept site the staging folder started as: its files stay where they are.
        if let Some(sums) = self.kept_sums.as_ref().filter(|_| self.reused) {
            if let Some((files, folders)) = vouch_group(&self.dir, &sums.sums, head, name) {
                self.made
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend(folders);
                self.written
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend(files);
                return true;
            }
        }
        // The output being replaced: its files are linked in, as unchanged files are.
        let Some(previous) = &self.previous else {
            return false;
        };
        let Some(sums) = KeptSums::read(previous) else {
            return false;
        };
        let Some((files, _)) = vouch_group(previous, &sums.sums, head, name) else {
            return false;
        };
        for w in &files {
            let linked = self.place(&w.path).and_then(|path| {
                remove_any(&path)?;
                fs::hard_link(previous.join(&w.path), &path)
            });
            if linked.is_err() {
                // What was linked so far holds the bytes the caller would write anyway.
                return false;
            }
        }
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(files);
        true
    }
}

/// A file of the staging folder written a piece at a time: hashed as it is written, and
/// shared with the output's copy when that holds the same bytes (as [`Staging::write`] does).
struct StagedFile<'s> {
    staging: &'s Staging,
    rel: String,
    path: PathBuf,
    out: io::BufWriter<fs::File>,
    hash: sha2::Sha256,
    size: u64,
}

impl Appender for StagedFile<'_> {
    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        use sha2::Digest;
        self.hash.update(bytes);
        self.size += bytes.len() as u64;
        let written = self.out.write_all(bytes);
        written.map_err(|e| self.staging.failure(&self.rel, e))
    }

    fn finish(self: Box<Self>) -> io::Result<()> {
        use sha2::Digest;
        let StagedFile {
            staging,
            rel,
            path,
            out,
            hash,
            size,
        } = *self;
        let flushed = out.into_inner().map_err(io::IntoInnerError::into_error);
        drop(flushed.map_err(|e| staging.failure(&rel, e))?);
        staging.share_unchanged(&rel, &path, size);
        staging
            .written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Written {
                path: rel,
                sha256: crate::mirror::manifest::hex(&hash.finalize()),
                size,
            });
        Ok(())
    }
}

/// A staging folder being filled; [`Staging::commit`] swaps it in for the output, and dropping
/// it without a commit puts things back as they were.
pub struct Staging {
    dir: PathBuf,
    /// `.<output>.prev` beside the output: where the replaced site is kept for the next build.
    kept: PathBuf,
    /// Whether `dir` started as the kept site (updated in place, and swept before the
    /// commit) rather than empty.
    reused: bool,
    /// The output being replaced, when there is one: a file it already holds with the same
    /// bytes is linked into the staging folder instead of written again (see
    /// [`Staging::link_unchanged`]).
    previous: Option<PathBuf>,
    /// The kept site's manifest, when the staging folder started as the kept site.
    kept_sums: Option<KeptSums>,
    /// A signed build: every file is hashed from the bytes this build writes, and no group of
    /// files is kept ([`Sink::keep_group`]).
    hash_all: bool,
    written: Mutex<Vec<Written>>,
    /// Folders known to be real folders in `dir` ('/'-separated, relative), so each file costs
    /// one `open` rather than a walk up its path.
    made: Mutex<HashSet<String>>,
    /// Held while something a kept site has under a folder's name is replaced by the folder.
    replacing: Mutex<()>,
    /// Set once the staging folder is committed or thrown away.
    done: bool,
    /// Whether files in the output that gongkai did not write are moved aside at the commit
    /// (`--force`) rather than refused.
    move_foreign: bool,
    /// The first file that could not be written, and why (a full disk, say).
    failed: Mutex<Option<(String, String)>>,
}

impl Staging {
    /// A staging folder next to `output` (same file system, so the final swap is atomic):
    /// the site kept from the build before last when there is one, otherwise an empty folder.
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
        let kept = parent.join(format!(".{name}.prev"));
        if fs::symlink_metadata(&dir).is_ok() {
            // This process id's leftover from a build long gone (ids are reused).
            if !own(&dir) {
                return Err(not_own(&dir));
            }
            remove_any(&dir)?;
        }
        // Taking the kept site by renaming it is atomic: two builds never share it. A folder
        // of that name that gongkai did not make is left where it is.
        let mut reused = own(&kept) && fs::rename(&kept, &dir).is_ok();
        // A killed build leaves its staging folder; it holds a site much like a kept one.
        for stale in abandoned_staging(parent, name) {
            if !own(&stale) {
                continue;
            }
            if !reused && fs::rename(&stale, &dir).is_ok() {
                reused = true;
            } else {
                // Best effort: a leftover that cannot be removed (or that another build has
                // just taken up) must not stop this build.
                let _ = remove_any(&stale);
            }
        }
        if reused && !fs::symlink_metadata(&dir)?.is_dir() {
            // Not a folder (a link, say): nothing to start from.
            remove_any(&dir)?;
            reused = false;
        }
        if !reused {
            fs::create_dir(&dir)?;
        }
        mark(&dir)?;
        let kept_sums = if reused { KeptSums::read(&dir) } else { None };
        Ok(Staging {
            dir,
            kept,
            reused,
            previous: output.is_dir().then(|| output.to_path_buf()),
            kept_sums,
            hash_all: false,
            written: Mutex::new(Vec::new()),
            made: Mutex::new(HashSet::new()),
            replacing: Mutex::new(()),
            done: false,
            move_foreign: false,
            failed: Mutex::new(None),
        })
    }

    /// At the commit, moves the files in the output that gongkai did not write into
    /// `<output>.foreign/` instead of refusing the output (`--force`).
    pub fn move_foreign_aside(&mut self) {
        self.move_foreign = true;
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Hashes every file from its bytes, taking nothing from the kept site's manifest (for a
    /// signed build, whose manifest must rest on nothing but the bytes written).
    pub fn hash_every_file(&mut self) {
        self.kept_sums = None;
        self.hash_all = true;
    }

    /// The first file the staging folder could not store, with the file system's reason: the
    /// build then failed for want of space or rights, not for its content.
    pub fn write_failure(&self) -> Option<(String, String)> {
        self.failed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Writes one file. `rel` is '/'-separated and must stay inside the output.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.store(rel, bytes).map_err(|e| self.failure(rel, e))
    }

    /// Keeps the first failure to store a file (see [`Staging::write_failure`]), and hands it
    /// back.
    fn failure(&self, rel: &str, e: io::Error) -> io::Error {
        let mut failed = self.failed.lock().unwrap_or_else(|e| e.into_inner());
        failed.get_or_insert_with(|| (rel.to_string(), e.to_string()));
        e
    }

    /// The path in the staging folder of file `rel`, its folders made.
    fn place(&self, rel: &str) -> io::Result<PathBuf> {
        if rel.split('/').any(|c| c == ".." || c.is_empty()) || rel.starts_with('/') {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to write outside the output: {rel}"),
            ));
        }
        if let Some((folder, _)) = rel.rsplit_once('/') {
            self.make_folder(folder)?;
        }
        Ok(self.dir.join(rel))
    }

    /// File `rel`, created afresh for [`Sink::open`] (what a kept site held under its name
    /// removed: it may be linked to the output's copy, which must not change).
    fn open_file(&self, rel: &str) -> io::Result<StagedFile<'_>> {
        use sha2::Digest;
        let path = self.place(rel)?;
        remove_any(&path)?;
        let file = fs::File::options()
            .write(true)
            .create_new(true)
            .open(&path)?;
        Ok(StagedFile {
            staging: self,
            rel: rel.to_string(),
            path,
            out: io::BufWriter::with_capacity(256 * 1024, file),
            hash: sha2::Sha256::new(),
            size: 0,
        })
    }

    /// After file `rel` was written at `path` a piece at a time: when the output being
    /// replaced holds the same `size` bytes, the staging folder takes a link to that copy
    /// instead (as [`Staging::link_unchanged`] does for a file written whole).
    fn share_unchanged(&self, rel: &str, path: &Path, size: u64) {
        let Some(previous) = &self.previous else {
            return;
        };
        let old = previous.join(rel);
        let same_size =
            fs::symlink_metadata(&old).is_ok_and(|m| m.file_type().is_file() && m.len() == size);
        if same_size && same_files(&old, path) {
            // Linked beside it, then renamed over it: when either step fails, the file just
            // written stays.
            let mut beside = path.as_os_str().to_owned();
            beside.push(".shared");
            let beside = PathBuf::from(beside);
            let _ = remove_any(&beside);
            if fs::hard_link(&old, &beside).is_ok() && fs::rename(&beside, path).is_err() {
                let _ = fs::remove_file(&beside);
            }
        }
    }

    fn store(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.place(rel)?;
        let kept = if self.reused {
            already_holds(&path, bytes)
        } else {
            None
        };
        if kept.is_none() && !self.link_unchanged(rel, &path, bytes) {
            create(&path, bytes)?;
        }
        let known = kept.and_then(|file| self.kept_sums.as_ref()?.sum(rel, &file));
        let w = match known {
            Some(sha256) => Written {
                path: rel.to_string(),
                sha256: sha256.to_string(),
                size: bytes.len() as u64,
            },
            None => crate::mirror::entry(rel, bytes),
        };
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(w);
        Ok(())
    }

    /// Makes `rel` (and the folders above it) a real folder in the staging folder: whatever
    /// else a kept site has under that name — a file, a symbolic link — is removed first, so
    /// nothing is ever written through a link.
    fn make_folder(&self, rel: &str) -> io::Result<()> {
        let made = |rel: &str| {
            self.made
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(rel)
        };
        if made(rel) {
            return Ok(());
        }
        if let Some((up, _)) = rel.rsplit_once('/') {
            self.make_folder(up)?;
        }
        let path = self.dir.join(rel);
        match fs::create_dir(&path) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                if !is_folder(&path)? {
                    // One thread at a time, so none removes a folder another just made.
                    let _one = self.replacing.lock().unwrap_or_else(|e| e.into_inner());
                    if !is_folder(&path)? {
                        remove_any(&path)?;
                        fs::create_dir(&path)?;
                    }
                }
            }
            r => r?,
        }
        self.made
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string());
        Ok(())
    }

    /// Links the output's file at `rel` to `path` when it is a plain file holding exactly
    /// `bytes`; `false` when there is none or it differs (the caller writes).
    ///
    /// On a rebuild without a kept site (the second build into an output) this is what keeps
    /// the two sites sharing their unchanged files: a link costs a directory entry, a new
    /// file an inode and its blocks. The output itself is never changed.
    fn link_unchanged(&self, rel: &str, path: &Path, bytes: &[u8]) -> bool {
        let Some(previous) = &self.previous else {
            return false;
        };
        let old = previous.join(rel);
        // Not through a symbolic link: that would put the link itself into the output.
        let same_size = fs::symlink_metadata(&old)
            .is_ok_and(|m| m.file_type().is_file() && m.len() == bytes.len() as u64);
        if !(same_size && holds(&old, bytes)) {
            return false;
        }
        if self.reused {
            let _ = remove_any(path);
        }
        fs::hard_link(&old, path).is_ok()
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

    /// Replaces `output` with the staged files: what a kept site held and this build did not
    /// write is removed, the two folders swap names, and the replaced site is kept beside the
    /// output for the next build. Files in the output that gongkai did not write are never
    /// swapped away: the commit is refused, or they are moved aside first
    /// ([`Staging::move_foreign_aside`]).
    pub fn commit(mut self, output: &Path) -> Result<Committed, CommitError> {
        let foreign = guard::foreign_files(output)?;
        let mut committed = Committed::default();
        if !foreign.is_empty() {
            let aside = foreign_folder(output);
            if !self.move_foreign {
                return Err(CommitError::Refused(foreign_refusal(
                    output, &foreign, &aside,
                )));
            }
            move_aside(output, &foreign, &aside)?;
            committed = Committed {
                moved: foreign,
                moved_to: Some(aside),
            };
        }
        if self.reused {
            let written = self.written.lock().unwrap_or_else(|e| e.into_inner());
            let files: HashSet<&str> = written.iter().map(|w| w.path.as_str()).collect();
            let folders = self.made.lock().unwrap_or_else(|e| e.into_inner());
            sweep(&self.dir, "", &files, &folders)?;
        }
        match fs::remove_file(self.dir.join(STAGING_MARK)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
        if fs::symlink_metadata(output).is_ok() {
            swap(&self.dir, output)?;
            // The staging folder's name now holds the replaced site.
            self.put_away(true);
        } else {
            fs::rename(&self.dir, output)?;
            self.done = true;
        }
        Ok(committed)
    }

    /// Throws the staged files away, leaving the output as it was (a kept site, partly
    /// updated, stays kept for the next build).
    pub fn abort(mut self) {
        self.put_away(self.reused);
    }

    /// Renames the staging folder to the kept site's name (`keep`), or removes it.
    fn put_away(&mut self, keep: bool) {
        self.done = true;
        // Never onto something already there: another build's kept site, or a folder of that
        // name that is not gongkai's (a rename would replace it when empty).
        let free = fs::symlink_metadata(&self.kept).is_err();
        // The kept folder holds the staging mark as well: that is how the next build knows it
        // for its own, whatever else it holds.
        if !(keep && free && mark(&self.dir).is_ok() && fs::rename(&self.dir, &self.kept).is_ok()) {
            let _ = remove_any(&self.dir);
        }
    }
}

impl Drop for Staging {
    /// A build that stops between staging and commit (an error, a panic) leaves no staging
    /// folder behind.
    fn drop(&mut self) {
        if !self.done {
            self.put_away(self.reused);
        }
    }
}

/// Swaps the names of the staging folder and the output in one step where the system can
/// (the output is never missing, not even for an instant); elsewhere with two renames.
fn swap(staged: &Path, output: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(io::Error::other);
        let (from, to) = (c(staged)?, c(output)?);
        // SAFETY: both are valid NUL-terminated paths that outlive the call.
        let r = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                from.as_ptr(),
                libc::AT_FDCWD,
                to.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if r == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        // Not supported by this kernel or file system: fall through to two renames.
        if !matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) {
            return Err(e);
        }
    }
    let mut aside = staged.as_os_str().to_owned();
    aside.push(".old");
    let aside = PathBuf::from(aside);
    if fs::symlink_metadata(&aside).is_ok() {
        if !own(&aside) {
            return Err(not_own(&aside));
        }
        remove_any(&aside)?;
    }
    fs::rename(output, &aside)?;
    if let Err(e) = fs::rename(staged, output) {
        let _ = fs::rename(&aside, output);
        return Err(e);
    }
    // The output is replaced now; keeping the old site is only a saving for the next build.
    if fs::rename(&aside, staged).is_err() {
        let _ = remove_any(&aside);
    }
    Ok(())
}

/// Whether `dir` is a folder a gongkai build made (a site or a staging folder).
fn own(dir: &Path) -> bool {
    guard::is_own_folder(dir, STAGING_MARK)
}

/// The error for a folder with a working folder's name that gongkai did not make.
fn not_own(dir: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!(
            "{} is in the way, and it is not a folder gongkai made; move or remove it",
            dir.display()
        ),
    )
}

/// Puts the staging mark into a staging folder.
fn mark(dir: &Path) -> io::Result<()> {
    match fs::File::options()
        .write(true)
        .create_new(true)
        .open(dir.join(STAGING_MARK))
    {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        r => r.map(drop),
    }
}

/// `<output>.foreign` beside the output: where `--force` moves the files gongkai did not write.
pub fn foreign_folder(output: &Path) -> PathBuf {
    let mut name = output
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "public".into());
    name.push(".foreign");
    output.with_file_name(name)
}

/// The refusal of an output holding `foreign` files.
pub fn foreign_refusal(output: &Path, foreign: &[String], aside: &Path) -> guard::Refusal {
    const SHOWN: usize = 10;
    let mut list: Vec<String> = foreign.iter().take(SHOWN).cloned().collect();
    if foreign.len() > SHOWN {
        list.push(format!("and {} more", foreign.len() - SHOWN));
    }
    guard::Refusal {
        message: format!(
            "{} holds {} file(s) or folder(s) that gongkai did not write: {}; a build replaces \
             its output whole",
            output.display(),
            foreign.len(),
            list.join(", ")
        ),
        help: format!(
            "files to publish beside the site (verification files, CNAME, .htaccess) belong in \
             static/ in the project folder, which every build copies into the output; or pass \
             --output with an empty or new folder; or pass --force to build here and move these \
             files to {} (never deleted)",
            aside.display()
        ),
    }
}

/// Moves each of `foreign` (paths relative to `output`) to the same path under `aside`, never
/// over anything already there (a name taken gets a `~N` suffix).
fn move_aside(output: &Path, foreign: &[String], aside: &Path) -> io::Result<()> {
    for rel in foreign {
        let from = output.join(rel);
        let mut to = aside.join(rel);
        if let Some(up) = to.parent() {
            fs::create_dir_all(up)?;
        }
        let mut n = 1;
        while fs::symlink_metadata(&to).is_ok() {
            let mut name = aside.join(rel).into_os_string();
            name.push(format!("~{n}"));
            to = PathBuf::from(name);
            n += 1;
        }
        fs::rename(&from, &to)?;
    }
    Ok(())
}

/// Whether `path` is a folder itself (not a link to one).
fn is_folder(path: &Path) -> io::Result<bool> {
    Ok(fs::symlink_metadata(path)?.is_dir())
}

/// The group of files [`Sink::keep_group`] asks for, in site `dir` whose manifest lists
/// `sums`: each file read (never through a symbolic link, nor under one) and hashed, and
/// listed there with those very bytes; with the folders above them. `None` when one is not.
fn vouch_group(
    dir: &Path,
    sums: &HashMap<String, (String, u64)>,
    head: &str,
    name: &dyn Fn(&[u8]) -> Option<Vec<String>>,
) -> Option<(Vec<Written>, HashSet<String>)> {
    use rayon::prelude::*;
    let mut folders = HashSet::new();
    let mut under_folders = |rel: &str| -> Option<()> {
        if rel
            .split('/')
            .any(|c| c == ".." || c == "." || c.is_empty())
        {
            return None;
        }
        let mut at = 0;
        while let Some(slash) = rel[at..].find('/') {
            let folder = &rel[..at + slash];
            if !folders.contains(folder) {
                if !is_folder(&dir.join(folder)).ok()? {
                    return None;
                }
                folders.insert(folder.to_string());
            }
            at += slash + 1;
        }
        Some(())
    };
    let listed = |rel: &str, bytes: &[u8]| {
        let w = crate::mirror::entry(rel, bytes);
        (sums.get(rel) == Some(&(w.sha256.clone(), w.size))).then_some(w)
    };
    under_folders(head)?;
    let head_bytes = read_plain(&dir.join(head))?;
    listed(head, &head_bytes)?;
    let rels = name(&head_bytes)?;
    for rel in &rels {
        under_folders(rel)?;
    }
    let files = rels
        .par_iter()
        .map(|rel| listed(rel, &read_plain(&dir.join(rel))?))
        .collect::<Option<Vec<Written>>>()?;
    Some((files, folders))
}

/// The bytes of `path` when it is a plain file (see [`open_plain`]).
fn read_plain(path: &Path) -> Option<Vec<u8>> {
    let (mut file, _) = open_plain(path)?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// `path` opened to be read, with its metadata, when it is a plain file: opened without
/// following a symbolic link, and without waiting on anything that is not a file.
fn open_plain(path: &Path) -> Option<(fs::File, fs::Metadata)> {
    let mut open = fs::OpenOptions::new();
    open.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        open.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = open.open(path).ok()?;
    let meta = file.metadata().ok()?;
    meta.is_file().then_some((file, meta))
}

/// The SHA-256 sums of a kept site's `manifest.json`, and when that file last changed.
struct KeptSums {
    sums: HashMap<String, (String, u64)>,
    written: (i64, i64),
}

impl KeptSums {
    /// The manifest in the kept site `dir`, when it is there and reads (otherwise every file
    /// is hashed, as in a first build).
    fn read(dir: &Path) -> Option<KeptSums> {
        let path = dir.join(crate::mirror::MANIFEST_FILE);
        let meta = fs::symlink_metadata(&path).ok().filter(|m| m.is_file())?;
        let entries = crate::mirror::parse_manifest(&fs::read(&path).ok()?).ok()?;
        Some(KeptSums {
            sums: entries
                .into_iter()
                .map(|e| (e.path, (e.sha256, e.size)))
                .collect(),
            written: changed(&meta)?,
        })
    }

    /// The manifest's sum for `rel`, given the kept file there (already found to hold the
    /// bytes being written): only when its size agrees and the file has not changed since the
    /// manifest was written. Times are compared strictly, as a file changed within the same
    /// clock tick as the manifest shows the same time.
    fn sum(&self, rel: &str, file: &fs::Metadata) -> Option<&str> {
        let (sha256, size) = self.sums.get(rel)?;
        (*size == file.len() && changed(file)? < self.written).then_some(sha256.as_str())
    }
}

/// When a file's content, links or name last changed (its status-change time, which unlike the
/// modification time cannot be set back).
fn changed(meta: &fs::Metadata) -> Option<(i64, i64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.ctime(), meta.ctime_nsec()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// When `path` is a plain file holding exactly `bytes` (opened without following a symbolic
/// link, and without waiting on anything that is not a file), its metadata.
fn already_holds(path: &Path, bytes: &[u8]) -> Option<fs::Metadata> {
    let (mut file, meta) = open_plain(path)?;
    (meta.len() == bytes.len() as u64 && same_bytes(&mut file, bytes)).then_some(meta)
}

/// Creates `path` as a new file holding `bytes`. Never writes into an existing file: one in
/// a kept site may be linked to the same file in the output, which must not change.
fn create(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let new = || fs::File::options().write(true).create_new(true).open(path);
    let mut file = match new() {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            remove_any(path)?;
            new()?
        }
        r => r?,
    };
    file.write_all(bytes)
}

/// Whether the files at `a` and `b` hold the same bytes, read a little at a time.
fn same_files(a: &Path, b: &Path) -> bool {
    let (Ok(mut a), Ok(mut b)) = (fs::File::open(a), fs::File::open(b)) else {
        return false;
    };
    let (mut x, mut y) = (vec![0; 64 * 1024], vec![0; 64 * 1024]);
    loop {
        let n = match a.read(&mut x) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return false,
        };
        if n == 0 {
            return matches!(b.read(&mut y[..1]), Ok(0));
        }
        if b.read_exact(&mut y[..n]).is_err() || x[..n] != y[..n] {
            return false;
        }
    }
}

/// Whether the file at `path` holds exactly `bytes`.
fn holds(path: &Path, bytes: &[u8]) -> bool {
    fs::File::open(path).is_ok_and(|mut f| same_bytes(&mut f, bytes))
}

/// Whether `file` holds exactly `bytes`, read piece by piece (the biggest exports are tens of
/// megabytes; reading them whole would hold both copies at once).
fn same_bytes(file: &mut fs::File, bytes: &[u8]) -> bool {
    let mut buf = [0; 16 * 1024];
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

/// Removes from the folder `dir` (at `rel` in the staging folder) everything that is not one
/// of `files` or `folders`, side by side per level. Links are removed, never followed.
fn sweep(
    dir: &Path,
    rel: &str,
    files: &HashSet<&str>,
    folders: &HashSet<String>,
) -> io::Result<()> {
    use rayon::prelude::*;
    let entries: Vec<fs::DirEntry> = fs::read_dir(dir)?.collect::<io::Result<_>>()?;
    entries.par_iter().try_for_each(|e| {
        let name = e.file_name();
        let child = match (rel, name.to_str()) {
            (_, None) => None,
            ("", Some(n)) => Some(n.to_string()),
            (_, Some(n)) => Some(format!("{rel}/{n}")),
        };
        let kind = e.file_type()?;
        match child {
            Some(c) if kind.is_dir() && folders.contains(&c) => {
                sweep(&e.path(), &c, files, folders)
            }
            Some(c) if kind.is_file() && files.contains(c.as_str()) => Ok(()),
            _ => remove_any(&e.path()),
        }
    })
}

/// Removes whatever is at `path` — a folder with its contents, a file, a link (not what it
/// points to); nothing there is fine.
fn remove_any(path: &Path) -> io::Result<()> {
    let r = match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => remove_tree(path),
        Ok(_) => fs::remove_file(path),
        Err(e) => Err(e),
    };
    match r {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        r => r,
    }
}

/// The staging folders beside the output whose build is gone (killed, or its machine
/// restarted): `.<name>.staging-<process id>` with no such process. A folder whose process
/// may still be running — another build into the same output — is never listed.
fn abandoned_staging(parent: &Path, name: &str) -> Vec<PathBuf> {
    let prefix = format!(".{name}.staging-");
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| {
            let file = e.file_name();
            file.to_str()
                .and_then(|f| f.strip_prefix(&prefix))
                .and_then(|pid| pid.parse::<u32>().ok())
                .is_some_and(process_is_gone)
        })
        .map(|e| e.path())
        .collect()
}

#[cfg(unix)]
fn process_is_gone(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // Signal 0 checks only that the process exists; EPERM means it does (someone else's).
    // SAFETY: kill with signal 0 sends nothing and touches no memory.
    pid > 0
        && unsafe { libc::kill(pid, 0) } == -1
        && io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn process_is_gone(_pid: u32) -> bool {
    false
}

/// `fs::remove_dir_all`, with the folders of a level removed side by side (a site has
/// thousands of small folders).
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

    /// The inode of `p`: two names of one file have the same.
    #[cfg(unix)]
    fn inode(p: &Path) -> u64 {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(p).unwrap().ino()
    }

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
        build(&out, &[("same.html", "same"), ("changed.html", "old")]).unwrap();

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
            assert_eq!(
                inode(&staged.join("same.html")),
                inode(&out.join("same.html"))
            );
            assert_ne!(
                inode(&staged.join("changed.html")),
                inode(&out.join("changed.html"))
            );
        }
        s.commit(&out).unwrap();
        assert_eq!(fs::read(out.join("same.html")).unwrap(), b"same");
        assert_eq!(fs::read(out.join("changed.html")).unwrap(), b"new");
        assert_eq!(fs::read(out.join("added.html")).unwrap(), b"added");
        assert_eq!(names(tmp.path()), [".public.prev", "public"]);
    }

    /// A killed build's staging folder is taken up by the next build (which then costs what a
    /// rebuild over a kept site costs) and never left behind; a running build's is left alone.
    #[cfg(unix)]
    #[test]
    fn a_killed_builds_staging_folder_is_taken_up_and_a_running_ones_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let site = [("a/index.html", "one"), ("stale.html", "stale")];
        build(&out, &site).unwrap();
        build(&out, &site).unwrap();
        // The kept site, as a build killed while staging in it would leave it.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let abandoned = tmp.path().join(format!(".public.staging-{dead}"));
        fs::rename(tmp.path().join(".public.prev"), &abandoned).unwrap();
        let mut sleeper = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .unwrap();
        let live = tmp.path().join(format!(".public.staging-{}", sleeper.id()));
        fs::create_dir(&live).unwrap();

        let s = Staging::new(&out).unwrap();
        assert!(s.reused, "the abandoned folder is the starting point");
        s.write("a/index.html", b"two").unwrap();
        s.commit(&out).unwrap();
        sleeper.kill().unwrap();
        sleeper.wait().unwrap();

        assert_eq!(
            tree(&out),
            [
                ("a/".into(), vec![]),
                ("a/index.html".into(), b"two".to_vec())
            ]
        );
        assert!(!abandoned.exists());
        assert!(live.exists(), "a running build's folder is not touched");
        assert_eq!(
            names(tmp.path()),
            [
                ".public.prev".to_string(),
                format!(".public.staging-{}", sleeper.id()),
                "public".into()
            ]
        );
    }

    /// Every file under `dir` with its bytes, by '/'-separated path; folders end in '/'. The
    /// manifest and the staging mark, which every build writes, are left out.
    fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<_> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .filter(|e| {
                let name = e.as_ref().map(|e| e.file_name().to_os_string());
                !name.is_ok_and(|n| n == STAGING_MARK || n == crate::mirror::MANIFEST_FILE)
            })
            .map(|e| {
                let e = e.unwrap();
                let rel = e.path().strip_prefix(dir).unwrap().to_str().unwrap();
                let rel = rel.replace('\\', "/");
                if e.file_type().is_dir() {
                    (format!("{rel}/"), Vec::new())
                } else {
                    (rel, fs::read(e.path()).unwrap())
                }
            })
            .collect();
        v.sort();
        v
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    }

    /// A build of `files` into `out`, with the manifest written last, as `gongkai build`
    /// writes it.
    fn build(out: &Path, files: &[(&str, &str)]) -> io::Result<()> {
        let s = Staging::new(out)?;
        for (rel, text) in files {
            s.write(rel, text.as_bytes())?;
        }
        for (rel, bytes) in
            crate::mirror::release_files(&s.written(), None).map_err(io::Error::other)?
        {
            s.write(rel, &bytes)?;
        }
        s.commit(out)?;
        Ok(())
    }

    /// [`build`], with the manifest written last, as `gongkai build` writes it.
    fn release(out: &Path, files: &[(&str, &str)]) {
        let s = Staging::new(out).unwrap();
        for (rel, text) in files {
            s.write(rel, text.as_bytes()).unwrap();
        }
        for (rel, bytes) in crate::mirror::release_files(&s.written(), None).unwrap() {
            s.write(rel, &bytes).unwrap();
        }
        s.commit(out).unwrap();
    }

    /// The SHA-256 sums `staging` records for the manifest, by path.
    fn sums(staging: &Staging) -> HashMap<String, String> {
        staging
            .written()
            .into_iter()
            .map(|w| (w.path, w.sha256))
            .collect()
    }

    fn sha256(text: &str) -> String {
        crate::mirror::entry("", text.as_bytes()).sha256
    }

    /// Lets the clock move past the last file change (file times advance by clock ticks).
    fn next_tick() {
        std::thread::sleep(std::time::Duration::from_millis(30));
    }

    #[cfg(unix)]
    #[test]
    fn a_kept_file_changed_after_its_manifest_is_hashed_afresh() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        release(&out, &[("a.html", "one"), ("same.html", "same")]);
        release(&out, &[("a.html", "two"), ("same.html", "same")]);
        // The kept site's manifest gives a.html the sum of "one"; the file now holds "two",
        // the bytes the next build writes, so only its change time tells.
        next_tick();
        fs::write(tmp.path().join(".public.prev/a.html"), "two").unwrap();

        let s = Staging::new(&out).unwrap();
        s.write("a.html", b"two").unwrap();
        s.write("same.html", b"same").unwrap();
        let got = sums(&s);
        assert_eq!(got["a.html"], sha256("two"));
        assert_eq!(got["same.html"], sha256("same"));
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_take_the_kept_manifests_sums_except_in_a_build_that_hashes_every_file() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        release(&out, &[("same.html", "same")]);
        release(&out, &[("same.html", "same")]);
        // A sum no file has, so that where it comes from shows.
        next_tick();
        let manifest = tmp.path().join(".public.prev/manifest.json");
        let text = fs::read_to_string(&manifest).unwrap();
        assert!(text.contains(&sha256("same")));
        fs::write(&manifest, text.replace(&sha256("same"), &"0".repeat(64))).unwrap();

        let s = Staging::new(&out).unwrap();
        s.write("same.html", b"same").unwrap();
        assert_eq!(
            sums(&s)["same.html"],
            "0".repeat(64),
            "taken from the manifest"
        );
        s.abort();

        let mut s = Staging::new(&out).unwrap();
        s.hash_every_file();
        s.write("same.html", b"same").unwrap();
        assert_eq!(
            sums(&s)["same.html"],
            sha256("same"),
            "hashed from the bytes"
        );
    }

    #[test]
    fn a_rebuild_updates_the_site_kept_from_the_build_before_last() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        build(&out, &[("a/same.html", "same"), ("a/gone.html", "gone")]).unwrap();
        build(&out, &[("a/same.html", "same"), ("b/changed.html", "old")]).unwrap();
        let kept = tmp.path().join(".public.prev");
        assert_eq!(
            tree(&kept),
            [
                ("a/".into(), vec![]),
                ("a/gone.html".into(), b"gone".to_vec()),
                ("a/same.html".into(), b"same".to_vec())
            ],
            "the replaced site is kept as it was"
        );

        let s = Staging::new(&out).unwrap();
        assert!(!kept.exists(), "the build took the kept site");
        #[cfg(unix)]
        let before = inode(&s.dir().join("a/same.html"));
        s.write("a/same.html", b"same").unwrap();
        s.write("b/changed.html", b"new").unwrap();
        s.write("c/d/added.html", b"added").unwrap();
        #[cfg(unix)]
        assert_eq!(
            before,
            inode(&s.dir().join("a/same.html")),
            "an unchanged file stays where it was"
        );
        s.commit(&out).unwrap();
        assert_eq!(
            tree(&out),
            [
                ("a/".into(), vec![]),
                ("a/same.html".into(), b"same".to_vec()),
                ("b/".into(), vec![]),
                ("b/changed.html".into(), b"new".to_vec()),
                ("c/".into(), vec![]),
                ("c/d/".into(), vec![]),
                ("c/d/added.html".into(), b"added".to_vec())
            ],
            "exactly the files of this build"
        );
        assert_eq!(fs::read(kept.join("b/changed.html")).unwrap(), b"old");
        assert_eq!(names(tmp.path()), [".public.prev", "public"]);
    }

    /// A file appended to a piece at a time (the site-wide exports) is the pieces one after the
    /// other, with the manifest entry of those bytes, and is matched against the output's copy
    /// and the kept site's: the same bytes are shared, a change anywhere (or bytes after the
    /// last piece) is written anew.
    #[test]
    fn a_file_written_in_pieces_is_the_pieces_joined_and_shared_when_unchanged() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let big = "行".repeat(20_000);
        let whole = format!("head\n{big},x\n");
        let pieces: [&[u8]; 4] = [b"head\n", big.as_bytes(), b",", b"x\n"];
        // Opened, appended to a piece at a time, finished.
        let write = |s: &Staging, name: &str, pieces: &[&[u8]]| {
            let mut file = Sink::open(s, name).unwrap();
            for piece in pieces {
                file.append(piece).unwrap();
            }
            file.finish().unwrap();
        };
        build(
            &out,
            &[
                ("same.csv", &whole),
                ("longer.csv", &format!("{whole}more")),
            ],
        )
        .unwrap();
        let s = Staging::new(&out).unwrap();
        write(&s, "same.csv", &pieces);
        write(&s, "longer.csv", &pieces);
        write(&s, "new.csv", &pieces);
        write(&s, "empty.csv", &[b"", b""]);
        let staged = s.dir().to_path_buf();
        for name in ["same.csv", "longer.csv", "new.csv"] {
            assert_eq!(
                fs::read(staged.join(name)).unwrap(),
                whole.as_bytes(),
                "{name}"
            );
        }
        assert_eq!(fs::read(staged.join("empty.csv")).unwrap(), b"");
        #[cfg(unix)]
        {
            assert_eq!(
                inode(&staged.join("same.csv")),
                inode(&out.join("same.csv"))
            );
            assert_ne!(
                inode(&staged.join("longer.csv")),
                inode(&out.join("longer.csv"))
            );
        }
        let entry = crate::mirror::entry("new.csv", whole.as_bytes());
        let written = s.written();
        let new = written.iter().find(|w| w.path == "new.csv").unwrap();
        assert_eq!((&new.sha256, new.size), (&entry.sha256, entry.size));
        commit(s, &out);

        // Over the kept site: the unchanged file stays, the changed one is replaced.
        let s = Staging::new(&out).unwrap();
        write(&s, "same.csv", &pieces);
        write(&s, "longer.csv", &[b"head\n", big.as_bytes(), b";", b"x\n"]);
        commit(s, &out);
        assert_eq!(fs::read(out.join("same.csv")).unwrap(), whole.as_bytes());
        assert_eq!(
            fs::read(out.join("longer.csv")).unwrap(),
            format!("head\n{big};x\n").as_bytes()
        );
    }

    /// Commits `s` with its manifest, as a build does.
    fn commit(s: Staging, out: &Path) {
        for (rel, bytes) in crate::mirror::release_files(&s.written(), None).unwrap() {
            s.write(rel, &bytes).unwrap();
        }
        s.commit(out).unwrap();
    }

    #[test]
    fn a_changed_file_shared_with_the_output_is_replaced_not_written_through() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        build(&out, &[("page.html", "one")]).unwrap();
        // Linked to the first build's file, which is now the kept site's.
        build(&out, &[("page.html", "one")]).unwrap();
        let s = Staging::new(&out).unwrap();
        s.write("page.html", b"two").unwrap();
        assert_eq!(fs::read(s.dir().join("page.html")).unwrap(), b"two");
        assert_eq!(fs::read(out.join("page.html")).unwrap(), b"one");
        s.abort();
        assert_eq!(fs::read(out.join("page.html")).unwrap(), b"one");
        assert_eq!(names(tmp.path()), [".public.prev", "public"]);
    }

    #[test]
    fn a_staging_folder_dropped_without_commit_is_not_left_behind() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let s = Staging::new(&out).unwrap();
        s.write("a/index.html", b"one").unwrap();
        drop(s);
        assert_eq!(names(tmp.path()), Vec::<String>::new());
        build(&out, &[("a/index.html", "one")]).unwrap();
        build(&out, &[("a/index.html", "two")]).unwrap();
        let s = Staging::new(&out).unwrap();
        s.write("a/index.html", b"three").unwrap();
        drop(s);
        assert_eq!(names(tmp.path()), [".public.prev", "public"]);
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"two");
    }

    #[cfg(unix)]
    #[test]
    fn whatever_the_kept_site_holds_the_output_is_exactly_the_new_files() {
        use std::os::unix::fs::symlink;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let elsewhere = tmp.path().join("elsewhere");
        fs::create_dir_all(elsewhere.join("sub")).unwrap();
        fs::write(elsewhere.join("file"), b"keep").unwrap();
        build(&out, &[("x.html", "x")]).unwrap();
        let kept = tmp.path().join(".public.prev");
        fs::create_dir_all(kept.join("dir-now-file/inner")).unwrap();
        fs::write(kept.join("dir-now-file/inner/f"), b"f").unwrap();
        fs::write(kept.join("file-now-dir"), b"f").unwrap();
        symlink(&elsewhere, kept.join("linked-dir")).unwrap();
        symlink(elsewhere.join("file"), kept.join("linked.html")).unwrap();
        symlink(&elsewhere, kept.join("stray-link")).unwrap();
        fs::write(kept.join("half.html"), b"hal?").unwrap();
        fs::write(kept.join("stray.html"), b"stray").unwrap();
        fs::create_dir_all(kept.join("stray-dir/deeper")).unwrap();

        build(
            &out,
            &[
                ("dir-now-file", "now a file"),
                ("file-now-dir/index.html", "now a folder"),
                ("linked-dir/sub/page.html", "page"),
                ("linked.html", "keep"),
                ("half.html", "half"),
            ],
        )
        .unwrap();
        assert_eq!(
            tree(&out),
            [
                ("dir-now-file".into(), b"now a file".to_vec()),
                ("file-now-dir/".into(), vec![]),
                ("file-now-dir/index.html".into(), b"now a folder".to_vec()),
                ("half.html".into(), b"half".to_vec()),
                ("linked-dir/".into(), vec![]),
                ("linked-dir/sub/".into(), vec![]),
                ("linked-dir/sub/page.html".into(), b"page".to_vec()),
                ("linked.html".into(), b"keep".to_vec()),
            ]
        );
        assert!(!fs::symlink_metadata(out.join("linked.html"))
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            tree(&elsewhere),
            [("file".into(), b"keep".to_vec()), ("sub/".into(), vec![])],
            "nothing written or removed through a link"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_kept_site_that_is_a_link_is_not_followed() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let elsewhere = tmp.path().join("elsewhere");
        fs::create_dir_all(&elsewhere).unwrap();
        fs::write(elsewhere.join("a.html"), b"other").unwrap();
        std::os::unix::fs::symlink(&elsewhere, tmp.path().join(".public.prev")).unwrap();
        build(&out, &[("a.html", "new")]).unwrap();
        build(&out, &[("a.html", "newer")]).unwrap();
        assert_eq!(fs::read(out.join("a.html")).unwrap(), b"newer");
        assert_eq!(fs::read(elsewhere.join("a.html")).unwrap(), b"other");
        // Not a folder gongkai made: left where it is, pointing where it did.
        assert_eq!(names(tmp.path()), [".public.prev", "elsewhere", "public"]);
        assert_eq!(
            fs::read_link(tmp.path().join(".public.prev")).unwrap(),
            elsewhere
        );
    }

    #[test]
    fn working_folders_that_gongkai_did_not_make_are_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        // Named like the kept folder, a dead build's staging folder and this process's own.
        let dead = u32::MAX - 1;
        for name in [
            ".public.prev".to_string(),
            format!(".public.staging-{dead}"),
        ] {
            fs::create_dir_all(tmp.path().join(&name)).unwrap();
            fs::write(tmp.path().join(&name).join("notes.txt"), "mine").unwrap();
        }
        build(&out, &[("a.html", "one")]).unwrap();
        build(&out, &[("a.html", "two")]).unwrap();
        for name in [
            ".public.prev".to_string(),
            format!(".public.staging-{dead}"),
        ] {
            assert_eq!(
                fs::read(tmp.path().join(&name).join("notes.txt")).unwrap(),
                b"mine",
                "{name}"
            );
        }
        let own = tmp
            .path()
            .join(format!(".public.staging-{}", std::process::id()));
        fs::create_dir_all(&own).unwrap();
        fs::write(own.join("notes.txt"), "mine").unwrap();
        let e = Staging::new(&out).err().expect("refused");
        assert!(e.to_string().contains("not a folder gongkai made"), "{e}");
        assert_eq!(fs::read(own.join("notes.txt")).unwrap(), b"mine");
        assert_eq!(fs::read(out.join("a.html")).unwrap(), b"two");
    }

    #[test]
    fn files_the_output_holds_that_gongkai_did_not_write_are_refused_or_moved_aside() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        build(&out, &[("a.html", "one")]).unwrap();
        fs::write(out.join("google123.html"), "verify").unwrap();
        fs::create_dir_all(out.join("old-site")).unwrap();
        fs::write(out.join("old-site/index.html"), "old").unwrap();

        let s = Staging::new(&out).unwrap();
        s.write("a.html", b"two").unwrap();
        match s.commit(&out) {
            Err(CommitError::Refused(r)) => {
                assert!(
                    r.message.contains("google123.html, old-site"),
                    "{}",
                    r.message
                );
                assert!(r.help.contains("static/") && r.help.contains("--force"));
            }
            other => panic!("not refused: {other:?}"),
        }
        assert_eq!(fs::read(out.join("a.html")).unwrap(), b"one");
        assert_eq!(fs::read(out.join("google123.html")).unwrap(), b"verify");

        // Something already has the name in the folder they move to: it is not overwritten.
        let aside = tmp.path().join("public.foreign");
        fs::create_dir_all(&aside).unwrap();
        fs::write(aside.join("google123.html"), "earlier").unwrap();
        let mut s = Staging::new(&out).unwrap();
        s.move_foreign_aside();
        s.write("a.html", b"two").unwrap();
        for (rel, bytes) in crate::mirror::release_files(&s.written(), None).unwrap() {
            s.write(rel, &bytes).unwrap();
        }
        let done = s.commit(&out).unwrap();
        assert_eq!(done.moved, ["google123.html", "old-site"]);
        assert_eq!(done.moved_to.as_deref(), Some(aside.as_path()));
        assert_eq!(fs::read(out.join("a.html")).unwrap(), b"two");
        assert_eq!(
            tree(&aside),
            [
                ("google123.html".into(), b"earlier".to_vec()),
                ("google123.html~1".into(), b"verify".to_vec()),
                ("old-site/".into(), vec![]),
                ("old-site/index.html".into(), b"old".to_vec()),
            ]
        );
        // Later builds leave the moved files alone.
        build(&out, &[("a.html", "three")]).unwrap();
        build(&out, &[("a.html", "four")]).unwrap();
        assert_eq!(tree(&aside).len(), 4);
        assert_eq!(tree(&out), [("a.html".into(), b"four".to_vec())]);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_in_the_previous_output_is_not_carried_over() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        fs::create_dir_all(&out).unwrap();
        fs::write(tmp.path().join("elsewhere"), b"page").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("elsewhere"), out.join("page.html")).unwrap();
        let mut s = Staging::new(&out).unwrap();
        s.move_foreign_aside();
        s.write("page.html", b"page").unwrap();
        s.commit(&out).unwrap();
        let m = fs::symlink_metadata(out.join("page.html")).unwrap();
        assert!(m.file_type().is_file());
        assert_eq!(fs::read(tmp.path().join("elsewhere")).unwrap(), b"page");
        let moved = tmp.path().join("public.foreign/page.html");
        assert!(fs::symlink_metadata(moved)
            .unwrap()
            .file_type()
            .is_symlink());
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
