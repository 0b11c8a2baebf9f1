//! Export: [`SiteData`] → open data and machine-readable files (DESIGN §5).
//!
//! In: the derived site. Out: `data/plans.json`, the CSVs (UTF-8 with BOM, so Excel opens them
//! correctly), `data/datapackage.json`, Atom feeds, `sitemap.xml` and `robots.txt`, as
//! (path, bytes) pairs. Every output is deterministic: sorted, no wall-clock time.

mod csv_files;
mod feeds;
mod json;

pub use csv_files::{
    progress_csv, targets_csv, tasks_csv, PROGRESS_COLUMNS, TARGET_COLUMNS, TASK_COLUMNS,
};
pub use feeds::{atom_feed, FeedEntry};
pub use json::plans_json;

use crate::derive::SiteData;

/// Every export file of the site. `base_url` decides whether a sitemap can be written
/// (it needs absolute URLs); without one the caller warns.
pub fn export_files(data: &SiteData) -> Vec<(String, Vec<u8>)> {
    export_files_with(data, &data.updates())
}

/// [`export_files`] with the update timeline ([`SiteData::updates`]) already computed.
pub fn export_files_with(
    data: &SiteData,
    updates: &[&crate::derive::ReportView],
) -> Vec<(String, Vec<u8>)> {
    // The files are independent; the big ones (JSON, progress CSV, feeds) run side by side.
    let ((json, progress), (feeds, (tasks, targets))) = rayon::join(
        || rayon::join(|| plans_json(data).into_bytes(), || progress_csv(data)),
        || {
            rayon::join(
                || feeds::all_feeds(data, updates),
                || (tasks_csv(data), targets_csv(data)),
            )
        },
    );
    let mut out = vec![
        ("data/plans.json".to_string(), json),
        ("data/tasks.csv".to_string(), tasks),
        ("data/targets.csv".to_string(), targets),
        ("data/progress.csv".to_string(), progress),
        (
            "data/datapackage.json".to_string(),
            csv_files::datapackage(data).into_bytes(),
        ),
    ];
    out.extend(feeds);
    let base = data.site.base_url.as_deref();
    if let Some(b) = base {
        out.push(("sitemap.xml".to_string(), sitemap(b, data).into_bytes()));
    }
    out.push(("robots.txt".to_string(), robots(base).into_bytes()));
    out
}

fn robots(base: Option<&str>) -> String {
    let mut s = String::from("User-agent: *\nAllow: /\n");
    if let Some(b) = base {
        s.push_str(&format!(
            "Sitemap: {}/sitemap.xml\n",
            b.trim_end_matches('/')
        ));
    }
    s
}

/// `sitemap.xml` (sitemaps.org 0.9) of every HTML page, with absolute URLs.
pub fn sitemap(base: &str, data: &SiteData) -> String {
    let base = base.trim_end_matches('/');
    let mut urls: Vec<(String, Option<crate::model::Date>)> = vec![
        (String::new(), data.as_of),
        ("targets/".into(), data.as_of),
        ("units/".into(), None),
        ("updates/".into(), data.as_of),
        ("disclosure/".into(), None),
        ("data/".into(), data.as_of),
    ];
    for p in &data.plans {
        urls.push((pretty(&p.url), p.last_update.or(p.published)));
        if let Some(s) = &p.source_url {
            urls.push((pretty(s), p.published));
        }
        for t in &p.tasks {
            urls.push((pretty(&t.url), t.last_update.or(p.published)));
        }
    }
    for u in &data.units {
        urls.push((pretty(&u.url), None));
    }
    urls.sort();
    urls.dedup();
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for (u, d) in urls {
        s.push_str(&format!(
            "  <url><loc>{}</loc>",
            xml_escape(&format!("{base}/{}", path_escape(&u)))
        ));
        if let Some(d) = d {
            s.push_str(&format!("<lastmod>{d}</lastmod>"));
        }
        s.push_str("</url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

/// A page URL without its `index.html` (the form search engines and people share).
pub fn pretty(url: &str) -> String {
    url.strip_suffix("index.html").unwrap_or(url).to_string()
}

/// Percent-encodes the characters a URL path cannot hold raw (ids are ASCII, but be safe).
fn path_escape(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    for b in p.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/#".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}
