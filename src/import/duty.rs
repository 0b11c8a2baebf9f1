//! A task's responsibility line → lead units, responsible units, label and note.
//!
//! Printed forms handled (full-width or ASCII punctuation, Simplified or Traditional):
//! `(牵头单位:A;责任单位:B、C)`, `(牵头单位:A;配合单位:B)`, `(责任单位:A、B)`,
//! `(A、B等按职责分工落实,以下均需…落实,不再列出)`, `(牵头单位:A、B按照职责分别负责;责任单位:…)`,
//! and an unbracketed `责任单位:…` line. Unit names are kept as printed; a trailing
//! `等相关部门和单位` becomes an entry of its own; notes (`以下…不再列出`) are never units.

use std::sync::LazyLock;

use regex::Regex;

use super::model::Duty;
use super::text::{is_close, is_open, Dual};

/// Words that make a bracket a responsibility line rather than an aside.
static DUTY_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"牵头单位|牵头部门|责任单位|责任部门|配合单位|配合部门|协办单位|参与单位|按职责|职责分工|分别负责|负责落实|牵头落实")
        .unwrap()
});
static LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(牵头单位|牵头部门|责任单位|责任部门|配合单位|配合部门|协办单位|参与单位)\s*[:：]",
    )
    .unwrap()
});
/// A phrase after a plain unit list that says "each does its part".
static DUTY_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(等)?(负责)?(按照?职责分工(负责)?落实|按照?职责分(别|工)负责|按照?职责落实|分别负责|负责落实|共同负责|牵头落实)\s*$")
        .unwrap()
});
static NOTE_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(以下|后续|下同|此后|其他任务|各项任务)|不再(一一|逐一)?列出").unwrap()
});
/// A trailing group name after 等: 等相关部门和单位, 等老龄工作成员单位.
static GROUP_SUFFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(单位|部门|机构|成员单位|县区|县\(市\)区|县（市）区)$").unwrap());

static UNBRACKETED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(^|[。；;]\s*)(牵头单位|牵头部门|责任单位|责任部门|配合单位)\s*[:：]").unwrap()
});

/// Where in a paragraph the responsibility line is, and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// Byte range of the whole line in the paragraph, brackets included.
    pub range: std::ops::Range<usize>,
    pub duty: Duty,
}

/// Finds a responsibility line at the end of a paragraph (bracketed) or making up a paragraph
/// or its tail (`责任单位:…`).
pub fn find(p: Dual) -> Option<Found> {
    let norm = p.norm.trim_end();
    let trimmed = norm.trim_end_matches(['。', '.', ';', '；']);
    if trimmed.ends_with([')', '）']) {
        let open = matching_open(trimmed)?;
        let inner = strip_bracket(p, open, trimmed.len());
        if DUTY_WORDS.is_match(inner.norm) {
            return Some(Found {
                range: open..norm.len(),
                duty: parse(inner),
            });
        }
    }
    // Unbracketed: "责任单位:…" starting the paragraph or after a full stop.
    let m = UNBRACKETED.captures(norm)?;
    let start = m.get(2).unwrap().start();
    Some(Found {
        range: start..norm.len(),
        duty: parse(p.slice(start..trimmed.len())),
    })
}

/// The content between the bracket opening at `open` and the closing bracket ending at `end`.
fn strip_bracket<'a>(p: Dual<'a>, open: usize, end: usize) -> Dual<'a> {
    let open_len = p.norm[open..].chars().next().map_or(1, char::len_utf8);
    let close_len = p.norm[..end].chars().next_back().map_or(1, char::len_utf8);
    p.slice(open + open_len..end - close_len)
}

/// Byte offset of the bracket that the final closing bracket of `s` closes.
fn matching_open(s: &str) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in s.char_indices().rev() {
        if is_close(c) {
            depth += 1;
        } else if is_open(c) {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

/// Parses the content of a responsibility line.
pub fn parse(inner: Dual) -> Duty {
    let mut duty = Duty::default();
    let mut notes: Vec<String> = Vec::new();
    for seg in inner.split_top(&[';', '；']) {
        let seg = seg.trim();
        if seg.is_empty() {
            continue;
        }
        let (label, value) = match LABELLED.captures(seg.norm) {
            Some(c) => {
                let l = c.get(1).unwrap();
                (
                    Some(seg.orig[l.range()].to_string()),
                    seg.slice(c.get(0).unwrap().end()..seg.norm.len()),
                )
            }
            None => (None, seg),
        };
        let (value, note) = split_note(value);
        notes.extend(note);
        let (value, tail) = match DUTY_TAIL.find(value.norm) {
            Some(m) => {
                let phrase = value.orig[m.range()]
                    .trim_start_matches('等')
                    .trim_start_matches("负责");
                (value.slice(0..m.start()), Some(phrase.to_string()))
            }
            None => (value, None),
        };
        let units = split_units(value);
        let is_lead = label.as_deref().is_some_and(|l| {
            let l = super::text::to_simplified(l);
            l.starts_with("牵头")
        });
        if is_lead {
            // "A、B按照职责分别负责" is a note about the leads, not a unit.
            if let Some(t) = tail.filter(|t| super::text::to_simplified(t).contains("分别")) {
                notes.push(t);
            }
            push_unique(&mut duty.lead, units);
        } else {
            if let Some(l) = &label {
                let simple = super::text::to_simplified(l);
                if simple != "责任单位" && duty.responsible_label.is_none() {
                    duty.responsible_label = Some(l.clone());
                }
            }
            push_unique(&mut duty.responsible, units);
        }
    }
    if !notes.is_empty() {
        duty.note = Some(notes.join(";"));
    }
    duty
}

fn push_unique(list: &mut Vec<String>, units: Vec<String>) {
    for u in units {
        if !list.contains(&u) {
            list.push(u);
        }
    }
}

/// Splits "A、B,以下均需…落实,不再列出" into the list and the note.
fn split_note(value: Dual) -> (Dual, Option<String>) {
    for (i, part) in value.split_top(&[',', '，']).iter().enumerate() {
        if i > 0 && NOTE_START.is_match(part.norm) {
            let off = part.offset_in(&value);
            let sep = value.norm[..off]
                .chars()
                .next_back()
                .map_or(0, char::len_utf8);
            let note = value.orig[off..].trim().to_string();
            return (value.slice(0..off - sep), Some(note));
        }
    }
    (value, None)
}

/// Splits a unit list on 、 , ; (outside brackets); "A等相关部门和单位" gives "A" and
/// "等相关部门和单位"; a bare trailing 等 is dropped.
pub fn split_units(list: Dual) -> Vec<String> {
    let mut out = Vec::new();
    for part in list.split_top(&['、', ',', '，', ';', '；']) {
        let part = part.trim();
        let norm = part.norm.trim_end_matches('等');
        let orig = &part.orig[..norm.len()];
        if norm.is_empty() {
            continue;
        }
        // 等 followed by a group name, not at the start.
        match norm
            .char_indices()
            .skip(1)
            .filter(|&(_, c)| c == '等')
            .map(|(i, _)| i)
            .last()
        {
            Some(i) if GROUP_SUFFIX.is_match(&norm[i..]) && norm[i..].chars().count() > 2 => {
                out.push(orig[..i].trim().to_string());
                out.push(orig[i..].trim().to_string());
            }
            _ => out.push(orig.trim().to_string()),
        }
    }
    out.retain(|u| !u.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::text::simplified_view;

    fn duty_of(p: &str) -> Duty {
        let v = simplified_view(p);
        find(Dual::new(p, &v)).expect("a responsibility line").duty
    }

    #[test]
    fn lead_and_responsible() {
        let d = duty_of("落实。(牵头单位:市发改委;责任单位:各有关部门和单位)");
        assert_eq!(d.lead, ["市发改委"]);
        assert_eq!(d.responsible, ["各有关部门和单位"]);
        assert_eq!(d.responsible_label, None);
    }

    #[test]
    fn traditional_and_full_width() {
        let d = duty_of("落實。（牽頭單位：市交通運輸局、市發改委；責任單位：各有關部門和單位）");
        assert_eq!(d.lead, ["市交通運輸局", "市發改委"]);
        assert_eq!(d.responsible, ["各有關部門和單位"]);
    }

    #[test]
    fn cooperating_units_and_a_note() {
        let d = duty_of("(牵头单位:市生态环境局;配合单位:《方案》涉及的市直单位、各县区,以下所有工作任务均需各县区落实,不再一一列出)");
        assert_eq!(d.lead, ["市生态环境局"]);
        assert_eq!(d.responsible, ["《方案》涉及的市直单位", "各县区"]);
        assert_eq!(d.responsible_label.as_deref(), Some("配合单位"));
        assert_eq!(
            d.note.as_deref(),
            Some("以下所有工作任务均需各县区落实,不再一一列出")
        );
    }

    #[test]
    fn plain_list_before_duty_phrase() {
        let d = duty_of("(市发改委、市科技局、人行武汉分行营管部等按职责分工落实,以下均需各区人民政府〈含开发区、长江新区〉落实,不再列出)");
        assert!(d.lead.is_empty());
        assert_eq!(
            d.responsible,
            ["市发改委", "市科技局", "人行武汉分行营管部"]
        );
        assert_eq!(
            d.note.as_deref(),
            Some("以下均需各区人民政府〈含开发区、长江新区〉落实,不再列出")
        );
        let d = duty_of("(市生态环境局、市发改委、市经信局负责按职责分工落实)");
        assert_eq!(d.responsible, ["市生态环境局", "市发改委", "市经信局"]);
    }

    #[test]
    fn trailing_group_and_nested_brackets() {
        let d = duty_of("(牵头单位:市自然资源和规划局;责任单位:市发改委、市生态环境局等相关部门和单位、县(市)区政府,后续内容均需县(市)区政府配合,不再逐一列出)");
        assert_eq!(
            d.responsible,
            [
                "市发改委",
                "市生态环境局",
                "等相关部门和单位",
                "县(市)区政府"
            ]
        );
        assert_eq!(
            d.note.as_deref(),
            Some("后续内容均需县(市)区政府配合,不再逐一列出")
        );
    }

    #[test]
    fn leads_each_responsible_for_their_part() {
        let d = duty_of("(牵头单位:市商务局、市民政局按照职责分别负责;责任单位:市发改委、市住建局等老龄工作成员单位)");
        assert_eq!(d.lead, ["市商务局", "市民政局"]);
        assert_eq!(
            d.responsible,
            ["市发改委", "市住建局", "等老龄工作成员单位"]
        );
        assert_eq!(d.note.as_deref(), Some("按照职责分别负责"));
    }

    #[test]
    fn responsible_only_with_mixed_separators() {
        let d = duty_of("(责任单位:市商务局、市供销社,城发集团)");
        assert_eq!(d.responsible, ["市商务局", "市供销社", "城发集团"]);
    }

    #[test]
    fn unbracketed_line() {
        let d = duty_of("责任单位：市发改委、市财政局");
        assert_eq!(d.responsible, ["市发改委", "市财政局"]);
    }

    #[test]
    fn an_aside_in_brackets_is_not_a_duty_line() {
        let p = "推进蒲圻电厂(三期)";
        assert_eq!(find(Dual::new(p, p)), None);
    }
}
