//! Reading the user's files: sorted listings, UTF-8 with located errors, size limits.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::SourceFile;
use crate::diagnostics::{display_path, Diagnostic, Diagnostics, Pos};

/// Files larger than this are refused rather than read: no content file of a real portal comes
/// near it, and a stray multi-gigabyte file must not exhaust a build machine's memory.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The limit for the files a person writes (TOML settings and plans, Markdown reports): the
/// largest real tasks.toml is 41 kB. Beyond this a build would spend minutes rendering,
/// indexing and exporting one field (a 50 MB task text took over a minute), so it is refused.
pub const MAX_WRITTEN_BYTES: u64 = 8 * 1024 * 1024;

/// Reads a file as UTF-8 text. Problems become diagnostics (with the line and column of the
/// first invalid byte for encoding errors) and `None`.
pub(crate) fn read(root: &Path, path: &Path, diags: &mut Diagnostics) -> Option<SourceFile> {
    let shown = display_path(root, path);
    let written = path.extension().is_some_and(|e| e == "toml" || e == "md");
    let limit = if written {
        MAX_WRITTEN_BYTES
    } else {
        MAX_FILE_BYTES
    };
    let cannot_read =
        |e: std::io::Error| Diagnostic::error(&shown, Pos::START, format!("cannot read file: {e}"));
    // One open and reads up to the limit, nothing else: a plan has thousands of small files,
    // and every extra system call per file (a second path lookup, a stat) showed in loading.
    let mut file = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            diags.push(cannot_read(e));
            return None;
        }
    };
    let mut bytes = Vec::with_capacity(4 * 1024);
    if let Err(e) = (&mut file).take(limit + 1).read_to_end(&mut bytes) {
        diags.push(cannot_read(e));
        return None;
    }
    if bytes.len() as u64 > limit {
        let len = file.metadata().map_or(bytes.len() as u64, |m| m.len());
        diags.push(
            Diagnostic::error(
                &shown,
                Pos::START,
                format!(
                    "file is {} MB, larger than the {} MB limit",
                    len >> 20,
                    limit >> 20
                ),
            )
            .with_help(
                "split the content, or move large attachments out of content/ and link to them",
            ),
        );
        return None;
    }
    // Checked with SIMD: std's check of Chinese text, several instructions a byte, was a good
    // part of reading a report; copying the checked text into a String costs far less.
    if let Ok(text) = simdutf8::basic::from_utf8(&bytes) {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        return Some(SourceFile::new(shown, text.to_owned()));
    }
    // std's check says where the first invalid byte is.
    let valid = std::str::from_utf8(&bytes).map_or_else(|e| e.valid_up_to(), |t| t.len());
    let prefix = String::from_utf8_lossy(&bytes[..valid]);
    diags.push(
        Diagnostic::error(&shown, Pos::at(&prefix, valid), "file is not valid UTF-8")
            .with_help("save the file as UTF-8 (files from older Windows tools are often GBK: convert with `iconv -f GBK -t UTF-8`)"),
    );
    None
}

/// Files with extension `ext` directly under `dir`, sorted by name; none if `dir` does not
/// exist. Hidden files and editor backups are skipped.
pub(crate) fn sorted_files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let [files] = sorted_files_by_ext(dir, [ext]);
    files
}

/// [`sorted_files`] for each of `exts`, from one listing of `dir` (a progress folder holds
/// thousands of files, and listing it costs more than sorting).
pub(crate) fn sorted_files_by_ext<const N: usize>(
    dir: &Path,
    exts: [&str; N],
) -> [Vec<PathBuf>; N] {
    let mut out = std::array::from_fn(|_| Vec::new());
    if !dir.is_dir() {
        return out;
    }
    let entries = WalkDir::new(dir)
        .min_depth(1)
        .max_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file());
    for path in entries.map(|e| e.into_path()) {
        let kind = path
            .extension()
            .and_then(|e| exts.iter().position(|x| e == *x));
        if let Some(k) = kind.filter(|_| !is_hidden(&path)) {
            out[k].push(path);
        }
    }
    for files in &mut out {
        // All share the folder's path as a prefix, so comparing the whole paths' bytes orders
        // them by name (as `Path`'s own order would), without splitting every path into
        // components.
        files.sort_unstable_by(|a, b| a.as_os_str().cmp(b.as_os_str()));
    }
    out
}

/// Folders directly under `dir`, sorted by name.
pub(crate) fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let mut out: Vec<PathBuf> = WalkDir::new(dir)
        .min_depth(1)
        .max_depth(1)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_dir())
        .map(|e| e.into_path())
        .filter(|p| !is_hidden(p))
        .collect();
    out.sort();
    out
}

pub(crate) fn is_hidden(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') || n.ends_with('~'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_read_as_utf8_without_a_byte_order_mark() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("report.md");
        let mut diags = Diagnostics::new();
        for (bytes, text) in [
            (
                "\u{feff}+++\ntask = \"1\"\n+++\n污水处理率达到98%",
                "+++\ntask = \"1\"\n+++\n污水处理率达到98%",
            ),
            ("绿色\u{feff}发展", "绿色\u{feff}发展"),
            ("", ""),
        ] {
            fs::write(&path, bytes).unwrap();
            let file = read(tmp.path(), &path, &mut diags).expect("valid UTF-8 is read");
            assert_eq!(file.text, text);
        }
        assert!(diags.is_empty());
    }

    #[test]
    fn invalid_utf8_is_located_at_its_first_bad_byte() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("tasks.toml");
        let mut bytes = "[[task]]\ntitle = \"污水".as_bytes().to_vec();
        bytes.extend_from_slice(&[0xC4, 0xE3]); // GBK
        bytes.extend_from_slice("处理\"\n".as_bytes());
        fs::write(&path, bytes).unwrap();
        let mut diags = Diagnostics::new();
        assert!(read(tmp.path(), &path, &mut diags).is_none());
        let shown: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        assert_eq!(shown.len(), 1);
        assert!(
            shown[0].starts_with("tasks.toml:2:12: error: file is not valid UTF-8"),
            "{shown:?}"
        );
    }
}
