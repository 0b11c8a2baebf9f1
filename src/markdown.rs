//! Markdown → safe HTML: pulldown-cmark renders, ammonia sanitises.
//!
//! Everything a user writes in Markdown (progress bodies, disclosure pages) passes through
//! [`to_html`]; raw HTML in the source is allowed only as far as ammonia's allow-list goes
//! (no scripts, no event handlers, no `javascript:` links).

use std::sync::OnceLock;

use pulldown_cmark::{html, Event, Options, Parser, Tag};

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.url_schemes(["http", "https", "mailto"].into_iter().collect());
        b.link_rel(Some("noopener noreferrer"));
        b
    })
}

/// How deeply Markdown may nest (block quotes and list items at the start of a line, open `[`
/// brackets of links): real bodies stay under ten. Deeper input makes pulldown-cmark's work grow
/// with the square of the depth (20,000 levels: minutes), so it is refused while loading.
pub const MAX_NESTING: usize = 100;

/// The byte offset of the first line of `source` nested deeper than [`MAX_NESTING`], with its
/// depth. Cheap: one pass over the bytes, no parsing.
pub fn too_deep(source: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        // Container markers at the start of the line: `>`, `-`, `*`, `+`, `1.`, `1)`.
        let mut depth = 0;
        let mut rest = line.trim_start();
        loop {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let marker = match rest.as_bytes().get(digits) {
                Some(b'.' | b')') if digits > 0 => digits + 1,
                Some(b'>') if digits == 0 => 1,
                Some(b'-' | b'*' | b'+') if digits == 0 => 1,
                _ => break,
            };
            depth += 1;
            rest = rest[marker..].trim_start();
        }
        // Open brackets on the line (most lines have none: skip them quickly).
        let mut open: usize = 0;
        let mut deepest = 0;
        let brackets = line.find('[').map_or("", |i| &line[i..]);
        for b in brackets.bytes() {
            match b {
                b'[' => {
                    open += 1;
                    deepest = deepest.max(open);
                }
                b']' => open = open.saturating_sub(1),
                _ => {}
            }
        }
        let depth = depth.max(deepest);
        if depth > MAX_NESTING {
            return Some((offset, depth));
        }
        offset += line.len();
    }
    None
}

/// Renders Markdown to sanitised HTML. Headings are shifted down by `heading_shift` levels so a
/// body's `#` never competes with the page's own `<h1>`.
pub fn to_html(source: &str, heading_shift: u8) -> String {
    html_of(html_events(source, heading_shift), source.len())
}

/// [`to_html`] and [`to_text`] of one source, parsed once where that gives the same results:
/// the plain text is read without the table, strikethrough and footnote extensions, which only
/// change how `|`, `~` and `[^` read, so sources without those characters (nearly every
/// progress report) share one parse.
pub fn to_html_and_text(source: &str, heading_shift: u8) -> (String, String) {
    if let Some(text) = plain_paragraph(source) {
        return (paragraph_html(text), text.to_string());
    }
    if source.bytes().any(|b| matches!(b, b'|' | b'~' | b'^')) {
        return (to_html(source, heading_shift), to_text(source));
    }
    let events = html_events(source, heading_shift);
    let text = text_of(events.iter().cloned());
    (html_of(events, source.len()), text)
}

/// [`to_html_and_text`]'s HTML alone, for a view that keeps only its Markdown and renders it
/// where it is shown.
pub fn html_of_body(source: &str, heading_shift: u8) -> String {
    if let Some(text) = plain_paragraph(source) {
        return paragraph_html(text);
    }
    to_html(source, heading_shift)
}

/// The HTML of a [`plain_paragraph`]'s text: the text in a `<p>`, as the parser would give it
/// (sized exactly).
pub fn paragraph_html(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 8);
    html.push_str("<p>");
    html.push_str(text);
    html.push_str("</p>\n");
    html
}

/// [`to_html_and_text`]'s plain text alone (see [`html_of_body`]).
pub fn text_of_body(source: &str) -> String {
    if let Some(text) = plain_paragraph(source) {
        return text.to_string();
    }
    if source.bytes().any(|b| matches!(b, b'|' | b'~' | b'^')) {
        return to_text(source);
    }
    text_of(html_events(source, 0).into_iter())
}

/// The text of `source` when it is a single line of plain text, which Markdown renders as one
/// paragraph holding exactly that text: it starts with a letter (no block marker), ends without
/// space, and has no character that could open markup (`*_[]<>&!`…), need escaping or be a
/// control character. Most progress reports are such a line; they skip the parser.
pub fn plain_paragraph(source: &str) -> Option<&str> {
    let line = source.strip_suffix('\n').unwrap_or(source);
    let first = line.chars().next()?;
    let last = line.chars().next_back()?;
    let starts_block = if first.is_ascii() {
        !first.is_ascii_alphabetic()
    } else {
        first.is_whitespace() || first == '\u{feff}'
    };
    let inert = |b: u8| INERT[usize::from(b)];
    (!starts_block && !last.is_whitespace() && line.bytes().all(inert)).then_some(line)
}

/// The bytes [`plain_paragraph`] lets through, by value (a table: the test ran on every byte of
/// every report body): every byte of a multi-byte character, ASCII letters and digits, and the
/// punctuation that can neither open markup nor need escaping.
const INERT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = !c.is_ascii() || c.is_ascii_alphanumeric();
        b += 1;
    }
    let punctuation = b" \"$%'(),-./:;=?@{}+";
    let mut i = 0;
    while i < punctuation.len() {
        table[punctuation[i] as usize] = true;
        i += 1;
    }
    table
};

fn html_events(source: &str, heading_shift: u8) -> Vec<Event<'_>> {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_FOOTNOTES);
    Parser::new_ext(source, opts)
        .map(|ev| shift_heading(ev, heading_shift))
        .collect()
}

/// The sanitised HTML of `events`, parsed from a source `source_len` bytes long.
fn html_of(events: Vec<Event<'_>>, source_len: usize) -> String {
    let mut out = String::with_capacity(source_len * 3 / 2);
    // pulldown-cmark escapes all text itself; only raw HTML and link targets can carry markup
    // or scripts. Bodies without them (nearly all progress reports) skip the sanitiser, which
    // costs more than the Markdown rendering.
    let needs_sanitising = events.iter().any(|ev| match ev {
        Event::Html(_) | Event::InlineHtml(_) => true,
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
            !crate::util::url::is_safe_url(dest_url)
        }
        _ => false,
    });
    html::push_html(&mut out, events.into_iter());
    if needs_sanitising || out.contains("<a ") {
        valid_after_sanitising(&sanitizer().clean(&out).to_string())
    } else {
        out
    }
}

/// Sanitising keeps the markup safe but can leave it invalid: a link whose unsafe `href` was
/// removed keeps the `rel` ammonia adds (only allowed with an `href`), and raw `<img>` tags may
/// lack `alt` or lose their `src`, and a `<summary>` may have lost its `<details>`. Reads
/// ammonia's serialisation (every attribute as `name="value"`, quotes in values escaped):
/// drops `rel` from links without `href`, gives images without `alt` an empty one
/// (decorative), removes images without `src`, and unwraps a `<summary>` that is not the first
/// child of a `<details>` (its text stays).
fn valid_after_sanitising(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    let mut orphan_summaries = 0usize;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix("<img>") {
            rest = after;
            continue;
        }
        // A `<summary>` is allowed only as the first child of a `<details>`.
        if let Some(after) = rest.strip_prefix("<summary>") {
            let opens_details = out.rfind("<details").is_some_and(|p| {
                let tag = &out[p..];
                tag.find('>')
                    .is_some_and(|end| tag[end + 1..].trim().is_empty())
            });
            if opens_details {
                out.push_str("<summary>");
            } else {
                orphan_summaries += 1;
            }
            rest = after;
            continue;
        }
        if let Some(after) = rest.strip_prefix("</summary>") {
            if orphan_summaries > 0 {
                orphan_summaries -= 1;
            } else {
                out.push_str("</summary>");
            }
            rest = after;
            continue;
        }
        let tag = ["<a ", "<img "].into_iter().find(|t| rest.starts_with(t));
        let Some(tag) = tag else {
            out.push('<');
            rest = &rest[1..];
            continue;
        };
        let Some((attrs, len)) = attributes(&rest[tag.len()..]) else {
            out.push('<');
            rest = &rest[1..];
            continue;
        };
        let has = |name: &str| attrs.iter().any(|(n, _)| *n == name);
        let end = &rest[tag.len() + len..];
        let (close, after) = if let Some(a) = end.strip_prefix("/>") {
            ("/>", a)
        } else if let Some(a) = end.strip_prefix('>') {
            (">", a)
        } else {
            out.push('<');
            rest = &rest[1..];
            continue;
        };
        if tag == "<img " && !has("src") {
            rest = after;
            continue;
        }
        out.push_str(tag.trim_end());
        for (name, value) in &attrs {
            if tag == "<a " && *name == "rel" && !has("href") {
                continue;
            }
            out.push_str(&format!(" {name}=\"{value}\""));
        }
        if tag == "<img " && !has("alt") {
            out.push_str(" alt=\"\"");
        }
        out.push_str(close);
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The `name="value"` pairs at the start of `s` (separated by spaces), and how many bytes they
/// take; `None` when `s` does not look like ammonia's serialisation.
fn attributes(s: &str) -> Option<(Vec<(&str, &str)>, usize)> {
    let mut attrs = Vec::new();
    let mut i = 0;
    loop {
        let rest = &s[i..];
        let trimmed = rest.trim_start_matches(' ');
        i += rest.len() - trimmed.len();
        if trimmed.starts_with('>') || trimmed.starts_with("/>") {
            return Some((attrs, i));
        }
        let eq = trimmed.find("=\"")?;
        let name = &trimmed[..eq];
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return None;
        }
        let value_start = eq + 2;
        let value_len = trimmed[value_start..].find('"')?;
        attrs.push((name, &trimmed[value_start..value_start + value_len]));
        i += value_start + value_len + 1;
    }
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
    text_of(Parser::new(source))
}

fn text_of<'a>(events: impl Iterator<Item = Event<'a>>) -> String {
    use pulldown_cmark::TagEnd;
    let mut out = String::new();
    for ev in events {
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
    #[test]
    fn sanitised_markup_stays_valid_html() {
        let html = to_html(
            "<a href=\"javascript:alert(1)\">x</a> <img src=x onerror=alert(1)> <img onerror=alert(1)> \
             [ok](https://example.org/a) <img src=\"y.png\" alt=\"图\" title=\"a>b\">",
            1,
        );
        assert!(html.contains("<a>x</a>"), "{html}");
        assert!(html.contains("<img src=\"x\" alt=\"\">"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert_eq!(html.matches("<img").count(), 2, "{html}");
        assert!(
            html.contains("<a href=\"https://example.org/a\" rel=\"noopener noreferrer\">ok</a>"),
            "{html}"
        );
        assert!(html.contains("alt=\"图\""), "{html}");
        let html = to_html(
            "<details><summary>标题</summary>正文</details>\n\n孤立 <summary>x</summary> 文字",
            1,
        );
        assert!(html.contains("<details><summary>标题</summary>"), "{html}");
        assert!(!html.contains("<summary>x"), "{html}");
        assert!(html.contains("x 文字"), "{html}");
    }

    use super::*;

    #[test]
    fn nesting_past_the_limit_is_found_on_its_line() {
        let quotes = |n: usize| format!("{}引用\n", "> ".repeat(n));
        assert_eq!(too_deep(&quotes(MAX_NESTING)), None);
        assert_eq!(
            too_deep(&quotes(MAX_NESTING + 1)),
            Some((0, MAX_NESTING + 1))
        );
        let lists = "- 一. 二) 三* [链接](x)\n".repeat(300);
        assert_eq!(too_deep(&lists), None, "many markers, none deep");
        let deep = format!("{lists}{}", quotes(MAX_NESTING + 2));
        assert_eq!(too_deep(&deep), Some((lists.len(), MAX_NESTING + 2)));
        let brackets = format!("正文\n{}x", "[".repeat(MAX_NESTING + 1));
        assert_eq!(too_deep(&brackets), Some(("正文\n".len(), MAX_NESTING + 1)));
    }

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
    fn plain_bodies_skip_the_sanitiser_but_stay_escaped() {
        let h = to_html("上半年新建管网 **35 公里** & a < b", 0);
        assert_eq!(
            h,
            "<p>上半年新建管网 <strong>35 公里</strong> &amp; a &lt; b</p>\n"
        );
        let h = to_html("[公示](https://example.org/a)", 0);
        assert!(
            h.contains("rel=\"noopener noreferrer\""),
            "links still pass through ammonia: {h}"
        );
    }

    #[test]
    fn headings_are_shifted_below_the_page_title() {
        assert!(to_html("# 标题", 2).contains("<h3>"));
        assert!(to_html("###### 小", 3).contains("<h6>"));
    }

    #[test]
    fn one_parse_gives_what_two_parses_give() {
        for source in [
            "上半年新建管网 **35 公里**\n\n- 一\n- 二\n\n# 标题\n\n> 引用  \n换行`代码`",
            "[公示](https://example.org/a) <b>粗</b> & a < b\n\n1. 第一\n2) 第二",
            "| 指标 | 值 |\n|---|---|\n| 率 | 98 |\n\n~~删除~~ 脚注[^1]\n\n[^1]: 说明",
            "a|b ~c~ ^d",
            "",
            "\n",
            "通过分批更换公共交通工具,提升公众出行体验感。完成 98% (2024年)。\n",
            "Plain text, with \"quotes\" and 'apostrophes': a=b; c/d? e@f {g} h+i.",
            "2024年完成",
            "1. 列表",
            "- 列表",
            "　全角空格开头",
            "结尾空格  \n",
            "两行\n第二行\n",
            "A\n\nB",
            "含<b>标签</b>",
            "含&amp;实体",
            "http://example.org/a 网址",
            "a\0b",
            "\u{feff}BOM",
            "#标题",
            "    缩进代码",
        ] {
            assert_eq!(
                to_html_and_text(source, 2),
                (to_html(source, 2), to_text(source)),
                "{source}"
            );
            assert_eq!(
                to_html_and_text(source, 2),
                (html_of_body(source, 2), text_of_body(source)),
                "{source}"
            );
        }
    }

    #[test]
    fn the_inert_table_holds_exactly_the_plain_bytes() {
        for b in 0..=u8::MAX {
            let plain =
                !b.is_ascii() || b.is_ascii_alphanumeric() || b" \"$%'(),-./:;=?@{}+".contains(&b);
            assert_eq!(INERT[usize::from(b)], plain, "byte {b}");
        }
    }

    #[test]
    fn text_keeps_words_drops_markup() {
        assert_eq!(to_text("**上半年**新建[管网](a.html)"), "上半年新建管网");
    }
}
