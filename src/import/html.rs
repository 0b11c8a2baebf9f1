//! A page saved from a government site (.html/.htm) → the article's text and the page's
//! 信息公开 metadata.
//!
//! In: the page's bytes in any encoding the page declares (or UTF-8, or GB18030 when it is not
//! UTF-8), parsed as browsers do (`scraper`, on `html5ever`).
//! Out: the metadata table's fields (索引号, 发文机关, 文号, 成文日期, 发布日期, 主题分类, 名称) as
//! `label：value` lines the metadata stage reads, the title when the article does not repeat it,
//! then the article body, a line per paragraph. The article is found by where the text is:
//! from `<body>` down, into the one child holding most of the non-link text, until no child does;
//! scripts, navigation, share bars, related links, breadcrumbs and footers are left out on the
//! way (by tag, and by the id and class names sites give them).
//! Never: recurse on the page's nesting (every walk is iterative), or accept a page whose
//! elements nest deeper than [`MAX_DEPTH`].

use std::collections::HashMap;
use std::sync::LazyLock;

use ego_tree::{NodeId, NodeRef};
use regex::Regex;
use scraper::{Html, Node};

use super::read::{Document, Format, ReadError};

/// Nesting no real page reaches (government pages are 20–40 deep).
pub const MAX_DEPTH: usize = 512;
/// Fewer characters of article text than this is not a plan.
const MIN_ARTICLE: usize = 40;

const HELP_NO_ARTICLE: &str = "save the article's own page (not a list or search page) with the text visible, or copy the article text into a UTF-8 .txt file, then import that";

/// Tags never part of an article.
const SKIP_TAGS: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "iframe", "select", "button", "input", "textarea", "object", "embed", "svg", "canvas", "map",
    "head", "title", "menu",
];

/// Id and class names of page furniture on government sites.
static FURNITURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(^|[-_\s])(nav|navbar|menu|share|bdshare|jiathis|fenxiang|footer|foot|bottom|header|top|head|breadcrumb|crumb|position|location|dqwz|related|relate|xgwz|xglj|xgxx|links|friendlink|sidebar|side|comment|print|toolbar|tools|copyright|banquan|search|login|skip|qrcode|ewm|erweima|wza|accessib)([-_\s\d]|$)",
    )
    .unwrap()
});

static META_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    // A label alone (its value in the next cell) or followed by a colon and the value.
    Regex::new(r"^(索引号|发文机关|发文单位|发布机构|文号|发文字号|文件编号|成文日期|发文日期|生成日期|发布日期|公开日期|主题分类|名称|标题|有效性)(?:[:：](.*))?$")
        .unwrap()
});

/// A saved article page is well under a MiB; a parsed page takes about ten times its size.
pub const MAX_PAGE: usize = 16 << 20;

static NEXT_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(索\s*引\s*号|发\s*文\s*机\s*关|发\s*布\s*机\s*构|文\s*号|成\s*文\s*日\s*期|发\s*文\s*日\s*期|发\s*布\s*日\s*期|主\s*题\s*分\s*类|有\s*效\s*性|名\s*称)\s*[:：]")
        .unwrap()
});

pub fn read(bytes: &[u8]) -> Result<Document, ReadError> {
    if bytes.len() > MAX_PAGE {
        return Err(ReadError::new(
            format!(
                "the web page is {} MiB, more than the {} MiB an article page could be",
                bytes.len() >> 20,
                MAX_PAGE >> 20
            ),
            HELP_NO_ARTICLE,
        ));
    }
    let (source, encoding, declared) = decode(bytes);
    check_depth(&source)?;
    let page = Html::parse_document(&source);
    let root = page.tree.root();

    let mut order: Vec<NodeRef<Node>> = Vec::new();
    let mut skipped: HashMap<NodeId, bool> = HashMap::new();
    let mut in_link: HashMap<NodeId, bool> = HashMap::new();
    let mut depth: HashMap<NodeId, usize> = HashMap::new();
    for n in root.descendants() {
        let parent = n.parent().map(|p| p.id());
        let (ps, pl, pd) =
            parent.map_or((false, false, 0), |p| (skipped[&p], in_link[&p], depth[&p]));
        let (s, l) = match n.value() {
            Node::Element(e) => (
                ps || SKIP_TAGS.contains(&e.name())
                    || e.id().is_some_and(|i| FURNITURE.is_match(i))
                    || e.attr("class").is_some_and(|c| FURNITURE.is_match(c))
                    || e.attr("hidden").is_some()
                    || e.attr("style").is_some_and(|s| {
                        s.replace(' ', "")
                            .to_ascii_lowercase()
                            .contains("display:none")
                    }),
                pl || e.name() == "a",
            ),
            _ => (ps, pl),
        };
        if pd > MAX_DEPTH {
            return Err(too_deep());
        }
        skipped.insert(n.id(), s);
        in_link.insert(n.id(), l);
        depth.insert(n.id(), pd + 1);
        order.push(n);
    }

    let meta = metadata(&order, &skipped);
    // The metadata table is not article: the smallest element holding every label, when it
    // holds little else, is left out like furniture.
    let label_nodes: Vec<&NodeRef<Node>> = order
        .iter()
        .filter(|n| match n.value() {
            Node::Text(t) if !skipped[&n.id()] => {
                let sq: String = t.chars().filter(|c| !c.is_whitespace()).collect();
                sq.chars().count() <= 200 && META_LABEL.is_match(&sq)
            }
            _ => false,
        })
        .collect();
    if label_nodes.len() >= 2 {
        let chain = |n: &NodeRef<Node>| {
            let mut c: Vec<NodeId> = n.ancestors().map(|a| a.id()).collect();
            c.reverse();
            c
        };
        let mut common = chain(label_nodes[0]);
        for n in &label_nodes[1..] {
            let c = chain(n);
            let same = common.iter().zip(&c).take_while(|(a, b)| a == b).count();
            common.truncate(same);
        }
        let all_text = subtree_sums(&order, |n| own_text(n, &skipped, &in_link));
        if let Some(&boxed) = common.last() {
            if all_text[&boxed] <= 40 * label_nodes.len() + 40 {
                let mut inside = std::collections::HashSet::new();
                for n in &order {
                    if n.id() == boxed || n.parent().is_some_and(|p| inside.contains(&p.id())) {
                        inside.insert(n.id());
                        skipped.insert(n.id(), true);
                    }
                }
            }
        }
    }
    let text_len = subtree_sums(&order, |n| own_text(n, &skipped, &in_link));

    let body = order
        .iter()
        .find(|n| matches!(n.value(), Node::Element(e) if e.name() == "body"))
        .copied()
        .unwrap_or(root);
    // Down from <body> into the child holding most of the text, until the text is spread over
    // paragraphs (two or more children are paragraphs: the article's container).
    let mut article = body;
    loop {
        let total = text_len[&article.id()];
        let kids: Vec<_> = article
            .children()
            .filter(|c| !skipped[&c.id()] && matches!(c.value(), Node::Element(_)))
            .collect();
        let paragraphs = kids
            .iter()
            .filter(|c| text_len[&c.id()] > 0 && is_paragraph(**c, &skipped, &in_link))
            .count();
        if paragraphs >= 2 {
            break;
        }
        match kids.into_iter().max_by_key(|c| text_len[&c.id()]) {
            Some(c) if total > 0 && text_len[&c.id()] * 10 >= total * 8 => article = c,
            _ => break,
        }
    }
    if text_len[&article.id()] < MIN_ARTICLE {
        return Err(ReadError::new(
            "the web page has no article text (only navigation, links or a script-loaded page)",
            HELP_NO_ARTICLE,
        ));
    }

    let mut lines = Vec::new();
    let mut notes = Vec::new();
    notes.push(if declared {
        format!("encoding {encoding} as the page declares it")
    } else {
        format!("encoding {encoding} guessed from the bytes (the page declares none that fits)")
    });
    for (label, value) in &meta {
        lines.push((
            format!("{label}：{value}"),
            "the page's metadata table".to_string(),
        ));
    }
    if !meta.is_empty() {
        notes.push(format!(
            "metadata from the page: {}",
            meta.iter()
                .map(|(l, v)| format!("{l} {v}"))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    let body_lines = render(article, &skipped);
    let title = meta
        .iter()
        .find(|(l, _)| *l == "名称")
        .map(|(_, v)| v.clone())
        .or_else(|| meta_tag(&order, "ArticleTitle"))
        .or_else(|| {
            order
                .iter()
                .find(|n| matches!(n.value(), Node::Element(e) if e.name() == "h1"))
                .map(|h| collapse(&plain_text(*h)))
        })
        .filter(|t| !t.is_empty());
    if let Some(t) = title {
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let t_sq = squeeze(&t);
        if !body_lines
            .iter()
            .take(12)
            .any(|l| squeeze(l).contains(&t_sq))
        {
            notes.push(format!("title from the page: {t}"));
            lines.push((t, "the page's title".to_string()));
        }
    }
    for (i, l) in body_lines.into_iter().enumerate() {
        lines.push((l, format!("article paragraph {}", i + 1)));
    }
    let mut text = String::new();
    let mut places = Vec::new();
    for (l, p) in lines {
        text.push_str(&l);
        text.push('\n');
        places.push(p);
    }
    Ok(Document {
        format: Format::Html,
        text,
        encoding: Some(encoding),
        places,
        notes,
    })
}

/// Per node, `own(node)` summed over its subtree (leaves first: `order` is pre-order).
fn subtree_sums(
    order: &[NodeRef<Node>],
    own: impl Fn(&NodeRef<Node>) -> usize,
) -> HashMap<NodeId, usize> {
    let mut sums: HashMap<NodeId, usize> = HashMap::with_capacity(order.len());
    for n in order.iter().rev() {
        let total = own(n) + sums.get(&n.id()).copied().unwrap_or(0);
        sums.insert(n.id(), total);
        if let Some(p) = n.parent() {
            *sums.entry(p.id()).or_insert(0) += total;
        }
    }
    sums
}

/// Characters of a text node that count as article text (not furniture, not a link).
fn own_text(
    n: &NodeRef<Node>,
    skipped: &HashMap<NodeId, bool>,
    in_link: &HashMap<NodeId, bool>,
) -> usize {
    match n.value() {
        Node::Text(t) if !skipped[&n.id()] && !in_link[&n.id()] => {
            t.chars().filter(|c| !c.is_whitespace()).count()
        }
        _ => 0,
    }
}

/// A paragraph: a paragraph-level tag, or an element with text of its own (not only in
/// children), the way `<div>text</div>` paragraphs are written.
fn is_paragraph(
    n: NodeRef<Node>,
    skipped: &HashMap<NodeId, bool>,
    in_link: &HashMap<NodeId, bool>,
) -> bool {
    let Node::Element(e) = n.value() else {
        return false;
    };
    matches!(
        e.name(),
        "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "li" | "dd" | "dt" | "blockquote" | "pre"
    ) || n
        .children()
        .map(|c| own_text(&c, skipped, in_link))
        .sum::<usize>()
        >= 2
}

fn too_deep() -> ReadError {
    ReadError::new(
        format!("the web page nests elements more than {MAX_DEPTH} deep: not a page a site serves"),
        HELP_NO_ARTICLE,
    )
}

/// The page's bytes → text: a BOM, then a `charset` in the first 4 KiB, then UTF-8 when valid,
/// else GB18030 (what Chinese sites without a declaration use).
/// Also says whether the page declared the encoding it was read in.
fn decode(bytes: &[u8]) -> (String, &'static str, bool) {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (t, _) = enc.decode_without_bom_handling(&bytes[bom..]);
        return (t.into_owned(), enc.name(), true);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let declared = head.find("charset").and_then(|i| {
        let rest = head[i + 7..].trim_start_matches([' ', '=', '"', '\'']);
        let label: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        encoding_rs::Encoding::for_label(label.as_bytes())
    });
    let utf8_ok = std::str::from_utf8(bytes).is_ok();
    let enc = match declared {
        // A page saved from a GBK site often keeps a `utf-8` declaration from the save tool.
        Some(e) if e == encoding_rs::UTF_8 && !utf8_ok => encoding_rs::GB18030,
        Some(e) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => encoding_rs::UTF_8,
        Some(e) => e,
        None if utf8_ok => encoding_rs::UTF_8,
        None => encoding_rs::GB18030,
    };
    let (t, _, _) = enc.decode(bytes);
    (t.into_owned(), enc.name(), declared == Some(enc))
}

/// A cheap bound before parsing: the deepest run of start tags, counting what the parser would
/// also nest (tables, divs, lists); void and self-closing elements do not nest.
fn check_depth(src: &str) -> Result<(), ReadError> {
    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr", "p", "li", "td", "th", "tr", "dt", "dd", "option",
    ];
    let b = src.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        i += off + 1;
        let close = b.get(i) == Some(&b'/');
        let start = if close { i + 1 } else { i };
        let end = b[start..]
            .iter()
            .position(|c| !c.is_ascii_alphanumeric())
            .map_or(b.len(), |p| start + p);
        if end == start {
            continue;
        }
        let name = src[start..end].to_ascii_lowercase();
        if VOID.contains(&name.as_str()) {
            continue;
        }
        if close {
            depth = depth.saturating_sub(1);
        } else {
            let self_closing =
                memchr::memchr(b'>', &b[end..]).is_some_and(|g| b[end + g - 1] == b'/');
            if !self_closing {
                depth += 1;
                if depth > MAX_DEPTH * 4 {
                    return Err(too_deep());
                }
            }
        }
        i = end;
    }
    Ok(())
}

/// `label, value` of the 信息公开 table, in the metadata stage's label names, first of each.
fn metadata(
    order: &[NodeRef<Node>],
    skipped: &HashMap<NodeId, bool>,
) -> Vec<(&'static str, String)> {
    let chunks: Vec<String> = order
        .iter()
        .filter_map(|n| match n.value() {
            Node::Text(t) if !skipped[&n.id()] => Some(collapse(t)),
            _ => None,
        })
        .filter(|t| !t.is_empty())
        .collect();
    let mut out: Vec<(&'static str, String)> = Vec::new();
    for (i, c) in chunks.iter().enumerate() {
        let squeezed: String = c.chars().filter(|c| !c.is_whitespace()).collect();
        if squeezed.chars().count() > 200 {
            continue;
        }
        let Some(m) = META_LABEL.captures(&squeezed) else {
            continue;
        };
        let label = match &m[1] {
            "发文单位" | "发布机构" => "发文机关",
            "发文字号" | "文件编号" => "文号",
            "公开日期" => "发布日期",
            "发文日期" | "生成日期" => "成文日期",
            "标题" => "名称",
            l => META_NAMES
                .iter()
                .find(|n| **n == l)
                .copied()
                .unwrap_or("名称"),
        };
        if out.iter().any(|(l, _)| *l == label) {
            continue;
        }
        let mut value = c
            .split_once(['：', ':'])
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default();
        // Several fields on one line: the value ends where the next label starts.
        if let Some(next) = NEXT_LABEL.find(&value) {
            value = value[..next.start()].trim().to_string();
        }
        if m.get(2).is_none_or(|v| v.as_str().is_empty()) {
            match chunks.get(i + 1) {
                Some(next) if !META_LABEL.is_match(&next.replace(' ', "")) => value = next.clone(),
                _ => continue,
            }
        }
        if !value.is_empty() && value.chars().count() <= 120 {
            out.push((label, value));
        }
    }
    out
}

const META_NAMES: &[&str] = &[
    "索引号",
    "发文机关",
    "文号",
    "成文日期",
    "发布日期",
    "主题分类",
    "名称",
    "有效性",
];

fn meta_tag(order: &[NodeRef<Node>], name: &str) -> Option<String> {
    order.iter().find_map(|n| match n.value() {
        Node::Element(e)
            if e.name() == "meta"
                && e.attr("name").is_some_and(|v| v.eq_ignore_ascii_case(name)) =>
        {
            e.attr("content").map(collapse).filter(|s| !s.is_empty())
        }
        _ => None,
    })
}

const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "tbody",
    "thead",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "dl",
    "hr",
    "center",
    "main",
    "figure",
    "figcaption",
    "caption",
];

/// The article's lines: blocks break lines, table cells are joined by tabs; furniture is skipped.
fn render(article: NodeRef<Node>, skipped: &HashMap<NodeId, bool>) -> Vec<String> {
    enum Step<'a> {
        Enter(NodeRef<'a, Node>),
        Leave(&'a str),
    }
    let mut lines = Vec::new();
    let mut cur = String::new();
    let flush = |cur: &mut String, lines: &mut Vec<String>| {
        let l = cur
            .trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
            .replace("\t\t", "\t");
        if !l.trim().is_empty() {
            lines.push(l);
        }
        cur.clear();
    };
    let mut stack = vec![Step::Enter(article)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Enter(n) => {
                if skipped[&n.id()] && n.id() != article.id() {
                    continue;
                }
                match n.value() {
                    Node::Text(t) => cur.push_str(&collapse_keep_edges(t)),
                    Node::Element(e) => {
                        let name = e.name();
                        if BLOCKS.contains(&name) {
                            flush(&mut cur, &mut lines);
                        }
                        stack.push(Step::Leave(name));
                        let children: Vec<_> = n.children().collect();
                        for c in children.into_iter().rev() {
                            stack.push(Step::Enter(c));
                        }
                    }
                    _ => {}
                }
            }
            Step::Leave(name) => {
                if BLOCKS.contains(&name) {
                    flush(&mut cur, &mut lines);
                } else if name == "td" || name == "th" {
                    cur.push('\t');
                }
            }
        }
    }
    flush(&mut cur, &mut lines);
    lines
}

fn plain_text(n: NodeRef<Node>) -> String {
    n.descendants()
        .filter_map(|d| match d.value() {
            Node::Text(t) => Some(t.to_string()),
            _ => None,
        })
        .collect()
}

/// Whitespace runs (including no-break spaces) → one space, trimmed.
fn collapse(s: &str) -> String {
    collapse_keep_edges(s).trim().to_string()
}

fn collapse_keep_edges(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() && c != '\u{3000}' || c == '\u{a0}' {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>某市人民政府</title>
<meta name="ArticleTitle" content="某市城市更新行动计划"></head><body>
<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; 政策文件</div>
<div class="main">
<table class="xxgk_table"><tr><td>索 引 号：</td><td>11420200/2024-00012</td><td>主题分类：</td><td>城乡建设</td></tr>
<tr><td>发文机关：</td><td>某市人民政府办公室</td><td>成文日期：</td><td>2024年02月20日</td></tr>
<tr><td>文　　号：</td><td>某政办发〔2024〕12号</td><td>发布日期：</td><td>2024-02-22</td></tr></table>
<div id="zoom" class="article-content"><p>一、总体目标</p><p>　　到2026年，完成城镇老旧小区改造300个。</p>
<p>二、重点任务</p><p>（一）改造老旧小区。每年改造100个。（牵头单位：市住建局）</p></div>
<div class="bdshare">分享到：<a>微信</a><a>微博</a></div>
<div class="xgwz"><h3>相关文章</h3><ul><li><a href="/1">关于印发某市城市更新行动计划政策解读的说明文件</a></li></ul></div>
</div><div class="footer">主办：某市人民政府办公室 网站标识码：4202000001 鄂ICP备05001234号</div>
<script>var share = "分享";</script></body></html>"#;

    #[test]
    fn a_government_page_gives_its_metadata_title_and_article_only() {
        let d = read(PAGE.as_bytes()).unwrap();
        assert_eq!(
            d.text,
            "索引号：11420200/2024-00012\n主题分类：城乡建设\n发文机关：某市人民政府办公室\n成文日期：2024年02月20日\n文号：某政办发〔2024〕12号\n发布日期：2024-02-22\n某市城市更新行动计划\n一、总体目标\n到2026年，完成城镇老旧小区改造300个。\n二、重点任务\n（一）改造老旧小区。每年改造100个。（牵头单位：市住建局）\n"
        );
        assert_eq!(d.encoding, Some("UTF-8"));
        assert_eq!(d.place(9), "article paragraph 2");
    }

    #[test]
    fn a_gbk_page_is_decoded_by_its_declaration() {
        let page = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body><div><p>一、总体要求</p><p>到2025年，全市污水处理率达到98%以上，城市生活垃圾回收利用率达到百分之四十。</p></div></body></html>";
        let (bytes, _, _) = encoding_rs::GBK.encode(page);
        let d = read(&bytes).unwrap();
        assert_eq!(d.encoding, Some("GBK"));
        assert!(d.text.starts_with("一、总体要求\n到2025年"), "{}", d.text);
    }

    #[test]
    fn a_page_with_only_navigation_has_no_article() {
        let page = r#"<html><body><div class="nav"><a href="/">首页</a><a href="/a">机构概况</a></div><ul><li><a href="/1">关于印发某某实施方案的通知关于印发某某实施方案的通知</a></li><li><a href="/2">关于印发某某工作要点的通知关于印发某某工作要点的通知</a></li></ul></body></html>"#;
        let e = read(page.as_bytes()).unwrap_err();
        assert!(e.message.contains("no article"), "{}", e.message);
    }

    #[test]
    fn ten_thousand_nested_tables_are_refused_quickly() {
        let page = format!(
            "<html><body>{}正文{}</body></html>",
            "<table><tr><td>".repeat(10_000),
            "</td></tr></table>".repeat(10_000)
        );
        let t = std::time::Instant::now();
        let e = read(page.as_bytes()).unwrap_err();
        assert!(e.message.contains("deep"), "{}", e.message);
        assert!(t.elapsed().as_secs() < 5);
    }
}
