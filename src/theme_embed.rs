// The build script. The default theme is embedded in the binary (include_dir!): rebuild when it
// changes. And GONGKAI_CODE_HASH names the code the binary is built from (every file under src/,
// Cargo.toml and Cargo.lock): what a build writes follows from its input and that code, so a
// file a build made before may be kept instead of made again only when both are the same (the
// search index, see src/search/index.rs).
use std::hash::Hasher;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=themes/default");
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-changed=Cargo.lock");
    let mut files = Vec::new();
    collect(Path::new("src"), &mut files);
    files.sort();
    files.extend([PathBuf::from("Cargo.toml"), PathBuf::from("Cargo.lock")]);
    // SipHash with fixed keys: the same code, built with the same toolchain, gives the same
    // name on every machine (paths with '/' whatever the system's separator).
    let mut h = std::hash::DefaultHasher::new();
    for file in &files {
        // A file that cannot be read counts as empty (a tree without Cargo.lock: the
        // dependencies' versions are then not part of the name).
        let bytes = std::fs::read(file).unwrap_or_default();
        h.write(file.to_string_lossy().replace('\\', "/").as_bytes());
        h.write_u8(0);
        h.write_u64(bytes.len() as u64);
        h.write(&bytes);
    }
    println!("cargo:rustc-env=GONGKAI_CODE_HASH={:016x}", h.finish());
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => collect(&path, out),
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
}
