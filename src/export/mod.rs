//! Export: [`SiteData`] → open data and machine-readable files (DESIGN §5).
//!
//! In: the derived site. Out: `data/plans.json`, the CSVs (UTF-8 with BOM, so Excel opens them
//! correctly), `data/datapackage.json`, Atom feeds, `sitemap.xml` and `robots.txt`, as
//! (path, bytes) pairs. Every output is deterministic: sorted, no wall-clock time.

mod compare;
mod csv_files;
mod feeds;
mod json;

pub use feeds::{atom_feed, FeedEntry};
pub use json::plans_json;

use std::sync::Arc;

use crate::derive::{PlanView, ReportView, SiteData};
use crate::util::escape::xml_escape;
use crate::util::url::{path_escape, pretty};

/// One plan's share of the site-wide export files: its rows of `tasks.csv`, `targets.csv` and
/// `progress.csv`, its element of `plans.json` and its own feed. These depend on nothing but
/// the plan's view, the site settings and `as_of`, so `serve` keeps them for the plans whose
/// inputs did not change (see [`PlanCache`]); each file is its plans' pieces joined in order.
pub struct PlanExports {
    tasks: Vec<u8>,
    targets: Vec<u8>,
    progress: Vec<u8>,
    json: String,
    feed: Vec<u8>,
}

impl PlanExports {
    /// `reports`: the plan's reports, newest first.
    fn of(data: &SiteData, p: &PlanView, reports: &[&ReportView]) -> PlanExports {
        PlanExports {
            tasks: csv_files::task_rows(p),
            targets: csv_files::target_rows(p),
            progress: csv_files::progress_rows(p),
            json: json::plan_json(p),
            feed: feeds::plan_feed(data, p, reports),
        }
    }
}

/// Lets `serve` keep each plan's [`PlanExports`] between rebuilds.
pub trait PlanCache: Sync {
    /// The pieces of `plan`: the kept ones when its inputs did not change, else `make()`'s.
    fn plan_exports(&self, plan: &PlanView, make: &dyn Fn() -> PlanExports) -> Arc<PlanExports>;
}

/// Every export file of the site. `base_url` decides whether a sitemap can be written
/// (it needs absolute URLs); without one the caller warns.
pub fn export_files(data: &SiteData) -> Vec<(String, Vec<u8>)> {
    export_files_with(data, &data.updates())
}

/// [`export_files`] with the update timeline ([`SiteData::updates`]) already computed.
pub fn export_files_with(data: &SiteData, updates: &[&ReportView]) -> Vec<(String, Vec<u8>)> {
    let out = std::sync::Mutex::new(Vec::new());
    let _ = each_export(data, updates, None, &|path, pieces| {
        out.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((path.to_string(), pieces.concat()));
        Ok::<(), ()>(())
    });
    let mut out = out.into_inner().unwrap_or_else(|e| e.into_inner());
    out.sort();
    out
}

/// One plan's share of the export files ([`PlanExports`]), the kept one from `cache` when
/// there is one. It reads the plan's view and the site's settings, never another plan.
pub fn plan_exports(
    data: &SiteData,
    p: &PlanView,
    cache: Option<&dyn PlanCache>,
) -> Arc<PlanExports> {
    let make = || PlanExports::of(data, p, &p.updates());
    match cache {
        Some(c) => c.plan_exports(p, &make),
        None => Arc::new(make()),
    }
}

/// The site's feed and each unit's (`feed.xml`, `units/<id>/feed.xml`): their entries carry
/// report bodies, so they are made while the site holds them (a build lets go of each plan's
/// bodies once its own outputs are made).
pub fn site_feeds(data: &SiteData, updates: &[&ReportView]) -> Vec<(String, Vec<u8>)> {
    feeds::site_and_unit_feeds(data, updates)
}

/// Writes every export file into `sink` from the plans' pieces ([`plan_exports`], in plan
/// order) and the site's feeds ([`site_feeds`]). On failure: the path that could not be
/// written, and why.
pub fn write_site_files(
    data: &SiteData,
    pieces: &[Arc<PlanExports>],
    feeds: &[(String, Vec<u8>)],
    sink: &dyn crate::output::Sink,
) -> Result<(), (String, std::io::Error)> {
    each_file(data, pieces, feeds, &|path, pieces| {
        sink.write_pieces(path, pieces)
            .map_err(|e| (path.to_string(), e))
    })
}

/// Makes every export file and hands each to `emit` (see [`each_file`]).
fn each_export<E, F>(
    data: &SiteData,
    updates: &[&ReportView],
    cache: Option<&dyn PlanCache>,
    emit: &F,
) -> Result<(), E>
where
    E: Send,
    F: Fn(&str, &[&[u8]]) -> Result<(), E> + Sync,
{
    use rayon::prelude::*;
    let (pieces, feeds) = rayon::join(
        || {
            data.plans
                .par_iter()
                .map(|p| plan_exports(data, p, cache))
                .collect::<Vec<_>>()
        },
        || site_feeds(data, updates),
    );
    each_file(data, &pieces, &feeds, emit)
}

/// Hands every export file to `emit`, as pieces to be written one after the other: each big
/// file as its plans' pieces in order (never joined: at 100,000 tasks `progress.csv` alone is
/// 600 MB), each plan's feed, the site's feeds, and the files that gather across plans
/// (descriptor, sitemap).
fn each_file<E, F>(
    data: &SiteData,
    pieces: &[Arc<PlanExports>],
    feeds: &[(String, Vec<u8>)],
    emit: &F,
) -> Result<(), E>
where
    E: Send,
    F: Fn(&str, &[&[u8]]) -> Result<(), E> + Sync,
{
    // A site-wide file: its header, then each plan's piece in plan order.
    let joined = |path: &str, header: &[u8], piece: fn(&PlanExports) -> &[u8]| {
        let mut all = Vec::with_capacity(pieces.len() + 1);
        all.push(header);
        all.extend(pieces.iter().map(|p| piece(p)));
        emit(path, &all)
    };
    let one = |path: &str, bytes: &[u8]| emit(path, &[bytes]);
    let ((json, progress), (feed_files, rest)) = rayon::join(
        || {
            rayon::join(
                || {
                    let (open, close) = json::plans_json_ends(json::Head::of(data));
                    let mut all = vec![open.as_bytes()];
                    for (i, p) in pieces.iter().enumerate() {
                        if i > 0 {
                            all.push(b",");
                        }
                        all.push(p.json.as_bytes());
                    }
                    all.push(close.as_bytes());
                    emit("data/plans.json", &all)
                },
                || {
                    joined("data/progress.csv", &csv_files::progress_header(), |p| {
                        &p.progress
                    })
                },
            )
        },
        || {
            rayon::join(
                || {
                    data.plans.iter().zip(pieces).try_for_each(|(p, x)| {
                        one(&format!("plans/{}/feed.xml", p.id()), &x.feed)
                    })?;
                    feeds.iter().try_for_each(|(path, bytes)| one(path, bytes))
                },
                || {
                    joined("data/tasks.csv", &csv_files::tasks_header(), |p| &p.tasks)?;
                    joined("data/targets.csv", &csv_files::targets_header(), |p| {
                        &p.targets
                    })?;
                    one(
                        "data/datapackage.json",
                        csv_files::datapackage(data).as_bytes(),
                    )?;
                    if data.compare.enabled {
                        one("data/compare.json", compare::compare_json(data).as_bytes())?;
                        one("data/compare.csv", &compare::compare_csv(data))?;
                    }
                    let base = data.site.base_url.as_deref();
                    if let Some(b) = base {
                        one("sitemap.xml", sitemap(b, data).as_bytes())?;
                    }
                    one("robots.txt", robots(base).as_bytes())
                },
            )
        },
    );
    json.and(progress).and(feed_files).and(rest)
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
        urls.push((pretty(&p.url), p.last_update.or(p.plan.published)));
        if let Some(s) = &p.source_url {
            urls.push((pretty(s), p.plan.published));
        }
        for t in &p.tasks {
            urls.push((pretty(&t.url), t.last_update.or(p.plan.published)));
        }
    }
    for u in &data.units {
        urls.push((pretty(&u.url), None));
    }
    if data.compare.enabled {
        urls.push(("compare/".into(), data.as_of));
        urls.extend(
            data.compare
                .metrics
                .iter()
                .map(|m| (pretty(&m.url), data.as_of)),
        );
        if !data.compare.sources.is_empty() {
            urls.push(("sources/".into(), None));
        }
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
