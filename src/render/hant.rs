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

/// Every Han code point that OpenCC `s2t` converts, on its own, to one other code point:
/// `hant_s2t.txt` beside this file, derived ahead of time as the search's folding table is
/// (see [`crate::util::fold`]).
fn char_table() -> &'static BTreeMap<char, char> {
    static TABLE: OnceLock<BTreeMap<char, char>> = OnceLock::new();
    TABLE.get_or_init(|| crate::util::fold::parse_table(include_str!("hant_s2t.txt")))
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
    // Only the strings matter (as JSON would write them): a serializer that scans them and
    // makes nothing. A value that stops its serialisation with an error has had its strings
    // up to there scanned, as a JSON writer would have written them.
    let _ = value.serialize(&mut Strings(&mut runs));
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
    /// The XXH3 hashes of the strings already scanned, used as their own hashes.
    seen: HashSet<u64, BuildHasherDefault<Prehashed>>,
    /// Inside a map's key, and whether that key was [`MARKUP_TWIN`]: a report's `body_html` is
    /// its `body_text` with markup, so its strings are not scanned twice.
    in_key: bool,
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

/// A serializer that hands every string of a value (and every key and variant name, as JSON
/// writes them) to [`Runs`], and makes nothing: the value's numbers, booleans and structure
/// cost no formatting.
struct Strings<'a>(&'a mut Runs);

/// [`Strings`] never fails; a value whose serialisation reports an error stops there.
#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the value stopped its serialisation")
    }
}

impl std::error::Error for Stop {}

impl serde::ser::Error for Stop {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl Strings<'_> {
    /// A string met before (a unit's name, a status label, a repeated sentence) is not
    /// scanned again.
    fn text(&mut self, text: &str) {
        let runs = &mut *self.0;
        if runs.in_key {
            runs.in_key = false;
            runs.skip_value = text == MARKUP_TWIN;
        }
        if text.bytes().any(|b| b >= 0xE3)
            && runs
                .seen
                .insert(xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
        {
            runs.scan(text);
        }
    }
}

/// The scalar methods of a serializer whose output is nothing.
macro_rules! ignore_scalars {
    ($($method:ident: $ty:ty),*) => {
        $(fn $method(self, _: $ty) -> Result<(), Stop> {
            Ok(())
        })*
    };
}

impl<'a, 'b> serde::Serializer for &'b mut Strings<'a> {
    type Ok = ();
    type Error = Stop;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    ignore_scalars!(
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_f32: f32,
        serialize_f64: f64, serialize_bytes: &[u8], serialize_unit_struct: &'static str
    );

    fn serialize_char(self, v: char) -> Result<(), Stop> {
        self.text(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, v: &str) -> Result<(), Stop> {
        self.text(v);
        Ok(())
    }

    fn serialize_none(self) -> Result<(), Stop> {
        Ok(())
    }

    fn serialize_some<T: ?Sized + serde::Serialize>(self, value: &T) -> Result<(), Stop> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Stop> {
        Ok(())
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Stop> {
        self.text(variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: ?Sized + serde::Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + serde::Serialize>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Stop> {
        self.text(variant);
        value.serialize(self)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Stop> {
        Ok(self)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self, Stop> {
        Ok(self)
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Stop> {
        Ok(self)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, Stop> {
        self.text(variant);
        Ok(self)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self, Stop> {
        Ok(self)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Stop> {
        Ok(self)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Self, Stop> {
        self.text(variant);
        Ok(self)
    }
}

/// The compound parts whose elements are values without names: each is walked in turn.
macro_rules! elements {
    ($($part:ident: $method:ident),*) => {
        $(impl serde::ser::$part for &mut Strings<'_> {
            type Ok = ();
            type Error = Stop;
            fn $method<T: ?Sized + serde::Serialize>(&mut self, value: &T) -> Result<(), Stop> {
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), Stop> {
                Ok(())
            }
        })*
    };
}

elements!(
    SerializeSeq: serialize_element,
    SerializeTuple: serialize_element,
    SerializeTupleStruct: serialize_field,
    SerializeTupleVariant: serialize_field
);

/// A map's key is scanned as a string; the value of a [`MARKUP_TWIN`] key is not.
impl serde::ser::SerializeMap for &mut Strings<'_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_key<T: ?Sized + serde::Serialize>(&mut self, key: &T) -> Result<(), Stop> {
        self.0.in_key = true;
        let result = key.serialize(&mut **self);
        self.0.in_key = false;
        result
    }
    fn serialize_value<T: ?Sized + serde::Serialize>(&mut self, value: &T) -> Result<(), Stop> {
        if std::mem::take(&mut self.0.skip_value) {
            return Ok(());
        }
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

/// A struct's field name is scanned as JSON writes it, as a key; the value of a
/// [`MARKUP_TWIN`] field is not.
macro_rules! fields {
    ($($part:ident),*) => {
        $(impl serde::ser::$part for &mut Strings<'_> {
            type Ok = ();
            type Error = Stop;
            fn serialize_field<T: ?Sized + serde::Serialize>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Stop> {
                if key == MARKUP_TWIN {
                    return Ok(());
                }
                self.text(key);
                value.serialize(&mut **self)
            }
            fn end(self) -> Result<(), Stop> {
                Ok(())
            }
        })*
    };
}

fields!(SerializeStruct, SerializeStructVariant);

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
    fn structs_variants_and_chars_give_their_runs_as_json_would_write_them() {
        #[derive(serde::Serialize)]
        enum Kind {
            #[serde(rename = "单位")]
            Unit,
            #[serde(rename = "数值")]
            Value(f64),
        }
        #[derive(serde::Serialize)]
        struct Report {
            body_html: &'static str,
            #[serde(rename = "进展")]
            progress: Option<u8>,
            kinds: Vec<Kind>,
            mark: char,
            nested: (bool, &'static str),
        }
        let report = Report {
            body_html: "<p>标记</p>",
            progress: Some(80),
            kinds: vec![Kind::Unit, Kind::Value(1.5)],
            mark: '达',
            nested: (true, "其后"),
        };
        let mut found: Vec<_> = han_runs(&report, &[]).into_iter().collect();
        found.sort();
        assert_eq!(found, ["其后", "单位", "数值", "达", "进展"]);
        // The same as the strings of the value's JSON.
        let json: serde_json::Value = serde_json::to_value(&report).unwrap();
        let mut via_json: Vec<_> = han_runs(&json, &[]).into_iter().collect();
        via_json.sort();
        assert_eq!(found, via_json);
    }

    #[test]
    fn the_script_is_deterministic_json() {
        let table = table_for(["头发", "发展"]);
        let js = String::from_utf8(script(&table)).unwrap();
        assert!(js.contains("window.GONGKAI_HANT = {\"chars\":\""), "{js}");
        assert_eq!(script(&table_for(["发展", "头发"])), script(&table));
    }

    #[test]
    fn committed_tables_s2t_is_what_opencc_derives() {
        use crate::util::fold::{check_committed_table, single_char_table, table_text};
        let derived = table_text(S2T_HEADER, &single_char_table(opencc()));
        check_committed_table("src/render/hant_s2t.txt", char_table(), derived);
    }

    const S2T_HEADER: &str =
        "Simplified → Traditional, character by character, for the 繁體 switch: every Han code
point that OpenCC's s2t converts on its own to one other code point. Derived from the
ferrous-opencc of Cargo.lock (src/render/hant.rs); a test checks it, and
GONGKAI_BLESS=1 cargo test committed_tables writes it anew.";
}
