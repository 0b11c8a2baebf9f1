//! The import summary a person reads before trusting an import: what was read, every task with
//! its units and targets, the units, and what was guessed — each pointing into the original
//! (`FILE:LINE` for text, the paragraph, table row or page for other formats).
//!
//! In: the read document and the assembled plan. Out: plain text for stdout. Never decides
//! anything: it only says what the other stages did.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

use super::assemble::Imported;
use super::model::{Comparator, Target};
use super::read::{Document, Format};

/// Where a line of the document came from, as a person finds it.
fn at(file: &Path, doc: &Document, line: usize) -> String {
    match doc.format {
        Format::Text => format!("{}:{line}", file.display()),
        _ => format!("{}: {}", file.display(), doc.place(line)),
    }
}

pub fn summary(file: &Path, doc: &Document, imported: &Imported) -> String {
    let plan = &imported.plan;
    let mut o = String::new();
    let lines = doc.text.lines().count();
    let _ = write!(o, "{}: read as {}", file.display(), doc.format.describe());
    if let Some(e) = doc.encoding {
        let _ = write!(o, ", encoding {e}");
        if e != "UTF-8" && doc.format == Format::Text {
            o.push_str(" (guessed from the bytes; check the text below reads right)");
        }
    }
    let _ = writeln!(o, ", {lines} lines of text");
    for n in &doc.notes {
        let _ = writeln!(o, "  {n}");
    }
    let _ = writeln!(o, "plan: {} ({})", plan.title, plan.id);
    let _ = writeln!(
        o,
        "jurisdiction: {} ({})",
        plan.jurisdiction, imported.jurisdiction_name
    );
    for (k, v) in [
        ("issuer", &plan.issuer),
        ("doc_number", &plan.doc_number),
        ("index_number", &plan.index_number),
    ] {
        if let Some(v) = v {
            let _ = writeln!(o, "{k}: {v}");
        }
    }
    if let Some(d) = plan.written {
        let _ = writeln!(o, "written: {d}");
    }
    if let Some(d) = plan.published {
        let _ = writeln!(o, "published: {d}");
    }

    let targets = plan.targets.len() + plan.tasks.iter().map(|t| t.targets.len()).sum::<usize>();
    let mut units: BTreeMap<&str, usize> = BTreeMap::new();
    for t in &plan.tasks {
        for u in t.duty.units() {
            *units.entry(u.as_str()).or_default() += 1;
        }
    }
    let _ = writeln!(
        o,
        "\n{} tasks, {} units, {} targets",
        plan.tasks.len(),
        units.len(),
        targets
    );
    for t in &plan.tasks {
        let _ = writeln!(
            o,
            "  task {} [{}] {}  — {}",
            t.id,
            t.path.join(" "),
            t.title,
            at(file, doc, t.line)
        );
        if !t.duty.lead.is_empty() {
            let _ = writeln!(o, "      lead: {}", t.duty.lead.join("、"));
        }
        if !t.duty.responsible.is_empty() {
            let label = t.duty.responsible_label.as_deref().unwrap_or("responsible");
            let _ = writeln!(o, "      {label}: {}", t.duty.responsible.join("、"));
        }
        for g in &t.targets {
            let _ = writeln!(o, "      target {}", describe(g));
        }
    }
    if !plan.targets.is_empty() {
        let _ = writeln!(o, "plan-wide targets:");
        for g in &plan.targets {
            let _ = writeln!(o, "  target {}", describe(g));
        }
    }
    if !units.is_empty() {
        let _ = writeln!(o, "units ({}):", units.len());
        let list: Vec<String> = units.iter().map(|(u, n)| format!("{u} ({n})")).collect();
        let _ = writeln!(o, "  {}", list.join("，"));
    }

    let mut guessed = Vec::new();
    for w in &imported.warnings {
        guessed.push(format!("{}: {}", at(file, doc, w.line), w.message));
    }
    for t in &plan.tasks {
        if t.duty.lead.is_empty() && t.duty.responsible.is_empty() && t.duty.note.is_none() {
            let line = format!("task {} names no unit", t.id);
            if !guessed.iter().any(|g| g.contains(&line)) {
                guessed.push(format!("{}: {line}", at(file, doc, t.line)));
            }
        }
        let yearless: Vec<&str> = t
            .targets
            .iter()
            .filter(|g| g.year.is_none())
            .map(|g| g.id.as_str())
            .collect();
        if !yearless.is_empty() {
            guessed.push(format!(
                "{}: target {} of task {} name no year; the plan's end year is assumed",
                at(file, doc, t.line),
                yearless.join(", "),
                t.id
            ));
        }
    }
    if plan.written.is_none() && plan.published.is_none() {
        guessed.push("no date found: written/published left empty".into());
    }
    if guessed.is_empty() {
        let _ = writeln!(o, "guessed: nothing");
    } else {
        let _ = writeln!(o, "guessed or missing ({}), check these:", guessed.len());
        for g in guessed {
            let _ = writeln!(o, "  {g}");
        }
    }
    o
}

fn describe(t: &Target) -> String {
    let value = match (t.comparator, t.value) {
        (Comparator::Qualitative, _) | (_, None) => "qualitative".to_string(),
        (c, Some(v)) => format!(
            "{} {v}{}",
            c.as_str(),
            t.unit
                .as_deref()
                .map(|u| format!(" {u}"))
                .unwrap_or_default()
        ),
    };
    let year = t.year.map(|y| format!(" by {y}")).unwrap_or_default();
    format!("{}: {} {value}{year}", t.id, t.metric)
}
