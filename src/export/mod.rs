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

use std::io;
use std::sync::Arc;

use crate::derive::{PlanView, ReportView, SiteData};
use crate::output::{Appender, Sink};
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

/// A file that could not be written, and why.
pub type Failed = (String, io::Error);

/// The export files as they are written plan by plan: `data/plans.json` and the three CSVs
/// take each plan's share as it comes, in plan order ([`SiteFiles::add`], which also writes
/// the plan's feed), so no plan's share is held once added (at 100,000 tasks
/// `progress.csv` alone is 600 MB); [`SiteFiles::finish`] closes them and writes the files
/// that gather across plans.
pub struct SiteFiles<'s> {
    sink: &'s dyn Sink,
    json: (&'static str, Box<dyn Appender + 's>),
    tasks: (&'static str, Box<dyn Appender + 's>),
    targets: (&'static str, Box<dyn Appender + 's>),
    progress: (&'static str, Box<dyn Appender + 's>),
    /// What closes `plans.json` after the plans' elements.
    close: &'static str,
    plans: usize,
}

impl<'s> SiteFiles<'s> {
    /// Opens the files and writes their heads (the site's part of `plans.json`, the CSV
    /// headers). Reads the site's settings, not its plans.
    pub fn open(data: &SiteData, sink: &'s dyn Sink) -> Result<SiteFiles<'s>, Failed> {
        let open = |path: &'static str, head: &[u8]| {
            let mut file = sink.open(path).map_err(|e| (path.to_string(), e))?;
            file.append(head).map_err(|e| (path.to_string(), e))?;
            Ok::<_, Failed>((path, file))
        };
        let (head, close) = json::plans_json_ends(json::Head::of(data));
        Ok(SiteFiles {
            sink,
            json: open("data/plans.json", head.as_bytes())?,
            tasks: open("data/tasks.csv", &csv_files::tasks_header())?,
            targets: open("data/targets.csv", &csv_files::targets_header())?,
            progress: open("data/progress.csv", &csv_files::progress_header())?,
            close,
            plans: 0,
        })
    }

    /// Adds the next plan's share, and writes its feed (`plans/<id>/feed.xml`).
    pub fn add(&mut self, p: &PlanView, x: &PlanExports) -> Result<(), Failed> {
        let append = |(path, file): &mut (&'static str, Box<dyn Appender + 's>), bytes: &[u8]| {
            file.append(bytes).map_err(|e| (path.to_string(), e))
        };
        if self.plans > 0 {
            append(&mut self.json, b",")?;
        }
        append(&mut self.json, x.json.as_bytes())?;
        append(&mut self.tasks, &x.tasks)?;
        append(&mut self.targets, &x.targets)?;
        append(&mut self.progress, &x.progress)?;
        self.plans += 1;
        let feed = format!("plans/{}/feed.xml", p.id());
        self.sink.write(&feed, &x.feed).map_err(|e| (feed, e))
    }

    /// Closes the files and writes the rest: the site's and units' `feeds` ([`site_feeds`]),
    /// the data package descriptor, the comparison's files, the sitemap and `robots.txt`.
    /// Reads the plans' rows.
    pub fn finish(mut self, data: &SiteData, feeds: &[(String, Vec<u8>)]) -> Result<(), Failed> {
        let close = self.close;
        let (path, json) = &mut self.json;
        json.append(close.as_bytes())
            .map_err(|e| (path.to_string(), e))?;
        for (path, file) in [self.json, self.tasks, self.targets, self.progress] {
            file.finish().map_err(|e| (path.to_string(), e))?;
        }
        let sink = self.sink;
        let one =
            |path: &str, bytes: &[u8]| sink.write(path, bytes).map_err(|e| (path.to_string(), e));
        for (path, bytes) in feeds {
            one(path, bytes)?;
        }
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
    }
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
    if data.plans.len() > crate::render::HOME_PLANS {
        urls.push(("plans/".into(), data.as_of));
    }
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
