//! Shared helpers for end-to-end tests: run the real binary, read the output as a user would.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn gongkai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .output()
        .expect("run gongkai")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Builds `root` into `out`, panicking with the diagnostics when the build fails.
/// Runs `gongkai build --root ROOT --output OUT EXTRA…`, whatever its outcome.
pub fn try_build(root: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    gongkai(&args)
}

pub fn build(root: &Path, out: &Path) {
    let o = try_build(root, out, &[]);
    assert!(
        o.status.success(),
        "build of {} failed:\n{}",
        root.display(),
        stderr(&o)
    );
}

/// Copies a folder tree (for tests that change content).
pub fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_map(Result::ok)
    {
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_dir() {
            fs::create_dir_all(&dest).unwrap();
        } else {
            fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Every file of a tree with its bytes, keyed by relative path.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, fs::read(e.path()).unwrap())
        })
        .collect()
}

/// The values of `attr="…"` attributes in an HTML text (href, src), entity-decoded for &amp;.
pub fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        if let Some(end) = rest.find('"') {
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

/// Every internal link of every HTML page under `out` that does not resolve to a file (and,
/// for `#anchor`s, to an element id in it). Returns "page → link" strings.
pub fn broken_links(out: &Path) -> Vec<String> {
    let files = snapshot(out);
    let mut ids: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (path, bytes) in &files {
        if path.ends_with(".html") {
            let html = String::from_utf8_lossy(bytes);
            ids.insert(path.as_str(), attr_values(&html, "id"));
        }
    }
    let mut broken = Vec::new();
    for (path, bytes) in &files {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        let dir = Path::new(path).parent().unwrap_or(Path::new(""));
        for link in attr_values(&html, "href")
            .into_iter()
            .chain(attr_values(&html, "src"))
        {
            if link.contains("://")
                || link.starts_with("mailto:")
                || link.starts_with("tel:")
                || link.starts_with("data:")
                || link.starts_with("//")
            {
                continue;
            }
            let (target, anchor) = match link.split_once('#') {
                Some((t, a)) => (t, Some(a)),
                None => (link.as_str(), None),
            };
            let target = target.split('?').next().unwrap_or("");
            let resolved = if target.is_empty() {
                path.clone()
            } else {
                normalize(&dir.join(target))
            };
            let resolved = if resolved.ends_with('/') || resolved.is_empty() {
                format!("{resolved}index.html")
            } else {
                resolved
            };
            if !files.contains_key(&resolved) {
                broken.push(format!("{path} → {link} (no file {resolved})"));
                continue;
            }
            if let Some(a) = anchor.filter(|a| !a.is_empty()) {
                if resolved.ends_with(".html")
                    && !ids
                        .get(resolved.as_str())
                        .is_some_and(|v| v.iter().any(|i| i == a))
                {
                    broken.push(format!("{path} → {link} (no id {a})"));
                }
            }
        }
    }
    broken
}

fn normalize(p: &Path) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(s) => parts.push(s.to_string_lossy().into_owned()),
            _ => {}
        }
    }
    let mut s = parts.join("/");
    if p.to_string_lossy().ends_with('/') {
        s.push('/');
    }
    s
}
