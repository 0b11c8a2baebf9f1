//! End-to-end: a build never destroys files it did not write. The real binary, real folders:
//! outputs that would swallow the project or write into its inputs are refused before anything
//! is touched; files gongkai did not write are refused or (with --force) moved aside and never
//! deleted; `static/` is published verbatim; concurrent, killed and disk-full builds leave an
//! output that verifies.

#[path = "support/site.rs"]
mod site;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use site::*;

/// A project folder of its own: the basic fixture's content, copied.
fn project(tmp: &Path) -> PathBuf {
    let root = tmp.join("site");
    copy_tree(&repo().join("tests/fixtures/basic"), &root);
    root
}

/// Every path under `dir` (files, folders, links) with a file's bytes: the whole state a
/// command could change.
fn everything(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| {
            let e = e.unwrap();
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            let bytes = if e.file_type().is_file() {
                fs::read(e.path()).unwrap()
            } else {
                format!("<{:?}>", e.file_type()).into_bytes()
            };
            (rel, bytes)
        })
        .collect()
}

fn verify(dir: &Path) -> Output {
    gongkai(&["verify", dir.to_str().unwrap()])
}

fn assert_verifies(dir: &Path) {
    let v = verify(dir);
    assert!(
        v.status.success(),
        "{} does not verify:\n{}{}",
        dir.display(),
        String::from_utf8_lossy(&v.stdout),
        stderr(&v)
    );
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    v.sort();
    v
}

#[test]
fn a_folder_holding_files_gongkai_did_not_write_is_refused_and_force_moves_them_aside() {
    let tmp = tempfile::tempdir().unwrap();
    let root = project(tmp.path());
    let www = tmp.path().join("www");
    fs::create_dir_all(www.join("other-site")).unwrap();
    fs::write(www.join("keep.html"), "x").unwrap();
    fs::write(www.join("other-site/index.html"), "另一个网站").unwrap();
    let before = everything(tmp.path());

    let o = try_build(&root, &www, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("keep.html") && err.contains("other-site"),
        "{err}"
    );
    assert!(err.contains("static/") && err.contains("--force"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(
        everything(tmp.path()),
        before,
        "a refused build touches nothing"
    );

    let o = try_build(&root, &www, &["--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let aside = tmp.path().join("www.foreign");
    assert!(
        stderr(&o).contains(&aside.display().to_string()),
        "{}",
        stderr(&o)
    );
    assert_eq!(fs::read(aside.join("keep.html")).unwrap(), b"x");
    assert_eq!(
        fs::read_to_string(aside.join("other-site/index.html")).unwrap(),
        "另一个网站"
    );
    assert!(www.join("index.html").is_file());
    assert!(!www.join("keep.html").exists());
    assert_verifies(&www);

    // Later builds, plain or forced, never delete what was moved aside.
    build(&root, &www);
    build(&root, &www);
    let o = try_build(&root, &www, &["--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(fs::read(aside.join("keep.html")).unwrap(), b"x");
    assert_verifies(&www);
    assert_eq!(
        names(tmp.path()),
        [".www.prev", "site", "www", "www.foreign"]
    );
}

/// Builds `root` into `out` as [`build`] does, and says whether the build kept the search index
/// of the site it started from (what `GONGKAI_SEARCH_TIMING` reports) rather than making it.
fn build_kept_index(root: &Path, out: &Path, extra: &[&str]) -> bool {
    let o = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["build", "--root", root.to_str().unwrap(), "--output"])
        .arg(out)
        .args(extra)
        .env("GONGKAI_SEARCH_TIMING", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    stderr(&o).contains("search: the index kept")
}

/// A rebuild keeps the search index of the site it starts from (the kept site beside the
/// output, or else the output it replaces) only while that index is the one it would make: the
/// same documents, which `meta.js` names, and every index file with the bytes that site's
/// manifest lists. An edit to the content, an index file changed, or a folder of it replaced
/// by a link, and the index is made again. Whatever it does, the output is byte for byte the
/// site a first build into an empty folder writes, and it verifies.
#[cfg(unix)]
#[test]
fn a_rebuild_keeps_the_search_index_only_while_it_is_the_one_it_would_make() {
    let tmp = tempfile::tempdir().unwrap();
    let root = project(tmp.path());
    let out = tmp.path().join("public");
    let kept = tmp.path().join(".public.prev");
    let fresh = |name: &str| {
        let dest = tmp.path().join(name);
        build(&root, &dest);
        snapshot(&dest)
    };
    // Replaced, not written over: a kept site shares its unchanged files with the output.
    let change = |file: &Path| {
        let mut bytes = fs::read(file).unwrap();
        bytes.extend_from_slice(b"//");
        fs::remove_file(file).unwrap();
        fs::write(file, bytes).unwrap();
    };
    let want = fresh("fresh-1");
    assert!(!build_kept_index(&root, &out, &[]), "nothing to start from");
    assert!(build_kept_index(&root, &out, &[]), "the output's index");
    assert!(build_kept_index(&root, &out, &[]), "the kept site's index");
    assert_eq!(snapshot(&out), want);
    assert_verifies(&out);

    // An index file changed (by hand, say) in the kept site: the output's is taken; changed in
    // both, the index is made again.
    change(&kept.join("search/p/0.js"));
    assert!(build_kept_index(&root, &out, &[]));
    assert_eq!(snapshot(&out), want);
    change(&kept.join("search/d/0.js"));
    change(&out.join("search/d/0.js"));
    assert!(!build_kept_index(&root, &out, &[]));
    assert_eq!(snapshot(&out), want);
    assert_verifies(&out);

    // A folder of the kept site's index replaced by a link to a copy of it (and the output's
    // copy changed): made again, and nothing is read or written through the link.
    assert!(build_kept_index(&root, &out, &[]));
    let parts = kept.join("search/p");
    let elsewhere = tmp.path().join("elsewhere");
    copy_tree(&parts, &elsewhere);
    fs::remove_dir_all(&parts).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &parts).unwrap();
    change(&out.join("search/meta.js"));
    let elsewhere_before = snapshot(&elsewhere);
    assert!(!build_kept_index(&root, &out, &[]));
    assert_eq!(snapshot(&out), want);
    assert_eq!(snapshot(&elsewhere), elsewhere_before);
    assert_verifies(&out);

    // A report edited: its text is searchable, so the index is made again; the next build
    // takes it from the output.
    let report = root.join("content/plans/demo-plan/progress/2024-06-30-1.md");
    let text = fs::read_to_string(&report).unwrap();
    fs::write(&report, text.replace("35 公里", "35 公里,新建泵站两座")).unwrap();
    let want = fresh("fresh-2");
    assert_ne!(want["search/meta.js"], snapshot(&out)["search/meta.js"]);
    assert!(!build_kept_index(&root, &out, &[]));
    assert_eq!(snapshot(&out), want);
    assert!(build_kept_index(&root, &out, &[]));
    assert!(build_kept_index(&root, &out, &[]));
    assert_eq!(snapshot(&out), want);
    assert_verifies(&out);

    // A signed build hashes every file it publishes from its own bytes, and makes the index.
    let keys = tmp.path().join("keys");
    fs::create_dir(&keys).unwrap();
    let o = gongkai(&["keygen", "--out", keys.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let key = keys.join("gongkai.key");
    assert!(!build_kept_index(
        &root,
        &out,
        &["--sign-key", key.to_str().unwrap()]
    ));
    assert_verifies(&out);
}

#[test]
fn a_file_dropped_into_a_built_output_stops_the_next_build() {
    let tmp = tempfile::tempdir().unwrap();
    let root = project(tmp.path());
    let out = root.join("public");
    build(&root, &out);
    build(&root, &out);
    fs::write(out.join("baidu_verify_abc.html"), "abc").unwrap();
    let before = everything(tmp.path());
    let o = try_build(&root, &out, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("baidu_verify_abc.html"),
        "{}",
        stderr(&o)
    );
    assert_eq!(everything(tmp.path()), before);
}

#[test]
fn the_project_folder_its_parent_and_its_inputs_are_refused_with_content_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let root = project(tmp.path());
    fs::create_dir_all(root.join("themes/default/templates")).unwrap();
    fs::create_dir_all(root.join("static")).unwrap();
    fs::write(root.join("static/CNAME"), "gongkai.example\n").unwrap();
    let before = everything(tmp.path());
    for (output, why) in [
        (root.clone(), "project folder itself"),
        (root.join("."), "project folder itself"),
        (tmp.path().to_path_buf(), "holds the project folder"),
        (root.join("content/public"), "inside"),
        (root.join("content"), "inside"),
        (root.join("themes/out"), "inside"),
        (root.join("static/site"), "inside"),
    ] {
        let o = try_build(&root, &output, &["--force"]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{}: {err}", output.display());
        assert!(err.contains(why), "{}: {err}", output.display());
        assert!(err.contains("--output"), "{err}");
        assert!(
            err.contains(&root.join("public").display().to_string()),
            "says what to pass instead: {err}"
        );
        assert_eq!(
            everything(tmp.path()),
            before,
            "{} touched something",
            output.display()
        );
    }
    // Run from inside the project, `--output .` is the project folder too.
    let o = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["build", "--output", "."])
        .current_dir(&root)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(everything(tmp.path()), before);
}

#[test]
fn static_files_are_published_verbatim_and_collisions_are_located_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let root = project(tmp.path());
    let files: [(&str, &[u8]); 4] = [
        ("CNAME", b"gongkai.example.gov.cn\n"),
        (".htaccess", b"Options -Indexes\n"),
        (
            "google1234abcd.html",
            b"google-site-verification: google1234abcd.html",
        ),
        ("favicon.ico", &[0, 0, 1, 0, 1, 0, 16, 16, 0xff]),
    ];
    for (name, bytes) in files {
        fs::create_dir_all(root.join("static")).unwrap();
        fs::write(root.join("static").join(name), bytes).unwrap();
    }
    let out = tmp.path().join("public");
    build(&root, &out);
    for (name, bytes) in files {
        assert_eq!(fs::read(out.join(name)).unwrap(), bytes, "{name}");
    }
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"CNAME\"") && manifest.contains("\".htaccess\""));
    assert_verifies(&out);
    // Rebuilt again and again, they stay (they are the build's own files now).
    build(&root, &out);
    assert_eq!(fs::read(out.join("CNAME")).unwrap(), files[0].1);

    fs::write(root.join("static/index.html"), "mine").unwrap();
    fs::create_dir_all(root.join("static/data")).unwrap();
    fs::write(root.join("static/data/x.csv"), "a").unwrap();
    let before = everything(&out);
    let o = try_build(&root, &out, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("static/index.html:1:1: error"), "{err}");
    assert!(err.contains("static/data/x.csv:1:1: error"), "{err}");
    assert_eq!(everything(&out), before, "the output is left as it was");
}

#[test]
fn the_top_level_names_of_a_built_site_are_all_reserved_from_static() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let o = try_build(&repo(), &out, &["--base-url", "https://example.gov.cn/"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for name in names(&out) {
        assert!(
            gongkai::content::static_files::RESERVED.contains(&name.as_str()),
            "the build writes {name} at the root, which static/ could then collide with: \
             add it to static_files::RESERVED"
        );
    }
}

#[test]
fn two_builds_started_at_once_into_one_output_both_end_and_it_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let repo = repo();
    build(&repo, &out);
    for _ in 0..3 {
        let start = || {
            Command::new(env!("CARGO_BIN_EXE_gongkai"))
                .args(["build", "--root", repo.to_str().unwrap(), "--output"])
                .arg(&out)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (start(), start());
        for child in [a, b] {
            let o = child.wait_with_output().unwrap();
            assert!(o.status.success(), "{}", stderr(&o));
        }
        assert_verifies(&out);
        assert_eq!(names(tmp.path()), [".public.prev", "public"]);
    }
}

#[cfg(unix)]
#[test]
fn a_killed_build_is_recovered_by_the_next() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let repo = repo();
    build(&repo, &out);
    build(&repo, &out);
    // Killed at several points of its run: before staging, while writing, near the end.
    for millis in [20, 150, 400] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
            .args(["build", "--root", repo.to_str().unwrap(), "--output"])
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(millis));
        let _ = child.kill();
        child.wait().unwrap();
        assert_verifies(&out);
        build(&repo, &out);
        assert_verifies(&out);
        assert_eq!(names(tmp.path()), [".public.prev", "public"]);
    }
}

/// A build that runs out of disk space says so, leaves the previous output verifying and no
/// staging folder. On a small tmpfs when the test may mount one (root); otherwise the same
/// fault comes from a file-size limit on the build process.
#[cfg(target_os = "linux")]
#[test]
fn a_build_that_runs_out_of_disk_space_says_so_and_leaves_the_output_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let root = project(tmp.path());
    let disk = tmp.path().join("disk");
    fs::create_dir_all(&disk).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"])
        .arg(&disk)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let _unmount = Unmount(mounted.then(|| disk.clone()));
    let out = disk.join("public");
    build(&root, &out);
    assert_verifies(&out);
    let before = everything(&out);

    // A file bigger than the space left: the build must fail while writing it.
    fs::create_dir_all(root.join("static")).unwrap();
    fs::write(root.join("static/report.pdf"), vec![7u8; 6 << 20]).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gongkai"));
    cmd.args(["build", "--root", root.to_str().unwrap(), "--output"])
        .arg(&out);
    if !mounted {
        limit_file_size(&mut cmd, 2 << 20);
    }
    let o = cmd.output().unwrap();
    let err = stderr(&o);
    assert!(!o.status.success(), "{err}");
    let says = if mounted {
        "No space left on device"
    } else {
        "File too large"
    };
    assert!(err.contains(says), "{err}");
    assert!(err.contains("public/report.pdf"), "names the file: {err}");
    assert!(err.contains("was left as it was"), "{err}");
    assert_eq!(everything(&out), before);
    assert_verifies(&out);
    let left: Vec<String> = names(&disk)
        .into_iter()
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(left.is_empty(), "staging folders left: {left:?}");
}

#[cfg(target_os = "linux")]
struct Unmount(Option<PathBuf>);

#[cfg(target_os = "linux")]
impl Drop for Unmount {
    fn drop(&mut self) {
        if let Some(dir) = &self.0 {
            let _ = Command::new("umount").arg(dir).status();
        }
    }
}

/// Runs the command with writes past `bytes` in one file failing (EFBIG) instead of killing it.
#[cfg(target_os = "linux")]
fn limit_file_size(cmd: &mut Command, bytes: u64) {
    use std::os::unix::process::CommandExt;
    // SAFETY: setrlimit and signal are async-signal-safe; nothing else runs before exec.
    unsafe {
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let lim = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}
