//! Ed25519 keys and `manifest.sig`: making a key pair, signing a manifest, checking a
//! signature. File formats are documented on the parent module.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use super::MirrorError;

/// The secret key's file name written by `gongkai keygen`.
pub const SECRET_KEY_FILE: &str = "gongkai.key";
/// The public key's file name written by `gongkai keygen`.
pub const PUBLIC_KEY_FILE: &str = "gongkai.pub";

const SECRET_HEADER: &str = "gongkai-ed25519-secret-v1";
const PUBLIC_HEADER: &str = "gongkai-ed25519-public-v1";
const SIGNATURE_HEADER: &str = "gongkai-signature-v1";

/// A fingerprint people can compare by eye: `SHA256:` and the SHA-256 of the 32-byte public
/// key in 16 groups of 4 hex digits, e.g. `SHA256:1a2b 3c4d … 9f0e`. The site shows it on its
/// disclosure and data pages; a mirror compares it with the key it verifies against.
pub fn fingerprint(public_key: &[u8; 32]) -> String {
    let digest = super::manifest::hex(&Sha256::digest(public_key));
    let groups: Vec<&str> = (0..digest.len())
        .step_by(4)
        .map(|i| &digest[i..i + 4])
        .collect();
    format!("SHA256:{}", groups.join(" "))
}

/// Where `gongkai keygen` put the keys.
#[derive(Debug, Clone)]
pub struct KeyPairFiles {
    pub secret: PathBuf,
    pub public: PathBuf,
    pub fingerprint: String,
}

/// Makes a new key pair from the operating system's randomness and writes `gongkai.key`
/// (mode 0600 on Unix) and `gongkai.pub` into `out` (created if needed). Never overwrites:
/// if either file exists, nothing is written.
pub fn generate_key_pair(out: &Path) -> Result<KeyPairFiles, MirrorError> {
    let secret = out.join(SECRET_KEY_FILE);
    let public = out.join(PUBLIC_KEY_FILE);
    for path in [&secret, &public] {
        if path.exists() {
            return Err(MirrorError::KeyExists { path: path.clone() });
        }
    }
    fs::create_dir_all(out).map_err(|e| MirrorError::io(out, "create the folder", e))?;

    let key = SigningKey::generate(&mut rand_core::OsRng);
    let public_bytes = key.verifying_key().to_bytes();
    let fp = fingerprint(&public_bytes);
    let comment = format!("# fingerprint: {fp}");

    let secret_text = format!(
        "{SECRET_HEADER}\n{comment}\n{}\n",
        B64.encode(key.to_bytes())
    );
    write_new(&secret, secret_text.as_bytes(), true)?;
    let public_text = format!("{PUBLIC_HEADER}\n{comment}\n{}\n", B64.encode(public_bytes));
    if let Err(e) = write_new(&public, public_text.as_bytes(), false) {
        // Leave no half pair behind: a lone secret key would block the next keygen.
        let _ = fs::remove_file(&secret);
        return Err(e);
    }
    Ok(KeyPairFiles {
        secret,
        public,
        fingerprint: fp,
    })
}

/// Creates `path` (failing if it exists, so a race cannot overwrite a key) and writes `bytes`.
fn write_new(path: &Path, bytes: &[u8], secret: bool) -> Result<(), MirrorError> {
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(if secret { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut file = opts.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            MirrorError::KeyExists {
                path: path.to_path_buf(),
            }
        } else {
            MirrorError::io(path, "create the key file", e)
        }
    })?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| MirrorError::io(path, "write the key file", e))
}

/// The 32 bytes of a key file with the given header (comments and blank lines ignored).
fn read_key_file(path: &Path, header: &str, other_header: &str) -> Result<[u8; 32], MirrorError> {
    let text =
        fs::read_to_string(path).map_err(|e| MirrorError::io(path, "read the key file", e))?;
    let malformed = |reason: String| MirrorError::KeyMalformed {
        path: path.to_path_buf(),
        reason,
    };
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    match lines.next() {
        Some(h) if h == header => {}
        Some(h) if h == other_header => {
            return Err(malformed(format!(
                "this is a {} key, but a {} key is needed here",
                kind_of(other_header),
                kind_of(header)
            )))
        }
        _ => return Err(malformed(format!("the first line must be {header:?}"))),
    }
    let body = lines
        .next()
        .ok_or_else(|| malformed("the key line is missing".into()))?;
    if lines.next().is_some() {
        return Err(malformed("unexpected text after the key line".into()));
    }
    let bytes = B64
        .decode(body)
        .map_err(|e| malformed(format!("the key line is not base64: {e}")))?;
    bytes
        .try_into()
        .map_err(|b: Vec<u8>| malformed(format!("the key is {} bytes, expected 32", b.len())))
}

fn kind_of(header: &str) -> &'static str {
    if header == SECRET_HEADER {
        "secret"
    } else {
        "public"
    }
}

fn read_secret_key(path: &Path) -> Result<SigningKey, MirrorError> {
    read_key_file(path, SECRET_HEADER, PUBLIC_HEADER).map(|seed| SigningKey::from_bytes(&seed))
}

fn read_public_key(path: &Path) -> Result<VerifyingKey, MirrorError> {
    let bytes = read_key_file(path, PUBLIC_HEADER, SECRET_HEADER)?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| MirrorError::KeyMalformed {
        path: path.to_path_buf(),
        reason: "the key is not a valid Ed25519 public key".into(),
    })
}

/// The fingerprint of the public half of a secret key file, for the site's pages.
pub fn public_key_fingerprint_from_secret(secret_key_file: &Path) -> Result<String, MirrorError> {
    let key = read_secret_key(secret_key_file)?;
    Ok(fingerprint(&key.verifying_key().to_bytes()))
}

/// The bytes of `manifest.sig` for the exact bytes of `manifest.json`. Deterministic: the
/// same manifest and key always give the same bytes.
pub fn sign_manifest(manifest: &[u8], secret_key_file: &Path) -> Result<Vec<u8>, MirrorError> {
    let key = read_secret_key(secret_key_file)?;
    let sig = key.sign(manifest);
    let fp = fingerprint(&key.verifying_key().to_bytes());
    Ok(format!(
        "{SIGNATURE_HEADER}\nkey: {fp}\nsig: {}\n",
        B64.encode(sig.to_bytes())
    )
    .into_bytes())
}

/// Checks `signature` (the bytes of `sig_path`) over `manifest` (the bytes of
/// `manifest_path`) with the public key in `pubkey_file`. Returns the key's fingerprint.
pub fn verify_signature(
    manifest: &[u8],
    manifest_path: &Path,
    signature: &[u8],
    sig_path: &Path,
    pubkey_file: &Path,
) -> Result<String, MirrorError> {
    let key = read_public_key(pubkey_file)?;
    let expected = fingerprint(&key.to_bytes());
    let (signed_by, sig) =
        parse_signature(signature).map_err(|reason| MirrorError::SignatureMalformed {
            path: sig_path.to_path_buf(),
            reason,
        })?;
    if normalise_fp(&signed_by) != normalise_fp(&expected) {
        return Err(MirrorError::WrongKey {
            path: sig_path.to_path_buf(),
            signed_by,
            expected,
        });
    }
    key.verify_strict(manifest, &sig)
        .map_err(|_| MirrorError::BadSignature {
            path: sig_path.to_path_buf(),
            manifest: manifest_path.to_path_buf(),
        })?;
    Ok(expected)
}

fn normalise_fp(fp: &str) -> String {
    fp.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase()
}

fn parse_signature(bytes: &[u8]) -> Result<(String, Signature), String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    if lines.next() != Some(SIGNATURE_HEADER) {
        return Err(format!("the first line must be {SIGNATURE_HEADER:?}"));
    }
    let key = lines
        .next()
        .and_then(|l| l.strip_prefix("key:"))
        .ok_or("the second line must be \"key: <fingerprint>\"")?
        .trim()
        .to_string();
    let sig = lines
        .next()
        .and_then(|l| l.strip_prefix("sig:"))
        .ok_or("the third line must be \"sig: <base64>\"")?
        .trim();
    if lines.next().is_some() {
        return Err("unexpected text after the sig line".into());
    }
    let raw = B64
        .decode(sig)
        .map_err(|e| format!("the signature is not base64: {e}"))?;
    let raw: [u8; 64] = raw
        .try_into()
        .map_err(|b: Vec<u8>| format!("the signature is {} bytes, expected 64", b.len()))?;
    Ok((key, Signature::from_bytes(&raw)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_sha256_in_groups_of_four() {
        let fp = fingerprint(&[0u8; 32]);
        // SHA-256 of 32 zero bytes is 66687aad…0d5f2925.
        assert_eq!(
            fp,
            "SHA256:6668 7aad f862 bd77 6c8f c18b 8e9f 8e20 0897 1485 6ee2 33b3 902a 591d 0d5f 2925"
        );
    }

    #[test]
    fn signing_is_deterministic_and_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let keys = generate_key_pair(dir.path()).unwrap();
        let manifest = b"{\"version\":1}\n";
        let a = sign_manifest(manifest, &keys.secret).unwrap();
        let b = sign_manifest(manifest, &keys.secret).unwrap();
        assert_eq!(a, b);
        let mp = dir.path().join("manifest.json");
        let sp = dir.path().join("manifest.sig");
        let fp = verify_signature(manifest, &mp, &a, &sp, &keys.public).unwrap();
        assert_eq!(fp, keys.fingerprint);
        assert_eq!(
            public_key_fingerprint_from_secret(&keys.secret).unwrap(),
            keys.fingerprint
        );
        let err = verify_signature(b"{\"version\":2}\n", &mp, &a, &sp, &keys.public).unwrap_err();
        assert!(matches!(err, MirrorError::BadSignature { .. }), "{err}");
    }

    #[test]
    fn a_public_key_cannot_sign_and_a_secret_key_cannot_verify() {
        let dir = tempfile::tempdir().unwrap();
        let keys = generate_key_pair(dir.path()).unwrap();
        let err = sign_manifest(b"x", &keys.public).unwrap_err();
        assert!(err.to_string().contains("this is a public key"), "{err}");
        let sig = sign_manifest(b"x", &keys.secret).unwrap();
        let err =
            verify_signature(b"x", Path::new("m"), &sig, Path::new("s"), &keys.secret).unwrap_err();
        assert!(err.to_string().contains("this is a secret key"), "{err}");
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn malformed_signatures_are_named() {
        for bad in [
            "",
            "gongkai-signature-v1\n",
            "gongkai-signature-v1\nkey: x\nsig: !!!\n",
            "gongkai-signature-v1\nkey: x\nsig: AAAA\n",
        ] {
            assert!(parse_signature(bad.as_bytes()).is_err(), "{bad:?}");
        }
    }
}
