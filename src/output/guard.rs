//! Where a build may write, and what in an output folder is not its own.
//!
//! In: the project folder (`--root`) and the output folder (`--output`). Out: a refusal, made
//! before anything is touched, for an output that would swallow the project or write into its
//! inputs; and the list of what an existing output holds that gongkai did not write.
//!
//! A build replaces its output folder whole (see [`super::Staging`]), so anything in that
//! folder that the previous build did not write would go with it. What gongkai wrote is what
//! the folder's own `manifest.json` lists (plus the manifest and its signature): everything
//! else is foreign — a web root's verification file, another site's folder, a symbolic link.
//! A build never removes a foreign file: it refuses the output, or, when told to (`--force`),
//! moves the foreign files into a folder beside the output that no build ever touches.
//!
//! This module only looks; it never writes or removes anything.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use crate::mirror::{parse_manifest, MANIFEST_FILE, SIGNATURE_FILE};

/// Folders of the project that a build reads: an output inside one would write into the
/// build's own input.
pub const INPUT_FOLDERS: [&str; 4] = ["content", "themes", "static", ".git"];

/// Why a build will not write to an output folder (exit 2): what is wrong, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub message: String,
    pub help: String,
}

/// Refuses an output that is the project folder, holds it, lies inside one of its input
/// folders, is not a folder, or is a symbolic link (a build replaces the output by renaming,
/// which would replace the link, not the folder it points to).
pub fn check_paths(root: &Path, output: &Path) -> Result<(), Refusal> {
    let shown = output.display();
    if let Ok(meta) = fs::symlink_metadata(output) {
        if meta.file_type().is_symlink() {
            let target = fs::canonicalize(output)
                .map(|t| format!(" --output {}", t.display()))
                .unwrap_or_default();
            return Err(Refusal {
                message: format!("--output {shown} is a symbolic link"),
                help: format!(
                    "a build replaces its output folder whole; pass the folder itself{target}"
                ),
            });
        }
        if !meta.is_dir() {
            return Err(Refusal {
                message: format!("--output {shown} is a file, not a folder"),
                help: "pass a folder for the site, such as --output public".into(),
            });
        }
    }
    let (Some(root_abs), Some(out_abs)) = (resolve(root), resolve(output)) else {
        // A path that cannot be resolved is one the build cannot write either; it says so
        // with the file system's own words.
        return Ok(());
    };
    let default = root.join("public");
    let instead = format!(
        "pass a folder of its own, such as --output {} (the default)",
        default.display()
    );
    if out_abs == root_abs {
        return Err(Refusal {
            message: format!(
                "--output {shown} is the project folder itself ({}): a build replaces its output \
                 whole, content/ included",
                root_abs.display()
            ),
            help: instead,
        });
    }
    if root_abs.starts_with(&out_abs) {
        return Err(Refusal {
            message: format!(
                "--output {shown} holds the project folder {}: a build replaces its output \
                 whole, and the project with it",
                root_abs.display()
            ),
            help: instead,
        });
    }
    for input in INPUT_FOLDERS {
        let folder = root_abs.join(input);
        if out_abs.starts_with(&folder) {
            return Err(Refusal {
                message: format!(
                    "--output {shown} is inside {}, which the build reads: it would write into \
                     its own input",
                    folder.display()
                ),
                help: instead,
            });
        }
    }
    Ok(())
}

/// What the folder `output` holds that gongkai did not write, as '/'-separated paths, sorted:
/// files and links not listed in its `manifest.json`, and whole folders that hold nothing
/// listed there. Without a readable gongkai manifest, everything in it is foreign. A missing
/// output holds nothing.
pub fn foreign_files(output: &Path) -> io::Result<Vec<String>> {
    let meta = match fs::symlink_metadata(output) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        r => r?,
    };
    if !meta.is_dir() {
        return Ok(Vec::new());
    }
    let owned = owned_files(output);
    // Every folder above an owned file: one of them may hold foreign files beside its own.
    let mut owned_folders: HashSet<&str> = HashSet::new();
    for path in &owned {
        let mut rest = path.as_str();
        while let Some((up, _)) = rest.rsplit_once('/') {
            if !owned_folders.insert(up) {
                break;
            }
            rest = up;
        }
    }
    let mut foreign = Vec::new();
    let mut walk = walkdir::WalkDir::new(output)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walk.next() {
        let entry = entry.map_err(io::Error::other)?;
        let Some(rel) = entry
            .path()
            .strip_prefix(output)
            .ok()
            .and_then(|r| r.to_str())
        else {
            // A name that is not UTF-8 is nothing gongkai writes.
            foreign.push(entry.path().to_string_lossy().into_owned());
            continue;
        };
        let rel = rel.replace('\\', "/");
        let kind = entry.file_type();
        if kind.is_dir() && owned_folders.contains(rel.as_str()) {
            continue;
        }
        if kind.is_file() && owned.contains(&rel) {
            continue;
        }
        if kind.is_dir() {
            walk.skip_current_dir();
        }
        foreign.push(rel);
    }
    Ok(foreign)
}

/// The files the gongkai build that wrote `dir` lists in its manifest, with the manifest and
/// its signature; empty when `dir` holds no gongkai manifest.
fn owned_files(dir: &Path) -> HashSet<String> {
    let manifest = dir.join(MANIFEST_FILE);
    let is_file = fs::symlink_metadata(&manifest).is_ok_and(|m| m.is_file());
    let Some(entries) = is_file
        .then(|| fs::read(&manifest).ok())
        .flatten()
        .and_then(|bytes| parse_manifest(&bytes).ok())
    else {
        return HashSet::new();
    };
    entries
        .into_iter()
        .map(|e| e.path)
        .chain([MANIFEST_FILE.to_string(), SIGNATURE_FILE.to_string()])
        .collect()
}

/// Whether `dir` is a folder (not a link to one) that a gongkai build made: a site it wrote
/// (a gongkai manifest) or a staging folder (the staging mark).
pub fn is_own_folder(dir: &Path, staging_mark: &str) -> bool {
    if !fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        return false;
    }
    let mark = dir.join(staging_mark);
    fs::symlink_metadata(&mark).is_ok_and(|m| m.is_file()) || !owned_files(dir).is_empty()
}

/// `path` made absolute, with symbolic links resolved as far as the path exists and `.` and
/// `..` folded: each step is resolved as soon as it is taken, so a `..` always leaves a real
/// folder (beyond what exists there is no link to follow, and folding is exact).
fn resolve(path: &Path) -> Option<PathBuf> {
    let mut base = if path.is_absolute() {
        PathBuf::new()
    } else {
        fs::canonicalize(std::env::current_dir().ok()?).ok()?
    };
    for part in path.components() {
        match part {
            Component::Prefix(_) | Component::RootDir => base.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                base.pop();
            }
            Component::Normal(name) => {
                base.push(name);
                if let Ok(real) = fs::canonicalize(&base) {
                    base = real;
                }
            }
        }
    }
    Some(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        for f in ["content", "themes", "static"] {
            fs::create_dir_all(tmp.path().join(f)).unwrap();
        }
        tmp
    }

    #[test]
    fn the_project_folder_its_parent_and_its_inputs_are_refused_as_outputs() {
        let tmp = project();
        let root = tmp.path().join("site");
        fs::create_dir_all(root.join("content")).unwrap();
        for bad in [
            root.clone(),
            root.join("."),
            root.join("content/..").join("."),
            tmp.path().to_path_buf(),
            PathBuf::from("/"),
            root.join("content/public"),
            root.join("themes/default/out"),
            root.join("static"),
        ] {
            let r = check_paths(&root, &bad);
            assert!(r.is_err(), "{} must be refused", bad.display());
            let r = r.unwrap_err();
            assert!(r.message.contains("--output"), "{}", r.message);
            assert!(r.help.contains("--output"), "{}", r.help);
        }
        for good in [
            root.join("public"),
            root.join("www/site"),
            tmp.path().join("elsewhere"),
        ] {
            assert_eq!(check_paths(&root, &good), Ok(()), "{}", good.display());
        }
    }

    #[test]
    fn a_relative_output_is_judged_by_where_it_leads() {
        let tmp = project();
        let root = tmp.path();
        // `content/../..` from the root is the root's parent, whatever the spelling.
        let sneaky = root.join("content/../new/../..");
        assert!(check_paths(root, &sneaky).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn an_output_that_is_a_link_or_a_file_is_refused() {
        let tmp = project();
        let root = tmp.path();
        let real = root.join("real");
        fs::create_dir(&real).unwrap();
        std::os::unix::fs::symlink(&real, root.join("link")).unwrap();
        let r = check_paths(root, &root.join("link")).unwrap_err();
        assert!(r.message.contains("symbolic link"), "{}", r.message);
        assert!(r
            .help
            .contains(&real.canonicalize().unwrap().display().to_string()));
        fs::write(root.join("file"), "x").unwrap();
        assert!(check_paths(root, &root.join("file")).is_err());
    }

    #[test]
    fn files_the_manifest_does_not_list_are_foreign() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        assert_eq!(foreign_files(&out).unwrap(), Vec::<String>::new());
        fs::create_dir_all(out.join("a/b")).unwrap();
        fs::create_dir_all(out.join("other-site/css")).unwrap();
        fs::create_dir_all(out.join("empty")).unwrap();
        for f in [
            "a/b/index.html",
            "a/mine.html",
            "a/theirs.html",
            "keep.html",
        ] {
            fs::write(out.join(f), f).unwrap();
        }
        fs::write(out.join("other-site/css/x.css"), "x").unwrap();
        assert_eq!(
            foreign_files(&out).unwrap(),
            ["a", "empty", "keep.html", "other-site"],
            "without a manifest everything is foreign"
        );

        let entries: Vec<_> = ["a/b/index.html", "a/mine.html"]
            .iter()
            .map(|f| crate::mirror::entry(f, f.as_bytes()))
            .collect();
        let manifest = crate::mirror::release_files(&entries, None).unwrap();
        fs::write(out.join(MANIFEST_FILE), &manifest[0].1).unwrap();
        assert_eq!(
            foreign_files(&out).unwrap(),
            ["a/theirs.html", "empty", "keep.html", "other-site"]
        );
        assert!(is_own_folder(&out, ".mark"));
        assert!(!is_own_folder(&out.join("other-site"), ".mark"));
    }
}
