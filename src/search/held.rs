//! The search index held between builds, so that `gongkai serve` rewrites only the search files
//! an edit changes (issue #9).
//!
//! In: the documents of the whole site, once to [`build_held`] and then after every rebuild to
//! [`Held::update`]. Out: the files of [`super::index::build`] the first time, and after that
//! the files whose bytes changed and the paths that are gone ([`SearchUpdate`]).
//!
//! The contract: applying an update to the files before it gives, byte for byte, the files
//! [`super::index::build`] makes from the new documents. `tests/search_incremental.rs` holds
//! the update to it edit by edit.
//!
//! How an update is made, cheapest first:
//! - **patched**: the same number of documents and few of them changed (a hash per document
//!   says which). Only the changed documents are tokenized. Their terms before the edit are held
//!   as a list of term numbers per document, so the two lists give the terms whose postings
//!   changed, usually a handful; those terms' entries are decoded, patched and encoded again with
//!   the build's own encoder, and only the parts holding them and the record groups of the
//!   changed documents are written. The number of documents is the same, so every other term's
//!   sparse or dense choice is the same as before.
//! - **relaid**: as patched, but the entries' total size now asks for a different number of
//!   parts, and terms hash to other parts: every part (and `meta.js`) is written again from the
//!   held entries, still without tokenizing anything else.
//! - **rebuilt**: the number of documents changed (every document number after an insertion
//!   moves, and with it every set), or so many documents changed that the whole build is
//!   quicker: everything is built again, as [`build_held`] does.
//!
//! What is held is compact: each term's entry as the part files carry it (the index's own
//! compression, which is smaller than decoded postings), each document's terms as delta
//! varints of term numbers, and a hash per document and per record group; never the documents'
//! text. [`Held::heap_bytes`] says how much that is.
//!
//! Never: reads or writes files; holds a document's text.

use std::time::Instant;

use rayon::prelude::*;

use super::index::{
    self, decode_value, doc_terms, encode_value, entry_size, key_text, part_count, part_file,
    part_of, part_path, records_file, records_path, Collect, FxMap, Key, Postings, Source, Vocab,
    RECORDS_PER_FILE,
};
use super::SearchDoc;

/// The index of the last build, held so the next one can be patched (see the module docs).
#[derive(Default)]
pub struct Held {
    /// A hash of every document, in document order.
    doc_hashes: Vec<u128>,
    /// What the index is made from, as `meta.js` names it.
    source: Source,
    /// Every document's terms with their flags, as [`encode_doc_terms`] writes them.
    doc_terms: Vec<Box<[u8]>>,
    /// The term number of every term key ever seen.
    term_ids: FxMap<Key, u32>,
    /// Every term's text, by term number.
    texts: Vec<Box<str>>,
    /// Every term's entry value as its part file has it; empty when no document holds the term.
    values: Vec<Box<str>>,
    /// The terms of each part, in the order the part file writes them (by text).
    layout: Vec<Vec<u32>>,
    /// The entries' size, which sets the number of parts.
    size: usize,
    /// A hash of every `search/p/` file's bytes.
    part_hashes: Vec<u128>,
    /// A hash of every `search/d/` file's bytes.
    group_hashes: Vec<u128>,
    /// A hash of `search/fold.js`, which holds the pairs of the characters on the site.
    fold_hash: u128,
}

/// What changed in the search files after [`Held::update`].
#[derive(Debug)]
pub struct SearchUpdate {
    /// The files that are new or whose bytes changed, (path, new bytes), sorted by path.
    pub changed: Vec<(String, Vec<u8>)>,
    /// The paths of the files that are gone, sorted.
    pub removed: Vec<String>,
    /// How the update was made.
    pub method: Method,
}

/// How an update was made (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Only the changed documents' terms, parts and record groups were made again.
    Patched { docs: usize, terms: usize },
    /// As patched, but the number of parts changed, so every part was written again.
    Relaid { docs: usize, terms: usize },
    /// Everything was built again; `changed` holds every file.
    Rebuilt(Fallback),
}

/// Why an update built everything again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// Documents were added or removed: document numbers move.
    DocCount { before: usize, after: usize },
    /// So many documents changed that the whole build is quicker.
    ManyDocs { changed: usize },
}

/// Up to this many changed documents (or a quarter of them all, if more) are patched.
const PATCH_DOCS: usize = 64;

/// Marks an edit that takes a document out of a term's postings.
const GONE: u32 = u32::MAX;

/// Builds every search file, as [`super::index::build`] does, and the state that patches them.
pub fn build_held(docs: &[SearchDoc]) -> (Vec<(String, Vec<u8>)>, Held) {
    let total = docs.len() as u32;
    let timing = index::timing();
    let started = Instant::now();
    let files = Collect::default();
    let Ok(postings) = index::postings(docs, &files) else {
        unreachable!("collecting files never fails")
    };
    index::report_postings(timing, started, &postings);
    let entries = postings.entries(total);
    if timing {
        eprintln!("search: held entries {:.2?}", started.elapsed());
    }
    let doc_terms = invert(&postings, docs.len());
    let source = postings.source;
    if timing {
        eprintln!("search: held document terms {:.2?}", started.elapsed());
    }
    let term_ids: FxMap<Key, u32> = postings
        .keys
        .iter()
        .enumerate()
        .map(|(i, &k)| (k, i as u32))
        .collect();
    drop(postings);
    let Ok(layout) = index::write_parts(&entries, total, source, &files) else {
        unreachable!("collecting files never fails")
    };
    let files = files.into_sorted();
    let part_hashes = file_hashes(&files, "search/p/", layout.len());
    let group_hashes = file_hashes(&files, "search/d/", docs.len().div_ceil(RECORDS_PER_FILE));
    let fold_hash = files
        .iter()
        .find(|(path, _)| path == "search/fold.js")
        .map_or(0, |(_, bytes)| hash_bytes(bytes));
    let size = entries.iter().map(|(k, v)| entry_size(k, v)).sum();
    let (texts, values) = entries
        .into_iter()
        .map(|(k, v)| (k.into_boxed_str(), v.into_boxed_str()))
        .unzip();
    let held = Held {
        doc_hashes: docs.par_iter().map(doc_hash).collect(),
        source,
        doc_terms,
        term_ids,
        texts,
        values,
        layout,
        size,
        part_hashes,
        group_hashes,
        fold_hash,
    };
    if timing {
        eprintln!(
            "search: held {:.1} MB (document terms {:.1} MB, entries {:.1} MB) {:.2?}",
            held.heap_bytes() as f64 / 1e6,
            held.doc_terms.iter().map(|t| t.len()).sum::<usize>() as f64 / 1e6,
            held.values.iter().map(|v| v.len()).sum::<usize>() as f64 / 1e6,
            started.elapsed()
        );
    }
    (files, held)
}

impl Held {
    /// Brings the index up to `docs`, the site's documents now, and says which files changed.
    pub fn update(&mut self, docs: &[SearchDoc]) -> SearchUpdate {
        let before = self.doc_hashes.len();
        if docs.len() != before {
            let why = Fallback::DocCount {
                before,
                after: docs.len(),
            };
            return self.rebuild(docs, why);
        }
        let timing = index::timing();
        let started = Instant::now();
        let hashes: Vec<u128> = docs.par_iter().map(doc_hash).collect();
        let changed: Vec<usize> = (0..docs.len())
            .filter(|&d| hashes[d] != self.doc_hashes[d])
            .collect();
        if timing {
            eprintln!(
                "search: update: {} changed {:.2?}",
                changed.len(),
                started.elapsed()
            );
        }
        if changed.len() > PATCH_DOCS.max(docs.len() / 4) {
            let why = Fallback::ManyDocs {
                changed: changed.len(),
            };
            return self.rebuild(docs, why);
        }
        let source = Source::of_hashes(&hashes);
        self.doc_hashes = hashes;
        let terms = self.patch_terms(docs, &changed);
        if timing {
            eprintln!("search: update: terms patched {:.2?}", started.elapsed());
        }
        let old_parts = self.layout.len();
        let parts = part_count(self.size);
        let mut changed_files = Vec::new();
        let mut removed = Vec::new();
        let method = if parts == old_parts {
            changed_files.extend(self.relay_terms(&terms));
            if source != self.source {
                changed_files.push(index::meta_file(docs.len() as u32, parts, source));
            }
            Method::Patched {
                docs: changed.len(),
                terms: terms.len(),
            }
        } else {
            self.layout = layout(&self.texts, &self.values, parts);
            self.part_hashes.resize(parts, 0);
            changed_files.push(index::meta_file(docs.len() as u32, parts, source));
            changed_files.extend(self.write_parts((0..parts).collect()));
            removed.extend((parts..old_parts).map(part_path));
            Method::Relaid {
                docs: changed.len(),
                terms: terms.len(),
            }
        };
        self.source = source;
        changed_files.extend(self.regroup(docs, &changed));
        changed_files.extend(self.refold(&terms));
        changed_files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        removed.sort_unstable();
        if timing {
            eprintln!(
                "search: update: {method:?}, {} files {:.2?}",
                changed_files.len(),
                started.elapsed()
            );
        }
        SearchUpdate {
            changed: changed_files,
            removed,
            method,
        }
    }

    /// Roughly how many bytes of memory the held state takes (its allocations, not counting
    /// the allocator's own overhead).
    pub fn heap_bytes(&self) -> usize {
        let boxed = std::mem::size_of::<Box<[u8]>>();
        let n = self.doc_hashes.len();
        n * 16
            + self
                .doc_terms
                .iter()
                .map(|t| t.len() + boxed)
                .sum::<usize>()
            + self.term_ids.capacity() * (std::mem::size_of::<(Key, u32)>() + 1)
            + self.texts.iter().map(|t| t.len() + boxed).sum::<usize>()
            + self.values.iter().map(|v| v.len() + boxed).sum::<usize>()
            + self
                .layout
                .iter()
                .map(|p| p.capacity() * 4 + std::mem::size_of::<Vec<u32>>())
                .sum::<usize>()
            + (self.part_hashes.len() + self.group_hashes.len()) * 16
    }

    /// Builds everything again from `docs`.
    fn rebuild(&mut self, docs: &[SearchDoc], why: Fallback) -> SearchUpdate {
        let (old_parts, old_groups) = (self.layout.len(), self.group_hashes.len());
        // Let go of the old state first: the build is the peak of memory.
        *self = Held::default();
        let (files, held) = build_held(docs);
        *self = held;
        let mut removed: Vec<String> = (self.layout.len()..old_parts)
            .map(part_path)
            .chain((self.group_hashes.len()..old_groups).map(records_path))
            .collect();
        removed.sort_unstable();
        SearchUpdate {
            changed: files,
            removed,
            method: Method::Rebuilt(why),
        }
    }

    /// Tokenizes the changed documents, patches the entries of the terms whose postings
    /// changed, and returns those terms; `size` follows.
    fn patch_terms(&mut self, docs: &[SearchDoc], changed: &[usize]) -> Vec<u32> {
        let total = docs.len() as u32;
        let tokenized: Vec<_> = changed
            .par_iter()
            .map_init(Vocab::default, |s, &d| doc_terms(s, &docs[d]))
            .collect();
        // (term, document, flags or GONE) for every posting that changed.
        let mut edits: Vec<(u32, u32, u32)> = Vec::new();
        for (&d, terms) in changed.iter().zip(tokenized) {
            let mut new: Vec<(u32, u32)> = terms
                .keys
                .iter()
                .map(|&(k, flags)| (self.term_id(k, &terms.long_words), flags))
                .collect();
            new.sort_unstable();
            let old = decode_doc_terms(&self.doc_terms[d]);
            let doc = d as u32;
            let (mut i, mut j) = (0, 0);
            while i < old.len() || j < new.len() {
                match (old.get(i), new.get(j)) {
                    (Some(&(a, fa)), Some(&(b, fb))) if a == b => {
                        if fa != fb {
                            edits.push((a, doc, fb));
                        }
                        i += 1;
                        j += 1;
                    }
                    (Some(&(a, _)), Some(&(b, _))) if a < b => {
                        edits.push((a, doc, GONE));
                        i += 1;
                    }
                    (Some(&(a, _)), None) => {
                        edits.push((a, doc, GONE));
                        i += 1;
                    }
                    (_, Some(&(b, fb))) => {
                        edits.push((b, doc, fb));
                        j += 1;
                    }
                    (None, None) => break,
                }
            }
            self.doc_terms[d] = encode_doc_terms(&new);
        }
        edits.sort_unstable();
        let groups: Vec<&[(u32, u32, u32)]> = edits.chunk_by(|a, b| a.0 == b.0).collect();
        let values = &self.values;
        let patched: Vec<(u32, Box<str>)> = groups
            .par_iter()
            .map(|g| {
                let t = g[0].0;
                let old = &values[t as usize];
                let list = if old.is_empty() {
                    Vec::new()
                } else {
                    decode_value(old)
                };
                let list = patch(&list, g);
                let value = if list.is_empty() {
                    String::new()
                } else {
                    encode_value(&list, total)
                };
                (t, value.into_boxed_str())
            })
            .collect();
        let mut terms = Vec::with_capacity(patched.len());
        for (t, value) in patched {
            let text = &self.texts[t as usize];
            let old = std::mem::replace(&mut self.values[t as usize], value);
            let new = &self.values[t as usize];
            if old == *new {
                continue;
            }
            if !old.is_empty() {
                self.size -= entry_size(text, &old);
            }
            if !new.is_empty() {
                self.size += entry_size(text, new);
            }
            terms.push(t);
        }
        terms
    }

    /// The term number of `k`, a new one if the index has not seen the term before.
    fn term_id(&mut self, k: Key, long_words: &[(Key, String)]) -> u32 {
        if let Some(&t) = self.term_ids.get(&k) {
            return t;
        }
        let t = self.texts.len() as u32;
        let long: std::collections::HashMap<Key, String> = long_words
            .iter()
            .filter(|(l, _)| *l == k)
            .cloned()
            .collect();
        self.texts.push(key_text(k, &long).into_boxed_str());
        self.values.push(Box::from(""));
        self.term_ids.insert(k, t);
        t
    }

    /// Puts the changed `terms` in or out of their parts, and writes those parts again.
    fn relay_terms(&mut self, terms: &[u32]) -> Vec<(String, Vec<u8>)> {
        let parts = self.layout.len();
        let mut touched = Vec::with_capacity(terms.len());
        for &t in terms {
            let text = &self.texts[t as usize];
            let n = part_of(text, parts);
            touched.push(n);
            let part = &mut self.layout[n];
            let at = part.binary_search_by(|&u| self.texts[u as usize].cmp(text));
            match (at, self.values[t as usize].is_empty()) {
                (Ok(i), true) => {
                    part.remove(i);
                }
                (Err(i), false) => part.insert(i, t),
                _ => {}
            }
        }
        touched.sort_unstable();
        touched.dedup();
        self.write_parts(touched)
    }

    /// Parts `parts` as files, those whose bytes changed.
    fn write_parts(&mut self, parts: Vec<usize>) -> Vec<(String, Vec<u8>)> {
        let made: Vec<(usize, (String, Vec<u8>))> = parts
            .into_par_iter()
            .map(|n| {
                let entries = self.layout[n]
                    .iter()
                    .map(|&t| (&*self.texts[t as usize], &*self.values[t as usize]));
                (n, part_file(n, entries))
            })
            .collect();
        keep_changed(&mut self.part_hashes, made)
    }

    /// `search/fold.js` again when a character came onto the site or left it, that is, when one
    /// of the changed `terms` is a single character (see [`index::fold_file`]), and its bytes
    /// changed.
    fn refold(&mut self, terms: &[u32]) -> Option<(String, Vec<u8>)> {
        let single = |t: &u32| self.texts[*t as usize].chars().nth(1).is_none();
        if !terms.iter().any(single) {
            return None;
        }
        let file = index::fold_file(
            self.texts
                .iter()
                .zip(&self.values)
                .filter(|(_, value)| !value.is_empty())
                .map(|(text, _)| &**text),
        );
        let h = hash_bytes(&file.1);
        (h != self.fold_hash).then(|| {
            self.fold_hash = h;
            file
        })
    }

    /// The record groups of the changed documents whose bytes changed.
    fn regroup(&mut self, docs: &[SearchDoc], changed: &[usize]) -> Vec<(String, Vec<u8>)> {
        let mut groups: Vec<usize> = changed.iter().map(|d| d / RECORDS_PER_FILE).collect();
        groups.dedup();
        let made: Vec<(usize, (String, Vec<u8>))> = groups
            .par_iter()
            .map(|&n| {
                let end = (n * RECORDS_PER_FILE + RECORDS_PER_FILE).min(docs.len());
                (n, records_file(n, &docs[n * RECORDS_PER_FILE..end]))
            })
            .collect();
        keep_changed(&mut self.group_hashes, made)
    }
}

/// The files of `made` (numbered) whose bytes differ from what `hashes` holds for them, with
/// `hashes` brought up to date.
fn keep_changed(
    hashes: &mut [u128],
    made: Vec<(usize, (String, Vec<u8>))>,
) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (n, file) in made {
        let h = hash_bytes(&file.1);
        if h != hashes[n] {
            hashes[n] = h;
            out.push(file);
        }
    }
    out
}

/// The hashes of the numbered files `<dir><n>.js` of `files`, by number.
fn file_hashes(files: &[(String, Vec<u8>)], dir: &str, count: usize) -> Vec<u128> {
    let mut hashes = vec![0; count];
    for (path, bytes) in files {
        let n = path
            .strip_prefix(dir)
            .and_then(|p| p.strip_suffix(".js"))
            .and_then(|n| n.parse::<usize>().ok());
        if let Some(n) = n {
            hashes[n] = hash_bytes(bytes);
        }
    }
    hashes
}

/// The terms of each of `parts` parts (those with postings), sorted by text as the full index
/// lays them out ([`index::layout`]).
fn layout(texts: &[Box<str>], values: &[Box<str>], parts: usize) -> Vec<Vec<u32>> {
    index::layout(texts.len(), parts, |t| {
        (!values[t].is_empty()).then(|| &*texts[t])
    })
}

/// `list` (postings sorted by document) with `edits` (one term's, sorted by document) applied.
fn patch(list: &[u32], edits: &[(u32, u32, u32)]) -> Vec<u32> {
    let mut out = Vec::with_capacity(list.len() + edits.len());
    let mut i = 0;
    for &(_, d, flags) in edits {
        while i < list.len() && list[i] >> 2 < d {
            out.push(list[i]);
            i += 1;
        }
        if i < list.len() && list[i] >> 2 == d {
            i += 1;
        }
        if flags != GONE {
            out.push(d << 2 | flags);
        }
    }
    out.extend_from_slice(&list[i..]);
    out
}

/// Every document's terms from the terms' postings: for each document, its (term number,
/// flags) in term order, written by [`encode_doc_terms`].
fn invert(postings: &Postings, docs: usize) -> Vec<Box<[u8]>> {
    // A few ranges of documents side by side, each reading every term's postings straight
    // through from where its documents start.
    let chunk = docs.div_ceil(2 * rayon::current_num_threads()).max(1);
    (0..docs)
        .step_by(chunk)
        .collect::<Vec<_>>()
        .into_par_iter()
        .flat_map_iter(|start| {
            let end = (start + chunk).min(docs);
            let mut out: Vec<Vec<u8>> = vec![Vec::new(); end - start];
            let mut next = vec![0u32; end - start];
            postings.for_each_list(0..postings.keys.len() as u32, |t, list| {
                let from = list.partition_point(|&v| ((v >> 2) as usize) < start);
                for &v in &list[from..] {
                    let d = (v >> 2) as usize;
                    if d >= end {
                        break;
                    }
                    let i = d - start;
                    push_leb(&mut out[i], ((t - next[i]) << 2 | v & 3) as u64);
                    next[i] = t + 1;
                }
            });
            out.into_iter().map(Vec::into_boxed_slice)
        })
        .collect()
}

/// A document's (term number, flags), sorted by term, as LEB128 varints of the gap to the
/// previous term (shifted left by two) and the flags.
fn encode_doc_terms(terms: &[(u32, u32)]) -> Box<[u8]> {
    let mut out = Vec::with_capacity(terms.len() * 2);
    let mut next = 0;
    for &(t, flags) in terms {
        push_leb(&mut out, ((t - next) as u64) << 2 | flags as u64);
        next = t + 1;
    }
    out.into_boxed_slice()
}

fn decode_doc_terms(bytes: &[u8]) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(bytes.len());
    let (mut next, mut acc, mut shift) = (0u32, 0u64, 0);
    for &b in bytes {
        acc |= ((b & 0x7F) as u64) << shift;
        if b & 0x80 != 0 {
            shift += 7;
            continue;
        }
        let t = next + (acc >> 2) as u32;
        out.push((t, (acc & 3) as u32));
        next = t + 1;
        (acc, shift) = (0, 0);
    }
    out
}

fn push_leb(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push(n as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// A 128-bit hash of everything of a document that the index reads.
pub(super) fn doc_hash(d: &SearchDoc) -> u128 {
    let mut h = Hash128::default();
    for field in [
        Some(d.url.as_str()),
        Some(d.title.as_str()),
        Some(d.kind),
        d.number.as_deref(),
        d.plan.as_deref(),
        d.status.as_deref(),
        Some(d.body.as_str()),
    ] {
        match field {
            Some(s) => h.write(s.as_bytes()),
            None => h.word(u64::MAX, u64::MAX),
        }
    }
    h.finish()
}

pub(super) fn hash_bytes(bytes: &[u8]) -> u128 {
    let mut h = Hash128::default();
    h.write(bytes);
    h.finish()
}

/// A fast hash to notice changed documents (they are the site's own, not an attacker's): four
/// lanes, each taking eight bytes of every thirty-two through an invertible step, so a change
/// confined to one block always changes the result and any other is missed with odds near
/// 2⁻⁶⁴. The lanes are independent, so it reads the documents at near memory speed, which
/// matters: `update` hashes them all.
#[derive(Default)]
struct Hash128 {
    lanes: [u64; 4],
}

impl Hash128 {
    const K: [u64; 4] = [
        0x9E37_79B9_7F4A_7C15,
        0xC2B2_AE3D_27D4_EB4F,
        0x1656_67B1_9E37_79F9,
        0x85EB_CA77_C2B2_AE63,
    ];

    fn block(&mut self, words: [u64; 4]) {
        for ((lane, k), w) in self.lanes.iter_mut().zip(Self::K).zip(words) {
            *lane = (*lane ^ w).wrapping_mul(k).rotate_left(29);
        }
    }

    fn word(&mut self, x: u64, y: u64) {
        self.block([x, y, !x, !y]);
    }

    fn write(&mut self, bytes: &[u8]) {
        self.word(bytes.len() as u64, 0);
        let mut blocks = bytes.chunks_exact(32);
        for c in &mut blocks {
            self.block([le(&c[..8]), le(&c[8..16]), le(&c[16..24]), le(&c[24..])]);
        }
        let rest = blocks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 32];
            last[..rest.len()].copy_from_slice(rest);
            self.block([
                le(&last[..8]),
                le(&last[8..16]),
                le(&last[16..24]),
                le(&last[24..]),
            ]);
        }
    }

    fn finish(&self) -> u128 {
        let [a, b, c, d] = self.lanes.map(fmix);
        ((a ^ c.rotate_left(32)) as u128) << 64 | (b ^ d.rotate_left(32)) as u128
    }
}

fn le(b: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(b);
    u64::from_le_bytes(w)
}

/// MurmurHash3's finaliser.
fn fmix(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_terms_round_trip() {
        let terms = vec![(0, 0), (1, 3), (2, 1), (40, 2), (41, 0), (100_000, 3)];
        assert_eq!(decode_doc_terms(&encode_doc_terms(&terms)), terms);
        assert!(decode_doc_terms(&encode_doc_terms(&[])).is_empty());
    }

    #[test]
    fn entry_values_round_trip_through_decode() {
        for total in [10u32, 600, 5000] {
            for list in [
                vec![3],
                vec![1 << 2, 2 << 2 | 1, 9 << 2 | 2],
                (0..total).map(|d| d << 2 | (d % 3)).collect(),
                (0..total).step_by(7).map(|d| d << 2 | 1).collect(),
                (0..total).map(|d| d << 2 | 2).collect(),
            ] {
                let value = encode_value(&list, total);
                assert_eq!(decode_value(&value), list, "{value}");
            }
        }
    }

    #[test]
    fn patch_sets_replaces_and_removes() {
        let list = vec![1 << 2, 3 << 2 | 1, 5 << 2];
        let edits = [(0, 0, 2), (0, 3, GONE), (0, 5, 1), (0, 9, 0)];
        assert_eq!(patch(&list, &edits), vec![2, 1 << 2, 5 << 2 | 1, 9 << 2]);
    }

    #[test]
    fn the_hash_sees_a_one_byte_change_and_field_boundaries() {
        let a = hash_bytes("推进城乡生活污水治理,城乡生活污水治理率达到98%".as_bytes());
        let b = hash_bytes("推进城乡生活污水治理,城乡生活污水治理率达到99%".as_bytes());
        assert_ne!(a, b);
        let doc = |title: &str, body: &str| SearchDoc {
            url: "a/index.html".into(),
            title: title.into(),
            kind: "task",
            number: None,
            plan: None,
            status: None,
            body: body.into(),
        };
        assert_ne!(doc_hash(&doc("ab", "c")), doc_hash(&doc("a", "bc")));
    }
}
