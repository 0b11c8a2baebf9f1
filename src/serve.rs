//! `gongkai serve`: local preview.

use std::path::Path;
use std::process::ExitCode;

pub fn run(_root: &Path, _bind: &str, _port: u16) -> ExitCode {
    eprintln!("error: serve is not built yet");
    ExitCode::from(2)
}
