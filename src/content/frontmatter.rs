//! `+++`-delimited TOML front matter at the top of Markdown files.

/// Splits `text` into (front matter TOML, its byte offset in `text`, body), or `None` when the
/// file does not start with a `+++` line or the closing `+++` line is missing.
pub fn split_front_matter(text: &str) -> Option<(&str, usize, &str)> {
    let rest = text.strip_prefix("+++")?;
    let rest = rest
        .strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))?;
    let start = text.len() - rest.len();
    // The closing line is the first that reads `+++` but for trailing whitespace: found among
    // the `+++`s at line starts with a vector search (a report's front matter is a dozen
    // lines, and going through them one by one was a tenth of loading it).
    for at in memchr::memmem::find_iter(rest.as_bytes(), b"+++") {
        if at > 0 && rest.as_bytes()[at - 1] != b'\n' {
            continue;
        }
        let line = rest[at..].split_inclusive('\n').next().unwrap_or("");
        if line.trim_end() == "+++" {
            let fm = &text[start..start + at];
            let body = &text[start + at + line.len()..];
            return Some((fm, start, body));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body() {
        let t = "+++\ntask = \"1\"\n+++\n正文\n";
        let (fm, off, body) = split_front_matter(t).unwrap();
        assert_eq!(fm, "task = \"1\"\n");
        assert_eq!(off, 4);
        assert_eq!(body, "正文\n");
    }

    #[test]
    fn crlf_files_split_too() {
        let t = "+++\r\na = 1\r\n+++\r\nbody";
        let (fm, _, body) = split_front_matter(t).unwrap();
        assert_eq!(fm, "a = 1\r\n");
        assert_eq!(body, "body");
    }

    /// The closing line is the first that is `+++` but for trailing whitespace, wherever else
    /// `+++` appears.
    #[test]
    fn the_first_plus_line_closes() {
        let cases = [
            ("+++\na = \"+++\"\n+++ \t\nbody", "a = \"+++\"\n", "body"),
            (
                "+++\n++++\n +++\n+++x\n+++\r\n+++\nbody",
                "++++\n +++\n+++x\n",
                "+++\nbody",
            ),
            ("+++\n+++", "", ""),
            ("+++\na = 1\n+++", "a = 1\n", ""),
            (
                "+++\r\na = 1\r\n+++\u{3000}\r\n正文+++\n",
                "a = 1\r\n",
                "正文+++\n",
            ),
        ];
        for (text, fm, body) in cases {
            let reference = {
                let rest = text.strip_prefix("+++").unwrap();
                let rest = rest
                    .strip_prefix("\r\n")
                    .or_else(|| rest.strip_prefix('\n'))
                    .unwrap();
                let start = text.len() - rest.len();
                let mut offset = start;
                let mut found = None;
                for line in rest.split_inclusive('\n') {
                    if line.trim_end() == "+++" {
                        found = Some((&text[start..offset], start, &text[offset + line.len()..]));
                        break;
                    }
                    offset += line.len();
                }
                found
            };
            let got = split_front_matter(text);
            assert_eq!(got, reference, "{text:?}");
            let (f, _, b) = got.unwrap();
            assert_eq!((f, b), (fm, body), "{text:?}");
        }
    }

    #[test]
    fn unclosed_or_missing_front_matter_is_none() {
        assert!(split_front_matter("+++\na = 1\n").is_none());
        assert!(split_front_matter("no front matter").is_none());
    }
}
