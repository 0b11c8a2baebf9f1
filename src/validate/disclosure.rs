//! Checks of the 政府信息公开 section's content: what the 公开指南 must name (条例 第十二条),
//! feedback channels, reserved page names, and whether every catalogue document can be dated
//! and numbered.
//!
//! In: the loaded [`Content`]. Out: diagnostics (errors for documents that would overwrite the
//! section's own pages; warnings for everything a reader would miss). It never reads files.

use std::path::PathBuf;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::model::Content;

/// Folder names under `disclosure/` the section uses itself; a `disclosure/<name>.md` may not
/// take them.
pub const RESERVED_SLUGS: [&str; 5] = ["catalogue", "statutory", "annual", "changes", "index"];

/// The 公开指南 items of 条例 第十二条 that come from `site.toml`'s `[publisher]`.
fn missing_publisher_items(content: &Content) -> Vec<(&'static str, &'static str)> {
    let p = &content.site.publisher;
    let mut out = Vec::new();
    let none = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    if p.name.trim().is_empty() {
        out.push(("name", "机构名称"));
    }
    if none(&p.office) {
        out.push(("office", "政府信息公开工作机构名称"));
    }
    if none(&p.address) {
        out.push(("address", "办公地址"));
    }
    if none(&p.hours) {
        out.push(("hours", "办公时间"));
    }
    if none(&p.phone) {
        out.push(("phone", "联系电话"));
    }
    if none(&p.fax) {
        out.push(("fax", "传真号码"));
    }
    if none(&p.email) && none(&p.website) {
        out.push(("email", "互联网联系方式(电子邮箱或网址)"));
    }
    out
}

/// Checks the disclosure content.
///
/// Errors: a disclosure document named after one of the section's own folders (annual-report
/// shape and arithmetic are checked as the reports load, see `content::annual`). Warnings: every 公开指南 item that is missing
/// (guide.md, how to obtain information, each office detail), no channel for feedback, no
/// apply.md, documents that cannot be dated or numbered in the catalogue.
pub fn check(content: &Content, diags: &mut Diagnostics) {
    let site_toml = PathBuf::from("content/site.toml");
    for d in &content.disclosure {
        if RESERVED_SLUGS.contains(&d.slug.as_str()) {
            diags.push(
                Diagnostic::error(
                    &d.origin.path,
                    d.origin.pos,
                    format!(
                        "disclosure/{}.md would overwrite the section's own disclosure/{}/ page",
                        d.slug, d.slug
                    ),
                )
                .with_help(format!(
                    "rename the file; reserved names are {}",
                    RESERVED_SLUGS.join(", ")
                )),
            );
        }
    }

    let doc = |slug: &str| content.disclosure.iter().find(|d| d.slug == slug);
    match doc("guide") {
        None => diags.push(
            Diagnostic::warning(
                "content/disclosure/guide.md",
                Pos::START,
                "no 政府信息公开指南: content/disclosure/guide.md is missing",
            )
            .with_help("条例 第十二条: the guide says how information is classified and arranged, how to obtain it, and how to reach the office"),
        ),
        Some(g) if !g.body.contains("获取") => diags.push(
            Diagnostic::warning(
                &g.origin.path,
                g.origin.pos,
                "the 公开指南 does not say how to obtain information (no 获取方式)",
            )
            .with_help("add a section such as \"## 获取方式\" (条例 第十二条)"),
        ),
        Some(_) => {}
    }
    for (field, label) in missing_publisher_items(content) {
        diags.push(
            Diagnostic::warning(
                &site_toml,
                Pos::START,
                format!("the 公开指南 has no {label}: [publisher] {field} is not set"),
            )
            .with_help("条例 第十二条 requires the office's name, address, opening hours, phone, fax and internet contact"),
        );
    }
    let fb = &content.site.feedback;
    if fb.form_url.is_none() && fb.email.is_none() && content.site.publisher.email.is_none() {
        diags.push(
            Diagnostic::warning(
                &site_toml,
                Pos::START,
                "no feedback channel: task pages get no 对此项有意见/纠错 link",
            )
            .with_help("set [feedback] email or form_url (or [publisher] email)"),
        );
    }
    if doc("apply").is_none() {
        diags.push(
            Diagnostic::warning(
                "content/disclosure/apply.md",
                Pos::START,
                "no 依申请公开 page of your own: content/disclosure/apply.md is missing",
            )
            .with_help("the page then shows only the statutory procedure; add where and how to send a request"),
        );
    }

    // Catalogue: every document needs a date, and a 索引号 printed or assignable.
    let mut unnumbered = 0;
    for p in &content.plans {
        if p.published.is_none() && p.written.is_none() {
            diags.push(
                Diagnostic::warning(&p.origin.path, p.origin.pos, "the plan has neither published nor written: the catalogue cannot date or number it")
                    .with_help("add published = YYYY-MM-DD (发布日期) as printed"),
            );
        }
        unnumbered += usize::from(p.index_number.is_none());
    }
    for d in &content.disclosure {
        if d.published.is_none() && d.written.is_none() {
            diags.push(
                Diagnostic::warning(&d.origin.path, d.origin.pos, "the document has neither published nor written: the catalogue cannot date or number it")
                    .with_help("add published = YYYY-MM-DD to the front matter"),
            );
        }
        unnumbered += usize::from(d.index_number.is_none());
    }
    unnumbered += content.annual.len();
    if unnumbered > 0 && content.site.catalogue_prefix.is_none() {
        diags.push(
            Diagnostic::warning(
                &site_toml,
                Pos::START,
                format!("{unnumbered} document(s) have no printed 索引号 and no catalogue_prefix is set to assign one"),
            )
            .with_help("set catalogue_prefix = \"<机构代码>\" in site.toml; numbers are assigned as <机构代码>/<year>-<serial>"),
        );
    }
}
