//! `+++`-delimited TOML front matter at the top of Markdown files.

/// Splits `text` into (front matter TOML, its byte offset in `text`, body), or `None` when the
/// file does not start with a `+++` line or the closing `+++` line is missing.
pub fn split_front_matter(text: &str) -> Option<(&str, usize, &str)> {
    let rest = text.strip_prefix("+++")?;
    let rest = rest
        .strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))?;
    let start = text.len() - rest.len();
    let mut offset = start;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let fm = &text[start..offset];
            let body = &text[offset + line.len()..];
            return Some((fm, start, body));
        }
        offset += line.len();
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

    #[test]
    fn unclosed_or_missing_front_matter_is_none() {
        assert!(split_front_matter("+++\na = 1\n").is_none());
        assert!(split_front_matter("no front matter").is_none());
    }
}
