//! `gongkai build` and `gongkai check`: the pipeline from content/ to public/.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub struct BuildOptions {
    pub root: PathBuf,
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub sign_key: Option<PathBuf>,
}

pub fn run(_opts: &BuildOptions) -> ExitCode {
    eprintln!("error: build is not built yet");
    ExitCode::from(2)
}

pub fn check(_root: &Path) -> ExitCode {
    eprintln!("error: check is not built yet");
    ExitCode::from(2)
}
