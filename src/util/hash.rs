//! Change detection: one hash function for everything `serve` compares with its last build —
//! plan folders' file signatures, each plan's inputs, the template version, page contexts and
//! static assets. XXH3 with 128 bits: fast, and the same in every run. Not a defence against
//! anyone (the manifest's SHA-256 is that); it only tells an edited input from the last one.

use std::hash::Hash;

use xxhash_rust::xxh3::Xxh3;

/// What [`Hasher`] gives: equal inputs, equal fingerprints.
pub type Fingerprint = u128;

/// A [`std::hash::Hasher`] and [`std::io::Write`] over XXH3-128: values hash in with
/// `value.hash(&mut h)`, serialised ones are written in, bytes go in with [`Hasher::update`].
#[derive(Default, Clone)]
pub struct Hasher(Xxh3);

impl Hasher {
    pub fn new() -> Hasher {
        Hasher(Xxh3::new())
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    pub fn fingerprint(&self) -> Fingerprint {
        self.0.digest128()
    }
}

impl std::hash::Hasher for Hasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The low 64 bits; use [`Hasher::fingerprint`] for all of them.
    fn finish(&self) -> u64 {
        self.0.digest128() as u64
    }
}

impl std::io::Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The fingerprint of `value` (through its `Hash`).
pub fn of(value: &impl Hash) -> Fingerprint {
    let mut h = Hasher::new();
    value.hash(&mut h);
    h.fingerprint()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_values_give_equal_fingerprints_and_edits_change_them() {
        let a = of(&("plans/x", 120u64, Some(3u32)));
        assert_eq!(a, of(&("plans/x", 120u64, Some(3u32))));
        assert_ne!(a, of(&("plans/x", 121u64, Some(3u32))));
        let mut h = Hasher::new();
        std::io::Write::write_all(&mut h, b"page").unwrap();
        let mut g = Hasher::new();
        g.update(b"page");
        assert_eq!(h.fingerprint(), g.fingerprint());
    }
}
