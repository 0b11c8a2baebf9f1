//! Web-page debris around a plan document → dropped lines.
//!
//! Plans are copied from portals and news sites, so the text arrives wrapped in navigation,
//! "投稿/收藏/点赞" buttons, editor contacts, copyright notices and link lists. This module marks
//! each line as part of the document or not; it never rewrites a line it keeps, so `source.txt`
//! stays exactly as printed. It must never drop a line of the plan itself: the rules are anchored
//! at line starts and look for web furniture only.

use std::sync::LazyLock;

use regex::Regex;

use super::text::is_blank;

/// One line of the input, with its 1-based number, original text and simplified view.
#[derive(Debug, Clone)]
pub struct Line {
    pub no: usize,
    pub orig: String,
    pub norm: String,
    pub keep: bool,
}

/// A marker after which the document starts ("原文如下↓"): everything before is a news write-up.
static START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(原文如下|原文附后|全文如下|以下为原文|文件全文如下)\s*[:：↓⬇]*\s*$").unwrap()
});

/// A marker from which everything is page footer.
static TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^\s*(投稿与新闻线索|投稿联系|特别声明|免责声明|版权所有|版权声明|Copyright|©|相关链接|",
        r"相关新闻|相关阅读|相关文章|相关推荐|延伸阅读|责任编辑|扫一扫|分享到|上一篇|下一篇|",
        r"打印本页|关闭窗口|【打印】|【关闭】)"
    ))
    .unwrap()
});

/// Single lines of page furniture, wherever they appear.
static FURNITURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^\s*(发布时间|来源[:：]|浏览次数|阅读次数|字号|【字体|字体[:：]|打印|收藏|点赞|我要投稿|投稿\s*$|",
        r"您的位置|您现在的位置|当前位置|首页\s*[>›»]|搜索历史|所属分类|原标题[:：]|分享\s*$|",
        r"[•·]\s|A\+|A-\s|【大|编辑[:：]|作者[:：]|阅读量|查看更多)|",
        r"(浏览|阅读|点击)[:：]?\s*\d+\s*$|收藏点赞|查看更多>"
    ))
    .unwrap()
});

/// Disclosure metadata labels printed above the document (captured into plan.toml).
pub static META_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(索\s*引\s*号|主\s*题\s*分\s*类|发\s*文\s*(单\s*位|机\s*关)|文\s*号|名\s*称|发\s*布\s*日\s*期|成\s*文\s*日\s*期|发\s*文\s*日\s*期|有\s*效\s*性)\s*[:：]")
        .unwrap()
});

/// Splits `text` into lines and marks the debris. `view` is the simplified view of `text`.
pub fn mark(text: &str, view: &str) -> Vec<Line> {
    let mut lines: Vec<Line> = text
        .split('\n')
        .zip(view.split('\n'))
        .enumerate()
        .map(|(i, (o, n))| Line {
            no: i + 1,
            orig: o.to_string(),
            norm: n.to_string(),
            keep: true,
        })
        .collect();
    if let Some(start) = lines.iter().position(|l| START.is_match(&l.norm)) {
        for l in &mut lines[..=start] {
            l.keep = false;
        }
    }
    if let Some(tail) = lines.iter().position(|l| TAIL.is_match(&l.norm)) {
        for l in &mut lines[tail..] {
            l.keep = false;
        }
    }
    for l in &mut lines {
        if FURNITURE.is_match(&l.norm) || META_LABEL.is_match(&l.norm) {
            l.keep = false;
        }
    }
    // Blank lines at either end of what is left are not part of the document either.
    let first = lines.iter().position(|l| l.keep && !is_blank(&l.norm));
    let last = lines.iter().rposition(|l| l.keep && !is_blank(&l.norm));
    for (i, l) in lines.iter_mut().enumerate() {
        if first.is_none_or(|f| i < f) || last.is_none_or(|e| i > e) {
            l.keep = false;
        }
    }
    lines
}

/// The document as printed, without the debris: the content of `source.txt`.
pub fn source_text(lines: &[Line]) -> String {
    let mut out = String::new();
    for l in lines.iter().filter(|l| l.keep) {
        out.push_str(&l.orig);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(text: &str) -> Vec<String> {
        mark(text, text)
            .into_iter()
            .filter(|l| l.keep)
            .map(|l| l.orig)
            .collect()
    }

    #[test]
    fn news_write_up_before_original_is_dropped() {
        let t = "某某方案印发\n  • A+\n所属分类:各地政策\n方案指出,到2025年……\n原文如下↓\n武汉市某方案\n一、总体要求";
        assert_eq!(kept(t), ["武汉市某方案", "一、总体要求"]);
    }

    #[test]
    fn footer_and_counters_are_dropped() {
        let t = "发布时间:2024-04-10 09:58:13丨浏览:1382\n鸡西市人民政府文件\n正文\n\n投稿与新闻线索:陈女士\n特别声明:……\n清洁能源查看更多>";
        assert_eq!(kept(t), ["鸡西市人民政府文件", "正文"]);
    }

    #[test]
    fn metadata_header_lines_are_not_source_text() {
        let t = "索引号 : 011336925/2023-11100 文 号 : 无\n有效性: 有效 发文日期: 2023-03-24\n各成员单位:";
        assert_eq!(kept(t), ["各成员单位:"]);
    }

    #[test]
    fn plan_lines_mentioning_sharing_are_kept() {
        let t = "(三)加强宣传引导。充分利用报纸、广播、电视、新媒体等载体,分享经验做法。";
        assert_eq!(kept(t).len(), 1);
    }
}
