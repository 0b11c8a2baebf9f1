//! Mirrors: the manifest of a built site, its signature, and the checks a mirror runs.
//!
//! NGOs copy `public/` and re-host it. This module lets anyone holding a copy prove it is
//! complete and unchanged — without trusting the host they got it from.
//!
//! **In:** the bytes of every output file (from the build's writer, which hashes each file as
//! it writes it, so nothing is read twice), an optional Ed25519 secret key, or a folder to check.
//! **Out:** `manifest.json`, `manifest.sig`, key files, and a [`VerifyReport`].
//! **Never:** touches the network, reads outside the folder it checks (manifest paths are
//! validated before use), or hand-rolls cryptography (ed25519-dalek and sha2 do that).
//!
//! # `manifest.json` ⚑ (DESIGN §5)
//!
//! ```text
//! {"version":1,"generator":"gongkai","algorithm":"sha256","files":[
//! {"path":"data/plans.json","sha256":"9f86d081…","size":1234},
//! {"path":"index.html","sha256":"2c26b46b…","size":5678}
//! ]}
//! ```
//!
//! One entry per line, sorted by `path` in byte order, UTF-8, ending in a newline; no
//! timestamps, so the same site gives the same bytes. `path` is relative to the site root,
//! `/`-separated, without `.` or `..` segments; `sha256` is lowercase hex; `size` is in bytes.
//! It lists every file of the site except `manifest.json` and `manifest.sig` at the root.
//! Readers must accept any JSON whitespace and ignore unknown keys; `version` and
//! `algorithm` must be `1` and `"sha256"`.
//!
//! # `manifest.sig` ⚑
//!
//! ```text
//! gongkai-signature-v1
//! key: SHA256:1a2b 3c4d … (16 groups)
//! sig: <base64 of the 64-byte Ed25519 signature over the exact bytes of manifest.json>
//! ```
//!
//! Ed25519 signatures are deterministic: the same manifest and key give the same file.
//! `key:` names the signer's fingerprint (see [`fingerprint`]) so a failed check can say
//! "signed by a different key" rather than just "bad signature".
//!
//! # Key files (`gongkai keygen`) ⚑
//!
//! ```text
//! gongkai-ed25519-secret-v1          gongkai-ed25519-public-v1
//! # fingerprint: SHA256:1a2b …       # fingerprint: SHA256:1a2b …
//! <base64 of the 32-byte seed>       <base64 of the 32-byte public key>
//! ```
//!
//! Lines starting with `#` and blank lines are ignored. `gongkai.key` is written with mode
//! 0600 and is never overwritten.

mod keys;
pub(crate) mod manifest;
mod verify;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub use keys::{
    fingerprint, generate_key_pair, public_key_fingerprint_from_secret, sign_manifest,
    verify_signature, KeyPairFiles, PUBLIC_KEY_FILE, SECRET_KEY_FILE,
};
pub use manifest::{
    entry, manifest_from_dir, manifest_json, parse_manifest, release_files, sha256_hex,
    ManifestEntry, MANIFEST_FILE, SIGNATURE_FILE,
};
pub use verify::{verify_dir, Problem, ProblemKind, VerifyReport};

/// Everything that can stop a mirror command. Each message names the file involved, and
/// [`MirrorError::help`] says what to do next.
#[derive(Debug)]
pub enum MirrorError {
    /// Reading or writing a file failed (exit 2).
    Io {
        path: PathBuf,
        action: &'static str,
        source: io::Error,
    },
    /// The folder to verify does not exist or is not a folder (exit 2).
    NotADirectory { path: PathBuf },
    /// `manifest.json` is not there (exit 1: the copy is incomplete).
    ManifestMissing { path: PathBuf },
    /// `manifest.json` is not a manifest this version understands (exit 1).
    ManifestMalformed { path: PathBuf, reason: String },
    /// A key file given on the command line is not a gongkai key (exit 2).
    KeyMalformed { path: PathBuf, reason: String },
    /// `gongkai keygen` would overwrite an existing key file (exit 2).
    KeyExists { path: PathBuf },
    /// `--pubkey` was given but the site has no `manifest.sig` (exit 1).
    SignatureMissing { path: PathBuf },
    /// `manifest.sig` is not a gongkai signature (exit 1).
    SignatureMalformed { path: PathBuf, reason: String },
    /// `manifest.sig` names a key other than the one given (exit 1).
    WrongKey {
        path: PathBuf,
        signed_by: String,
        expected: String,
    },
    /// The signature does not match `manifest.json` under the given key (exit 1).
    BadSignature { path: PathBuf, manifest: PathBuf },
}

impl MirrorError {
    pub(crate) fn io(path: &Path, action: &'static str, source: io::Error) -> Self {
        MirrorError::Io {
            path: path.to_path_buf(),
            action,
            source,
        }
    }

    /// 1 for a copy that fails verification, 2 for usage and I/O problems (DESIGN §6).
    pub fn exit_code(&self) -> u8 {
        match self {
            MirrorError::Io { .. }
            | MirrorError::NotADirectory { .. }
            | MirrorError::KeyMalformed { .. }
            | MirrorError::KeyExists { .. } => 2,
            MirrorError::ManifestMissing { .. }
            | MirrorError::ManifestMalformed { .. }
            | MirrorError::SignatureMissing { .. }
            | MirrorError::SignatureMalformed { .. }
            | MirrorError::WrongKey { .. }
            | MirrorError::BadSignature { .. } => 1,
        }
    }

    /// What the user can do about it.
    pub fn help(&self) -> String {
        match self {
            MirrorError::Io { .. } => {
                "check that the path exists and that you may read (or write) it".into()
            }
            MirrorError::NotADirectory { .. } => {
                "give the folder of the site copy, the one that holds manifest.json".into()
            }
            MirrorError::ManifestMissing { .. } => {
                "this copy has no manifest: fetch manifest.json from the official site \
                 (it sits beside index.html), or re-mirror the whole site"
                    .into()
            }
            MirrorError::ManifestMalformed { .. } => {
                "the manifest is damaged or from an unknown version: \
                 fetch manifest.json again from the official site"
                    .into()
            }
            MirrorError::KeyMalformed { .. } => "give a key file made by `gongkai keygen` \
                 (gongkai.pub to verify, gongkai.key to sign)"
                .into(),
            MirrorError::KeyExists { .. } => {
                "keep the existing key (sites signed with it rely on it), or choose \
                 another folder with `gongkai keygen --out DIR`"
                    .into()
            }
            MirrorError::SignatureMissing { .. } => {
                "the copy is unsigned: fetch manifest.sig from the official site, \
                 or run without --pubkey to check the files only"
                    .into()
            }
            MirrorError::SignatureMalformed { .. } => {
                "the signature is damaged: fetch manifest.sig again from the official site".into()
            }
            MirrorError::WrongKey { .. } => {
                "check that --pubkey is the publisher's current key (compare the \
                 fingerprint with the one on the official site); otherwise this copy \
                 was not signed by the publisher"
                    .into()
            }
            MirrorError::BadSignature { .. } => {
                "do not trust this copy: manifest.json was changed after signing, \
                 or the signature was forged; fetch both files again from the official site"
                    .into()
            }
        }
    }
}

impl fmt::Display for MirrorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MirrorError::Io {
                path,
                action,
                source,
            } => {
                write!(f, "{}: cannot {action}: {source}", path.display())
            }
            MirrorError::NotADirectory { path } => write!(f, "{}: not a folder", path.display()),
            MirrorError::ManifestMissing { path } => {
                write!(f, "{}: manifest not found", path.display())
            }
            MirrorError::ManifestMalformed { path, reason } => {
                write!(f, "{}: not a valid manifest: {reason}", path.display())
            }
            MirrorError::KeyMalformed { path, reason } => {
                write!(f, "{}: not a gongkai key file: {reason}", path.display())
            }
            MirrorError::KeyExists { path } => {
                write!(
                    f,
                    "{}: a key already exists; refusing to overwrite it",
                    path.display()
                )
            }
            MirrorError::SignatureMissing { path } => {
                write!(f, "{}: signature not found", path.display())
            }
            MirrorError::SignatureMalformed { path, reason } => {
                write!(
                    f,
                    "{}: not a valid signature file: {reason}",
                    path.display()
                )
            }
            MirrorError::WrongKey {
                path,
                signed_by,
                expected,
            } => write!(
                f,
                "{}: signed by a different key\n  signed by: {signed_by}\n  expected:  {expected}",
                path.display()
            ),
            MirrorError::BadSignature { path, manifest } => write!(
                f,
                "{}: signature does not match {}",
                path.display(),
                manifest.display()
            ),
        }
    }
}

impl std::error::Error for MirrorError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            MirrorError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

fn report_error(err: &MirrorError) -> ExitCode {
    eprintln!("error: {err}\n  help: {}", err.help());
    ExitCode::from(err.exit_code())
}

/// `gongkai verify DIR [--pubkey FILE]`: prints one line per problem, then a summary.
pub fn verify_command(dir: &Path, pubkey: Option<&Path>) -> ExitCode {
    match verify_dir(dir, pubkey) {
        Ok(report) => {
            print!("{report}");
            ExitCode::from(report.exit_code())
        }
        Err(err) => report_error(&err),
    }
}

/// `gongkai keygen [--out DIR]`: writes `gongkai.key` and `gongkai.pub` into DIR.
pub fn keygen_command(out: &Path) -> ExitCode {
    match generate_key_pair(out) {
        Ok(files) => {
            println!("secret key: {}", files.secret.display());
            println!("public key: {}", files.public.display());
            println!("fingerprint: {}", files.fingerprint);
            println!();
            println!(
                "Sign releases with `gongkai build --sign-key {}`.",
                files.secret.display()
            );
            println!(
                "Keep {} secret (not in git, not on the web server); back it up offline.",
                SECRET_KEY_FILE
            );
            println!(
                "Publish {} and the fingerprint on your official site, so mirrors can run \
                 `gongkai verify DIR --pubkey {}`.",
                PUBLIC_KEY_FILE, PUBLIC_KEY_FILE
            );
            ExitCode::SUCCESS
        }
        Err(err) => report_error(&err),
    }
}
