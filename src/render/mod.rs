//! Render: [`SiteData`] → HTML pages, through the theme's Tera templates.
//!
//! In: the derived site and a [`Theme`]. Out: (path, bytes) pairs handed to the writer as they
//! are made, pages rendered in parallel. Templates hold presentation only: every number,
//! status and URL arrives computed. Each page's context carries `root` (the relative path
//! back to the site root, e.g. `../../`), so every link works under any path and from disk.
//! It never reads content files and never writes outside the writer it is given.

mod compare;
mod disclosure;
pub mod hant;
mod pages;
mod theme;

pub use compare::render as render_compare;
pub use disclosure::render as render_disclosure;

pub use pages::{
    needs_render, render_plan_of, render_plan_pages, render_site_wide, site_value, PageCache,
    PageContext, HOME_PLANS,
};
pub use theme::{Theme, THEME_FILES};

use std::collections::HashMap;
use std::path::PathBuf;

use tera::{Kwargs, State, Tera, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::util::escape::write_escaped_html;
use crate::util::number::format_number;

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
