//! Layouts beyond the seeds (chapters, (1) items, 责任单位 on its own line, full-width
//! punctuation) and bad input: each either imports or fails cleanly, writing nothing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use gongkai::import::{import, Failure, ImportOptions};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn opts(file: PathBuf, out: &Path) -> ImportOptions {
    ImportOptions {
        file,
        id: Some("x".into()),
        out: Some(out.to_path_buf()),
        force: false,
        jurisdiction: None,
        dry_run: false,
    }
}

fn tasks(out: &Path) -> Vec<toml::Value> {
    let t: toml::Table =
        toml::from_str(&fs::read_to_string(out.join("tasks.toml")).unwrap()).unwrap();
    t["task"].as_array().unwrap().clone()
}

#[test]
fn chapters_with_numbered_sub_items_and_units_on_their_own_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plans/x");
    let r = import(&opts(fixture("chapters.txt"), &out)).unwrap();
    assert_eq!(r.tasks, 4);
    assert_eq!(r.warnings.len(), 1, "the item without units is listed");
    let t = tasks(&out);
    assert_eq!(t[0]["path"].as_array().unwrap().len(), 3);
    assert_eq!(t[0]["responsible"].as_array().unwrap().len(), 3);
    assert_eq!(
        t[1]["lead"].as_array().unwrap()[0].as_str(),
        Some("县经济和信息化局")
    );
    assert!(!t[0]["text"].as_str().unwrap().contains("责任单位"));
    assert!(dir.path().join("units/luotian.toml").exists());
}

#[test]
fn full_width_punctuation_and_aliases() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plans/x");
    let r = import(&opts(fixture("fullwidth.txt"), &out)).unwrap();
    assert_eq!(r.tasks, 4);
    let plan = fs::read_to_string(out.join("plan.toml")).unwrap();
    assert!(
        plan.contains("title = \"黄石市城市更新三年行动计划（2024—2026年）\""),
        "{plan}"
    );
    assert!(plan.contains("period = { start = 2024, end = 2026 }"));
    let units = fs::read_to_string(dir.path().join("units/huangshi.toml")).unwrap();
    assert!(
        units.contains("aliases = [\"市住房和城乡建设局\"]"),
        "{units}"
    );
}

#[test]
fn text_without_tasks_is_an_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plans/x");
    match import(&opts(fixture("news-article.txt"), &out)) {
        Err(Failure::Content(d)) => assert!(d[0].message.contains("no recognisable tasks")),
        other => panic!("{other:?}"),
    }
    assert!(!dir.path().join("plans").exists() && !dir.path().join("units").exists());
}

#[test]
fn empty_binary_and_undecodable_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // Neither UTF-8 nor GBK: a lone 0xFF in Chinese UTF-8 text.
    let mut neither = "一、总体要求\n".as_bytes().to_vec();
    neither.extend_from_slice(b"\xFF\xFE\xFFabc\n");
    for (name, bytes, word) in [
        ("empty.txt", &b""[..], "empty"),
        ("bin.txt", &b"\x7fELF\x02\x01\x01\0\0\0\0"[..], "program"),
        ("png.txt", &b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"[..], "PNG"),
        ("neither.txt", &neither[..], "not valid UTF-8"),
    ] {
        let file = dir.path().join(name);
        fs::write(&file, bytes).unwrap();
        let out = dir.path().join("plans/x");
        match import(&opts(file, &out)) {
            Err(Failure::Content(d)) => assert!(d[0].message.contains(word), "{:?}", d[0]),
            other => panic!("{name}: {other:?}"),
        }
        assert!(!out.exists());
    }
}

#[test]
fn existing_output_needs_force_and_cli_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plans/x");
    import(&opts(fixture("fullwidth.txt"), &out)).unwrap();
    assert!(matches!(
        import(&opts(fixture("fullwidth.txt"), &out)),
        Err(Failure::Usage(_))
    ));
    // The web team's progress reports in the plan folder survive a forced re-import.
    fs::create_dir_all(out.join("progress")).unwrap();
    fs::write(out.join("progress/2024-06-30-1.md"), "+++\n+++\nkept").unwrap();
    fs::write(out.join("tasks.toml"), "# edited by hand").unwrap();
    let mut forced = opts(fixture("fullwidth.txt"), &out);
    forced.force = true;
    import(&forced).unwrap();
    assert_eq!(
        fs::read_to_string(out.join("progress/2024-06-30-1.md")).unwrap(),
        "+++\n+++\nkept"
    );
    assert!(fs::read_to_string(out.join("tasks.toml"))
        .unwrap()
        .contains("[[task]]"));
    let mut in_plan: Vec<_> = fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().into_string().unwrap())
        .collect();
    in_plan.sort();
    assert_eq!(
        in_plan,
        ["plan.toml", "progress", "source.txt", "tasks.toml"]
    );
    let leftovers: Vec<_> = fs::read_dir(dir.path().join("plans"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(leftovers, ["x"], "no staging folders left behind");

    let bin = env!("CARGO_BIN_EXE_gongkai");
    let run = |file: &Path| {
        Command::new(bin)
            .arg("import")
            .arg(file)
            .arg("--out")
            .arg(dir.path().join("plans/y"))
            .status()
            .unwrap()
            .code()
    };
    assert_eq!(run(&fixture("news-article.txt")), Some(1));
    assert_eq!(run(&dir.path().join("missing.txt")), Some(2));
    assert_eq!(run(&fixture("chapters.txt")), Some(0));
}
