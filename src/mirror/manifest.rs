//! `manifest.json`: writing it (from hashes the build computed) and reading it back.
//! The format is documented on the parent module.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::MirrorError;

/// The manifest's file name at the site root.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The signature's file name at the site root.
pub const SIGNATURE_FILE: &str = "manifest.sig";

/// One file of the site as the manifest records it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ManifestEntry {
    /// Relative to the site root, `/`-separated.
    pub path: String,
    /// SHA-256 of the content, lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The manifest entry of a file the build is about to write, so the writer hashes each file
/// once, from memory. `path` is relative to the site root, `/`-separated.
///
/// ```
/// let e = gongkai::mirror::entry("robots.txt", b"");
/// assert_eq!(e.size, 0);
/// assert!(e.sha256.starts_with("e3b0c442"));
/// ```
pub fn entry(path: &str, bytes: &[u8]) -> ManifestEntry {
    ManifestEntry {
        path: path.to_string(),
        sha256: sha256_hex(bytes),
        size: bytes.len() as u64,
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The bytes of `manifest.json` for these files: sorted by path (byte order), one entry a
/// line, no timestamps. Entries named `manifest.json`/`manifest.sig` are left out.
pub fn manifest_json(files: &[ManifestEntry]) -> String {
    let mut sorted: Vec<&ManifestEntry> = files
        .iter()
        .filter(|e| !is_manifest_file(&e.path))
        .collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut out = String::with_capacity(64 + sorted.len() * 120);
    out.push_str(r#"{"version":1,"generator":"gongkai","algorithm":"sha256","files":["#);
    for (i, e) in sorted.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        // serde_json escapes the path exactly as JSON requires (quotes, controls).
        let path = serde_json::to_string(&e.path).unwrap_or_else(|_| "\"\"".into());
        let _ = write!(
            out,
            r#"{{"path":{path},"sha256":"{}","size":{}}}"#,
            e.sha256, e.size
        );
    }
    out.push_str("\n]}\n");
    out
}

/// The contents of `manifest.json` and, with a key, `manifest.sig`, as (file name, bytes)
/// pairs for the build's writer to put at the site root.
pub fn release_files(
    files: &[ManifestEntry],
    sign_key: Option<&Path>,
) -> Result<Vec<(&'static str, Vec<u8>)>, MirrorError> {
    let mut out = vec![(MANIFEST_FILE, manifest_json(files).into_bytes())];
    if let Some(key) = sign_key {
        let sig = super::sign_manifest(&out[0].1, key)?;
        out.push((SIGNATURE_FILE, sig));
    }
    Ok(out)
}

pub(crate) fn is_manifest_file(rel: &str) -> bool {
    rel == MANIFEST_FILE || rel == SIGNATURE_FILE
}

#[derive(serde::Deserialize)]
struct RawManifest {
    version: u64,
    algorithm: String,
    files: Vec<RawEntry>,
}

#[derive(serde::Deserialize)]
struct RawEntry {
    path: String,
    sha256: String,
    size: u64,
}

/// Reads `manifest.json` bytes. The error is a reason for a person ("entry 3: path …").
/// Every path is checked to be relative and free of `..`, so a hostile manifest cannot
/// make `verify` read files outside the folder it checks.
pub fn parse_manifest(json: &[u8]) -> Result<Vec<ManifestEntry>, String> {
    let raw: RawManifest = serde_json::from_slice(json).map_err(|e| e.to_string())?;
    if raw.version != 1 {
        return Err(format!(
            "version {} is not supported (this gongkai reads version 1); update gongkai",
            raw.version
        ));
    }
    if raw.algorithm != "sha256" {
        return Err(format!(
            "algorithm {:?} is not supported (expected \"sha256\")",
            raw.algorithm
        ));
    }
    let mut seen = HashSet::with_capacity(raw.files.len());
    let mut files = Vec::with_capacity(raw.files.len());
    for (i, e) in raw.files.into_iter().enumerate() {
        let n = i + 1;
        check_rel_path(&e.path).map_err(|why| format!("entry {n}: path {:?} {why}", e.path))?;
        if e.sha256.len() != 64
            || !e
                .sha256
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        {
            return Err(format!(
                "entry {n} ({}): sha256 must be 64 lowercase hex digits, found {:?}",
                e.path, e.sha256
            ));
        }
        if !seen.insert(e.path.clone()) {
            return Err(format!("entry {n}: path {:?} is listed twice", e.path));
        }
        files.push(ManifestEntry {
            path: e.path,
            sha256: e.sha256,
            size: e.size,
        });
    }
    files.sort();
    Ok(files)
}

fn check_rel_path(path: &str) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("is empty");
    }
    if path.starts_with('/') {
        return Err("must be relative to the site root");
    }
    if path.contains('\\') || path.contains('\0') {
        return Err("must use '/' as separator and no NUL");
    }
    if path
        .split('/')
        .any(|seg| seg.is_empty() || seg == "." || seg == "..")
    {
        return Err("must not have empty, '.' or '..' segments");
    }
    if is_manifest_file(path) {
        return Err("is the manifest itself");
    }
    Ok(())
}

/// SHA-256 and size of a file, streamed through a fixed buffer (files can be large).
pub(crate) fn hash_file(path: &Path) -> io::Result<(String, u64)> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let size = io::copy(&mut file, &mut hasher)?;
    Ok((hex(&hasher.finalize()), size))
}

/// A file found under the site folder.
pub(crate) struct Found {
    /// Relative, `/`-separated; `None` when the name is not UTF-8 (it cannot be in a manifest).
    pub rel: Option<String>,
    /// For messages: the relative path, lossily decoded.
    pub display: String,
    pub full: PathBuf,
}

/// Every file under `dir` (following symbolic links), except the manifest and signature at
/// the root. Entries that cannot be read (a broken link, no permission) come back in the
/// second list with the reason.
pub(crate) fn walk(dir: &Path) -> (Vec<Found>, Vec<(String, String)>) {
    let mut found = Vec::new();
    let mut unreadable = Vec::new();
    for item in walkdir::WalkDir::new(dir).follow_links(true).min_depth(1) {
        match item {
            Ok(e) => {
                if !e.file_type().is_file() {
                    continue;
                }
                let Ok(rel_path) = e.path().strip_prefix(dir) else {
                    continue;
                };
                let rel = rel_utf8(rel_path);
                let display = rel.clone().unwrap_or_else(|| slash_lossy(rel_path));
                if rel.as_deref().is_some_and(is_manifest_file) {
                    continue;
                }
                found.push(Found {
                    rel,
                    display,
                    full: e.path().to_path_buf(),
                });
            }
            Err(err) => {
                let rel = err
                    .path()
                    .and_then(|p| p.strip_prefix(dir).ok())
                    .map(slash_lossy)
                    .unwrap_or_else(|| dir.display().to_string());
                let why = match err.io_error() {
                    Some(io) => io.to_string(),
                    None => err.to_string(),
                };
                unreadable.push((rel, why));
            }
        }
    }
    (found, unreadable)
}

fn rel_utf8(rel: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    parts.map(|p| p.join("/"))
}

fn slash_lossy(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// The manifest entries of every file under `dir` (except the manifest and signature),
/// sorted by path; files hashed in parallel. For tests and for re-creating a manifest of an
/// existing folder — the build hashes in its writer with [`entry`] instead.
pub fn manifest_from_dir(dir: &Path) -> io::Result<Vec<ManifestEntry>> {
    use rayon::prelude::*;
    let (found, unreadable) = walk(dir);
    if let Some((rel, why)) = unreadable.into_iter().next() {
        return Err(io::Error::other(format!(
            "{}: {why}",
            dir.join(rel).display()
        )));
    }
    let mut entries = found
        .par_iter()
        .map(|f| {
            let rel = f.rel.clone().ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{}: file name is not UTF-8; rename it", f.full.display()),
                )
            })?;
            let (sha256, size) = hash_file(&f.full)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", f.full.display())))?;
            Ok(ManifestEntry {
                path: rel,
                sha256,
                size,
            })
        })
        .collect::<io::Result<Vec<_>>>()?;
    entries.sort();
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_is_sorted_one_entry_a_line_and_skips_itself() {
        let files = vec![
            entry("plans/武汉/index.html", b"<p>x</p>"),
            entry("index.html", b"hi"),
            entry("manifest.json", b"old"),
            entry("Z.txt", b""),
        ];
        let json = manifest_json(&files);
        let lines: Vec<&str> = json.lines().collect();
        assert_eq!(
            lines[0],
            r#"{"version":1,"generator":"gongkai","algorithm":"sha256","files":["#
        );
        assert!(lines[1].starts_with(r#"{"path":"Z.txt","sha256":"e3b0c44298fc1c14"#));
        assert!(lines[2].starts_with(r#"{"path":"index.html""#));
        assert!(lines[3].starts_with(r#"{"path":"plans/武汉/index.html""#));
        assert!(lines[3].ends_with(r#","size":8}"#));
        assert_eq!(lines[4], "]}");
        assert_eq!(lines.len(), 5);
        assert!(json.ends_with('\n'));
    }

    #[test]
    fn empty_manifest_is_valid_json() {
        let json = manifest_json(&[]);
        assert_eq!(parse_manifest(json.as_bytes()).unwrap(), vec![]);
    }

    #[test]
    fn manifest_round_trips_and_escapes_paths() {
        let files = vec![entry("a \"quoted\".txt", b"1"), entry("b/c.css", b"22")];
        let json = manifest_json(&files);
        assert_eq!(parse_manifest(json.as_bytes()).unwrap(), files);
    }

    #[test]
    fn manifest_paths_cannot_escape_the_site() {
        for bad in [
            "../etc/passwd",
            "/etc/passwd",
            "a/../../b",
            "a//b",
            "./a",
            "a\\b",
            "",
        ] {
            let json = format!(
                r#"{{"version":1,"algorithm":"sha256","files":[{{"path":{},"sha256":"{}","size":1}}]}}"#,
                serde_json::to_string(bad).unwrap(),
                "0".repeat(64)
            );
            let err = parse_manifest(json.as_bytes()).unwrap_err();
            assert!(err.contains("entry 1"), "{bad}: {err}");
        }
    }

    #[test]
    fn manifest_rejects_unknown_version_bad_hash_and_duplicates() {
        let h = "a".repeat(64);
        let v2 = r#"{"version":2,"algorithm":"sha256","files":[]}"#;
        assert!(parse_manifest(v2.as_bytes())
            .unwrap_err()
            .contains("version 2"));
        let upper = format!(
            r#"{{"version":1,"algorithm":"sha256","files":[{{"path":"a","sha256":"{}","size":1}}]}}"#,
            "A".repeat(64)
        );
        assert!(parse_manifest(upper.as_bytes())
            .unwrap_err()
            .contains("lowercase hex"));
        let dup = format!(
            r#"{{"version":1,"algorithm":"sha256","files":[{{"path":"a","sha256":"{h}","size":1}},{{"path":"a","sha256":"{h}","size":1}}]}}"#
        );
        assert!(parse_manifest(dup.as_bytes())
            .unwrap_err()
            .contains("twice"));
        assert!(parse_manifest(b"not json").is_err());
    }

    #[test]
    fn entry_matches_hashing_the_written_file() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = vec![7u8; 200_000];
        std::fs::write(dir.path().join("big.bin"), &bytes).unwrap();
        let from_dir = manifest_from_dir(dir.path()).unwrap();
        assert_eq!(from_dir, vec![entry("big.bin", &bytes)]);
    }
}
