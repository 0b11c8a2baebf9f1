//! Load: `static/` in the project folder → the files a build publishes at the output's root,
//! byte for byte (a search engine's verification file, `CNAME`, `.htaccess`, `favicon.ico`).
//!
//! In: the project root. Out: (path relative to the output root, bytes) pairs, sorted, and a
//! located error for every file that cannot be published: a symbolic link (a build reads only
//! the project folder), a name that is not UTF-8, or a path that gongkai writes itself. A web
//! root's own files live here because a build replaces its output folder whole: this is the
//! one place from which every build copies them. It never writes anything.

use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};

/// The folder, relative to the project root.
pub const FOLDER: &str = "static";

/// What gongkai writes at the output's root, by first path segment: a file in `static/` under
/// one of these names would collide with the site itself. (A test builds the bundled site and
/// checks that every top-level name in its output is listed here.)
pub const RESERVED: [&str; 18] = [
    "404.html",
    "compare",
    "data",
    "disclosure",
    "feed.xml",
    "index.html",
    "manifest.json",
    "manifest.sig",
    "plans",
    "robots.txt",
    "search",
    "sitemap.xml",
    "sources",
    "static",
    "targets",
    "units",
    "updates",
    crate::util::STAGING_MARK,
];

/// The files under `root/static/`, by output path.
pub fn load(root: &Path, diags: &mut Diagnostics) -> Vec<(String, Vec<u8>)> {
    let dir = root.join(FOLDER);
    let mut files = Vec::new();
    if !dir.is_dir() {
        return files;
    }
    for entry in walkdir::WalkDir::new(&dir)
        .min_depth(1)
        .sort_by_file_name()
        .follow_links(false)
    {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let shown = e.path().unwrap_or(&dir).to_path_buf();
                diags.push(Diagnostic::error(shown, Pos::START, e.to_string()));
                continue;
            }
        };
        let shown = entry.path().strip_prefix(root).unwrap_or(entry.path());
        if entry.file_type().is_dir() {
            continue;
        }
        if entry.file_type().is_symlink() {
            diags.push(
                Diagnostic::error(
                    shown,
                    Pos::START,
                    "a symbolic link in static/ is not published",
                )
                .with_help("a build reads only the project folder: put the file itself here"),
            );
            continue;
        }
        let Some(rel) = entry
            .path()
            .strip_prefix(&dir)
            .ok()
            .and_then(|r| r.to_str())
            .map(|r| r.replace('\\', "/"))
        else {
            diags.push(
                Diagnostic::error(shown, Pos::START, "a file name that is not UTF-8")
                    .with_help("rename the file: web addresses are made from its name"),
            );
            continue;
        };
        let first = rel.split('/').next().unwrap_or_default();
        if RESERVED.contains(&first) {
            diags.push(
                Diagnostic::error(
                    shown,
                    Pos::START,
                    format!("gongkai writes \"{first}\" at the output's root itself"),
                )
                .with_help(
                    "rename or remove this file: static/ holds only files the site does not make",
                ),
            );
            continue;
        }
        match std::fs::read(entry.path()) {
            Ok(bytes) => files.push((rel, bytes)),
            Err(e) => diags.push(Diagnostic::error(shown, Pos::START, e.to_string())),
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn files_are_read_with_their_paths_and_collisions_are_located() {
        let tmp = tempfile::tempdir().unwrap();
        let s = tmp.path().join(FOLDER);
        fs::create_dir_all(s.join(".well-known")).unwrap();
        fs::create_dir_all(s.join("plans")).unwrap();
        fs::write(s.join("CNAME"), "gongkai.example.gov.cn\n").unwrap();
        fs::write(s.join(".htaccess"), "Options -Indexes\n").unwrap();
        fs::write(s.join(".well-known/security.txt"), "Contact: x").unwrap();
        fs::write(s.join("plans/x.html"), "no").unwrap();
        fs::write(s.join("index.html"), "no").unwrap();
        let mut diags = Diagnostics::new();
        let files = load(tmp.path(), &mut diags);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, [".htaccess", ".well-known/security.txt", "CNAME"]);
        assert_eq!(files[2].1, b"gongkai.example.gov.cn\n");
        let errors: Vec<String> = diags
            .into_sorted()
            .into_iter()
            .map(|d| d.path.display().to_string())
            .collect();
        assert_eq!(errors, ["static/index.html", "static/plans/x.html"]);
    }
}
