//! Reading a filled form: the cells of an `.xlsx` file, safely.
//!
//! In: the bytes of a file that came from outside. Out: the cells (values as saved, and whether
//! a formula made them) of each sheet, or one clear error. Before any XML is parsed, the zip's
//! central directory is checked (entry count, declared sizes) and every part is inflated once
//! through a counting reader that stops at the declared size, so a zip bomb costs bounded time
//! and memory; a part with a DTD (the vehicle of XML entity expansion) is refused. Cells are then
//! streamed from each sheet (never a whole rectangular range, whose size a hostile dimension
//! could make enormous), keeping only the first [`Limits::columns`] columns and
//! [`Limits::rows`] rows. Formulas are never evaluated: a formula cell yields the value the
//! office program saved with it.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, Xlsx};

use crate::model::Date;

/// Bounds on what a form may hold; a real form is tens of kilobytes.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The file itself.
    pub file_bytes: u64,
    /// Parts in the zip.
    pub entries: usize,
    /// One part, inflated.
    pub entry_bytes: u64,
    /// All parts, inflated.
    pub total_bytes: u64,
    /// Rows kept per sheet.
    pub rows: u32,
    /// Columns kept per sheet.
    pub columns: u16,
    /// Cells read per sheet (kept or not).
    pub cells: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            file_bytes: 20 << 20,
            entries: 500,
            entry_bytes: 40 << 20,
            total_bytes: 80 << 20,
            rows: 20_000,
            columns: 16,
            cells: 2_000_000,
        }
    }
}

/// A cell's value as the office program saved it.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    Text(String),
    Number(f64),
    Date(Date),
    Bool(bool),
    /// A cell error such as `#DIV/0!`.
    Error(String),
}

/// A cell: its saved value (none for an empty cell or a formula saved without its result) and
/// the formula that made it, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub value: Option<CellValue>,
    pub formula: Option<String>,
}

/// The cells of one sheet, by 0-based (row, column).
#[derive(Debug, Default)]
pub struct SheetCells {
    pub name: String,
    pub cells: BTreeMap<(u32, u16), Cell>,
    /// True when rows or columns past the limits held something.
    pub truncated: bool,
}

impl SheetCells {
    pub fn get(&self, row: u32, col: u16) -> Option<&Cell> {
        self.cells.get(&(row, col))
    }

    /// The last row that holds anything.
    pub fn last_row(&self) -> Option<u32> {
        self.cells.keys().next_back().map(|k| k.0)
    }
}

#[derive(Debug, Default)]
pub struct Workbook {
    pub sheets: Vec<SheetCells>,
}

/// Checks the zip container of an `.xlsx` within `limits` and inflates every part once.
fn check_container(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    if bytes.len() as u64 > limits.file_bytes {
        return Err(format!(
            "the file is {} bytes, more than a form can be ({} bytes)",
            bytes.len(),
            limits.file_bytes
        ));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("not an .xlsx file (its zip container cannot be read: {e})"))?;
    if zip.len() > limits.entries {
        return Err(format!(
            "the file has {} parts, more than a form can have ({})",
            zip.len(),
            limits.entries
        ));
    }
    // First the sizes the central directory declares, before inflating anything.
    let mut declared_total: u64 = 0;
    for i in 0..zip.len() {
        let f = zip
            .by_index_raw(i)
            .map_err(|e| format!("part {i} of the zip cannot be read: {e}"))?;
        if f.size() > limits.entry_bytes {
            return Err(format!(
                "part {} would inflate to {} bytes, more than a form holds (a zip bomb?)",
                f.name()
                    .map(|n| n.to_string())
                    .unwrap_or_else(|_| format!("#{i}")),
                f.size()
            ));
        }
        declared_total = declared_total.saturating_add(f.size());
    }
    if declared_total > limits.total_bytes {
        return Err(format!(
            "the parts would inflate to {declared_total} bytes, more than a form holds (a zip bomb?)"
        ));
    }
    // Then each part, inflated through a reader that stops just past its declared size: a part
    // that lies about its size is caught without inflating more than that.
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut f = zip
            .by_index(i)
            .map_err(|e| format!("part {i} of the zip cannot be read: {e}"))?;
        let name = f
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| format!("#{i}"));
        let declared = f.size();
        let xml = name.ends_with(".xml") || name.ends_with(".rels");
        let mut seen: u64 = 0;
        // An XML part is kept whole (at most `entry_bytes`) to be checked before it is parsed.
        let mut part: Vec<u8> = Vec::new();
        loop {
            let n = f
                .by_ref()
                .take(declared + 1 - seen.min(declared + 1))
                .read(&mut buf)
                .map_err(|e| format!("part {name} cannot be inflated: {e}"))?;
            if n == 0 {
                break;
            }
            seen += n as u64;
            if seen > declared {
                return Err(format!(
                    "part {name} inflates past the {declared} bytes it declares (a zip bomb?)"
                ));
            }
            if xml {
                part.extend_from_slice(&buf[..n]);
            }
        }
        if xml {
            if has_dtd(&part) {
                return Err(format!(
                    "part {name} declares a DTD or entities, which no office program writes (XML entity expansion?)"
                ));
            }
            check_refs(&part).map_err(|r| {
                format!("part {name} holds the cell reference \"{r}\", which no sheet can have")
            })?;
        }
    }
    Ok(())
}

/// Checks every cell reference (`r="…"`, `ref="…"`, `sqref="…"`) in an XML part: at most three
/// column letters and seven row digits per cell (XFD1048576 is the last cell of a sheet), and
/// ranges that do not run backwards. The XML reader computes positions from them without
/// checking for overflow, so a hostile reference must not reach it.
fn check_refs(xml: &[u8]) -> Result<(), String> {
    static REFS: std::sync::OnceLock<regex::bytes::Regex> = std::sync::OnceLock::new();
    let refs = REFS.get_or_init(|| {
        regex::bytes::Regex::new(r#"\s(?:r|ref|sqref)\s*=\s*["']([^"']*)["']"#)
            .expect("a valid pattern")
    });
    let cell = |c: &str| -> Option<(u32, u32)> {
        let c = c.replace('$', "");
        let letters = c.bytes().take_while(u8::is_ascii_alphabetic).count();
        let (col, row) = c.split_at(letters);
        if letters > 3 || row.len() > 7 || !row.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let col = col.bytes().fold(0u32, |n, b| {
            n * 26 + u32::from(b.to_ascii_uppercase() - b'A') + 1
        });
        Some((row.parse().unwrap_or(0), col))
    };
    for found in refs.captures_iter(xml) {
        let value = String::from_utf8_lossy(&found[1]);
        for range in value.split_whitespace() {
            let mut ends = range.split(':');
            let ok = match (ends.next().map(cell), ends.next().map(cell), ends.next()) {
                (Some(Some(_)), None, None) => true,
                (Some(Some(a)), Some(Some(b)), None) => a.0 <= b.0 && a.1 <= b.1,
                _ => false,
            };
            if !ok {
                return Err(range.chars().take(40).collect());
            }
        }
    }
    Ok(())
}

fn has_dtd(bytes: &[u8]) -> bool {
    let find = |needle: &[u8]| {
        bytes
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    find(b"<!DOCTYPE") || find(b"<!ENTITY")
}

/// The calendar date of a spreadsheet date-time (its time of day dropped).
fn date_of(dt: &calamine::ExcelDateTime) -> Option<Date> {
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    Date::from_ymd(i32::from(y), u32::from(m), u32::from(d))
}

fn value_of(v: &DataRef<'_>) -> Option<CellValue> {
    Some(match v {
        DataRef::Empty => return None,
        DataRef::Int(i) => CellValue::Number(*i as f64),
        DataRef::Float(f) => CellValue::Number(*f),
        DataRef::String(s) => CellValue::Text(s.clone()),
        DataRef::SharedString(s) => CellValue::Text((*s).to_string()),
        DataRef::Bool(b) => CellValue::Bool(*b),
        DataRef::DateTime(dt) if dt.is_datetime() => match date_of(dt) {
            Some(d) => CellValue::Date(d),
            None => CellValue::Number(dt.as_f64()),
        },
        DataRef::DateTime(dt) => CellValue::Number(dt.as_f64()),
        DataRef::DateTimeIso(s) => match s.get(..10).and_then(Date::parse) {
            Some(d) => CellValue::Date(d),
            None => CellValue::Text(s.clone()),
        },
        DataRef::DurationIso(s) => CellValue::Text(s.clone()),
        DataRef::Error(e) => CellValue::Error(e.to_string()),
    })
}

/// Every sheet's cells (within `limits`), or why the file cannot be read as a form.
pub fn read_workbook(bytes: &[u8], limits: &Limits) -> Result<Workbook, String> {
    check_container(bytes, limits)?;
    let mut xlsx =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| format!("not a readable .xlsx workbook: {e}"))?;
    let names = xlsx.sheet_names();
    let mut book = Workbook::default();
    for name in names {
        let mut sheet = SheetCells {
            name: name.clone(),
            ..SheetCells::default()
        };
        let mut reader = match xlsx.worksheet_cells_reader(&name) {
            Ok(r) => r,
            // Chart sheets and the like have no cells.
            Err(calamine::XlsxError::WorksheetNotFound(_)) => continue,
            Err(e) => return Err(format!("sheet {name} cannot be read: {e}")),
        };
        let mut count: u64 = 0;
        loop {
            let c = match reader.next_cell_with_formula() {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => return Err(format!("sheet {name} cannot be read: {e}")),
            };
            count += 1;
            if count > limits.cells {
                return Err(format!(
                    "sheet {name} has more than {} cells, more than a form holds",
                    limits.cells
                ));
            }
            let (row, column) = c.pos;
            let value = value_of(&c.value);
            let formula = c.formula.filter(|f| !f.is_empty());
            if value.is_none() && formula.is_none() {
                continue;
            }
            match u16::try_from(column) {
                Ok(column) if column < limits.columns && row < limits.rows => {
                    sheet.cells.insert((row, column), Cell { value, formula });
                }
                _ => sheet.truncated = true,
            }
        }
        book.sheets.push(sheet);
    }
    Ok(book)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_past_the_last_cell_or_backwards_are_refused() {
        let ok = br#"<dimension ref="A1:N14"/><row r="2" spans="1:14"><c r="XFD1048576" s="1"/></row><dataValidation sqref="J2:J14 K3"/><x xmlns:r="u" r:id="rId1"/>"#;
        assert_eq!(check_refs(ok), Ok(()));
        for bad in [
            r#"<c r="Jhhhhhhhhhhhhhh2"/>"#,
            r#"<row r="99999999999">"#,
            r#"<dimension ref="C3:A1"/>"#,
            r#"<c r="A1:B2:C3"/>"#,
        ] {
            assert!(check_refs(bad.as_bytes()).is_err(), "{bad}");
        }
    }
}
