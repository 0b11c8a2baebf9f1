//! External checkers the tests call (Python's feedparser, frictionless, …). Under CI a missing
//! tool fails the test; on a developer machine the test says loudly that it skipped.
#![allow(dead_code)]

use std::process::Command;

/// True when `python3 -c "import <module>"` works; otherwise panics under CI, or prints a
/// SKIPPED line and returns false.
pub fn python_module(module: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var_os("CI").is_some() {
            panic!("python module {module} is missing under CI (.ci/run installs it)");
        }
        eprintln!("SKIPPED: python module {module} is not installed (pip install {module})");
    }
    ok
}

/// Runs a Python snippet with arguments; returns (success, stdout + stderr).
pub fn python(code: &str, args: &[&str]) -> (bool, String) {
    let o = Command::new("python3")
        .arg("-c")
        .arg(code)
        .args(args)
        .output()
        .expect("run python3");
    (
        o.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}
