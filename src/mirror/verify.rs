//! `gongkai verify`: a copy of a site against its manifest (and signature).
//!
//! The signature is checked first: if it fails, the manifest cannot be trusted and comparing
//! files against it would prove nothing. Then every file is compared — sizes first (cheap),
//! then SHA-256, streamed and in parallel, since mirrors can hold 100,000+ files.

use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::io;
use std::path::Path;

use rayon::prelude::*;

use super::manifest::{hash_file, parse_manifest, walk, MANIFEST_FILE, SIGNATURE_FILE};
use super::{verify_signature, MirrorError};

/// What is wrong with one file of the copy.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProblemKind {
    /// The content differs from the manifest (size or SHA-256).
    Modified {
        expected_size: u64,
        actual_size: u64,
    },
    /// In the manifest, not in the copy.
    Missing,
    /// In the copy, not in the manifest.
    Extra,
    /// Could not be read (I/O error, broken link); the reason.
    Unreadable(String),
}

/// One problem with one file; `path` is relative to the site root, `/`-separated.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub path: String,
    pub kind: ProblemKind,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ProblemKind::Modified {
                expected_size,
                actual_size,
            } if expected_size != actual_size => write!(
                f,
                "MODIFIED    {} (size {actual_size}, manifest says {expected_size})",
                self.path
            ),
            ProblemKind::Modified { .. } => {
                write!(f, "MODIFIED    {} (content differs)", self.path)
            }
            ProblemKind::Missing => write!(f, "MISSING     {}", self.path),
            ProblemKind::Extra => write!(f, "EXTRA       {}", self.path),
            ProblemKind::Unreadable(why) => write!(f, "UNREADABLE  {} ({why})", self.path),
        }
    }
}

/// The outcome of checking a copy. Printing it gives the lines `gongkai verify` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Files listed in the manifest.
    pub files: usize,
    /// Sorted by path.
    pub problems: Vec<Problem>,
    /// The fingerprint of the key whose signature was checked, if `--pubkey` was given.
    pub signed_by: Option<String>,
}

impl VerifyReport {
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }

    fn count(&self, f: impl Fn(&ProblemKind) -> bool) -> usize {
        self.problems.iter().filter(|p| f(&p.kind)).count()
    }

    /// 0 intact, 2 if a file could not be read (an I/O error, not evidence of tampering),
    /// otherwise 1.
    pub fn exit_code(&self) -> u8 {
        if self.is_intact() {
            0
        } else if self.count(|k| matches!(k, ProblemKind::Unreadable(_))) > 0 {
            2
        } else {
            1
        }
    }
}

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.problems {
            writeln!(f, "{p}")?;
        }
        if let Some(fp) = &self.signed_by {
            writeln!(f, "signature good: manifest signed by {fp}")?;
        }
        if self.is_intact() {
            return writeln!(f, "{} files intact", self.files);
        }
        let mut parts = Vec::new();
        for (label, n) in [
            (
                "modified",
                self.count(|k| matches!(k, ProblemKind::Modified { .. })),
            ),
            ("missing", self.count(|k| *k == ProblemKind::Missing)),
            ("extra", self.count(|k| *k == ProblemKind::Extra)),
            (
                "unreadable",
                self.count(|k| matches!(k, ProblemKind::Unreadable(_))),
            ),
        ] {
            if n > 0 {
                parts.push(format!("{n} {label}"));
            }
        }
        writeln!(
            f,
            "{} problem(s): {} (of {} files in the manifest)",
            self.problems.len(),
            parts.join(", "),
            self.files
        )?;
        writeln!(
            f,
            "help: this copy differs from what the publisher released; fetch the listed files \
             again from the official site (or re-mirror it), then run verify again"
        )
    }
}

/// Checks the copy in `dir` against `dir/manifest.json`, and with `pubkey` first checks
/// `dir/manifest.sig` against that key. File problems are in the report; a missing or
/// broken manifest, a failed signature and I/O errors on the folder itself are errors.
pub fn verify_dir(dir: &Path, pubkey: Option<&Path>) -> Result<VerifyReport, MirrorError> {
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(MirrorError::NotADirectory {
                path: dir.to_path_buf(),
            })
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(MirrorError::NotADirectory {
                path: dir.to_path_buf(),
            })
        }
        Err(e) => return Err(MirrorError::io(dir, "read the folder", e)),
    }

    let manifest_path = dir.join(MANIFEST_FILE);
    let manifest = fs::read(&manifest_path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => MirrorError::ManifestMissing {
            path: manifest_path.clone(),
        },
        _ => MirrorError::io(&manifest_path, "read the manifest", e),
    })?;

    let signed_by = match pubkey {
        None => None,
        Some(key) => {
            let sig_path = dir.join(SIGNATURE_FILE);
            let sig = fs::read(&sig_path).map_err(|e| match e.kind() {
                io::ErrorKind::NotFound => MirrorError::SignatureMissing {
                    path: sig_path.clone(),
                },
                _ => MirrorError::io(&sig_path, "read the signature", e),
            })?;
            Some(verify_signature(
                &manifest,
                &manifest_path,
                &sig,
                &sig_path,
                key,
            )?)
        }
    };

    let entries = parse_manifest(&manifest).map_err(|reason| MirrorError::ManifestMalformed {
        path: manifest_path.clone(),
        reason,
    })?;

    let (found, unreadable) = walk(dir);
    let present: HashSet<&str> = found.iter().filter_map(|f| f.rel.as_deref()).collect();
    let listed: HashSet<&str> = entries.iter().map(|e| e.path.as_str()).collect();

    let mut problems: Vec<Problem> = entries
        .par_iter()
        .filter_map(|e| {
            if !present.contains(e.path.as_str()) {
                // A path the walk could not enter is reported as unreadable below instead.
                let blocked = unreadable
                    .iter()
                    .any(|(rel, _)| e.path == *rel || e.path.starts_with(&format!("{rel}/")));
                return (!blocked).then(|| Problem {
                    path: e.path.clone(),
                    kind: ProblemKind::Missing,
                });
            }
            let full = dir.join(&e.path);
            let modified = |actual_size| Problem {
                path: e.path.clone(),
                kind: ProblemKind::Modified {
                    expected_size: e.size,
                    actual_size,
                },
            };
            let unreadable = |err: io::Error| Problem {
                path: e.path.clone(),
                kind: ProblemKind::Unreadable(err.to_string()),
            };
            match fs::metadata(&full) {
                Err(err) => return Some(unreadable(err)),
                Ok(m) if m.len() != e.size => return Some(modified(m.len())),
                Ok(_) => {}
            }
            match hash_file(&full) {
                Err(err) => Some(unreadable(err)),
                Ok((sha, size)) if sha != e.sha256 || size != e.size => Some(modified(size)),
                Ok(_) => None,
            }
        })
        .collect();

    problems.extend(
        found
            .iter()
            .filter(|f| f.rel.as_deref().is_none_or(|rel| !listed.contains(rel)))
            .map(|f| Problem {
                path: f.display.clone(),
                kind: ProblemKind::Extra,
            }),
    );
    problems.extend(unreadable.into_iter().map(|(path, why)| Problem {
        path,
        kind: ProblemKind::Unreadable(why),
    }));
    problems.sort();

    Ok(VerifyReport {
        files: entries.len(),
        problems,
        signed_by,
    })
}
