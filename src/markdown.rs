//! Markdown → safe HTML: pulldown-cmark renders, ammonia sanitises.
//!
//! Everything a user writes in Markdown (progress bodies, disclosure pages) passes through
//! [`to_html`]; raw HTML in the source is allowed only as far as ammonia's allow-list goes
//! (no scripts, no event handlers, no `javascript:` links).

use std::sync::OnceLock;

use pulldown_cmark::{html, Options, Parser};

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.url_schemes(["http", "https", "mailto"].into_iter().collect());
        b.link_rel(Some("noopener noreferrer"));
        b
    })
}

/// Renders Markdown to sanitised HTML. Headings are shifted down by `heading_shift` levels so a
/// body's `#` never competes with the page's own `<h1>`.
pub fn to_html(source: &str, heading_shift: u8) -> String {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_FOOTNOTES);
    let parser = Parser::new_ext(source, opts).map(|ev| shift_heading(ev, heading_shift));
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, parser);
    sanitizer().clean(&out).to_string()
}

fn shift_heading(ev: pulldown_cmark::Event<'_>, by: u8) -> pulldown_cmark::Event<'_> {
    use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};
    let shift = |l: HeadingLevel| {
        let n = (l as usize + by as usize).min(6);
        HeadingLevel::try_from(n).unwrap_or(HeadingLevel::H6)
    };
    match ev {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: shift(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(shift(level))),
        other => other,
    }
}

/// Plain text of a Markdown source (for search and feeds): markup dropped, text kept.
pub fn to_text(source: &str) -> String {
    use pulldown_cmark::{Event, TagEnd};
    let mut out = String::with_capacity(source.len());
    for ev in Parser::new(source) {
        match ev {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => out.push('\n'),
            _ => {}
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_handlers_are_removed() {
        let h = to_html(
            "正文<script>alert(1)</script><img src=x onerror=alert(1)>[x](javascript:alert(1))",
            0,
        );
        assert!(!h.contains("<script"), "{h}");
        assert!(!h.contains("onerror"), "{h}");
        assert!(!h.contains("javascript:"), "{h}");
        assert!(h.contains("正文"));
    }

    #[test]
    fn headings_are_shifted_below_the_page_title() {
        assert!(to_html("# 标题", 2).contains("<h3>"));
        assert!(to_html("###### 小", 3).contains("<h6>"));
    }

    #[test]
    fn text_keeps_words_drops_markup() {
        assert_eq!(to_text("**上半年**新建[管网](a.html)"), "上半年新建管网");
    }
}
