//! The compact, term-split inverted index and the per-document records.
//!
//! For every term (see [`super::tokenize`]) the index holds three sets of document numbers:
//! documents holding the term anywhere (`a`), in the head of their text — the part the record
//! keeps for the snippet — (`h`), and in their title or number (`t`). The browser intersects the
//! sets of a query's terms and ranks title hits first, then head hits, then the rest.
//!
//! A set is written as the shorter of two strings: a delta list (each gap as a base-64 varint,
//! five bits per character, the sixth set on all but the last character) or, prefixed with `~`,
//! a bitmap (six members per character). `a` is a set of document numbers; `h` and `t` are
//! subsets of `a` and hold positions in `a` instead (smaller gaps: the head set shrinks to less
//! than half). `=` means "the same as `a`".
//!
//! Terms go to part `fnv1a(code points) % parts`; the browser computes the same hash, so it needs
//! no term directory. `parts` is chosen so a part holds about [`PART_TARGET`] bytes.
//!
//! Records are grouped [`RECORDS_PER_FILE`] consecutive documents to a file: a file per document
//! made the index half of the build's files, and creating files is much of a build's cost. The
//! group is small because the first ten results of a query rarely neighbour each other, and every
//! group they touch is part of a cold query's transfer (budget in `tests/bench/search/README.md`).

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;

use super::fold::{fold_char, is_han, t2s_table};
use super::tokenize::{for_each_index_token_pruned, Tok};
use super::SearchDoc;

/// The number of characters of a document's body kept in its record (for the snippet).
pub const HEAD_CHARS: usize = 600;
/// The aimed-for size of one index part, in bytes before compression.
pub const PART_TARGET: usize = 6_500;
/// How many consecutive documents' records share one `search/d/` file.
pub const RECORDS_PER_FILE: usize = 4;
/// Bumped whenever the file format changes; `search.js` checks it.
pub const FORMAT_VERSION: u32 = 2;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The hash that places a term in a part; `search.js` has the same function.
pub fn term_hash(term: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for c in term.chars() {
        h ^= c as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Encodes a sorted set of document numbers (see the module documentation).
pub fn encode_set(ids: &[u32], total: u32) -> String {
    encode_ids(ids.iter().copied(), total)
}

/// [`encode_set`] of the numbers `ids` yields, in increasing order, all below `total`.
fn encode_ids(ids: impl Iterator<Item = u32> + Clone, total: u32) -> String {
    let dense_len = (total as usize).div_ceil(6) + 1;
    let mut sparse = Vec::new();
    let mut prev: i64 = -1;
    for id in ids.clone() {
        push_varint(&mut sparse, (id as i64 - prev - 1) as u64);
        prev = id as i64;
        if sparse.len() > dense_len {
            // The delta list only grows: the bitmap is shorter, whatever follows.
            let mut bits = vec![0u8; (total as usize).div_ceil(6)];
            for id in ids {
                bits[id as usize / 6] |= 1 << (id % 6);
            }
            let mut dense = Vec::with_capacity(dense_len);
            dense.push(b'~');
            dense.extend(bits.iter().map(|&b| B64[b as usize]));
            return ascii(dense);
        }
    }
    ascii(sparse)
}

/// The index's base-64 text as a string (it is ASCII).
fn ascii(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_default()
}

/// Appends `n` as a base-64 varint: five bits per character, most significant first, the sixth
/// bit set on all but the last character.
fn push_varint(out: &mut Vec<u8>, mut n: u64) {
    let mut groups = [0u8; 13];
    let mut len = 0;
    loop {
        groups[len] = (n & 31) as u8;
        len += 1;
        n >>= 5;
        if n == 0 {
            break;
        }
    }
    for i in (0..len).rev() {
        let g = groups[i] | if i > 0 { 32 } else { 0 };
        out.push(B64[g as usize]);
    }
}

/// The Traditional → Simplified table as `search/fold.js` carries it: for each pair, in code
/// point order, the gap from the previous Traditional code point and the signed distance to its
/// Simplified one (zigzag), both as [`push_varint`] varints. 10.6 kB gzip where the pairs as
/// characters took 18.5 kB, and every cold query loads it.
pub fn encode_fold_table(table: &BTreeMap<char, char>) -> String {
    let mut out = Vec::with_capacity(table.len() * 5);
    let mut prev: i64 = -1;
    for (&t, &s) in table {
        let (t, s) = (t as i64, s as i64);
        push_varint(&mut out, (t - prev - 1) as u64);
        let d = s - t;
        push_varint(&mut out, if d >= 0 { 2 * d } else { -2 * d - 1 } as u64);
        prev = t;
    }
    ascii(out)
}

/// Decodes [`encode_set`]'s output (used by tests, the benchmark and [`super::held`]).
pub fn decode_set(s: &str) -> Vec<u32> {
    let mut out = Vec::new();
    decode_set_into(s, &mut out);
    out
}

/// The value of each base-64 character (0 for any other byte).
const B64_VALUE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 64 {
        t[B64[i] as usize] = i as u8;
        i += 1;
    }
    t
};

fn decode_set_into(s: &str, out: &mut Vec<u32>) {
    let bytes = s.as_bytes();
    if let Some(rest) = bytes.strip_prefix(b"~") {
        for (i, &c) in rest.iter().enumerate() {
            let mut v = B64_VALUE[c as usize];
            while v != 0 {
                out.push((i * 6) as u32 + v.trailing_zeros());
                v &= v - 1;
            }
        }
        return;
    }
    let mut prev: i64 = -1;
    let mut acc: u64 = 0;
    for &c in bytes {
        let v = B64_VALUE[c as usize] as u64;
        acc = (acc << 5) | (v & 31);
        if v & 32 == 0 {
            prev += acc as i64 + 1;
            out.push(prev as u32);
            acc = 0;
        }
    }
}

/// One term's entry value as a part file carries it, `["a","h","t"]`, from its postings: the
/// sorted document numbers, each shifted left by two with [`IN_HEAD`] and [`IN_TITLE`] below.
pub(super) fn encode_value(list: &[u32], total: u32) -> String {
    // Positions in the list of the documents with the flag.
    let pick = |flag: u32| -> String {
        let count = list.iter().filter(|&&v| v & flag != 0).count();
        if count == 0 {
            String::new()
        } else if count == list.len() {
            "=".to_string()
        } else {
            let positions = (0..list.len() as u32).filter(move |&i| list[i as usize] & flag != 0);
            encode_ids(positions, list.len() as u32)
        }
    };
    format!(
        "[\"{}\",\"{}\",\"{}\"]",
        encode_ids(list.iter().map(|v| v >> 2), total),
        pick(IN_HEAD),
        pick(IN_TITLE)
    )
}

/// The postings [`encode_value`] was given, back from its output.
pub(super) fn decode_value(value: &str) -> Vec<u32> {
    // `["a","h","t"]` split at the quotes: `[`, a, `,`, h, `,`, t, `]`.
    let mut fields = value.split('"').skip(1).step_by(2);
    let (a, h, t) = (
        fields.next().unwrap_or(""),
        fields.next().unwrap_or(""),
        fields.next().unwrap_or(""),
    );
    let mut list = Vec::new();
    decode_set_into(a, &mut list);
    for v in &mut list {
        *v <<= 2;
    }
    let mut positions = Vec::new();
    for (set, flag) in [(h, IN_HEAD), (t, IN_TITLE)] {
        if set == "=" {
            list.iter_mut().for_each(|v| *v |= flag);
        } else {
            positions.clear();
            decode_set_into(set, &mut positions);
            for &i in &positions {
                if let Some(v) = list.get_mut(i as usize) {
                    *v |= flag;
                }
            }
        }
    }
    list
}

/// A fast hasher for the build's term maps (keys are ours, not an attacker's).
#[derive(Default)]
pub(super) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u128(&mut self, i: u128) {
        // One folded multiply of the key's halves: every bit of the key reaches the high bits,
        // where shards are taken from, and the low ones, where the maps take their slots.
        let lo = i as u64 ^ self.0 ^ 0x2d35_8dcc_aa6c_78a5;
        let hi = (i >> 64) as u64 ^ 0x8bb8_4b93_962e_acc9;
        let m = lo as u128 * hi as u128;
        self.0 = m as u64 ^ (m >> 64) as u64;
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub(super) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A term as a number, so the build never allocates per token: Han n-grams pack up to four
/// code points (21 bits each) and their length; word runs (all their characters are at most
/// U+00FF) pack up to 15 bytes under a flag bit. Longer words are rare and get a hash, with their
/// text kept aside.
pub(super) type Key = u128;

const WORD_FLAG: u128 = 1 << 127;
const LONG_FLAG: u128 = 1 << 126;

#[inline]
fn key_of(t: Tok, long_words: &mut Vec<(Key, String)>) -> Key {
    match t {
        Tok::Han(cs) => {
            let mut k = cs.len() as u128;
            for (i, &c) in cs.iter().enumerate() {
                k |= (c as u128) << (3 + 21 * i);
            }
            k
        }
        Tok::Word(cs) if cs.len() <= 15 => {
            let mut k = WORD_FLAG | (cs.len() as u128) << 120;
            for (i, &c) in cs.iter().enumerate() {
                k |= ((c as u32 & 0xFF) as u128) << (8 * i);
            }
            k
        }
        Tok::Word(cs) => {
            let text: String = cs.iter().collect();
            let mut h = FxHasher::default();
            h.write(text.as_bytes());
            let mut h2 = FxHasher(0x9e37_79b9_7f4a_7c15);
            h2.write(text.as_bytes());
            let k = WORD_FLAG | LONG_FLAG | (h.finish() as u128) << 64 | h2.finish() as u128;
            long_words.push((k, text));
            k
        }
    }
}

pub(super) fn key_text(k: Key, long_words: &HashMap<Key, String>) -> String {
    if k & WORD_FLAG == 0 {
        let len = (k & 7) as usize;
        (0..len)
            .filter_map(|i| char::from_u32(((k >> (3 + 21 * i)) & 0x1F_FFFF) as u32))
            .collect()
    } else if k & LONG_FLAG != 0 {
        long_words.get(&k).cloned().unwrap_or_default()
    } else {
        let len = ((k >> 120) & 0x3F) as usize;
        (0..len)
            .map(|i| char::from(((k >> (8 * i)) & 0xFF) as u8))
            .collect()
    }
}

/// How many independent term maps the build fills in parallel.
const SHARDS: usize = 64;
/// How many documents are tokenized before their terms are merged (bounds memory).
const BATCH: usize = 512;

pub(super) const IN_HEAD: u32 = 1;
pub(super) const IN_TITLE: u32 = 2;

fn shard_of(k: Key) -> usize {
    let mut h = FxHasher::default();
    h.write_u128(k);
    (h.finish() >> 58) as usize % SHARDS
}

/// The distinct terms of one document with their flags ([`IN_HEAD`], [`IN_TITLE`]), grouped by
/// shard, and where each shard's run starts.
pub(super) struct DocTerms {
    pub(super) keys: Vec<(Key, u32)>,
    starts: [u32; SHARDS + 1],
    pub(super) long_words: Vec<(Key, String)>,
}

/// Scratch space reused across the documents one thread tokenizes.
#[derive(Default)]
pub(super) struct Scratch {
    flags: FxMap<Key, u32>,
    folded: Vec<char>,
}

fn add_terms(
    folded: &[char],
    flag: u32,
    flags: &mut FxMap<Key, u32>,
    long_words: &mut Vec<(Key, String)>,
) {
    for_each_index_token_pruned(folded, |t| match flags.entry(key_of(t, long_words)) {
        Entry::Occupied(mut o) => {
            let seen = *o.get() & flag == flag;
            *o.get_mut() |= flag;
            !seen
        }
        Entry::Vacant(v) => {
            v.insert(flag);
            true
        }
    });
}

pub(super) fn doc_terms(scratch: &mut Scratch, doc: &SearchDoc) -> DocTerms {
    let Scratch { flags, folded } = scratch;
    flags.clear();
    let mut long_words = Vec::new();
    // Title and number (flag IN_TITLE), then the body; a line break keeps n-grams from
    // spanning two fields.
    folded.clear();
    folded.extend(doc.title.chars().map(fold_char));
    folded.push('\n');
    folded.extend(doc.number.as_deref().unwrap_or("").chars().map(fold_char));
    add_terms(folded, IN_TITLE, flags, &mut long_words);
    folded.clear();
    folded.extend(doc.body.chars().map(fold_char));
    add_terms(folded, 0, flags, &mut long_words);
    // The head, cut where no word run is split (a cut "2025" would add "20").
    let wordish = |c: char| (c.is_alphanumeric() && !is_han(c)) || c == '.' || c == '%';
    let mut head_end = folded.len().min(HEAD_CHARS);
    while head_end > 0
        && head_end < folded.len()
        && wordish(folded[head_end - 1])
        && wordish(folded[head_end])
    {
        head_end -= 1;
    }
    add_terms(&folded[..head_end], IN_HEAD, flags, &mut long_words);
    let mut starts = [0u32; SHARDS + 1];
    let shard: Vec<(usize, Key, u32)> = flags.iter().map(|(&k, &f)| (shard_of(k), k, f)).collect();
    for &(s, _, _) in &shard {
        starts[s + 1] += 1;
    }
    for i in 0..SHARDS {
        starts[i + 1] += starts[i];
    }
    let mut next = starts;
    let mut keys = vec![(0u128, 0u32); shard.len()];
    for (s, k, f) in shard {
        keys[next[s] as usize] = (k, f);
        next[s] += 1;
    }
    long_words.sort_unstable();
    long_words.dedup();
    DocTerms {
        keys,
        starts,
        long_words,
    }
}

/// Time spent tokenizing, for `GONGKAI_SEARCH_TIMING`.
static TOKENIZE_NANOS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub(super) type Shards = Vec<FxMap<Key, Vec<u32>>>;

pub(super) fn postings(docs: &[SearchDoc]) -> (Shards, HashMap<Key, String>) {
    TOKENIZE_NANOS.store(0, std::sync::atomic::Ordering::Relaxed);
    let mut shards: Shards = (0..SHARDS).map(|_| FxMap::default()).collect();
    let mut long_words = HashMap::new();
    for (b, batch) in docs.chunks(BATCH).enumerate() {
        let t = std::time::Instant::now();
        let terms: Vec<DocTerms> = batch
            .par_iter()
            .map_init(Scratch::default, doc_terms)
            .collect();
        TOKENIZE_NANOS.fetch_add(
            t.elapsed().as_nanos() as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        shards.par_iter_mut().enumerate().for_each(|(s, map)| {
            for (i, d) in terms.iter().enumerate() {
                let id = ((b * BATCH + i) as u32) << 2;
                for &(k, flags) in &d.keys[d.starts[s] as usize..d.starts[s + 1] as usize] {
                    map.entry(k).or_default().push(id | flags);
                }
            }
        });
        for d in terms {
            long_words.extend(d.long_words);
        }
    }
    (shards, long_words)
}

/// The head of a body as the record keeps it.
pub fn head_text(body: &str) -> String {
    body.chars().take(HEAD_CHARS).collect()
}

fn js_call(kind: &str, n: usize, json: &str) -> Vec<u8> {
    format!("gongkaiSearch(\"{kind}\",{n},{json});\n").into_bytes()
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Builds every search file (see [`super`]).
pub fn build(docs: &[SearchDoc]) -> Vec<(String, Vec<u8>)> {
    let total = docs.len() as u32;
    let timing = timing();
    let started = std::time::Instant::now();
    let (shards, long_words) = postings(docs);
    report_postings(timing, started);
    let entries: Vec<(String, String)> = shards
        .into_par_iter()
        .flat_map_iter(|map| {
            let long_words = &long_words;
            map.into_iter()
                .map(move |(k, list)| (key_text(k, long_words), encode_value(&list, total)))
        })
        .collect();
    if timing {
        eprintln!(
            "search: {} terms encoded {:.2?}",
            entries.len(),
            started.elapsed()
        );
    }
    let (files, _) = assemble(docs, &entries);
    if timing {
        eprintln!("search: files {:.2?}", started.elapsed());
    }
    files
}

/// Is `GONGKAI_SEARCH_TIMING` set (the build then reports its phases on stderr)?
pub(super) fn timing() -> bool {
    std::env::var_os("GONGKAI_SEARCH_TIMING").is_some()
}

pub(super) fn report_postings(timing: bool, started: std::time::Instant) {
    if timing {
        let tok = TOKENIZE_NANOS.load(std::sync::atomic::Ordering::Relaxed);
        eprintln!(
            "search: postings {:.2?} (tokenizing {:.2}s)",
            started.elapsed(),
            tok as f64 / 1e9
        );
    }
}

/// How many parts entries of `size` bytes (see [`entry_size`]) are split into.
pub(super) fn part_count(size: usize) -> usize {
    size.div_ceil(PART_TARGET).max(1)
}

/// The bytes one term's entry counts for in choosing the number of parts.
pub(super) fn entry_size(text: &str, value: &str) -> usize {
    text.len() + value.len() + 4
}

/// The part a term goes to.
pub(super) fn part_of(text: &str, parts: usize) -> usize {
    term_hash(text) as usize % parts
}

/// Which entries, as positions in the list of entries, each part holds, in the order the part
/// writes them.
pub(super) type Layout = Vec<Vec<u32>>;

/// Every search file from the documents and the terms' entries (text, value), and their
/// [`Layout`].
pub(super) fn assemble(
    docs: &[SearchDoc],
    entries: &[(String, String)],
) -> (Vec<(String, Vec<u8>)>, Layout) {
    let total = docs.len() as u32;
    let size: usize = entries.iter().map(|(k, v)| entry_size(k, v)).sum();
    let parts = part_count(size);
    let mut by_part: Vec<Vec<u32>> = vec![Vec::new(); parts];
    for (i, e) in entries.iter().enumerate() {
        by_part[part_of(&e.0, parts)].push(i as u32);
    }
    by_part
        .par_iter_mut()
        .for_each(|p| p.sort_unstable_by(|&a, &b| entries[a as usize].cmp(&entries[b as usize])));

    let mut files: Vec<(String, Vec<u8>)> =
        Vec::with_capacity(parts + docs.len().div_ceil(RECORDS_PER_FILE) + 2);
    files.push(meta_file(total, parts));
    files.push(fold_file());
    let part_files: Vec<(String, Vec<u8>)> = by_part
        .par_iter()
        .enumerate()
        .map(|(n, es)| {
            part_file(
                n,
                es.iter()
                    .map(|&i| (&entries[i as usize].0[..], &entries[i as usize].1[..])),
            )
        })
        .collect();
    files.extend(part_files);
    let doc_files: Vec<(String, Vec<u8>)> = docs
        .par_chunks(RECORDS_PER_FILE)
        .enumerate()
        .map(|(n, group)| records_file(n, group))
        .collect();
    files.extend(doc_files);
    files.sort_by(|a, b| a.0.cmp(&b.0));
    (files, by_part)
}

/// `search/meta.js`.
pub(super) fn meta_file(total: u32, parts: usize) -> (String, Vec<u8>) {
    (
        "search/meta.js".into(),
        js_call(
            "meta",
            0,
            &format!(
                "{{\"v\":{FORMAT_VERSION},\"docs\":{total},\"parts\":{parts},\"group\":{RECORDS_PER_FILE},\"head\":{HEAD_CHARS}}}"
            ),
        ),
    )
}

/// `search/fold.js`.
pub(super) fn fold_file() -> (String, Vec<u8>) {
    (
        "search/fold.js".into(),
        js_call("fold", 0, &json_str(&encode_fold_table(t2s_table()))),
    )
}

/// `search/p/<n>.js` from its entries (term, value), in the order they are written.
pub(super) fn part_file<'a>(
    n: usize,
    entries: impl Iterator<Item = (&'a str, &'a str)>,
) -> (String, Vec<u8>) {
    let mut json = String::from("{");
    for (i, (k, v)) in entries.enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&json_str(k));
        json.push(':');
        json.push_str(v);
    }
    json.push('}');
    (part_path(n), js_call("part", n, &json))
}

pub(super) fn part_path(n: usize) -> String {
    format!("search/p/{n}.js")
}

/// `search/d/<n>.js`: the records of group `n`.
pub(super) fn records_file(n: usize, group: &[SearchDoc]) -> (String, Vec<u8>) {
    let mut json = String::from("[");
    for (i, d) in group.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&record_json(d));
    }
    json.push(']');
    (records_path(n), js_call("docs", n, &json))
}

pub(super) fn records_path(n: usize) -> String {
    format!("search/d/{n}.js")
}

/// One document's record: url, title, kind, number, plan, status and the head of its text.
fn record_json(d: &SearchDoc) -> String {
    let mut rec: BTreeMap<&str, String> = BTreeMap::new();
    rec.insert("u", d.url.clone());
    rec.insert("t", d.title.clone());
    rec.insert("k", d.kind.to_string());
    if let Some(v) = &d.number {
        rec.insert("n", v.clone());
    }
    if let Some(v) = &d.plan {
        rec.insert("p", v.clone());
    }
    if let Some(v) = &d.status {
        rec.insert("s", v.clone());
    }
    rec.insert("x", head_text(&d.body));
    serde_json::to_string(&rec).unwrap_or_else(|_| "{}".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_round_trip_sparse_and_dense() {
        for ids in [
            vec![0],
            vec![5, 6, 7, 1000, 4095],
            (0..900).step_by(2).collect::<Vec<_>>(),
        ] {
            let s = encode_set(&ids, 1000.max(ids.last().unwrap() + 1));
            assert_eq!(decode_set(&s), ids, "{s}");
        }
        assert!(encode_set(&(0..900).collect::<Vec<_>>(), 1000).starts_with('~'));
        assert!(!encode_set(&[3, 900], 1000).starts_with('~'));
    }

    #[test]
    fn fold_table_is_gaps_and_zigzag_distances() {
        let table: BTreeMap<char, char> = [('\u{3}', '\u{1}'), ('\u{5}', '\u{41}')].into();
        // 3: gap 3, distance -2 → 3; 5: gap 1, distance 60 → 120 = 3·32 + 24 ("j", "Y").
        assert_eq!(encode_fold_table(&table), "DDBjY");
    }

    #[test]
    fn pruned_tokens_give_the_same_terms_and_flags() {
        let text: Vec<char> = "推进城乡生活污水治理,城乡生活污水治理率达到98%,PM2.5下降。推进城乡"
            .chars()
            .map(fold_char)
            .collect();
        let mut all: FxMap<Key, u32> = FxMap::default();
        let mut long = Vec::new();
        for (range, flag) in [(0..12, IN_TITLE), (0..text.len(), 0), (0..20, IN_HEAD)] {
            super::super::tokenize::for_each_index_token(&text[range], |t| {
                *all.entry(key_of(t, &mut long)).or_insert(0) |= flag;
            });
        }
        let mut pruned: FxMap<Key, u32> = FxMap::default();
        for (range, flag) in [(0..12, IN_TITLE), (0..text.len(), 0), (0..20, IN_HEAD)] {
            add_terms(&text[range], flag, &mut pruned, &mut long);
        }
        assert_eq!(pruned, all);
    }

    #[test]
    fn term_hash_is_fnv1a_over_code_points() {
        assert_eq!(term_hash(""), 0x811c_9dc5);
        // Same value as search.js computes (checked in tests/search_browser.rs).
        assert_eq!(term_hash("a"), 0xe40c_292c);
    }
}
