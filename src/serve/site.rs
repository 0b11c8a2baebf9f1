//! The site as `serve` holds it: every output file in memory, rebuilt incrementally.
//!
//! In: the project root. Out: a map path → file (bytes and SHA-256), equal byte for byte to
//! what `gongkai build` would write for the same content, manifest included. It never writes to
//! disk.
//!
//! Why it is correct by construction: a rebuild runs `build`'s own pipeline
//! ([`crate::build::prepare_with`]: load → validate → derive) and every page's template
//! context, then renders only the pages whose *context* changed. The pipeline's memo
//! ([`crate::build::Memo`]) skips work whose inputs are known equal: a plan folder whose files
//! (path, size, mtime) are unchanged is not parsed again while everything else under
//! `content/` is unchanged too, and its derived view is reused while `as_of` is also
//! unchanged; then its own pages (plan, 原文, tasks — which depend on nothing else but the
//! templates and the 索引号 the catalogue gave it) are kept without building their contexts.
//! Each page keeps a fingerprint ([`crate::util::hash`], the one hash of change detection)
//! of the template set and the page's serialised context, so a page is skipped exactly when
//! it would be rendered from the same inputs as the copy already held. There is no
//! hand-written dependency graph that could drift from the templates. Exports (data files,
//! feeds, statics) are made again except each unchanged plan's share; a file whose bytes did
//! not change keeps its old hash.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::build::{prepare_with, write_all_cached, Memo, Prepared, Reuse};
use crate::content;
use crate::derive::{self, Inputs, PlanView};
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::export::{PlanCache, PlanExports};
use crate::mirror::{manifest_json, ManifestEntry};
use crate::model::{Content, Date, SiteConfig, Unit};
use crate::output::Sink;
use crate::render::{render_plan_pages, PageCache, PageContext, Renderer, Theme};
use crate::search::held as search;
use crate::util::hash::{self, Fingerprint, Hasher};
use crate::validate;

/// One output file.
#[derive(Clone)]
pub struct File {
    pub bytes: Arc<[u8]>,
    pub sha256: String,
}

/// Every output file of the site, by '/'-separated path relative to the site root.
pub type Files = HashMap<String, File>;

/// A [`Sink`] that keeps files in memory instead of writing them.
#[derive(Default)]
pub struct MemorySink {
    files: Mutex<Vec<(String, Vec<u8>)>>,
}

impl MemorySink {
    pub fn new() -> MemorySink {
        MemorySink::default()
    }

    /// The files written, in no particular order.
    pub fn into_files(self) -> Vec<(String, Vec<u8>)> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for MemorySink {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        if rel.split('/').any(|c| c == ".." || c.is_empty()) || rel.starts_with('/') {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to write outside the output: {rel}"),
            ));
        }
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((rel.to_string(), bytes.to_vec()));
        Ok(())
    }
}

/// Fingerprints of the pages as last rendered, checked and renewed by one rebuild.
struct Fingerprints<'a> {
    templates: Fingerprint,
    previous: &'a HashMap<String, Fingerprint>,
    held: &'a Files,
    next: Mutex<HashMap<String, Fingerprint>>,
    /// Pages skipped because they are unchanged (kept from the previous build).
    kept: Mutex<Vec<String>>,
    on_skip: Option<&'a (dyn Fn() + Sync)>,
    /// Plans whose pages' inputs are known unchanged since the previous build (same plan
    /// files, site settings, units, `as_of` and templates).
    same_plans: &'a HashSet<String>,
}

impl PageCache for Fingerprints<'_> {
    fn unchanged(&self, path: &str, template: &str, ctx: &PageContext) -> bool {
        let mut h = Hasher::new();
        h.update(&self.templates.to_le_bytes());
        h.update(template.as_bytes());
        h.update(&[0]);
        // The context is plain serialisable data in a fixed order, so equal contexts give
        // equal bytes.
        if ctx.write_json(&mut h).is_err() {
            return false;
        }
        let fp = h.fingerprint();
        self.next
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), fp);
        let same = self.previous.get(path) == Some(&fp) && self.held.contains_key(path);
        if same {
            self.kept
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(path.to_string());
            if let Some(f) = self.on_skip {
                f();
            }
        }
        same
    }

    fn unchanged_plan(&self, plan: &str, paths: &[&str]) -> bool {
        if !self.same_plans.contains(plan) {
            return false;
        }
        let prints: Option<Vec<Fingerprint>> = paths
            .iter()
            .map(|p| {
                self.previous
                    .get(*p)
                    .filter(|_| self.held.contains_key(*p))
                    .copied()
            })
            .collect();
        let Some(prints) = prints else {
            return false;
        };
        let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        for (p, fp) in paths.iter().zip(prints) {
            next.insert(p.to_string(), fp);
            kept.push(p.to_string());
            if let Some(f) = self.on_skip {
                f();
            }
        }
        true
    }
}

/// Each plan's share of the export files, kept from the last good build for the plans whose
/// inputs did not change.
struct ExportPieces<'a> {
    same: &'a HashSet<String>,
    previous: &'a HashMap<String, Arc<PlanExports>>,
    next: Mutex<HashMap<String, Arc<PlanExports>>>,
}

impl PlanCache for ExportPieces<'_> {
    fn plan_exports(&self, plan: &PlanView, make: &dyn Fn() -> PlanExports) -> Arc<PlanExports> {
        let id = plan.id();
        let pieces = match self.previous.get(id) {
            Some(kept) if self.same.contains(id) => kept.clone(),
            _ => Arc::new(make()),
        };
        self.next
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.to_string(), pieces.clone());
        pieces
    }
}

/// What one rebuild did, for the terminal and the benchmark.
#[derive(Debug, Clone, Default)]
pub struct RebuildStats {
    /// Load, validate and derive.
    pub prepare: Duration,
    /// Contexts, rendering of the changed pages, exports.
    pub render: Duration,
    /// Comparing with the previous files, hashing, manifest.
    pub swap: Duration,
    pub pages_rendered: usize,
    /// How the search index was brought up to date.
    pub search: Option<search::Method>,
    pub pages_skipped: usize,
    /// Paths whose bytes changed, appeared or disappeared (the manifest excluded).
    pub changed: Vec<String>,
    /// Whether the 修订记录 was read again (HEAD moved, or the first build).
    pub history_read: bool,
    pub warnings: Vec<Diagnostic>,
}

impl RebuildStats {
    pub fn total(&self) -> Duration {
        self.prepare + self.render + self.swap
    }
}

/// What one preview gives (see [`Incremental::preview`]).
pub struct Preview {
    /// The pages rendered, to be served over the held site.
    pub pages: Files,
    pub took: Duration,
    /// Where the time went: load, validate, derive, render, publish (the new file map).
    pub phases: [Duration; 5],
}

/// What the last good build leaves for [`Incremental::preview`]: the inputs a plan's own pages
/// depend on besides the plan itself.
struct Held {
    site: SiteConfig,
    units: Vec<Unit>,
    as_of: Option<Date>,
    renderer: Renderer,
}

/// The site held in memory, and what the next rebuild needs to skip unchanged pages.
pub struct Incremental {
    root: PathBuf,
    files: Arc<Files>,
    fingerprints: HashMap<String, Fingerprint>,
    /// Plan folders as last loaded, and each plan's derived view at the last good build
    /// with the key of its inputs (the same pipeline as `build`'s, with its memo).
    memo: Memo,
    /// The template version of the last good build.
    templates: Option<Fingerprint>,
    /// The input key of each plan at the last good build.
    plan_keys: HashMap<String, Fingerprint>,
    /// Each plan's share of the export files at the last good build.
    exports: HashMap<String, Arc<PlanExports>>,
    /// The search index of the last good build, patched by the next.
    search: search::Held,
    held: Option<Held>,
}

/// Hooks the first (long) build reports progress through.
pub trait Progress: Sync {
    /// The content is loaded and derived; about `pages` pages follow.
    fn start(&self, _pages: usize) {}
    /// One page or file done (rendered, skipped or exported).
    fn tick(&self) {}
}

pub struct NoProgress;
impl Progress for NoProgress {}

impl Incremental {
    /// Nothing built yet; the first [`Incremental::rebuild`] is a full build.
    pub fn new(root: &Path) -> Incremental {
        Incremental {
            root: root.to_path_buf(),
            files: Arc::new(Files::new()),
            fingerprints: HashMap::new(),
            memo: Memo::default(),
            templates: None,
            plan_keys: HashMap::new(),
            exports: HashMap::new(),
            search: search::Held::default(),
            held: None,
        }
    }

    /// The files of the last good build.
    pub fn files(&self) -> Arc<Files> {
        Arc::clone(&self.files)
    }

    /// The first answer to an edit of progress reports, long before the full rebuild: when
    /// every path in `changed` is a report (`content/plans/<plan>/progress/*.md`) of a plan
    /// the last good build held, that plan — as held, with only those files read again — is
    /// validated and derived on its own against that build's site settings, units, `as_of`
    /// and templates, and its plan page and the task pages whose view changed are rendered:
    /// the pages that show the edited reports. Returns those pages, to be served over the
    /// held site (whose manifest and site-wide pages stay as they were until the full
    /// rebuild), or `None` when the edit is of another kind, does
    /// not load or validate cleanly, or could move `as_of`: the full [`Incremental::rebuild`]
    /// handles those, and it always follows a preview and replaces it.
    ///
    /// The rendered pages are byte-identical to the full rebuild's (tested): a plan's own
    /// pages depend on nothing but those inputs.
    pub fn preview(&self, changed: &[PathBuf]) -> Option<Preview> {
        let started = Instant::now();
        let held = self.held.as_ref()?;
        let plans_dir = self.root.join("content").join("plans");
        let mut dirs: Vec<(PathBuf, Vec<PathBuf>)> = Vec::new();
        for path in changed {
            let rel = path.strip_prefix(&plans_dir).ok()?;
            let parts: Vec<_> = rel.components().collect();
            let is_report = parts.len() == 3
                && parts[1].as_os_str() == "progress"
                && path.extension().is_some_and(|e| e == "md");
            if !is_report {
                return None;
            }
            let dir = plans_dir.join(parts[0]);
            self.memo.load.plan_in(&dir)?;
            match dirs.iter_mut().find(|(d, _)| *d == dir) {
                Some((_, paths)) => paths.push(path.clone()),
                None => dirs.push((dir, vec![path.clone()])),
            }
        }
        if dirs.is_empty() {
            return None;
        }
        let mut written = Vec::new();
        let mut phases = [Duration::ZERO; 5];
        let mut lap = Instant::now();
        let mut mark = |phase: usize| {
            phases[phase] += lap.elapsed();
            lap = Instant::now();
        };
        for (dir, paths) in &dirs {
            let old = self.memo.load.plan_in(dir)?;
            let (plan, diags) = content::reload_reports(&self.root, old, paths);
            mark(0);
            if diags.has_errors() {
                return None;
            }
            // Without a fixed `as_of` the newest report sets it: preview only edits that
            // cannot move it (another plan holds the newest date, before and after).
            if held.site.as_of.is_none() {
                let newest = |p: &crate::model::Plan| p.progress.iter().map(|r| r.date).max();
                let as_of = held.as_of?;
                if newest(old) >= Some(as_of) || newest(&plan) >= Some(as_of) {
                    return None;
                }
            }
            let mut diags = Diagnostics::new();
            // Derived against the last build's `as_of`, which without a fixed one came from
            // another plan's newest report.
            let site = SiteConfig {
                as_of: held.as_of,
                ..held.site.clone()
            };
            let content = validate::validate(
                Content {
                    site,
                    units: held.units.clone(),
                    plans: vec![plan],
                    ..Content::default()
                },
                &mut diags,
            );
            if diags.has_errors() {
                return None;
            }
            mark(1);
            let mut data = derive::derive(&content);
            data.site.as_of = held.site.as_of;
            data.history = self.memo.history.clone().unwrap_or_default();
            // Derived alone, the plan would be numbered as the only document of the
            // catalogue: it keeps the 索引号 the full build gave it (reports move no document
            // of the catalogue). A plan the last build did not hold waits for the rebuild.
            let old = &self.memo.views.get(data.plans.first()?.id())?.1;
            let before = Some(old);
            let view = data.plans.first_mut()?;
            view.index_number = old.index_number.clone();
            view.index_assigned = old.index_assigned;
            mark(2);
            let view = data.plans.first()?;
            let changed_task = |t: &crate::derive::TaskView| {
                let old = before.and_then(|p| p.tasks.iter().find(|o| o.id() == t.id()));
                old.is_none_or(|o| {
                    serde_json::to_vec(&o.whole()).ok() != serde_json::to_vec(&t.whole()).ok()
                })
            };
            let sink = MemorySink::new();
            render_plan_pages(&data, &held.renderer, &sink, view, &changed_task).ok()?;
            written.extend(sink.into_files());
            mark(3);
        }
        let pages: Files = written
            .into_iter()
            .map(|(path, bytes)| {
                let sha256 = crate::mirror::sha256_hex(&bytes);
                let file = File {
                    bytes: bytes.into(),
                    sha256,
                };
                (path, file)
            })
            .collect();
        mark(4);
        Some(Preview {
            pages,
            took: started.elapsed(),
            phases,
        })
    }

    /// Rebuilds from the files on disk. On success the held site is replaced; on content
    /// errors it is kept as it was, and the diagnostics are returned.
    pub fn rebuild(&mut self) -> Result<RebuildStats, Diagnostics> {
        self.rebuild_with(&NoProgress)
    }

    pub fn rebuild_with(&mut self, progress: &dyn Progress) -> Result<RebuildStats, Diagnostics> {
        let mut stats = RebuildStats::default();
        let started = Instant::now();
        let mut diags = Diagnostics::new();
        let history_before = self.memo.history.clone();
        // Load → validate → derive: `build`'s pipeline, reusing the plan folders and plan
        // views whose inputs did not change.
        let Some(Prepared {
            mut data,
            theme,
            keys,
        }) = prepare_with(
            &self.root,
            &Inputs::default(),
            Some(&mut self.memo),
            &mut diags,
        )
        else {
            return Err(diags);
        };
        stats.history_read = match (&history_before, &self.memo.history) {
            (Some(a), Some(b)) => !Arc::ptr_eq(a, b),
            _ => true,
        };
        let plan_ids: Vec<String> = data.plans.iter().map(|p| p.id().to_string()).collect();
        let (site, units, as_of) = (data.site.clone(), self.memo.units.clone(), data.as_of);
        let Some(renderer) = Renderer::new(&theme, &mut diags) else {
            return Err(diags);
        };
        let templates = template_version(&theme);
        // A plan's pages and exports depend on its files and `as_of` (its view), on the
        // 索引号 the catalogue gave it, which other documents' dates can move, and on its
        // changes in the 修订记录.
        let output_keys: Vec<Option<Fingerprint>> = keys
            .iter()
            .zip(&data.plans)
            .map(|(key, view)| {
                let revisions = data.history.plan_fingerprint(view.id());
                key.map(|k| hash::of(&(k, &view.index_number, view.index_assigned, revisions)))
            })
            .collect();
        // Plans whose inputs did not change since the last good build: their exports are
        // kept, and their pages too when the templates are the same.
        let same_inputs: HashSet<String> = plan_ids
            .iter()
            .zip(&output_keys)
            .filter(|(id, key)| key.is_some() && self.plan_keys.get(id.as_str()) == key.as_ref())
            .map(|(id, _)| id.clone())
            .collect();
        let same_plans = if self.templates == Some(templates) {
            same_inputs.clone()
        } else {
            HashSet::new()
        };
        stats.prepare = started.elapsed();
        progress.start(estimate_outputs(&data, &theme));

        let started = Instant::now();
        let tick = || progress.tick();
        let cache = Fingerprints {
            templates,
            same_plans: &same_plans,
            previous: &self.fingerprints,
            held: &self.files,
            next: Mutex::new(HashMap::new()),
            kept: Mutex::new(Vec::new()),
            on_skip: Some(&tick),
        };
        let sink = MemorySink::new();
        let counting = Counting {
            inner: &sink,
            progress,
        };
        let exports = ExportPieces {
            same: &same_inputs,
            previous: &self.exports,
            next: Mutex::new(HashMap::new()),
        };
        let reuse = Reuse {
            pages: &cache,
            exports: &exports,
        };
        // The search index beside the rest: only the changed documents' terms are patched.
        let search = &mut self.search;
        let (written, searched) = rayon::join(
            || write_all_cached(&data, &theme, &renderer, &counting, Some(&reuse)),
            || search.update(&crate::search::site::documents(&data)),
        );
        if let Err(d) = written {
            // The held index now describes a site that was not kept: start it afresh.
            self.search = search::Held::default();
            diags.push(d);
            return Err(diags);
        }
        stats.search = Some(searched.method);
        stats.render = started.elapsed();

        let started = Instant::now();
        let kept = cache.kept.into_inner().unwrap_or_else(|e| e.into_inner());
        let fingerprints = cache.next.into_inner().unwrap_or_else(|e| e.into_inner());
        let written = sink.into_files();
        stats.pages_skipped = kept.len();
        stats.pages_rendered = written.iter().filter(|(p, _)| p.ends_with(".html")).count();

        let old = &self.files;
        let mut files = Files::with_capacity(written.len() + kept.len() + 1);
        for path in kept {
            if let Some(f) = old.get(&path) {
                files.insert(path, f.clone());
            }
        }
        // Search files the update left as they were.
        let gone: HashSet<&str> = searched
            .changed
            .iter()
            .map(|(p, _)| p.as_str())
            .chain(searched.removed.iter().map(String::as_str))
            .collect();
        for (path, f) in old.iter() {
            if path.starts_with("search/") && !gone.contains(path.as_str()) {
                files.insert(path.clone(), f.clone());
            }
        }
        let mut written = written;
        written.extend(searched.changed);
        let fresh: Vec<(String, File, bool)> = {
            use rayon::prelude::*;
            written
                .into_par_iter()
                .map(|(path, bytes)| match old.get(&path) {
                    Some(f) if *f.bytes == *bytes => {
                        let f = f.clone();
                        (path, f, false)
                    }
                    _ => {
                        let sha256 = crate::mirror::sha256_hex(&bytes);
                        let f = File {
                            bytes: bytes.into(),
                            sha256,
                        };
                        (path, f, true)
                    }
                })
                .collect()
        };
        for (path, file, changed) in fresh {
            if changed {
                stats.changed.push(path.clone());
            }
            files.insert(path, file);
        }
        for path in old.keys() {
            if !files.contains_key(path) && !is_manifest(path) {
                stats.changed.push(path.clone());
            }
        }
        stats.changed.sort();
        // The manifest, as `build` writes it (serve never signs).
        let entries: Vec<ManifestEntry> = files
            .iter()
            .map(|(path, f)| ManifestEntry {
                path: path.clone(),
                sha256: f.sha256.clone(),
                size: f.bytes.len() as u64,
            })
            .collect();
        let manifest = manifest_json(&entries).into_bytes();
        files.insert(
            crate::mirror::MANIFEST_FILE.to_string(),
            File {
                sha256: crate::mirror::sha256_hex(&manifest),
                bytes: manifest.into(),
            },
        );
        self.files = Arc::new(files);
        self.held = Some(Held {
            site,
            units,
            as_of,
            renderer,
        });
        self.fingerprints = fingerprints;
        self.exports = exports.next.into_inner().unwrap_or_else(|e| e.into_inner());
        self.templates = Some(templates);
        self.plan_keys = plan_ids
            .iter()
            .zip(&output_keys)
            .filter_map(|(id, k)| Some((id.clone(), (*k)?)))
            .collect();
        self.memo.views = std::mem::take(&mut data.plans)
            .into_iter()
            .zip(&keys)
            .filter_map(|(view, k)| Some((view.id().to_string(), ((*k)?, view))))
            .collect();
        if stats.history_read {
            // Kept for the next `build` (or `serve`); failing to is no error of the site.
            let _ = crate::history::store(&self.root, &data.history);
        }
        stats.swap = started.elapsed();
        stats.warnings = diags.into_sorted();
        Ok(stats)
    }

    /// The held site as sorted (path, bytes) pairs (for tests and comparisons).
    pub fn sorted(&self) -> BTreeMap<String, Arc<[u8]>> {
        self.files
            .iter()
            .map(|(p, f)| (p.clone(), Arc::clone(&f.bytes)))
            .collect()
    }
}

fn is_manifest(path: &str) -> bool {
    path == crate::mirror::MANIFEST_FILE || path == crate::mirror::SIGNATURE_FILE
}

/// Counts what goes through to the sink and ticks the progress.
struct Counting<'a> {
    inner: &'a MemorySink,
    progress: &'a dyn Progress,
}

impl Sink for Counting<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.inner.write(rel, bytes)?;
        self.progress.tick();
        Ok(())
    }
}

/// The fingerprint of every template's name and source: any template change gives a new
/// version, which changes every page's fingerprint.
fn template_version(theme: &Theme) -> Fingerprint {
    hash::of(&theme.templates)
}

/// About how many files a build writes (for the progress bar's length; exactness does not
/// matter).
fn estimate_outputs(data: &crate::derive::SiteData, theme: &Theme) -> usize {
    let tasks: usize = data.plans.iter().map(|p| p.tasks.len()).sum();
    let reports = data.totals.reports;
    16 + data.plans.len() * 4 + tasks + data.units.len() + reports / 50 + theme.statics.len()
}

/// How a rebuild brought the search index up to date, for the terminal.
pub fn search_summary(method: Option<search::Method>) -> String {
    match method {
        Some(search::Method::Patched { docs, terms }) => {
            format!("{docs} document(s), {terms} term(s) patched")
        }
        Some(search::Method::Relaid { docs, terms }) => {
            format!("{docs} document(s), {terms} term(s) patched, parts laid out again")
        }
        Some(search::Method::Rebuilt(_)) => "built whole".into(),
        None => "not built".into(),
    }
}

/// A diagnostic for a failure that is not the content's fault (a panic inside a rebuild):
/// the server shows it like any other and keeps running.
pub fn internal_error(message: &str) -> Diagnostics {
    let mut d = Diagnostics::new();
    d.push(
        Diagnostic::error("gongkai", Pos::START, format!("internal error: {message}"))
            .with_help("this is a bug in gongkai; the last good site is still served"),
    );
    d
}
