//! The 繁體 switch: a Simplified → Traditional table for the browser, made at build time from
//! OpenCC's `s2t` data (the `ferrous-opencc` crate, whose `t2s` data the search folding uses).
//!
//! In: the site's text (every Han run of the derived site and of the templates). Out:
//! `static/hant.js`, which the theme loads only when a reader turns the switch on, holding
//! - every character of the site that OpenCC converts on its own, with its Traditional form;
//! - the phrases the site uses where OpenCC converts by phrase rather than by character
//!   (头发 → 頭髮, not 頭發): for each place where converting a whole run gives another character
//!   than converting it character by character, the shortest stretch around it that OpenCC
//!   converts the same way on its own.
//!
//! The browser converts as [`convert`] does: at each position the longest phrase of the table,
//! else the character. A test checks that this gives OpenCC's own conversion of the bundled
//! site's text. It never reads the wall clock or anything outside its input, so two builds of
//! the same site give the same bytes.

use std::collections::{BTreeMap, HashSet};
use std::io;
use std::sync::OnceLock;

use ferrous_opencc::config::BuiltinConfig;
use ferrous_opencc::OpenCC;

use crate::search::fold::{is_han, HAN_RANGES};

/// The longest stretch searched for a phrase around a character that converts by phrase.
const MAX_PHRASE: usize = 6;

/// The table the browser converts with.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct HantTable {
    pub chars: BTreeMap<char, char>,
    /// Simplified phrase → Traditional phrase, of the same length in characters.
    pub phrases: BTreeMap<String, String>,
}

fn opencc() -> &'static OpenCC {
    static S2T: OnceLock<OpenCC> = OnceLock::new();
    S2T.get_or_init(|| {
        OpenCC::from_config(BuiltinConfig::S2t).expect("ferrous-opencc ships its s2t configuration")
    })
}

/// Every Han code point that OpenCC `s2t` converts, on its own, to one other code point.
fn char_table() -> &'static BTreeMap<char, char> {
    static TABLE: OnceLock<BTreeMap<char, char>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let chars: Vec<char> = HAN_RANGES
            .iter()
            .flat_map(|&(lo, hi)| (lo..=hi).filter_map(char::from_u32))
            .collect();
        // One call, a character a line: phrase rules never span a line break.
        let mut input = String::with_capacity(chars.len() * 4);
        for c in &chars {
            input.push(*c);
            input.push('\n');
        }
        let output = opencc().convert(&input);
        let mut table = BTreeMap::new();
        let lines: Vec<&str> = output.split('\n').collect();
        let one = |s: &str| {
            let mut it = s.chars();
            it.next().filter(|_| it.next().is_none())
        };
        if lines.len() == chars.len() + 1 {
            for (&c, line) in chars.iter().zip(&lines) {
                if let Some(t) = one(line).filter(|&t| t != c) {
                    table.insert(c, t);
                }
            }
        } else {
            for &c in &chars {
                if let Some(t) = one(&opencc().convert(&c.to_string())).filter(|&t| t != c) {
                    table.insert(c, t);
                }
            }
        }
        table
    })
}

/// The table for a site whose text holds `runs` (runs of Han characters).
pub fn table_for<'a>(runs: impl IntoIterator<Item = &'a str>) -> HantTable {
    let all = char_table();
    let mut table = HantTable::default();
    // Each run that holds a character OpenCC converts, with OpenCC's conversion of it.
    let mut converted: Vec<(&str, String)> = Vec::new();
    for run in runs {
        let chars: Vec<char> = run.chars().collect();
        for c in &chars {
            if let Some(&t) = all.get(c) {
                table.chars.insert(*c, t);
            }
        }
        // A single character is the character table's; a longer run may convert by phrase
        // even when none of its characters converts alone (特制 → 特製).
        if chars.len() < 2 {
            continue;
        }
        let whole = opencc().convert(run);
        let full: Vec<char> = whole.chars().collect();
        converted.push((run, whole));
        if full.len() != chars.len() {
            continue;
        }
        let by_char = |c: &char| *all.get(c).unwrap_or(c);
        let mut i = 0;
        while i < chars.len() {
            if full[i] == by_char(&chars[i]) {
                i += 1;
                continue;
            }
            match phrase_around(&chars, &full, i) {
                Some((start, end)) => {
                    table.phrases.insert(
                        chars[start..end].iter().collect(),
                        full[start..end].iter().collect(),
                    );
                    i = end;
                }
                None => i += 1,
            }
        }
    }
    // A phrase that only repeats what the characters give would cost bytes and change nothing.
    table.phrases.retain(|s, t| {
        s.chars()
            .map(|c| *table.chars.get(&c).unwrap_or(&c))
            .ne(t.chars())
    });
    // Where OpenCC's segmentation of a run differs from the longest-phrase rule (a phrase that
    // converts to itself, such as 开发, keeps 发布 in 公开发布 from being read as one), the run
    // itself goes into the table with OpenCC's conversion. Each round only adds whole runs,
    // which can only fix runs that hold them; a few rounds settle it.
    for _ in 0..3 {
        let index = PhraseIndex::of(&table);
        let fixes: Vec<(String, String)> = converted
            .iter()
            .filter(|(run, full)| convert_with(&index, &table, run) != **full)
            .map(|(run, full)| (run.to_string(), full.clone()))
            .collect();
        if fixes.is_empty() {
            break;
        }
        table.phrases.extend(fixes);
    }
    table
}

/// The shortest stretch of `chars` around position `i` that OpenCC converts on its own to the
/// same characters as in `full`, the whole run's conversion.
fn phrase_around(chars: &[char], full: &[char], i: usize) -> Option<(usize, usize)> {
    for len in 2..=MAX_PHRASE.min(chars.len()) {
        let first = i.saturating_sub(len - 1);
        let last = i.min(chars.len() - len);
        for start in first..=last {
            let end = start + len;
            let part: String = chars[start..end].iter().collect();
            if opencc()
                .convert(&part)
                .chars()
                .eq(full[start..end].iter().copied())
            {
                return Some((start, end));
            }
        }
    }
    None
}

/// Converts `text` as the browser does: at each position the longest phrase of `table`
/// starting there, else the character's own form.
pub fn convert(table: &HantTable, text: &str) -> String {
    convert_with(&PhraseIndex::of(table), table, text)
}

/// The phrases of a table by their first character, longest first: the browser's index too.
struct PhraseIndex(std::collections::HashMap<char, Vec<(Vec<char>, String)>>);

impl PhraseIndex {
    fn of(table: &HantTable) -> PhraseIndex {
        let mut index: std::collections::HashMap<char, Vec<(Vec<char>, String)>> =
            std::collections::HashMap::new();
        for (s, t) in &table.phrases {
            let chars: Vec<char> = s.chars().collect();
            if let Some(&first) = chars.first() {
                index.entry(first).or_default().push((chars, t.clone()));
            }
        }
        for list in index.values_mut() {
            list.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        }
        PhraseIndex(index)
    }
}

fn convert_with(index: &PhraseIndex, table: &HantTable, text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    'outer: while i < chars.len() {
        if let Some(list) = index.0.get(&chars[i]) {
            for (phrase, t) in list {
                if chars[i..].starts_with(phrase) {
                    out.push_str(t);
                    i += phrase.len();
                    continue 'outer;
                }
            }
        }
        out.push(*table.chars.get(&chars[i]).unwrap_or(&chars[i]));
        i += 1;
    }
    out
}

/// OpenCC's own conversion of `text` (for comparing with [`convert`]).
pub fn opencc_convert(text: &str) -> String {
    opencc().convert(text)
}

/// `static/hant.js`: the table as a script that sets `window.GONGKAI_HANT`.
pub fn script(table: &HantTable) -> Vec<u8> {
    let chars: String = table.chars.iter().flat_map(|(s, t)| [*s, *t]).collect();
    let phrases: Vec<&str> = table
        .phrases
        .iter()
        .flat_map(|(s, t)| [s.as_str(), t.as_str()])
        .collect();
    let value = serde_json::json!({ "chars": chars, "phrases": phrases });
    format!(
        "// Simplified → Traditional for the 繁體 switch, made from OpenCC s2t for this site's text.\nwindow.GONGKAI_HANT = {value};\n"
    )
    .into_bytes()
}

/// The runs of Han characters in everything `value` serialises to (as JSON, whose strings
/// hold the text unchanged), and in `more`.
pub fn han_runs<T: serde::Serialize>(value: &T, more: &[&str]) -> HashSet<String> {
    let mut runs = Runs::default();
    // Writing into `Runs` cannot fail, and the site value serialises (it is written as JSON).
    let _ = serde_json::to_writer(&mut runs, value);
    for text in more {
        runs.scan(text);
    }
    runs.flush();
    runs.found
}

/// An `io::Write` that keeps the distinct runs of Han characters written to it.
#[derive(Default)]
struct Runs {
    found: HashSet<String>,
    current: String,
    /// The bytes of a character split between two writes.
    partial: Vec<u8>,
}

impl Runs {
    fn scan(&mut self, text: &str) {
        for c in text.chars() {
            if is_han(c) {
                self.current.push(c);
            } else {
                self.flush();
            }
        }
    }

    fn flush(&mut self) {
        if !self.current.is_empty() {
            if !self.found.contains(&self.current) {
                self.found.insert(self.current.clone());
            }
            self.current.clear();
        }
    }
}

impl io::Write for Runs {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut bytes = std::mem::take(&mut self.partial);
        bytes.extend_from_slice(buf);
        let valid = match std::str::from_utf8(&bytes) {
            Ok(_) => bytes.len(),
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            Err(e) => e.valid_up_to() + e.error_len().unwrap_or(1),
        };
        let text = String::from_utf8_lossy(&bytes[..valid]).into_owned();
        self.scan(&text);
        self.partial = bytes[valid..].to_vec();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_and_phrases_convert_as_opencc_does() {
        let text = "头发和理发，发展改革委员会，干部干事，里面后台，着力推进";
        let runs: Vec<&str> = text.split('，').collect();
        let table = table_for(runs.iter().copied());
        assert_eq!(table.chars.get(&'发'), Some(&'發'));
        assert!(table.phrases.contains_key("头发"), "{:?}", table.phrases);
        for run in runs {
            assert_eq!(convert(&table, run), opencc_convert(run), "{run}");
        }
    }

    #[test]
    fn runs_are_found_across_writes_that_split_a_character() {
        use std::io::Write;
        let mut runs = Runs::default();
        let bytes = "ab污水处理率c达到".as_bytes();
        for chunk in bytes.chunks(2) {
            runs.write_all(chunk).unwrap();
        }
        runs.flush();
        let mut found: Vec<_> = runs.found.into_iter().collect();
        found.sort();
        assert_eq!(found, ["污水处理率", "达到"]);
    }

    #[test]
    fn the_script_is_deterministic_json() {
        let table = table_for(["头发", "发展"]);
        let js = String::from_utf8(script(&table)).unwrap();
        assert!(js.contains("window.GONGKAI_HANT = {\"chars\":\""), "{js}");
        assert_eq!(script(&table_for(["发展", "头发"])), script(&table));
    }
}
