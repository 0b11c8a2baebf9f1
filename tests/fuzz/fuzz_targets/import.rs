//! The importer on arbitrary bytes: decode → assemble → plan.toml/tasks.toml text. Whatever
//! the document, it must produce a plan or diagnostics, never panic; and what it writes must
//! load back as content without a panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    gongkai::import::fuzz_one(data);
});
