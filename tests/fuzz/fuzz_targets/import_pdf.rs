//! The pdf reader on arbitrary bytes, then the text stages on what it read: a reader returns
//! text (every line with its place) or an error, within bounded time and memory, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    gongkai::import::fuzz_format(gongkai::import::read::Format::Pdf, data);
});
