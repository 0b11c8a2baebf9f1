//! Atom feeds of progress reports: site-wide (`feed.xml`), per plan and per unit.
//!
//! Entry ids are `tag:` URIs built from plan, task and report date, so they stay the same
//! wherever the site is mirrored; links are relative to the feed's own location (Atom allows
//! relative references, resolved against the feed URL), or absolute when a base URL is known.

use std::collections::HashMap;
use std::fmt::Write;

use crate::derive::{PlanView, ReportView, SiteData};
use crate::util::escape::{push_xml_escaped, xml_escape};

/// How many reports a feed carries (newest first).
pub const FEED_ENTRIES: usize = 100;

pub struct FeedEntry<'a> {
    pub report: &'a ReportView,
}

fn datetime(d: crate::model::Date) -> String {
    format!("{d}T00:00:00Z")
}

/// An Atom document for `reports` (already newest first), written at `path` in the output.
pub fn atom_feed(
    data: &SiteData,
    path: &str,
    title: &str,
    page: &str,
    reports: &[&ReportView],
) -> String {
    let root = "../".repeat(path.matches('/').count());
    let link = |rel: &str| match &data.site.base_url {
        Some(b) => format!("{}/{}", b.trim_end_matches('/'), rel),
        None => format!("{root}{rel}"),
    };
    let authority = data.site.base_url.as_deref().map_or("gongkai", |b| {
        b.split("://")
            .nth(1)
            .unwrap_or(b)
            .split('/')
            .next()
            .unwrap_or("gongkai")
    });
    let updated = reports
        .iter()
        .map(|r| r.published.unwrap_or(r.date))
        .max()
        .or(data.as_of);
    // Written straight into the document: a feed is mostly its entries' escaped HTML.
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n");
    let esc = push_xml_escaped;
    s.push_str("  <title>");
    esc(&mut s, title);
    s.push_str("</title>\n  <id>tag:");
    esc(&mut s, authority);
    s.push_str(",2000:");
    esc(&mut s, path);
    s.push_str("</id>\n  <link rel=\"self\" href=\"");
    esc(&mut s, &link(path));
    s.push_str("\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"");
    esc(&mut s, &link(page));
    let _ = writeln!(
        s,
        "\"/>\n  <updated>{}</updated>",
        datetime(updated.unwrap_or_else(|| crate::model::Date::end_of_year(2000)))
    );
    s.push_str("  <author><name>");
    esc(
        &mut s,
        if data.site.publisher.name.is_empty() {
            &data.site.title
        } else {
            &data.site.publisher.name
        },
    );
    s.push_str("</name></author>\n  <generator>gongkai</generator>\n");
    for r in reports.iter().take(FEED_ENTRIES) {
        s.push_str("  <entry>\n    <title>");
        esc(
            &mut s,
            &format!("{} {} · {}", r.date, r.task_title, r.status_label),
        );
        if let Some(p) = r.percent {
            let _ = write!(s, " {}%", crate::util::number::format_number(p));
        }
        if r.sample {
            s.push_str("(示例数据)");
        }
        s.push_str("</title>\n    <id>tag:");
        esc(&mut s, authority);
        s.push_str(",2000:");
        esc(&mut s, &r.plan);
        s.push('/');
        esc(&mut s, &r.task);
        let _ = write!(
            s,
            "/{}</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"",
            r.anchor
        );
        esc(&mut s, &link(&r.url()));
        let published = r.published.unwrap_or(r.date);
        // The latest correction, if later than publication.
        let updated = r
            .corrections
            .iter()
            .map(|c| c.date)
            .fold(published, Ord::max);
        let _ = writeln!(
            s,
            "\"/>\n    <published>{}</published>\n    <updated>{}</updated>",
            datetime(published),
            datetime(updated)
        );
        if let Some(rep) = &r.reporter {
            s.push_str("    <author><name>");
            esc(&mut s, rep);
            s.push_str("</name></author>\n");
        }
        let _ = writeln!(
            s,
            "    <category term=\"{}\" label=\"{}\"/>",
            r.status.as_str(),
            r.status_label
        );
        // The entry's HTML, escaped as XML text: the sample notice, the plan's title (itself
        // escaped as HTML) and the body.
        s.push_str("    <content type=\"html\">");
        if r.sample {
            esc(
                &mut s,
                "<p><strong>示例数据</strong>:本条为演示用示例数据,不是官方统计。</p>",
            );
        }
        esc(&mut s, &format!("<p>{}</p>", xml_escape(&r.plan_title)));
        esc(&mut s, &r.body_html());
        s.push_str("</content>\n  </entry>\n");
    }
    s.push_str("</feed>\n");
    s
}

/// A plan's own feed, `plans/<id>/feed.xml`, of its reports newest first.
pub(super) fn plan_feed(data: &SiteData, p: &PlanView, reports: &[&ReportView]) -> Vec<u8> {
    let path = format!("plans/{}/feed.xml", p.id());
    atom_feed(
        data,
        &path,
        &format!("{} · 进展动态", p.plan.title),
        &p.url,
        reports,
    )
    .into_bytes()
}

/// The site's feed and each unit's: they gather reports across plans.
pub(super) fn site_and_unit_feeds(
    data: &SiteData,
    updates: &[&ReportView],
) -> Vec<(String, Vec<u8>)> {
    use rayon::prelude::*;
    // Positions in `updates` (newest first) per task, found in one pass, so each unit's feed
    // picks its reports without scanning every update.
    let mut by_task: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, r) in updates.iter().enumerate() {
        by_task.entry((&*r.plan, &*r.task)).or_default().push(i);
    }
    let site = (
        "feed.xml".to_string(),
        atom_feed(
            data,
            "feed.xml",
            &format!("{} · 进展动态", data.site.title),
            "updates/index.html",
            updates,
        )
        .into_bytes(),
    );
    let units: Vec<(String, Vec<u8>)> = data
        .units
        .par_iter()
        .map(|u| {
            let tasks: std::collections::BTreeSet<(&str, &str)> = u
                .lead
                .iter()
                .chain(&u.shared)
                .map(|t| (t.plan.as_str(), t.task.as_str()))
                .collect();
            let mut ix: Vec<usize> = tasks
                .iter()
                .filter_map(|k| by_task.get(k))
                .flatten()
                .copied()
                .collect();
            ix.sort_unstable();
            let rs: Vec<&ReportView> = ix.iter().map(|&i| updates[i]).collect();
            let path = format!("units/{}/feed.xml", u.id);
            let xml = atom_feed(data, &path, &format!("{} · 进展动态", u.name), &u.url, &rs);
            (path, xml.into_bytes())
        })
        .collect();
    let mut out = vec![site];
    out.extend(units);
    out
}
