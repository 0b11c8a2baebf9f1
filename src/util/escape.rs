//! Escaping for HTML and XML: what every output that writes markup uses, pages (through Tera's
//! escape function), inline SVG charts, feeds, the sitemap and serve's error overlay.
//!
//! In: text. Out: the text safe inside an element or a quoted attribute value. Both escapers
//! share one block scan, each with its own entity table.

/// HTML escaping for text and attribute values: the five characters that can end a text node
/// or an attribute. (Other escapers also escape `/`, which makes every relative URL unreadable
/// in the page source without adding safety inside quoted attributes.)
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    escape_into(input, html_entity, &mut out);
    out
}

/// [`escape_html`] written to `out`: Tera's escape function for every `{{ … }}` in a page.
pub fn write_escaped_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
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
fn escape_into(input: &str, entity: impl Fn(u8) -> Option<&'static str> + Copy, out: &mut String) {
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

/// Text or an attribute value for the feeds and the sitemap: the five characters as XML's
/// entities, and the control characters XML 1.0 cannot carry left out.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_xml_escaped(&mut out, s);
    out
}

/// [`xml_escape`]'s text appended to `out`.
pub fn push_xml_escaped(out: &mut String, s: &str) {
    escape_into(s, xml_entity, out);
}

/// What stands for byte `b` in escaped XML, if not `b` itself: the five characters' entities,
/// and nothing for the control characters XML 1.0 cannot carry at all.
#[inline]
fn xml_entity(b: u8) -> Option<&'static str> {
    match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&apos;"),
        b'\t' | b'\n' | b'\r' => None,
        0..=0x1f => Some(""),
        _ => None,
    }
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

    /// Escaped a block of bytes at a time: every character to replace or leave out is found
    /// wherever it falls, at either edge of a block or in a long run of Chinese text.
    #[test]
    fn xml_escaping_finds_every_character_in_long_values() {
        let reference = |s: &str| {
            let mut out = String::new();
            for c in s.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '"' => out.push_str("&quot;"),
                    '\'' => out.push_str("&apos;"),
                    '\t' | '\n' | '\r' => out.push(c),
                    c if (c as u32) < 0x20 => {}
                    c => out.push(c),
                }
            }
            out
        };
        assert_eq!(
            xml_escape("a<b & \"c\" 'd'"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;"
        );
        assert_eq!(xml_escape("行\u{1}一\t二\n三\r\u{1f}"), "行一\t二\n三\r");
        let filler = "到2025年,污水处理率达到98%以上。ab";
        for at in 0..100 {
            for special in [
                '&', '<', '>', '"', '\'', '\u{0}', '\u{8}', '\t', '\n', '\u{1f}',
            ] {
                let mut s: String = filler.repeat(4).chars().take(at).collect();
                s.push(special);
                s.push_str(&filler.repeat(2));
                s.push(special);
                assert_eq!(
                    xml_escape(&s),
                    reference(&s),
                    "{special:?} after {at} chars"
                );
            }
        }
        assert_eq!(xml_escape(&filler.repeat(9)), filler.repeat(9));
    }
}
