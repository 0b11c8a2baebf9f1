//! Text that goes into spreadsheet cells: published CSVs and progress forms.
//!
//! A spreadsheet program reads a cell whose text begins with `=`, `+`, `-` or `@` (and, in some,
//! a tab or carriage return) as a formula and runs it: a task title such as
//! `=HYPERLINK("http://…","点击")` would become a live link in every copy of `data/tasks.csv`
//! opened in Excel (OWASP "CSV injection"). Text columns are therefore *neutralised*: such text
//! gets a leading `'`, which spreadsheets show as text and do not run. Text that already begins
//! with `'` gets one too, so the rule can be undone exactly ([`restore`]). Numbers and dates are
//! never passed through here: they stay numbers.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula (or strip and then do).
pub const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// True when a spreadsheet would read `text` as a formula.
pub fn looks_like_formula(text: &str) -> bool {
    text.starts_with(FORMULA_TRIGGERS)
}

/// `text` as it is safe to put in a text column of a CSV: with a leading `'` when it begins
/// with a formula trigger or with `'` itself; otherwise unchanged (and not copied).
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if looks_like_formula(text) || text.starts_with('\'') {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// The text [`neutralise`] was given, from what it returned: one leading `'` is dropped when a
/// trigger or another `'` follows it. Used when a published CSV is read back as input.
pub fn restore(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if looks_like_formula(rest) || rest.starts_with('\'') => rest,
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_text_gets_a_leading_apostrophe_and_plain_text_is_untouched() {
        assert_eq!(
            neutralise("=HYPERLINK(\"http://x\",\"点击\")"),
            "'=HYPERLINK(\"http://x\",\"点击\")"
        );
        for t in ["+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(t), format!("'{t}"));
        }
        for t in ["推进污水治理", "98%", "", "a=b", "2024-06-30"] {
            assert!(matches!(neutralise(t), Cow::Borrowed(_)), "{t}");
        }
    }

    #[test]
    fn restore_undoes_neutralise_for_every_text() {
        for t in [
            "=1+1", "'", "''", "'=x", "'abc", "abc", "", "-", "@", "'''=", "任务",
        ] {
            assert_eq!(restore(&neutralise(t)), t, "{t:?}");
        }
    }
}
