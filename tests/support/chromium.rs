//! Headless Chromium for end-to-end tests: load a page (usually `file://`), let its scripts run,
//! and return the DOM as HTML.
//!
//! Use from a test file with `#[path = "support/chromium.rs"] mod chromium;`.
//!
//! Chromium comes from Debian's `chromium` package (`.ci/run` installs it). Without a browser,
//! a test calling [`dump_dom`] panics under CI (env `CI` set) and otherwise prints a loud
//! SKIPPED line and gets `None`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The Chromium binary, if one is installed.
pub fn find() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] {
        if Path::new(candidate).exists() {
            return Some(PathBuf::from(candidate));
        }
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            let p = dir.join(name);
            if p.exists() {
                return Some(p);
            }
        }
    }
    None
}

/// The browser, or `None` after a loud SKIPPED line; panics under CI when there is none.
pub fn require(test: &str) -> Option<PathBuf> {
    match find() {
        Some(p) => Some(p),
        None if std::env::var_os("CI").is_some() => {
            panic!("chromium missing under CI: install Debian's chromium package (.ci/run does)")
        }
        None => {
            eprintln!("\n*** SKIPPED {test}: chromium not found (apt-get install chromium) ***\n");
            None
        }
    }
}

/// A `file://` URL for a local file, with an optional query string (given unencoded).
pub fn file_url(path: &Path, query: Option<&str>) -> String {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let mut url = String::from("file://");
    url.push_str(&percent_encode(&path.to_string_lossy(), b"/-_.~"));
    if let Some(q) = query {
        url.push('?');
        url.push_str(&percent_encode(q, b"=&-_.~"));
    }
    url
}

/// Percent-encodes everything but ASCII letters, digits and `keep`.
pub fn percent_encode(s: &str, keep: &[u8]) -> String {
    let mut out = String::new();
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Loads `url` in headless Chromium, lets scripts run (virtual time, so no sleeping), and
/// returns the serialised DOM. `None` only when there is no browser and not under CI.
pub fn dump_dom(test: &str, url: &str) -> Option<String> {
    let browser = require(test)?;
    let profile = tempfile::tempdir().expect("temporary profile folder");
    let mut child = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--allow-file-access-from-files",
            "--virtual-time-budget=20000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", browser.display()));
    // Read output on threads so a full pipe never blocks the browser.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).ok();
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut s).ok();
        s
    });
    let start = Instant::now();
    loop {
        if child.try_wait().ok().flatten().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(90) {
            child.kill().ok();
            child.wait().ok();
            panic!("chromium did not finish loading {url} within 90 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let dom = out.join().unwrap_or_default();
    let log = err.join().unwrap_or_default();
    assert!(
        !dom.trim().is_empty(),
        "chromium printed no DOM for {url}; its log:\n{log}"
    );
    Some(dom)
}

/// Undoes the HTML escaping of text in a serialised DOM.
pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// The text between the first `start` and the next `end` after it.
pub fn between<'a>(html: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let s = html.find(start)? + start.len();
    let e = html[s..].find(end)? + s;
    Some(&html[s..e])
}

/// Every `(href, text)` of the links inside the element opened by `open` (e.g.
/// `<ol id="search-results"`), in document order.
pub fn links_in(html: &str, open: &str) -> Vec<(String, String)> {
    let Some(start) = html.find(open) else {
        return Vec::new();
    };
    let rest = &html[start..];
    let tag = open
        .trim_start_matches('<')
        .split_whitespace()
        .next()
        .unwrap_or("ol");
    let end = rest.find(&format!("</{tag}>")).unwrap_or(rest.len());
    let mut out = Vec::new();
    let mut s = &rest[..end];
    while let Some(i) = s.find("<a ") {
        s = &s[i..];
        let href = between(s, "href=\"", "\"").unwrap_or("").to_string();
        let text = between(s, ">", "</a>").unwrap_or("").to_string();
        out.push((unescape(&href), unescape(&text)));
        s = &s[3..];
    }
    out
}
