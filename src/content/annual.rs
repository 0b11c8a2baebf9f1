//! 政府信息公开年度报告: `content/disclosure/annual/<year>.toml` → [`AnnualReport`].
//!
//! The report follows the six-part format of 国办公开办函〔2021〕30号, and the file mirrors its
//! tables row for row, so a person can copy the figures from the printed form. Each row of a
//! table is one TOML array in the column order of the printed table:
//!
//! ```toml
//! year = 2024                       # optional; must match the file name
//! title = "示例市人民政府2024年政府信息公开工作年度报告"   # optional
//! publisher = "示例市人民政府办公室"  # optional; defaults to site.toml's publisher.name
//! published = 2025-01-20            # optional; when the report was made public
//! sample = true                     # demonstration figures: the pages say 示例数据
//!
//! [text]                            # Markdown, each optional
//! overview = "…"                    # 一、总体情况
//! active = "…"                      # a note under table 二
//! problems = "…"                    # 五、存在的主要问题及改进情况
//! other = "…"                       # 六、其他需要报告的事项
//!
//! [active]                          # 二、主动公开政府信息情况
//! #                     本年制发 本年废止 现行有效
//! regulations         = [0, 0, 0]  # 规章
//! normative_documents = [2, 1, 15] # 行政规范性文件
//! licensing  = 1200                # 行政许可 本年处理决定数量
//! punishment = 36                  # 行政处罚 本年处理决定数量
//! coercion   = 4                   # 行政强制 本年处理决定数量
//! fees       = 0.0                 # 行政事业性收费 本年收费金额(万元)
//!
//! [requests]                        # 三、收到和处理政府信息公开申请情况
//! #       自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计
//! new      = [42, 5, 1, 0, 2, 1, 51]   # 一、本年新收
//! previous = [ 3, 0, 0, 0, 0, 0,  3]   # 二、上年结转
//! carried  = [ 2, 0, 0, 0, 0, 0,  2]   # 四、结转下年度继续办理
//! [requests.result]                    # 三、本年度办理结果
//! disclosed = […]  partly_disclosed = […]  total = […]   # (一)(二)(七)
//! [requests.result.refused]            # (三)不予公开 1–8
//! state_secret prohibited_by_law three_safeties third_party
//! internal_affairs process_info enforcement_files inquiry_items
//! [requests.result.unable]             # (四)无法提供 1–3
//! not_held needs_creation unclear
//! [requests.result.not_processed]      # (五)不予处理 1–5
//! petition repeated publications excessive confirmation
//! [requests.result.other]              # (六)其他处理 1–3
//! no_correction no_fee other
//!
//! [appeals]                         # 四、行政复议、行政诉讼情况
//! #                          维持 纠正 其他 尚未审结 总计
//! review                  = [1, 0, 0, 0, 1]   # 行政复议
//! litigation_direct       = [0, 0, 0, 0, 0]   # 行政诉讼 未经复议直接起诉
//! litigation_after_review = [0, 0, 0, 0, 0]   # 行政诉讼 复议后起诉
//! ```
//!
//! `content/disclosure/annual/2024.toml` is a complete, commented example.
//!
//! What [`parse`] verifies, each failure an error at the `file:line:col` of the value at fault:
//! every row has the printed number of columns; every 总计 equals its parts (the 总计 column
//! of each row of table 三, the (七)总计 row per column, the 总计 of each group of table 四);
//! and 一 本年新收 + 二 上年结转 = 三(七) 总计 + 四 结转下年度, per column. It never reads files.

use serde::Deserialize;
use toml::Spanned;

use crate::content::SourceFile;
use crate::diagnostics::Diagnostics;
use crate::markdown;
use crate::model::{
    ActiveTable, AnnualReport, AppealGroup, RequestRow, APPEAL_COLUMNS, REQUEST_COLUMNS,
};

/// An annual report file as read: its year (from the file name), path as shown, and text.
pub(crate) struct AnnualSource {
    pub year: i32,
    pub path: std::path::PathBuf,
    pub text: String,
}

/// A table row as written: the array and each figure, with their places in the file.
type Row = Spanned<Vec<Spanned<u64>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnnual {
    year: Option<Spanned<i32>>,
    title: Option<String>,
    publisher: Option<String>,
    published: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    sample: bool,
    #[serde(default)]
    text: RawText,
    active: RawActive,
    requests: RawRequests,
    appeals: RawAppeals,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawText {
    overview: Option<String>,
    active: Option<String>,
    problems: Option<String>,
    other: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawActive {
    regulations: Row,
    normative_documents: Row,
    licensing: u64,
    punishment: u64,
    coercion: u64,
    fees: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequests {
    new: Row,
    previous: Row,
    result: RawResult,
    carried: Row,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawResult {
    disclosed: Row,
    partly_disclosed: Row,
    refused: RawRefused,
    unable: RawUnable,
    not_processed: RawNotProcessed,
    other: RawOther,
    total: Row,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRefused {
    state_secret: Row,
    prohibited_by_law: Row,
    three_safeties: Row,
    third_party: Row,
    internal_affairs: Row,
    process_info: Row,
    enforcement_files: Row,
    inquiry_items: Row,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnable {
    not_held: Row,
    needs_creation: Row,
    unclear: Row,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotProcessed {
    petition: Row,
    repeated: Row,
    publications: Row,
    excessive: Row,
    confirmation: Row,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOther {
    no_correction: Row,
    no_fee: Row,
    other: Row,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAppeals {
    review: Row,
    litigation_direct: Row,
    litigation_after_review: Row,
}

pub fn annual_url(year: i32) -> String {
    format!("disclosure/annual/{year}/index.html")
}

/// A leaf or total row of table 三, in printed order, with the place it came from.
struct Line<'a> {
    label: &'static str,
    level: u8,
    row: Option<&'a Row>,
}

fn lines(r: &RawRequests) -> Vec<Line<'_>> {
    let l = |label, level, row| Line {
        label,
        level,
        row: Some(row),
    };
    let h = |label, level| Line {
        label,
        level,
        row: None,
    };
    let x = &r.result;
    vec![
        l("一、本年新收政府信息公开申请数量", 0, &r.new),
        l("二、上年结转政府信息公开申请数量", 0, &r.previous),
        h("三、本年度办理结果", 0),
        l("(一)予以公开", 1, &x.disclosed),
        l(
            "(二)部分公开(区分处理的,只计这一情形,不计其他情形)",
            1,
            &x.partly_disclosed,
        ),
        h("(三)不予公开", 1),
        l("1.属于国家秘密", 2, &x.refused.state_secret),
        l(
            "2.其他法律行政法规禁止公开",
            2,
            &x.refused.prohibited_by_law,
        ),
        l("3.危及“三安全一稳定”", 2, &x.refused.three_safeties),
        l("4.保护第三方合法权益", 2, &x.refused.third_party),
        l("5.属于三类内部事务信息", 2, &x.refused.internal_affairs),
        l("6.属于四类过程性信息", 2, &x.refused.process_info),
        l("7.属于行政执法案卷", 2, &x.refused.enforcement_files),
        l("8.属于行政查询事项", 2, &x.refused.inquiry_items),
        h("(四)无法提供", 1),
        l("1.本机关不掌握相关政府信息", 2, &x.unable.not_held),
        l("2.没有现成信息需要另行制作", 2, &x.unable.needs_creation),
        l("3.补正后申请内容仍不明确", 2, &x.unable.unclear),
        h("(五)不予处理", 1),
        l("1.信访举报投诉类申请", 2, &x.not_processed.petition),
        l("2.重复申请", 2, &x.not_processed.repeated),
        l("3.要求提供公开出版物", 2, &x.not_processed.publications),
        l("4.无正当理由大量反复申请", 2, &x.not_processed.excessive),
        l(
            "5.要求行政机关确认或重新出具已获取信息",
            2,
            &x.not_processed.confirmation,
        ),
        h("(六)其他处理", 1),
        l(
            "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            2,
            &x.other.no_correction,
        ),
        l(
            "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            2,
            &x.other.no_fee,
        ),
        l("3.其他", 2, &x.other.other),
        l("(七)总计", 1, &x.total),
        l("四、结转下年度继续办理", 0, &r.carried),
    ]
}

fn values(row: &Row) -> Vec<u64> {
    row.get_ref().iter().map(|v| *v.get_ref()).collect()
}

/// Parses and checks one annual report. `None` when its shape is wrong (reported); arithmetic
/// errors are reported but the report is still returned (the build stops on them anyway).
pub(crate) fn parse(
    src: &AnnualSource,
    default_publisher: &str,
    diags: &mut Diagnostics,
) -> Option<AnnualReport> {
    let file = SourceFile::new(src.path.clone(), src.text.clone());
    let raw: RawAnnual = match toml::from_str(&file.text) {
        Ok(r) => r,
        Err(e) => {
            diags.push(file.toml_error(0, &e).with_help(
                "the annual report's fields are described in content/disclosure/annual/2024.toml",
            ));
            return None;
        }
    };
    if let Some(y) = &raw.year {
        if *y.get_ref() != src.year {
            diags.push(
                file.error(
                    y.span().start,
                    format!(
                        "year = {} but the file is named {}.toml",
                        y.get_ref(),
                        src.year
                    ),
                )
                .with_help("the file name decides the year; fix one of them"),
            );
        }
    }
    let published = raw.published.as_ref().and_then(|d| file.date(0, d, diags));

    // Shape: each row has the printed number of columns.
    let mut shape_ok = true;
    let mut need = |row: &Row, n: usize, what: &str, diags: &mut Diagnostics| {
        if row.get_ref().len() != n {
            shape_ok = false;
            diags.push(
                file.error(
                    row.span().start,
                    format!(
                        "this row has {} figures; {what} has {n}",
                        row.get_ref().len()
                    ),
                )
                .with_help(format!("write the {n} columns in printed order")),
            );
        }
    };
    let request_lines = lines(&raw.requests);
    let request_cols = REQUEST_COLUMNS.join(", ");
    for line in &request_lines {
        if let Some(row) = line.row {
            need(row, 7, &format!("table 三 ({request_cols})"), diags);
        }
    }
    let appeal_cols = APPEAL_COLUMNS.join(", ");
    for row in [
        &raw.appeals.review,
        &raw.appeals.litigation_direct,
        &raw.appeals.litigation_after_review,
    ] {
        need(
            row,
            5,
            &format!("each group of table 四 ({appeal_cols})"),
            diags,
        );
    }
    for row in [&raw.active.regulations, &raw.active.normative_documents] {
        need(
            row,
            3,
            "table 二 (本年制发件数, 本年废止件数, 现行有效件数)",
            diags,
        );
    }
    if !shape_ok {
        return None;
    }

    check_requests(&file, &raw.requests, &request_lines, diags);
    check_appeals(&file, &raw.appeals, diags);

    let requests = request_lines
        .iter()
        .map(|l| RequestRow {
            label: l.label,
            level: l.level,
            total: l.label == "(七)总计",
            cells: l.row.map(values).unwrap_or_default(),
        })
        .collect();
    let publisher = raw
        .publisher
        .unwrap_or_else(|| default_publisher.to_string());
    let title = raw
        .title
        .unwrap_or_else(|| format!("{publisher}{}年政府信息公开工作年度报告", src.year));
    let md = |s: &Option<String>| {
        s.as_deref()
            .map_or_else(String::new, |s| markdown::to_html(s, 2))
    };
    Some(AnnualReport {
        year: src.year,
        title,
        publisher,
        published,
        sample: raw.sample,
        url: annual_url(src.year),
        overview_html: md(&raw.text.overview),
        active_note_html: md(&raw.text.active),
        problems_html: md(&raw.text.problems),
        other_html: md(&raw.text.other),
        active: ActiveTable {
            regulations: values(&raw.active.regulations),
            normative_documents: values(&raw.active.normative_documents),
            licensing: raw.active.licensing,
            punishment: raw.active.punishment,
            coercion: raw.active.coercion,
            fees: raw.active.fees,
        },
        requests,
        appeals: vec![
            AppealGroup {
                label: "行政复议",
                cells: values(&raw.appeals.review),
            },
            AppealGroup {
                label: "行政诉讼:未经复议直接起诉",
                cells: values(&raw.appeals.litigation_direct),
            },
            AppealGroup {
                label: "行政诉讼:复议后起诉",
                cells: values(&raw.appeals.litigation_after_review),
            },
        ],
    })
}

/// Table 三: row totals, the (七)总计 row, and 一 + 二 = 三(七) + 四, per column.
fn check_requests(file: &SourceFile, r: &RawRequests, lines: &[Line], diags: &mut Diagnostics) {
    // The 总计 column of every row.
    for line in lines {
        let Some(row) = line.row else { continue };
        let v = row.get_ref();
        let parts: u64 = v[..6].iter().map(|x| *x.get_ref()).sum();
        let total = *v[6].get_ref();
        if parts != total {
            diags.push(
                file.error(
                    v[6].span().start,
                    format!(
                        "总计 of \"{}\" is {total}, but its columns add up to {parts}",
                        line.label
                    ),
                )
                .with_help(
                    "总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他",
                ),
            );
        }
    }
    // The (七)总计 row, per column (the 总计 column follows from the row checks above).
    let leaves: Vec<&Row> = lines
        .iter()
        .filter(|l| l.level >= 1 && l.label != "(七)总计")
        .filter_map(|l| l.row)
        .collect();
    let total = r.result.total.get_ref();
    for (c, name) in REQUEST_COLUMNS.iter().enumerate().take(6) {
        let parts: u64 = leaves.iter().map(|row| *row.get_ref()[c].get_ref()).sum();
        let t = *total[c].get_ref();
        if parts != t {
            diags.push(
                file.error(
                    total[c].span().start,
                    format!("(七)总计 for {name} is {t}, but (一) to (六) add up to {parts}"),
                )
                .with_help("(七)总计 = (一)予以公开 + (二)部分公开 + every item of (三) to (六)"),
            );
        }
    }
    // 一 + 二 = 三(七) + 四.
    let new = r.new.get_ref();
    let previous = r.previous.get_ref();
    let carried = r.carried.get_ref();
    for (c, name) in REQUEST_COLUMNS.iter().enumerate().take(6) {
        let received = *new[c].get_ref() + *previous[c].get_ref();
        let handled = *total[c].get_ref() + *carried[c].get_ref();
        if received != handled {
            diags.push(
                file.error(
                    carried[c].span().start,
                    format!(
                        "for {name}, 一 本年新收 {} + 二 上年结转 {} = {received}, but 三(七)总计 {} + 四 结转下年度 {} = {handled}",
                        new[c].get_ref(),
                        previous[c].get_ref(),
                        total[c].get_ref(),
                        carried[c].get_ref(),
                    ),
                )
                .with_help("every request received or carried in is either handled this year or carried over"),
            );
        }
    }
}

/// Table 四: each group's 总计 equals its four results.
fn check_appeals(file: &SourceFile, a: &RawAppeals, diags: &mut Diagnostics) {
    for (label, row) in [
        ("行政复议", &a.review),
        ("行政诉讼 未经复议直接起诉", &a.litigation_direct),
        ("行政诉讼 复议后起诉", &a.litigation_after_review),
    ] {
        let v = row.get_ref();
        let parts: u64 = v[..4].iter().map(|x| *x.get_ref()).sum();
        let total = *v[4].get_ref();
        if parts != total {
            diags.push(
                file.error(
                    v[4].span().start,
                    format!("总计 of {label} is {total}, but its results add up to {parts}"),
                )
                .with_help("总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    const SAMPLE: &str = include_str!("../../content/disclosure/annual/2024.toml");

    fn run(text: &str) -> (Option<AnnualReport>, Vec<crate::diagnostics::Diagnostic>) {
        let src = AnnualSource {
            year: 2024,
            path: PathBuf::from("content/disclosure/annual/2024.toml"),
            text: text.to_string(),
        };
        let mut d = Diagnostics::new();
        let r = parse(&src, "示例市人民政府办公室", &mut d);
        (r, d.into_sorted())
    }

    #[test]
    fn bundled_example_adds_up() {
        let (r, d) = run(SAMPLE);
        assert!(d.is_empty(), "{d:?}");
        let r = r.unwrap();
        assert!(r.sample);
        assert_eq!(r.requests.len(), 30);
        assert_eq!(r.appeals.len(), 3);
    }

    #[test]
    fn rows_with_the_wrong_number_of_columns_are_refused() {
        let text = SAMPLE.replacen("new      = [", "new      = [1000, ", 1);
        // The row now has eight figures: a shape error, not arithmetic.
        let (r, d) = run(&text);
        assert!(r.is_none());
        assert!(d[0].message.contains("8 figures"), "{d:?}");
    }

    #[test]
    fn wrong_row_total_is_an_error_at_the_total() {
        let line = SAMPLE
            .lines()
            .find(|l| l.trim_start().starts_with("disclosed "))
            .unwrap();
        let (broken, col) = bump_last(line);
        let (_, d) = run(&SAMPLE.replacen(line, &broken, 1));
        let want_line = SAMPLE.lines().position(|l| l == line).unwrap() + 1;
        // The row's own 总计 and, since (七)总计 no longer matches, nothing else: the check on
        // (七) runs per party column, and those did not change.
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].line, d[0].col), (want_line, col));
        assert!(d[0].message.contains("予以公开"), "{}", d[0].message);
    }

    #[test]
    fn wrong_grand_total_is_an_error_at_its_line() {
        let line = SAMPLE
            .lines()
            .find(|l| l.trim_start().starts_with("total "))
            .unwrap();
        let (broken, col) = bump_last(line);
        let (_, d) = run(&SAMPLE.replacen(line, &broken, 1));
        assert_eq!(d.len(), 1, "{d:?}");
        let want_line = SAMPLE.lines().position(|l| l == line).unwrap() + 1;
        assert_eq!((d[0].line, d[0].col), (want_line, col));
        assert!(d[0].message.contains("总计"), "{}", d[0].message);
    }

    #[test]
    fn broken_identity_is_an_error_per_column() {
        // One more request carried over for 自然人 (and its row total), nothing else changed.
        let line = SAMPLE
            .lines()
            .find(|l| l.trim_start().starts_with("carried "))
            .unwrap();
        let start = line.find('[').unwrap() + 1;
        let end = start + line[start..].find(',').unwrap();
        let first: u64 = line[start..end].trim().parse().unwrap();
        let broken = format!("{}{}{}", &line[..start], first + 1, &line[end..]);
        let (broken, _) = bump_last(&broken);
        let (_, d) = run(&SAMPLE.replacen(line, &broken, 1));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("自然人"), "{}", d[0].message);
        assert!(d[0].message.contains("上年结转"), "{}", d[0].message);
        let want_line = SAMPLE.lines().position(|l| l == line).unwrap() + 1;
        assert_eq!((d[0].line, d[0].col), (want_line, start + 1));
    }

    #[test]
    fn appeal_totals_are_checked() {
        let line = SAMPLE
            .lines()
            .find(|l| l.trim_start().starts_with("review "))
            .unwrap();
        let (_, d) = run(&SAMPLE.replacen(line, &bump_last(line).0, 1));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("行政复议"));
    }

    #[test]
    fn year_must_match_the_file_name() {
        let (_, d) = run(&SAMPLE.replacen("year = 2024", "year = 2023", 1));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("2024.toml"));
    }

    /// The line with its last figure (the 总计) increased by one, and that figure's column.
    fn bump_last(line: &str) -> (String, usize) {
        let close = line.find(']').unwrap();
        let open = line[..close].rfind(',').unwrap() + 1;
        let n: u64 = line[open..close].trim().parse().unwrap();
        let col = line[..open].chars().count() + 2;
        (
            format!("{} {}{}", &line[..open], n + 1, &line[close..]),
            col,
        )
    }
}
