//! The compact, term-split inverted index and the per-document records.
//!
//! For every term (see [`super::tokenize`]) the index holds three sets of document numbers:
//! documents holding the term anywhere (`a`), in the head of their text — the part the record
//! keeps for the snippet — (`h`), and in their title or number (`t`). The browser intersects the
//! sets of a query's terms and ranks title hits first, then head hits, then the rest.
//!
//! A set is written as the shorter of two strings: a delta list (each gap as a base-64 varint,
//! five bits per character, the sixth set on all but the last character) or, prefixed with `~`,
//! a bitmap over all documents (six documents per character). `=` means "the same as `a`".
//!
//! Terms go to part `fnv1a(code points) % parts`; the browser computes the same hash, so it needs
//! no term directory. `parts` is chosen so a part holds about [`PART_TARGET`] bytes.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use rayon::prelude::*;

use super::fold::{fold_char, t2s_pairs};
use super::tokenize::{for_each_index_token, Tok};
use super::SearchDoc;

/// The number of characters of a document's body kept in its record (for the snippet).
pub const HEAD_CHARS: usize = 600;
/// The aimed-for size of one index part, in bytes before compression.
pub const PART_TARGET: usize = 12_000;
/// Bumped whenever the file format changes; `search.js` checks it.
pub const FORMAT_VERSION: u32 = 1;

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
    if ids.is_empty() {
        return String::new();
    }
    let mut sparse = String::new();
    let mut prev: i64 = -1;
    for &id in ids {
        let mut gap = (id as i64 - prev - 1) as u64;
        prev = id as i64;
        let mut groups = [0u8; 13];
        let mut n = 0;
        loop {
            groups[n] = (gap & 31) as u8;
            n += 1;
            gap >>= 5;
            if gap == 0 {
                break;
            }
        }
        for i in (0..n).rev() {
            let g = groups[i] | if i > 0 { 32 } else { 0 };
            sparse.push(B64[g as usize] as char);
        }
    }
    let dense_len = (total as usize).div_ceil(6) + 1;
    if sparse.len() <= dense_len {
        return sparse;
    }
    let mut bits = vec![0u8; (total as usize).div_ceil(6)];
    for &id in ids {
        bits[id as usize / 6] |= 1 << (id % 6);
    }
    let mut dense = String::with_capacity(dense_len);
    dense.push('~');
    dense.extend(bits.iter().map(|&b| B64[b as usize] as char));
    dense
}

/// Decodes [`encode_set`]'s output (used by tests and the benchmark).
pub fn decode_set(s: &str) -> Vec<u32> {
    let val = |c: u8| B64.iter().position(|&b| b == c).unwrap_or(0) as u64;
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    if let Some(rest) = bytes.strip_prefix(b"~") {
        for (i, &c) in rest.iter().enumerate() {
            let v = val(c);
            for bit in 0..6 {
                if v & (1 << bit) != 0 {
                    out.push((i * 6 + bit) as u32);
                }
            }
        }
        return out;
    }
    let mut prev: i64 = -1;
    let mut acc: u64 = 0;
    for &c in bytes {
        let v = val(c);
        acc = (acc << 5) | (v & 31);
        if v & 32 == 0 {
            prev += acc as i64 + 1;
            out.push(prev as u32);
            acc = 0;
        }
    }
    out
}

/// A fast hasher for the build's term maps (keys are ours, not an attacker's).
#[derive(Default)]
struct FxHasher(u64);

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
        self.write_u64(i as u64);
        self.write_u64((i >> 64) as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A term as a key: Han n-grams packed into a number (no allocation), words as strings.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key {
    Han(u128),
    Word(String),
}

fn key_of(t: Tok) -> Key {
    match t {
        Tok::Han(cs) => {
            let mut k = cs.len() as u128;
            for (i, &c) in cs.iter().enumerate() {
                k |= (c as u128) << (3 + 21 * i);
            }
            Key::Han(k)
        }
        Tok::Word(cs) => Key::Word(cs.iter().collect()),
    }
}

fn key_text(k: &Key) -> String {
    match k {
        Key::Han(v) => {
            let len = (v & 7) as usize;
            (0..len)
                .filter_map(|i| char::from_u32(((v >> (3 + 21 * i)) & 0x1F_FFFF) as u32))
                .collect()
        }
        Key::Word(s) => s.clone(),
    }
}

/// The distinct terms of one document, per set.
struct DocTerms {
    all: Vec<Key>,
    head: Vec<Key>,
    title: Vec<Key>,
}

fn terms_of(folded: &[char]) -> Vec<Key> {
    let mut keys = Vec::with_capacity(folded.len() * 4);
    for_each_index_token(folded, |t| keys.push(key_of(t)));
    keys.sort_unstable();
    keys.dedup();
    keys
}

fn doc_terms(doc: &SearchDoc) -> DocTerms {
    let fold = |s: &str| s.chars().map(fold_char).collect::<Vec<char>>();
    let mut title = fold(&doc.title);
    title.push('\n');
    title.extend(fold(doc.number.as_deref().unwrap_or("")));
    let body = fold(&doc.body);
    let head_end = body.len().min(HEAD_CHARS);
    let mut all = title.clone();
    all.push('\n');
    all.extend_from_slice(&body);
    DocTerms {
        all: terms_of(&all),
        head: terms_of(&body[..head_end]),
        title: terms_of(&title),
    }
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
    let per_doc: Vec<DocTerms> = docs.par_iter().map(doc_terms).collect();

    // Term → [all, head, title] document lists; documents arrive in order, so lists are sorted.
    let mut postings: FxMap<Key, [Vec<u32>; 3]> = FxMap::default();
    for (id, terms) in per_doc.into_iter().enumerate() {
        let id = id as u32;
        for (set, keys) in [terms.all, terms.head, terms.title].into_iter().enumerate() {
            for k in keys {
                postings.entry(k).or_default()[set].push(id);
            }
        }
    }

    let mut entries: Vec<(String, String)> = postings
        .into_par_iter()
        .map(|(k, [a, h, t])| {
            let enc = |s: &Vec<u32>| {
                if s.is_empty() {
                    String::new()
                } else if *s == a {
                    "=".to_string()
                } else {
                    encode_set(s, total)
                }
            };
            let value = format!(
                "[\"{}\",\"{}\",\"{}\"]",
                encode_set(&a, total),
                enc(&h),
                enc(&t)
            );
            (key_text(&k), value)
        })
        .collect();
    entries.par_sort_unstable();

    let size: usize = entries.iter().map(|(k, v)| k.len() + v.len() + 4).sum();
    let parts = size.div_ceil(PART_TARGET).max(1);
    let mut by_part: Vec<Vec<&(String, String)>> = vec![Vec::new(); parts];
    for e in &entries {
        by_part[term_hash(&e.0) as usize % parts].push(e);
    }

    let mut files: Vec<(String, Vec<u8>)> = Vec::with_capacity(parts + docs.len() + 2);
    files.push((
        "search/meta.js".into(),
        js_call(
            "meta",
            0,
            &format!(
                "{{\"v\":{FORMAT_VERSION},\"docs\":{total},\"parts\":{parts},\"head\":{HEAD_CHARS}}}"
            ),
        ),
    ));
    files.push((
        "search/fold.js".into(),
        js_call("fold", 0, &json_str(&t2s_pairs())),
    ));
    let part_files: Vec<(String, Vec<u8>)> = by_part
        .par_iter()
        .enumerate()
        .map(|(n, es)| {
            let mut json = String::from("{");
            for (i, (k, v)) in es.iter().map(|e| (&e.0, &e.1)).enumerate() {
                if i > 0 {
                    json.push(',');
                }
                json.push_str(&json_str(k));
                json.push(':');
                json.push_str(v);
            }
            json.push('}');
            (format!("search/p/{n}.js"), js_call("part", n, &json))
        })
        .collect();
    files.extend(part_files);
    let doc_files: Vec<(String, Vec<u8>)> = docs
        .par_iter()
        .enumerate()
        .map(|(n, d)| {
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
            let json = serde_json::to_string(&rec).unwrap_or_else(|_| "{}".into());
            (format!("search/d/{n}.js"), js_call("doc", n, &json))
        })
        .collect();
    files.extend(doc_files);
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
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
    fn term_hash_is_fnv1a_over_code_points() {
        assert_eq!(term_hash(""), 0x811c_9dc5);
        // Same value as search.js computes (checked in tests/search_browser.rs).
        assert_eq!(term_hash("a"), 0xe40c_292c);
    }
}
