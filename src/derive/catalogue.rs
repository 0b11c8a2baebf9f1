//! 政府信息公开目录: every published document as one catalogue entry with the standard
//! metadata, and the 索引号 assignment for documents that have none printed (DESIGN §5).
//!
//! In: the derived plans, the disclosure documents and the annual reports. Out: entries, newest
//! first, and the views the catalogue pages list (by 主题分类, year and 发布机构). It never
//! reads files and never invents metadata beyond the 索引号, which it marks as assigned. The
//! 索引号 it assigns are the site's: `derive` writes them back onto the plans and documents, so
//! the plan page, the catalogue, search and `data/plans.json` all show the same number.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::SiteData;
use crate::model::{is_void_validity, Date};

/// One row of the catalogue.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// 索引号: as printed, or assigned (see `index_assigned`); `None` when neither is possible.
    pub index_number: Option<String>,
    pub index_assigned: bool,
    /// 信息名称.
    pub title: String,
    /// 内容概述.
    pub summary: Option<String>,
    /// 发布机构/发文机关.
    pub issuer: Option<String>,
    /// 主题分类.
    pub categories: Vec<String>,
    /// 主题词.
    pub keywords: Vec<String>,
    /// 成文日期.
    pub written: Option<Date>,
    /// 发布日期.
    pub published: Option<Date>,
    /// 文号.
    pub doc_number: Option<String>,
    /// 有效性.
    pub validity: Option<String>,
    pub void: bool,
    /// The full text, relative to the site root.
    pub url: String,
    /// What kind of document: 规划, 政策解读, 公开指南, 年度报告 …
    pub kind: &'static str,
    pub sample: bool,
}

impl Entry {
    /// The date that orders the catalogue and decides the year: 发布日期, else 成文日期.
    pub fn date(&self) -> Option<Date> {
        self.published.or(self.written)
    }
}

/// A pre-rendered subset of the catalogue.
#[derive(Debug, Clone, Serialize)]
pub struct View {
    /// "category", "year" or "issuer".
    pub kind: &'static str,
    pub label: String,
    pub url: String,
    pub count: usize,
}

/// What a disclosure document's `kind` means to a reader.
pub fn kind_label(kind: Option<&str>) -> &'static str {
    match kind {
        Some("guide") => "公开指南",
        Some("interpretation") => "政策解读",
        Some("request") => "依申请公开",
        Some("feedback") => "监督与反馈",
        Some("notice") => "通知公告",
        Some("report") => "工作报告",
        _ => "其他文件",
    }
}

/// The URL of a disclosure document's page.
pub fn doc_url(slug: &str) -> String {
    format!("disclosure/{slug}/index.html")
}

/// Every published document: each plan, each disclosure document, each annual report; newest
/// first (documents without a date last), with 索引号 assigned where `prefix` allows.
pub fn entries(data: &SiteData) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for p in &data.plans {
        out.push(Entry {
            // The printed number only: a plan view kept from an earlier build (`serve`) may
            // carry one assigned then, which is assigned afresh here.
            index_number: p.index_number.clone().filter(|_| !p.index_assigned),
            index_assigned: false,
            title: p.plan.title.clone(),
            summary: p.plan.summary.clone(),
            issuer: p.plan.issuer.clone(),
            categories: p.plan.categories.clone(),
            keywords: p.plan.keywords.clone(),
            written: p.plan.written,
            published: p.plan.published,
            doc_number: p.plan.doc_number.clone(),
            validity: p.plan.validity.clone(),
            void: p.void,
            url: p.url.clone(),
            kind: "规划",
            sample: false,
        });
    }
    for d in &data.disclosure {
        out.push(Entry {
            index_number: d.index_number.clone(),
            index_assigned: false,
            title: d.title.clone(),
            summary: d.summary.clone(),
            issuer: d
                .issuer
                .clone()
                .or_else(|| Some(data.site.publisher.name.clone()).filter(|n| !n.is_empty())),
            categories: d.categories.clone(),
            keywords: d.keywords.clone(),
            written: d.written,
            published: d.published,
            doc_number: d.doc_number.clone(),
            validity: d.validity.clone(),
            void: d.validity.as_deref().is_some_and(is_void_validity),
            url: doc_url(&d.slug),
            kind: kind_label(d.kind.as_deref()),
            sample: d.sample,
        });
    }
    for a in &data.annual {
        out.push(Entry {
            index_number: None,
            index_assigned: false,
            title: a.title.clone(),
            summary: Some(format!(
                "{}年政府信息公开工作情况:主动公开、依申请公开、行政复议和行政诉讼情况及存在的问题。",
                a.year
            )),
            issuer: Some(a.publisher.clone()),
            categories: vec!["政务公开".into()],
            keywords: vec!["政府信息公开".into(), "年度报告".into()],
            written: None,
            published: a.published,
            doc_number: None,
            validity: None,
            void: false,
            url: a.url.clone(),
            kind: "年度报告",
            sample: a.sample,
        });
    }
    out.sort_by(|a, b| b.date().cmp(&a.date()).then_with(|| a.url.cmp(&b.url)));
    if let Some(prefix) = data
        .site
        .catalogue_prefix
        .as_deref()
        .filter(|p| !p.is_empty())
    {
        assign_index_numbers(&mut out, prefix);
    }
    out
}

/// Gives every entry without a printed 索引号 (and with a date) the number
/// `<prefix>/<year>-<serial>`, serial counting from 00001 per year in publication order and
/// skipping serials a printed number already uses, so the same documents always get the same
/// numbers and a new document published later never renumbers older ones.
pub fn assign_index_numbers(entries: &mut [Entry], prefix: &str) {
    let taken: BTreeSet<String> = entries
        .iter()
        .filter_map(|e| e.index_number.clone())
        .collect();
    let mut order: Vec<usize> = (0..entries.len())
        .filter(|&i| entries[i].index_number.is_none() && entries[i].date().is_some())
        .collect();
    order.sort_by(|&a, &b| {
        entries[a]
            .date()
            .cmp(&entries[b].date())
            .then_with(|| entries[a].url.cmp(&entries[b].url))
    });
    let mut next: BTreeMap<i32, u32> = BTreeMap::new();
    for i in order {
        let Some(year) = entries[i].date().map(|d| d.year()) else {
            continue;
        };
        let serial = next.entry(year).or_insert(0);
        let number = loop {
            *serial += 1;
            let n = format!("{prefix}/{year}-{serial:05}");
            if !taken.contains(&n) {
                break n;
            }
        };
        entries[i].index_number = Some(number);
        entries[i].index_assigned = true;
    }
}

/// A stable URL segment for a Chinese name (category or issuer): the same name always maps to
/// the same folder, whatever else the catalogue holds.
pub fn slug(name: &str) -> String {
    let digest = Sha256::digest(name.as_bytes());
    digest[..4].iter().map(|b| format!("{b:02x}")).collect()
}

/// The views and, for each, the indexes of its entries (in catalogue order).
pub fn views(entries: &[Entry]) -> Vec<(View, Vec<usize>)> {
    let mut out = Vec::new();
    let mut by_category: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut by_year: BTreeMap<std::cmp::Reverse<i32>, Vec<usize>> = BTreeMap::new();
    let mut by_issuer: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        if e.categories.is_empty() {
            by_category.entry("未分类").or_default().push(i);
        }
        for c in &e.categories {
            by_category.entry(c.as_str()).or_default().push(i);
        }
        if let Some(d) = e.date() {
            by_year
                .entry(std::cmp::Reverse(d.year()))
                .or_default()
                .push(i);
        }
        by_issuer
            .entry(e.issuer.as_deref().unwrap_or("未注明"))
            .or_default()
            .push(i);
    }
    for (c, ix) in by_category {
        out.push((
            View {
                kind: "category",
                label: c.to_string(),
                url: format!("disclosure/catalogue/category/{}/index.html", slug(c)),
                count: ix.len(),
            },
            ix,
        ));
    }
    for (std::cmp::Reverse(y), ix) in by_year {
        out.push((
            View {
                kind: "year",
                label: format!("{y}年"),
                url: format!("disclosure/catalogue/year/{y}/index.html"),
                count: ix.len(),
            },
            ix,
        ));
    }
    for (s, ix) in by_issuer {
        out.push((
            View {
                kind: "issuer",
                label: s.to_string(),
                url: format!("disclosure/catalogue/issuer/{}/index.html", slug(s)),
                count: ix.len(),
            },
            ix,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(url: &str, published: &str, index: Option<&str>) -> Entry {
        Entry {
            index_number: index.map(String::from),
            index_assigned: false,
            title: url.into(),
            summary: None,
            issuer: None,
            categories: vec![],
            keywords: vec![],
            written: None,
            published: Date::parse(published),
            doc_number: None,
            validity: None,
            void: false,
            url: url.into(),
            kind: "规划",
            sample: false,
        }
    }

    #[test]
    fn assigned_numbers_follow_publication_order_per_year() {
        let mut e = vec![
            entry("c", "2024-03-01", None),
            entry("a", "2023-05-01", None),
            entry("b", "2023-01-10", None),
            entry("p", "2023-02-01", Some("X01/2023-00002")),
            entry("undated", "", None),
        ];
        assign_index_numbers(&mut e, "X01");
        let got: Vec<_> = e
            .iter()
            .map(|e| (e.url.as_str(), e.index_number.as_deref(), e.index_assigned))
            .collect();
        assert_eq!(
            got,
            [
                ("c", Some("X01/2024-00001"), true),
                ("a", Some("X01/2023-00003"), true),
                ("b", Some("X01/2023-00001"), true),
                ("p", Some("X01/2023-00002"), false),
                ("undated", None, false),
            ]
        );
    }

    #[test]
    fn slugs_are_stable_ascii() {
        assert_eq!(slug("生态环境"), slug("生态环境"));
        assert_ne!(slug("生态环境"), slug("政务公开"));
        assert!(slug("政务公开").bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
