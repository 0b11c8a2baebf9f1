//! The document's metadata → title, issuer, numbers, dates, period, summary, jurisdiction.
//!
//! Two sources, in order of trust: the disclosure metadata block that portals print above a
//! document (索引号, 主题分类, 发文单位, 文号, 成文日期, 发布日期, 有效性), and the document's own
//! header (red-letter issuer, 文号 line, notice title, plan title, signature and date). Nothing
//! here is required: a field we cannot find is left out, never guessed from unrelated text (a
//! 文号 cited in the preamble is another document's number).

use std::sync::LazyLock;

use regex::Regex;

use super::debris::Line;
use super::model::Date;
use super::text::to_simplified;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Metadata {
    pub title: Option<String>,
    pub issuer: Option<String>,
    pub doc_number: Option<String>,
    pub index_number: Option<String>,
    pub categories: Vec<String>,
    pub written: Option<Date>,
    pub published: Option<Date>,
    pub validity: Option<String>,
    pub period: Option<(i32, i32)>,
    pub summary: Option<String>,
    /// The jurisdiction as printed (e.g. 武漢市) and its ASCII slug (wuhan).
    pub jurisdiction: Option<(String, String)>,
}

static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(索\s*引\s*号|主\s*题\s*分\s*类|发\s*文\s*单\s*位|发\s*文\s*机\s*关|文\s*号|名\s*称|发\s*布\s*日\s*期|发\s*布\s*时\s*间|成\s*文\s*日\s*期|发\s*文\s*日\s*期|有\s*效\s*性)\s*[:：]")
        .unwrap()
});
static DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})").unwrap());
static DATE_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$").unwrap());
static DOC_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\p{Han}{1,10}\s*[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号").unwrap()
});
static TITLE_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(方案|计划|规划|意见|办法|措施|纲要|要点|清单|细则|行动|决定|通知)\s*([(（][^()（）]{0,20}[)）])?\s*$")
        .unwrap()
});
static ISSUER_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(政府|办公厅|办公室|委员会|局|厅|委|部|中心|小组|指挥部)\s*$").unwrap()
});
static PERIOD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(\d{4})\s*[—–\-－~～至到]+\s*(\d{4})\s*年").unwrap());
static ONE_YEAR: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(\d{4})\s*年").unwrap());
static CITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:关于印发|关于)?(?:全面推进|加快推进|推进|加快|促进|推动|深化|加强|做好|支持)?",
        r"([\p{Han}--[区市县]]{2,4}?)(综合实验区|实验区|新区|市|州|盟|地区|县|区)"
    ))
    .unwrap()
});
/// What a district's name cannot be: a verb (关于推进社区…), an area that is no district (中心城区,
/// 开发区, 园区, 社区, 景区).
static NOT_A_DISTRICT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(推进|加快|建设|开展|推动|深化|全面|加强|促进|支持|做好|进一步|实施|打造|根据|按照|依据|结合|为了|为|在|对|各|本|全)|[社园景城片]$|开发|示范|试验|自贸|保税|功能|重点").unwrap()
});
static BOOK_TITLE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"《([^《》]{4,80})》").unwrap());

/// Reads the metadata. `lines` are all lines (debris included: a page's 发布时间 is metadata);
/// `header_end` is the index of the first section heading (the header is what comes before).
pub fn extract(lines: &[Line], header_end: usize) -> Metadata {
    let mut m = Metadata::default();
    read_labels(lines, &mut m);

    let header: Vec<&Line> = lines[..header_end.min(lines.len())]
        .iter()
        .filter(|l| l.keep && !l.norm.trim().is_empty())
        .collect();

    // Title: a standalone title line (possibly broken over two lines), else 《…》 in the notice,
    // else the 名称 of the metadata block without its 关于印发…的通知 wrapper.
    let from_lines = title_from_lines(&header);
    let from_book = || {
        header.iter().find_map(|l| {
            BOOK_TITLE.captures(&l.norm).and_then(|c| {
                let g = c.get(1).unwrap();
                let t = &l.orig[g.range()];
                TITLE_END.is_match(g.as_str()).then(|| t.trim().to_string())
            })
        })
    };
    let from_name = m.title.take().map(|n| {
        let n = n
            .trim_start_matches("关于印发")
            .trim_start_matches("關於印發");
        n.trim_end_matches("的通知").to_string()
    });
    m.title = from_lines
        .or_else(from_book)
        .or(from_name)
        .map(|t| t.split_whitespace().collect());

    // Issuer and written date: the signature, a line followed by a date-only line.
    for w in header.windows(2) {
        if DATE_LINE.is_match(&w[1].norm) && ISSUER_END.is_match(&w[0].norm) {
            if m.issuer.is_none() {
                m.issuer = Some(w[0].orig.trim().to_string());
            }
            if m.written.is_none() {
                m.written = parse_date(&w[1].norm);
            }
            break;
        }
    }
    if m.doc_number.is_none() {
        m.doc_number = header
            .iter()
            .find(|l| {
                DOC_NUMBER
                    .find(&l.norm)
                    .is_some_and(|x| x.as_str().len() + 6 >= l.norm.trim().len())
            })
            .map(|l| l.orig.trim().to_string())
            .or_else(|| {
                lines
                    .iter()
                    .find(|l| l.norm.trim_start().starts_with("原标题"))
                    .and_then(|l| {
                        DOC_NUMBER.find(&l.norm).map(|x| {
                            let mut s = l.orig[x.range()].to_string();
                            s = s.trim_start_matches("原标题").to_string();
                            s.trim_start_matches([':', '：']).trim().to_string()
                        })
                    })
            });
    }

    if let Some(t) = &m.title {
        let t = to_simplified(t);
        if let Some(c) = PERIOD.captures(&t) {
            m.period = Some((c[1].parse().unwrap_or(0), c[2].parse().unwrap_or(0)));
        } else if let Some(c) = ONE_YEAR.captures(&t) {
            let y = c[1].parse().unwrap_or(0);
            m.period = Some((y, y));
        }
    }

    m.summary = lines[..header_end.min(lines.len())]
        .iter()
        .chain(lines.iter())
        .filter(|l| l.keep)
        .find(|l| l.norm.trim_start().starts_with('为'))
        .map(|l| {
            let t = l.orig.trim();
            let end = l
                .norm
                .trim()
                .find('。')
                .map_or(t.len(), |i| i + '。'.len_utf8());
            t[..end].to_string()
        });

    m.jurisdiction = detect_jurisdiction(&m, &header);
    m
}

fn read_labels(lines: &[Line], m: &mut Metadata) {
    for l in lines.iter().filter(|l| !l.keep) {
        let found: Vec<_> = LABEL.captures_iter(&l.norm).collect();
        for (i, c) in found.iter().enumerate() {
            let whole = c.get(0).unwrap();
            if i == 0 && !l.norm[..whole.start()].trim().is_empty() {
                break; // a label must start the line
            }
            let end = found
                .get(i + 1)
                .map_or(l.norm.len(), |n| n.get(0).unwrap().start());
            let value = l.orig[whole.end()..end].trim();
            let label: String = c[1].split_whitespace().collect();
            if value.is_empty() {
                continue;
            }
            let v = Some(value.to_string());
            match label.as_str() {
                "索引号" => m.index_number = v,
                "主题分类" => {
                    m.categories = value
                        .split([';', '；', ',', '，', '、', '/'])
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect()
                }
                "发文单位" | "发文机关" => m.issuer = v,
                "文号" if value != "无" && value != "無" => m.doc_number = v,
                "名称" => m.title = v,
                "发布日期" | "发布时间" => m.published = m.published.or(parse_date(value)),
                "成文日期" | "发文日期" => m.written = m.written.or(parse_date(value)),
                "有效性" => m.validity = v,
                _ => {}
            }
        }
    }
}

/// The last line (or pair of lines) in the header that reads as a plan title.
fn title_from_lines(header: &[&Line]) -> Option<String> {
    let ok = |s: &str| {
        let s = s.trim();
        TITLE_END.is_match(s)
            && !s.ends_with("通知")
            && !s.contains(['。', ',', '，', ':', '：', '》'])
            && s.chars().count() <= 60
    };
    let mut best = None;
    let mut i = 0;
    while i < header.len() {
        let l = header[i];
        if l.norm.trim_start().starts_with('为') {
            break;
        }
        if ok(&l.norm) {
            best = Some(l.orig.trim().to_string());
        } else if let Some(next) = header.get(i + 1) {
            let joined = format!("{}{}", l.norm.trim(), next.norm.trim());
            if l.norm.trim().chars().count() <= 30
                && !l.norm.contains(['。', ',', '，'])
                && !DATE_LINE.is_match(&l.norm)
                && ok(&joined)
            {
                best = Some(format!("{}{}", l.orig.trim(), next.orig.trim()));
                i += 1; // the next line is the title's second half, not a title of its own
            }
        }
        i += 1;
    }
    best
}

fn detect_jurisdiction(m: &Metadata, header: &[&Line]) -> Option<(String, String)> {
    let mut candidates: Vec<String> = Vec::new();
    candidates.extend(m.issuer.clone());
    candidates.extend(m.title.clone());
    candidates.extend(header.iter().map(|l| l.orig.trim().to_string()));
    candidates.iter().find_map(|c| {
        let norm = super::text::simplified_view(c);
        let cap = CITY.captures(&norm)?;
        if !matches!(&cap[2], "市" | "州" | "盟" | "县") && NOT_A_DISTRICT.is_match(&cap[1]) {
            return None;
        }
        let name_range = cap.get(1).unwrap().start()..cap.get(2).unwrap().end();
        let printed = c[name_range].to_string();
        let slug = slug(&to_simplified(&cap[1]));
        (!slug.is_empty()).then_some((printed, slug))
    })
}

/// ASCII slug of Chinese text through its pinyin: 武汉 → "wuhan".
pub fn slug(s: &str) -> String {
    super::text::pinyin_words(s).concat()
}

pub fn parse_date(s: &str) -> Option<Date> {
    let c = DATE.captures(s)?;
    let (y, m, d) = (c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some(Date { y, m, d })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::debris::mark;
    use crate::import::text::simplified_view;

    fn meta(text: &str) -> Metadata {
        let view = simplified_view(text);
        let lines = mark(text, &view);
        let end = lines
            .iter()
            .position(|l| l.norm.starts_with("一、"))
            .unwrap_or(lines.len());
        extract(&lines, end)
    }

    #[test]
    fn metadata_block_with_several_fields_per_line() {
        let m = meta(concat!(
            "索引号 : 011336925/2023-11100 文 号 : 无\n",
            "主题分类: 政务公开;节能与资源综合利用 发文单位: 咸宁市发展和改革委员会(市绿色发展专业委员会办公室)\n",
            "名 称: 关于印发咸宁市绿色发展专业委员会 2023年工作计划的通知 发布日期: 2023年04月04日\n",
            "有效性: 有效 发文日期: 2023-03-24\n",
            "各成员单位:\n为深入贯彻落实习近平生态文明思想,制定《咸宁市绿色发展专业委员会2023年工作计划》,请落实。\n一、指导思想\n"
        ));
        assert_eq!(m.index_number.as_deref(), Some("011336925/2023-11100"));
        assert_eq!(m.doc_number, None);
        assert_eq!(m.categories, ["政务公开", "节能与资源综合利用"]);
        assert_eq!(
            m.issuer.as_deref(),
            Some("咸宁市发展和改革委员会(市绿色发展专业委员会办公室)")
        );
        assert_eq!(
            m.written,
            Some(Date {
                y: 2023,
                m: 3,
                d: 24
            })
        );
        assert_eq!(
            m.published,
            Some(Date {
                y: 2023,
                m: 4,
                d: 4
            })
        );
        assert_eq!(m.validity.as_deref(), Some("有效"));
        assert_eq!(
            m.title.as_deref(),
            Some("咸宁市绿色发展专业委员会2023年工作计划")
        );
        assert_eq!(m.period, Some((2023, 2023)));
        assert_eq!(m.jurisdiction, Some(("咸宁市".into(), "xianning".into())));
    }

    #[test]
    fn header_with_doc_number_signature_and_split_title() {
        let m = meta(concat!(
            "鸡西市人民政府文件\n鸡政发〔2024〕9号\n鸡西市人民政府印发关于\n加快建设绿色龙江的实施方案的通知\n",
            "鸡西市人民政府\n2024年5月29日\n(此件公开发布)\n关于全面贯彻落实习近平生态文明思想\n",
            "加快建设绿色龙江鸡西实践地的实施方案\n为全面贯彻落实习近平生态文明思想,制定本实施方案。\n一、总体要求\n"
        ));
        assert_eq!(m.doc_number.as_deref(), Some("鸡政发〔2024〕9号"));
        assert_eq!(m.issuer.as_deref(), Some("鸡西市人民政府"));
        assert_eq!(
            m.written,
            Some(Date {
                y: 2024,
                m: 5,
                d: 29
            })
        );
        assert_eq!(
            m.title.as_deref(),
            Some("关于全面贯彻落实习近平生态文明思想加快建设绿色龙江鸡西实践地的实施方案")
        );
        assert_eq!(
            m.summary.as_deref(),
            Some("为全面贯彻落实习近平生态文明思想,制定本实施方案。")
        );
        assert_eq!(m.jurisdiction, Some(("鸡西市".into(), "jixi".into())));
    }

    #[test]
    fn traditional_header_keeps_printed_forms() {
        let m = meta("武漢市人民政府辦公廳\n2022年10月28日\n武漢長江經濟帶十大行動實施方案\n為深入貫徹精神,特制訂本方案。\n一、總體要求\n");
        assert_eq!(m.issuer.as_deref(), Some("武漢市人民政府辦公廳"));
        assert_eq!(m.title.as_deref(), Some("武漢長江經濟帶十大行動實施方案"));
        assert_eq!(m.jurisdiction, Some(("武漢市".into(), "wuhan".into())));
    }

    #[test]
    fn a_district_is_a_jurisdiction() {
        let m = meta("关于印发《黄浦区可再生能源发展行动方案》的通知\n区政府各委、办、局：\n黄浦区发展和改革委员会黄浦区建设和管理委员会\n黄浦区城市管理行政执法局\n2025年2月24日\n一、主要任务\n");
        assert_eq!(m.jurisdiction, Some(("黄浦区".into(), "huangpu".into())));
        let m = meta("关于推进社区建设的实施方案\n一、主要任务\n");
        assert_eq!(m.jurisdiction, None);
        let m = meta("平潭综合实验区管委会办公室关于印发工作方案的通知\n一、主要任务\n");
        assert_eq!(
            m.jurisdiction,
            Some(("平潭综合实验区".into(), "pingtan".into()))
        );
        let m = meta("推进广州市家庭医生签约服务高质量发展的实施方案\n一、主要任务\n");
        assert_eq!(m.jurisdiction, Some(("广州市".into(), "guangzhou".into())));
    }
}
