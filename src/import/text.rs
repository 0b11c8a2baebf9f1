//! Text helpers shared by the importer: a Simplified-Chinese view of the document that keeps
//! byte offsets, and a pair type that carries both.
//!
//! Seeds come in Simplified or Traditional characters. Every pattern (牵头单位, 达到, 以上 …) is
//! written once, in Simplified, and matched against the *view*; whatever is written out is sliced
//! from the *original* at the same offsets, so the output stays as printed.

use std::ops::Range;

use zhconv::{zhconv, Variant};

/// The text with Traditional characters replaced by Simplified ones where the replacement has
/// the same UTF-8 length, so every byte offset means the same place in both strings.
pub fn simplified_view(text: &str) -> String {
    let converted = zhconv(text, Variant::ZhHans);
    if converted.chars().count() == text.chars().count() {
        return text
            .chars()
            .zip(converted.chars())
            .map(|(o, c)| if o.len_utf8() == c.len_utf8() { c } else { o })
            .collect();
    }
    // A phrase rule changed the length somewhere: fall back to one character at a time.
    text.chars()
        .map(|o| {
            if o.is_ascii() {
                return o;
            }
            let c = zhconv(o.encode_utf8(&mut [0; 4]), Variant::ZhHans);
            let mut it = c.chars();
            match (it.next(), it.next()) {
                (Some(c), None) if c.len_utf8() == o.len_utf8() => c,
                _ => o,
            }
        })
        .collect()
}

/// Simplified form of a short string (a unit name), for comparing names across scripts.
pub fn to_simplified(s: &str) -> String {
    zhconv(s, Variant::ZhHans)
}

/// Pinyin syllables (no tones) of the Han characters of `s`, and its ASCII letters and digits
/// as they are; everything else separates words. 武汉市 → ["wu", "han", "shi"].
pub fn pinyin_words(s: &str) -> Vec<String> {
    use pinyin::ToPinyin;
    let simple = to_simplified(s);
    let mut words = Vec::new();
    let mut ascii = String::new();
    for (c, p) in simple.chars().zip(simple.as_str().to_pinyin()) {
        if c.is_ascii_alphanumeric() {
            ascii.push(c.to_ascii_lowercase());
            continue;
        }
        if !ascii.is_empty() {
            words.push(std::mem::take(&mut ascii));
        }
        if let Some(p) = p {
            words.push(p.plain().to_string());
        }
    }
    if !ascii.is_empty() {
        words.push(ascii);
    }
    words
}

/// A piece of the document: the original text and its simplified view, same byte layout.
#[derive(Debug, Clone, Copy)]
pub struct Dual<'a> {
    pub orig: &'a str,
    pub norm: &'a str,
}

impl<'a> Dual<'a> {
    pub fn new(orig: &'a str, norm: &'a str) -> Self {
        debug_assert_eq!(orig.len(), norm.len());
        Dual { orig, norm }
    }

    pub fn slice(&self, r: Range<usize>) -> Dual<'a> {
        Dual {
            orig: &self.orig[r.clone()],
            norm: &self.norm[r],
        }
    }

    pub fn trim(&self) -> Dual<'a> {
        let start = self.norm.len() - self.norm.trim_start().len();
        let end = self.norm.trim_end().len();
        if start >= end {
            return self.slice(0..0);
        }
        self.slice(start..end)
    }

    /// Byte offset of this piece inside `outer`, which it must be a slice of.
    pub fn offset_in(&self, outer: &Dual) -> usize {
        self.norm.as_ptr() as usize - outer.norm.as_ptr() as usize
    }

    pub fn is_empty(&self) -> bool {
        self.orig.is_empty()
    }

    /// Splits at top level (outside brackets) on any of `seps`; the separators are dropped.
    pub fn split_top(&self, seps: &[char]) -> Vec<Dual<'a>> {
        let mut out = Vec::new();
        let mut depth = 0i32;
        let mut start = 0;
        for (i, c) in self.norm.char_indices() {
            if is_open(c) {
                depth += 1;
            } else if is_close(c) {
                depth -= 1;
            } else if depth <= 0 && seps.contains(&c) {
                out.push(self.slice(start..i));
                start = i + c.len_utf8();
            }
        }
        out.push(self.slice(start..self.norm.len()));
        out
    }
}

pub fn is_open(c: char) -> bool {
    matches!(
        c,
        '(' | '（' | '〈' | '《' | '[' | '［' | '【' | '〔' | '“' | '‘' | '「'
    )
}

pub fn is_close(c: char) -> bool {
    matches!(
        c,
        ')' | '）' | '〉' | '》' | ']' | '］' | '】' | '〕' | '”' | '’' | '」'
    )
}

/// Whitespace of every width, including the non-breaking and ideographic spaces that web pages
/// put in front of paragraphs.
pub fn is_blank(s: &str) -> bool {
    s.chars().all(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_keeps_offsets_and_simplifies() {
        let t = "(牽頭單位:市發改委;責任單位:各有關部門和單位)";
        let v = simplified_view(t);
        assert_eq!(v.len(), t.len());
        assert_eq!(v, "(牵头单位:市发改委;责任单位:各有关部门和单位)");
    }

    #[test]
    fn pinyin_of_place_names() {
        assert_eq!(pinyin_words("武漢市").concat(), "wuhanshi");
        assert_eq!(pinyin_words("咸宁").concat(), "xianning");
        assert_eq!(pinyin_words("PM2.5标准"), ["pm2", "5", "biao", "zhun"]);
    }

    #[test]
    fn split_top_ignores_separators_in_brackets() {
        let t = "市发改委、县(市、区)政府,各县区";
        let d = Dual::new(t, t);
        let parts: Vec<_> = d.split_top(&['、', ',']).iter().map(|p| p.orig).collect();
        assert_eq!(parts, ["市发改委", "县(市、区)政府", "各县区"]);
    }
}
