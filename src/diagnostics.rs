//! Located messages about the user's content.
//!
//! Every stage that reads a user's file reports problems as [`Diagnostic`]s instead of failing
//! on the first one: the build collects them all, sorts them by file and position, prints them
//! together, and exits 1 if any is an error. Positions are 1-based line and column (in
//! characters, so a column means the same to a person looking at Chinese text in an editor).

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in one file, with the place it was found and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(path: impl Into<PathBuf>, pos: Pos, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, path, pos, message)
    }

    pub fn warning(path: impl Into<PathBuf>, pos: Pos, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, path, pos, message)
    }

    fn new(
        severity: Severity,
        path: impl Into<PathBuf>,
        pos: Pos,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            path: path.into(),
            line: pos.line,
            col: pos.col,
            severity,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        if self.line == 0 {
            // A place without lines, named whole in the path (a spreadsheet cell:
            // `FILE.xlsx:SHEET!C7`).
            write!(f, "{}: {}: {}", self.path.display(), sev, self.message)?;
        } else {
            write!(
                f,
                "{}:{}:{}: {}: {}",
                self.path.display(),
                self.line,
                self.col,
                sev,
                self.message
            )?;
        }
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

impl Pos {
    pub const START: Pos = Pos { line: 1, col: 1 };

    /// The line and column of byte `offset` in `text` (clamped to the text's end and to a
    /// character boundary). Columns count characters, not bytes.
    pub fn at(text: &str, offset: usize) -> Pos {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = text[line_start..offset].chars().count() + 1;
        Pos { line, col }
    }
}

/// Collects diagnostics from a stage; cheap to pass around by `&mut`.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    /// Every warning becomes an error (`check --strict`).
    pub fn make_warnings_errors(&mut self) {
        for d in &mut self.items {
            d.severity = Severity::Error;
        }
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The diagnostics sorted by file, line, column, then severity and message, without
    /// exact duplicates.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            (&a.path, a.line, a.col, a.severity, &a.message)
                .cmp(&(&b.path, b.line, b.col, b.severity, &b.message))
        });
        self.items.dedup();
        self.items
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

/// Prints diagnostics to stderr, sorted, followed by a one-line summary.
pub fn report(diags: Diagnostics) {
    let errors = diags.error_count();
    let warnings = diags.warning_count();
    for d in diags.into_sorted() {
        eprintln!("{d}");
    }
    if errors + warnings > 0 {
        eprintln!("{errors} error(s), {warnings} warning(s)");
    }
}

/// A path shown relative to `root` when it lies under it (messages name files as the user
/// sees them in their project, e.g. `content/plans/x/tasks.toml`).
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// The candidate closest to `name` by edit distance over characters, if it is close enough to
/// be a plausible typo or variant ("did you mean …?").
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let n = name.chars().count();
    let limit = (n / 3).max(1);
    candidates
        .into_iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_counts_characters_not_bytes() {
        let text = "a = 1\n名称 = \"x\"\n";
        let off = text.find('=').unwrap();
        assert_eq!(Pos::at(text, off), Pos { line: 1, col: 3 });
        let off = text.rfind('=').unwrap();
        assert_eq!(Pos::at(text, off), Pos { line: 2, col: 4 });
    }

    #[test]
    fn position_clamps_out_of_range_offsets() {
        assert_eq!(Pos::at("ab\ncd", 99), Pos { line: 2, col: 3 });
        assert_eq!(Pos::at("名", 1), Pos { line: 1, col: 1 });
    }

    #[test]
    fn suggests_close_unit_names_only() {
        let units = ["市发改委", "市经信局", "市生态环境局"];
        assert_eq!(did_you_mean("市发改委员会", units), Some("市发改委"));
        assert_eq!(did_you_mean("市教育局", units), None);
    }

    #[test]
    fn sorted_output_is_by_file_then_position() {
        let mut d = Diagnostics::new();
        d.push(Diagnostic::error("b.toml", Pos { line: 1, col: 1 }, "x"));
        d.push(Diagnostic::error("a.toml", Pos { line: 9, col: 1 }, "y"));
        d.push(Diagnostic::error("a.toml", Pos { line: 2, col: 5 }, "z"));
        let v: Vec<_> = d.into_sorted().into_iter().map(|d| d.message).collect();
        assert_eq!(v, ["z", "y", "x"]);
    }
}
