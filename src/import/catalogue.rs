//! Proposed entries of the metrics catalogue (`content/metrics.toml`) for the metric names of
//! an imported plan that no metric matches yet, so the plan can be compared with other cities.
//!
//! In: the imported plan and the catalogue beside its `content/` folder (if any). Out: text for
//! the review summary: one `[[metric]]` entry per new name, with the scope prefix taken off
//! (市区污水处理率 proposes 污水处理率), a unit and a direction read from the targets, and an id
//! to rename. It writes nothing: a person decides what is the same metric.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use super::model::{Comparator, Plan};
use crate::validate::compare::{metric_key, Catalogue};

/// The proposals for `plan` against `content_dir/metrics.toml`; empty when every numeric
/// target's metric is in the catalogue.
pub fn proposals(content_dir: &Path, plan: &Plan) -> String {
    let path = content_dir.join("metrics.toml");
    let metrics = std::fs::read_to_string(&path)
        .map(|text| crate::content::parse_metrics_text(Path::new("content/metrics.toml"), &text))
        .unwrap_or_default();
    let catalogue = Catalogue::new(&metrics);
    // Key → (proposed name, printed names with target ids, unit, comparator) of every new name.
    type New = (String, Vec<String>, Option<String>, Comparator);
    let mut new: BTreeMap<String, New> = BTreeMap::new();
    let mut names = 0;
    for t in plan
        .targets
        .iter()
        .chain(plan.tasks.iter().flat_map(|t| t.targets.iter()))
    {
        if t.metric.trim().is_empty()
            || t.value.is_none()
            || t.comparator == Comparator::Qualitative
        {
            continue;
        }
        names += 1;
        if catalogue.find(&t.metric).is_some() {
            continue;
        }
        let (key, scope) = metric_key(&t.metric);
        // The name as printed, in Simplified characters, without its scope prefix.
        let simplified = super::text::to_simplified(t.metric.trim());
        let name = scope
            .as_deref()
            .and_then(|s| simplified.strip_prefix(s))
            .unwrap_or(&simplified)
            .trim()
            .to_string();
        let e = new
            .entry(key)
            .or_insert_with(|| (name, Vec::new(), t.unit.clone(), t.comparator));
        e.1.push(format!("{} (target {})", t.metric, t.id));
    }
    if new.is_empty() {
        return String::new();
    }
    let mut o = String::new();
    let _ = writeln!(
        o,
        "metrics: {} of {names} numeric targets name a metric {}; proposed entries (check name, unit and direction, rename the id, then add them to content/metrics.toml to compare this plan with other cities):",
        new.values().map(|v| v.1.len()).sum::<usize>(),
        if metrics.is_empty() {
            "and there is no content/metrics.toml yet".to_string()
        } else {
            "that content/metrics.toml does not list".to_string()
        }
    );
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    for (key, (name, printed, unit, comparator)) in new {
        let id = format!("m-{}", &crate::mirror::sha256_hex(key.as_bytes())[..8]);
        let _ = writeln!(
            o,
            "\n[[metric]]\nid = {}  # rename: lowercase ASCII letters, digits and '-'",
            quote(&id)
        );
        let _ = writeln!(
            o,
            "name = {}  # printed as {}",
            quote(&name),
            printed.join(", ")
        );
        let change = matches!(comparator, Comparator::DecreaseBy | Comparator::IncreaseBy);
        match unit {
            Some(u) if !change => {
                let _ = writeln!(o, "unit = {}", quote(&u));
            }
            _ => {
                let _ = writeln!(o, "# unit = \"…\"  (the targets give a change against a baseline, not the metric's unit)");
            }
        }
        let direction = match comparator {
            Comparator::AtLeast | Comparator::IncreaseBy => Some("higher"),
            Comparator::AtMost | Comparator::DecreaseBy => Some("lower"),
            _ => None,
        };
        if let Some(d) = direction {
            let _ = writeln!(o, "direction = \"{d}\"");
        }
    }
    o
}
