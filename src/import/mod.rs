//! `gongkai import`: a plan document as published → plan.toml, tasks.toml, source.txt, and the
//! jurisdiction's units file extended with every unit the plan names.
//!
//! In: one plan document — a Word .docx, a PDF with text, a page saved from a government site, or
//! text in UTF-8 or GBK/GB18030 — Simplified or Traditional, possibly wrapped in web-page debris.
//! [`read`] decides which by the bytes and turns it into text, a line per paragraph.
//! Out: a summary for review on stdout ([`review`]; `--dry-run` stops there), and
//! `content/plans/<id>/` (or `--out`), written whole or not at all, and
//! `content/units/<jurisdiction>.toml` (the `units/` folder beside the `plans/` folder that holds
//! the output). It never overwrites a plan without `--force` and never writes anything when the
//! document cannot be read (exit 1) or the command is wrong (exit 2).
//!
//! The stages, one file each: [`read`] ([`docx`], [`html`], [`pdf`], [`decode`]) → [`debris`] (what is page furniture) → [`outline`]
//! (numbering) → [`metadata`] (title, issuer, dates) → [`duty`] (responsibility lines) →
//! [`targets`] → [`table`] (a task-division table's units) → [`assemble`] (which parts are
//! tasks) → [`units`] → [`write`]; [`catalogue`] proposes metrics catalogue entries for new
//! metric names.

pub mod assemble;
pub mod catalogue;
pub mod debris;
pub mod decode;
pub mod docx;
pub mod duty;
pub mod html;
pub mod metadata;
pub mod model;
pub mod outline;
pub mod pdf;
pub mod read;
pub mod review;
pub mod table;
pub mod targets;
pub mod text;
pub mod units;
pub mod write;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};

pub struct ImportOptions {
    pub file: PathBuf,
    pub id: Option<String>,
    pub out: Option<PathBuf>,
    pub force: bool,
    /// The units file stem (e.g. `wuhan`) when the text does not name its city.
    pub jurisdiction: Option<String>,
    /// Read and summarise only; write nothing.
    pub dry_run: bool,
}

/// What one import wrote, for the summary line and for tests.
#[derive(Debug)]
pub struct Report {
    pub out: PathBuf,
    pub units_file: PathBuf,
    pub tasks: usize,
    pub targets: usize,
    pub units: usize,
    pub new_units: usize,
    pub new_aliases: usize,
    pub warnings: Vec<Diagnostic>,
    /// The review summary (see [`review`]).
    pub summary: String,
    /// False for `--dry-run`.
    pub written: bool,
}

/// Why an import did not happen.
#[derive(Debug)]
pub enum Failure {
    /// The command or the file system (exit 2).
    Usage(String),
    /// The document (exit 1).
    Content(Vec<Diagnostic>),
}

pub fn run(opts: &ImportOptions) -> ExitCode {
    let started = Instant::now();
    match import(opts) {
        Ok(r) => {
            print!("{}", r.summary);
            let mut d = Diagnostics::new();
            d.extend(r.warnings);
            crate::diagnostics::report(d);
            if !r.written {
                eprintln!(
                    "dry run: nothing written (would write {} and {})",
                    r.out.display(),
                    r.units_file.display()
                );
                return ExitCode::SUCCESS;
            }
            eprintln!(
                "imported {} tasks, {} targets, {} units ({} new, {} new aliases) → {} and {} in {:.0?}",
                r.tasks,
                r.targets,
                r.units,
                r.new_units,
                r.new_aliases,
                r.out.display(),
                r.units_file.display(),
                started.elapsed()
            );
            ExitCode::SUCCESS
        }
        Err(Failure::Usage(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
        Err(Failure::Content(diags)) => {
            let mut d = Diagnostics::new();
            d.extend(diags);
            crate::diagnostics::report(d);
            eprintln!("nothing was written");
            ExitCode::from(1)
        }
    }
}

/// Imports one document; see the module doc.
pub fn import(opts: &ImportOptions) -> Result<Report, Failure> {
    let id = match &opts.id {
        Some(id) if valid_id(id) => id.clone(),
        Some(id) => {
            return Err(Failure::Usage(format!(
                "plan id {id:?} is not usable in a URL; use lowercase ASCII letters, digits and '-' (e.g. wuhan-yangtze-2022)"
            )))
        }
        None => id_from_stem(&opts.file),
    };
    if let Some(j) = &opts.jurisdiction {
        if !valid_id(j) {
            return Err(Failure::Usage(format!(
                "jurisdiction {j:?} must be lowercase ASCII letters, digits and '-'"
            )));
        }
    }
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| Path::new("content/plans").join(&id));
    if out.exists() && !opts.force && !opts.dry_run {
        return Err(Failure::Usage(format!(
            "{} already exists; pass --force to replace it",
            out.display()
        )));
    }
    let size = fs::metadata(&opts.file)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", opts.file.display())))?
        .len();
    let content_error = |message: String, help: String| {
        Failure::Content(vec![
            Diagnostic::error(&opts.file, Pos::START, message).with_help(help)
        ])
    };
    if size > read::MAX_FILE {
        return Err(content_error(
            format!(
                "the file is {} MiB, larger than any plan document ({} MiB at most)",
                size >> 20,
                read::MAX_FILE >> 20
            ),
            "import the document's text (a .txt or .docx without images)".into(),
        ));
    }
    let bytes = fs::read(&opts.file)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", opts.file.display())))?;
    let doc = read::read(&bytes).map_err(|e| content_error(e.message, e.help))?;
    let text = doc.text.as_str();

    let mut imported = assemble::assemble(text, &id, &opts.file, opts.jurisdiction.as_deref())
        .map_err(|diags| Failure::Content(placed(&doc, diags)))?;
    imported.warnings = placed(&doc, std::mem::take(&mut imported.warnings));
    let summary = review::summary(&opts.file, &doc, &imported);
    let plan = &imported.plan;

    // Units: extend the jurisdiction's file with every printed name.
    let units_dir = units_dir(&out);
    let summary =
        summary + &catalogue::proposals(units_dir.parent().unwrap_or(Path::new(".")), plan);
    let units_file = units_dir.join(format!("{}.toml", plan.jurisdiction));
    let mut taken = BTreeSet::new();
    let mut file = None;
    if let Ok(entries) = fs::read_dir(&units_dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "toml") {
                let s = fs::read_to_string(&p)
                    .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", p.display())))?;
                let parsed: units::UnitsFile = toml::from_str(&s).map_err(|e| {
                    Failure::Usage(format!(
                        "{}: not a units file: {}",
                        p.display(),
                        e.message()
                    ))
                })?;
                taken.extend(parsed.units.iter().map(|u| u.id.clone()));
                if p == units_file {
                    file = Some(parsed);
                }
            }
        }
    }
    let mut file = file.unwrap_or_else(|| units::UnitsFile {
        name: imported.jurisdiction_name.clone(),
        units: Vec::new(),
        extra: toml::Table::new(),
    });
    // A Simplified spelling of the jurisdiction is a better display name than a Traditional one.
    if text::to_simplified(&file.name) == imported.jurisdiction_name {
        file.name = imported.jurisdiction_name.clone();
    }
    let printed: Vec<String> = plan
        .tasks
        .iter()
        .flat_map(|t| t.duty.units().cloned())
        .collect();
    let change = units::extend(&mut file, &plan.jurisdiction, &printed, &mut taken);
    let distinct: BTreeSet<&String> = printed.iter().collect();

    if !opts.dry_run {
        let files = [
            ("plan.toml", write::plan_toml(plan)),
            ("tasks.toml", write::tasks_toml(plan)),
            (
                "source.txt",
                debris::source_text(&debris::mark(text, &text::simplified_view(text))),
            ),
        ];
        let io = |e: std::io::Error, what: &Path| {
            Failure::Usage(format!("cannot write {}: {e}", what.display()))
        };
        write::write_dir_atomically(&out, &files, opts.force).map_err(|e| io(e, &out))?;
        write::write_file_atomically(&units_file, &units::to_toml(&file))
            .map_err(|e| io(e, &units_file))?;
    }
    Ok(Report {
        out,
        units_file,
        tasks: plan.tasks.len(),
        targets: plan.targets.len() + plan.tasks.iter().map(|t| t.targets.len()).sum::<usize>(),
        units: distinct.len(),
        new_units: change.new_units,
        new_aliases: change.new_aliases,
        warnings: imported.warnings,
        summary,
        written: !opts.dry_run,
    })
}

/// Diagnostics about the text of a .docx, .html or .pdf also say where in the original the line
/// came from (the line numbers are the extracted text's).
fn placed(doc: &read::Document, diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if doc.format == read::Format::Text {
        return diags;
    }
    diags
        .into_iter()
        .map(|mut d| {
            d.message = format!("{} ({})", d.message, doc.place(d.line));
            d
        })
        .collect()
}

/// The importer's in-memory stages on arbitrary bytes, as `import` runs them on a document,
/// without reading or writing files: read (by content: text, .docx, HTML, PDF) → assemble → plan.toml, tasks.toml, source.txt and
/// a units file. The entry point of the import fuzz target (fuzz/fuzz_targets/import.rs) and of
/// its deterministic smoke test. Panics only on a bug: when the importer crashes, or writes a
/// plan.toml or tasks.toml that is not TOML or that the content loader cannot read.
pub fn fuzz_one(bytes: &[u8]) {
    if let Ok(doc) = read::read(bytes) {
        fuzz_text(&doc.text);
    }
}

/// [`fuzz_one`] with the reader forced to one format (the per-format fuzz targets), so the
/// fuzzer need not find the magic bytes first. A reader must return text or an error.
pub fn fuzz_format(format: read::Format, bytes: &[u8]) {
    if let Ok(doc) = read::read_as(format, bytes) {
        assert_eq!(
            doc.places.len(),
            if format == read::Format::Text {
                0
            } else {
                doc.text.lines().count()
            },
            "every line of a {format:?} document has its place"
        );
        fuzz_text(&doc.text);
    }
}

fn fuzz_text(text: &str) {
    let Ok(imported) = assemble::assemble(text, "fuzz", Path::new("fuzz.txt"), None) else {
        return;
    };
    let plan_toml = write::plan_toml(&imported.plan);
    let tasks_toml = write::tasks_toml(&imported.plan);
    let _source = debris::source_text(&debris::mark(text, &text::simplified_view(text)));
    if let Err(e) = plan_toml.parse::<toml::Table>() {
        panic!("import wrote a plan.toml that is not TOML: {e}\n{plan_toml}");
    }
    let diags = crate::content::parse_text(Path::new("content/plans/fuzz/tasks.toml"), &tasks_toml);
    if diags.has_errors() {
        panic!("import wrote a tasks.toml the loader refuses: {diags:?}\n{tasks_toml}");
    }
    let printed: Vec<String> = imported
        .plan
        .tasks
        .iter()
        .flat_map(|t| t.duty.units().cloned())
        .collect();
    let mut file = units::UnitsFile {
        name: imported.jurisdiction_name.clone(),
        units: Vec::new(),
        extra: toml::Table::new(),
    };
    let jurisdiction = if imported.plan.jurisdiction.is_empty() {
        "fuzz"
    } else {
        imported.plan.jurisdiction.as_str()
    };
    units::extend(&mut file, jurisdiction, &printed, &mut BTreeSet::new());
    let units_toml = units::to_toml(&file);
    let diags = crate::content::parse_text(Path::new("content/units/fuzz.toml"), &units_toml);
    if diags.has_errors() {
        panic!("import wrote a units file the loader refuses: {diags:?}\n{units_toml}");
    }
}

/// `content/plans/<id>` → `content/units`; any other output folder → `units/` beside it.
fn units_dir(out: &Path) -> PathBuf {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match parent.file_name() {
        Some(n) if n == "plans" => parent.parent().unwrap_or(Path::new(".")).join("units"),
        _ => parent.join("units"),
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// An id from a file name: `武汉市减污降碳方案.txt` → `wu-han-shi-…`, `Plan_2023.txt` → `plan-2023`.
pub fn id_from_stem(file: &Path) -> String {
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("plan");
    let ascii = text::pinyin_words(stem).join("-");
    let mut id = String::new();
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-').to_string();
    if id.is_empty() {
        "plan".into()
    } else {
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_file_names() {
        assert_eq!(
            id_from_stem(Path::new("seeds/000_ae0f84441761acdb.txt")),
            "000-ae0f84441761acdb"
        );
        assert_eq!(id_from_stem(Path::new("武汉方案.txt")), "wu-han-fang-an");
        assert!(valid_id("wuhan-yangtze-2022"));
        assert!(!valid_id("Wuhan 2022"));
    }

    #[test]
    fn units_go_beside_plans() {
        assert_eq!(
            units_dir(Path::new("content/plans/x")),
            Path::new("content/units")
        );
        assert_eq!(
            units_dir(Path::new("/tmp/out/x")),
            Path::new("/tmp/out/units")
        );
    }
}
