//! Bytes of a plan document → UTF-8 text, or a reason the bytes are not a text we can read.
//!
//! Published plans come as UTF-8 (sometimes with a BOM) but files saved from older portals are
//! often GBK/GB18030. We do not guess-convert those: we say what the file is and how to convert
//! it, so the person importing sees the real text before it becomes content.

/// Why a document could not be read as text.
#[derive(Debug, PartialEq, Eq)]
pub enum DecodeError {
    Empty,
    Binary,
    Gbk,
    NotUtf8 { offset: usize },
}

impl DecodeError {
    pub fn message(&self) -> String {
        match self {
            DecodeError::Empty => "the file is empty".into(),
            DecodeError::Binary => "the file is binary, not a text document".into(),
            DecodeError::Gbk => "the file is GBK/GB18030-encoded, not UTF-8".into(),
            DecodeError::NotUtf8 { offset } => {
                format!("the file is not valid UTF-8 (first bad byte at offset {offset})")
            }
        }
    }

    pub fn help(&self) -> &'static str {
        match self {
            DecodeError::Empty | DecodeError::Binary => {
                "import reads a plan document saved as plain UTF-8 text (copy the text of the web page or the Word file into a .txt file)"
            }
            DecodeError::Gbk => "convert it first, e.g. `iconv -f GB18030 -t UTF-8 FILE > FILE.utf8.txt`, then import the converted file",
            DecodeError::NotUtf8 { .. } => "save the document as UTF-8 text and import it again",
        }
    }
}

/// Decodes a document: strips a UTF-8 BOM, normalises line ends to `\n`.
pub fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(DecodeError::Empty);
    }
    if looks_binary(bytes) {
        return Err(DecodeError::Binary);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.replace("\r\n", "\n").replace('\r', "\n")),
        Err(e) if looks_gbk(bytes) => {
            let _ = e;
            Err(DecodeError::Gbk)
        }
        Err(e) => Err(DecodeError::NotUtf8 {
            offset: e.valid_up_to(),
        }),
    }
}

/// NUL bytes or many control characters: no plan document has those.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    if sample.contains(&0) {
        return true;
    }
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    control * 20 > sample.len()
}

/// True when the non-ASCII bytes pair up as GBK double-byte characters almost everywhere.
fn looks_gbk(bytes: &[u8]) -> bool {
    let (mut pairs, mut bad) = (0usize, 0usize);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            continue;
        }
        match bytes.get(i + 1) {
            Some(&t) if (0x81..=0xFE).contains(&b) && (0x40..=0xFE).contains(&t) && t != 0x7F => {
                pairs += 1;
                i += 2;
            }
            _ => {
                bad += 1;
                i += 1;
            }
        }
    }
    pairs > 0 && bad * 20 <= pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_blank_files_are_empty() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        assert_eq!(decode(b" \n\n "), Err(DecodeError::Empty));
    }

    #[test]
    fn bom_and_crlf_are_normalised() {
        assert_eq!(
            decode("\u{feff}一、总体要求\r\n".as_bytes()).unwrap(),
            "一、总体要求\n"
        );
    }

    #[test]
    fn binary_is_refused() {
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Err(DecodeError::Binary)
        );
    }

    #[test]
    fn gbk_is_recognised() {
        // "一、总体要求" in GBK.
        let gbk = [
            0xD2, 0xBB, 0xA1, 0xA2, 0xD7, 0xDC, 0xCC, 0xE5, 0xD2, 0xAA, 0xC7, 0xF3, b'\n',
        ];
        assert_eq!(decode(&gbk), Err(DecodeError::Gbk));
    }
}
