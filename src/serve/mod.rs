//! `gongkai serve`: local preview with incremental rebuilds and live reload.
//!
//! In: a project root. Out: the site over HTTP on loopback (other interfaces only when
//! `--bind` names them), rebuilt in memory on every change under `content/`, `themes/` or `static/`, and
//! open tabs reloaded. It never writes to `public/` or anywhere else, and it never exits on bad
//! content: a failed rebuild keeps serving the last good site and shows the located
//! diagnostics in the browser (an overlay) and in the terminal until a fix arrives.
//!
//! - [`site`]: the site in memory and the incremental rebuild (page fingerprints);
//! - [`watch`]: file-system events, debounced;
//! - [`state`]: the snapshot the HTTP side serves and browsers long-poll;
//! - [`http`]: requests, content types, the injected reload script and overlay.

pub mod http;
pub mod site;
pub mod state;
pub mod watch;

use std::io::{IsTerminal, Write};
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub use site::{Files, Incremental, MemorySink, RebuildStats};
pub use state::State;

use crate::diagnostics::{report, Diagnostics};

pub fn run(root: &Path, bind: &str, port: u16) -> ExitCode {
    if !root.join("content").is_dir() {
        eprintln!(
            "error: {}: no content/ folder here\n  help: run gongkai serve in a project folder, or point --root at one",
            root.display()
        );
        return ExitCode::from(2);
    }
    // The watcher reports absolute paths: work from the absolute root so a relative --root
    // (e.g. `--root site`) still sees its edits.
    let root_abs = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let root = root_abs.as_path();
    let addr = match resolve(bind, port) {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("error: {msg}");
            return ExitCode::from(2);
        }
    };
    let server = match tiny_http::Server::http(addr) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: cannot listen on {addr}: {e}\n  help: pick another --port (0 picks a free one)");
            return ExitCode::from(2);
        }
    };
    let local = server.server_addr().to_ip().unwrap_or(addr);
    if !local.ip().is_loopback() {
        eprintln!(
            "warning: listening on {} — other machines on the network can see this preview",
            local.ip()
        );
    }
    let mut watch = match watch::Watch::start(root) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot watch {}: {e}", root.display());
            return ExitCode::from(2);
        }
    };
    let host = match local {
        SocketAddr::V6(a) => format!("[{}]", a.ip()),
        SocketAddr::V4(a) => a.ip().to_string(),
    };
    println!(
        "serving {} at http://{host}:{}/",
        root.display(),
        local.port()
    );
    let _ = std::io::stdout().flush();

    let state = Arc::new(State::new());
    {
        let state = Arc::clone(&state);
        std::thread::spawn(move || {
            for req in server.incoming_requests() {
                let state = Arc::clone(&state);
                std::thread::spawn(move || http::handle(&state, req));
            }
        });
    }

    let mut site = Incremental::new(root);
    let mut last_errors = Vec::new();
    let mut last_warnings = Vec::new();
    let bar = first_build_bar();
    let progress = BarProgress(bar.clone());
    rebuild(
        &mut site,
        &state,
        &progress,
        &mut last_errors,
        &mut last_warnings,
        true,
    );
    bar.finish_and_clear();
    while let Some(paths) = watch.next_batch() {
        let shown: Vec<String> = paths
            .iter()
            .take(3)
            .map(|p| p.strip_prefix(root).unwrap_or(p).display().to_string())
            .collect();
        let more = paths.len().saturating_sub(shown.len());
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        eprintln!("changed: {}{more}", shown.join(", "));
        // An edit of progress reports shows on its plan's pages at once; the full rebuild
        // follows and brings every other page, the data files and the search index up to date.
        if last_errors.is_empty() {
            if let Some(p) = site.preview(&paths) {
                let pages = p.pages.len();
                state.publish_preview(p.pages);
                let [load, validate, derive, render, publish] = p.phases.map(|d| d.as_millis());
                eprintln!(
                    "preview in {} ms: {} page(s) of the edited plan (load {load}, validate {validate}, derive {derive}, render {render}, publish {publish} ms); rebuilding the rest",
                    p.took.as_millis(),
                    pages
                );
            }
        }
        rebuild(
            &mut site,
            &state,
            &site::NoProgress,
            &mut last_errors,
            &mut last_warnings,
            false,
        );
    }
    eprintln!("error: the file watcher stopped");
    ExitCode::from(2)
}

/// One rebuild: publish the new site (or the errors), and say what happened in the terminal.
fn rebuild(
    site: &mut Incremental,
    state: &State,
    progress: &dyn site::Progress,
    last_errors: &mut Vec<crate::diagnostics::Diagnostic>,
    last_warnings: &mut Vec<crate::diagnostics::Diagnostic>,
    first: bool,
) {
    let started = Instant::now();
    let result =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| site.rebuild_with(progress)))
            .unwrap_or_else(|p| {
                let msg = p
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| p.downcast_ref::<&str>().copied())
                    .unwrap_or("a rebuild panicked");
                Err(site::internal_error(msg))
            });
    match result {
        Ok(stats) => {
            if stats.warnings != *last_warnings {
                let mut d = Diagnostics::new();
                d.extend(stats.warnings.iter().cloned());
                report(d);
                *last_warnings = stats.warnings.clone();
            }
            let recovered = !last_errors.is_empty();
            if first || recovered || !stats.changed.is_empty() {
                state.publish(site.files(), Vec::new());
            }
            last_errors.clear();
            let ms = started.elapsed().as_millis();
            if first {
                eprintln!(
                    "built {} files in {ms} ms (load+derive {} ms, render {} ms)",
                    site.files().len(),
                    stats.prepare.as_millis(),
                    stats.render.as_millis()
                );
            } else {
                eprintln!(
                    "rebuilt in {ms} ms: {} page(s) rendered, {} unchanged, {} file(s) changed (load+derive {} ms, render {} ms, swap {} ms; search {}){}",
                    stats.pages_rendered,
                    stats.pages_skipped,
                    stats.changed.len(),
                    stats.prepare.as_millis(),
                    stats.render.as_millis(),
                    stats.swap.as_millis(),
                    site::search_summary(stats.search),
                    if recovered { "; errors fixed" } else { "" }
                );
            }
        }
        Err(diags) => {
            let errors = diags.into_sorted();
            for d in &errors {
                eprintln!("{d}");
            }
            eprintln!(
                "build failed ({} error(s)); still serving the last good site",
                errors.iter().filter(|d| d.is_error()).count()
            );
            if errors != *last_errors || first {
                state.publish(site.files(), errors.clone());
            }
            *last_errors = errors;
        }
    }
}

/// `--bind` and `--port` as one socket address; names resolve (e.g. `localhost`).
fn resolve(bind: &str, port: u16) -> Result<SocketAddr, String> {
    let host = bind.trim_start_matches('[').trim_end_matches(']');
    (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("--bind {bind}: {e}"))?
        .next()
        .ok_or_else(|| format!("--bind {bind}: no address"))
}

/// The first build's progress bar: on a terminal only, never in CI.
fn first_build_bar() -> ProgressBar {
    let quiet = std::env::var_os("CI").is_some() || !std::io::stderr().is_terminal();
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} files")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message("loading content");
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

struct BarProgress(ProgressBar);

impl site::Progress for BarProgress {
    fn start(&self, pages: usize) {
        self.0.set_length(pages as u64);
        self.0.set_message("rendering");
    }
    fn tick(&self) {
        self.0.inc(1);
    }
}
