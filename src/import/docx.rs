//! A Word `.docx` → text: paragraphs in order, automatic numbering as printed, tables row by row.
//!
//! In: the bytes of a zip archive (`zip`), its `word/document.xml`, `word/numbering.xml` and
//! `word/styles.xml` read as a stream of XML events (`quick-xml`, which never expands a DTD's
//! entities; a DTD is refused outright).
//! Out: a line per paragraph, with the number Word prints in front of it (`（一）`, `1.` — from
//! the list's `lvlText` and `numFmt`, counting per list and restarting deeper levels); a table row
//! as its cells joined by tabs, and a task-division table (任务分工表: task, lead, responsible,
//! deadline columns) as numbered tasks with their responsibility line, the form the text stages
//! read. Headers, footers, footnotes and comments are not read: they are page furniture.
//! Never: read more than [`MAX_ENTRIES`] entries or [`MAX_PART`] bytes of any part whatever the
//! archive claims, or nest deeper than [`MAX_DEPTH`] elements.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::read::{Document, Format, ReadError};

/// More entries than any Word document has (a long plan with images has a few dozen).
pub const MAX_ENTRIES: usize = 5_000;
/// Uncompressed bytes read of one part (a 300-page plan's document.xml is a few MiB).
pub const MAX_PART: u64 = 64 << 20;
/// XML nesting: a table in a table in a text box is about 20 deep.
pub const MAX_DEPTH: usize = 400;

const HELP: &str = "open the file in Word or WPS and save it again as .docx (Word Document), or copy its text into a UTF-8 .txt file, then import that";

pub fn read(bytes: &[u8]) -> Result<Document, ReadError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        ReadError::new(
            format!("the file is not a readable .docx (damaged zip archive: {e})"),
            HELP,
        )
    })?;
    if zip.len() > MAX_ENTRIES {
        return Err(ReadError::new(
            format!(
                "the archive holds {} entries, more than the {MAX_ENTRIES} a Word document could have",
                zip.len()
            ),
            HELP,
        ));
    }
    // The main part is named in the package's relationships; word/document.xml by convention.
    let main = part(&mut zip, "_rels/.rels")?
        .and_then(|rels| main_part(&rels))
        .filter(|p| zip.index_for_name(p).is_some())
        .unwrap_or_else(|| "word/document.xml".to_string());
    let Some(document) = part(&mut zip, &main)? else {
        let what = if zip.index_for_name("xl/workbook.xml").is_some() {
            "an Excel workbook, not a Word document (progress forms go to `gongkai import-progress`)"
        } else if zip.index_for_name("ppt/presentation.xml").is_some() {
            "a PowerPoint presentation, not a Word document"
        } else if zip.index_for_name("content.xml").is_some() {
            "an OpenDocument file, not a Word .docx"
        } else {
            "a zip archive without word/document.xml, not a Word document"
        };
        return Err(ReadError::new(format!("the file is {what}"), HELP));
    };
    let numbering = match part(&mut zip, "word/numbering.xml")? {
        Some(x) => Numbering::parse(&x)?,
        None => Numbering::default(),
    };
    let styles = match part(&mut zip, "word/styles.xml")? {
        Some(x) => parse_styles(&x)?,
        None => HashMap::new(),
    };
    let mut w = Walker::new(numbering, styles);
    w.walk(&document)?;
    let (text, places) = w.finish();
    if text.trim().is_empty() {
        return Err(ReadError::new(
            "the Word document has no text",
            "if the pages are scanned images, run OCR first and import the text",
        ));
    }
    Ok(Document {
        format: Format::Docx,
        text,
        encoding: None,
        places,
        notes: Vec::new(),
    })
}

/// The target of the package's officeDocument relationship, e.g. `word/document.xml`.
fn main_part(rels: &str) -> Option<String> {
    let mut ev = Events::new(rels, "_rels/.rels");
    loop {
        match ev.next().ok()? {
            Event::Start(s) | Event::Empty(s)
                if s.local_name().as_ref() == "Relationship"
                    && attr(&s, "Type").is_some_and(|t| t.ends_with("/officeDocument")) =>
            {
                return attr(&s, "Target").map(|t| t.trim_start_matches('/').to_string());
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// One part of the archive as UTF-8, read to at most [`MAX_PART`] bytes.
fn part(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str) -> Result<Option<String>, ReadError> {
    let Some(index) = zip.index_for_name(name) else {
        return Ok(None);
    };
    let entry = zip.by_index(index).map_err(|e| {
        let msg = e.to_string();
        if msg.to_lowercase().contains("password") || msg.to_lowercase().contains("encrypt") {
            ReadError::new(
                format!("{name} is encrypted"),
                "remove the password in Word (File → Info → Protect Document) and save again, then import",
            )
        } else {
            ReadError::new(format!("{name} cannot be read: {msg}"), HELP)
        }
    })?;
    let mut buf = Vec::new();
    entry
        .take(MAX_PART + 1)
        .read_to_end(&mut buf)
        .map_err(|e| {
            if e.to_string().contains("larger than") {
                bomb(name)
            } else {
                ReadError::new(format!("{name} is damaged: {e}"), HELP)
            }
        })?;
    if buf.len() as u64 > MAX_PART {
        return Err(bomb(name));
    }
    let buf = buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&buf).to_vec();
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| ReadError::new(format!("{name} is not UTF-8 XML"), HELP))
}

fn bomb(name: &str) -> ReadError {
    ReadError::new(
        format!(
            "{name} expands beyond its declared size or past {} MiB: not a plan document (a zip bomb?)",
            MAX_PART >> 20
        ),
        "import the document's text instead (copy it into a UTF-8 .txt file)",
    )
}

/// The XML events of a part, with the hostile-input checks every part gets.
struct Events<'a> {
    reader: Reader<&'a [u8]>,
    depth: usize,
    part: &'static str,
}

impl<'a> Events<'a> {
    fn new(xml: &'a str, part: &'static str) -> Self {
        let mut reader = Reader::from_str(xml);
        reader.config_mut().check_end_names = false;
        Self {
            reader,
            depth: 0,
            part,
        }
    }

    fn next(&mut self) -> Result<Event<'a>, ReadError> {
        let e = self.reader.read_event().map_err(|e| {
            ReadError::new(
                format!(
                    "{} is not well-formed XML at byte {}: {e}",
                    self.part,
                    self.reader.buffer_position()
                ),
                HELP,
            )
        })?;
        match &e {
            Event::Start(_) => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(ReadError::new(
                        format!(
                            "{} nests elements more than {MAX_DEPTH} deep (tables in tables?): no Word document does",
                            self.part
                        ),
                        HELP,
                    ));
                }
            }
            Event::End(_) => self.depth = self.depth.saturating_sub(1),
            Event::DocType(_) => {
                return Err(ReadError::new(
                    format!(
                        "{} declares a DTD, which Word never writes (entity expansion attack?)",
                        self.part
                    ),
                    HELP,
                ))
            }
            _ => {}
        }
        Ok(e)
    }
}

fn attr(e: &BytesStart, local: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == local).then(|| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string())
        })
    })
}

fn val(e: &BytesStart) -> Option<String> {
    attr(e, "val")
}

fn num(e: &BytesStart) -> Option<u32> {
    val(e).and_then(|v| v.trim().parse().ok())
}

// ---------------------------------------------------------------------------------------------
// Numbering

#[derive(Debug, Clone, Default)]
struct Level {
    start: u32,
    fmt: String,
    text: String,
    suffix: String,
    legal: bool,
}

#[derive(Debug, Default)]
struct Numbering {
    /// abstractNumId → levels 0..9.
    abstracts: HashMap<String, Vec<Level>>,
    /// numId → (abstractNumId, start overrides per level).
    nums: HashMap<String, (String, HashMap<usize, u32>)>,
}

const LEVELS: usize = 9;

impl Numbering {
    fn parse(xml: &str) -> Result<Self, ReadError> {
        let mut n = Numbering::default();
        let mut ev = Events::new(xml, "word/numbering.xml");
        let mut abs: Option<(String, Vec<Level>)> = None;
        let mut lvl: Option<usize> = None;
        let mut num_id: Option<String> = None;
        let mut over_lvl: Option<usize> = None;
        loop {
            let e = ev.next()?;
            let (start, empty) = match &e {
                Event::Start(s) => (Some(s), false),
                Event::Empty(s) => (Some(s), true),
                _ => (None, false),
            };
            if let Some(s) = start {
                match s.local_name().as_ref() {
                    "abstractNum" if !empty => {
                        abs = Some((
                            attr(s, "abstractNumId").unwrap_or_default(),
                            vec![Level::default(); LEVELS],
                        ));
                    }
                    "lvl" if !empty => {
                        lvl = attr(s, "ilvl")
                            .and_then(|v| v.parse().ok())
                            .filter(|&l: &usize| l < LEVELS);
                        if let (Some((_, levels)), Some(l)) = (&mut abs, lvl) {
                            levels[l] = Level {
                                start: 1,
                                fmt: "decimal".into(),
                                ..Level::default()
                            };
                        }
                    }
                    "num" if !empty => num_id = attr(s, "numId"),
                    "abstractNumId" => {
                        if let (Some(id), Some(a)) = (&num_id, val(s)) {
                            n.nums.entry(id.clone()).or_default().0 = a;
                        }
                    }
                    "lvlOverride" => {
                        over_lvl = attr(s, "ilvl").and_then(|v| v.parse().ok());
                    }
                    "startOverride" => {
                        if let (Some(id), Some(l), Some(v)) = (&num_id, over_lvl, num(s)) {
                            n.nums.entry(id.clone()).or_default().1.insert(l, v);
                        }
                    }
                    name => {
                        if let (Some((_, levels)), Some(l)) = (&mut abs, lvl) {
                            let level = &mut levels[l];
                            match name {
                                "start" => level.start = num(s).unwrap_or(1),
                                "numFmt" => level.fmt = val(s).unwrap_or_default(),
                                "lvlText" => level.text = val(s).unwrap_or_default(),
                                "suff" => level.suffix = val(s).unwrap_or_default(),
                                "isLgl" => {
                                    level.legal = val(s).is_none_or(|v| v != "0" && v != "false")
                                }
                                _ => {}
                            }
                        }
                    }
                }
            }
            match &e {
                Event::End(s) => match s.local_name().as_ref() {
                    "abstractNum" => {
                        if let Some((id, levels)) = abs.take() {
                            n.abstracts.insert(id, levels);
                        }
                    }
                    "lvl" => lvl = None,
                    "num" => num_id = None,
                    "lvlOverride" => over_lvl = None,
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(n)
    }
}

/// The counters of every list in a document, and how a numbered paragraph's label prints.
struct Counters {
    numbering: Numbering,
    /// numId → the current value per level (None: not yet used since the last restart).
    values: HashMap<String, [Option<u32>; LEVELS]>,
}

impl Counters {
    /// The printed label of the next paragraph of list `num_id` at level `ilvl`.
    fn next(&mut self, num_id: &str, ilvl: usize) -> Option<String> {
        let (abs, overrides) = self.numbering.nums.get(num_id)?;
        let levels = self.numbering.abstracts.get(abs)?;
        let ilvl = ilvl.min(LEVELS - 1);
        let start = |l: usize| overrides.get(&l).copied().unwrap_or(levels[l].start);
        let values = self
            .values
            .entry(num_id.to_string())
            .or_insert([None; LEVELS]);
        values[ilvl] = Some(values[ilvl].map_or(start(ilvl), |v| v.saturating_add(1)));
        for v in values.iter_mut().skip(ilvl + 1) {
            *v = None;
        }
        let level = &levels[ilvl];
        if level.fmt == "none" || level.fmt == "bullet" {
            return Some(String::new());
        }
        let mut out = String::new();
        let mut chars = level.text.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, chars.peek().and_then(|d| d.to_digit(10))) {
                ('%', Some(d)) if (1..=LEVELS as u32).contains(&d) => {
                    chars.next();
                    let l = d as usize - 1;
                    let v = values[l].unwrap_or(start(l));
                    let fmt = if level.legal && l != ilvl {
                        "decimal"
                    } else {
                        levels[l].fmt.as_str()
                    };
                    out.push_str(&format_number(v, fmt));
                }
                _ => out.push(c),
            }
        }
        // A tab after `一、` prints as space; the text stages want the label against the text.
        let ends_in_mark = out
            .chars()
            .last()
            .is_some_and(|c| "、.．)）:：".contains(c));
        if level.suffix == "space"
            || (!ends_in_mark && level.suffix != "nothing" && !out.is_empty())
        {
            out.push(' ');
        }
        Some(out)
    }
}

/// `n` in one of Word's number formats (ECMA-376 §17.18.59), the ones Chinese documents use
/// and the common Western ones; anything else prints as decimal.
pub fn format_number(n: u32, fmt: &str) -> String {
    const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    const LEGAL: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
    match fmt {
        "chineseCounting"
        | "chineseCountingThousand"
        | "japaneseCounting"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand"
        | "koreanCounting" => {
            let mut zero = DIGITS;
            zero[0] = '零';
            counting(n, &zero, ['十', '百', '千', '万'])
        }
        "chineseLegalSimplified" => counting_legal(n, &LEGAL, ['拾', '佰', '仟', '万']),
        "ideographDigital" | "taiwaneseDigital" | "japaneseDigitalTenThousand" => n
            .to_string()
            .chars()
            .map(|c| DIGITS[c.to_digit(10).unwrap_or(0) as usize])
            .collect(),
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap_or(c))
            .collect(),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x245F + n).map_or(n.to_string(), String::from)
        }
        "decimalEnclosedParen" if (1..=20).contains(&n) => {
            char::from_u32(0x2473 + n).map_or(n.to_string(), String::from)
        }
        "decimalZero" if n < 10 => format!("0{n}"),
        "lowerLetter" | "upperLetter" if n > 0 => {
            let c = (b'a' + ((n - 1) % 26) as u8) as char;
            let s = c.to_string().repeat(((n - 1) / 26 + 1) as usize);
            if fmt == "upperLetter" {
                s.to_uppercase()
            } else {
                s
            }
        }
        "lowerRoman" | "upperRoman" if (1..4000).contains(&n) => {
            let r = roman(n);
            if fmt == "lowerRoman" {
                r.to_lowercase()
            } else {
                r
            }
        }
        _ => n.to_string(),
    }
}

/// 1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 105 → 一百零五 (the way lists print them).
fn counting(n: u32, digits: &[char; 10], units: [char; 4]) -> String {
    if n == 0 {
        return digits[0].to_string();
    }
    if (10..20).contains(&n) {
        let mut s = units[0].to_string();
        if n > 10 {
            s.push(digits[(n - 10) as usize]);
        }
        return s;
    }
    counting_legal(n, digits, units)
}

fn counting_legal(n: u32, digits: &[char; 10], units: [char; 4]) -> String {
    if n >= 10_000 {
        let (hi, lo) = (n / 10_000, n % 10_000);
        let mut s = counting_legal(hi, digits, units);
        s.push(units[3]);
        if lo > 0 {
            if lo < 1000 {
                s.push(digits[0]);
            }
            s.push_str(&counting_legal(lo, digits, units));
        }
        return s;
    }
    let mut s = String::new();
    let mut zero = false;
    for (i, p) in [1000, 100, 10, 1].into_iter().enumerate() {
        let d = (n / p) % 10;
        if d == 0 {
            zero = !s.is_empty();
            continue;
        }
        if zero {
            s.push(digits[0]);
            zero = false;
        }
        s.push(digits[d as usize]);
        if i < 3 {
            s.push(units[2 - i]);
        }
    }
    if s.is_empty() {
        s.push(digits[0]);
    }
    s
}

fn roman(mut n: u32) -> String {
    let mut s = String::new();
    for (v, r) in [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ] {
        while n >= v {
            s.push_str(r);
            n -= v;
        }
    }
    s
}

/// Paragraph style id → the numbering it carries (numId, level), following `basedOn`.
type Styles = HashMap<String, (Option<String>, Option<usize>)>;

fn parse_styles(xml: &str) -> Result<Styles, ReadError> {
    // style id → (numId, level, basedOn) as the style itself states them.
    type Own = (Option<String>, Option<usize>, Option<String>);
    let mut own: HashMap<String, Own> = HashMap::new();
    let mut ev = Events::new(xml, "word/styles.xml");
    let mut cur: Option<String> = None;
    loop {
        match ev.next()? {
            Event::Start(s) | Event::Empty(s) => match s.local_name().as_ref() {
                "style" => {
                    cur = attr(&s, "styleId");
                    if let Some(id) = &cur {
                        own.insert(id.clone(), (None, None, None));
                    }
                }
                "basedOn" => {
                    if let Some(e) = cur.as_ref().and_then(|c| own.get_mut(c)) {
                        e.2 = val(&s);
                    }
                }
                "numId" => {
                    if let Some(e) = cur.as_ref().and_then(|c| own.get_mut(c)) {
                        e.0 = val(&s);
                    }
                }
                "ilvl" => {
                    if let Some(e) = cur.as_ref().and_then(|c| own.get_mut(c)) {
                        e.1 = num(&s).map(|v| v as usize);
                    }
                }
                _ => {}
            },
            Event::End(s) if s.local_name().as_ref() == "style" => cur = None,
            Event::Eof => break,
            _ => {}
        }
    }
    let mut out = Styles::new();
    for id in own.keys() {
        let (mut num_id, mut ilvl) = (None, None);
        let mut at = Some(id.clone());
        for _ in 0..16 {
            let Some((n, l, based)) = at.as_ref().and_then(|a| own.get(a)) else {
                break;
            };
            num_id = num_id.or(n.clone());
            ilvl = ilvl.or(*l);
            at = based.clone();
        }
        out.insert(id.clone(), (num_id, ilvl));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// The body

#[derive(Default)]
struct Para {
    text: String,
    num_id: Option<String>,
    ilvl: Option<usize>,
    style: Option<String>,
}

#[derive(Default)]
struct Table {
    rows: Vec<Vec<Cell>>,
    no: usize,
}

#[derive(Default, Clone)]
struct Cell {
    paras: Vec<String>,
    /// `w:vMerge` without `restart`: continues the cell above.
    merged: bool,
    span: usize,
}

struct Walker {
    counters: Counters,
    styles: Styles,
    paras: Vec<Para>,
    tables: Vec<Table>,
    lines: Vec<(String, String)>,
    paragraphs: usize,
    table_count: usize,
}

impl Walker {
    fn new(numbering: Numbering, styles: Styles) -> Self {
        Self {
            counters: Counters {
                numbering,
                values: HashMap::new(),
            },
            styles,
            paras: Vec::new(),
            tables: Vec::new(),
            lines: Vec::new(),
            paragraphs: 0,
            table_count: 0,
        }
    }

    fn walk(&mut self, xml: &str) -> Result<(), ReadError> {
        let mut ev = Events::new(xml, "word/document.xml");
        // Inside w:del, mc:Fallback (a copy of mc:Choice) or other skipped subtrees: their depth.
        let mut skip: Option<usize> = None;
        let mut in_text = false;
        loop {
            let e = ev.next()?;
            if let Some(d) = skip {
                match &e {
                    Event::End(_) if ev.depth < d => skip = None,
                    Event::Eof => break,
                    _ => {}
                }
                continue;
            }
            match &e {
                Event::Start(s) => {
                    let name = s.local_name();
                    match name.as_ref() {
                        "del" | "Fallback" | "instrText" | "delText" | "footnoteReference" => {
                            skip = Some(ev.depth)
                        }
                        "p" => self.paras.push(Para::default()),
                        "t" => in_text = true,
                        "tbl" => {
                            self.table_count += 1;
                            self.tables.push(Table {
                                rows: Vec::new(),
                                no: self.table_count,
                            })
                        }
                        "tr" => {
                            if let Some(t) = self.tables.last_mut() {
                                t.rows.push(Vec::new());
                            }
                        }
                        "tc" => {
                            if let Some(r) = self.tables.last_mut().and_then(|t| t.rows.last_mut())
                            {
                                r.push(Cell {
                                    span: 1,
                                    ..Cell::default()
                                });
                            }
                        }
                        _ => self.property(s),
                    }
                }
                Event::Empty(s) => match s.local_name().as_ref() {
                    "tab" => self.push_text("\t"),
                    "br" | "cr" => {
                        if attr(s, "type").is_none_or(|t| t == "textWrapping") {
                            self.push_text("\n")
                        }
                    }
                    "p" => {
                        self.paras.push(Para::default());
                        self.end_paragraph();
                    }
                    _ => self.property(s),
                },
                Event::Text(t) if in_text => self.push_text(&t.xml10_content()),
                Event::CData(t) if in_text => self.push_text(&t.clone().into_inner()),
                Event::GeneralRef(r) if in_text => {
                    let s = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        _ => quick_xml::escape::resolve_predefined_entity(&r.xml10_content())
                            .unwrap_or("")
                            .to_string(),
                    };
                    self.push_text(&s);
                }
                Event::End(s) => match s.local_name().as_ref() {
                    "t" => in_text = false,
                    "p" => self.end_paragraph(),
                    "tbl" => self.end_table(),
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        while !self.paras.is_empty() {
            self.end_paragraph();
        }
        while !self.tables.is_empty() {
            self.end_table();
        }
        Ok(())
    }

    /// Paragraph and cell properties: numbering, style, merged cells.
    fn property(&mut self, s: &BytesStart) {
        match s.local_name().as_ref() {
            "numId" => {
                if let Some(p) = self.paras.last_mut() {
                    p.num_id = val(s);
                }
            }
            "ilvl" => {
                if let Some(p) = self.paras.last_mut() {
                    p.ilvl = num(s).map(|v| v as usize);
                }
            }
            "pStyle" => {
                if let Some(p) = self.paras.last_mut() {
                    p.style = val(s);
                }
            }
            "vMerge" => {
                if let Some(c) = self.current_cell() {
                    c.merged = val(s).is_none_or(|v| v == "continue");
                }
            }
            "gridSpan" => {
                if let Some(c) = self.current_cell() {
                    c.span = num(s).unwrap_or(1).clamp(1, 64) as usize;
                }
            }
            _ => {}
        }
    }

    fn current_cell(&mut self) -> Option<&mut Cell> {
        self.tables.last_mut()?.rows.last_mut()?.last_mut()
    }

    fn push_text(&mut self, s: &str) {
        if let Some(p) = self.paras.last_mut() {
            p.text.push_str(s);
        }
    }

    fn end_paragraph(&mut self) {
        let Some(p) = self.paras.pop() else { return };
        let (style_num, style_lvl) = p
            .style
            .as_ref()
            .and_then(|s| self.styles.get(s))
            .cloned()
            .unwrap_or_default();
        let num_id = p.num_id.or(style_num).filter(|n| n != "0");
        let label = num_id
            .and_then(|n| self.counters.next(&n, p.ilvl.or(style_lvl).unwrap_or(0)))
            .unwrap_or_default();
        let text = p.text.replace('\u{a0}', " ");
        let in_cell = self.tables.last().is_some_and(|t| !t.rows.is_empty());
        if in_cell {
            if let Some(c) = self.current_cell() {
                c.paras.push(format!("{label}{}", text.trim()));
            }
            return;
        }
        self.paragraphs += 1;
        let place = format!("paragraph {}", self.paragraphs);
        let mut first = true;
        for line in text.split('\n') {
            let line = line.trim_matches([' ', '\t', '\u{3000}']);
            if line.is_empty() {
                continue;
            }
            let line = if first {
                format!("{label}{line}")
            } else {
                line.to_string()
            };
            first = false;
            self.lines.push((line, place.clone()));
        }
    }

    fn end_table(&mut self) {
        let Some(mut t) = self.tables.pop() else {
            return;
        };
        // Vertically merged cells repeat the value above, so each row reads whole.
        let mut above: Vec<Vec<String>> = Vec::new();
        for row in &mut t.rows {
            let mut col = 0;
            let mut cols = Vec::new();
            for c in row.iter_mut() {
                if c.merged && c.paras.iter().all(|p| p.trim().is_empty()) {
                    if let Some(v) = above.get(col) {
                        c.paras = v.clone();
                    }
                }
                for _ in 0..c.span {
                    cols.push(c.paras.clone());
                    col += 1;
                }
            }
            above = cols;
        }
        let rows: Vec<Vec<Vec<String>>> = t
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .flat_map(|c| std::iter::repeat_n(c.paras.clone(), c.span))
                    .collect()
            })
            .collect();
        let lines = match TaskColumns::find(&rows) {
            Some((header, cols)) => cols
                .rows(&rows[header + 1..])
                .into_iter()
                .map(|(i, l)| (header + 1 + i, l))
                .collect(),
            None => rows
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|c| c.join(" ").trim().to_string())
                        .collect::<Vec<_>>()
                        .join("\t")
                })
                .enumerate()
                .collect::<Vec<_>>(),
        };
        let inner = !self.tables.is_empty();
        for (i, line) in lines {
            let line = line.trim().to_string();
            if line.is_empty() {
                continue;
            }
            let place = format!("table {}, row {}", t.no, i + 1);
            if inner {
                // A table inside a cell: its rows become the cell's paragraphs.
                if let Some(c) = self.current_cell() {
                    c.paras.push(line);
                    continue;
                }
            }
            self.lines.push((line, place));
        }
    }

    fn finish(self) -> (String, Vec<String>) {
        let mut text = String::new();
        let mut places = Vec::new();
        for (line, place) in self.lines {
            text.push_str(&line);
            text.push('\n');
            places.push(place);
        }
        (text, places)
    }
}

/// The columns of a task-division table (任务分工表).
struct TaskColumns {
    seq: Option<usize>,
    task: usize,
    lead: Option<usize>,
    responsible: Option<usize>,
    deadline: Option<usize>,
}

impl TaskColumns {
    /// The header row (among the first three) naming a task column and a unit column.
    fn find(rows: &[Vec<Vec<String>>]) -> Option<(usize, TaskColumns)> {
        for (i, row) in rows.iter().enumerate().take(3) {
            let names: Vec<String> = row
                .iter()
                .map(|c| c.concat().chars().filter(|c| !c.is_whitespace()).collect())
                .collect();
            let find = |keys: &[&str], not: &[&str]| {
                names.iter().position(|n| {
                    n.chars().count() <= 12
                        && keys.iter().any(|k| n.contains(k))
                        && !not.iter().any(|k| n.contains(k))
                })
            };
            let lead = find(&["牵头"], &[]);
            let responsible = find(
                &["责任单位", "配合", "参与", "协同", "责任部门", "责任主体"],
                &["牵头"],
            );
            let task = find(
                &[
                    "任务",
                    "工作内容",
                    "事项",
                    "措施",
                    "主要内容",
                    "工作要点",
                    "内容",
                ],
                &["牵头", "责任", "配合", "时限", "时间"],
            );
            let deadline = find(&["时限", "完成时间", "时间节点", "期限"], &[]);
            let seq = find(&["序号", "编号"], &[]);
            if let Some(task) = task {
                if lead.is_some() || responsible.is_some() {
                    return Some((
                        i,
                        TaskColumns {
                            seq,
                            task,
                            lead,
                            responsible,
                            deadline,
                        },
                    ));
                }
            }
        }
        None
    }

    /// Each row (with its index) as `N．task。（完成时限：…）（牵头单位：…；责任单位：…）`.
    fn rows(&self, rows: &[Vec<Vec<String>>]) -> Vec<(usize, String)> {
        let cell = |r: &[Vec<String>], i: Option<usize>, sep: &str| -> String {
            i.and_then(|i| r.get(i))
                .map(|c| {
                    c.iter()
                        .map(|p| p.trim())
                        .filter(|p| !p.is_empty())
                        .collect::<Vec<_>>()
                        .join(sep)
                })
                .unwrap_or_default()
        };
        let mut out = Vec::new();
        let mut n = 0;
        for (i, r) in rows.iter().enumerate() {
            let task = cell(r, Some(self.task), "");
            if task.is_empty() {
                continue;
            }
            n += 1;
            let seq = cell(r, self.seq, "");
            let seq = seq.trim_end_matches(['.', '．', '、']);
            let seq = if !seq.is_empty() && seq.chars().all(|c| c.is_ascii_digit()) {
                seq.to_string()
            } else {
                n.to_string()
            };
            let task = task.trim_end_matches(['。', '；', ';']);
            let mut line = format!("{seq}．{task}。");
            let deadline = cell(r, self.deadline, "，");
            if !deadline.is_empty() {
                line.push_str(&format!("（完成时限：{deadline}）"));
            }
            let lead = cell(r, self.lead, "、");
            let responsible = cell(r, self.responsible, "、");
            let duty = match (lead.is_empty(), responsible.is_empty()) {
                (false, false) => format!("（牵头单位：{lead}；责任单位：{responsible}）"),
                (false, true) => format!("（牵头单位：{lead}）"),
                (true, false) => format!("（责任单位：{responsible}）"),
                (true, true) => String::new(),
            };
            line.push_str(&duty);
            out.push((i, line));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_counting_prints_as_lists_do() {
        let f = |n| format_number(n, "chineseCounting");
        assert_eq!(
            [f(1), f(10), f(11), f(20), f(21), f(105), f(110)],
            ["一", "十", "十一", "二十", "二十一", "一百零五", "一百一十"]
        );
        assert_eq!(format_number(3, "decimalEnclosedCircle"), "③");
        assert_eq!(format_number(12, "decimalFullWidth"), "１２");
        assert_eq!(format_number(4, "upperRoman"), "IV");
        assert_eq!(format_number(28, "lowerLetter"), "bb");
    }

    const NUMBERING: &str = r#"<w:numbering xmlns:w="w">
      <w:abstractNum w:abstractNumId="0">
        <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
        <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
      </w:abstractNum>
      <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
      <w:num w:numId="2"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
    </w:numbering>"#;

    fn para(num: &str, lvl: u32, text: &str) -> String {
        format!(
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="{num}"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
        )
    }

    fn body(paras: &str) -> Vec<String> {
        let mut w = Walker::new(Numbering::parse(NUMBERING).unwrap(), Styles::new());
        w.walk(&format!(
            "<w:document><w:body>{paras}</w:body></w:document>"
        ))
        .unwrap();
        w.finish().0.lines().map(String::from).collect()
    }

    #[test]
    fn numbering_counts_per_list_and_restarts_deeper_levels() {
        let lines = body(
            &[
                para("1", 0, "总体要求"),
                para("1", 0, "主要任务"),
                para("1", 1, "推进转型"),
                para("1", 2, "建设园区"),
                para("1", 2, "改造管网"),
                para("1", 1, "加强保护"),
                para("1", 2, "治理水体"),
                para("2", 0, "保障措施"),
            ]
            .concat(),
        );
        assert_eq!(
            lines,
            [
                "一、总体要求",
                "二、主要任务",
                "（一）推进转型",
                "1.建设园区",
                "2.改造管网",
                "（二）加强保护",
                "1.治理水体",
                "五、保障措施"
            ]
        );
    }

    #[test]
    fn a_task_division_table_becomes_tasks_with_their_units() {
        let row = |cells: &[&str]| {
            let tcs: String = cells
                .iter()
                .map(|c| format!("<w:tc><w:p><w:r><w:t>{c}</w:t></w:r></w:p></w:tc>"))
                .collect();
            format!("<w:tr>{tcs}</w:tr>")
        };
        let merged = r#"<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>"#;
        let table = format!(
            "<w:tbl>{}{}<w:tr><w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>治理黑臭水体</w:t></w:r></w:p></w:tc>{merged}<w:tc><w:p><w:r><w:t>市水务局</w:t></w:r></w:p><w:p><w:r><w:t>各区政府</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>",
            row(&["序号", "重点任务", "牵头单位", "责任单位", "完成时限"]),
            row(&["1", "建设城市绿道", "市园林局", "市自然资源和规划局", "2025年底前"]),
        );
        assert_eq!(
            body(&table),
            [
                "1．建设城市绿道。（完成时限：2025年底前）（牵头单位：市园林局；责任单位：市自然资源和规划局）",
                "2．治理黑臭水体。（牵头单位：市园林局；责任单位：市水务局、各区政府）"
            ]
        );
    }

    #[test]
    fn an_ordinary_table_reads_row_by_row() {
        let t = "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>指标</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>2025年</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p><w:r><w:t>正文</w:t></w:r></w:p>";
        assert_eq!(body(t), ["指标\t2025年", "正文"]);
    }

    #[test]
    fn deleted_text_and_fallback_copies_are_not_read() {
        let t = r#"<w:p><w:r><w:t>保留</w:t></w:r><w:del><w:r><w:delText>删除</w:delText></w:r></w:del><mc:AlternateContent><mc:Choice><w:t>一次</w:t></mc:Choice><mc:Fallback><w:t>一次</w:t></mc:Fallback></mc:AlternateContent></w:p>"#;
        assert_eq!(body(t), ["保留一次"]);
    }

    #[test]
    fn a_dtd_is_refused() {
        let mut w = Walker::new(Numbering::default(), Styles::new());
        let e = w
            .walk(r#"<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><d>&b;</d>"#)
            .unwrap_err();
        assert!(e.message.contains("DTD"), "{}", e.message);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let xml = format!(
            "{}{}",
            "<w:tbl><w:tr><w:tc>".repeat(10_000),
            "</w:tc></w:tr></w:tbl>".repeat(10_000)
        );
        let mut w = Walker::new(Numbering::default(), Styles::new());
        let e = w.walk(&xml).unwrap_err();
        assert!(e.message.contains("deep"), "{}", e.message);
    }
}
