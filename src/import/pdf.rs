//! A PDF with a text layer → its text in reading order, a line per paragraph.
//!
//! In: the bytes of a PDF, read with `lopdf` (bounded decompression, reference-depth and
//! nesting limits). Text is decoded through each font's `/ToUnicode` map (how Word, WPS and
//! typesetting tools write Chinese), a standard one-byte encoding, or the GB code pages.
//! Out: each page's text runs (also those in form XObjects) placed by the text and graphics
//! matrices, grouped into visual
//! lines top to bottom, left to right; lines joined back into paragraphs where a line runs to
//! the right margin and the next is not indented (Chinese paragraphs open with a two-character
//! indent), also across a page break; page numbers (`— 3 —`, `第3页`) dropped.
//! Never: decompress more than [`MAX_CONTENT`] bytes in all, run more than [`MAX_OPS`] content
//! operators, read more than [`MAX_PAGES`] pages, or follow forms drawn in forms deeper than
//! [`MAX_FORM_DEPTH`]. Text in annotations and on rotated pages is not read; glyph widths are
//! estimated (a non-ASCII glyph one em, ASCII half), not taken from the font.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::LazyLock;

use lopdf::content::Content;
use lopdf::Encoding;
use lopdf::{Dictionary, LoadOptions, Object};
use regex::Regex;

use super::read::{Document, Format, ReadError};

pub const MAX_PAGES: usize = 2_000;
/// Decompressed bytes in all: objects on load, then page contents and fonts' maps.
pub const MAX_CONTENT: usize = 64 << 20;
/// Decompressed bytes of one page's content (a page of text is tens of KiB).
pub const MAX_PAGE: usize = 8 << 20;
pub const MAX_OPS: usize = 4_000_000;

const HELP: &str =
    "open the PDF and save it again (or export the original Word file as .docx), then import that";
const OCR: &str = "the PDF has no text layer (a scan?): run OCR first, e.g. `ocrmypdf -l chi_sim in.pdf out.pdf`, or import the original Word file";

static PAGE_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[-—–－~·\s]*(第\s*)?\d{1,4}\s*页?(\s*[/／]\s*\d{1,4})?(\s*共\s*\d{1,4}\s*页)?[-—–－~·\s]*$")
        .unwrap()
});

pub fn read(bytes: &[u8]) -> Result<Document, ReadError> {
    match catch_unwind(AssertUnwindSafe(|| read_inner(bytes))) {
        Ok(r) => r,
        Err(_) => Err(ReadError::new(
            "the PDF is damaged: the PDF reader failed on it",
            HELP,
        )),
    }
}

/// A piece of text shown at one place.
#[derive(Debug, Clone)]
struct Run {
    x: f32,
    y: f32,
    end: f32,
    size: f32,
    text: String,
}

/// A visual line of a page.
#[derive(Debug, Clone)]
struct Line {
    x: f32,
    end: f32,
    y: f32,
    size: f32,
    text: String,
}

fn read_inner(bytes: &[u8]) -> Result<Document, ReadError> {
    let options = LoadOptions::with_max_decompressed_size(MAX_CONTENT);
    let doc = lopdf::Document::load_mem_with_options(bytes, options).map_err(|e| {
        let msg = e.to_string();
        let low = msg.to_lowercase();
        if low.contains("password") || low.contains("decrypt") || low.contains("encrypt") {
            ReadError::new(
                "the PDF is password-protected",
                "open it with its password and save an unprotected copy (or import the original Word file)",
            )
        } else if low.contains("limit") {
            ReadError::new(
                format!("the PDF expands to more than {} MiB: not a plan document ({msg})", MAX_CONTENT >> 20),
                HELP,
            )
        } else {
            ReadError::new(format!("the PDF cannot be read: {msg}"), HELP)
        }
    })?;
    // lopdf removes /Encrypt once it decrypted the file (with the empty user password).
    if doc.trailer.get(b"Encrypt").is_ok() {
        return Err(ReadError::new(
            "the PDF is password-protected",
            "open it with its password and save an unprotected copy (or import the original Word file)",
        ));
    }
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(ReadError::new(
            "the PDF has no pages (damaged page tree)",
            HELP,
        ));
    }
    if pages.len() > MAX_PAGES {
        return Err(ReadError::new(
            format!(
                "the PDF has {} pages, more than the {MAX_PAGES} a plan could have",
                pages.len()
            ),
            HELP,
        ));
    }
    let mut ex = Extractor {
        doc: &doc,
        budget: MAX_CONTENT,
        ops: 0,
        readable: 0,
        unreadable: 0,
        runs: Vec::new(),
        page: 0,
    };
    let mut page_lines: Vec<(u32, Vec<Line>)> = Vec::new();
    for (&no, &id) in &pages {
        ex.page = no;
        let content = doc
            .get_page_content_with_limit(id, ex.budget.min(MAX_PAGE))
            .map_err(|e| too_big(no, e))?;
        ex.budget = ex.budget.saturating_sub(content.len());
        let fonts = doc.get_page_fonts(id).unwrap_or_default();
        let xobjects = page_xobjects(&doc, id);
        ex.run(&content, &fonts, xobjects, IDENTITY, 0)?;
        page_lines.push((no, lines_of(std::mem::take(&mut ex.runs))));
    }
    let (readable, unreadable) = (ex.readable, ex.unreadable);
    if readable == 0 {
        return Err(ReadError::new("the PDF has no text", OCR));
    }
    if unreadable * 3 > readable + unreadable {
        return Err(ReadError::new(
            "the PDF's fonts carry no Unicode map, so its text cannot be read reliably",
            "import the original Word file, or run OCR on the PDF (e.g. `ocrmypdf --force-ocr -l chi_sim in.pdf out.pdf`)",
        ));
    }
    let (text, places) = paragraphs(&page_lines);
    if text.trim().is_empty() {
        return Err(ReadError::new("the PDF has no text", OCR));
    }
    Ok(Document {
        format: Format::Pdf,
        text,
        encoding: None,
        places,
        notes: Vec::new(),
    })
}

/// Form XObjects drawn inside forms: deeper than this is not a document's text.
const MAX_FORM_DEPTH: usize = 4;

type Fonts<'a> = std::collections::BTreeMap<Vec<u8>, &'a Dictionary>;

/// The text runs of pages and the forms they draw, with the limits shared by all.
struct Extractor<'a> {
    doc: &'a lopdf::Document,
    budget: usize,
    ops: usize,
    readable: usize,
    unreadable: usize,
    runs: Vec<Run>,
    page: u32,
}

impl<'a> Extractor<'a> {
    /// Runs one content stream (a page's, or a form's with its matrix applied).
    fn run(
        &mut self,
        content: &[u8],
        fonts: &Fonts<'a>,
        xobjects: Option<&'a Dictionary>,
        ctm: Matrix,
        depth: usize,
    ) -> Result<(), ReadError> {
        let mut decoders: HashMap<Vec<u8>, Decoder> = HashMap::new();
        let mut state = State {
            ctm,
            ..State::default()
        };
        for op in Content::decode_iter(content) {
            let Ok(op) = op else { break };
            self.ops += 1;
            if self.ops > MAX_OPS {
                return Err(ReadError::new(
                    format!(
                        "the PDF has more than {MAX_OPS} drawing operations: not a plan document"
                    ),
                    HELP,
                ));
            }
            if op.operator == "Do" && depth < MAX_FORM_DEPTH {
                let name = op.operands.first().and_then(|o| o.as_name().ok());
                if let (Some(name), Some(xo)) = (name, xobjects) {
                    self.form(xo, name, fonts, xobjects, state.ctm, depth)?;
                }
                continue;
            }
            let Some(strings) = state.apply(&op.operator, &op.operands) else {
                continue;
            };
            let font = state.font.clone();
            if !decoders.contains_key(&font) {
                let d = match fonts.get(&font) {
                    Some(f) => {
                        Decoder::new(f, self.doc, self.budget).map_err(|e| too_big(self.page, e))?
                    }
                    None => Decoder::Unknown,
                };
                decoders.insert(font.clone(), d);
            }
            let decoder = &decoders[&font];
            let (x, y, size) = state.origin();
            let mut text = String::new();
            let mut advance = 0.0f32;
            for s in strings {
                match s {
                    Shown::Text(b) => {
                        let (t, bad) = decoder.decode(b);
                        self.unreadable += bad;
                        self.readable += t.chars().filter(|c| !c.is_whitespace()).count();
                        advance += t.chars().map(width).sum::<f32>() * state.size;
                        text.push_str(&t);
                    }
                    Shown::Adjust(n) => {
                        let shift = -n / 1000.0 * state.size;
                        if shift > 0.3 * state.size {
                            text.push(' ');
                        }
                        advance += shift;
                    }
                }
            }
            state.advance(advance);
            let scale = state.horizontal_scale();
            if !text.trim().is_empty() {
                self.runs.push(Run {
                    x,
                    y,
                    end: x + advance * scale,
                    size,
                    text,
                });
            }
        }
        Ok(())
    }

    /// A form XObject drawn with `Do`: its content, with its own resources or the caller's.
    fn form(
        &mut self,
        xobjects: &'a Dictionary,
        name: &[u8],
        fonts: &Fonts<'a>,
        outer: Option<&'a Dictionary>,
        ctm: Matrix,
        depth: usize,
    ) -> Result<(), ReadError> {
        let doc = self.doc;
        let Ok(stream) = xobjects.get_deref(name, doc).and_then(Object::as_stream) else {
            return Ok(());
        };
        if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() != Some(&b"Form"[..]) {
            return Ok(());
        }
        let content = if stream.dict.get(b"Filter").is_ok() {
            stream
                .decompressed_content_with_limit(self.budget.min(MAX_PAGE))
                .map_err(|e| too_big(self.page, e))?
        } else {
            stream.content.clone()
        };
        self.budget = self.budget.saturating_sub(content.len());
        let matrix = match stream.dict.get(b"Matrix").and_then(Object::as_array) {
            Ok(m) if m.len() == 6 => {
                let v: Vec<f32> = m.iter().map(|o| number(Some(o))).collect();
                finite([v[0], v[1], v[2], v[3], v[4], v[5]])
            }
            _ => IDENTITY,
        };
        let resources = stream
            .dict
            .get_deref(b"Resources", doc)
            .and_then(Object::as_dict)
            .ok();
        let own_fonts;
        let fonts = match resources
            .and_then(|r| r.get_deref(b"Font", doc).and_then(Object::as_dict).ok())
        {
            Some(f) => {
                own_fonts = f
                    .iter()
                    .filter_map(|(k, v)| {
                        doc.dereference(v)
                            .ok()
                            .and_then(|(_, o)| o.as_dict().ok())
                            .map(|d| (k.clone(), d))
                    })
                    .collect::<Fonts>();
                &own_fonts
            }
            None => fonts,
        };
        let xobjects = resources
            .and_then(|r| r.get_deref(b"XObject", doc).and_then(Object::as_dict).ok())
            .or(outer);
        self.run(
            &content,
            fonts,
            xobjects,
            finite(mul(&matrix, &ctm)),
            depth + 1,
        )
    }
}

/// The XObject dictionary of a page's resources (its own or inherited).
fn page_xobjects(doc: &lopdf::Document, page: lopdf::ObjectId) -> Option<&Dictionary> {
    let (own, inherited) = doc.get_page_resources(page).ok()?;
    own.into_iter()
        .chain(
            inherited
                .iter()
                .filter_map(|id| doc.get_dictionary(*id).ok()),
        )
        .find_map(|r| r.get_deref(b"XObject", doc).and_then(Object::as_dict).ok())
}

fn too_big(page: u32, e: lopdf::Error) -> ReadError {
    ReadError::new(format!("page {page} of the PDF cannot be read: {e}"), HELP)
}

/// A glyph's estimated advance in ems: Chinese fonts draw every non-ASCII character (CJK,
/// full-width punctuation, ×, ℃, ①) one em wide and ASCII half an em.
fn width(c: char) -> f32 {
    if c.is_ascii() {
        0.5
    } else {
        1.0
    }
}

enum Decoder<'a> {
    Lopdf(Encoding<'a>),
    Gbk,
    /// A composite font without a Unicode map: every two bytes are one unknown glyph.
    Unknown,
}

impl<'a> Decoder<'a> {
    fn new(
        font: &'a Dictionary,
        doc: &'a lopdf::Document,
        budget: usize,
    ) -> Result<Self, lopdf::Error> {
        let encoding_name = font
            .get(b"Encoding")
            .and_then(Object::as_name)
            .map(<[u8]>::to_vec)
            .unwrap_or_default();
        if encoding_name.starts_with(b"GB") && !encoding_name.starts_with(b"GBK2K") {
            return Ok(Decoder::Gbk);
        }
        let composite = font
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|s| s == b"Type0");
        let has_map = font.get(b"ToUnicode").is_ok();
        if composite && !has_map && !encoding_name.starts_with(b"Uni") {
            return Ok(Decoder::Unknown);
        }
        // A ToUnicode map says what the glyphs mean even when an /Encoding names a code page.
        if has_map && composite {
            let mut f = font.clone();
            f.remove(b"Encoding");
            let enc = f.get_font_encoding_with_limit(doc, budget)?;
            if let Encoding::UnicodeMapEncoding(m) = enc {
                return Ok(Decoder::Lopdf(Encoding::UnicodeMapEncoding(m)));
            }
            return Ok(Decoder::Unknown);
        }
        Ok(Decoder::Lopdf(
            font.get_font_encoding_with_limit(doc, budget)?,
        ))
    }

    /// The text and how many glyphs could not be read.
    fn decode(&self, bytes: &[u8]) -> (String, usize) {
        match self {
            Decoder::Gbk => {
                let (t, _, _) = encoding_rs::GBK.decode(bytes);
                let bad = t.chars().filter(|&c| c == '\u{FFFD}').count();
                (t.replace('\u{FFFD}', ""), bad)
            }
            Decoder::Unknown => (String::new(), bytes.len().div_ceil(2)),
            Decoder::Lopdf(e) => match e.bytes_to_string(bytes) {
                Ok(t) => {
                    let bad = t
                        .chars()
                        .filter(|&c| c == '\u{FFFD}' || ('\u{E000}'..='\u{F8FF}').contains(&c))
                        .count();
                    let t: String = t
                        .chars()
                        .filter(|&c| {
                            c != '\u{FFFD}'
                                && !('\u{E000}'..='\u{F8FF}').contains(&c)
                                && (!c.is_control() || c == '\t')
                        })
                        .collect();
                    (t, bad)
                }
                Err(_) => (String::new(), bytes.len()),
            },
        }
    }
}

type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// a × b, PDF's row-vector convention.
fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn finite(m: Matrix) -> Matrix {
    if m.iter().all(|v| v.is_finite() && v.abs() < 1e7) {
        m
    } else {
        IDENTITY
    }
}

enum Shown<'a> {
    Text(&'a [u8]),
    Adjust(f32),
}

#[derive(Debug)]
struct State {
    ctm: Matrix,
    stack: Vec<Matrix>,
    tm: Matrix,
    tlm: Matrix,
    font: Vec<u8>,
    size: f32,
    leading: f32,
}

impl Default for State {
    fn default() -> Self {
        Self {
            ctm: IDENTITY,
            stack: Vec::new(),
            tm: IDENTITY,
            tlm: IDENTITY,
            font: Vec::new(),
            size: 12.0,
            leading: 0.0,
        }
    }
}

fn number(o: Option<&Object>) -> f32 {
    match o {
        Some(Object::Integer(i)) => *i as f32,
        Some(Object::Real(r)) if r.is_finite() => *r,
        _ => 0.0,
    }
}

impl State {
    /// Applies one operator; for the text-showing ones, returns what they show.
    fn apply<'o>(&mut self, op: &str, args: &'o [Object]) -> Option<Vec<Shown<'o>>> {
        let n = |i: usize| number(args.get(i));
        match op {
            "q" if self.stack.len() < 64 => self.stack.push(self.ctm),
            "Q" => self.ctm = self.stack.pop().unwrap_or(IDENTITY),
            "cm" => self.ctm = finite(mul(&[n(0), n(1), n(2), n(3), n(4), n(5)], &self.ctm)),
            "BT" => {
                self.tm = IDENTITY;
                self.tlm = IDENTITY;
            }
            "Tf" => {
                self.font = args
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .map(<[u8]>::to_vec)
                    .unwrap_or_default();
                self.size = n(1).abs().clamp(0.0, 10_000.0);
            }
            "TL" => self.leading = n(0),
            "Td" => self.move_line(n(0), n(1)),
            "TD" => {
                self.leading = -n(1);
                self.move_line(n(0), n(1));
            }
            "Tm" => {
                self.tlm = finite([n(0), n(1), n(2), n(3), n(4), n(5)]);
                self.tm = self.tlm;
            }
            "T*" => self.move_line(0.0, -self.leading),
            "Tj" => return Some(strings(args.first())),
            "'" => {
                self.move_line(0.0, -self.leading);
                return Some(strings(args.first()));
            }
            "\"" => {
                self.move_line(0.0, -self.leading);
                return Some(strings(args.get(2)));
            }
            "TJ" => {
                let Some(Object::Array(items)) = args.first() else {
                    return None;
                };
                return Some(
                    items
                        .iter()
                        .filter_map(|o| match o {
                            Object::String(s, _) => Some(Shown::Text(s)),
                            Object::Integer(_) | Object::Real(_) => {
                                Some(Shown::Adjust(number(Some(o))))
                            }
                            _ => None,
                        })
                        .collect(),
                );
            }
            _ => {}
        }
        None
    }

    fn move_line(&mut self, tx: f32, ty: f32) {
        self.tlm = finite(mul(&[1.0, 0.0, 0.0, 1.0, tx, ty], &self.tlm));
        self.tm = self.tlm;
    }

    fn advance(&mut self, w: f32) {
        self.tm = finite(mul(&[1.0, 0.0, 0.0, 1.0, w, 0.0], &self.tm));
    }

    fn origin(&self) -> (f32, f32, f32) {
        let m = mul(&self.tm, &self.ctm);
        let size = self.size * (m[2] * m[2] + m[3] * m[3]).sqrt();
        (m[4], m[5], if size > 0.1 { size } else { 1.0 })
    }

    fn horizontal_scale(&self) -> f32 {
        let m = mul(&self.tm, &self.ctm);
        (m[0] * m[0] + m[1] * m[1]).sqrt()
    }
}

fn strings(o: Option<&Object>) -> Vec<Shown<'_>> {
    match o {
        Some(Object::String(s, _)) => vec![Shown::Text(s)],
        _ => Vec::new(),
    }
}

/// Runs → visual lines, top to bottom, each left to right.
fn lines_of(mut runs: Vec<Run>) -> Vec<Line> {
    runs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));
    let mut lines: Vec<Vec<Run>> = Vec::new();
    for r in runs {
        match lines.last_mut() {
            Some(l) if (l[0].y - r.y).abs() < 0.45 * l[0].size.max(r.size) => l.push(r),
            _ => lines.push(vec![r]),
        }
    }
    lines
        .into_iter()
        .filter_map(|mut l| {
            l.sort_by(|a, b| a.x.total_cmp(&b.x));
            let mut text = String::new();
            let mut prev_end: Option<f32> = None;
            let size = l.iter().map(|r| r.size).fold(0.0, f32::max);
            for r in &l {
                if let Some(e) = prev_end {
                    let gap = r.x - e;
                    let ascii_join = text
                        .chars()
                        .last()
                        .is_some_and(|c| c.is_ascii_alphanumeric())
                        && r.text
                            .chars()
                            .next()
                            .is_some_and(|c| c.is_ascii_alphanumeric());
                    if gap > 2.5 * size {
                        text.push('\t');
                    } else if ascii_join && gap > 0.15 * size {
                        text.push(' ');
                    }
                }
                text.push_str(&r.text);
                prev_end = Some(r.end.max(prev_end.unwrap_or(f32::MIN)));
            }
            let text = text.trim().to_string();
            if text.is_empty() || PAGE_NUMBER.is_match(&text) {
                return None;
            }
            Some(Line {
                x: l[0].x,
                end: prev_end.unwrap_or(l[0].x),
                y: l[0].y,
                size,
                text,
            })
        })
        .collect()
}

/// Visual lines of all pages → paragraphs, a text line each, with their page and line.
fn paragraphs(pages: &[(u32, Vec<Line>)]) -> (String, Vec<String>) {
    let mut paras: Vec<(String, String)> = Vec::new();
    // Whether the last paragraph may continue (its last line ran to the right margin).
    let mut open = false;
    for (no, lines) in pages {
        if lines.is_empty() {
            continue;
        }
        let left = lines.iter().map(|l| l.x).fold(f32::MAX, f32::min);
        let right = lines.iter().map(|l| l.end).fold(f32::MIN, f32::max);
        let mut prev: Option<&Line> = None;
        for (i, l) in lines.iter().enumerate() {
            let indented = l.x > left + 0.9 * l.size;
            let gap_ok = prev.is_none_or(|p| p.y - l.y < 2.4 * l.size.max(p.size));
            if open && !indented && gap_ok {
                let last = paras.last_mut().expect("open implies a paragraph");
                let ascii = last
                    .0
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                    && l.text
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic());
                // English words wrap at a space; a Latin token set in Chinese text (等RCEP国家)
                // has no space around it, so a wrap inside it joins without one.
                let in_chinese = last
                    .0
                    .chars()
                    .rev()
                    .find(|c| !c.is_ascii_alphanumeric())
                    .is_some_and(|c| !c.is_ascii());
                if ascii && !in_chinese {
                    last.0.push(' ');
                }
                last.0.push_str(&l.text);
            } else {
                paras.push((l.text.clone(), format!("page {no}, line {}", i + 1)));
            }
            open = l.end >= right - 1.5 * l.size;
            prev = Some(l);
        }
    }
    let mut text = String::new();
    let mut places = Vec::new();
    for (t, p) in paras {
        text.push_str(&t);
        text.push('\n');
        places.push(p);
    }
    (text, places)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(x: f32, end: f32, y: f32, text: &str) -> Line {
        Line {
            x,
            end,
            y,
            size: 10.0,
            text: text.into(),
        }
    }

    #[test]
    fn wrapped_lines_join_and_indented_or_short_lines_start_paragraphs() {
        let pages = vec![
            (
                1,
                vec![
                    line(120.0, 300.0, 700.0, "一、总体要求"),
                    line(120.0, 500.0, 680.0, "到2025年，全市新增绿道"),
                    line(100.0, 500.0, 660.0, "50公里，完成老旧小区"),
                    line(100.0, 300.0, 640.0, "改造300个。"),
                    line(120.0, 500.0, 620.0, "二、主要任务跨页"),
                ],
            ),
            (2, vec![line(100.0, 200.0, 700.0, "的段落。")]),
        ];
        let (text, places) = paragraphs(&pages);
        assert_eq!(
            text,
            "一、总体要求\n到2025年，全市新增绿道50公里，完成老旧小区改造300个。\n二、主要任务跨页的段落。\n"
        );
        assert_eq!(
            places,
            ["page 1, line 1", "page 1, line 2", "page 1, line 5"]
        );
    }

    #[test]
    fn a_latin_word_wraps_with_a_space_a_token_in_chinese_without() {
        let pages = vec![(
            1,
            vec![
                line(120.0, 500.0, 700.0, "支持企业在日本、东盟等RCE"),
                line(100.0, 300.0, 680.0, "P国家注册商标。"),
                line(120.0, 500.0, 660.0, "主题为 Digital"),
                line(100.0, 300.0, 640.0, "China。"),
            ],
        )];
        let (text, _) = paragraphs(&pages);
        assert_eq!(
            text,
            "支持企业在日本、东盟等RCEP国家注册商标。\n主题为 Digital China。\n"
        );
    }

    #[test]
    fn page_numbers_are_dropped() {
        for s in ["— 3 —", "- 12 -", "第 2 页 共 9 页", "3/9"] {
            assert!(PAGE_NUMBER.is_match(s), "{s}");
        }
        assert!(!PAGE_NUMBER.is_match("2025年"));
    }

    #[test]
    fn not_a_pdf_and_a_truncated_pdf_are_errors() {
        assert!(read(b"%PDF-1.4\n%garbage").is_err());
        assert!(read(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n").is_err());
    }
}
