//! Render: [`SiteData`] → HTML pages, through the theme's Tera templates.
//!
//! In: the derived site and a [`Theme`]. Out: (path, bytes) pairs handed to the writer as they
//! are made, pages rendered in parallel. Templates hold presentation only: every number,
//! status and URL arrives computed. Each page's context carries `root` (the relative path
//! back to the site root, e.g. `../../`), so every link works under any path and from disk.
//! It never reads content files and never writes outside the writer it is given.

pub mod hant;
mod pages;
mod theme;

pub use pages::{
    canonical_url, enc, needs_render, render_plan_pages, render_site, render_site_cached, root_of,
    site_value, PageCache, PageContext,
};
pub use theme::{Theme, THEME_FILES};

use std::collections::HashMap;
use std::path::PathBuf;

use tera::{Kwargs, State, Tera, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};

/// Tera with the theme's templates and the project's filters.
pub struct Renderer {
    tera: Tera,
    /// Each template's file as messages show it (the site's own, or the built-in theme's).
    shown: HashMap<String, PathBuf>,
}

impl Renderer {
    pub fn new(theme: &Theme, diags: &mut Diagnostics) -> Option<Renderer> {
        let mut tera = Tera::default();
        tera.autoescape_on([".html", ".xml", ".svg"]);
        tera.set_escape_fn(write_escaped_html);
        // Filters first: Tera checks every filter a template names when the template is added.
        tera.register_filter("num", num_filter);
        tera.register_filter("urlencode", urlencode_filter);
        let shown = theme
            .templates
            .iter()
            .map(|(name, _)| (name.clone(), theme.shown_path(name)))
            .collect();
        let renderer = |tera| Renderer { tera, shown };
        let Err(e) = tera.add_raw_templates(theme.templates.iter().map(|(n, t)| (n, t))) else {
            return Some(renderer(tera));
        };
        let reporter = renderer(Tera::default());
        // Tera stops at the first broken template: each is parsed on its own as well, so that
        // every template with a syntax error is reported in the one run.
        let mut syntax = 0;
        for (name, source) in &theme.templates {
            if let Err(e) = Tera::default().add_raw_template(name, source) {
                if matches!(e.kind(), tera::ErrorKind::SyntaxError(_)) {
                    diags.push(reporter.template_error(name, &e));
                    syntax += 1;
                }
            }
        }
        if syntax == 0 {
            diags.push(reporter.template_error("", &e));
        }
        None
    }

    /// Renders `template` and hands the page's bytes to `write`; a template that fails is
    /// reported at the file, line and column where it failed (which may be a template the
    /// page extends or calls).
    ///
    /// The page is rendered into a buffer kept per thread and reused: a task page is tens of
    /// kilobytes, and growing a fresh buffer for each of thousands of pages costs more than
    /// the page's own writing.
    pub fn render_with<T>(
        &self,
        template: &str,
        ctx: &tera::Context,
        write: impl FnOnce(&[u8]) -> T,
    ) -> Result<T, Diagnostic> {
        thread_local! {
            static BUFFER: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
        }
        // Taken out of the slot rather than borrowed, so a `write` that renders again still
        // works (it just starts with a buffer of its own).
        let mut buf = BUFFER.take();
        buf.clear();
        let result = self
            .tera
            .render_to(template, ctx, &mut buf)
            .map_err(|e| {
                self.template_error(template, &e).with_help(
                    "a template failed while rendering; fix the template, or the content it shows",
                )
            })
            .map(|()| write(&buf));
        BUFFER.set(buf);
        result
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }

    /// A Tera error as a diagnostic at the template file, line and column Tera names (or at
    /// the start of `template` when it names none).
    fn template_error(&self, template: &str, e: &tera::Error) -> Diagnostic {
        use std::error::Error;
        let (name, pos, mut msg) = match e.kind() {
            tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
                let span = r.span();
                let pos = Pos {
                    line: span.start_line.max(1),
                    col: span.start_col + 1,
                };
                (r.filename().to_string(), pos, r.message().to_string())
            }
            other => {
                let msg = other.to_string();
                // Tera quotes the template: "Template 'x.html' is inheriting from …".
                let name = msg.split('\'').nth(1).unwrap_or(template).to_string();
                (name, Pos::START, msg)
            }
        };
        let mut src = e.source();
        while let Some(s) = src {
            msg.push_str(": ");
            msg.push_str(&s.to_string());
            src = s.source();
        }
        let msg = msg.split_whitespace().collect::<Vec<_>>().join(" ");
        let file = self
            .shown
            .get(&name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(format!("themes/default/templates/{name}")));
        // Tera 1's macros are the likeliest cause in a theme written for earlier releases.
        let help = if msg.contains("Unknown tag") || msg.contains("Found `:`") {
            "templates are Tera 2: macros are components ({% component units(list, root) %}, \
             called as {{<units list={task.lead} root={root} />}}, no {% import %}); see the \
             README (Themes)"
        } else {
            "fix the template; built-in templates are listed in the README (Themes)"
        };
        Diagnostic::error(file, pos, msg).with_help(help)
    }
}

/// HTML escaping for text and attribute values: the five characters that can end a text node
/// or an attribute. (Other escapers also escape `/`, which makes every relative URL unreadable
/// in the page source without adding safety inside quoted attributes.)
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    escape_into(input, html_entity, &mut out);
    out
}

/// [`escape_html`] written to `out`: Tera's escape function for every `{{ … }}` in a page.
fn write_escaped_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    escape_pieces(input, html_entity, |piece| out.write_all(piece.as_bytes()))
}

/// The entity that stands for byte `b` in escaped HTML, if `b` is one of the five.
#[inline]
fn html_entity(b: u8) -> Option<&'static str> {
    match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&#x27;"),
        _ => None,
    }
}

/// `input` escaped by `entity` (what stands for a byte in the output, if not the byte itself;
/// only ASCII bytes may have one), appended to `out`.
pub(crate) fn escape_into(
    input: &str,
    entity: impl Fn(u8) -> Option<&'static str> + Copy,
    out: &mut String,
) {
    escape_pieces(input, entity, |piece| {
        out.push_str(piece);
        Ok(())
    })
    .expect("pushing to a String cannot fail");
}

/// `input` escaped by `entity`, as the pieces to write one after the other: runs of `input`
/// and entities.
fn escape_pieces(
    input: &str,
    entity: impl Fn(u8) -> Option<&'static str> + Copy,
    mut emit: impl FnMut(&str) -> std::io::Result<()>,
) -> std::io::Result<()> {
    // Most values (Chinese text, dates, URLs) hold no byte to escape, and are one piece: a
    // block of bytes is tested for all of them at once (a few vector comparisons), and only a
    // block holding one is looked at byte by byte. Only ASCII bytes are escaped, so every
    // index found is a char boundary.
    const BLOCK: usize = 32;
    let bytes = input.as_bytes();
    let mut from = 0;
    for (n, block) in bytes.chunks(BLOCK).enumerate() {
        if !block
            .iter()
            .fold(false, |any, &b| any | entity(b).is_some())
        {
            continue;
        }
        for (i, &b) in block.iter().enumerate() {
            if let Some(entity) = entity(b) {
                let at = n * BLOCK + i;
                emit(&input[from..at])?;
                emit(entity)?;
                from = at + 1;
            }
        }
    }
    emit(&input[from..])
}

/// `{{ x | num }}`: a number without float noise or needless zeros (98.0 → 98, 29.80 → 29.8).
/// Percent-encodes a value for a query string (every byte but unreserved ASCII), e.g. a page's
/// address as the error-report platform's `url` parameter.
fn urlencode_filter(value: &Value, _: Kwargs, _: &State) -> Value {
    let text = value.as_str().map(|s| s.to_string()).unwrap_or_default();
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Value::from(out)
}

fn num_filter(value: &Value, _: Kwargs, _: &State) -> Value {
    match value.as_f64() {
        Some(v) => Value::from(format_number(v)),
        None if value.is_none() => Value::from(String::new()),
        None => value.clone(),
    }
}

/// Formats a figure for people: at most 3 decimals, trailing zeros dropped.
///
/// Exactly `format!("{v:.3}")` with the trailing zeros and point trimmed (and "-0" as "0"),
/// but without the float formatter for nearly every figure: pages and exports print hundreds
/// of thousands of them.
pub fn format_number(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    // `scaled` is within 2⁻⁵³·|scaled| < 0.12 of the exact v·1000 below 10¹⁵, so when it is
    // within 0.25 of the whole number k, the exact value is within 0.37 of k: rounding v to
    // three decimals gives k thousandths, whatever the tie rule, and so does `{:.3}`.
    let scaled = v * 1000.0;
    let k = scaled.round();
    if k.abs() < 1e15 && (scaled - k).abs() < 0.25 {
        return thousandths(k as i64);
    }
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// `k` thousandths as `format_number` prints them: 98000 → "98", -29800 → "-29.8".
fn thousandths(k: i64) -> String {
    let mut s = crate::derive::chart::Decimal(k, 3).to_string();
    let len = s.trim_end_matches('0').trim_end_matches('.').len();
    s.truncate(len);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_replaces_the_five_characters_and_keeps_the_rest() {
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("绿色发展/规划"), "绿色发展/规划");
        assert_eq!(escape_html("a>b"), "a&gt;b");
        assert_eq!(escape_html("&"), "&amp;");
        assert_eq!(escape_html("目标=<100%"), "目标=&lt;100%");
        assert_eq!(
            escape_html("<a href=\"x?a=1&b='2'\">绿</a>"),
            "&lt;a href=&quot;x?a=1&amp;b=&#x27;2&#x27;&quot;&gt;绿&lt;/a&gt;"
        );
    }

    /// Long values are tested a block at a time: a character to escape is found wherever it
    /// falls, at either edge of a block or in a long run of Chinese text.
    #[test]
    fn escaping_finds_every_character_in_long_values() {
        let reference = |s: &str| {
            s.chars()
                .map(|c| match c {
                    '&' => "&amp;".to_string(),
                    '<' => "&lt;".to_string(),
                    '>' => "&gt;".to_string(),
                    '"' => "&quot;".to_string(),
                    '\'' => "&#x27;".to_string(),
                    c => c.to_string(),
                })
                .collect::<String>()
        };
        let filler = "到2025年,污水处理率达到98%以上。ab";
        for at in 0..100 {
            for special in ['&', '<', '>', '"', '\''] {
                let mut s: String = filler.repeat(4).chars().take(at).collect();
                s.push(special);
                s.push_str(&filler.repeat(2));
                s.push(special);
                assert_eq!(escape_html(&s), reference(&s), "{special} after {at} chars");
            }
        }
        assert_eq!(escape_html(&filler.repeat(9)), filler.repeat(9));
    }

    #[test]
    fn numbers_read_like_people_write_them() {
        assert_eq!(format_number(98.0), "98");
        assert_eq!(format_number(29.8), "29.8");
        assert_eq!(format_number(0.1 + 0.2), "0.3");
        assert_eq!(format_number(-0.0001), "0");
        assert_eq!(format_number(-0.5), "-0.5");
        assert_eq!(format_number(1000.0), "1000");
        assert_eq!(format_number(f64::NAN), "");
    }

    /// The fast path must print exactly what the float formatter prints, ties and the limits
    /// of the fast path included.
    #[test]
    fn numbers_match_the_float_formatter() {
        fn reference(v: f64) -> String {
            let s = format!("{v:.3}");
            let s = s.trim_end_matches('0').trim_end_matches('.');
            if s == "-0" {
                "0".into()
            } else {
                s.to_string()
            }
        }
        let mut values = vec![
            0.0,
            -0.0,
            0.0005,
            0.0015,
            0.0025,
            1.0005,
            2.0005,
            -1.0005,
            0.00049999,
            -0.0004,
            -0.0006,
            999.9995,
            1e12,
            1e12 + 0.0005,
            999_999_999_999.999,
            1e15,
            1e16,
            1e300,
            5e-324,
            0.1 + 0.2,
            29.8,
            98.0,
            101.6,
            123456.789,
            -123456.7895,
        ];
        // A pseudo-random walk over magnitudes and fractions (a fixed LCG keeps it repeatable).
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..200_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let mantissa = (x >> 11) as f64 / (1u64 << 53) as f64;
            let exp = ((x >> 3) % 32) as i32 - 12;
            let sign = if x & 1 == 0 { 1.0 } else { -1.0 };
            values.push(sign * mantissa * 10f64.powi(exp));
            // Figures as people write them: up to three decimals.
            values.push(((x >> 20) % 10_000_000) as f64 / 10f64.powi((x % 4) as i32));
            // Halfway between thousandths.
            values.push(((x >> 20) % 1_000_000) as f64 / 1000.0 + 0.0005);
        }
        for v in values {
            assert_eq!(format_number(v), reference(v), "{v:e}");
        }
    }
}
