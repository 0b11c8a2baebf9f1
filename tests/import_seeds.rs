//! The five seed plans, imported as a user would, checked against the originals and against the
//! shipped `content/` (which must be exactly the importer's output).
//!
//! To regenerate the shipped content after changing the importer:
//! `GONGKAI_BLESS=1 cargo test --test import_seeds` (then review the diff like any other change).

use std::fs;
use std::path::{Path, PathBuf};

use gongkai::import::{import, ImportOptions};

/// Seeds in import order (000 and 002 share the Wuhan units file: order matters for ids).
const SEEDS: &[(&str, &str)] = &[
    ("000", "wuhan-yangtze-2022"),
    ("001", "xianning-green-2023"),
    ("002", "wuhan-pollution-carbon-2023"),
    ("003", "longnan-eco-civilization-2023"),
    ("004", "jixi-green-longjiang-2024"),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn seed(prefix: &str) -> PathBuf {
    let dir = root().join("seeds");
    fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with(prefix))
        .unwrap()
}

/// Imports all seeds into `dir/content`.
fn import_all(dir: &Path) {
    for (prefix, id) in SEEDS {
        let report = import(&ImportOptions {
            file: seed(prefix),
            id: Some(id.to_string()),
            out: Some(dir.join("content/plans").join(id)),
            force: false,
            jurisdiction: None,
            dry_run: false,
        })
        .unwrap_or_else(|e| panic!("seed {prefix}: {e:?}"));
        assert!(report.tasks > 0);
    }
}

fn toml_file(path: &Path) -> toml::Table {
    toml::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

fn tasks(dir: &Path, id: &str) -> Vec<toml::Value> {
    toml_file(&dir.join("content/plans").join(id).join("tasks.toml"))["task"]
        .as_array()
        .unwrap()
        .clone()
}

fn strings(v: &toml::Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect()
}

fn imported() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    import_all(dir.path());
    dir
}

#[test]
fn seeds_give_132_tasks() {
    let dir = imported();
    let counts: Vec<usize> = SEEDS
        .iter()
        .map(|(_, id)| tasks(dir.path(), id).len())
        .collect();
    assert_eq!(counts, [10, 22, 23, 37, 40]);
    assert_eq!(counts.iter().sum::<usize>(), 132);
}

#[test]
fn units_are_exactly_those_printed() {
    let dir = imported();
    let d = dir.path();
    // 000, Traditional: (牽頭單位:市交通運輸局、市發改委;責任單位:各有關部門和單位)
    let t = &tasks(d, "wuhan-yangtze-2022")[5];
    assert_eq!(strings(&t["lead"]), ["市交通運輸局", "市發改委"]);
    assert_eq!(strings(&t["responsible"]), ["各有關部門和單位"]);
    // 001: responsible only, mixed separators.
    let t = &tasks(d, "xianning-green-2023")[20];
    assert_eq!(strings(&t["lead"]), Vec::<&str>::new());
    assert_eq!(
        strings(&t["responsible"]),
        ["人行咸宁分行", "市发改委", "市生态环境局", "市银保监局"]
    );
    // 002: plain list before 按职责分工落实, with a note that is not a unit.
    let t = &tasks(d, "wuhan-pollution-carbon-2023")[0];
    assert_eq!(strings(&t["responsible"]).len(), 11);
    assert_eq!(strings(&t["responsible"])[10], "人行武汉分行营管部");
    assert_eq!(
        t["units_note"].as_str(),
        Some("以下均需各区人民政府〈含开发区、长江新区、风景区管委会〉落实,不再列出")
    );
    let t = &tasks(d, "wuhan-pollution-carbon-2023")[17];
    assert_eq!(
        strings(&t["responsible"]),
        ["市生态环境局", "市发改委", "市经信局"]
    );
    // 003: 配合单位 with a note.
    let t = &tasks(d, "longnan-eco-civilization-2023")[0];
    assert_eq!(strings(&t["lead"]), ["市生态环境局"]);
    assert_eq!(
        strings(&t["responsible"]),
        ["《方案》涉及的市直单位", "各县区"]
    );
    assert_eq!(t["responsible_label"].as_str(), Some("配合单位"));
    // 004: trailing 等相关部门和单位, nested brackets, leads 按照职责分别负责.
    let t = &tasks(d, "jixi-green-longjiang-2024")[0];
    assert_eq!(
        strings(&t["responsible"])[8..],
        ["等相关部门和单位", "县(市)区政府"]
    );
    let t = &tasks(d, "jixi-green-longjiang-2024")[23];
    assert_eq!(strings(&t["lead"]), ["市商务局", "市民政局"]);
    assert_eq!(
        strings(&t["responsible"]),
        ["市发改委", "市工信局", "市住建局", "等老龄工作成员单位"]
    );
    assert_eq!(t["units_note"].as_str(), Some("按照职责分别负责"));
}

#[test]
fn every_printed_unit_resolves_in_its_units_file() {
    let dir = imported();
    let d = dir.path();
    for (_, id) in SEEDS {
        let plan = toml_file(&d.join("content/plans").join(id).join("plan.toml"));
        let j = plan["jurisdiction"].as_str().unwrap();
        let units = toml_file(&d.join("content/units").join(format!("{j}.toml")));
        let mut known: Vec<String> = Vec::new();
        for u in units["unit"].as_array().unwrap() {
            known.push(u["name"].as_str().unwrap().into());
            if let Some(a) = u.get("aliases") {
                known.extend(strings(a).into_iter().map(String::from));
            }
        }
        for t in tasks(d, id) {
            for name in strings(&t["lead"])
                .into_iter()
                .chain(strings(&t["responsible"]))
            {
                assert!(
                    known.iter().any(|k| k == name),
                    "{id}: {name} not in {j}.toml"
                );
            }
        }
    }
    let wuhan = fs::read_to_string(d.join("content/units/wuhan.toml")).unwrap();
    assert!(
        wuhan.contains("name = \"市发改委\"\naliases = [\"市發改委\"]"),
        "{wuhan}"
    );
}

/// (task index, target index) → (value, unit, comparator, year, baseline year).
fn target(
    d: &Path,
    id: &str,
    task: usize,
    n: usize,
) -> (
    Option<f64>,
    Option<String>,
    String,
    Option<i64>,
    Option<i64>,
) {
    let all = tasks(d, id);
    let t = &all[task]["target"].as_array().unwrap()[n];
    (
        t.get("value").and_then(|v| v.as_float()),
        t.get("unit").and_then(|v| v.as_str()).map(String::from),
        t["comparator"].as_str().unwrap().into(),
        t.get("year").and_then(|v| v.as_integer()),
        t.get("baseline").and_then(|b| b["year"].as_integer()),
    )
}

fn v(
    value: f64,
    unit: &str,
    cmp: &str,
    year: Option<i64>,
    base: Option<i64>,
) -> (
    Option<f64>,
    Option<String>,
    String,
    Option<i64>,
    Option<i64>,
) {
    (Some(value), Some(unit.into()), cmp.into(), year, base)
}

#[test]
fn exact_targets() {
    let dir = imported();
    let d = dir.path();
    assert_eq!(
        target(d, "wuhan-yangtze-2022", 8, 0),
        v(98.0, "%", ">=", Some(2025), None)
    );
    assert_eq!(
        target(d, "wuhan-yangtze-2022", 8, 3),
        v(152.0, "公里", ">=", Some(2025), None)
    );
    assert_eq!(
        target(d, "wuhan-yangtze-2022", 8, 4),
        v(760.0, "萬平方米", ">=", Some(2025), None)
    );
    assert_eq!(
        target(d, "xianning-green-2023", 16, 3),
        v(17.5, "%", ">=", None, None)
    );
    assert_eq!(
        target(d, "wuhan-pollution-carbon-2023", 3, 0),
        v(30.0, "%", "<=", Some(2025), None)
    );
    assert_eq!(
        target(d, "wuhan-pollution-carbon-2023", 9, 1),
        v(40.0, "万亩", ">=", Some(2025), None)
    );
    assert_eq!(
        target(d, "wuhan-pollution-carbon-2023", 11, 0),
        v(600.0, "吨/日", ">=", None, None)
    );
    assert_eq!(
        target(d, "longnan-eco-civilization-2023", 27, 0),
        v(15.0, "平方米/人", ">=", Some(2023), None)
    );
    assert_eq!(
        target(d, "longnan-eco-civilization-2023", 4, 0),
        v(100.0, "%", "=", Some(2023), None)
    );
    assert_eq!(
        target(d, "jixi-green-longjiang-2024", 11, 0),
        v(28.0, "微克/立方米", "<=", Some(2026), None)
    );
    assert_eq!(
        target(d, "jixi-green-longjiang-2024", 29, 1),
        v(0.8, "%", "increase_by", Some(2026), Some(2020))
    );
    assert_eq!(
        target(d, "jixi-green-longjiang-2024", 31, 0),
        v(5.0, "%", "decrease_by", Some(2026), Some(2023))
    );
    let q = target(d, "wuhan-yangtze-2022", 8, 5);
    assert_eq!((q.0, q.2.as_str(), q.3), (None, "qualitative", Some(2025)));

    // Plan-level targets from the goals part of 004, one per value of 分别达到80%、70%和70%.
    let plan = toml_file(&d.join("content/plans/jixi-green-longjiang-2024/plan.toml"));
    let goals = plan["target"].as_array().unwrap();
    let has = |value: f64, cmp: &str| {
        goals.iter().any(|t| {
            t.get("value").and_then(|v| v.as_float()) == Some(value)
                && t["comparator"].as_str() == Some(cmp)
        })
    };
    assert!(
        has(10.0, "decrease_by") && has(17.0, "=") && has(9.0, "decrease_by") && has(360.0, ">=")
    );
    assert_eq!(
        goals
            .iter()
            .filter(|t| t.get("value").and_then(|v| v.as_float()) == Some(70.0))
            .count(),
        3
    );
}

#[test]
fn closing_sections_are_safeguards_not_tasks() {
    let dir = imported();
    let plan = toml_file(
        &dir.path()
            .join("content/plans/wuhan-pollution-carbon-2023/plan.toml"),
    );
    let s = plan["safeguard"].as_array().unwrap();
    assert_eq!(s.len(), 3);
    assert_eq!(strings(&s[0]["path"]), ["七", "(二十四)"]);
    assert_eq!(s[0]["title"].as_str(), Some("加强组织领导"));
}

#[test]
fn metadata_and_debris() {
    let dir = imported();
    let d = dir.path();
    let plan = toml_file(&d.join("content/plans/xianning-green-2023/plan.toml"));
    assert_eq!(plan["index_number"].as_str(), Some("011336925/2023-11100"));
    assert!(
        plan.get("doc_number").is_none(),
        "文号 printed as 无 is left out"
    );
    assert_eq!(
        plan["written"]
            .as_datetime()
            .map(ToString::to_string)
            .as_deref(),
        Some("2023-03-24")
    );
    let plan = toml_file(&d.join("content/plans/jixi-green-longjiang-2024/plan.toml"));
    assert_eq!(plan["doc_number"].as_str(), Some("鸡政发〔2024〕9号"));
    let source =
        fs::read_to_string(d.join("content/plans/longnan-eco-civilization-2023/source.txt"))
            .unwrap();
    assert!(source.starts_with("陇南市人民政府办公室\n"));
    assert!(!source.contains("投稿") && !source.contains("北极星") && !source.contains("特别声明"));
    let source =
        fs::read_to_string(d.join("content/plans/wuhan-pollution-carbon-2023/source.txt")).unwrap();
    assert!(!source.contains("A+") && !source.contains("原文如下") && !source.contains("原标题"));
}

/// The shipped content is the importer's output, byte for byte.
#[test]
fn shipped_content_is_the_importers_output() {
    let dir = imported();
    let d = dir.path();
    let bless = std::env::var_os("GONGKAI_BLESS").is_some();
    let mut files: Vec<PathBuf> = Vec::new();
    for (_, id) in SEEDS {
        for f in ["plan.toml", "tasks.toml", "source.txt"] {
            files.push(Path::new("content/plans").join(id).join(f));
        }
    }
    for e in fs::read_dir(d.join("content/units")).unwrap().flatten() {
        files.push(Path::new("content/units").join(e.file_name()));
    }
    for f in files {
        let fresh = fs::read(d.join(&f)).unwrap();
        let shipped = root().join(&f);
        if bless {
            fs::create_dir_all(shipped.parent().unwrap()).unwrap();
            fs::write(&shipped, &fresh).unwrap();
        } else {
            let old = fs::read(&shipped).unwrap_or_default();
            assert!(old == fresh, "{} differs from the importer's output; run GONGKAI_BLESS=1 cargo test --test import_seeds", f.display());
        }
    }
}
