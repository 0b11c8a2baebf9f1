//! Bytes of a plan document → UTF-8 text, or a reason the bytes are not a text we can read.
//!
//! Published plans come as UTF-8 (sometimes with a BOM) but files saved from older portals and
//! Windows editors are often GBK/GB18030, and Notepad's "Unicode" is UTF-16. Those are decoded
//! (with `encoding_rs`) only when the bytes are valid in that encoding throughout, and the
//! encoding is named in the import summary so the person importing knows what was assumed.

/// Why a document could not be read as text.
#[derive(Debug, PartialEq, Eq)]
pub enum DecodeError {
    Empty,
    Binary,
    NotUtf8 { offset: usize },
}

impl DecodeError {
    pub fn message(&self) -> String {
        match self {
            DecodeError::Empty => "the file is empty".into(),
            DecodeError::Binary => "the file is binary, not a text document".into(),
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
            DecodeError::NotUtf8 { .. } => "it is neither UTF-8 nor GBK/GB18030: save the document as UTF-8 text (or as .docx) and import it again",
        }
    }
}

/// A document's text and the encoding it was read in.
#[derive(Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// `UTF-8`, `UTF-16LE`, `UTF-16BE` or `GB18030` (which includes GBK and GB2312).
    pub encoding: &'static str,
}

/// Decodes a document: strips a BOM, normalises line ends to `\n`.
pub fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
    decode_named(bytes).map(|d| d.text)
}

/// [`decode`], naming the encoding found.
pub fn decode_named(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let lines = |s: &str| s.replace("\r\n", "\n").replace('\r', "\n");
    for (bom, enc) in [
        (&b"\xFF\xFE"[..], encoding_rs::UTF_16LE),
        (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE),
    ] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            return match enc.decode_without_bom_handling_and_without_replacement(rest) {
                Some(t) if t.trim().is_empty() => Err(DecodeError::Empty),
                Some(t) => Ok(Decoded {
                    text: lines(&t),
                    encoding: enc.name(),
                }),
                None => Err(DecodeError::NotUtf8 { offset: 0 }),
            };
        }
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(DecodeError::Empty);
    }
    if looks_binary(bytes) {
        return Err(DecodeError::Binary);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text: lines(text),
            encoding: "UTF-8",
        }),
        Err(e) => {
            if looks_gbk(bytes) {
                if let Some(t) =
                    encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes)
                {
                    return Ok(Decoded {
                        text: lines(&t),
                        encoding: "GB18030",
                    });
                }
            }
            Err(DecodeError::NotUtf8 {
                offset: e.valid_up_to(),
            })
        }
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
    fn gbk_is_decoded_and_named() {
        // "一、总体要求" in GBK.
        let gbk = [
            0xD2, 0xBB, 0xA1, 0xA2, 0xD7, 0xDC, 0xCC, 0xE5, 0xD2, 0xAA, 0xC7, 0xF3, b'\r', b'\n',
        ];
        assert_eq!(
            decode_named(&gbk),
            Ok(Decoded {
                text: "一、总体要求\n".into(),
                encoding: "GB18030"
            })
        );
    }

    #[test]
    fn utf16_with_a_bom_is_decoded() {
        let mut b = vec![0xFF, 0xFE];
        b.extend("二、任务\r\n".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode_named(&b).unwrap().text, "二、任务\n");
        assert_eq!(decode_named(&b).unwrap().encoding, "UTF-16LE");
    }

    #[test]
    fn bytes_in_no_encoding_are_refused_with_the_offset() {
        assert_eq!(
            decode(
                "一、任务\n"
                    .as_bytes()
                    .iter()
                    .chain(b"\xFF\x20x")
                    .copied()
                    .collect::<Vec<_>>()
                    .as_slice()
            ),
            Err(DecodeError::NotUtf8 { offset: 13 })
        );
    }
}
