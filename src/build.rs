//! `gongkai build` and `gongkai check`: the pipeline, top to bottom.
//!
//! load → validate → derive → write (the search index and the feeds; then plan by plan its
//! pages, export share and 繁體 text; then the site-wide pages and files) → manifest → swap.
//! Each step is a call with a name; a step that finds errors stops the build before anything
//! is swapped into the output, so a failed build leaves the previous site exactly as it was.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use rayon::prelude::*;

use std::collections::HashMap;
use std::sync::Arc;

use crate::content::LoadMemo;
use crate::derive::{derive_reusing, Inputs, PlanView, SiteData};
use crate::diagnostics::{report, Diagnostic, Diagnostics, Pos};
use crate::history::History;
use crate::output::{guard, CommitError, Sink, Staging};
use crate::render::{PageCache, Renderer, Theme};
use crate::util::hash::{self, Fingerprint};
use crate::{content, validate};

/// Stage timings on stderr when `GONGKAI_TIMINGS` is set (for benchmarks).
struct Timer {
    start: Instant,
    last: std::cell::Cell<Instant>,
    on: bool,
}

impl Timer {
    fn start() -> Timer {
        let now = Instant::now();
        Timer {
            start: now,
            last: std::cell::Cell::new(now),
            on: std::env::var_os("GONGKAI_TIMINGS").is_some(),
        }
    }

    fn lap(&self, stage: &str) {
        if self.on {
            let now = Instant::now();
            eprintln!(
                "timing: {stage:<10} {:>7} ms (total {} ms)",
                (now - self.last.get()).as_millis(),
                (now - self.start).as_millis()
            );
            self.last.set(now);
        }
    }

    /// One of several stages that ran side by side, with its own duration.
    fn stage(&self, stage: &str, millis: u128) {
        if self.on {
            eprintln!("timing: {stage:<10} {millis:>7} ms (side by side)");
        }
    }
}

pub struct BuildOptions {
    pub root: PathBuf,
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub sign_key: Option<PathBuf>,
    /// Build into an output folder that holds files gongkai did not write, moving them aside.
    pub force: bool,
}

/// Why a build did not produce a site.
#[derive(Debug)]
pub enum BuildFailure {
    /// Problems in the content or theme (exit 1).
    Content(Diagnostics),
    /// The file system refused (exit 2).
    Io(String),
    /// The output folder is not one a build may replace (exit 2); nothing was touched.
    Refused(guard::Refusal),
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    /// Files in the output that gongkai did not write, moved aside (`--force`), and where to.
    pub moved: Vec<String>,
    pub moved_to: Option<PathBuf>,
    pub files: usize,
    pub pages: usize,
    pub warnings: Diagnostics,
    pub millis: u128,
}

/// Loads, validates and derives: everything a build needs before writing, nothing written.
pub fn prepare(root: &Path, diags: &mut Diagnostics) -> Option<(SiteData, Theme)> {
    prepare_with(root, &Inputs::default(), None, diags).map(|p| (p.data, p.theme))
}

/// What [`prepare_with`] keeps from one run for the next (`serve`): the plan folders as loaded,
/// and each plan's derived view with the key of its inputs, so an edit reloads and re-derives
/// only the plans it touched.
#[derive(Default)]
pub struct Memo {
    pub load: LoadMemo,
    /// Each plan's view at the last good run, by plan id, with its [`Prepared::keys`] entry.
    pub views: HashMap<String, (Fingerprint, PlanView)>,
    /// The units of the last good run, as validated (`serve`'s preview validates one plan
    /// against them).
    pub units: Vec<crate::model::Unit>,
    /// The 修订记录 as last read: read again only when HEAD moved.
    pub history: Option<Arc<History>>,
    /// The last note about the history shown (each is shown once).
    history_note: Option<String>,
}

/// What [`prepare_with`] gives.
pub struct Prepared {
    pub data: SiteData,
    pub theme: Theme,
    /// Per plan (in `data.plans` order), the key of everything its view was derived from —
    /// its folder's files, everything else under `content/`, `as_of` — when a [`Memo`] was
    /// given and knew the folder.
    pub keys: Vec<Option<Fingerprint>>,
}

/// Load → validate → derive, as [`prepare`], with the build's `inputs`; with a `memo`, plans
/// whose inputs are unchanged since its last run are neither parsed nor derived again (their
/// values are the same, as the memo's keys prove), and the memo is renewed for the next run.
pub fn prepare_with(
    root: &Path,
    inputs: &Inputs,
    memo: Option<&mut Memo>,
    diags: &mut Diagnostics,
) -> Option<Prepared> {
    prepare_linted(root, inputs, memo, diags, false)
}

/// [`prepare_with`], with the inspection lint over the content when `lint` is set (`check`).
fn prepare_linted(
    root: &Path,
    inputs: &Inputs,
    mut memo: Option<&mut Memo>,
    diags: &mut Diagnostics,
    lint: bool,
) -> Option<Prepared> {
    let t = Timer::start();
    // The 修订记录 is read from git beside loading; it depends on nothing loaded. With a memo
    // (`serve`), only when HEAD moved since the last run.
    let known = memo.as_ref().and_then(|m| m.history.clone());
    let history = {
        let root = root.to_path_buf();
        let known = known.clone();
        std::thread::Builder::new()
            .name("history".into())
            .spawn(move || timed(|| crate::history::read_since(&root, known.as_deref())))
    };
    let (content, load_diags) = content::load_with(root, memo.as_mut().map(|m| &mut m.load));
    diags.extend(load_diags.into_sorted());
    t.lap("load");
    let content = validate::validate(content, diags);
    if lint {
        crate::lint::lint_content(&content, root, diags);
        if let Some(note) = validate::compare::unmatched_note(&content) {
            eprint!("{note}");
        }
    }
    let theme = Theme::load(root, &content.site.theme, diags);
    t.lap("validate");
    if diags.has_errors() {
        return None;
    }
    let as_of = crate::derive::as_of(&content);
    let keys: Vec<Option<Fingerprint>> = content
        .plans
        .iter()
        .map(|p| {
            let memo = memo.as_ref()?;
            let signature = memo.load.plan_signature(p.id.as_str())?;
            Some(hash::of(&(signature, as_of)))
        })
        .collect();
    let reuse: Vec<Option<PlanView>> = match memo.as_mut() {
        None => Vec::new(),
        Some(m) => {
            let reuse = content
                .plans
                .iter()
                .zip(&keys)
                .map(|(p, key)| match (key, m.views.remove(p.id.as_str())) {
                    (Some(k), Some((old, view))) if *k == old => Some(view),
                    _ => None,
                })
                .collect();
            m.views.clear();
            reuse
        }
    };
    let mut content = content;
    let mut data = match memo {
        // `serve` keeps the plans as loaded for its next run.
        Some(_) => derive_reusing(&content, inputs, reuse),
        None => crate::derive::derive_freeing(&mut content, inputs),
    };
    match memo.as_mut() {
        Some(m) => {
            m.units = content.units.clone();
            m.load.restore(content.plans);
        }
        None => drop_aside(content),
    }
    t.lap("derive");
    let (read, ms) = match history.map(|h| h.join()) {
        Ok(Ok(read)) => read,
        _ => timed(|| crate::history::read_since(root, known.as_deref())),
    };
    t.stage("history", ms);
    if let Some((h, _)) = read.as_ref().filter(|_| t.on) {
        eprintln!(
            "timing: history walked {} of {} commits ({} changes)",
            h.walked,
            h.commits,
            h.changes.len()
        );
    }
    data.history = match (read, known) {
        (Some((history, note)), _) => {
            let shown = memo.as_ref().and_then(|m| m.history_note.as_ref());
            if let Some(note) = note.as_ref().filter(|n| Some(*n) != shown) {
                eprintln!("note: {note}");
            }
            if let Some(m) = memo.as_mut() {
                m.history_note = note;
            }
            Arc::new(history)
        }
        (None, Some(known)) => known,
        (None, None) => Arc::default(),
    };
    if let Some(m) = memo.as_mut() {
        m.history = Some(Arc::clone(&data.history));
    }
    t.lap("history");
    Some(Prepared { data, theme, keys })
}

/// Drops `value` on a thread of its own. Freeing a loaded site (hundreds of thousands of
/// strings) takes a core for a tenth of a second that the build's next stage can use; and a
/// one-off build that ends first is not kept waiting for it (the memory goes with the process).
fn drop_aside<T: Send + 'static>(value: T) {
    // When no thread can be had, the failed spawn drops the closure, and `value` with it.
    let _ = std::thread::Builder::new()
        .name("drop".into())
        .spawn(move || drop(value));
}

/// Builds the site at `root` into `output`.
pub fn build_site(
    root: &Path,
    output: &Path,
    base_url: Option<&str>,
    sign_key: Option<&Path>,
    force: bool,
) -> Result<BuildReport, BuildFailure> {
    let started = Instant::now();
    check_output(root, output, force)?;
    let mut diags = Diagnostics::new();
    let key = sign_key.map(|k| (k, crate::mirror::public_key_fingerprint_from_secret(k)));
    let inputs = Inputs {
        base_url: base_url.map(str::to_string),
        fingerprint: key.as_ref().and_then(|(_, f)| f.as_ref().ok().cloned()),
    };
    let Some(Prepared { data, theme, .. }) = prepare_with(root, &inputs, None, &mut diags) else {
        return Err(BuildFailure::Content(diags));
    };
    // Content errors first, then a key that cannot be read.
    if let Some((key, Err(e))) = &key {
        return Err(BuildFailure::Io(format!("{}: {e}", key.display())));
    }
    if data.site.base_url.is_none() {
        diags.push(
            Diagnostic::warning(
                "content/site.toml",
                Pos::START,
                "no base_url: sitemap.xml and canonical links are left out",
            )
            .with_help("set base_url = \"https://…/\" in content/site.toml, or pass --base-url"),
        );
    }
    let Some(renderer) = Renderer::new(&theme, &mut diags) else {
        return Err(BuildFailure::Content(diags));
    };
    let mut staging = Staging::new(output).map_err(|e| {
        BuildFailure::Io(format!(
            "{}: cannot create staging folder: {e}",
            output.display()
        ))
    })?;
    if sign_key.is_some() {
        staging.hash_every_file();
    }
    if force {
        staging.move_foreign_aside();
    }
    let t = Timer::start();
    let history = Arc::clone(&data.history);
    match write_all_releasing(data, &theme, &renderer, &staging) {
        Ok(()) => {}
        Err(d) => {
            let failure = staging.write_failure();
            staging.abort();
            if let Some((rel, why)) = failure {
                return Err(BuildFailure::Io(format!(
                    "cannot write {}: {why}",
                    output.join(rel).display()
                )));
            }
            diags.push(d);
            return Err(BuildFailure::Content(diags));
        }
    }
    t.lap("outputs");
    // The manifest covers every file written so far; it and its signature come last.
    let release = crate::mirror::release_files(&staging.written(), sign_key)
        .map_err(|e| BuildFailure::Io(e.to_string()))?;
    for (name, bytes) in release {
        staging.write(name, &bytes).map_err(|e| {
            BuildFailure::Io(format!("cannot write {}: {e}", output.join(name).display()))
        })?;
    }
    let written = staging.written();
    let pages = written.iter().filter(|w| w.path.ends_with(".html")).count();
    t.lap("manifest");
    let committed = staging.commit(output).map_err(|e| match e {
        CommitError::Refused(r) => BuildFailure::Refused(r),
        CommitError::Io(e) => BuildFailure::Io(format!(
            "{}: cannot replace the output: {e}",
            output.display()
        )),
    })?;
    t.lap("commit");
    // The history read, kept for the next build (only once the site is in place: a failed
    // build leaves every file as it was).
    if let Err(e) = crate::history::store(root, &history) {
        eprintln!("note: the 修订记录 cache could not be kept ({e}); the next build reads the whole history again");
    }
    Ok(BuildReport {
        moved: committed.moved,
        moved_to: committed.moved_to,
        files: written.len(),
        pages,
        warnings: diags,
        millis: started.elapsed().as_millis(),
    })
}

/// Refuses, before anything is touched, an output a build may not replace: the project folder,
/// a folder holding it or inside its inputs, and (unless `force`) a folder holding files
/// gongkai did not write.
fn check_output(root: &Path, output: &Path, force: bool) -> Result<(), BuildFailure> {
    guard::check_paths(root, output).map_err(BuildFailure::Refused)?;
    if !force {
        let foreign = guard::foreign_files(output)
            .map_err(|e| BuildFailure::Io(format!("{}: {e}", output.display())))?;
        if !foreign.is_empty() {
            let aside = crate::output::foreign_folder(output);
            return Err(BuildFailure::Refused(crate::output::foreign_refusal(
                output, &foreign, &aside,
            )));
        }
    }
    Ok(())
}

/// What `serve` keeps from one rebuild for the next, so a rebuild redoes only what changed:
/// pages whose context is unchanged are not rendered again, and plans whose inputs are
/// unchanged give their share of the export files as kept. With it, no search index is made:
/// `serve` holds the index and patches it (`search::Held`).
pub struct Reuse<'a> {
    pub pages: &'a dyn PageCache,
    pub exports: &'a dyn crate::export::PlanCache,
}

/// Render → index → export into `staging`, for a site the caller keeps, reusing what `reuse`
/// keeps (`serve`'s incremental rebuild; `None` makes everything).
///
/// In three steps, each made of parts that read the derived site and nothing of each other,
/// made side by side (each parallel inside as well, so no core idles while one finishes):
/// 1. what reads every report's body across plans (`across_plans`): the search index (the
///    build's peak of memory) and the site's and units' feeds;
/// 2. plan by plan, a few dozen side by side (`PlanLane`): the plan's pages, its share of
///    the export files (added to them in plan order, then let go) and the Han runs of its
///    text;
/// 3. from the plans' rows (`PlanLane::finish`): the site-wide pages, the disclosure
///    section, the export files finished and the 繁體 table.
///
/// When several parts fail, the error reported is the first in that order.
pub fn write_all_cached(
    data: &SiteData,
    theme: &Theme,
    renderer: &Renderer,
    staging: &dyn Sink,
    reuse: Option<&Reuse>,
) -> Result<(), Diagnostic> {
    let t = Timer::start();
    let feeds = across_plans(data, staging, reuse, &t)?;
    let mut lane = PlanLane::open(data, renderer, staging, reuse)?;
    let (made, ms) = timed(|| {
        data.plans.chunks(PLANS_AT_ONCE).try_for_each(|chunk| {
            let shares = chunk
                .par_iter()
                .map(|plan| lane.make(data, plan))
                .collect::<Result<Vec<_>, _>>()?;
            chunk
                .iter()
                .zip(&shares)
                .try_for_each(|(plan, share)| lane.add(plan, share))
        })
    });
    t.stage("plans", ms);
    made?;
    lane.finish(data, theme, staging, &feeds, &t)
}

/// [`write_all_cached`] of a site the caller gives up (a one-off build, `check`): each plan's
/// report bodies are let go as soon as its own outputs are made (step 2 of
/// [`write_all_cached`]): what is made after holds the plans' rows, not their bodies.
pub fn write_all_releasing(
    mut data: SiteData,
    theme: &Theme,
    renderer: &Renderer,
    staging: &dyn Sink,
) -> Result<(), Diagnostic> {
    let t = Timer::start();
    let feeds = across_plans(&data, staging, None, &t)?;
    // The plans are taken out of the site while each is made and let go of: a plan's outputs
    // read its own view and the site's settings, never another plan.
    let mut plans = std::mem::take(&mut data.plans).into_iter();
    let mut done = Vec::with_capacity(plans.len());
    let mut lane = PlanLane::open(&data, renderer, staging, None)?;
    let (made, ms) = timed(|| loop {
        let chunk: Vec<PlanView> = plans.by_ref().take(PLANS_AT_ONCE).collect();
        if chunk.is_empty() {
            return Ok(());
        }
        let made = chunk
            .into_par_iter()
            .map(|mut plan| {
                let share = lane.make(&data, &plan)?;
                plan.release_bodies();
                Ok((plan, share))
            })
            .collect::<Result<Vec<_>, Diagnostic>>()?;
        for (plan, share) in made {
            lane.add(&plan, &share)?;
            done.push(plan);
        }
    });
    t.stage("plans", ms);
    made?;
    data.plans = done;
    let written = lane.finish(&data, theme, staging, &feeds, &t);
    drop_aside(data);
    written
}

/// How many plans step 2 makes side by side before their shares are added to the site-wide
/// files: enough to keep every core busy, few enough that their shares are small.
const PLANS_AT_ONCE: usize = 32;

/// Step 2 of [`write_all_cached`]: each plan's pages written, the Han runs of its text added
/// to the site's (for the 繁體 table), and its share of the export files added to them in
/// plan order.
struct PlanLane<'a> {
    renderer: &'a Renderer,
    staging: &'a dyn Sink,
    reuse: Option<&'a Reuse<'a>>,
    files: crate::export::SiteFiles<'a>,
    /// The distinct Han runs of the plans' text, gathered as each plan is made: plans share
    /// most of their phrases.
    runs: std::sync::Mutex<crate::render::hant::RunSet>,
}

impl<'a> PlanLane<'a> {
    fn open(
        data: &SiteData,
        renderer: &'a Renderer,
        staging: &'a dyn Sink,
        reuse: Option<&'a Reuse<'a>>,
    ) -> Result<PlanLane<'a>, Diagnostic> {
        Ok(PlanLane {
            renderer,
            staging,
            reuse,
            files: crate::export::SiteFiles::open(data, staging).map_err(io_error)?,
            runs: Default::default(),
        })
    }

    /// Writes the plan's pages and gives its share of the export files.
    fn make(
        &self,
        data: &SiteData,
        plan: &PlanView,
    ) -> Result<Arc<crate::export::PlanExports>, Diagnostic> {
        let (pages, exports) = (self.reuse.map(|r| r.pages), self.reuse.map(|r| r.exports));
        crate::render::render_plan_of(data, self.renderer, self.staging, pages, plan)?;
        let own = crate::render::hant::han_runs(&crate::derive::PlanParts(plan), &[]);
        self.runs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(own);
        Ok(crate::export::plan_exports(data, plan, exports))
    }

    /// Adds the plan's share to the site-wide files (plans in order).
    fn add(
        &mut self,
        plan: &PlanView,
        share: &crate::export::PlanExports,
    ) -> Result<(), Diagnostic> {
        self.files.add(plan, share).map_err(io_error)
    }

    /// Step 3 of [`write_all_cached`], from the plans' rows, the feeds of step 1 and the runs
    /// of step 2: the site-wide pages (home, units, targets, updates, data, search), the
    /// disclosure section, the export files finished and the 繁體 table; then the theme's
    /// files.
    fn finish(
        self,
        data: &SiteData,
        theme: &Theme,
        staging: &dyn Sink,
        feeds: &[(String, Vec<u8>)],
        t: &Timer,
    ) -> Result<(), Diagnostic> {
        let PlanLane {
            renderer,
            reuse,
            files,
            runs,
            ..
        } = self;
        let cache = reuse.map(|r| r.pages);
        let pages = || {
            timed(|| {
                // The timeline of every report, newest first: the site-wide pages list its rows.
                let updates = data.updates();
                crate::render::render_site_wide(data, renderer, staging, cache, &updates)
            })
        };
        let disclosure = || {
            timed(|| {
                crate::render::render_disclosure(data, renderer, staging, cache)?;
                crate::render::render_compare(data, renderer, staging, cache)
            })
        };
        let export = || timed(|| files.finish(data, feeds).map_err(io_error));
        // The 繁體 switch's table, for the text of this site and its templates. The original
        // texts (原文) are left out of the site value's serialisation; their pages show them
        // all the same.
        let hant = || {
            timed(|| {
                let more: Vec<&str> = theme
                    .templates
                    .iter()
                    .map(|(_, t)| t.as_str())
                    .chain(data.plans.iter().filter_map(|p| p.source_text.as_deref()))
                    // The data page's description of data/history.json.
                    .chain(
                        crate::history::FILE_FIELDS
                            .iter()
                            .chain(&crate::history::CHANGE_FIELDS)
                            .filter(|_| data.history.available)
                            .map(|f| f.2),
                    )
                    .collect();
                // The site value's own strings, and each plan's parts (step 2).
                let mut all = runs.into_inner().unwrap_or_else(|e| e.into_inner());
                all.extend(crate::render::hant::han_runs(data, &more));
                let table = crate::render::hant::table_for(all.iter().map(String::as_str));
                staging
                    .write("static/hant.js", &crate::render::hant::script(&table))
                    .map_err(|e| io_error(("static/hant.js".into(), e)))
            })
        };
        let ((pages, section), (files, traditional)) = rayon::join(
            || rayon::join(pages, disclosure),
            || rayon::join(export, hant),
        );
        for (stage, ms) in [
            ("site pages", pages.1),
            ("disclosure", section.1),
            ("site files", files.1),
            ("hant", traditional.1),
        ] {
            t.stage(stage, ms);
        }
        pages.0?;
        section.0?;
        files.0?;
        traditional.0?;
        theme_files(data, theme, staging)
    }
}

/// Step 1 of [`write_all_cached`]: the search index is written (unless `reuse`: `serve`
/// patches the index it holds, `search::Held`, itself), and the site's and units' feeds are
/// returned.
fn across_plans(
    data: &SiteData,
    staging: &dyn Sink,
    reuse: Option<&Reuse>,
    t: &Timer,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let search = || {
        timed(|| match reuse {
            Some(_) => Ok(()),
            None => crate::search::write_index(&crate::search::site::SiteDocs::new(data), staging)
                .map_err(io_error),
        })
    };
    let feeds = || timed(|| crate::export::site_feeds(data, &data.updates()));
    let (index, feeds) = rayon::join(search, feeds);
    t.stage("search", index.1);
    t.stage("feeds", feeds.1);
    index.0?;
    Ok(feeds.0)
}

/// The revision history's data file and the theme's own files (statics, site files).
fn theme_files(data: &SiteData, theme: &Theme, staging: &dyn Sink) -> Result<(), Diagnostic> {
    if data.history.available {
        staging
            .write("data/history.json", &data.history.json())
            .map_err(|e| io_error(("data/history.json".into(), e)))?;
    }
    for (path, bytes) in &theme.statics {
        let path = format!("static/{path}");
        staging
            .write(&path, bytes)
            .map_err(|e| io_error((path, e)))?;
    }
    for (path, bytes) in &theme.site_files {
        staging
            .write(path, bytes)
            .map_err(|e| io_error((path.clone(), e)))?;
    }
    Ok(())
}

/// Runs `f`, with how long it took in milliseconds.
fn timed<T>(f: impl FnOnce() -> T) -> (T, u128) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed().as_millis())
}

/// A file the writer could not store, as a diagnostic naming it.
fn io_error((path, e): (String, std::io::Error)) -> Diagnostic {
    Diagnostic::error(PathBuf::from(path), Pos::START, e.to_string())
}

pub fn run(opts: &BuildOptions) -> ExitCode {
    let output = opts
        .output
        .clone()
        .unwrap_or_else(|| opts.root.join("public"));
    match build_site(
        &opts.root,
        &output,
        opts.base_url.as_deref(),
        opts.sign_key.as_deref(),
        opts.force,
    ) {
        Ok(r) => {
            let (files, pages, ms) = (r.files, r.pages, r.millis);
            report(r.warnings);
            if let Some(to) = &r.moved_to {
                eprintln!(
                    "moved {} file(s) or folder(s) gongkai did not write out of {} into {}: {}",
                    r.moved.len(),
                    output.display(),
                    to.display(),
                    r.moved.join(", ")
                );
            }
            eprintln!(
                "built {pages} pages ({files} files) in {ms} ms → {}",
                output.display()
            );
            ExitCode::SUCCESS
        }
        Err(BuildFailure::Content(d)) => {
            report(d);
            eprintln!("build failed; {} was left as it was", output.display());
            ExitCode::from(1)
        }
        Err(BuildFailure::Io(msg)) => {
            eprintln!("error: {msg}");
            eprintln!("build failed; {} was left as it was", output.display());
            ExitCode::from(2)
        }
        Err(BuildFailure::Refused(r)) => {
            eprintln!("error: {}\n  help: {}", r.message, r.help);
            eprintln!("nothing was written");
            ExitCode::from(2)
        }
    }
}

/// `gongkai check`: everything a build checks, and the inspection lint over the rendered
/// pages (dead links), nothing written. With `strict`, warnings count as errors.
pub fn check(root: &Path, strict: bool) -> ExitCode {
    let mut diags = Diagnostics::new();
    let ok = match prepare_linted(root, &Inputs::default(), None, &mut diags, true) {
        Some(Prepared { data, theme, .. }) => match Renderer::new(&theme, &mut diags) {
            Some(renderer) => {
                let links = crate::lint::LinkCheck::default();
                match write_all_releasing(data, &theme, &renderer, &links) {
                    Ok(()) => {
                        // A build writes the manifest after everything else; pages link to it.
                        let _ = links.write(crate::mirror::MANIFEST_FILE, b"");
                        links.dead_links(&mut diags);
                        true
                    }
                    Err(d) => {
                        diags.push(d);
                        false
                    }
                }
            }
            None => false,
        },
        None => false,
    };
    if strict {
        diags.make_warnings_errors();
    }
    let errors = diags.has_errors();
    report(diags);
    if ok && !errors {
        eprintln!("content is valid");
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
