//! End-to-end checks of `gongkai verify` and `gongkai keygen` as a mirror operator runs them:
//! a real site folder on disk, the real binary, exit codes and the lines it prints.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use gongkai::mirror::{self, ProblemKind};

const BIN: &str = env!("CARGO_BIN_EXE_gongkai");

/// A small site: nested folders, Chinese names, an empty file, a binary file.
fn make_site(dir: &Path) {
    let files: &[(&str, &[u8])] = &[
        ("index.html", "<h1>绿色低碳发展</h1>".as_bytes()),
        ("plans/wuhan/index.html", "<p>武汉市</p>".as_bytes()),
        (
            "plans/wuhan/tasks/9/index.html",
            "<p>污水处理率达到98%以上</p>".as_bytes(),
        ),
        ("units/市发改委/index.html", b"<p>unit</p>"),
        ("data/tasks.csv", b"\xEF\xBB\xBFid,title\n9,x\n"),
        ("robots.txt", b""),
        ("static/logo.png", &[0u8, 1, 2, 255, 254, 0, 10, 13]),
    ];
    for (path, bytes) in files {
        let full = dir.join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, bytes).unwrap();
    }
}

/// A site with its manifest written by the library functions the build uses.
fn site_with_manifest() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    make_site(dir.path());
    let entries = mirror::manifest_from_dir(dir.path()).unwrap();
    fs::write(
        dir.path().join("manifest.json"),
        mirror::manifest_json(&entries),
    )
    .unwrap();
    dir
}

fn run(args: &[&str]) -> (u8, String) {
    let out: Output = Command::new(BIN).args(args).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap() as u8, text)
}

fn verify(dir: &Path, pubkey: Option<&Path>) -> (u8, String) {
    let mut args = vec!["verify".to_string(), dir.display().to_string()];
    if let Some(k) = pubkey {
        args.push("--pubkey".into());
        args.push(k.display().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&args)
}

fn keygen(out: &Path) -> (u8, String) {
    run(&["keygen", "--out", &out.display().to_string()])
}

/// Key pair made by the real `gongkai keygen`.
fn keys(out: &Path) -> (PathBuf, PathBuf) {
    let (code, text) = keygen(out);
    assert_eq!(code, 0, "{text}");
    (out.join("gongkai.key"), out.join("gongkai.pub"))
}

fn sign(site: &Path, secret: &Path) {
    let manifest = fs::read(site.join("manifest.json")).unwrap();
    let sig = mirror::sign_manifest(&manifest, secret).unwrap();
    fs::write(site.join("manifest.sig"), sig).unwrap();
}

#[test]
fn intact_copy_passes() {
    let site = site_with_manifest();
    let (code, text) = verify(site.path(), None);
    assert_eq!(code, 0, "{text}");
    assert_eq!(text, "7 files intact\n");
}

#[test]
fn manifest_lists_every_file_but_itself() {
    let site = site_with_manifest();
    let json = fs::read_to_string(site.path().join("manifest.json")).unwrap();
    let entries = mirror::parse_manifest(json.as_bytes()).unwrap();
    let paths: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "data/tasks.csv",
            "index.html",
            "plans/wuhan/index.html",
            "plans/wuhan/tasks/9/index.html",
            "robots.txt",
            "static/logo.png",
            "units/市发改委/index.html",
        ]
    );
    // The writer's per-file hashes give the same manifest as hashing the folder.
    let from_writer: Vec<_> = entries
        .iter()
        .map(|e| mirror::entry(&e.path, &fs::read(site.path().join(&e.path)).unwrap()))
        .collect();
    assert_eq!(mirror::manifest_json(&from_writer), json);
}

#[test]
fn flipped_byte_is_reported_as_modified() {
    let site = site_with_manifest();
    let path = site.path().join("plans/wuhan/tasks/9/index.html");
    let mut bytes = fs::read(&path).unwrap();
    bytes[5] ^= 0x01;
    fs::write(&path, bytes).unwrap();
    let (code, text) = verify(site.path(), None);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("MODIFIED    plans/wuhan/tasks/9/index.html (content differs)"),
        "{text}"
    );
    assert!(
        text.contains("1 problem(s): 1 modified (of 7 files in the manifest)"),
        "{text}"
    );
}

#[test]
fn changed_size_is_reported_with_both_sizes() {
    let site = site_with_manifest();
    fs::write(site.path().join("robots.txt"), "User-agent: *\n").unwrap();
    let (code, text) = verify(site.path(), None);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("MODIFIED    robots.txt (size 14, manifest says 0)"),
        "{text}"
    );
}

#[test]
fn deleted_file_is_reported_as_missing() {
    let site = site_with_manifest();
    fs::remove_file(site.path().join("units/市发改委/index.html")).unwrap();
    let (code, text) = verify(site.path(), None);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("MISSING     units/市发改委/index.html"),
        "{text}"
    );
    assert!(text.contains("1 problem(s): 1 missing"), "{text}");
}

#[test]
fn added_file_is_reported_as_extra_but_signature_files_are_not() {
    let site = site_with_manifest();
    fs::write(site.path().join("plans/wuhan/ads.js"), "track()").unwrap();
    fs::write(site.path().join("manifest.sig"), "whatever").unwrap();
    let (code, text) = verify(site.path(), None);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("EXTRA       plans/wuhan/ads.js"), "{text}");
    assert!(!text.contains("manifest.sig"), "{text}");
    assert!(text.contains("1 problem(s): 1 extra"), "{text}");
}

#[test]
fn every_problem_is_listed_with_a_summary() {
    let site = site_with_manifest();
    fs::write(site.path().join("index.html"), "<h1>篡改</h1>").unwrap();
    fs::remove_file(site.path().join("static/logo.png")).unwrap();
    fs::write(site.path().join("extra.html"), "x").unwrap();
    let (code, text) = verify(site.path(), None);
    assert_eq!(code, 1, "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("EXTRA       extra.html"), "{text}");
    assert!(lines[1].starts_with("MODIFIED    index.html"), "{text}");
    assert!(
        lines[2].starts_with("MISSING     static/logo.png"),
        "{text}"
    );
    assert!(
        text.contains("3 problem(s): 1 modified, 1 missing, 1 extra (of 7 files in the manifest)"),
        "{text}"
    );
}

#[test]
fn library_report_matches_the_command() {
    let site = site_with_manifest();
    fs::remove_file(site.path().join("robots.txt")).unwrap();
    let report = mirror::verify_dir(site.path(), None).unwrap();
    assert_eq!(report.files, 7);
    assert_eq!(report.problems.len(), 1);
    assert_eq!(report.problems[0].path, "robots.txt");
    assert_eq!(report.problems[0].kind, ProblemKind::Missing);
    assert_eq!(report.exit_code(), 1);
}

#[test]
fn missing_manifest_names_the_path_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    make_site(dir.path());
    let (code, text) = verify(dir.path(), None);
    assert_eq!(code, 1, "{text}");
    let expected = dir.path().join("manifest.json");
    assert!(
        text.contains(&format!("{}: manifest not found", expected.display())),
        "{text}"
    );
    assert!(text.contains("help:"), "{text}");
}

#[test]
fn malformed_manifest_names_the_path_and_exits_1() {
    let site = site_with_manifest();
    fs::write(site.path().join("manifest.json"), "{\"version\":1,").unwrap();
    let (code, text) = verify(site.path(), None);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("manifest.json: not a valid manifest"),
        "{text}"
    );
}

#[test]
fn manifest_pointing_outside_the_site_is_rejected() {
    let site = site_with_manifest();
    let evil = format!(
        r#"{{"version":1,"algorithm":"sha256","files":[{{"path":"../secret","sha256":"{}","size":1}}]}}"#,
        "0".repeat(64)
    );
    fs::write(site.path().join("manifest.json"), evil).unwrap();
    let (code, text) = verify(site.path(), None);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("\"../secret\""), "{text}");
}

#[test]
fn missing_folder_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let (code, text) = verify(&dir.path().join("nope"), None);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("nope: not a folder"), "{text}");
}

#[test]
fn keygen_writes_a_private_secret_key_and_prints_how_to_use_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("keys");
    let (code, text) = keygen(&out);
    assert_eq!(code, 0, "{text}");
    let secret = out.join("gongkai.key");
    let public = out.join("gongkai.pub");
    assert!(text.contains(&secret.display().to_string()), "{text}");
    assert!(text.contains(&public.display().to_string()), "{text}");
    assert!(text.contains("gongkai build --sign-key"), "{text}");
    let fp = mirror::public_key_fingerprint_from_secret(&secret).unwrap();
    assert!(text.contains(&format!("fingerprint: {fp}")), "{text}");
    assert!(fs::read_to_string(&secret)
        .unwrap()
        .starts_with("gongkai-ed25519-secret-v1\n"));
    assert!(fs::read_to_string(&public)
        .unwrap()
        .starts_with("gongkai-ed25519-public-v1\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&secret).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn keygen_refuses_to_overwrite_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let (secret, _) = keys(dir.path());
    let before = fs::read(&secret).unwrap();
    let (code, text) = keygen(dir.path());
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("gongkai.key: a key already exists"), "{text}");
    assert!(text.contains("--out"), "{text}");
    assert_eq!(fs::read(&secret).unwrap(), before);
}

#[test]
fn good_signature_passes() {
    let site = site_with_manifest();
    let keydir = tempfile::tempdir().unwrap();
    let (secret, public) = keys(keydir.path());
    sign(site.path(), &secret);
    let (code, text) = verify(site.path(), Some(&public));
    assert_eq!(code, 0, "{text}");
    let fp = mirror::public_key_fingerprint_from_secret(&secret).unwrap();
    assert!(
        text.contains(&format!("signature good: manifest signed by {fp}")),
        "{text}"
    );
    assert!(text.contains("7 files intact"), "{text}");
}

#[test]
fn signature_by_another_key_fails() {
    let site = site_with_manifest();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (secret_a, _) = keys(a.path());
    let (_, public_b) = keys(b.path());
    sign(site.path(), &secret_a);
    let (code, text) = verify(site.path(), Some(&public_b));
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("manifest.sig: signed by a different key"),
        "{text}"
    );
}

#[test]
fn forged_signature_claiming_the_right_key_fails() {
    let site = site_with_manifest();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (secret_a, _) = keys(a.path());
    let (secret_b, public_b) = keys(b.path());
    sign(site.path(), &secret_a);
    // Keep A's signature but claim B's fingerprint.
    let sig = fs::read_to_string(site.path().join("manifest.sig")).unwrap();
    let fp_b = mirror::public_key_fingerprint_from_secret(&secret_b).unwrap();
    let forged: Vec<String> = sig
        .lines()
        .map(|l| {
            if l.starts_with("key:") {
                format!("key: {fp_b}")
            } else {
                l.to_string()
            }
        })
        .collect();
    fs::write(site.path().join("manifest.sig"), forged.join("\n")).unwrap();
    let (code, text) = verify(site.path(), Some(&public_b));
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("manifest.sig: signature does not match"),
        "{text}"
    );
}

#[test]
fn manifest_changed_after_signing_fails() {
    let site = site_with_manifest();
    let keydir = tempfile::tempdir().unwrap();
    let (secret, public) = keys(keydir.path());
    sign(site.path(), &secret);
    // An attacker changes a file and re-hashes the manifest, but cannot re-sign it.
    fs::write(site.path().join("index.html"), "<h1>篡改</h1>").unwrap();
    let entries = mirror::manifest_from_dir(site.path()).unwrap();
    fs::write(
        site.path().join("manifest.json"),
        mirror::manifest_json(&entries),
    )
    .unwrap();
    assert_eq!(verify(site.path(), None).0, 0);
    let (code, text) = verify(site.path(), Some(&public));
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("signature does not match"), "{text}");
    assert!(text.contains("do not trust this copy"), "{text}");
}

#[test]
fn missing_or_malformed_signature_fails() {
    let site = site_with_manifest();
    let keydir = tempfile::tempdir().unwrap();
    let (_, public) = keys(keydir.path());
    let (code, text) = verify(site.path(), Some(&public));
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("manifest.sig: signature not found"), "{text}");

    fs::write(
        site.path().join("manifest.sig"),
        "gongkai-signature-v1\nkey: x\nsig: AAAA\n",
    )
    .unwrap();
    let (code, text) = verify(site.path(), Some(&public));
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("manifest.sig: not a valid signature file"),
        "{text}"
    );
}

#[test]
fn malformed_public_key_is_a_usage_error() {
    let site = site_with_manifest();
    let keydir = tempfile::tempdir().unwrap();
    let (secret, _) = keys(keydir.path());
    sign(site.path(), &secret);
    let bad = keydir.path().join("bad.pub");
    fs::write(&bad, "hello\n").unwrap();
    let (code, text) = verify(site.path(), Some(&bad));
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("bad.pub: not a gongkai key file"), "{text}");
}

#[test]
fn signing_the_same_manifest_twice_gives_identical_bytes() {
    let site = site_with_manifest();
    let keydir = tempfile::tempdir().unwrap();
    let (secret, _) = keys(keydir.path());
    let manifest = fs::read(site.path().join("manifest.json")).unwrap();
    let a = mirror::sign_manifest(&manifest, &secret).unwrap();
    let b = mirror::sign_manifest(&manifest, &secret).unwrap();
    assert_eq!(a, b);
    let files = mirror::release_files(
        &mirror::manifest_from_dir(site.path()).unwrap(),
        Some(&secret),
    )
    .unwrap();
    assert_eq!(files[0], ("manifest.json", manifest));
    assert_eq!(files[1], ("manifest.sig", a));
}
