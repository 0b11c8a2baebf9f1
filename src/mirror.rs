//! Mirrors: manifest verification and signing keys.

use std::path::Path;
use std::process::ExitCode;

pub fn verify_command(_dir: &Path, _pubkey: Option<&Path>) -> ExitCode {
    eprintln!("error: verify is not built yet");
    ExitCode::from(2)
}

pub fn keygen_command(_out: &Path) -> ExitCode {
    eprintln!("error: keygen is not built yet");
    ExitCode::from(2)
}
