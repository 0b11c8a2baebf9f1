//! The text of a task (or of the goals part) → its targets.
//!
//! A target is a clause that states a number to reach by a date (`到2025年,污水处理率达到98%以上`)
//! or, without a number, an outcome by a date (`到2025年,实现百里江滩岸线贯通`). The rules read
//! the way these plans are written:
//! - a year phrase (`到2025年`, `2023年底`, `"十四五"期间`) dates the clauses after it in its
//!   paragraph, until the next year phrase; `较2023年` is a baseline, not a deadline;
//! - the comparator comes from the words around the number: `以上/不低于/超过/达到` → `>=`,
//!   `以内/以下/不超过/控制在` → `<=`, `保持/维持/左右` → `=`, `下降10%` / `增长0.8%` → by;
//! - `分别达到80%、70%和70%` gives one target per value, paired with the metrics listed before;
//! - numbers that only qualify a noun (`4.5米水深航道`, `20万千瓦风电项目`, `PM2.5`), numbers in
//!   titles and document numbers, and statements of the present (`目前…为15%`, `现有60座`) are
//!   not targets.
//!
//! `text` is always an exact slice of the printed text, so a reader can find it in the original.

use std::sync::LazyLock;

use regex::Regex;

use super::model::{Comparator, Target};
use super::text::{is_close, is_open, Dual};

static YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?:(?:力争|预计|争取)?(?:到|至|截至|截止到?|展望)\s*(\d{4})\s*年(?:底|末)?(?:前|之前)?)",
        r"|(?:(\d{4})\s*年(?:底|末)(?:前|之前)?)",
        r"|(?:^\s*(\d{4})\s*年(?:前|之前)?\s*[,，])",
        r"|(?:[“\x22]?(十四五|十五五)[”\x22]?(?:规划)?(?:期间|时期|末))"
    ))
    .unwrap()
});
static BASELINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:较|比|与)\s*(\d{4})\s*年(?:底|末)?(?:相比)?").unwrap());
static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(\d+(?:\.\d+)?)\s*",
        r"((?:万|亿|千万|百万)?(?:微克/立方米|毫克/升|平方公里|平方米|立方米|公里|千米|公顷|亩|千瓦时|千瓦|",
        r"吨标准煤|吨|元|家|个|项|件|座|场次|场|辆|台|处|条|所|户|套|艘|株|棵|人次|人|名|次|批|张|支|天|小时|倍|%|％|‰)",
        r"(?:/(?:日|天|年|人|小时|立方米))?)?"
    ))
    .unwrap()
});
static MODIFIER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(以上|以下|以内|左右|内)").unwrap());
static PRESENT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"现有|目前|已有|已建|现状|当前").unwrap());
/// Verbs that make "N unit noun" a count to reach ("新增10家A级旅游景区").
static COUNT_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(新增|建成|建强|完成|创建|培育|建设|实施|举办|发布|打造|改造|新建|累计|净增|达到|达|超过|提升|开展|",
        r"引进|建立|组建|创成|形成|实现|推广|争创|申报|认定|培训|造林|绿化|治理|修复|淘汰|关停|整治|更新|",
        r"回收|开工|抚育|培养|选拔|资助|扶持|遴选|评选|选派|设立|筹建|筹集|支持|服务|转化|创办|认定|创|",
        r"面向|推动|带动|组织|发动|动员|引导|建有|设有|拥有|配备)\s*(全市|全省|全区|全县|全国)?\s*$"
    ))
    .unwrap()
});
/// `每5年修订1次目录`: how often a piece of work is done is a count to keep.
static FREQ_VERB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(修订|修编|调整|更新|召开|举办|开展|组织|进行|评估|检查|督查|通报|发布)\s*(至少)?\s*$",
    )
    .unwrap()
});
static COUNT_VERB_ANYWHERE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"新增|建成|建设|完成|创建|培育|打造|建立|形成|实现").unwrap());
/// A policy's parameters, not outcomes to reach: a subsidy rate, a loan cap, a refund.
static PARAMETER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"可返还|可申请|可按|最高不超过|最高可|最高给予|补贴标准|补助标准|奖励标准|缴纳|应缴|贷款|贴息|报销").unwrap()
});
/// A grant's amount or rate rather than an outcome: 最高3000万元, 按项目投资额的30%,
/// 给予一次性奖补100万元 (money after a grant word), 10%给予奖补 (a rate the grant follows).
static TOP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"最高\s*$").unwrap());
static RATE_OF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(按照?|按其|按该)[^,，;；]*的\s*$").unwrap());
static GRANT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(给予|予以)[^,，;；]*(奖补|补贴|补助|奖励|资助|贴息)").unwrap());
static GRANT_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(的比例)?\s*(给予|予以)[^,，;；]*(奖补|补贴|补助|奖励|资助|贴息)").unwrap()
});
/// Units of size: `100平方米以上的站点` says how large each one is, not how many to reach
/// (`3个以上的社会组织`, `80%以上的单位` still count).
static MEASURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(平方公里|平方米|立方米|公里|千米|公顷|亩|千瓦时|千瓦|吨|元)$").unwrap()
});
/// `按园区面积5%－10%的比例设置`: a rate that a measure follows.
static RATE_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*((到|至|~|～|－|—|-)\s*\d+(\.\d+)?\s*(%|％)?\s*)?的比例").unwrap()
});
/// Time units: `48小时内放行` is a time limit, not an amount to reach.
static TIME_UNIT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(天|小时)$").unwrap());
/// A duration is not an amount to reach: `每天1小时以上体育活动时间`, `培训8天` (a limit to
/// keep within is: `控制在5天以内`).
static DURATION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(天|小时)").unwrap());
static WITHIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(控制在|控制到|压缩到|压缩至|缩短到|缩短至|压减到|压减至)\s*$").unwrap()
});
/// A rule's limit, not a commitment: `每学期不得超过1次`, `不得少于2人`, `原则上不超过…的30%`
/// (`原则上每5年修订1次` still counts: how often work is done).
static NORM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(不得|不宜|不应|原则上不超过|原则上不高于)[^，,；;。]*$").unwrap()
});
/// How often a piece of work is done: `每学期2次`, `每月至少带队检查1次`, `每天上、下午各做1次`.
static PER_PERIOD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"每(年|半年|季度|季|月|周|天|日|学期)[^，,；;。]{0,8}$").unwrap());
/// `每队2-3人`, `每个学校至少配备1名`: the size of each thing counted (people per team or per
/// school), unlike a rate per population or per period (每万常住人口4人, 每年100名).
static PER_THING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"每个?([^年月季周天日万千百半学\d一二三四五六七八九十两，,；;。]|学[^期])[^，,；;。]*$",
    )
    .unwrap()
});
/// A number with its unit just before an opening bracket that lists parts: the bracket breaks
/// it down (`试点校5所（公办幼儿园、小学…各1所，民办幼儿园1所）`); `新增2400户（累计约3600户）`
/// still gives both.
static BREAKDOWN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\d\s*[^\d\s（(，,；;。]{1,3}\s*[（(][^）)]*[、各][^）)]*$").unwrap()
});

/// Between the bounds of a range: 1到2个, 3至5家.
static RANGE_SEP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(到|至|~|～|－|—|-)\s*").unwrap());
/// A bound before a count: 选拔不少于200名, 控制在10个以内.
static BOUND: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(不低于|不少于|不小于|不超过|不高于|不大于|超过|达到|控制在)\s*$").unwrap()
});
/// Where a coordinated count starts inside a clause: 30名A和50名B, A20名及B100名.
static AND_NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(和|及|以及)[0-9]").unwrap());
static DECREASE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(下降|降低|减少|削减|压减)了?\s*$").unwrap());
static INCREASE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(增长|提高|提升|增加)了?\s*$").unwrap());
static AT_LEAST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(不低于|不少于|不小于|超过|大于|高于|达到|达|提高到|提高至|提升到|提升至|增加到|增加至|增至|突破|超)\s*$").unwrap()
});
static AT_MOST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(不超过|不高于|不大于|低于|小于|少于|控制在|控制到|下降至|下降到|降至|降到|降低至|降低到|减少到|减少至|压减至|压减到)\s*$").unwrap()
});
static EQUAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(保持在|维持在|稳定在|保持|维持|为|约)\s*$").unwrap());
/// Comparator words stripped from the end of a metric.
static METRIC_TAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(分别|均|稳定|持续|基本|逐步)?(不低于|不少于|不小于|超过|大于|高于|达到|达|提高到|提高至|提升到|提升至|增加到|增加至|增至|突破|超|不超过|不高于|不大于|低于|小于|少于|控制在|控制到|下降至|下降到|降至|降到|降低至|降低到|减少到|减少至|压减至|压减到|保持在|维持在|稳定在|保持|维持|为|约|下降|降低|减少|削减|压减|增长|提高|提升|增加)?(了)?\s*$").unwrap()
});
static METRIC_HEAD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(力争|确保|争取|努力|实现|全面|基本)*").unwrap());
static RESPECTIVELY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"分别").unwrap());

/// Finds the targets in `text`; ids are `<prefix><n>` counting from 1.
pub fn extract(text: Dual, prefix: &str) -> Vec<Target> {
    let mut found: Vec<Target> = Vec::new();
    for para in text.split_top(&['\n']) {
        let mut year: Option<i32> = None;
        for sentence in para.split_top(&['。', '!', '！', '?', '？']) {
            if sentence.trim().is_empty() || PRESENT.is_match(first_clause(sentence)) {
                continue;
            }
            let before = found.len();
            let mut dated_here: Option<(usize, i32)> = None;
            let mut pending_prefix: Option<usize> = None;
            // A count read in this sentence lets a later clause that starts with a number count
            // too: 支持300名…赴境外培训，1000名…参加研修.
            let mut carry = false;
            for clause in sentence.split_top(&[',', '，', ';', '；', ':', '：']) {
                let c_off = clause.offset_in(&text);
                if let Some((pos, y)) = year_in(clause.norm) {
                    year = Some(y);
                    dated_here.get_or_insert((c_off + pos, y));
                    if clause.norm[pos..].trim().len()
                        == YEAR.find(&clause.norm[pos..]).map_or(0, |m| m.len())
                    {
                        // The clause is only the year phrase: the next clause's text starts here.
                        let start = clause.norm.len() - clause.norm.trim_start().len();
                        pending_prefix = Some(c_off + start);
                        continue;
                    }
                }
                let start = pending_prefix.take();
                let pieces = bracket_clauses(clause);
                for (k, piece) in pieces.iter().enumerate() {
                    let start = if k == 0 { start } else { None };
                    numeric(text, *piece, start, year, &mut carry, &mut found);
                }
            }
            if found.len() == before {
                if let Some((pos, y)) = dated_here {
                    qualitative(text, sentence, pos, y, &mut found);
                }
            }
        }
    }
    for (i, t) in found.iter_mut().enumerate() {
        t.id = format!("{prefix}{}", i + 1);
    }
    found
}

/// A clause whose bracket holds clauses of its own (`工作（开展1次培训，组织1场演练）`): the text
/// before the bracket, each clause inside it, and the text after it, so that each states its own
/// count. A bracket breaking down the count before it stays whole (see [`BREAKDOWN`]).
fn bracket_clauses(clause: Dual) -> Vec<Dual> {
    let norm = clause.norm;
    let Some(open) = norm.find(['（', '(']) else {
        return vec![clause];
    };
    let open_len = norm[open..].chars().next().map_or(1, char::len_utf8);
    let mut depth = 0;
    let mut close = None;
    for (i, c) in norm[open..].char_indices() {
        if is_open(c) {
            depth += 1;
        } else if is_close(c) {
            depth -= 1;
            if depth == 0 {
                close = Some(open + i);
                break;
            }
        }
    }
    let Some(close) = close else {
        return vec![clause];
    };
    let inner = clause.slice(open + open_len..close);
    let parts = inner.split_top(&['，', ',', '；', ';']);
    if parts.len() < 2 || BREAKDOWN.is_match(&norm[..close]) {
        return vec![clause];
    }
    let close_len = norm[close..].chars().next().map_or(1, char::len_utf8);
    let mut out = vec![clause.slice(0..open)];
    out.extend(parts);
    out.push(clause.slice(close + close_len..norm.len()));
    out.retain(|p| !p.trim().is_empty());
    out
}

fn first_clause(s: Dual<'_>) -> &str {
    s.split_top(&[',', '，']).first().map_or("", |c| c.norm)
}

/// The year a clause names, and where its phrase starts; phrases inside 《》 do not count.
fn year_in(norm: &str) -> Option<(usize, i32)> {
    for c in YEAR.captures_iter(norm) {
        let m = c.get(0).unwrap();
        if inside_title(norm, m.start()) {
            continue;
        }
        let y = if let Some(p) = c.get(4) {
            if p.as_str() == "十四五" {
                2025
            } else {
                2030
            }
        } else {
            let g = c.get(1).or(c.get(2)).or(c.get(3)).unwrap();
            g.as_str().parse().ok()?
        };
        // 到1011年 is no deadline (and plan.toml refuses it): found by the import fuzz target.
        if !(1900..=2200).contains(&y) {
            continue;
        }
        let start = m.start() + (m.as_str().len() - m.as_str().trim_start().len());
        return Some((start, y));
    }
    None
}

fn inside_title(norm: &str, pos: usize) -> bool {
    let before = &norm[..pos];
    before.matches('《').count() > before.matches('》').count()
        || before.matches('〔').count() > before.matches('〕').count()
}

struct Value<'a> {
    range: std::ops::Range<usize>,
    value: f64,
    unit: Option<&'a str>,
    unit_orig: Option<String>,
    end: usize,
}

/// Numbers in `part` that state a value to reach. With `carry`, a count that opens the part
/// (`1000名…`, after an earlier count in the same sentence) is one too.
fn values<'a>(part: Dual<'a>, carry: bool) -> Vec<Value<'a>> {
    let norm = part.norm;
    let mut out = Vec::new();
    let caps: Vec<regex::Captures> = NUMBER.captures_iter(norm).collect();
    let mut skip_next = false;
    for (ci, c) in caps.iter().enumerate() {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        let num = c.get(1).unwrap();
        let mut unit = c.get(2);
        // 1到2个: a range is one value, its lower bound, with the unit printed after the upper.
        if unit.is_none() {
            if let (Some(sep), Some(next)) = (RANGE_SEP.find(&norm[num.end()..]), caps.get(ci + 1))
            {
                if num.end() + sep.end() == next.get(1).unwrap().start() && next.get(2).is_some() {
                    unit = next.get(2);
                    skip_next = true;
                }
            }
        }
        let before = &norm[..num.start()];
        let mut end = unit.map_or(num.end(), |u| u.end());
        // 突破5亿, 2万: a magnitude alone, with no unit after it, is the unit.
        let mut magnitude = None;
        if unit.is_none() {
            let mut rest = norm[num.end()..].chars();
            if let Some(m @ ('万' | '亿')) = rest.next() {
                let after_m = &norm[num.end() + m.len_utf8()..];
                if rest.next().is_none_or(|n| !is_han(n)) || MODIFIER.is_match(after_m) {
                    magnitude = Some(num.end()..num.end() + m.len_utf8());
                    end = num.end() + m.len_utf8();
                }
            }
        }
        let after = &norm[end..];
        let is_money = unit.is_some_and(|u| u.as_str().ends_with('元'));
        let prev = before.chars().next_back();
        let next = after.chars().next();
        if prev.is_some_and(|p| p.is_ascii_alphanumeric() || p == '.')
            || (unit.is_none() && next.is_some_and(|n| n.is_ascii_alphabetic()))
            || inside_title(norm, num.start())
            || PRESENT.is_match(before)
            || PARAMETER.is_match(before)
            || TOP.is_match(before)
            || RATE_OF.is_match(before)
            || (is_money && GRANT.is_match(before))
            || GRANT_AFTER.is_match(after)
            || (unit.is_some_and(|u| TIME_UNIT.is_match(u.as_str())) && after.starts_with('内'))
            || (unit.is_some_and(|u| u.as_str() == "个")
                && (after.starts_with('月') || after.starts_with("工作日")))
            || (RATE_AFTER.is_match(after) && before.contains('按'))
            || (unit.is_some_and(|u| MEASURE.is_match(u.as_str()))
                && MODIFIER
                    .find(after)
                    .is_some_and(|m| after[m.end()..].starts_with('的')))
            || after.trim_start_matches(['的']).starts_with("基础上")
            || (unit.is_some_and(|u| DURATION.is_match(u.as_str())) && !WITHIN.is_match(before))
            || NORM.is_match(before)
            || BREAKDOWN.is_match(before)
            || (unit.is_some_and(|u| matches!(u.as_str(), "人" | "名"))
                && (MODIFIER
                    .find(after)
                    .map_or(after, |m| &after[m.end()..])
                    .starts_with('的')
                    || PER_THING.is_match(before)))
        {
            continue;
        }
        let modifier = MODIFIER.is_match(after);
        let terminal = next.is_none_or(|n| !is_han(n)) || modifier;
        let opens = before.trim().is_empty();
        let accepted = match unit {
            None if magnitude.is_some() => {
                terminal
                    || AT_LEAST.is_match(before)
                    || COUNT_VERB.is_match(before)
                    || BOUND.is_match(before)
            }
            None => AT_LEAST.is_match(before) || AT_MOST.is_match(before) || EQUAL.is_match(before),
            Some(u) if matches!(u.as_str(), "%" | "％" | "‰") => true,
            Some(u) => {
                terminal
                    || COUNT_VERB.is_match(before)
                    || BOUND.is_match(before)
                    || (carry && opens)
                    || closes_a_list(before)
                    || (u.as_str() == "次" && before.contains('每') && FREQ_VERB.is_match(before))
                    || (u.as_str() == "次" && PER_PERIOD.is_match(before))
            }
        };
        let unitless_ok =
            unit.is_some() || magnitude.is_some() || next.is_none_or(|n| !is_han(n) || modifier);
        if !accepted || !unitless_ok {
            continue;
        }
        out.push(Value {
            range: num.start()..end,
            value: num.as_str().parse().unwrap_or(0.0),
            unit: unit
                .map(|u| u.as_str())
                .or(magnitude.clone().map(|r| &norm[r])),
            unit_orig: unit
                .map(|u| part.orig[u.range()].to_string())
                .or(magnitude.map(|r| part.orig[r].to_string())),
            end,
        });
    }
    out
}

/// `建成A、B和C等3个平台`: a count after 等 sums up a list that a counting verb opened.
fn closes_a_list(before: &str) -> bool {
    before.trim_end().ends_with('等') && COUNT_VERB_ANYWHERE.is_match(before)
}

fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c)
}

fn comparator(before: &str, after: &str, unit: Option<&str>, has_baseline: bool) -> Comparator {
    let is_pct = unit.is_some_and(|u| matches!(u, "%" | "％" | "‰"));
    if DECREASE.is_match(before) {
        return Comparator::DecreaseBy;
    }
    if INCREASE.is_match(before) && (is_pct || has_baseline) {
        return Comparator::IncreaseBy;
    }
    if let Some(m) = MODIFIER.captures(after) {
        return match &m[1] {
            "以上" => Comparator::AtLeast,
            "左右" => Comparator::Equal,
            _ => Comparator::AtMost,
        };
    }
    // The longest phrase wins: 不低于 is ">=" although it ends in 低于.
    let len = |re: &Regex| re.find(before).map_or(0, |m| m.len());
    [
        (len(&AT_LEAST), Comparator::AtLeast),
        (len(&AT_MOST), Comparator::AtMost),
        (len(&EQUAL), Comparator::Equal),
    ]
    .into_iter()
    .filter(|&(l, _)| l > 0)
    .max_by_key(|&(l, _)| l)
    .map_or(Comparator::AtLeast, |(_, c)| c)
}

/// A metric name: the clause without its year and baseline phrases, comparator words and the
/// number itself.
fn metric(part: Dual, v_range: std::ops::Range<usize>) -> String {
    let before = clean_metric_part(
        &part.orig[..v_range.start],
        &part.norm[..v_range.start],
        true,
    );
    let after_norm = &part.norm[v_range.end..];
    let skip = MODIFIER.find(after_norm).map_or(0, |m| m.end());
    let after = part.orig[v_range.end + skip..].trim();
    let mut s = before;
    s.push_str(after);
    s.trim_matches([',', '，', '、', ' ']).to_string()
}

fn clean_metric_part(orig: &str, norm: &str, strip_tail: bool) -> String {
    // Drop year and baseline phrases (same byte ranges in both strings).
    let mut cut: Vec<std::ops::Range<usize>> = Vec::new();
    cut.extend(YEAR.find_iter(norm).map(|m| m.range()));
    cut.extend(BASELINE.find_iter(norm).map(|m| m.range()));
    let mut o = String::new();
    let mut n = String::new();
    let mut i = 0;
    cut.sort_by_key(|r| r.start);
    for r in cut {
        if r.start >= i {
            o.push_str(&orig[i..r.start]);
            n.push_str(&norm[i..r.start]);
            i = r.end;
        }
    }
    o.push_str(&orig[i..]);
    n.push_str(&norm[i..]);
    let head = METRIC_HEAD.find(&n).map_or(0, |m| m.end());
    let mut tail = if strip_tail {
        METRIC_TAIL
            .find(&n[head..])
            .map_or(n.len(), |m| head + m.start())
    } else {
        n.len()
    };
    // 平均不少于: 均 belongs to 平均, which stays in the metric.
    if n[..tail].ends_with('平') && n[tail..].starts_with('均') {
        tail += '均'.len_utf8();
    }
    o[head..tail.max(head)]
        .trim()
        .trim_start_matches([',', '，'])
        .to_string()
}

fn numeric<'a>(
    text: Dual,
    clause: Dual<'a>,
    prefix_start: Option<usize>,
    year: Option<i32>,
    carry: &mut bool,
    out: &mut Vec<Target>,
) {
    let c_off = clause.offset_in(&text);
    let c_end = c_off + clause.norm.trim_end().len();
    let c_start = c_off + (clause.norm.len() - clause.norm.trim_start().len());
    let baseline = BASELINE
        .captures(clause.norm)
        .and_then(|c| c[1].parse().ok());
    let text_from = |start: usize, end: usize| text.orig[start..end].trim().to_string();

    // 分别: metrics listed before it, values after it, paired in order.
    if let Some(m) = RESPECTIVELY.find(clause.norm) {
        let tail = clause.slice(m.end()..clause.norm.len());
        let vals = values(tail, false);
        if vals.len() >= 2 {
            let head = clause.slice(0..m.start());
            let head_text = clean_metric_part(head.orig, head.norm, false);
            let metrics: Vec<&str> = head_text.split(['、']).map(str::trim).collect();
            for (i, v) in vals.iter().enumerate() {
                let metric = if metrics.len() == vals.len() {
                    metrics[i].to_string()
                } else {
                    head_text.clone()
                };
                let before = &tail.norm[..v.range.start];
                out.push(Target {
                    id: String::new(),
                    text: text_from(prefix_start.unwrap_or(c_start), c_end),
                    metric,
                    year,
                    value: Some(v.value),
                    unit: v.unit_orig.clone(),
                    comparator: comparator(
                        before
                            .rsplit(['、', '和'])
                            .next()
                            .unwrap_or(before)
                            .trim()
                            .trim_end_matches(['、', '和']),
                        &tail.norm[v.end..],
                        v.unit,
                        baseline.is_some(),
                    )
                    .pipe(|c| if i > 0 { first_comparator(out, c) } else { c }),
                    baseline_year: baseline,
                });
            }
            return;
        }
    }

    // Money after a grant word anywhere before it in the clause is the grant's amount, also in
    // a coordinated part (给予奖补50万元、100万元).
    let values = |part: Dual<'a>, carry: bool| -> Vec<Value<'a>> {
        let pc = part.offset_in(&clause);
        let mut v = values(part, carry);
        v.retain(|v| {
            !(v.unit.is_some_and(|u| u.ends_with('元'))
                && GRANT.is_match(&clause.norm[..pc + v.range.start]))
        });
        v
    };
    let parts = coordinated(clause);
    let with_values = parts
        .iter()
        .filter(|p| !values(**p, true).is_empty())
        .count();
    let parts = if with_values >= 2 {
        parts
    } else {
        vec![clause]
    };
    for (pi, part) in parts.iter().enumerate() {
        let vals = values(*part, *carry);
        if let Some(v) = vals.last() {
            *carry = v.unit.is_some_and(|u| !matches!(u, "%" | "％" | "‰"));
        }
        // In "产值超50亿元企业4家" the value is the last number; earlier ones qualify the noun.
        let Some(v) = pick(&vals) else { continue };
        let p_off = part.offset_in(&text);
        let p_start = p_off + (part.norm.len() - part.norm.trim_start().len());
        let p_end = p_off + part.norm.trim_end().len();
        let start = if pi == 0 {
            prefix_start.unwrap_or(p_start)
        } else {
            p_start
        };
        let before = &part.norm[..v.range.start];
        out.push(Target {
            id: String::new(),
            text: text_from(start, p_end),
            metric: metric(*part, v.range.clone()),
            year,
            value: Some(v.value),
            unit: v.unit_orig.clone(),
            comparator: comparator(before, &part.norm[v.end..], v.unit, baseline.is_some()),
            baseline_year: baseline,
        });
    }
}

/// The parts of a clause that each state a value: split at 、 and before a number after 和/及.
fn coordinated(clause: Dual) -> Vec<Dual> {
    let mut out = Vec::new();
    for part in clause.split_top(&['、']) {
        let mut start = 0;
        for m in AND_NUMBER.find_iter(part.norm) {
            let digit = m.end() - 1;
            if inside_title(part.norm, m.start()) {
                continue;
            }
            out.push(part.slice(start..m.start()));
            start = digit;
        }
        out.push(part.slice(start..part.norm.len()));
    }
    out
}

/// The number of a part that is its value: the last one that ends the part or is followed by
/// a modifier, else the last one.
fn pick<'v, 'a>(vals: &'v [Value<'a>]) -> Option<&'v Value<'a>> {
    vals.last()
}

/// In "分别达到80%、70%和70%" the later values take the first one's comparator.
fn first_comparator(out: &[Target], c: Comparator) -> Comparator {
    out.last().map_or(c, |t| t.comparator)
}

trait Pipe: Sized {
    fn pipe<T>(self, f: impl FnOnce(Self) -> T) -> T {
        f(self)
    }
}
impl Pipe for Comparator {}

fn qualitative(text: Dual, sentence: Dual, year_pos: usize, year: i32, out: &mut Vec<Target>) {
    let s_off = sentence.offset_in(&text);
    let end = s_off + sentence.norm.trim_end().len();
    let t = text.orig[year_pos..end].trim().to_string();
    let rest = text.slice(year_pos..end);
    let metric = rest
        .split_top(&[',', '，', ';', '；'])
        .iter()
        .map(|c| clean_metric_part(c.orig, c.norm, false))
        .find(|m| !m.trim().is_empty())
        .unwrap_or_else(|| t.clone());
    out.push(Target {
        id: String::new(),
        text: t,
        metric,
        year: Some(year),
        value: None,
        unit: None,
        comparator: Comparator::Qualitative,
        baseline_year: None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::text::simplified_view;

    /// text, metric, year, value, unit, comparator, baseline year
    type Row = (
        String,
        String,
        Option<i32>,
        Option<f64>,
        Option<String>,
        &'static str,
        Option<i32>,
    );

    fn targets(t: &str) -> Vec<Row> {
        let v = simplified_view(t);
        extract(Dual::new(t, &v), "")
            .into_iter()
            .map(|t| {
                (
                    t.text,
                    t.metric,
                    t.year,
                    t.value,
                    t.unit,
                    t.comparator.as_str(),
                    t.baseline_year,
                )
            })
            .collect()
    }

    fn one(t: &str) -> Row {
        let v = targets(t);
        assert_eq!(v.len(), 1, "{v:?}");
        v.into_iter().next().unwrap()
    }

    #[test]
    fn dated_percentage_at_least() {
        let t = one("推进城乡生活污水治理,到2025年,污水处理率达到98%以上。");
        assert_eq!(t.0, "到2025年,污水处理率达到98%以上");
        assert_eq!(t.1, "污水处理率");
        assert_eq!(
            (t.2, t.3, t.4.as_deref(), t.5),
            (Some(2025), Some(98.0), Some("%"), ">=")
        );
    }

    #[test]
    fn year_carries_over_clauses_and_sentences_of_a_paragraph() {
        let v = targets("到2026年,全市细颗粒物平均浓度达到28微克/立方米以下。森林覆盖率达到29.8%,草原综合植被盖度达到70%。");
        assert_eq!(v.len(), 3);
        assert_eq!(
            (v[0].3, v[0].4.as_deref(), v[0].5),
            (Some(28.0), Some("微克/立方米"), "<=")
        );
        assert!(v.iter().all(|t| t.2 == Some(2026)));
    }

    #[test]
    fn decrease_with_baseline_and_about() {
        let v = targets("全市单位GDP能耗较2023年下降10%以上,非化石能源消费比重达到17%左右,单位GDP二氧化碳排放较2023年下降9%左右。");
        assert_eq!(
            (v[0].3, v[0].5, v[0].6),
            (Some(10.0), "decrease_by", Some(2023))
        );
        assert_eq!((v[1].3, v[1].5, v[1].6), (Some(17.0), "=", None));
        assert_eq!(
            (v[2].3, v[2].5, v[2].6),
            (Some(9.0), "decrease_by", Some(2023))
        );
        assert_eq!(v[0].1, "全市单位GDP能耗");
    }

    #[test]
    fn increase_by_and_within() {
        let v = targets(
            "到2026年,全市铁路货运量较2020年增长0.8%以上,重度及以上污染天数控制在2天以内。",
        );
        assert_eq!(
            (v[0].3, v[0].5, v[0].6),
            (Some(0.8), "increase_by", Some(2020))
        );
        assert_eq!(
            (v[1].3, v[1].4.as_deref(), v[1].5),
            (Some(2.0), Some("天"), "<=")
        );
    }

    #[test]
    fn respectively_gives_one_target_per_value() {
        let v = targets("规模以上工业企业数字化研发设计工具普及率、关键工序数控化率、经营管理数字化普及率分别达到80%、70%和70%");
        assert_eq!(v.len(), 3);
        assert_eq!(v[1].1, "关键工序数控化率");
        assert_eq!((v[2].3, v[2].5), (Some(70.0), ">="));
    }

    #[test]
    fn lists_of_counts_and_qualifying_numbers() {
        let v = targets(
            "培育产值超50亿元企业4家、产值超10亿元企业25家,创建国家绿色园区1个、国家绿色工厂2家。",
        );
        let vals: Vec<_> = v
            .iter()
            .map(|t| (t.3.unwrap(), t.4.clone().unwrap()))
            .collect();
        assert_eq!(
            vals,
            [
                (4.0, "家".into()),
                (25.0, "家".into()),
                (1.0, "个".into()),
                (2.0, "家".into())
            ]
        );
        assert!(targets(
            "配合推进长江武汉至宜昌段4.5米水深航道建设,加快密山柳毛湖20万千瓦风电项目建设。"
        )
        .is_empty());
        assert!(targets("重点管控PM2.5、PM10。依托全市现有的60座生活垃圾处理设施。").is_empty());
    }

    #[test]
    fn coordinated_counts_and_counts_that_open_a_clause() {
        let vals = |t: &str| -> Vec<(f64, String)> {
            targets(t)
                .iter()
                .map(|t| (t.3.unwrap(), t.4.clone().unwrap()))
                .collect()
        };
        assert_eq!(
            vals("5年内重点引进30名金融高级管理人才和50名金融高级专业人才,跟踪培养300名金融骨干人才。"),
            [(30.0, "名".into()), (50.0, "名".into()), (300.0, "名".into())]
        );
        assert_eq!(
            vals("重点支持300名领军人才赴境外培训,1000名核心人才参加专题研修。"),
            [(300.0, "名".into()), (1000.0, "名".into())]
        );
        assert_eq!(
            vals("重点培养不少于10名院士后备人才。"),
            [(10.0, "名".into())]
        );
        assert_eq!(
            vals("重点扶持50个研修班和50场次名家讲座。")[1],
            (50.0, "场次".into())
        );
        // A number that opens a clause counts only after a count in the same sentence.
        assert!(targets("经研究,3名同志参加会议。").is_empty());
    }

    fn values_of(t: &str) -> Vec<String> {
        targets(t)
            .into_iter()
            .map(|r| format!("{}{}", r.3.unwrap_or(0.0), r.4.unwrap_or_default()))
            .collect::<Vec<_>>()
    }

    #[test]
    fn durations_and_rule_limits_are_not_targets() {
        assert!(values_of("确保中小学生在校时每天1小时以上体育活动时间。").is_empty());
        assert!(values_of("提供7×24小时服务。集中学习时间每年不少于8天。").is_empty());
        assert!(values_of("小学一二年级每学期不得超过1次，其他年级每学期不得超过2次。").is_empty());
        assert!(values_of("原则上不超过教学总时长的30%。").is_empty());
        assert!(values_of("原则上大中型企业不得少于2人。").is_empty());
        // A commitment floor and how often work is done still count.
        assert_eq!(values_of("原则上每5年修订1次目录。"), ["1次"]);
        assert_eq!(values_of("选拔不少于200名青年人才。"), ["200名"]);
    }

    #[test]
    fn how_often_work_is_done_per_period() {
        assert_eq!(
            values_of("严格落实学生健康体检制度和每学期2次视力监测制度。"),
            ["2次"]
        );
        assert_eq!(
            values_of("组织全体学生每天上、下午各做1次眼保健操。"),
            ["1次"]
        );
        assert_eq!(
            values_of("家庭医生应每季度至少主动联系1次签约居民。"),
            ["1次"]
        );
    }

    #[test]
    fn the_size_of_each_team_or_place_is_not_a_target() {
        assert!(values_of("组建不少于3人的片区消防宣讲站。").is_empty());
        assert!(values_of("组建宣讲队，每队2-3人，进村入户。").is_empty());
        assert!(values_of("每个学校至少配备1名兼职视力健康管理人员。").is_empty());
        // Rates per population or per period are targets.
        assert_eq!(values_of("每万常住人口家庭医生数不低于4人。"), ["4人"]);
        assert_eq!(
            values_of("每年选拔资助不少于100名青年科技人才。"),
            ["100名"]
        );
    }

    #[test]
    fn clauses_inside_a_bracket_each_state_their_count() {
        assert_eq!(
            values_of("开展员工培训工作（开展1次全员宣传教育培训，组织1场灭火逃生疏散演练）。"),
            ["1次", "1场"]
        );
    }

    #[test]
    fn a_bracket_that_breaks_a_count_down_is_not_counted_again() {
        assert_eq!(
            values_of("拟建试点校5所（公办幼儿园、小学、初中各1所，民办幼儿园1所）。"),
            ["5所"]
        );
        // A bracket that does not list parts is no breakdown.
        assert!(
            values_of("全市新增2400户（累计约3600户）餐饮单位纳入平台。")
                .contains(&"3600户".to_string())
        );
    }

    #[test]
    fn a_range_is_its_lower_bound() {
        let t = one("建设1到2个大型的人才培养基地。");
        assert_eq!((t.3, t.4.as_deref()), (Some(1.0), Some("个")));
    }

    #[test]
    fn policy_parameters_are_not_targets() {
        assert!(targets("可返还其上年度实际缴纳失业保险费的50%。").is_empty());
        assert!(targets("可申请最高不超过15万元的创业担保贷款。").is_empty());
        assert!(targets("在巩固生均拨款水平达到12000元的基础上,逐步提高。").is_empty());
    }

    #[test]
    fn grants_and_time_limits_are_not_targets() {
        for t in [
            "对跨行业跨领域工业互联网平台省级给予奖补，最高3000万元。",
            "企业级工业互联网平台省级给予一次性奖补100万元。",
            "省级按照项目设备购置额的10%给予奖补。",
            "省级按照不超过项目投资额30%的比例给予一次性奖补。",
            "省级按该款产品首轮流片合同金额的30%，给予一次性奖补。",
            "省级分别给予一次性奖补50万元、100万元、150万元。",
            "符合正常放行条件的48小时内放行。",
        ] {
            assert!(targets(t).is_empty(), "{t}: {:?}", targets(t));
        }
        // A time limit to reach is still one.
        assert_eq!(one("审批时间控制在5天以内。").3, Some(5.0));
        // A count next to a grant is one too.
        let v = targets("每年分行业、分领域发布100个动态场景清单。支持一批典型场景，省级给予一次性奖补100万元。");
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].4.as_deref(), Some("个"));
    }

    #[test]
    fn a_magnitude_alone_is_the_unit_and_more_count_verbs() {
        let t = one("实现标识注册总量突破5亿。");
        assert_eq!((t.3, t.4.as_deref()), (Some(5.0), Some("亿")));
        let t = one("每年面向1万名专业技术人才开展培训。");
        assert_eq!((t.3, t.4.as_deref()), (Some(1.0), Some("万名")));
        let t = one("引导推动2000家规上工业企业实施技术改造。");
        assert_eq!((t.3, t.4.as_deref()), (Some(2000.0), Some("家")));
        assert!(targets("推动5G网络全面覆盖。").is_empty());
    }

    #[test]
    fn counts_of_what_each_place_has_and_qualifiers() {
        let keys = |t: &str| -> Vec<(Option<f64>, Option<String>)> {
            targets(t).into_iter().map(|t| (t.3, t.4)).collect()
        };
        let k = |v: f64, u: &str| (Some(v), Some(u.to_string()));
        assert_eq!(
            keys("到2014年，各区建有1所公办职业技能培训学校。"),
            [k(1.0, "所")]
        );
        assert_eq!(
            keys("2013年3月前，完成全市26个市级幸福社区试点工作。"),
            [k(26.0, "个")]
        );
        assert_eq!(keys("全市安全生产应急救援队伍达到15支。"), [k(15.0, "支")]);
        assert_eq!(keys("每千人病床数达到5张。"), [k(5.0, "张")]);
        assert_eq!(
            keys("原则上每5年修订1次职业院校专业目录，每年调整1次专业。"),
            [k(1.0, "次"), k(1.0, "次")]
        );
        assert_eq!(keys("城镇年均新增就业人数24万以上。"), [k(24.0, "万")]);
        assert_eq!(
            keys("80%以上的驻社区单位签订协议，每个社区拥有3个以上的社会组织。"),
            [k(80.0, "%"), k(3.0, "个")]
        );
        assert_eq!(
            keys("建成食品检验监测、食品安全信用监管等3个平台。"),
            [k(3.0, "个")]
        );
        for t in [
            "困难群众医疗救助报销比例提高至90%。",
            "按园区陆地面积5%－10%的比例设置儿童户外公共活动场地。",
            "每个行政村建设100平方米以上的老年人活动站点。",
            "局级以上领导干部累计参加脱产培训不少于3个月。",
            "合法性审核时间一般不少于5个工作日，最长不超过15个工作日。",
        ] {
            assert!(targets(t).is_empty(), "{t}: {:?}", targets(t));
        }
    }

    #[test]
    fn present_state_is_not_a_target() {
        let v =
            targets("目前,考核评分标准中所占比例为15%,需要提高。到2023年底,考核比例达到20%以上。");
        assert_eq!(v.len(), 1);
        assert_eq!((v[0].2, v[0].3), (Some(2023), Some(20.0)));
    }

    #[test]
    fn count_followed_by_latin_letters_and_average() {
        let t = one("力争全市新增10家A级旅游景区。");
        assert_eq!(
            (t.3, t.4.as_deref(), t.1.as_str()),
            (Some(10.0), Some("家"), "全市新增A级旅游景区")
        );
        let t = one("每年支持绿色技术研发项目平均不少于50项。");
        assert_eq!((t.1.as_str(), t.5), ("每年支持绿色技术研发项目平均", ">="));
    }

    #[test]
    fn five_year_plan_period_means_2025() {
        let t = one("全面加强森林经营,“十四五”期间抚育森林40万亩。");
        assert_eq!(
            (t.2, t.3, t.4.as_deref()),
            (Some(2025), Some(40.0), Some("万亩"))
        );
    }

    #[test]
    fn dated_outcome_without_number_is_qualitative() {
        let t = one("推进百里长江生态廊道建设,到2025年,实现百里江滩岸线贯通。");
        assert_eq!(t.0, "到2025年,实现百里江滩岸线贯通");
        assert_eq!((t.2, t.3, t.5), (Some(2025), None, "qualitative"));
        let t = one("至2023年底实现原生生活垃圾零填埋。");
        assert_eq!(t.5, "qualitative");
    }

    #[test]
    fn unitless_index_with_comparator() {
        let t = one("到2023年底,全市生态环境状况指数(EI)不低于66。");
        assert_eq!((t.3, t.4, t.5), (Some(66.0), None, ">="));
    }

    #[test]
    fn traditional_text() {
        let t = one("到2025年,綠色技術領域高新技術企業達到1200家。");
        assert_eq!((t.3, t.4.as_deref(), t.5), (Some(1200.0), Some("家"), ">="));
        assert_eq!(t.1, "綠色技術領域高新技術企業");
    }
}
