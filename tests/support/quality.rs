//! Third-party checkers run by the quality gates: the Nu HTML Checker (Java), and axe-core,
//! keyboard and hostile-input scripts (`tests/browser/*.mjs`, Node) driving Debian's Chromium.
//! `.ci/run` installs them (`npm ci`); under CI a missing one fails the test, on a developer
//! machine the test prints a loud SKIPPED line and passes.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use super::site::repo;

fn skip_or_fail(what: &str, how: &str) -> bool {
    if std::env::var_os("CI").is_some() {
        panic!("{what} is missing under CI ({how})");
    }
    eprintln!("SKIPPED: {what} is missing ({how}); this quality gate did not run");
    false
}

fn runs(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The browser used by the Node scripts: `GONGKAI_CHROMIUM`, else Debian's.
pub fn chromium_path() -> PathBuf {
    std::env::var_os("GONGKAI_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// True when Node, the npm packages and Chromium are there for `tests/browser/*.mjs`.
pub fn browser_tools() -> bool {
    if !runs("node", "--version") {
        return skip_or_fail("node", "install Node.js 20");
    }
    for pkg in ["puppeteer-core", "axe-core"] {
        if !repo().join("tests/browser/node_modules").join(pkg).is_dir() {
            return skip_or_fail(
                &format!("npm package {pkg}"),
                "run `npm ci` in the repository",
            );
        }
    }
    if !chromium_path().is_file() {
        return skip_or_fail(
            &format!("Chromium at {}", chromium_path().display()),
            "apt-get install chromium, or set GONGKAI_CHROMIUM",
        );
    }
    true
}

/// True when the npm package `name` is installed in tests/browser.
pub fn npm_package(name: &str) -> bool {
    if repo()
        .join("tests/browser/node_modules")
        .join(name)
        .is_dir()
    {
        return true;
    }
    skip_or_fail(
        &format!("npm package {name}"),
        "run `npm ci` in tests/browser",
    )
}

/// The Nu HTML Checker jar, when Java and `vnu-jar` are installed.
pub fn vnu_jar() -> Option<PathBuf> {
    if !runs("java", "-version") {
        skip_or_fail("java", "install a Java 11+ runtime");
        return None;
    }
    let jar = repo().join("tests/browser/node_modules/vnu-jar/build/dist/vnu.jar");
    if !jar.is_file() {
        skip_or_fail("npm package vnu-jar", "run `npm ci` in the repository");
        return None;
    }
    Some(jar)
}

/// The Nu HTML Checker's errors over every HTML page under `out`, each as
/// `page:line:col: message` with the markup it points at, and the count of its warnings.
pub fn vnu_errors(jar: &Path, out: &Path) -> (Vec<String>, usize) {
    let o = Command::new("java")
        .args(["-Xss8m", "-jar"])
        .arg(jar)
        .args(["--format", "json", "--skip-non-html"])
        .arg(out)
        .output()
        .expect("run java");
    // vnu prints its JSON report on stderr; exit 1 when it found errors.
    let report = String::from_utf8_lossy(&o.stderr);
    let v: serde_json::Value = serde_json::from_str(&report)
        .unwrap_or_else(|e| panic!("vnu printed no JSON ({e}):\n{report}"));
    let messages = v["messages"].as_array().expect("messages");
    let errors: Vec<String> = messages
        .iter()
        .filter(|m| m["type"] == "error" || m["subType"] == "fatal")
        .map(|m| {
            let url = m["url"].as_str().unwrap_or("");
            let page = url.rsplit_once("/public/").map_or(url, |(_, p)| p);
            format!(
                "{page}:{}:{}: {}\n    {}",
                m["lastLine"],
                m["firstColumn"],
                m["message"].as_str().unwrap_or(""),
                m["extract"].as_str().unwrap_or("").replace('\n', " ")
            )
        })
        .collect();
    let warnings = messages.len() - errors.len();
    (errors, warnings)
}

/// Runs `tests/browser/<script>` over `urls` and returns its JSON result list.
pub fn browser_check(script: &str, urls: &[String]) -> Vec<serde_json::Value> {
    let o = Command::new("node")
        .arg(repo().join("tests/browser").join(script))
        .args(urls)
        .env("GONGKAI_CHROMIUM", chromium_path())
        .current_dir(repo())
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{script} failed:\n{}\n{stdout}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{script} printed no JSON ({e}):\n{stdout}"));
    let list = v.as_array().expect("a JSON list").clone();
    for r in &list {
        assert!(
            r.get("error").is_none(),
            "{script}: {} could not be checked: {}",
            r["url"],
            r["error"]
        );
    }
    list
}

/// `file://` URL of a page in the output.
pub fn file_url(out: &Path, page: &str) -> String {
    let (path, query) = match page.split_once('?') {
        Some((p, q)) => (p, format!("?{q}")),
        None => (page, String::new()),
    };
    format!("file://{}{query}", out.join(path).display())
}

/// One page of each type of the built site (DESIGN §5): home, plan, 原文, task, targets, units
/// index, a unit, updates, every disclosure page, data, and search (with a query) when the
/// theme has a search page. Page types that a site lacks are left out.
pub fn page_types(out: &Path) -> Vec<String> {
    let mut pages: Vec<String> = Vec::new();
    let first_dir = |dir: &Path| -> Option<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .ok()?
            .flatten()
            .filter(|e| e.path().join("index.html").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v.into_iter().next()
    };
    let mut add = |p: String| {
        if out.join(p.split('?').next().unwrap()).is_file() {
            pages.push(p);
        }
    };
    add("index.html".into());
    if let Some(plan) = first_dir(&out.join("plans")) {
        add(format!("plans/{plan}/index.html"));
        add(format!("plans/{plan}/source/index.html"));
        // The task with the most on it (reports, charts): the largest page.
        let tasks = out.join("plans").join(&plan).join("tasks");
        let biggest = std::fs::read_dir(&tasks).ok().and_then(|it| {
            it.flatten()
                .filter_map(|e| {
                    let f = e.path().join("index.html");
                    let len = f.metadata().ok()?.len();
                    Some((len, e.file_name().to_string_lossy().into_owned()))
                })
                .max()
        });
        if let Some((_, task)) = biggest {
            add(format!("plans/{plan}/tasks/{task}/index.html"));
        }
    }
    add("targets/index.html".into());
    add("units/index.html".into());
    if let Some(unit) = first_dir(&out.join("units")) {
        add(format!("units/{unit}/index.html"));
    }
    add("updates/index.html".into());
    let mut disclosure: Vec<String> = walkdir::WalkDir::new(out.join("disclosure"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .map(|e| {
            e.path()
                .strip_prefix(out)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    disclosure.sort();
    // One page of each kind: the section's own pages, and the first of each family of
    // generated pages (catalogue views, change-log pages, annual reports).
    let mut kinds = std::collections::BTreeSet::new();
    for p in disclosure {
        let parts: Vec<&str> = p.split('/').collect();
        let kind = parts[1..parts.len().saturating_sub(1).min(3)].join("/");
        if kinds.insert(kind) {
            add(p);
        }
    }
    add("data/index.html".into());
    add("search/index.html?q=2025".into());
    // The comparison pages, when the site has them: the list, the first metric, the sources.
    add("compare/index.html".into());
    if let Some(metric) = first_dir(&out.join("compare")) {
        add(format!("compare/{metric}/index.html"));
    }
    add("sources/index.html".into());
    pages
}
