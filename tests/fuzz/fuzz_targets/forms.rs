//! The progress-form reader on arbitrary input: the first byte picks whether the rest is a whole
//! `.xlsx` file or the XML of the rows sheet spliced into a real form made from the bundled
//! content. Reading must end with diagnostics (or reports that load), never panic, and stay
//! within the reader's limits of time and memory.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn kit() -> &'static gongkai::forms::FuzzKit {
    static KIT: OnceLock<gongkai::forms::FuzzKit> = OnceLock::new();
    KIT.get_or_init(|| {
        gongkai::forms::FuzzKit::new(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../..")))
    })
}

fuzz_target!(|data: &[u8]| {
    kit().run(data);
});
