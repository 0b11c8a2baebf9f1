//! The importer scored on real published plans (`tests/fixtures/import/real/`): every document
//! is imported as `gongkai import` would, and its tasks, units and targets are compared with the
//! hand-checked gold file beside it. Prints one row per document and the totals, and fails when
//! the corpus falls below the aims: the task count right on every document, lead and
//! responsible units each exact on at least 95 % of tasks, target F1 at least 0.9. The committed
//! corpus must also keep its breadth (documents, provinces, levels), so that a document taken
//! out to make the figures pass fails the test too.
//!
//! What counts as a task, a unit and a target is written down once, in the corpus README.
//! `GONGKAI_CORPUS=DIR cargo test --test import_corpus -- --nocapture` scores another folder.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use gongkai::import::assemble::assemble;
use gongkai::import::model::Target;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Gold {
    source: String,
    province: String,
    level: String,
    kind: String,
    /// Passed as `--jurisdiction` when the text names no city or county.
    jurisdiction: String,
    names_city: bool,
    tasks: usize,
    #[serde(rename = "task")]
    items: Vec<GoldTask>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GoldTask {
    label: String,
    lead: Vec<String>,
    responsible: Vec<String>,
    targets: Vec<String>,
}

#[derive(Default, Clone, Copy)]
struct Score {
    tasks: usize,
    lead_exact: usize,
    resp_exact: usize,
    targets_found: usize,
    targets_gold: usize,
    targets_matched: usize,
}

impl Score {
    fn add(&mut self, o: Score) {
        self.tasks += o.tasks;
        self.lead_exact += o.lead_exact;
        self.resp_exact += o.resp_exact;
        self.targets_found += o.targets_found;
        self.targets_gold += o.targets_gold;
        self.targets_matched += o.targets_matched;
    }

    fn precision(&self) -> f64 {
        ratio(self.targets_matched, self.targets_found)
    }

    fn recall(&self) -> f64 {
        ratio(self.targets_matched, self.targets_gold)
    }

    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// A ratio that is 1 when there is nothing to find (no targets printed, none found).
fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

fn pct(a: usize, b: usize) -> f64 {
    100.0 * ratio(a, b)
}

/// A target as the gold file writes it: the value as printed, then its unit (`15万名`, `40%`).
fn target_key(t: &Target) -> String {
    let v = t.value.map_or(String::new(), |v| {
        if v.fract() == 0.0 {
            format!("{}", v as i64)
        } else {
            format!("{v}")
        }
    });
    format!("{v}{}", t.unit.as_deref().unwrap_or(""))
}

/// The corpus folder; `GONGKAI_CORPUS=DIR` scores another folder of `.txt` + `.gold.toml` pairs
/// (documents that may not be committed, a new batch before it is added).
fn corpus() -> Vec<PathBuf> {
    let dir = std::env::var_os("GONGKAI_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/real"),
        PathBuf::from,
    );
    let mut docs: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    docs.sort();
    docs
}

#[test]
fn importer_meets_the_aims_on_the_corpus_of_real_plans() {
    let docs = corpus();
    assert!(!docs.is_empty(), "the corpus is empty");
    let mut total = Score::default();
    let mut count_wrong = Vec::new();
    let mut misses = Vec::new();
    let mut provinces = BTreeMap::new();
    let mut levels = BTreeMap::new();
    let mut kinds = BTreeSet::new();
    println!(
        "\n{:<46} {:<8} {:<6} {:>9} {:>7} {:>7} {:>6} {:>6} {:>6}",
        "document", "level", "prov.", "tasks", "lead%", "resp%", "P", "R", "F1"
    );
    for doc in &docs {
        let stem = doc.file_stem().unwrap().to_str().unwrap().to_string();
        let gold_path = doc.with_extension("gold.toml");
        let gold: Gold = toml::from_str(&fs::read_to_string(&gold_path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", gold_path.display()));
        assert_eq!(
            gold.tasks,
            gold.items.len(),
            "{stem}: the gold file's task count and its [[task]] list disagree"
        );
        assert!(!gold.source.is_empty() && !gold.kind.is_empty());
        *provinces.entry(gold.province.clone()).or_insert(0) += 1;
        *levels.entry(gold.level.clone()).or_insert(0) += 1;
        kinds.insert(gold.kind.clone());
        let text = fs::read_to_string(doc).unwrap();
        // A plan that names no city is refused without --jurisdiction, and read with it.
        let without = assemble(&text, &stem, doc, None);
        if gold.names_city {
            let found = without
                .as_ref()
                .map(|i| i.plan.jurisdiction.clone())
                .unwrap_or_else(|e| panic!("{stem}: names its city but was refused: {e:?}"));
            // A sub-area's slug (pingtan-suping) extends the county's that the text names.
            assert!(
                gold.jurisdiction == found || gold.jurisdiction.starts_with(&format!("{found}-")),
                "{stem}: read {found} as the city or county, expected {}",
                gold.jurisdiction
            );
        } else {
            let diags = without.err().unwrap_or_else(|| {
                panic!("{stem}: names no city, yet imported without --jurisdiction")
            });
            assert!(diags.iter().any(|d| d.message.contains("city or county")));
        }
        let imported = assemble(&text, &stem, doc, Some(&gold.jurisdiction))
            .unwrap_or_else(|e| panic!("{stem}: {e:?}"));
        let tasks = &imported.plan.tasks;
        let mut s = Score {
            tasks: gold.items.len(),
            ..Score::default()
        };
        if tasks.len() != gold.items.len() {
            count_wrong.push(format!(
                "{stem}: {} tasks, expected {}",
                tasks.len(),
                gold.tasks
            ));
        }
        for (i, g) in gold.items.iter().enumerate() {
            let Some(t) = tasks.get(i) else {
                s.targets_gold += g.targets.len();
                continue;
            };
            if t.duty.lead == g.lead {
                s.lead_exact += 1;
            } else {
                misses.push(format!(
                    "{stem} task {} ({}): lead {:?}, expected {:?}",
                    i + 1,
                    g.label,
                    t.duty.lead,
                    g.lead
                ));
            }
            if t.duty.responsible == g.responsible {
                s.resp_exact += 1;
            } else {
                misses.push(format!(
                    "{stem} task {} ({}): responsible {:?}, expected {:?}",
                    i + 1,
                    g.label,
                    t.duty.responsible,
                    g.responsible
                ));
            }
            let mut want: Vec<String> = g.targets.clone();
            // The gold lists numeric targets; dated outcomes without a number are not scored.
            let found: Vec<String> = t
                .targets
                .iter()
                .filter(|t| t.value.is_some())
                .map(target_key)
                .collect();
            s.targets_found += found.len();
            s.targets_gold += want.len();
            for f in &found {
                if let Some(pos) = want.iter().position(|w| w == f) {
                    want.remove(pos);
                    s.targets_matched += 1;
                }
            }
            if !want.is_empty() || found.len() != g.targets.len() {
                misses.push(format!(
                    "{stem} task {} ({}): targets {found:?}, expected {:?}",
                    i + 1,
                    g.label,
                    g.targets
                ));
            }
        }
        for t in tasks.iter().skip(gold.items.len()) {
            s.targets_found += t.targets.iter().filter(|t| t.value.is_some()).count();
        }
        println!(
            "{:<46} {:<8} {:<6} {:>4}/{:<4} {:>6.1} {:>6.1} {:>6.2} {:>6.2} {:>6.2}",
            stem,
            gold.level,
            gold.province,
            tasks.len(),
            gold.tasks,
            pct(s.lead_exact, s.tasks),
            pct(s.resp_exact, s.tasks),
            s.precision(),
            s.recall(),
            s.f1()
        );
        total.add(s);
    }
    println!(
        "{:<46} {:<8} {:<6} {:>9} {:>6.1} {:>6.1} {:>6.2} {:>6.2} {:>6.2}",
        format!("TOTAL ({} documents)", docs.len()),
        "",
        "",
        total.tasks,
        pct(total.lead_exact, total.tasks),
        pct(total.resp_exact, total.tasks),
        total.precision(),
        total.recall(),
        total.f1()
    );
    println!("provinces: {provinces:?}\nlevels: {levels:?}\nkinds: {kinds:?}");
    for m in &misses {
        println!("  {m}");
    }
    if std::env::var_os("GONGKAI_CORPUS").is_none() {
        // The committed corpus as it stands (see the README beside it): 33 documents from six
        // provinces and the State Council, at four levels; it must not shrink.
        let local = provinces.keys().filter(|p| p.as_str() != "全国").count();
        assert!(
            docs.len() >= 33 && local >= 6 && levels.len() >= 4,
            "the corpus shrank: {} documents, {local} provinces, {} levels",
            docs.len(),
            levels.len()
        );
    }
    assert!(count_wrong.is_empty(), "task count wrong: {count_wrong:#?}");
    assert!(
        pct(total.lead_exact, total.tasks) >= 95.0,
        "lead units exact on {:.1} % of tasks (aim 95 %)",
        pct(total.lead_exact, total.tasks)
    );
    assert!(
        pct(total.resp_exact, total.tasks) >= 95.0,
        "responsible units exact on {:.1} % of tasks (aim 95 %)",
        pct(total.resp_exact, total.tasks)
    );
    assert!(total.f1() >= 0.9, "target F1 {:.2} (aim 0.9)", total.f1());
}
