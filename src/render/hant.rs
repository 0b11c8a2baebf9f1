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
use std::hash::{BuildHasherDefault, Hasher};
use std::io;
use std::sync::OnceLock;

use ferrous_opencc::config::BuiltinConfig;
use ferrous_opencc::OpenCC;

use crate::util::fold::is_han;

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
    TABLE.get_or_init(|| crate::util::fold::single_char_table(opencc()))
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

/// The runs of Han characters in every string of `value` (as it serialises), and in `more`.
pub fn han_runs<T: serde::Serialize>(value: &T, more: &[&str]) -> RunSet {
    let mut runs = Runs::default();
    // Only the strings matter: a JSON formatter that keeps them and writes nothing. A string
    // met before (a unit's name, a status label, a repeated sentence) is not scanned again.
    {
        let mut ser = serde_json::Serializer::with_formatter(io::sink(), Strings(&mut runs));
        // Serialising into a sink cannot fail for a value that serialises as JSON.
        let _ = value.serialize(&mut ser);
    }
    for text in more {
        runs.scan(text);
    }
    runs.found
}

/// A set of Han runs. Its keys are the site's own text, hashed with foldhash: short strings
/// are most of them, and std's SipHash (or a streaming XXH3) cost more than the scan itself.
pub type RunSet = HashSet<String, foldhash::fast::FixedState>;

/// The distinct runs of Han characters in the text given to [`Runs::scan`].
#[derive(Default)]
struct Runs {
    found: RunSet,
    /// The XXH3 hashes of the stretches of strings already scanned, used as their own hashes.
    seen: HashSet<u64, BuildHasherDefault<Prehashed>>,
    /// Inside an object key, and the last key: a report's `body_html` is its `body_text` with
    /// markup, so its strings are not scanned twice.
    in_key: bool,
    key: String,
    skip_value: bool,
}

/// A hasher for keys that are hashes already: the key is its own hash.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only u64 keys are hashed here; any other key still hashes, byte by byte.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }
}

/// The object key whose string value is the same text as another field's, with markup.
const MARKUP_TWIN: &str = "body_html";

impl Runs {
    fn scan(&mut self, text: &str) {
        let mut start = None;
        for (i, c) in text.char_indices() {
            match (is_han(c), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    self.keep(&text[s..i]);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            self.keep(&text[s..]);
        }
    }

    fn keep(&mut self, run: &str) {
        if !self.found.contains(run) {
            self.found.insert(run.to_string());
        }
    }
}

/// A serde_json formatter that hands every string's text to [`Runs`] and writes nothing else.
struct Strings<'a>(&'a mut Runs);

impl serde_json::ser::Formatter for Strings<'_> {
    fn begin_object_key<W: ?Sized + io::Write>(&mut self, _: &mut W, _: bool) -> io::Result<()> {
        self.0.in_key = true;
        Ok(())
    }

    fn end_object_key<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.0.in_key = false;
        self.0.skip_value = self.0.key == MARKUP_TWIN;
        Ok(())
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        self.0.skip_value = false;
        Ok(())
    }

    fn begin_string<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
        if self.0.in_key {
            self.0.key.clear();
        }
        Ok(())
    }

    /// A stretch of a string between escapes, scanned where it lies: an escaped character
    /// (a quote, a control character) is never Han, so the stretches' runs are the string's.
    /// A stretch met before (a unit's name, a status label, a repeated sentence) is not
    /// scanned again.
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        _: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let runs = &mut *self.0;
        if runs.in_key {
            runs.key.push_str(fragment);
        }
        if (runs.in_key || !runs.skip_value)
            && fragment.bytes().any(|b| b >= 0xE3)
            && runs
                .seen
                .insert(xxhash_rust::xxh3::xxh3_64(fragment.as_bytes()))
        {
            runs.scan(fragment);
        }
        Ok(())
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        _: &mut W,
        _: serde_json::ser::CharEscape,
    ) -> io::Result<()> {
        Ok(())
    }

    fn end_string<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
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
    fn runs_are_the_han_stretches_of_every_string_of_a_value() {
        let value = serde_json::json!({
            "title": "污水处理率达到98%",
            "list": ["ab达到c", "污水处理率达到98%", {"名称": "引号\"之后"}],
            "report": {"body_html": "<p>标记</p>", "body_text": "正文", "after": "其后"},
        });
        let mut found: Vec<_> = han_runs(&value, &["模板文字"]).into_iter().collect();
        found.sort();
        // The body's markup twin is not scanned; the strings after it are.
        assert_eq!(
            found,
            [
                "之后",
                "其后",
                "名称",
                "引号",
                "模板文字",
                "正文",
                "污水处理率达到",
                "达到"
            ]
        );
    }

    #[test]
    fn the_script_is_deterministic_json() {
        let table = table_for(["头发", "发展"]);
        let js = String::from_utf8(script(&table)).unwrap();
        assert!(js.contains("window.GONGKAI_HANT = {\"chars\":\""), "{js}");
        assert_eq!(script(&table_for(["发展", "头发"])), script(&table));
    }
}
