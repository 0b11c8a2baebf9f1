//! Content loading on arbitrary text: the first byte picks the kind of file (site.toml, units,
//! tasks.toml, progress report, progress CSV, disclosure document), the rest is its text. Must
//! return diagnostics, never panic; report bodies also go through the Markdown renderer.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    gongkai::content::fuzz_one(data);
});
