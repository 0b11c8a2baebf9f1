//! The `gongkai` command line: parses arguments and hands each command to its module.
//! Exit codes (DESIGN §6): 0 ok, 1 content errors, 2 usage or I/O errors.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// A build allocates and frees millions of small strings (100,000 reports, their views and
/// pages) from several threads; mimalloc does that with far less CPU than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turns transparent huge pages off for this process. The allocator asks for them on its large
/// regions, and where the kernel then compacts memory to find a free 2 MiB block (the common
/// setting, `defrag=madvise`), every such fault stalls the thread: on the synthetic corpus that
/// was about a quarter of the build's system time, for no gain in user time.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes no pointers; it only sets a flag on this process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// gongkai (公开): a static site generator for public transparency portals.
#[derive(Parser)]
#[command(name = "gongkai", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site: content/ → public/ (staged, then swapped in whole).
    Build {
        /// The project folder holding content/ (and optionally themes/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site [default: ROOT/public].
        #[arg(long)]
        output: Option<PathBuf>,
        /// The official URL of the site (for canonical links, sitemap and feeds); overrides
        /// site.toml's base_url.
        #[arg(long)]
        base_url: Option<String>,
        /// Sign the manifest with this Ed25519 secret key (from `gongkai keygen`).
        #[arg(long)]
        sign_key: Option<PathBuf>,
        /// Build into an output folder that holds files gongkai did not write: they are moved
        /// to OUTPUT.foreign/ beside it (never deleted). Put files to publish beside the site
        /// in static/ instead.
        #[arg(long)]
        force: bool,
    },
    /// Validate content and lint the site against the government-website rules, without
    /// writing anything; exit 1 on any error.
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Treat every warning (missing identity fields, stale or empty columns, dead links)
        /// as an error, for CI.
        #[arg(long)]
        strict: bool,
    },
    /// Local preview with incremental rebuilds and live reload.
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on; only loopback unless you say otherwise.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
    },
    /// Import a plan document (.docx, .pdf with text, a saved .html page, or .txt in UTF-8 or
    /// GB18030) into plan.toml + tasks.toml; prints a summary to review.
    Import {
        /// The plan document.
        file: PathBuf,
        /// The plan id (folder name and URL segment) [default: derived from the file name].
        #[arg(long)]
        id: Option<String>,
        /// The folder to write [default: content/plans/<id>/].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace plan.toml, tasks.toml and source.txt in an existing plan folder (its
        /// progress reports and other files stay).
        #[arg(long)]
        force: bool,
        /// The units file stem (e.g. wuhan) [default: detected from the issuer or title].
        #[arg(long)]
        jurisdiction: Option<String>,
        /// Read the document and print the summary; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write one .xlsx progress form per unit that leads or shares a task.
    Forms {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the forms [default: ROOT/forms].
        #[arg(long)]
        out: Option<PathBuf>,
        /// The date this round reports for, YYYY-MM-DD [default: site.toml's as_of, else today].
        #[arg(long, value_parser = parse_date)]
        date: Option<gongkai::model::Date>,
        /// When the forms are due back, YYYY-MM-DD [default: 15 days after --date].
        #[arg(long, value_parser = parse_date)]
        deadline: Option<gongkai::model::Date>,
    },
    /// Read filled progress forms into progress reports (nothing is written if any cell is wrong).
    ImportProgress {
        /// The filled forms (.xlsx).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The date corrections of published figures carry, YYYY-MM-DD [default: today].
        #[arg(long, value_parser = parse_date)]
        today: Option<gongkai::model::Date>,
    },
    /// Check a copy of a site against its manifest (and signature).
    Verify {
        /// The site folder to check.
        dir: PathBuf,
        /// The publisher's Ed25519 public key; the signature is checked too.
        #[arg(long)]
        pubkey: Option<PathBuf>,
    },
    /// Make an Ed25519 key pair for signed releases.
    Keygen {
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
}

fn parse_date(s: &str) -> Result<gongkai::model::Date, String> {
    gongkai::model::Date::parse(s).ok_or_else(|| format!("\"{s}\" is not a date (YYYY-MM-DD)"))
}

fn main() -> ExitCode {
    no_huge_pages();
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            sign_key,
            force,
        } => gongkai::build::run(&gongkai::build::BuildOptions {
            root,
            output,
            base_url,
            sign_key,
            force,
        }),
        Command::Check { root, strict } => gongkai::build::check(&root, strict),
        Command::Serve { root, port, bind } => gongkai::serve::run(&root, &bind, port),
        Command::Import {
            file,
            id,
            out,
            force,
            jurisdiction,
            dry_run,
        } => gongkai::import::run(&gongkai::import::ImportOptions {
            file,
            id,
            out,
            force,
            jurisdiction,
            dry_run,
        }),
        Command::Forms {
            root,
            out,
            date,
            deadline,
        } => gongkai::forms::forms_run(&gongkai::forms::FormsOptions {
            root,
            out,
            date,
            deadline,
        }),
        Command::ImportProgress { files, root, today } => {
            gongkai::forms::import_run(&gongkai::forms::ImportOptions { files, root, today })
        }
        Command::Verify { dir, pubkey } => gongkai::mirror::verify_command(&dir, pubkey.as_deref()),
        Command::Keygen { out } => gongkai::mirror::keygen_command(&out),
    }
}
