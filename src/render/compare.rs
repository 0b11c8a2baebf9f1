//! The comparison pages: `compare/index.html`, `compare/<metric>/index.html` and, on a site
//! built from mirrors, `sources/index.html` (DESIGN §5).
//!
//! In: the derived [`crate::derive::compare::Comparison`]. Out: pages through the site's
//! page writer. Text from sources is escaped by the templates like every other text; a
//! source's links are the absolute addresses `derive` made from its verified base URL. Nothing
//! is written when the site has neither a catalogue nor sources.

use super::pages::{PageCache, Pages};
use super::Renderer;
use crate::derive::compare::MetricView;
use crate::derive::SiteData;
use crate::diagnostics::Diagnostic;
use crate::output::Sink;

/// Renders the comparison pages of `data` into `staging`.
pub fn render(
    data: &SiteData,
    renderer: &Renderer,
    staging: &dyn Sink,
    cache: Option<&dyn PageCache>,
) -> Result<(), Diagnostic> {
    let cmp = &data.compare;
    if !cmp.enabled {
        return Ok(());
    }
    let pages = Pages::new(data, renderer, staging, cache);
    let compared: Vec<&MetricView> = cmp.compared().collect();
    let single: Vec<&MetricView> = cmp.metrics.iter().filter(|m| !m.compared).collect();
    let sample = cmp.metrics.iter().any(|m| m.sample);
    pages.page(
        "compare/index.html",
        "compare_index.html",
        "compare",
        sample,
        |c| {
            c.insert("compared", &compared);
            c.insert("single", &single);
            c.insert("sources", &cmp.sources);
            c.insert("catalogue_size", &cmp.metrics.len());
        },
    )?;
    for m in &cmp.metrics {
        pages.page(&m.url, "compare_metric.html", "compare", m.sample, |c| {
            c.insert("metric", m);
            c.insert("has_sources", &!cmp.sources.is_empty());
        })?;
    }
    if !cmp.sources.is_empty() {
        pages.page(
            "sources/index.html",
            "sources.html",
            "compare",
            false,
            |c| {
                c.insert("sources", &cmp.sources);
            },
        )?;
    }
    Ok(())
}
