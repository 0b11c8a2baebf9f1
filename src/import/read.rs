//! A plan document's bytes → its text, whatever it was saved as.
//!
//! In: the bytes of a file, any extension. The kind is decided by the content (magic bytes, then
//! sniffing): a Word `.docx` ([`super::docx`]), a PDF with a text layer ([`super::pdf`]), a page
//! saved from a government site ([`super::html`]), or plain text in UTF-8, UTF-16 or GBK/GB18030
//! ([`super::decode`]).
//! Out: one text, a line per paragraph, in the form the text stages read, and where each line
//! came from (paragraph, table row, page) so the review summary can point into the original.
//! It never writes anything, and never trusts the file: every reader has bounds on sizes, counts
//! and nesting, and returns an error rather than panicking or running long.

use super::decode::{decode_named, DecodeError};

/// What a document was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Docx,
    Html,
    Pdf,
}

impl Format {
    pub fn describe(self) -> &'static str {
        match self {
            Format::Text => "plain text",
            Format::Docx => "Word document (.docx)",
            Format::Html => "web page (HTML)",
            Format::Pdf => "PDF",
        }
    }
}

/// A document read into text.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub format: Format,
    /// One paragraph a line, `\n`-separated.
    pub text: String,
    /// The character encoding of a text or HTML file (`UTF-8`, `GB18030` …).
    pub encoding: Option<&'static str>,
    /// Where line `n` (1-based) of `text` came from: `places[n - 1]`, e.g. `paragraph 12`,
    /// `table 1, row 3`, `page 2, line 7`. Empty for plain text, whose lines are the file's.
    pub places: Vec<String>,
    /// Facts the reader took from outside the text (e.g. an HTML page's metadata table), said
    /// in the review summary.
    pub notes: Vec<String>,
}

impl Document {
    /// `FILE:LINE` for text, `FILE: paragraph 12` (or page, row) for other formats.
    pub fn place(&self, line: usize) -> String {
        match self.places.get(line.wrapping_sub(1)) {
            Some(p) if self.format != Format::Text => p.clone(),
            _ => format!("line {line}"),
        }
    }
}

/// Why a document could not be read: what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub message: String,
    pub help: String,
}

impl ReadError {
    pub fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            help: help.into(),
        }
    }
}

/// Largest document read at all (a plan as PDF with images is a few MiB).
pub const MAX_FILE: u64 = 128 << 20;

/// Reads a document, deciding its kind from the bytes.
pub fn read(bytes: &[u8]) -> Result<Document, ReadError> {
    match sniff(bytes) {
        Kind::Pdf => super::pdf::read(bytes),
        Kind::Zip => super::docx::read(bytes),
        Kind::Html => super::html::read(bytes),
        Kind::Text => read_text(bytes),
        Kind::Other(what, help) => Err(ReadError::new(format!("the file is {what}"), help)),
    }
}

/// Reads a document as the given format, whatever its bytes say (for the fuzz targets).
pub fn read_as(format: Format, bytes: &[u8]) -> Result<Document, ReadError> {
    match format {
        Format::Text => read_text(bytes),
        Format::Docx => super::docx::read(bytes),
        Format::Html => super::html::read(bytes),
        Format::Pdf => super::pdf::read(bytes),
    }
}

fn read_text(bytes: &[u8]) -> Result<Document, ReadError> {
    let d = decode_named(bytes).map_err(|e: DecodeError| ReadError::new(e.message(), e.help()))?;
    Ok(Document {
        format: Format::Text,
        text: d.text,
        encoding: Some(d.encoding),
        places: Vec::new(),
        notes: Vec::new(),
    })
}

#[derive(Debug, PartialEq, Eq)]
enum Kind {
    Pdf,
    Zip,
    Html,
    Text,
    Other(&'static str, &'static str),
}

const SAVE_AS: &str = "open it in Word or WPS and save it as .docx (or copy its text into a UTF-8 .txt file), then import that";

fn sniff(bytes: &[u8]) -> Kind {
    let head = &bytes[..bytes.len().min(1024)];
    if memchr::memmem::find(head, b"%PDF-").is_some() {
        return Kind::Pdf;
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Kind::Zip;
    }
    if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Kind::Other(
            "a password-protected Office file or an old Word 97–2003 .doc",
            "remove the password (Word: File → Info → Protect Document) or open the .doc, and save it as .docx; then import that",
        );
    }
    if bytes.starts_with(b"{\\rtf") {
        return Kind::Other("an RTF document", SAVE_AS);
    }
    for (magic, what) in [
        (&b"\x89PNG"[..], "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"II*\0", "a TIFF image"),
        (b"MM\0*", "a TIFF image"),
        (b"Rar!", "a RAR archive"),
        (b"7z\xBC\xAF", "a 7-Zip archive"),
        (b"\x1F\x8B", "a gzip archive"),
        (b"\x7FELF", "a program"),
        (b"MZ", "a Windows program"),
        (b"%!PS", "a PostScript file"),
    ] {
        if bytes.starts_with(magic) {
            return Kind::Other(
                what,
                "import reads a plan document: .docx, .pdf with text, a saved web page (.html) or text (.txt); an image or scan needs OCR first",
            );
        }
    }
    if looks_html(head) {
        return Kind::Html;
    }
    Kind::Text
}

/// An HTML document starts (after a BOM, blanks and comments) with a doctype or an `<html>`,
/// `<head>`, `<meta>` or `<body>` tag.
fn looks_html(head: &[u8]) -> bool {
    let lower: Vec<u8> = head
        .iter()
        .filter(|&&b| b != 0)
        .map(u8::to_ascii_lowercase)
        .collect();
    let mut s: &[u8] = &lower;
    s = s.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(s);
    loop {
        let t = s.trim_ascii_start();
        if let Some(rest) = t.strip_prefix(b"<!--") {
            match memchr::memmem::find(rest, b"-->") {
                Some(end) => s = &rest[end + 3..],
                None => return false,
            }
        } else if let Some(rest) = t.strip_prefix(b"<?xml") {
            match memchr::memchr(b'>', rest) {
                Some(end) => s = &rest[end + 1..],
                None => return false,
            }
        } else {
            s = t;
            break;
        }
    }
    [
        &b"<!doctype html"[..],
        b"<html",
        b"<head",
        b"<meta",
        b"<body",
        b"<title",
    ]
    .iter()
    .any(|p| s.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_decided_by_content_not_name() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Kind::Pdf);
        assert_eq!(sniff(b"PK\x03\x04rest"), Kind::Zip);
        assert_eq!(
            sniff(b"\xEF\xBB\xBF<!-- saved -->\n<!DOCTYPE html><html>"),
            Kind::Html
        );
        assert_eq!(sniff("<meta charset=gbk>通知".as_bytes()), Kind::Html);
        assert_eq!(
            sniff("一、总体要求\n<p>不是网页</p>".as_bytes()),
            Kind::Text
        );
        assert!(matches!(sniff(b"\x89PNG\r\n"), Kind::Other(..)));
        assert!(matches!(
            sniff(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1...."),
            Kind::Other(w, _) if w.contains("password")
        ));
    }

    #[test]
    fn places_of_text_are_lines_and_of_other_formats_what_the_reader_said() {
        let mut d = Document {
            format: Format::Text,
            text: "a\nb".into(),
            encoding: None,
            places: Vec::new(),
            notes: Vec::new(),
        };
        assert_eq!(d.place(2), "line 2");
        d.format = Format::Docx;
        d.places = vec!["paragraph 1".into(), "table 1, row 2".into()];
        assert_eq!(d.place(2), "table 1, row 2");
    }
}
