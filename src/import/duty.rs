//! A task's responsibility line → lead units, responsible units, label and note.
//!
//! Printed forms handled (full-width or ASCII punctuation, Simplified or Traditional):
//! `(牵头单位:A;责任单位:B、C)`, `(牵头单位:A;配合单位:B)`, `(责任单位:A、B)`,
//! `(A、B等按职责分工落实,以下均需…落实,不再列出)`, `(牵头单位:A、B按照职责分别负责;责任单位:…)`,
//! and an unbracketed `责任单位:…` line; labels separated by a comma as well as a semicolon
//! (`（牵头单位：A，配合单位：B、C，各区、县级市）`); lists with a verb instead of a label:
//! `（A、B负责）`, `（X牵头负责，A、B组织落实）`, `（X牵头，Y配合）`, `（X会同Y负责）`,
//! `（各…按职责分工负责）`; and units before the duty, `城运中心：负责…`. Unit names are kept as
//! printed; a trailing `等相关部门和单位` becomes an entry of its own; `各区、县级市` is one
//! collective; notes (`以下…不再列出`, `列第一位者为牵头单位，下同`) are never units.
//!
//! A plain list (`（A、B、C负责）`) names no lead. When the document states once that the unit
//! listed first leads ([`FIRST_LEADS`]), the assembler applies that to every later plain list.

use std::sync::LazyLock;

use regex::Regex;

use super::model::Duty;
use super::text::{is_close, is_open, Dual};

/// Words that make a bracket a responsibility line rather than an aside.
static DUTY_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"牵头(考核|责任)?单位|牵头部门|责任单位|责任部门|配合单位|配合部门|协办单位|参与单位|按职责|职责分工|分别负责|负责落实|牵头落实")
        .unwrap()
});
static LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(牵头(?:考核|责任)?单位|牵头部门|责任单位|责任部门|配合单位|配合部门|协办单位|参与单位)\s*[:：]",
    )
    .unwrap()
});
/// A phrase after a plain unit list that says "each does its part".
static DUTY_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(等)?(负责)?(按照?职责分工(负责)?落实|按照?职责分(别|工)负责|按照?职责落实|分别负责|负责落实|共同负责|牵头落实)\s*$")
        .unwrap()
});
/// What a unit list ends with when it has no label: the units that do the work.
static DOER_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(等)?(按照?职责分工(负责)?落实|按照?职责分(别|工)负责|按照?职责落实|按照?职责(分工)?(配合|参与|协助)|分别负责|负责落实|共同负责|组织落实|具体落实|抓好落实|配合落实|协同配合|配合|参与|协助|组织实施|共同推进|负责)\s*$")
        .unwrap()
});
/// What a unit list ends with when it leads: `X牵头负责`, `X牵头`, and `X指导` (the department
/// that guides the units doing the work).
static LEAD_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(牵头负责|牵头落实|牵头抓总|牵头实施|牵头推进|牵头|指导)\s*$").unwrap()
});
/// `X会同Y负责`: X leads, Y takes part.
static TOGETHER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"会同|联合").unwrap());
/// The rule, stated once, that the unit listed first leads: `列第一位者为牵头单位`,
/// `排在第一位的部门为牵头部门`, `排名第一的为牵头单位`.
pub static FIRST_LEADS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(列|排|排名|排序)(在)?(第一位|第一|首位)(者|的)?(单位|部门)?(为|是)(牵头|主办|主责)(单位|部门)")
        .unwrap()
});
static NOTE_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(以下|后续|下同|此后|其他任务|各项任务|(列|排|排名|排序)(在)?(第一位|第一|首位))|不再(一一|逐一)?列出").unwrap()
});
/// A whole segment that is a note, not units: `列第一位者为牵头单位，下同`, `以下…不再列出`.
static NOTE_SEGMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(以下|后续|下同|此后|(列|排|排名|排序)(在)?(第一位|第一|首位))").unwrap()
});
/// How a unit name ends (Simplified): a department, an office, a government, a company …
static UNIT_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(局|委|办|厅|部|署|院|会|中心|政府|集团|公司|银行|支行|分行|单位|部门|办公室|管委会|街道|队|所|站|馆|社|团|联|处|组|机构|企业|学校|大学|法院|检察院|总局|分局|支队|总队|协会|工会|妇联|团委|海关|税务局|管理处|集团公司|电视台|报社|中央|党委|党组)$")
        .unwrap()
});
/// `等和各…`, `和各…`: where a collective joins a list.
static AND_EACH: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"等?(和|及|以及)各").unwrap());
/// A bare level noun that continues a collective: 各区、县级市 is one unit.
static LEVEL_NOUN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(县级市|县|区|市|乡镇|乡|镇|街道|旗|县区|县市区|市辖区)(人民政府|政府|党委|党委政府|党委和政府)?$").unwrap()
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
        if DUTY_WORDS.is_match(inner.norm) || is_verb_list(inner) {
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

/// Responsibility lines inside a paragraph, each right after a sentence it assigns
/// (`…举办赛事。（体育总局负责）推动…。（市场监管总局负责）`); the one that ends the paragraph is
/// [`find`]'s.
pub fn within(p: Dual) -> Vec<Duty> {
    let mut out = Vec::new();
    let norm = p.norm;
    let mut depth = 0;
    let mut open_at = None;
    let mut prev_end = false;
    for (i, c) in norm.char_indices() {
        if is_open(c) {
            if depth == 0 && matches!(c, '(' | '（') {
                open_at = prev_end.then_some(i);
            }
            depth += 1;
        } else if is_close(c) {
            depth -= 1;
            if depth == 0 {
                if let Some(o) = open_at.take() {
                    let end = i + c.len_utf8();
                    let at_end = norm[end..]
                        .trim()
                        .trim_matches(['。', '.', ';', '；'])
                        .is_empty();
                    let inner = strip_bracket(p, o, end);
                    if !at_end && (DUTY_WORDS.is_match(inner.norm) || is_verb_list(inner)) {
                        out.push(parse(inner));
                    }
                }
            }
        }
        if depth == 0 && !c.is_whitespace() {
            prev_end = matches!(c, '。' | '；' | ';' | '！' | '!');
        }
    }
    out
}

/// Several responsibility lines of one item as one: leads and units in the order printed.
pub fn merge(parts: Vec<Duty>) -> Option<Duty> {
    let mut it = parts.into_iter();
    let mut d = it.next()?;
    for p in it {
        push_unique(&mut d.lead, p.lead);
        let new: Vec<String> = p
            .responsible
            .into_iter()
            .filter(|u| !d.lead.contains(u))
            .collect();
        push_unique(&mut d.responsible, new);
        d.plain_list &= p.plain_list;
        if d.responsible_label.is_none() {
            d.responsible_label = p.responsible_label;
        }
        if d.note.is_none() {
            d.note = p.note;
        }
    }
    // A unit that leads one sentence and takes part in another is listed once, as a lead.
    let lead = d.lead.clone();
    d.responsible.retain(|u| !lead.contains(u));
    Some(d)
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
    let segments = labelled_segments(inner);
    let any_label = segments.iter().any(|s| LABELLED.is_match(s.norm));
    for seg in segments {
        let seg = seg.trim();
        if seg.is_empty() {
            continue;
        }
        // Beside labels, a segment without one that names no unit is the deadline or the state
        // of the work (`（6月底完成，牵头考核单位：A）`, `（持续推进，…）`), not a unit.
        if any_label
            && !LABELLED.is_match(seg.norm)
            && !split_units(seg).iter().all(|u| looks_like_unit(u))
        {
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
        if label.is_none() && NOTE_SEGMENT.is_match(value.norm) {
            // A segment of its own that is a note: 列第一位者为牵头单位，下同.
            notes.push(value.orig.trim().to_string());
            continue;
        }
        let (value, note) = split_note(value);
        notes.extend(note);
        if label.is_none() && verb_form(value, &mut duty) {
            continue;
        }
        let (value, tail) = match DUTY_TAIL.find(value.norm) {
            Some(m) => {
                let phrase = value.orig[m.range()]
                    .trim_start_matches('等')
                    .trim_start_matches("负责");
                (value.slice(0..m.start()), Some(phrase.to_string()))
            }
            None => match DOER_TAIL.find(value.norm).filter(|_| label.is_none()) {
                Some(m) => (value.slice(0..m.start()), None),
                None => (value, None),
            },
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
            } else {
                duty.plain_list = true;
            }
            push_unique(&mut duty.responsible, units);
        }
    }
    if !duty.lead.is_empty() {
        duty.plain_list = false;
    }
    if !notes.is_empty() {
        duty.note = Some(notes.join(";"));
    }
    duty
}

/// The segments of a responsibility line: split at semicolons, and at commas that are followed
/// by a label (`牵头单位：A，配合单位：B`); a comma inside a list (`B、C，各区`) does not split.
fn labelled_segments(inner: Dual) -> Vec<Dual> {
    let mut out = Vec::new();
    for seg in inner.split_top(&[';', '；', '。']) {
        let mut start = 0;
        for part in seg.split_top(&[',', '，']).iter().skip(1) {
            if LABELLED.is_match(part.norm) {
                let off = part.offset_in(&seg);
                let sep = seg.norm[..off]
                    .chars()
                    .next_back()
                    .map_or(0, char::len_utf8);
                out.push(seg.slice(start..off - sep));
                start = off;
            }
        }
        out.push(seg.slice(start..seg.norm.len()));
    }
    out
}

/// Unlabelled clauses with verbs: `X牵头负责，A、B组织落实`, `X牵头，Y配合`, `X会同Y负责`.
/// Fills `duty` and returns true when the value has this form.
fn verb_form(value: Dual, duty: &mut Duty) -> bool {
    let clauses: Vec<Dual> = value
        .split_top(&[',', '，'])
        .into_iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    let Some(first) = clauses.first() else {
        return false;
    };
    let (lead, rest_first) = if let Some(m) = LEAD_TAIL.find(first.norm) {
        (first.slice(0..m.start()), None)
    } else if let Some(m) = TOGETHER.find(first.norm) {
        let after = first.slice(m.end()..first.norm.len());
        let Some(t) = DOER_TAIL.find(after.norm) else {
            return false;
        };
        (first.slice(0..m.start()), Some(after.slice(0..t.start())))
    } else {
        return false;
    };
    let lead_units = split_units(lead);
    if lead_units.is_empty() || !lead_units.iter().all(|u| looks_like_unit(u)) {
        return false;
    }
    push_unique(&mut duty.lead, lead_units);
    if let Some(r) = rest_first {
        push_unique(&mut duty.responsible, split_units(r));
    }
    for c in &clauses[1..] {
        let list = DOER_TAIL.find(c.norm).map_or(*c, |m| c.slice(0..m.start()));
        push_unique(&mut duty.responsible, split_units(list));
    }
    true
}

/// Whether a printed name reads as a unit: a collective (各…), or a name ending the way
/// departments, offices, governments and companies end.
pub fn looks_like_unit(name: &str) -> bool {
    let s = super::text::to_simplified(name.trim());
    let n = s.chars().count();
    (2..=30).contains(&n)
        && !s.contains(['。', '，', '：', ':'])
        && !s.starts_with([
            '由', '对', '在', '将', '按', '把', '从', '向', '与', '以', '其',
        ])
        && (s.starts_with('各') || UNIT_END.is_match(&s) || s.ends_with("人民政府"))
}

/// A bracket without labels that still assigns the work: a list of units ending with a verb
/// (`A、B负责`, `X牵头，Y配合`), notes allowed after it.
fn is_verb_list(inner: Dual) -> bool {
    let (value, _) = split_note(inner);
    let mut probe = Duty::default();
    if verb_form(value, &mut probe) {
        return true;
    }
    let Some(m) = DOER_TAIL.find(value.norm) else {
        return false;
    };
    let units = split_units(value.slice(0..m.start()));
    !units.is_empty() && units.iter().all(|u| looks_like_unit(u))
}

/// Units printed before the duty, at the start of an item: `城运中心：负责…`, or a line that is
/// only `市发展改革委、市财政局：`. Returns the units and where the duty text starts.
pub fn units_first(p: Dual) -> Option<(Duty, usize)> {
    let colon = p.norm.find(['：', ':'])?;
    let head = p.slice(0..colon).trim();
    if head.norm.chars().count() > 40 || head.is_empty() {
        return None;
    }
    let units = split_units(head);
    let strict = |u: &String| {
        let s = super::text::to_simplified(u);
        // 美丽城区 or 示范县 as a heading's title is no unit: a bare place needs 各 or 政府.
        looks_like_unit(u) && (s.starts_with('各') || !s.ends_with(['区', '县', '市']))
    };
    if units.is_empty() || !units.iter().all(strict) {
        return None;
    }
    let sep = p.norm[colon..].chars().next().map_or(1, char::len_utf8);
    let duty = Duty {
        responsible: units,
        plain_list: true,
        ..Duty::default()
    };
    Some((duty, colon + sep))
}

/// Units named as the subjects of an item's sentences, in a part that divides duties: the first
/// sentence naming a lead with a verb (`区市场监管局牵头…工作。`), and later sentences each
/// opening with the units that do their part (`区行政审批局，负责…`, `区交建局、区城乡交建中心负责…`,
/// `区市场监管局、区属国有企业发现…的，移交…`). Units named later in a sentence (移交区公安局) are
/// not its subject.
pub fn sentence_subjects(p: Dual) -> Option<Duty> {
    let mut duty = Duty::default();
    for (k, sentence) in p.split_top(&['。', '；', ';']).into_iter().enumerate() {
        let sentence = sentence.trim();
        if k == 0 {
            if let Some(at) = sentence.norm.find("牵头") {
                let units = split_units(sentence.slice(0..at));
                if !units.is_empty() && units.iter().all(|u| looks_like_unit(u)) {
                    push_unique(&mut duty.lead, units);
                    continue;
                }
            }
        }
        let units = subject(sentence);
        let units: Vec<String> = units
            .into_iter()
            .filter(|u| !duty.lead.contains(u))
            .collect();
        push_unique(&mut duty.responsible, units);
    }
    (!duty.lead.is_empty() || !duty.responsible.is_empty()).then_some(duty)
}

/// The units a sentence opens with: the clause before its first comma or before 负责 when that
/// is a unit list, or a list of two or more whose last name runs into the verb.
fn subject(sentence: Dual) -> Vec<String> {
    let all_units = |v: &[String]| !v.is_empty() && v.iter().all(|u| looks_like_unit(u));
    let clause = sentence.split_top(&['，', ',']).into_iter().next();
    let Some(clause) = clause.map(|c| c.trim()) else {
        return Vec::new();
    };
    let units = split_units(clause);
    if all_units(&units) {
        return units;
    }
    if let Some(at) = clause.norm.find("负责") {
        let units = split_units(clause.slice(0..at));
        if all_units(&units) {
            return units;
        }
    }
    let parts = clause.split_top(&['、']);
    if parts.len() < 2 {
        return Vec::new();
    }
    let mut units = split_units(clause.slice(0..parts[parts.len() - 1].offset_in(&clause)));
    let last = parts[parts.len() - 1].trim();
    let shortest = last
        .norm
        .char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .find(|&end| looks_like_unit(&last.norm[..end]));
    match shortest {
        Some(end) if all_units(&units) => {
            units.push(last.orig[..end].to_string());
            units
        }
        _ => Vec::new(),
    }
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
    let mut out: Vec<String> = Vec::new();
    let parts = list
        .split_top(&['、', ',', '，', ';', '；'])
        .into_iter()
        .flat_map(and_each);
    for part in parts {
        let off = part.offset_in(&list);
        let after_dun = list.norm[..off].ends_with('、');
        let part = part.trim();
        // 各区、县级市: the level noun after 、 belongs to the collective before it.
        if after_dun && LEVEL_NOUN.is_match(part.norm) {
            if let Some(prev) = out.last_mut() {
                if super::text::to_simplified(prev).starts_with('各') {
                    prev.push('、');
                    prev.push_str(part.orig);
                    continue;
                }
            }
        }
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

/// `A等和各省级人民政府`: a list closed by 等, then a collective joined by 和 or 及.
fn and_each(part: Dual) -> Vec<Dual> {
    match AND_EACH.find(part.norm) {
        Some(m) if m.start() > 0 => {
            let each = m.end() - '各'.len_utf8();
            vec![part.slice(0..m.start()), part.slice(each..part.norm.len())]
        }
        _ => vec![part],
    }
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
    fn units_as_the_subjects_of_sentences() {
        let d = |p: &str| {
            let v = simplified_view(p);
            sentence_subjects(Dual::new(p, &v))
        };
        let got = d(concat!(
            "区市场监管局牵头涉嫌垄断调查整治工作。区市场监管局负责调查线索的情况。",
            "若发现垄断线索的，负责上报省市场监管局。区土开集团、城投集团，负责统计采购来源。",
            "区行政审批局，负责提供档案资料。区公安局、区属国有企业发现相关线索的，移交区公安局。",
        ))
        .unwrap();
        assert_eq!(got.lead, ["区市场监管局"]);
        assert_eq!(
            got.responsible,
            [
                "区土开集团",
                "城投集团",
                "区行政审批局",
                "区公安局",
                "区属国有企业"
            ]
        );
        let got = d("区执法应急局，负责调查砂石来源。").unwrap();
        assert!(got.lead.is_empty());
        assert_eq!(got.responsible, ["区执法应急局"]);
        // Sentences that open with work, not with units.
        assert_eq!(
            d("全面部署整治工作，加强质量管控。推进信息价发布机制。"),
            None
        );
    }

    #[test]
    fn a_deadline_beside_a_lead_label_is_not_a_unit() {
        let d = duty_of("推动自助终端延伸。（6月底完成，牵头考核单位：市审批服务局、市公安局）");
        assert_eq!(d.lead, ["市审批服务局", "市公安局"]);
        assert!(d.responsible.is_empty(), "{:?}", d.responsible);
        let d = duty_of("全面落实各项功能。（持续推进，牵头考核单位：市税务局）");
        assert_eq!(d.lead, ["市税务局"]);
        assert!(d.responsible.is_empty());
        // A unit list without a label beside a label is still units.
        let d = duty_of("推进甲。（市教育局，牵头单位：市财政局）");
        assert_eq!(d.lead, ["市财政局"]);
        assert_eq!(d.responsible, ["市教育局"]);
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
    fn labels_separated_by_a_comma() {
        let d = duty_of("（牵头单位：市发展改革委，配合单位：市委组织部、市人力资源和社会保障局，各区、县级市）");
        assert_eq!(d.lead, ["市发展改革委"]);
        assert_eq!(
            d.responsible,
            ["市委组织部", "市人力资源和社会保障局", "各区、县级市"]
        );
        assert_eq!(d.responsible_label.as_deref(), Some("配合单位"));
        let d = duty_of("（牵头单位：市农业局，配合单位：各区、县级市政府）");
        assert_eq!(d.responsible, ["各区、县级市政府"]);
        let d = duty_of("（牵头单位：市公安消防局，配合单位：各有关区、县级市政府）");
        assert_eq!(d.responsible, ["各有关区、县级市政府"]);
    }

    #[test]
    fn a_plain_list_with_the_first_leads_rule_as_a_note() {
        let d = duty_of("（省发展改革委、省财政厅、各市州政府负责，列第一位者为牵头单位，下同）");
        assert!(d.lead.is_empty(), "the assembler applies the rule");
        assert!(d.plain_list);
        assert_eq!(d.responsible, ["省发展改革委", "省财政厅", "各市州政府"]);
        assert_eq!(d.note.as_deref(), Some("列第一位者为牵头单位，下同"));
        let d = duty_of("（市教育局、市人社局负责）");
        assert_eq!(d.responsible, ["市教育局", "市人社局"]);
    }

    #[test]
    fn cooperating_units_each_by_their_duties() {
        let d = duty_of("（合肥海关牵头，省贸促会、省商务厅按职责分工配合）");
        assert_eq!(d.lead, ["合肥海关"]);
        assert_eq!(d.responsible, ["省贸促会", "省商务厅"]);
        let d = duty_of("（省发展改革委牵头，省交通运输厅、省港航集团按职责分工负责）");
        assert_eq!(d.responsible, ["省交通运输厅", "省港航集团"]);
    }

    #[test]
    fn a_bank_branch_is_a_unit() {
        let p = "创新金融产品和服务。（人行合肥中心支行负责）扩大覆盖面。（中国出口信用保险公司安徽分公司负责）";
        let v = simplified_view(p);
        let d = Dual::new(p, &v);
        let mut all = within(d);
        all.push(find(d).unwrap().duty);
        let m = merge(all).unwrap();
        assert_eq!(
            m.responsible,
            ["人行合肥中心支行", "中国出口信用保险公司安徽分公司"]
        );
    }

    #[test]
    fn lead_verbs_without_labels() {
        let d = duty_of("（市住建局牵头负责，市自然资源局、各区政府组织落实）");
        assert_eq!(d.lead, ["市住建局"]);
        assert_eq!(d.responsible, ["市自然资源局", "各区政府"]);
        let d = duty_of("（市商务局牵头，市财政局配合）");
        assert_eq!(d.lead, ["市商务局"]);
        assert_eq!(d.responsible, ["市财政局"]);
        let d = duty_of("（市卫健委会同市医保局负责）");
        assert_eq!(d.lead, ["市卫健委"]);
        assert_eq!(d.responsible, ["市医保局"]);
        let d = duty_of("（各县市区政府按职责分工负责）");
        assert_eq!(d.responsible, ["各县市区政府"]);
        assert!(d.lead.is_empty());
    }

    #[test]
    fn a_collective_joined_by_and() {
        let d = duty_of("（农业农村部、财政部、商务部等和各有关省级人民政府负责）");
        assert_eq!(
            d.responsible,
            ["农业农村部", "财政部", "商务部", "各有关省级人民政府"]
        );
    }

    #[test]
    fn a_first_leads_rule_after_a_full_stop() {
        let d = duty_of("（工业和信息化部、发展改革委、科技部等负责。列第一位者为牵头单位，下同）");
        assert_eq!(d.responsible, ["工业和信息化部", "发展改革委", "科技部"]);
        assert_eq!(d.note.as_deref(), Some("列第一位者为牵头单位，下同"));
    }

    #[test]
    fn several_lines_in_one_item_are_merged_in_order() {
        let p = "举办赛事。（市场监管总局负责）推动普及。（体育总局、教育部负责）完善平台。（体育总局、网信办负责）";
        let v = simplified_view(p);
        let d = Dual::new(p, &v);
        let mut all = within(d);
        assert_eq!(all.len(), 2, "the last one is find's");
        all.push(find(d).unwrap().duty);
        let m = merge(all).unwrap();
        assert!(m.lead.is_empty());
        assert_eq!(
            m.responsible,
            ["市场监管总局", "体育总局", "教育部", "网信办"]
        );
        // An aside inside a sentence is not a responsibility line.
        let p = "推进蒲圻电厂（三期）建设。完善机制（市发改委负责的除外）。";
        assert!(within(Dual::new(p, p)).is_empty());
    }

    #[test]
    fn verbs_in_an_aside_do_not_make_units() {
        for p in [
            "推进项目建设（由企业自行负责）",
            "完善机制（具体办法另行制定，下同）",
            "建设美丽乡村（示范村负责）",
        ] {
            let v = simplified_view(p);
            assert_eq!(find(Dual::new(p, &v)), None, "{p}");
        }
    }

    #[test]
    fn units_before_the_duty() {
        let p = "城运中心：负责平台建设和日常运行。";
        let (d, start) = units_first(Dual::new(p, p)).unwrap();
        assert_eq!(d.responsible, ["城运中心"]);
        assert_eq!(&p[start..], "负责平台建设和日常运行。");
        let p = "市发展改革委、市财政局：";
        assert!(units_first(Dual::new(p, p)).is_some());
        for p in [
            "工作目标：到2025年",
            "建设美丽城区：推进",
            "加强组织领导：成立",
        ] {
            assert!(units_first(Dual::new(p, p)).is_none(), "{p}");
        }
    }

    #[test]
    fn an_aside_in_brackets_is_not_a_duty_line() {
        let p = "推进蒲圻电厂(三期)";
        assert_eq!(find(Dual::new(p, p)), None);
    }
}
