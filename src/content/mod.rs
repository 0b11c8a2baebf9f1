//! Load: `content/` on disk → [`Content`] (typed, with origins), plus every problem found.
//!
//! In: the project root. Out: the content model and located diagnostics for syntax errors,
//! wrong types, missing fields and malformed values. It never stops at the first bad file:
//! each file is parsed on its own, and a file that fails is left out of the model while the
//! rest still load, so one run reports everything. Cross-file checks (unknown units, progress
//! for unknown tasks) are `validate`'s job. Annual disclosure reports are parsed here with
//! their tables' arithmetic checked (`annual`: the checks point at the figures, whose places
//! only the parser knows). It never writes anything.

mod annual;
mod files;
mod frontmatter;
mod memo;
mod metrics;
mod plans;
mod prefetch;
mod progress;
mod site;
pub mod sources;
pub mod static_files;

use std::path::{Path, PathBuf};

use crate::diagnostics::{display_path, Diagnostic, Diagnostics, Pos};
use crate::model::{Content, Date, Origin};

pub use frontmatter::split_front_matter;
pub use memo::LoadMemo;
pub use progress::{parse_progress_csv, PROGRESS_CSV_COLUMNS};

/// The tasks of an older version of a `tasks.toml` (text as committed), parsed as `load` parses
/// the current one; `None` when that version does not parse cleanly.
pub(crate) fn parse_tasks_version(shown: &Path, text: &str) -> Option<Vec<crate::model::Task>> {
    let file = SourceFile::new(shown.to_path_buf(), text.to_string());
    let mut diags = Diagnostics::new();
    let tasks = plans::parse_tasks(&file, &mut diags);
    (!diags.has_errors()).then_some(tasks)
}

/// The plan-level targets of an older version of a `plan.toml`; `None` when it does not parse.
pub(crate) fn parse_plan_targets_version(
    shown: &Path,
    text: &str,
) -> Option<Vec<crate::model::Target>> {
    let file = SourceFile::new(shown.to_path_buf(), text.to_string());
    let mut diags = Diagnostics::new();
    let targets = plans::parse_plan_targets(&file, &mut diags);
    (!diags.has_errors()).then_some(targets)
}

/// The metrics of a `metrics.toml` text, as loading parses them, leaving out what does not
/// parse (`import` proposes catalogue entries against them).
pub fn parse_metrics_text(shown: &Path, text: &str) -> Vec<crate::model::Metric> {
    let file = SourceFile::new(shown.to_path_buf(), text.to_string());
    let mut diags = Diagnostics::new();
    metrics::parse_metrics(&file, &mut diags)
}

/// An older version of a progress report (`progress/*.md`); `None` when it does not parse.
pub(crate) fn parse_report_version(shown: &Path, text: &str) -> Option<crate::model::Report> {
    let file = SourceFile::new(shown.to_path_buf(), text.to_string());
    let mut diags = Diagnostics::new();
    let report = progress::parse_markdown_report(&file, &mut diags);
    if diags.has_errors() {
        None
    } else {
        report
    }
}

/// A file of the user's, read and ready for parsing: its text and how to name it in messages.
pub(crate) struct SourceFile {
    pub shown: PathBuf,
    pub text: String,
    /// The lines found so far (see [`LineIndex`]).
    lines: std::cell::RefCell<LineIndex>,
}

/// Byte offsets of the starts of lines 2, 3, … of a text, found up to the furthest position
/// asked for: a tasks.toml names thousands of positions, and counting newlines from the top for
/// each was quadratic, while a progress report names a few in its front matter and indexing its
/// whole body for them cost more than the rest of its loading.
#[derive(Default)]
struct LineIndex {
    starts: Vec<usize>,
    /// How many bytes of the text have been searched for newlines.
    scanned: usize,
}

impl SourceFile {
    pub fn new(shown: PathBuf, text: String) -> SourceFile {
        SourceFile {
            shown,
            text,
            lines: std::cell::RefCell::default(),
        }
    }

    /// The line and column of byte `offset` ([`Pos::at`], without rescanning the text).
    pub fn pos(&self, offset: usize) -> Pos {
        let text = self.text.as_str();
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let mut lines = self.lines.borrow_mut();
        if lines.scanned < offset {
            let from = lines.scanned;
            let found = memchr::memchr_iter(b'\n', &text.as_bytes()[from..offset]);
            lines.starts.extend(found.map(|i| from + i + 1));
            lines.scanned = offset;
        }
        // Lines that start at or before `offset`, after the first.
        let n = lines.starts.partition_point(|&s| s <= offset);
        let line_start = if n == 0 { 0 } else { lines.starts[n - 1] };
        Pos {
            line: n + 1,
            col: text[line_start..offset].chars().count() + 1,
        }
    }

    pub fn origin(&self, offset: usize) -> Origin {
        Origin {
            path: self.shown.clone(),
            pos: self.pos(offset),
        }
    }

    pub fn error(&self, offset: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(&self.shown, self.pos(offset), message)
    }

    /// False (with a located error) when the Markdown `body`, a slice of this file's text,
    /// nests deeper than [`crate::markdown::MAX_NESTING`]: such bodies take minutes to render.
    pub fn body_nesting_ok(&self, body: &str, diags: &mut Diagnostics) -> bool {
        let Some((at, depth)) = crate::markdown::too_deep(body) else {
            return true;
        };
        let body_start = self.text.len() - body.len();
        diags.push(
            self.error(
                body_start + at,
                format!(
                    "Markdown is nested {depth} levels deep, more than the limit of {}",
                    crate::markdown::MAX_NESTING
                ),
            )
            .with_help("flatten the quotes, lists or brackets on this line"),
        );
        false
    }

    /// A TOML parse or type error, located; `base` is the offset of the TOML text inside the
    /// file (non-zero for front matter).
    pub fn toml_error(&self, base: usize, err: &toml::de::Error) -> Diagnostic {
        let offset = base + err.span().map_or(0, |s| s.start);
        let message = err.message().trim().replace('\n', " ");
        let help = toml_help(&message);
        let d = self.error(offset, message);
        match help {
            Some(h) => d.with_help(h),
            None => d,
        }
    }

    /// A TOML date value as a [`Date`]; times and offsets are refused.
    pub fn date(
        &self,
        base: usize,
        value: &toml::Spanned<toml::value::Datetime>,
        diags: &mut Diagnostics,
    ) -> Option<Date> {
        let dt = value.get_ref();
        let at = base + value.span().start;
        match (dt.date, dt.time) {
            (Some(d), None) => {
                match Date::from_ymd(i32::from(d.year), u32::from(d.month), u32::from(d.day)) {
                    Some(date) => Some(date),
                    None => {
                        diags.push(self.error(at, format!("{dt} is not a calendar date")));
                        None
                    }
                }
            }
            _ => {
                diags.push(
                    self.error(at, format!("expected a date, found {dt}"))
                        .with_help("write a plain date such as 2024-06-30 (no time, no quotes)"),
                );
                None
            }
        }
    }
}

fn toml_help(message: &str) -> Option<&'static str> {
    if message.contains("missing field") {
        Some("add the field; DESIGN §3 (README: content format) lists the required ones")
    } else if message.contains("unknown field") {
        Some("check the spelling; the message lists the fields this table accepts")
    } else if message.contains("expected a TOML datetime")
        || message.contains("invalid type: string") && message.contains("date")
    {
        Some("dates are written without quotes: date = 2024-06-30")
    } else if message.contains("expected a date such as") {
        Some("write a plain date, no time and no quotes: deadline = 2024-06-30")
    } else if message.contains("invalid string") || message.contains("expected `\"`") {
        Some("text values are written in double quotes; use \"\"\" … \"\"\" for text over several lines")
    } else {
        None
    }
}

/// Reads everything under `root/content`.
pub fn load(root: &Path) -> (Content, Diagnostics) {
    load_with(root, None)
}

/// [`load`], reusing the plan folders `memo` holds unchanged since the last load (`serve`);
/// hand the plans back with [`LoadMemo::restore`] once the build is done with them.
pub fn load_with(root: &Path, memo: Option<&mut LoadMemo>) -> (Content, Diagnostics) {
    let mut diags = Diagnostics::new();
    let content_dir = root.join("content");
    let mut content = Content::default();
    if !content_dir.is_dir() {
        diags.push(
            Diagnostic::error(
                display_path(root, &content_dir),
                Pos::START,
                "no content/ folder here",
            )
            .with_help("run gongkai in a project folder, or point --root at one"),
        );
        return (content, diags);
    }
    let read = |path: &Path, diags: &mut Diagnostics| files::read(root, path, diags);

    if let Some(file) = read(&content_dir.join("site.toml"), &mut diags) {
        content.site = site::parse_site(&file, &mut diags);
    }
    for path in files::sorted_files(&content_dir.join("units"), "toml") {
        if let Some(file) = read(&path, &mut diags) {
            content.units.extend(site::parse_units(&file, &mut diags));
        }
    }

    // Plans are independent: load them in parallel, keeping folder order.
    let dirs = files::sorted_dirs(&content_dir.join("plans"));
    match memo {
        None => {
            let loaded = prefetch::around(&dirs, |reached| {
                prefetch::in_order(dirs.iter(), reached, |dir| {
                    let mut d = Diagnostics::new();
                    (plans::load_plan(root, dir, &mut d), d)
                })
            });
            for (plan, d) in loaded {
                diags.extend(d.into_sorted());
                content.plans.extend(plan);
            }
        }
        Some(memo) => {
            let others = memo::signature(&content_dir, Some(&content_dir.join("plans")));
            if memo.others != Some(others) {
                memo.plans.clear();
            }
            memo.others = Some(others);
            let mut old = std::mem::take(&mut memo.plans);
            // A first load (nothing to reuse) reads every plan, so a cold corpus is prefetched
            // as for a build.
            let first = old.is_empty();
            let pairs: Vec<(PathBuf, Option<memo::MemoPlan>)> = dirs
                .iter()
                .map(|dir| (dir.clone(), old.remove(dir)))
                .collect();
            let load_all = |reached: &prefetch::Reached| {
                prefetch::in_order(pairs.into_iter(), reached, |(dir, prev)| {
                    let signature = memo::signature(&dir, None);
                    let m = match prev {
                        Some(m) if m.signature == signature && m.plan.is_some() => m,
                        _ => {
                            let mut d = Diagnostics::new();
                            let plan = plans::load_plan(root, &dir, &mut d);
                            memo::MemoPlan {
                                signature,
                                plan,
                                diags: d.into_sorted(),
                            }
                        }
                    };
                    (dir, m)
                })
            };
            let loaded = if first {
                prefetch::around(&dirs, load_all)
            } else {
                load_all(&prefetch::Reached::default())
            };
            memo.order.clear();
            for (dir, mut m) in loaded {
                diags.extend(m.diags.iter().cloned());
                memo.order.push((dir.clone(), m.plan.is_some()));
                content.plans.extend(m.plan.take());
                memo.plans.insert(dir, m);
            }
        }
    }

    let disclosure = content_dir.join("disclosure");
    for path in files::sorted_files(&disclosure, "md") {
        if let Some(file) = read(&path, &mut diags) {
            if let Some(doc) = site::parse_disclosure(&file, &mut diags) {
                content.disclosure.push(doc);
            }
        }
    }
    for path in files::sorted_files(&disclosure.join("annual"), "toml") {
        if let Some(file) = read(&path, &mut diags) {
            match path
                .file_stem()
                .and_then(|s| s.to_str())
                .and_then(|s| s.parse().ok())
            {
                Some(year) => {
                    let src = annual::AnnualSource {
                        year,
                        path: file.shown,
                        text: file.text,
                    };
                    let publisher = content.site.publisher.name.as_str();
                    content
                        .annual
                        .extend(annual::parse(&src, publisher, &mut diags));
                }
                None => diags.push(
                    file.error(0, "an annual report file must be named after its year")
                        .with_help("rename it like disclosure/annual/2024.toml"),
                ),
            }
        }
    }
    load_compare_inputs(root, &mut content, &mut diags);
    (content, diags)
}

/// `metrics.toml` and the verified `[[source]]` mirrors (see [`sources`]).
fn load_compare_inputs(root: &Path, content: &mut Content, diags: &mut Diagnostics) {
    let metrics = root.join("content/metrics.toml");
    if metrics.is_file() {
        if let Some(file) = files::read(root, &metrics, diags) {
            content.metrics = metrics::parse_metrics(&file, diags);
        }
    }
    content.sources = sources::load_sources(root, &content.site, diags);
}

/// One plan folder loaded on its own, exactly as [`load`] loads it, with what it reported
/// (`serve`'s preview of an edit, before the full rebuild).
pub fn load_plan_dir(root: &Path, dir: &Path) -> (Option<crate::model::Plan>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let plan = plans::load_plan(root, dir, &mut diags);
    (plan, diags)
}

/// Plan `old`, as last loaded from its folder, with the Markdown progress reports at `changed`
/// (files directly in its `progress/` folder) read again — edited, added or removed — and every
/// other report kept: what [`load_plan_dir`] gives when only those files changed, without
/// reading the rest (`serve`'s preview of an edit). Reports keep [`load`]'s order: Markdown
/// files by name, then the rows of the CSV files.
pub fn reload_reports(
    root: &Path,
    old: &crate::model::Plan,
    changed: &[PathBuf],
) -> (crate::model::Plan, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut plan = old.clone();
    for path in changed {
        if files::is_hidden(path) || path.extension().is_none_or(|e| e != "md") {
            continue;
        }
        let shown = display_path(root, path);
        plan.progress.retain(|r| r.origin.path != shown);
        if path.is_file() {
            let report = files::read(root, path, &mut diags)
                .and_then(|file| progress::parse_markdown_report(&file, &mut diags));
            plan.progress.extend(report);
        }
    }
    let csv = |r: &crate::model::Report| r.origin.path.extension().is_some_and(|e| e == "csv");
    plan.progress.sort_by(|a, b| match (csv(a), csv(b)) {
        (false, false) => a.origin.path.cmp(&b.origin.path),
        (x, y) => x.cmp(&y),
    });
    (plan, diags)
}

/// Parses the text of one content file as [`load`] would parse the file at `shown` (a path
/// relative to the project root, e.g. `content/plans/x/tasks.toml`), without touching the disk,
/// and returns what it reported. Kinds by path: `site.toml`, `units/*.toml`, `tasks.toml`,
/// `progress/*.md`, `progress/*.csv`, `disclosure/*.md`; anything else is reported as unknown.
/// The entry point of the content fuzz target (fuzz/fuzz_targets/content.rs): whatever the
/// text, this must return diagnostics, never panic.
pub fn parse_text(shown: &Path, text: &str) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let file = SourceFile::new(shown.to_path_buf(), text.to_string());
    let name = shown.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let parent = shown
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or("");
    let ext = shown.extension().and_then(|e| e.to_str()).unwrap_or("");
    match (parent, name, ext) {
        (_, "site.toml", _) => {
            site::parse_site(&file, &mut diags);
        }
        (_, "tasks.toml", _) => {
            plans::parse_tasks(&file, &mut diags);
        }
        ("units", _, "toml") => {
            site::parse_units(&file, &mut diags);
        }
        ("progress", _, "md") => {
            progress::parse_markdown_report(&file, &mut diags);
        }
        ("progress", _, "csv") => {
            parse_progress_csv(&file.shown, &file.text, &mut diags);
        }
        ("disclosure", _, "md") => {
            site::parse_disclosure(&file, &mut diags);
        }
        (_, "metrics.toml", _) => {
            metrics::parse_metrics(&file, &mut diags);
        }
        _ => diags.push(file.error(0, "not a content file gongkai knows")),
    }
    diags
}

/// The content fuzz target's entry point (fuzz/fuzz_targets/content.rs, and its deterministic
/// smoke test): the first byte picks a kind of content file, the rest (as UTF-8, lossily) is its
/// text, parsed by [`parse_text`]; Markdown bodies also go through the renderer (HTML and plain
/// text from one parse must equal those from two). Panics only on a bug.
pub fn fuzz_one(data: &[u8]) {
    const KINDS: [&str; 6] = [
        "content/site.toml",
        "content/units/x.toml",
        "content/plans/x/tasks.toml",
        "content/plans/x/progress/2024-06-30-1.md",
        "content/plans/x/progress/reports.csv",
        "content/disclosure/guide.md",
    ];
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let path = KINDS[usize::from(kind) % KINDS.len()];
    parse_text(Path::new(path), &text);
    if path.ends_with(".md") {
        let body = split_front_matter(&text).map_or(&*text, |(_, _, body)| body);
        let separate = (
            crate::markdown::to_html(body, 1),
            crate::markdown::to_text(body),
        );
        assert_eq!(
            crate::markdown::to_html_and_text(body, 1),
            separate,
            "one Markdown parse must give what two give"
        );
    }
}

/// One progress report (`progress/*.md`) parsed from its text as [`load`] would parse the file
/// at `shown`; writers of reports (import-progress) check what they write with it.
pub fn parse_report(
    shown: &Path,
    text: &str,
    diags: &mut Diagnostics,
) -> Option<crate::model::Report> {
    let file = SourceFile::new(shown.to_path_buf(), text.to_string());
    progress::parse_markdown_report(&file, diags)
}

/// Reads a user file as UTF-8 text, reporting problems as diagnostics.
pub fn read_user_file(root: &Path, path: &Path, diags: &mut Diagnostics) -> Option<String> {
    files::read(root, path, diags).map(|f| f.text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_from_the_line_index_match_counting_from_the_top() {
        let text = "a = 1\n名称 = \"绿\"\r\n\n  x = 2\n末";
        let file = SourceFile::new(PathBuf::from("t.toml"), text.to_string());
        for offset in 0..=text.len() + 2 {
            assert_eq!(file.pos(offset), Pos::at(text, offset), "offset {offset}");
        }
        // Asked in any order: backwards, and jumping ahead past lines not yet indexed.
        let file = SourceFile::new(PathBuf::from("t.toml"), text.to_string());
        let mut offsets = vec![3, 20, 7, 25, 0, 14];
        offsets.extend((0..=text.len() + 2).rev());
        for offset in offsets {
            assert_eq!(file.pos(offset), Pos::at(text, offset), "offset {offset}");
        }
    }
}
