//! The inspection lint: what an inspector of government websites checks first, as located
//! warnings that `check --strict` turns into errors (for a web team's CI).
//!
//! The rules come from the national rules for government websites: 政府网站发展指引
//! (国办发〔2017〕47号), which requires the 网站标识码, the ICP and public-security filings and the
//! error-report link on every page, and the 政府网站与政务新媒体检查指标, whose veto items include
//! columns that are not updated, empty columns, a home page without news for two weeks, and
//! links that do not work.
//!
//! In: the validated content ([`lint_content`]), and the pages of a rendered site
//! ([`LinkCheck`], which `check` renders into). Out: warnings. It never writes anything, and it
//! reads no clock: "stale" is measured against the site's `as_of`.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::PathBuf;
use std::sync::Mutex;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::model::{Content, Date};
use crate::output::Sink;

const SITE_TOML: &str = "content/site.toml";
/// The default reporting interval of a plan: a quarter.
const DEFAULT_REPORTING_DAYS: u32 = 92;
/// The home page must show something new within this many days (检查指标: 首页栏目信息更新).
const HOME_PAGE_DAYS: i64 = 14;

/// Warnings for the identity fields, stale and empty columns, and the home page's newest update.
pub fn lint_content(content: &Content, root: &std::path::Path, diags: &mut Diagnostics) {
    identity(content, root, diags);
    columns(content, diags);
}

fn identity(content: &Content, root: &std::path::Path, diags: &mut Diagnostics) {
    let id = &content.site.identity;
    let rule = "政府网站发展指引 (国办发〔2017〕47号)";
    let missing = [
        (
            id.site_code.is_none(),
            "site_code",
            "网站标识码",
            "site_code = \"4201000001\"",
        ),
        (
            id.icp.is_none(),
            "icp",
            "ICP备案号",
            "icp = \"鄂ICP备12345678号-1\"",
        ),
        (
            id.police_record.is_none(),
            "police_record",
            "公安机关备案号",
            "police_record = \"鄂公网安备 42010202000001号\"",
        ),
    ];
    for (absent, key, name, example) in missing {
        if absent {
            diags.push(
                Diagnostic::warning(
                    SITE_TOML,
                    Pos::START,
                    format!("no {key}: the {name} is missing from every page's footer"),
                )
                .with_help(format!(
                    "{rule} requires it on every page; add {example} as issued"
                )),
            );
        }
    }
    if content.site.publisher.name.trim().is_empty() {
        diags.push(
            Diagnostic::warning(
                SITE_TOML,
                Pos::START,
                "no [publisher] name: the footer names no 主办单位",
            )
            .with_help(format!("{rule} requires the 主办单位 on every page")),
        );
    }
    if let Some(mark) = &id.party_gov_mark {
        let file = root
            .join(crate::content::static_files::FOLDER)
            .join(&mark.image);
        if !file.is_file() {
            diags.push(
                Diagnostic::error(
                    SITE_TOML,
                    Pos::START,
                    format!("party_gov_mark image \"{}\" is not in static/", mark.image),
                )
                .with_help("put the image as issued into static/ under that name"),
            );
        }
    }
}

/// When a report was made public: its publication date, or the date it speaks for.
fn made_public(r: &crate::model::Report) -> Date {
    r.published.unwrap_or(r.date)
}

fn columns(content: &Content, diags: &mut Diagnostics) {
    let newest = content
        .plans
        .iter()
        .flat_map(|p| p.progress.iter().map(made_public))
        .max();
    let Some(as_of) = content.site.as_of.or(newest) else {
        return;
    };
    let rule = "政府网站与政务新媒体检查指标";
    for plan in &content.plans {
        let path = plan.origin.path.clone();
        let latest = plan.progress.iter().map(made_public).max();
        let Some(latest) = latest else {
            diags.push(
                Diagnostic::warning(
                    path,
                    Pos::START,
                    format!(
                        "the plan {} has no progress report: an empty column",
                        plan.id.0
                    ),
                )
                .with_help(format!(
                    "{rule}: 空白栏目 — publish its first progress report"
                )),
            );
            continue;
        };
        let allowed = plan.reporting_days.unwrap_or(DEFAULT_REPORTING_DAYS);
        let age = days(latest, as_of);
        if age > i64::from(allowed) {
            diags.push(
                Diagnostic::warning(
                    path,
                    Pos::START,
                    format!(
                        "the plan {}'s latest progress report is from {latest}, {age} days before \
                         {as_of}: more than its reporting interval of {allowed} days",
                        plan.id.0
                    ),
                )
                .with_help(format!(
                    "{rule}: 栏目不更新 — publish a report, or set reporting = \"monthly\" | \
                     \"quarterly\" | \"half-yearly\" | \"yearly\" in plan.toml"
                )),
            );
        }
    }
    if let Some(newest) = newest {
        let age = days(newest, as_of);
        if age > HOME_PAGE_DAYS {
            diags.push(
                Diagnostic::warning(
                    SITE_TOML,
                    Pos::START,
                    format!(
                        "the home page's newest update is from {newest}, {age} days before {as_of}"
                    ),
                )
                .with_help(format!(
                    "{rule}: the home page must show something new within two weeks"
                )),
            );
        }
    }
    if content.annual.is_empty() {
        diags.push(
            Diagnostic::warning(
                "content/disclosure/annual",
                Pos::START,
                "no annual disclosure report: the 年度报告 column is empty",
            )
            .with_help(format!(
                "{rule}: 空白栏目; 条例 第五十条 requires the report by 31 January each year"
            )),
        );
    }
}

fn days(from: Date, to: Date) -> i64 {
    (to.0 - from.0).num_days()
}

/// A [`Sink`] that keeps, of a rendered site, only what a link check needs: every file's path
/// and every page's internal links.
#[derive(Default)]
pub struct LinkCheck {
    files: Mutex<HashSet<String>>,
    /// Link target (a path in the site) → the first page that links to it, and the link.
    links: Mutex<HashMap<String, (String, String)>>,
}

impl Sink for LinkCheck {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_string());
        if rel.ends_with(".html") {
            let html = String::from_utf8_lossy(bytes);
            let mut found = Vec::new();
            for attr in ["href=\"", "src=\""] {
                for (at, _) in html.match_indices(attr) {
                    let rest = &html[at + attr.len()..];
                    let Some(end) = rest.find('"') else { continue };
                    let link = rest[..end].replace("&amp;", "&");
                    if let Some(target) = resolve(rel, &link) {
                        found.push((target, link));
                    }
                }
            }
            let mut links = self.links.lock().unwrap_or_else(|e| e.into_inner());
            for (target, link) in found {
                links
                    .entry(target)
                    .or_insert_with(|| (rel.to_string(), link));
            }
        }
        Ok(())
    }
}

impl LinkCheck {
    /// A warning for every internal link whose target the site does not hold.
    pub fn dead_links(self, diags: &mut Diagnostics) {
        let files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        let links = self.links.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut dead: Vec<(String, String)> = links
            .into_iter()
            .filter(|(target, _)| !files.contains(target))
            .map(|(_, from)| from)
            .collect();
        dead.sort();
        for (page, link) in dead {
            diags.push(
                Diagnostic::warning(
                    PathBuf::from("public").join(&page),
                    Pos::START,
                    format!("dead link \"{link}\": the site has no such page or file"),
                )
                .with_help(
                    "政府网站与政务新媒体检查指标: 不可用链接 — fix the link in the content that \
                     this page shows",
                ),
            );
        }
    }
}

/// The site path an internal link on page `page` leads to (`…/` meaning its index.html);
/// `None` for external links, anchors and other schemes.
fn resolve(page: &str, link: &str) -> Option<String> {
    let link = link.split(['#', '?']).next().unwrap_or("");
    if link.is_empty() || link.starts_with("//") || link.contains(':') || link.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in link.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut path = parts.join("/");
    if link.ends_with('/') || path.is_empty() {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    // Links in pages are percent-encoded where they name Chinese paths.
    Some(percent_decode(&path))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_against_their_page() {
        assert_eq!(
            resolve("plans/x/tasks/1/index.html", "../../index.html").as_deref(),
            Some("plans/x/index.html")
        );
        assert_eq!(
            resolve("plans/x/index.html", "tasks/1/").as_deref(),
            Some("plans/x/tasks/1/index.html")
        );
        assert_eq!(
            resolve("units/index.html", "%E5%B8%82/index.html#a").as_deref(),
            Some("units/市/index.html")
        );
        assert_eq!(resolve("index.html", "https://example.org/"), None);
        assert_eq!(resolve("index.html", "#main"), None);
        assert_eq!(resolve("index.html", "mailto:a@b"), None);
        assert_eq!(resolve("index.html", "../../x"), None);
    }

    #[test]
    fn a_dead_link_is_warned_with_its_page() {
        let sink = LinkCheck::default();
        sink.write("index.html", br#"<a href="plans/a/">a</a> <a href="plans/b/index.html">b</a> <img src="static/x.png">"#).unwrap();
        sink.write(
            "plans/a/index.html",
            b"<a href=\"../../index.html\">home</a>",
        )
        .unwrap();
        sink.write("static/x.png", b"").unwrap();
        let mut diags = Diagnostics::new();
        sink.dead_links(&mut diags);
        let all = diags.into_sorted();
        assert_eq!(all.len(), 1);
        assert!(all[0].message.contains("plans/b/index.html"), "{}", all[0]);
        assert_eq!(all[0].path, PathBuf::from("public/index.html"));
    }
}
