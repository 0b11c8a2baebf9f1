//! `gongkai import`: a plan document as published → plan.toml, tasks.toml, source.txt.

use std::path::PathBuf;
use std::process::ExitCode;

pub struct ImportOptions {
    pub file: PathBuf,
    pub id: Option<String>,
    pub out: Option<PathBuf>,
    pub force: bool,
}

pub fn run(_opts: &ImportOptions) -> ExitCode {
    eprintln!("error: import is not built yet");
    ExitCode::from(2)
}
