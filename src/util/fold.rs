//! Character folding shared by the index and the browser: one code point in, one code point out.
//!
//! Folding is strictly one-to-one per code point, so an offset in folded text is the same offset
//! in the original text: the browser highlights hits in the original snippet without guessing.
//!
//! - full-width ASCII (`ＰＭ２．５`, `９８％`) → ASCII; the ideographic space → a space;
//! - Latin capitals (ASCII and Latin-1) → small letters;
//! - Traditional → Simplified, character by character, with OpenCC's `t2s` rules (through the
//!   `ferrous-opencc` crate). The table is written into the site as `search/fold.js` by
//!   [`crate::search::build_index`], so the browser folds with exactly the table the index was
//!   built with.
//!
//! The table is OpenCC's, derived ahead of time into `fold_t2s.txt` beside this file, as the
//! 繁體 switch's `s2t` characters are (`src/render/hant_s2t.txt`): deriving them converts every
//! Han code point, about 45 ms of a build's CPU time in each process, a third of the bundled
//! site's build. A test derives both again with the `ferrous-opencc` of `Cargo.lock` and fails
//! when a file differs (`GONGKAI_BLESS=1 cargo test committed_tables` writes them anew).

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Code point ranges holding Han characters (CJK Unified Ideographs, Extension A, the
/// compatibility ideographs, and the supplementary ideographic planes).
pub const HAN_RANGES: &[(u32, u32)] = &[
    (0x3007, 0x3007),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3134F),
];

/// Is `c` a Han character (indexed as n-grams)? One of [`HAN_RANGES`]: asked of every
/// character the search index and the 繁體 table read, so the common answers come first (below
/// the first range, then the unified ideographs).
#[inline]
pub fn is_han(c: char) -> bool {
    let u = c as u32;
    if u < 0x3007 {
        return false;
    }
    (0x4E00..=0x9FFF).contains(&u)
        || (0x3400..=0x4DBF).contains(&u)
        || u == 0x3007
        || (0xF900..=0xFAFF).contains(&u)
        || (0x20000..=0x3134F).contains(&u)
}

/// The Traditional → Simplified table: every Han code point whose OpenCC `t2s` conversion, on
/// its own, is a single different code point. Chains are resolved (the table is idempotent).
pub fn t2s_table() -> &'static BTreeMap<char, char> {
    static TABLE: OnceLock<BTreeMap<char, char>> = OnceLock::new();
    TABLE.get_or_init(|| parse_table(include_str!("fold_t2s.txt")))
}

/// A committed table (see the module documentation): `#` lines, then a line per pair, the
/// character and what it converts to.
pub fn parse_table(text: &str) -> BTreeMap<char, char> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let mut cs = l.chars();
            match (cs.next(), cs.next(), cs.next()) {
                (Some(from), Some(to), None) => (from, to),
                _ => panic!("a committed character table holds a malformed line: {l:?}"),
            }
        })
        .collect()
}

/// A table as [`parse_table`] reads it, with `header` as its `#` lines.
#[cfg(test)]
pub fn table_text(header: &str, table: &BTreeMap<char, char>) -> String {
    let mut s: String = header.lines().map(|l| format!("# {l}\n")).collect();
    for (from, to) in table {
        s.push(*from);
        s.push(*to);
        s.push('\n');
    }
    s
}

/// Fails unless `committed`, the table compiled in from `path` (from the crate's root), is
/// the one `derived` holds; writes `derived` to `path` instead when `GONGKAI_BLESS` is set.
#[cfg(test)]
pub fn check_committed_table(path: &str, committed: &BTreeMap<char, char>, derived: String) {
    if std::env::var_os("GONGKAI_BLESS").is_some() {
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        std::fs::write(file, &derived).unwrap();
        return;
    }
    assert!(
        parse_table(&derived) == *committed,
        "{path} is not what the ferrous-opencc of Cargo.lock derives; \
         run GONGKAI_BLESS=1 cargo test committed_tables and review the diff"
    );
}

/// Every Han code point that `opencc` converts, on its own, to one other code point (the
/// search folding's `t2s` table, and the 繁體 switch's `s2t` characters).
#[cfg(test)]
pub fn single_char_table(opencc: &ferrous_opencc::OpenCC) -> BTreeMap<char, char> {
    let chars: Vec<char> = HAN_RANGES
        .iter()
        .flat_map(|&(lo, hi)| (lo..=hi).filter_map(char::from_u32))
        .collect();
    // One conversion call over all characters, each on its own line: phrase rules never span
    // a line break, so every character is converted on its own.
    let mut input = String::with_capacity(chars.len() * 4);
    for c in &chars {
        input.push(*c);
        input.push('\n');
    }
    let output = opencc.convert(&input);
    let lines: Vec<&str> = output.split('\n').collect();
    assert_eq!(lines.len(), chars.len() + 1, "OpenCC kept the lines");
    let mut table = BTreeMap::new();
    for (&c, line) in chars.iter().zip(&lines) {
        if let Some(s) = single(line) {
            if s != c {
                table.insert(c, s);
            }
        }
    }
    table
}

#[cfg(test)]
fn derive_t2s_table() -> BTreeMap<char, char> {
    use ferrous_opencc::config::BuiltinConfig;
    let opencc = ferrous_opencc::OpenCC::from_config(BuiltinConfig::T2s)
        .expect("ferrous-opencc ships its t2s configuration");
    let mut table = single_char_table(&opencc);
    // Resolve chains (a → b, b → c gives a → c) so folding twice changes nothing.
    let snapshot = table.clone();
    for v in table.values_mut() {
        let mut seen = 0;
        while let Some(&next) = snapshot.get(v) {
            if next == *v || seen > 8 {
                break;
            }
            *v = next;
            seen += 1;
        }
    }
    table
}

#[cfg(test)]
fn single(s: &str) -> Option<char> {
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// Folds one code point (see the module documentation).
pub fn fold_char(c: char) -> char {
    fold_with(bmp_table(), c)
}

/// Appends `text`, folded, to `out`.
pub fn fold_into(text: &str, out: &mut Vec<char>) {
    let bmp = bmp_table();
    out.extend(text.chars().map(|c| fold_with(bmp, c)));
}

/// Every code point of the Basic Multilingual Plane, folded.
fn bmp_table() -> &'static [char] {
    static BMP: OnceLock<Vec<char>> = OnceLock::new();
    BMP.get_or_init(|| {
        (0..0x1_0000u32)
            .map(|u| char::from_u32(u).map_or('\u{FFFD}', fold_char_slow))
            .collect()
    })
}

#[inline]
fn fold_with(bmp: &[char], c: char) -> char {
    match bmp.get(c as usize) {
        Some(&f) => f,
        None => fold_char_slow(c),
    }
}

fn fold_char_slow(c: char) -> char {
    let u = c as u32;
    match u {
        0x41..=0x5A => char::from_u32(u + 0x20).unwrap_or(c),
        0xC0..=0xDE if u != 0xD7 => char::from_u32(u + 0x20).unwrap_or(c),
        0xFF01..=0xFF5E => fold_char_slow(char::from_u32(u - 0xFEE0).unwrap_or(c)),
        0x3000 => ' ',
        _ if u >= 0x3400 => t2s_table().get(&c).copied().unwrap_or(c),
        _ => c,
    }
}

/// Folds a whole text; the result has exactly as many code points as the input.
pub fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_han_character_is_one_in_the_han_ranges() {
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            let u = c as u32;
            let listed = HAN_RANGES.iter().any(|&(lo, hi)| (lo..=hi).contains(&u));
            assert_eq!(is_han(c), listed, "U+{u:04X}");
        }
    }

    #[test]
    fn traditional_folds_to_simplified() {
        assert_eq!(fold("碳達峰"), "碳达峰");
        assert_eq!(fold("污水處理率達到98%"), "污水处理率达到98%");
        assert_eq!(fold("市發改委、市經信局"), "市发改委、市经信局");
        assert_eq!(fold("綠色發展"), "绿色发展");
    }

    #[test]
    fn simplified_text_is_unchanged() {
        let s = "到2025年,污水处理率达到98%以上,市林草局";
        assert_eq!(fold(s), s);
    }

    #[test]
    fn full_width_and_latin_fold() {
        assert_eq!(fold("ＰＭ２．５"), "pm2.5");
        assert_eq!(fold("９８％"), "98%");
        assert_eq!(fold("GDP　CO2"), "gdp co2");
    }

    #[test]
    fn folding_is_one_to_one_and_idempotent() {
        for (&t, &s) in t2s_table() {
            assert_eq!(fold_char(s), s, "{t} → {s} is not a fixpoint");
        }
        assert!(
            t2s_table().len() > 2000,
            "table too small: {}",
            t2s_table().len()
        );
    }

    #[test]
    fn committed_tables_t2s_is_what_opencc_derives() {
        let derived = table_text(T2S_HEADER, &derive_t2s_table());
        check_committed_table("src/util/fold_t2s.txt", t2s_table(), derived);
    }

    const T2S_HEADER: &str =
        "Traditional → Simplified, character by character, for the search's folding: every Han
code point that OpenCC's t2s converts on its own to one other code point, chains resolved.
Derived from the ferrous-opencc of Cargo.lock (src/util/fold.rs); a test checks it, and
GONGKAI_BLESS=1 cargo test committed_tables writes it anew.";
}
