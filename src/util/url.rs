//! URLs: which links from content may go into an `href` and how they are made valid there,
//! percent-encoding, and the forms of a page's own URL (relative root, pretty, canonical).
//!
//! In: strings. Out: strings. Loading uses the link rules, Markdown the safety check, pages,
//! exports and the disclosure section the page forms.

/// A link from content as it goes into the model: safe links made valid with [`href`]; others
/// kept as written, for validation to refuse with the text the author wrote.
pub fn content_link(url: String) -> String {
    if is_safe_url(&url) {
        href(&url)
    } else {
        url
    }
}

/// `url` with the characters a URL may not contain (controls, space, `"`, `<`, `>`, `\\`, `^`,
/// `` ` ``, `{`, `|`, `}`) percent-encoded, as a browser encodes them when it follows the link:
/// the same target, and valid in an `href`. Everything else, `%` and non-ASCII included, is
/// kept.
pub fn href(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.trim().chars() {
        match c {
            '\0'..=' ' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}' | '\u{7f}' => {
                out.push_str(&format!("%{:02X}", c as u32));
            }
            _ => out.push(c),
        }
    }
    out
}

/// True for links that are safe to put in an `href`: http(s), mailto, or relative paths.
pub fn is_safe_url(url: &str) -> bool {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
    {
        return !u.chars().any(char::is_control);
    }
    // A relative URL has no scheme: no ':' before the first '/', '?' or '#'.
    let head = u.split(['/', '?', '#']).next().unwrap_or("");
    !head.contains(':') && !u.chars().any(char::is_control) && !u.starts_with("//")
}

/// The official URL of the page at `path` under `base`, in the form people share
/// (`…/plans/x/` rather than `…/plans/x/index.html`).
pub fn canonical_url(base: &str, path: &str) -> String {
    let pretty = path.strip_suffix("index.html").unwrap_or(path);
    format!("{}/{}", base.trim_end_matches('/'), pretty)
}

/// The relative way back to the site root from a page at `path` (e.g. "plans/x/index.html"
/// → "../../").
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// Percent-encodes everything but unreserved ASCII (RFC 3986).
pub fn enc(s: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xF)] as char);
        }
    }
    out
}

/// Like [`enc`], but non-ASCII characters other than controls, spaces and noncharacters are
/// kept as they are: an IRI, which HTML allows in an `href` and a browser percent-encodes into
/// exactly what [`enc`] writes when it follows the link — a third of the bytes for Chinese
/// text (a mailto subject on every task page).
pub fn enc_iri(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut buf = [0u8; 4];
    for c in s.chars() {
        let n = c as u32;
        let noncharacter = (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE;
        if c.is_ascii() || c.is_control() || c.is_whitespace() || noncharacter {
            out.push_str(&enc(c.encode_utf8(&mut buf)));
        } else {
            out.push(c);
        }
    }
    out
}

/// A page URL without its `index.html` (the form search engines and people share).
pub fn pretty(url: &str) -> String {
    url.strip_suffix("index.html").unwrap_or(url).to_string()
}

/// Percent-encodes the characters a URL path cannot hold raw (ids are ASCII, but be safe).
pub fn path_escape(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/#".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_encode_what_a_url_may_not_contain() {
        assert_eq!(
            href("https://example.org/a?b=1"),
            "https://example.org/a?b=1"
        );
        assert_eq!(
            href("https://x.org/f?a=\"><img src=x>&b=' c"),
            "https://x.org/f?a=%22%3E%3Cimg%20src=x%3E&b='%20c"
        );
        assert_eq!(href("files/报告 1.pdf"), "files/报告%201.pdf");
        assert_eq!(href("a@b.cn\"x"), "a@b.cn%22x");
    }

    #[test]
    fn safe_urls_are_http_mailto_or_relative() {
        assert!(is_safe_url("https://example.org/a"));
        assert!(is_safe_url("files/report.pdf"));
        assert!(is_safe_url("mailto:a@b.cn"));
        assert!(!is_safe_url("javascript:alert(1)"));
        assert!(!is_safe_url(" JaVaScRiPt:alert(1)"));
        assert!(!is_safe_url("data:text/html,<script>"));
        assert!(!is_safe_url("//evil.example/x"));
        assert!(!is_safe_url("java\tscript:alert(1)"));
    }
    #[test]
    fn root_climbs_one_level_per_folder() {
        assert_eq!(root_of("index.html"), "");
        assert_eq!(root_of("plans/x/index.html"), "../../");
        assert_eq!(root_of("plans/x/tasks/9/index.html"), "../../../../");
    }

    #[test]
    fn mailto_subjects_are_percent_encoded() {
        assert_eq!(enc("a b&c"), "a%20b%26c");
        assert_eq!(enc("绿"), "%E7%BB%BF");
        assert_eq!(enc("[x] 1~2/\n"), "%5Bx%5D%201~2%2F%0A");
        // As an IRI: the Chinese text stays, everything else is encoded as before.
        assert_eq!(
            enc_iri("[绿色] 一(一)\u{3000}x\u{fdd0}"),
            "%5B绿色%5D%20一%28一%29%E3%80%80x%EF%B7%90"
        );
    }
}
