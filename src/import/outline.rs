//! Lines of a document → its numbered outline (一、 / (一) / 1. / (1) / 第一章 …).
//!
//! Levels are not fixed per style: the first style met is the outermost, a style met again
//! closes everything opened after it, and a new style opens a deeper level. So `(一)` items
//! directly under `一、`, `(一)` groups holding `1.` items, numbering that restarts inside
//! each group and numbering that skips (一、二、五、) all read correctly. The outline stops at
//! the attachments list (附件) and the distribution line (抄送), which are not the plan.

use std::sync::LazyLock;

use regex::Regex;

use super::debris::Line;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Chapter,
    /// 第一节 under 第一章.
    ChapterSection,
    Cn,
    ParenCn,
    Arabic,
    ParenArabic,
    Circled,
}

/// A numbered heading at the start of a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub style: Style,
    /// The numbering as printed: "二", "(一)", "（一）", "1.", "(1)", "第一章", "①".
    pub label: String,
    pub number: u32,
    /// Byte offset of the text after the numbering.
    pub rest: usize,
}

static CHAPTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(第([一二三四五六七八九十百零\d]+)(章|部分|篇))[\s　]*").unwrap()
});
static CHAPTER_SECTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(第([一二三四五六七八九十百零\d]+)节)[\s　]*").unwrap());
/// `11.121人才梯队项目`: a number, its dot and a digit; a heading only when it continues the
/// numbering of the item before it (2.5米 does not).
static ARABIC_BEFORE_DIGIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*((\d{1,3})[.．﹒])\d").unwrap());
static CN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(([一二三四五六七八九十]+)、)").unwrap());
static PAREN_CN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*([(（]([一二三四五六七八九十]+)[)）])[、.．﹒]?").unwrap());
static ARABIC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*((\d{1,3})(?:[.．﹒]|、))(?:[^\d.．﹒]|$)").unwrap());
static PAREN_ARABIC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*([(（](\d{1,3})[)）])[、.．﹒]?").unwrap());
static CIRCLED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*([①-⑳])").unwrap());
static STOP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(附件\s*[:：\d１-９一二三四五六七八九十]|附件\s*$|抄送[:：]|抄报[:：])")
        .unwrap()
});

/// A box printed inside a part (`专栏1  工业互联网网络互联互通工程`): its title and the
/// paragraphs after it, up to the next numbered heading, are the part's illustration, not the
/// text of the item printed before it.
static SIDEBAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*专栏\s*([0-9０-９]+|[一二三四五六七八九十]+)(\s|[:：、.．]|$)").unwrap()
});

/// Chinese numerals up to 百 (enough for item numbers).
pub fn cn_number(s: &str) -> u32 {
    let digit = |c: char| {
        "零一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|p| p as u32)
    };
    let mut total = 0;
    let mut current = 0;
    for c in s.chars() {
        match c {
            '十' => {
                total += current.max(1) * 10;
                current = 0;
            }
            '百' => {
                total += current.max(1) * 100;
                current = 0;
            }
            c => current = current * 10 + digit(c).or(c.to_digit(10)).unwrap_or(0),
        }
    }
    total + current
}

/// The numbered heading at the start of `norm` (a line's simplified view), if any.
pub fn heading(orig: &str, norm: &str) -> Option<Heading> {
    let try_re = |re: &Regex, style: Style, numeral_is_cn: bool| {
        let c = re.captures(norm)?;
        let label_range = c.get(1).unwrap().range();
        let num = c.get(2).map(|m| m.as_str()).unwrap_or("");
        let number = if style == Style::Circled {
            num_circled(&c[1])
        } else if numeral_is_cn {
            cn_number(num)
        } else {
            num.parse().unwrap_or(0)
        };
        let mut label = orig[label_range.clone()].trim().to_string();
        if style == Style::Cn {
            label = label.trim_end_matches('、').to_string();
        }
        // The text starts after the label and any separator the regex consumed (not the
        // lookahead character of ARABIC).
        let mut rest = c.get(0).unwrap().end();
        if style == Style::Arabic {
            rest = label_range.end;
        }
        Some(Heading {
            style,
            label,
            number,
            rest,
        })
    };
    try_re(&CHAPTER, Style::Chapter, true)
        .or_else(|| try_re(&CHAPTER_SECTION, Style::ChapterSection, true))
        .or_else(|| try_re(&CN, Style::Cn, true))
        .or_else(|| try_re(&PAREN_CN, Style::ParenCn, true))
        .or_else(|| try_re(&PAREN_ARABIC, Style::ParenArabic, false))
        .or_else(|| try_re(&ARABIC, Style::Arabic, false))
        .or_else(|| try_re(&CIRCLED, Style::Circled, false))
}

fn num_circled(s: &str) -> u32 {
    s.chars().next().map_or(0, |c| c as u32 - '①' as u32 + 1)
}

/// A paragraph: one non-blank line, with its number and both texts trimmed.
#[derive(Debug, Clone, PartialEq)]
pub struct Para {
    pub line: usize,
    pub orig: String,
    pub norm: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub style: Style,
    pub label: String,
    pub number: u32,
    /// The text on the heading's own line after the numbering (may be empty).
    pub head: Para,
    /// The paragraphs after the heading line, up to the next heading.
    pub body: Vec<Para>,
    pub children: Vec<usize>,
    pub parent: Option<usize>,
}

#[derive(Debug, Default)]
pub struct Outline {
    pub nodes: Vec<Node>,
    /// The outermost nodes, in order.
    pub roots: Vec<usize>,
    /// Index (into the input lines) of the first heading: where the header ends.
    pub first_heading: Option<usize>,
    /// Index of the line that ended the outline (附件, 抄送), if one did: the annexes follow it.
    pub end: Option<usize>,
}

impl Outline {
    /// The numbering path of a node, outermost first.
    pub fn path(&self, mut i: usize) -> Vec<String> {
        let mut path = vec![self.nodes[i].label.clone()];
        while let Some(p) = self.nodes[i].parent {
            path.push(self.nodes[p].label.clone());
            i = p;
        }
        path.reverse();
        path
    }

    /// All descendants of a node that have no children, in document order.
    pub fn leaves(&self, i: usize) -> Vec<usize> {
        let n = &self.nodes[i];
        if n.children.is_empty() {
            return vec![i];
        }
        n.children.iter().flat_map(|&c| self.leaves(c)).collect()
    }

    /// The node's text: heading line and body, paragraphs joined by newlines.
    pub fn paragraphs(&self, i: usize) -> Vec<Para> {
        let n = &self.nodes[i];
        let mut v = Vec::new();
        if !n.head.orig.is_empty() {
            v.push(n.head.clone());
        }
        v.extend(n.body.iter().cloned());
        v
    }

    /// Everything under a node, children included, as printed (children keep their labels).
    pub fn full_text(&self, i: usize) -> Vec<String> {
        let mut out: Vec<String> = self.paragraphs(i).into_iter().map(|p| p.orig).collect();
        for &c in &self.nodes[i].children {
            self.full_text_node(c, &mut out);
        }
        out
    }

    /// A node with its label and everything under it, as printed.
    pub fn full_text_node_pub(&self, i: usize, out: &mut Vec<String>) {
        self.full_text_node(i, out)
    }

    fn full_text_node(&self, i: usize, out: &mut Vec<String>) {
        let n = &self.nodes[i];
        let paras = self.paragraphs(i);
        if paras.first().is_some_and(|p| p.line == n.head.line) {
            out.push(format!("{}{}", sep_label(n), paras[0].orig));
            out.extend(paras[1..].iter().map(|p| p.orig.clone()));
        } else {
            out.push(sep_label(n));
            out.extend(paras.into_iter().map(|p| p.orig));
        }
        for &c in &n.children {
            self.full_text_node(c, out);
        }
    }
}

fn sep_label(n: &Node) -> String {
    match n.style {
        Style::Cn => format!("{}、", n.label),
        Style::Chapter | Style::ChapterSection => format!("{} ", n.label),
        _ => n.label.clone(),
    }
}

/// Builds the outline of the kept lines. Lines before the first heading are the header.
pub fn build(lines: &[Line]) -> Outline {
    let mut o = Outline::default();
    let mut stack: Vec<(Style, usize)> = Vec::new();
    let mut in_sidebar = false;
    for (idx, l) in lines.iter().enumerate() {
        if !l.keep || l.norm.trim().is_empty() {
            continue;
        }
        if o.first_heading.is_some() && STOP.is_match(&l.norm) {
            o.end = Some(idx);
            break;
        }
        if o.first_heading.is_some() && SIDEBAR.is_match(&l.norm) {
            in_sidebar = true;
            continue;
        }
        let h =
            heading(&l.orig, &l.norm).or_else(|| continued_arabic(&l.orig, &l.norm, &o, &stack));
        let Some(h) = h else {
            if let Some(&(_, cur)) = stack.last() {
                if !in_sidebar {
                    o.nodes[cur].body.push(para(l, 0));
                }
            }
            continue;
        };
        in_sidebar = false;
        // Before the first 一、/第一章, numbered lines belong to the header (a 文号 list,
        // an addressee list): the outline starts at the outermost styles only.
        if o.first_heading.is_none() && !matches!(h.style, Style::Cn | Style::Chapter) {
            continue;
        }
        if let Some(pos) = stack.iter().position(|&(s, _)| s == h.style) {
            stack.truncate(pos);
        }
        let parent = stack.last().map(|&(_, p)| p);
        let id = o.nodes.len();
        o.nodes.push(Node {
            style: h.style,
            label: h.label.clone(),
            number: h.number,
            head: para(l, h.rest),
            body: Vec::new(),
            children: Vec::new(),
            parent,
        });
        match parent {
            Some(p) => o.nodes[p].children.push(id),
            None => o.roots.push(id),
        }
        o.first_heading.get_or_insert(idx);
        stack.push((h.style, id));
    }
    o
}

/// `11.121人才梯队项目` after item 10: a number followed by a digit is a heading when it is the
/// next number of the innermost open `1.` item.
fn continued_arabic(
    orig: &str,
    norm: &str,
    o: &Outline,
    stack: &[(Style, usize)],
) -> Option<Heading> {
    let c = ARABIC_BEFORE_DIGIT.captures(norm)?;
    let number: u32 = c[2].parse().ok()?;
    let &(_, open) = stack.iter().rev().find(|(s, _)| *s == Style::Arabic)?;
    if o.nodes[open].number + 1 != number {
        return None;
    }
    let label = c.get(1).unwrap();
    Some(Heading {
        style: Style::Arabic,
        label: orig[label.range()].trim().to_string(),
        number,
        rest: label.end(),
    })
}

fn para(l: &Line, from: usize) -> Para {
    let orig = &l.orig[from..];
    let norm = &l.norm[from..];
    let start = norm.len() - norm.trim_start().len();
    let end = norm.trim_end().len().max(start);
    Para {
        line: l.no,
        orig: orig[start..end].to_string(),
        norm: norm[start..end].to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::debris::mark;

    fn outline(text: &str) -> Outline {
        build(&mark(text, text))
    }

    #[test]
    fn numerals() {
        assert_eq!(cn_number("十"), 10);
        assert_eq!(cn_number("二十三"), 23);
        assert_eq!(cn_number("四十"), 40);
    }

    #[test]
    fn headings_of_every_style() {
        let h =
            |s: &str| heading(s, s).map(|h| (h.style, h.label, h.number, s[h.rest..].to_string()));
        assert_eq!(
            h("二、主要任务"),
            Some((Style::Cn, "二".into(), 2, "主要任务".into()))
        );
        assert_eq!(
            h("(十二)推进水环境"),
            Some((Style::ParenCn, "(十二)".into(), 12, "推进水环境".into()))
        );
        assert_eq!(
            h("（三）加强"),
            Some((Style::ParenCn, "（三）".into(), 3, "加强".into()))
        );
        assert_eq!(
            h("13.推进城镇"),
            Some((Style::Arabic, "13.".into(), 13, "推进城镇".into()))
        );
        assert_eq!(
            h("（2）完善"),
            Some((Style::ParenArabic, "（2）".into(), 2, "完善".into()))
        );
        assert_eq!(
            h("第三章 绿色交通"),
            Some((Style::Chapter, "第三章".into(), 3, "绿色交通".into()))
        );
        assert_eq!(h("2.5米水深"), None);
        assert_eq!(h("2023年底,完成"), None);
    }

    #[test]
    fn two_levels_restarting_numbering_and_skipped_sections() {
        let o = outline("方案\n一、总体要求\n目标。\n二、任务\n(一)组一\n1.甲。\n2.乙。\n(二)组二\n1.丙。\n五、保障\n(一)领导。\n");
        let labels: Vec<Vec<String>> = o.nodes.iter().enumerate().map(|(i, _)| o.path(i)).collect();
        assert!(labels.contains(&vec!["二".into(), "(二)".into(), "1.".into()]));
        assert!(labels.contains(&vec!["五".into(), "(一)".into()]));
        assert_eq!(o.roots.len(), 3);
        assert_eq!(o.leaves(o.roots[1]).len(), 3);
    }

    #[test]
    fn sections_nest_under_chapters() {
        let o =
            outline("方案\n第一章 总则\n第一节 目标\n1.甲。\n第二节 任务\n1.乙。\n第二章 保障\n");
        let paths: Vec<Vec<String>> = (0..o.nodes.len()).map(|i| o.path(i)).collect();
        assert!(paths.contains(&vec!["第一章".into(), "第二节".into(), "1.".into()]));
        assert_eq!(o.roots.len(), 2);
    }

    #[test]
    fn a_number_followed_by_digits_continues_the_numbering() {
        let o = outline("一、任务\n10.甲项目。\n11.121人才梯队项目。\n2.5米航道建设。\n");
        let labels: Vec<&str> = o.nodes.iter().map(|n| n.label.as_str()).collect();
        assert_eq!(labels, ["一", "10.", "11."]);
        assert_eq!(o.nodes[2].head.orig, "121人才梯队项目。");
    }

    #[test]
    fn a_box_is_not_the_text_of_the_item_before_it() {
        let o = outline(
            "一、任务\n1﹒甲。推进甲。\n专栏1  甲工程\n力争建成10个节点。\n2．乙。推进乙。\n",
        );
        let labels: Vec<&str> = o.nodes.iter().map(|n| n.label.as_str()).collect();
        assert_eq!(labels, ["一", "1﹒", "2．"]);
        assert!(o.nodes[1].body.is_empty(), "{:?}", o.nodes[1].body);
        assert_eq!(o.nodes[2].head.orig, "乙。推进乙。");
    }

    #[test]
    fn attachments_end_the_outline() {
        let o = outline("一、任务\n(一)甲。\n附件:1.名单\n2.方案\n");
        assert_eq!(o.nodes.len(), 2);
        assert_eq!(o.end, Some(2));
        assert_eq!(outline("一、任务\n(一)甲。\n").end, None);
    }
}
