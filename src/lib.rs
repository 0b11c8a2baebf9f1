//! gongkai (公开): a static site generator for public transparency portals.
//!
//! The pipeline (DESIGN §2), one module per stage, each taking a value and returning the next:
//!
//! - `content` (load): `content/` → [`model::Content`] — site settings, units, plans with
//!   tasks, targets and progress reports, disclosure documents, and the annual disclosure
//!   reports (parsed, their tables' arithmetic checked where the figures are located); the
//!   metrics catalogue (`metrics.toml`) and the `[[source]]` mirrors of an aggregator site, each
//!   verified with `mirror`'s own check before its `data/plans.json` is read (`content::sources`);
//! - `validate`: cross-file checks and unit-name resolution, including the disclosure
//!   section's content (`validate::disclosure`); every problem at once, as [`diagnostics`];
//! - `derive`: → [`derive::SiteData`], the one site value: plans → tasks → targets (status and
//!   tracker inputs, charts) and reports; units with their responsibility lists and
//!   scorecards; the 政府信息公开目录 with every document's 索引号 (printed, or assigned and
//!   written back onto the plans and documents, so every output shows the same number); the
//!   change log; the annual reports; site settings; the same metric across jurisdictions and
//!   sources (`derive::compare`, matching by `validate::compare`'s catalogue);
//!
//!   The views carry the model's own values flat: a [`derive::PlanView`] serialises its
//!   [`model::Plan`] and a [`derive::TaskView`] its [`model::Task`] (each read straight from
//!   `plan.toml` or `tasks.toml`) beside what derive adds, a [`derive::TargetView`] its
//!   [`model::Target`], so a field added to the model reaches every template as
//!   `plan.<field>` or `task.<field>` with no other code. Each serialises as one struct, the
//!   model's fields then its own (`util::ser::extends!`; a flattened map cost Tera an
//!   allocated key per field of every row). Serialised, a view is its row: a plan
//!   leaves out its tasks, a task its targets and reports, and the page that shows them adds
//!   them beside it (`render::pages`), so lists stay small. What is large and shown in one
//!   place is made there, not held: a report keeps its body once, as written, and its HTML
//!   and plain text are made by the task page, the feed, the search index and the 繁體 table;
//!   a target's chart is drawn by its task page. [`derive::PlanParts`] is a plan with every
//!   part, for scans of all the site's text. A one-off build frees each plan's loaded reports
//!   as soon as the plan's view is derived (`derive::derive_freeing`); `serve` keeps them.
//! - renderers over that value, which do not import each other: `render` (HTML pages, the
//!   disclosure section among them), `search` (the index), `export` (open data, feeds,
//!   sitemap); then `output` writes into a staging folder swapped in whole, and `mirror` adds
//!   the manifest.
//!
//!   `build` runs them in three steps (`build::write_all_cached`): what reads every report's
//!   body across plans (the search index, the site's and units' feeds); then plan by plan, a
//!   few dozen side by side, the plan's own pages, its share of the export files
//!   (`export::PlanExports`, appended to the site-wide files in plan order and let go:
//!   `export::SiteFiles`, `output::Sink::open`) and the Han runs of its text; then, from the
//!   plans' rows, the site-wide pages, the disclosure section, the 繁體 table and the rest of
//!   the files. A one-off build lets go of each plan's report bodies as soon as its step-2
//!   share is made (`build::write_all_releasing`), so its memory after step 1 is the plans'
//!   rows and a few dozen plans' shares; `serve` runs the same steps but keeps the pages and
//!   export shares of the plans whose inputs did not change.
//!
//! `data/plans.json` is not the site value written out but a documented, versioned projection
//! of it, made in one place (`export::json`): the value holds presentation (charts, rendered
//! Markdown, labels) that is not open data, and the file's fields are a published contract
//! (DESIGN §5 ⚑) that must not move when a page does. Every field is read from the value the
//! pages render, so the two agree (`tests/one_model.rs` checks it on the built site).
//!
//! `util` (escaping, number formatting, URLs, the Traditional → Simplified folding, the
//! change-detection hash, a struct serialised with more fields after its own) sits below
//! every stage; no module imports from a later stage. `build` strings the stages together;
//! `import`, `mirror` and `serve` are the other commands (`serve` holds the site in memory and
//! rebuilds it incrementally).

pub mod build;
pub mod cells;
pub mod content;
pub mod derive;
pub mod diagnostics;
pub mod export;
pub mod forms;
pub mod history;
pub mod import;
pub mod lint;
pub mod markdown;
pub mod mirror;
pub mod model;
pub mod output;
pub mod render;
pub mod search;
pub mod serve;
pub mod util;
pub mod validate;
