//! The content model: what `content/` says, parsed and typed (DESIGN §3).
//!
//! In: nothing — these are plain data types. Out: the values `content::load` fills and every
//! later stage reads. Values here came from users' files but have been checked for shape; the
//! places they came from ([`Origin`]) ride along so later checks can still point at a line.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::diagnostics::Pos;

mod compare;
pub use compare::{
    Conversion, Direction, Metric, Source, SourcePlan, SourceSpec, SourceTarget, SourceTask,
};

/// Where a value was written: a file (as shown to the user) and a position in it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    pub path: PathBuf,
    pub pos: Pos,
}

/// A calendar date; serialised as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub chrono::NaiveDate);

impl Date {
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        chrono::NaiveDate::from_ymd_opt(y, m, d).map(Date)
    }

    /// The last day of year `y` (a target "by 2025" means by 2025-12-31).
    pub fn end_of_year(y: i32) -> Date {
        Date(chrono::NaiveDate::from_ymd_opt(y, 12, 31).expect("Dec 31 exists in every year"))
    }

    pub fn year(&self) -> i32 {
        chrono::Datelike::year(&self.0)
    }

    /// Years between two dates, counted as days / 365.25 (DESIGN §4).
    pub fn years_since(&self, earlier: Date) -> f64 {
        (self.0 - earlier.0).num_days() as f64 / 365.25
    }

    pub fn parse(s: &str) -> Option<Date> {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .map(Date)
    }

    /// `YYYY-MM-DD` as ASCII, for the four-digit years (all real ones); `None` for others.
    fn ymd(&self) -> Option<[u8; 10]> {
        use chrono::Datelike;
        let (y, m, d) = (self.0.year(), self.0.month(), self.0.day());
        let y = u32::try_from(y).ok().filter(|&y| y <= 9999)?;
        let digit = |n: u32| b'0' + (n % 10) as u8;
        Some([
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            b'-',
            digit(m / 10),
            digit(m),
            b'-',
            digit(d / 10),
            digit(d),
        ])
    }
}

impl fmt::Display for Date {
    /// `YYYY-MM-DD`, as chrono's `%Y-%m-%d` prints it. Every page and export prints dates by the
    /// hundred thousand, so four-digit years (all real ones) are written directly; others keep
    /// chrono's signed form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ymd() {
            Some(text) => f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?),
            None => write!(f, "{}", self.0.format("%Y-%m-%d")),
        }
    }
}

impl Serialize for Date {
    /// The [`Display`](fmt::Display) text, passed as a `&str` made on the stack (serde's
    /// `collect_str` makes a `String` for it: page contexts hold dates by the hundred thousand).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.ymd() {
            Some(text) => s.serialize_str(std::str::from_utf8(&text).unwrap_or_default()),
            None => s.collect_str(self),
        }
    }
}

impl<'de> Deserialize<'de> for Date {
    /// A TOML date (`2024-06-30`, no quotes); a time or an offset is refused with the value's
    /// position, as every type error in a content file.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let dt = toml::value::Datetime::deserialize(d)?;
        match (dt.date, dt.time) {
            (Some(day), None) => Date::from_ymd(
                i32::from(day.year),
                u32::from(day.month),
                u32::from(day.day),
            )
            .ok_or_else(|| D::Error::custom(format!("{dt} is not a calendar date"))),
            _ => Err(D::Error::custom(format!(
                "expected a date such as 2024-06-30, found {dt}"
            ))),
        }
    }
}

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_id!(
    /// A plan's id: its folder name and URL segment.
    PlanId
);
string_id!(
    /// A task's id, unique within its plan; a URL segment.
    TaskId
);
string_id!(
    /// A target's id, unique within its plan.
    TargetId
);
string_id!(
    /// A unit's id, unique across all units files; a URL segment.
    UnitId
);

/// `content/site.toml`: the portal's settings.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SiteConfig {
    pub title: String,
    pub description: Option<String>,
    pub language: String,
    /// The date statuses are computed for; without it, the newest progress date.
    pub as_of: Option<Date>,
    pub base_url: Option<String>,
    pub publisher: Publisher,
    pub feedback: Feedback,
    /// The 机构代码 used to assign 索引号 to documents that have none printed.
    pub catalogue_prefix: Option<String>,
    /// Set when the site's own content (not only progress) is demonstration material.
    pub sample: bool,
    /// The theme folder under themes/ whose templates override the built-in ones.
    pub theme: String,
    /// What the government-website rules require every page to show (see [`Identity`]).
    pub identity: Identity,
    /// `[[source]]`: mirrored gongkai portals this site compares (read by `content::sources`).
    #[serde(skip)]
    pub sources: Vec<SourceSpec>,
    /// Set by derive when the site has comparison pages (`compare/`), for the navigation.
    pub compare: bool,
    /// Set by derive when the site has plans of its own: an aggregator over `[[source]]` mirrors
    /// may have none, and then its navigation and home page lead to the comparison instead.
    pub has_plans: bool,
}

/// A government website's identity as the national rules require it on every page
/// (政府网站发展指引, 国办发〔2017〕47号): the 网站标识码, the ICP filing, the public-security
/// filing, the 党政机关网站 mark, and the 我为政府网站找错 link. The links are made here, in the
/// forms the issuing systems publish, so templates only place them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Identity {
    /// 网站标识码, as issued (10 characters, e.g. "4201000001" or "bm17000009").
    pub site_code: Option<String>,
    /// ICP备案号 as issued, e.g. "鄂ICP备12345678号-1".
    pub icp: Option<String>,
    /// The MIIT filing system, which the ICP number links to.
    pub icp_url: Option<String>,
    /// 公安机关备案号 as issued, e.g. "鄂公网安备 42010202000001号".
    pub police_record: Option<String>,
    /// The public-security filing system's page for that record.
    pub police_url: Option<String>,
    /// The 党政机关网站 mark: the image (a path under the site root, from `static/`) and the
    /// certificate link, as issued.
    pub party_gov_mark: Option<PartyGovMark>,
    /// The national error-report platform for this site (我为政府网站找错); pages add their
    /// own address to it when the site's base URL is known.
    pub error_report_url: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct PartyGovMark {
    pub image: String,
    pub url: String,
}

/// The office that runs the portal (政府信息公开工作机构), as the 公开指南 must name it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Publisher {
    pub name: String,
    pub office: Option<String>,
    pub address: Option<String>,
    pub postcode: Option<String>,
    pub hours: Option<String>,
    pub phone: Option<String>,
    pub fax: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
}

/// Where citizens send comments and corrections.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Feedback {
    pub email: Option<String>,
    pub form_url: Option<String>,
}

/// One department (or a collective such as 各有关部门和单位) from `units/<jurisdiction>.toml`.
#[derive(Debug, Clone, Serialize)]
pub struct Unit {
    pub id: UnitId,
    pub name: String,
    pub full_name: Option<String>,
    pub aliases: Vec<String>,
    pub collective: bool,
    pub jurisdiction: String,
    pub jurisdiction_name: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

/// A unit as printed on a responsibility line, resolved (after validation) to a [`Unit`].
#[derive(Debug, Clone, Serialize)]
pub struct UnitRef {
    pub printed: String,
    #[serde(skip)]
    pub unit: Option<UnitId>,
    #[serde(skip)]
    pub origin: Origin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Comparator {
    #[serde(rename = ">=")]
    AtLeast,
    #[serde(rename = "<=")]
    AtMost,
    #[serde(rename = "=")]
    Equal,
    #[serde(rename = "decrease_by")]
    DecreaseBy,
    #[serde(rename = "increase_by")]
    IncreaseBy,
    #[serde(rename = "qualitative")]
    Qualitative,
}

impl Comparator {
    /// How a target's comparator is printed for people (不低于 98%).
    pub fn label(self) -> &'static str {
        match self {
            Comparator::AtLeast => "不低于",
            Comparator::AtMost => "不高于",
            Comparator::Equal => "保持在",
            Comparator::DecreaseBy => "较基线下降",
            Comparator::IncreaseBy => "较基线提高",
            Comparator::Qualitative => "定性",
        }
    }

    pub const ALL: [&'static str; 6] =
        [">=", "<=", "=", "decrease_by", "increase_by", "qualitative"];

    pub fn parse(s: &str) -> Option<Comparator> {
        Some(match s {
            ">=" => Comparator::AtLeast,
            "<=" => Comparator::AtMost,
            "=" => Comparator::Equal,
            "decrease_by" => Comparator::DecreaseBy,
            "increase_by" => Comparator::IncreaseBy,
            "qualitative" => Comparator::Qualitative,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        Comparator::ALL[self as usize]
    }
}

/// A target's starting point as written in tasks.toml.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Baseline {
    pub value: Option<f64>,
    pub date: Option<Date>,
    pub year: Option<i32>,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub id: TargetId,
    pub text: String,
    pub metric: Option<String>,
    pub year: Option<i32>,
    pub value: Option<f64>,
    pub unit: Option<String>,
    pub comparator: Comparator,
    pub baseline: Option<Baseline>,
    #[serde(skip)]
    pub origin: Origin,
}

/// A task of `tasks.toml` (`[[task]]`), read straight from the file: a field added here is
/// read, checked for its type (with the line and column of a wrong value), shown by the
/// templates as `task.<field>` and kept in `serve`'s memo, with no other change. The fields
/// marked "checked by the loader" carry positions for later checks (`content::plans` reads them
/// with their places), and are shown by the pages in their derived forms (linked units, target
/// trackers), so they are not serialised here.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Task {
    pub id: TaskId,
    #[serde(default)]
    pub path: Vec<String>,
    pub title: String,
    #[serde(default)]
    pub text: String,
    /// Checked by the loader.
    #[serde(default, skip_serializing, deserialize_with = "checked_by_loader")]
    pub lead: Vec<UnitRef>,
    /// Checked by the loader.
    #[serde(default, skip_serializing, deserialize_with = "checked_by_loader")]
    pub responsible: Vec<UnitRef>,
    /// The printed label of the `responsible` list when it is not 责任单位 (e.g. 配合单位).
    #[serde(skip_serializing)]
    pub responsible_label: Option<String>,
    /// A printed note on the responsibility line that names no unit.
    pub units_note: Option<String>,
    /// Relative weight in the plan's roll-up (default 1). Checked by the loader.
    #[serde(default, skip_serializing, deserialize_with = "checked_by_loader")]
    pub weight: Option<f64>,
    /// 完成时限: the date the task is due, as a 任务分工表 prints it. Checked by the loader (a
    /// date with a time is one error, not the loss of the file's tasks).
    #[serde(default, deserialize_with = "checked_by_loader")]
    pub deadline: Option<Date>,
    /// 备注: the remark a 任务分工表 prints beside the task.
    pub remark: Option<String>,
    /// Checked by the loader.
    #[serde(
        default,
        rename = "target",
        skip_serializing,
        deserialize_with = "checked_by_loader"
    )]
    pub targets: Vec<Target>,
    #[serde(skip)]
    pub origin: Origin,
}

/// A field the loader reads with its position in a second, located read of the same table:
/// here its value is passed over (its type is checked there).
fn checked_by_loader<'de, D: Deserializer<'de>, T: Default>(d: D) -> Result<T, D::Error> {
    serde::de::IgnoredAny::deserialize(d)?;
    Ok(T::default())
}

/// A heading that groups tasks (一、主要任务; (一)…).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub path: Vec<String>,
    pub title: String,
}

/// An item of the closing part of a plan (保障措施): not a task, shown on the plan page.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Safeguard {
    #[serde(default)]
    pub path: Vec<String>,
    pub title: String,
    #[serde(default)]
    pub text: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub start: i32,
    pub end: i32,
}

/// A plan: its `plan.toml`, read straight from the file as [`Task`] is (a field added here is
/// read, type-checked and shown by the templates as `plan.<field>` with no other code), with
/// its tasks, original text and progress reports loaded beside it. The fields marked "checked
/// by the loader" are read again with their positions (`content::plans`); those the pages
/// show in a derived form (the 索引号 the catalogue confirms or assigns, sections with their
/// tasks, target trackers) are not serialised here.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Checked by the loader (it is the folder's name).
    pub id: PlanId,
    pub title: String,
    pub jurisdiction: Option<String>,
    pub issuer: Option<String>,
    pub doc_number: Option<String>,
    #[serde(skip_serializing)]
    pub index_number: Option<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Checked by the loader, as `published`.
    #[serde(default, deserialize_with = "checked_by_loader")]
    pub written: Option<Date>,
    /// Checked by the loader (a date with a time is one error, not the loss of the plan).
    #[serde(default, deserialize_with = "checked_by_loader")]
    pub published: Option<Date>,
    pub validity: Option<String>,
    /// Checked by the loader.
    #[serde(default, deserialize_with = "checked_by_loader")]
    pub period: Option<Period>,
    pub summary: Option<String>,
    pub goals: Option<String>,
    #[serde(default, rename = "section", skip_serializing)]
    pub sections: Vec<Section>,
    #[serde(default, rename(deserialize = "safeguard"))]
    pub safeguards: Vec<Safeguard>,
    /// Checked by the loader.
    #[serde(
        default,
        rename = "target",
        skip_serializing,
        deserialize_with = "checked_by_loader"
    )]
    pub targets: Vec<Target>,
    /// The file holding the original text, when not `source.txt` (checked by the loader).
    #[serde(skip_serializing)]
    pub source: Option<String>,
    /// How often the plan's progress is reported: "monthly", "quarterly", "half-yearly",
    /// "yearly" (the inspection lint's measure of a stale column; checked by the loader).
    #[serde(skip_serializing)]
    pub reporting: Option<String>,
    #[serde(skip)]
    pub tasks: Vec<Task>,
    /// The original text (原文), when the plan folder has one.
    #[serde(skip)]
    pub source_text: Option<String>,
    #[serde(skip)]
    pub progress: Vec<Report>,
    /// How many days may pass between progress reports (`reporting`); without it, a quarter.
    #[serde(skip)]
    pub reporting_days: Option<u32>,
    #[serde(skip)]
    pub origin: Origin,
}

/// The days a reporting interval allows, by its name in plan.toml.
pub fn reporting_days(name: &str) -> Option<u32> {
    match name {
        "monthly" => Some(31),
        "quarterly" => Some(92),
        "half-yearly" => Some(184),
        "yearly" => Some(366),
        _ => None,
    }
}

impl Plan {
    /// The plan as `plan.toml` gives it, without its tasks, targets, sections, reports and
    /// original text (a plan's view carries this beside its derived parts). Every field is
    /// named, so a field added to [`Plan`] is decided here.
    pub fn head(&self) -> Plan {
        let Plan {
            id,
            title,
            jurisdiction,
            issuer,
            doc_number,
            index_number,
            categories,
            keywords,
            written,
            published,
            validity,
            period,
            summary,
            goals,
            sections: _,
            safeguards,
            targets: _,
            source,
            reporting,
            tasks: _,
            source_text: _,
            progress: _,
            reporting_days,
            origin,
        } = self;
        Plan {
            id: id.clone(),
            title: title.clone(),
            jurisdiction: jurisdiction.clone(),
            issuer: issuer.clone(),
            doc_number: doc_number.clone(),
            index_number: index_number.clone(),
            categories: categories.clone(),
            keywords: keywords.clone(),
            written: *written,
            published: *published,
            validity: validity.clone(),
            period: *period,
            summary: summary.clone(),
            goals: goals.clone(),
            sections: Vec::new(),
            safeguards: safeguards.clone(),
            targets: Vec::new(),
            source: source.clone(),
            reporting: reporting.clone(),
            tasks: Vec::new(),
            source_text: None,
            progress: Vec::new(),
            reporting_days: *reporting_days,
            origin: origin.clone(),
        }
    }

    pub fn task(&self, id: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.id.0 == id)
    }

    /// True when the document is no longer in force (失效/废止).
    pub fn is_void(&self) -> bool {
        self.validity.as_deref().is_some_and(is_void_validity)
    }
}

pub fn is_void_validity(v: &str) -> bool {
    v.contains("失效") || v.contains("废止") || v.contains("廢止")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    NotStarted,
    InProgress,
    Completed,
    Delayed,
    Suspended,
}

impl ReportStatus {
    pub const ALL: [&'static str; 5] = [
        "not_started",
        "in_progress",
        "completed",
        "delayed",
        "suspended",
    ];

    pub fn parse(s: &str) -> Option<ReportStatus> {
        Some(match s {
            "not_started" => ReportStatus::NotStarted,
            "in_progress" => ReportStatus::InProgress,
            "completed" => ReportStatus::Completed,
            "delayed" => ReportStatus::Delayed,
            "suspended" => ReportStatus::Suspended,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        ReportStatus::ALL[self as usize]
    }

    /// The label shown to citizens.
    pub fn label(self) -> &'static str {
        match self {
            ReportStatus::NotStarted => "未开始",
            ReportStatus::InProgress => "推进中",
            ReportStatus::Completed => "已完成",
            ReportStatus::Delayed => "滞后",
            ReportStatus::Suspended => "暂停",
        }
    }
}

/// A figure reported for a target.
#[derive(Debug, Clone, Serialize)]
pub struct Measure {
    pub target: TargetId,
    pub value: f64,
    pub unit: Option<String>,
    pub as_of: Date,
    pub source: Option<String>,
    #[serde(skip)]
    pub origin: Origin,
}

#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub title: String,
    pub url: String,
}

/// A published figure that was later changed: it stays visible with its note.
#[derive(Debug, Clone, Serialize)]
pub struct Correction {
    pub date: Date,
    pub note: String,
    pub target: Option<TargetId>,
    pub previous: Option<f64>,
    #[serde(skip)]
    pub origin: Origin,
}

/// A progress report (`progress/*.md` or a row of `progress/*.csv`).
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub task: TaskId,
    pub date: Date,
    pub published: Option<Date>,
    pub status: ReportStatus,
    pub percent: Option<f64>,
    pub reporter: Option<String>,
    pub sample: bool,
    pub measures: Vec<Measure>,
    pub evidence: Vec<Evidence>,
    pub corrections: Vec<Correction>,
    /// The Markdown body, as written.
    pub body: String,
    /// The file name stem, unique within the plan (used for anchors).
    pub slug: String,
    #[serde(skip)]
    pub origin: Origin,
}

/// A page of the disclosure section (`disclosure/*.md`).
#[derive(Debug, Clone, Serialize)]
pub struct DisclosureDoc {
    pub slug: String,
    pub title: String,
    pub kind: Option<String>,
    pub index_number: Option<String>,
    pub summary: Option<String>,
    pub issuer: Option<String>,
    pub categories: Vec<String>,
    pub keywords: Vec<String>,
    pub written: Option<Date>,
    pub published: Option<Date>,
    pub doc_number: Option<String>,
    pub validity: Option<String>,
    pub sample: bool,
    pub order: i64,
    pub body: String,
    #[serde(skip)]
    pub origin: Origin,
}

/// Everything under `content/`, loaded.
#[derive(Debug, Clone, Default)]
pub struct Content {
    pub site: SiteConfig,
    pub units: Vec<Unit>,
    pub plans: Vec<Plan>,
    pub disclosure: Vec<DisclosureDoc>,
    /// `disclosure/annual/<year>.toml`, parsed, with their arithmetic checked.
    pub annual: Vec<AnnualReport>,
    /// `metrics.toml`: the catalogue targets are compared by (empty without one).
    pub metrics: Vec<Metric>,
    /// The mirrored portals of `site.toml`'s `[[source]]`, each verified and read.
    pub sources: Vec<Source>,
}

/// 政府信息公开工作年度报告 tables, as `disclosure/annual/<year>.toml` gives them (parsed and
/// checked by `content::annual`).
/// The columns of table 三, in printed order; the last is 总计.
pub const REQUEST_COLUMNS: [&str; 7] = [
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "其他",
    "总计",
];

/// The columns of each group of table 四; the last is 总计.
pub const APPEAL_COLUMNS: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];

/// One line of table 三 as shown: a heading (no figures) or a row of seven figures.
#[derive(Debug, Clone, Serialize)]
pub struct RequestRow {
    pub label: &'static str,
    /// 0 for 一 二 三 四, 1 for (一)…(七), 2 for the numbered sub-items.
    pub level: u8,
    pub total: bool,
    pub cells: Vec<u64>,
}

/// Table 二.
#[derive(Debug, Clone, Serialize)]
pub struct ActiveTable {
    /// 本年制发件数, 本年废止件数, 现行有效件数.
    pub regulations: Vec<u64>,
    pub normative_documents: Vec<u64>,
    pub licensing: u64,
    pub punishment: u64,
    pub coercion: u64,
    /// 万元.
    pub fees: f64,
}

/// Table 四: one group per kind of proceeding, five figures each.
#[derive(Debug, Clone, Serialize)]
pub struct AppealGroup {
    pub label: &'static str,
    pub cells: Vec<u64>,
}

/// One annual report, checked and ready to render.
#[derive(Debug, Clone, Serialize)]
pub struct AnnualReport {
    pub year: i32,
    pub title: String,
    pub publisher: String,
    pub published: Option<Date>,
    pub sample: bool,
    pub url: String,
    pub overview_html: String,
    pub active_note_html: String,
    pub problems_html: String,
    pub other_html: String,
    pub active: ActiveTable,
    pub requests: Vec<RequestRow>,
    pub appeals: Vec<AppealGroup>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_print_and_serialise_as_chrono_prints_them() {
        for (y, m, d) in [
            (2024, 6, 30),
            (1970, 1, 1),
            (9999, 12, 31),
            (999, 2, 3),
            (0, 1, 1),
            (-1, 5, 5),
            (10000, 1, 1),
        ] {
            let date = Date::from_ymd(y, m, d).expect("valid date");
            let printed = date.0.format("%Y-%m-%d").to_string();
            assert_eq!(date.to_string(), printed);
            // Serialised (open data, page contexts) as printed.
            assert_eq!(
                serde_json::to_string(&date).expect("serialises"),
                format!("\"{printed}\"")
            );
        }
    }

    /// A date field added to the model is read from TOML as a plain date; a time is refused
    /// with the value's position (the loader reads today's date fields itself, located).
    #[test]
    fn a_model_date_reads_a_plain_toml_date_and_refuses_a_time() {
        #[derive(serde::Deserialize)]
        struct Row {
            on: Date,
        }
        let row: Row = toml::from_str("on = 2024-06-30").unwrap();
        assert_eq!(row.on, Date::from_ymd(2024, 6, 30).unwrap());
        let err = toml::from_str::<Row>("on = 2024-06-30T10:00:00")
            .err()
            .unwrap();
        assert!(
            err.message().contains("expected a date such as 2024-06-30"),
            "{err}"
        );
        assert_eq!(err.span().map(|s| s.start), Some(5));
    }
}
