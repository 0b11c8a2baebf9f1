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

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::io;
use std::ops::Range;
use std::sync::Mutex;

use rayon::prelude::*;

use super::fold::{fold_into, is_han, t2s_table};
use super::tokenize::{for_each_piece, Piece, Tok, MAX_GRAM};
use super::{DocSource, SearchDoc};
use crate::output::Sink;

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
    encode_ids(ids.iter().copied(), ids.len(), total)
}

/// [`encode_set`] of the `count` numbers `ids` yields, in increasing order, all below `total`.
fn encode_ids(ids: impl Iterator<Item = u32> + Clone, count: usize, total: u32) -> String {
    let mut out = Vec::new();
    write_ids(&mut out, ids, count, total);
    ascii(out)
}

/// Appends [`encode_ids`]'s text to `out`.
fn write_ids(out: &mut Vec<u8>, ids: impl Iterator<Item = u32> + Clone, count: usize, total: u32) {
    write_set(out, ids.clone(), count, total as usize, |bits| {
        for id in ids {
            bits[id as usize / 6] |= 1 << (id % 6);
        }
    });
}

/// Appends the set of the `count` numbers `ids` yields (increasing, all below `total`): their
/// delta list when it is no longer than the bitmap, else `~` and the bitmap, whose
/// `total.div_ceil(6)` values (six numbers each, the lowest first) `bitmap` sets and which are
/// then written as base-64 characters.
fn write_set(
    out: &mut Vec<u8>,
    ids: impl Iterator<Item = u32>,
    count: usize,
    total: usize,
    bitmap: impl FnOnce(&mut [u8]),
) {
    let bitmap_len = total.div_ceil(6);
    let start = out.len();
    // Every number takes at least a character in the delta list.
    if count <= bitmap_len + 1 {
        let mut prev: i64 = -1;
        for id in ids {
            push_varint(out, (id as i64 - prev - 1) as u64);
            prev = id as i64;
            if out.len() - start > bitmap_len + 1 {
                // The delta list only grows: the bitmap is shorter, whatever follows.
                break;
            }
        }
        if out.len() - start <= bitmap_len + 1 {
            return;
        }
        out.truncate(start);
    }
    out.push(b'~');
    let bits = out.len();
    out.resize(bits + bitmap_len, 0);
    bitmap(&mut out[bits..]);
    for b in &mut out[bits..] {
        *b = B64[*b as usize];
    }
}

/// The index's base-64 text as a string (it is ASCII).
fn ascii(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_default()
}

/// Appends `n` as a base-64 varint: five bits per character, most significant first, the sixth
/// bit set on all but the last character.
#[inline]
fn push_varint(out: &mut Vec<u8>, n: u64) {
    if n < 32 {
        out.push(B64[n as usize]);
        return;
    }
    let groups = (64 - n.leading_zeros()).div_ceil(5);
    for i in (1..groups).rev() {
        out.push(B64[((n >> (5 * i)) & 31 | 32) as usize]);
    }
    out.push(B64[(n & 31) as usize]);
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
    let mut out = Vec::with_capacity(list.len() + 16);
    write_value(&mut out, list, total);
    ascii(out)
}

/// Appends [`encode_value`]'s text to `out`.
fn write_value(out: &mut Vec<u8>, list: &[u32], total: u32) {
    out.extend_from_slice(b"[\"");
    write_ids(out, list.iter().map(|v| v >> 2), list.len(), total);
    // Positions in the list of the documents with the flag.
    let (mut head, mut title) = (0, 0);
    for &v in list {
        head += (v & IN_HEAD != 0) as usize;
        title += (v & IN_TITLE != 0) as usize;
    }
    for (flag, count) in [(IN_HEAD, head), (IN_TITLE, title)] {
        out.extend_from_slice(b"\",\"");
        match count {
            0 => {}
            count if count == list.len() => out.push(b'='),
            count => write_positions(out, list, flag, count),
        }
    }
    out.extend_from_slice(b"\"]");
}

/// Appends [`write_ids`]'s text for the positions in `list` of the `count` postings with
/// `flag`. A bitmap's values are made six postings at a time, straight from the flags.
fn write_positions(out: &mut Vec<u8>, list: &[u32], flag: u32, count: usize) {
    let positions = (0..list.len() as u32).filter(|&i| list[i as usize] & flag != 0);
    write_set(out, positions, count, list.len(), |bits| {
        for (b, six) in bits.iter_mut().zip(list.chunks(6)) {
            *b = six
                .iter()
                .enumerate()
                .fold(0, |b, (j, &v)| b | u8::from(v & flag != 0) << j);
        }
    });
}

/// The length of [`encode_value`]'s text for postings compressed as [`Postings`] keeps them,
/// read from their bytes without decoding or encoding them: a posting's gap is the gap
/// [`write_ids`] writes, and the positions of the flagged postings are counted on the way. One
/// pass, no list (the build measures every term's entry before it writes any).
fn compressed_value_len(bytes: &[u8], total: u32) -> usize {
    let varint_len = |gap: u64| {
        if gap < 32 {
            1
        } else {
            (64 - gap.leading_zeros()).div_ceil(5) as usize
        }
    };
    let mut count = 0usize;
    let mut docs_len = 0usize;
    // For IN_HEAD and IN_TITLE: how many postings have the flag, the length of their positions
    // as a delta list, and the last such position.
    let mut flagged = [(0usize, 0usize, -1i64); 2];
    let mut i = 0;
    while i < bytes.len() {
        let (n, len) = read_leb(&bytes[i..]);
        i += len;
        docs_len += varint_len((n >> 2) as u64);
        for (k, flag) in [IN_HEAD, IN_TITLE].into_iter().enumerate() {
            if n & flag != 0 {
                let (items, len, last) = &mut flagged[k];
                *items += 1;
                *len += varint_len((count as i64 - *last - 1) as u64);
                *last = count as i64;
            }
        }
        count += 1;
    }
    // A delta list longer than the bitmap is written as the bitmap (see [`write_ids`]).
    let ids = |len: usize, of: usize| len.min(1 + of.div_ceil(6));
    let mut value = 10 + ids(docs_len, total as usize);
    for (items, len, _) in flagged {
        value += match items {
            0 => 0,
            items if items == count => 1,
            _ => ids(len, count),
        };
    }
    value
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
        // One folded multiply of the key's halves: every bit of the key reaches the low bits,
        // where the tables take their slots, and the high ones, which hashbrown's maps use too.
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
fn key_of(t: Tok) -> Key {
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
        Tok::Word(cs) => long_word_key(&cs.iter().collect::<String>()),
    }
}

fn long_word_key(text: &str) -> Key {
    let mut h = FxHasher::default();
    h.write(text.as_bytes());
    let mut h2 = FxHasher(0x9e37_79b9_7f4a_7c15);
    h2.write(text.as_bytes());
    WORD_FLAG | LONG_FLAG | (h.finish() as u128) << 64 | h2.finish() as u128
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

pub(super) const IN_HEAD: u32 = 1;
pub(super) const IN_TITLE: u32 = 2;

/// No term: the prefix of a one-character n-gram or of a word; an empty slot.
const NONE: u32 = u32::MAX;

/// The terms met in a run of documents, numbered in the order met, and which of them the
/// document read last holds, with their flags ([`IN_HEAD`], [`IN_TITLE`]).
///
/// Reading costs one lookup per Han character: a position is looked up by its longest n-gram
/// only, whose shorter n-grams are its prefixes, and every term knows the number of its prefix
/// one character shorter. Recording walks down the prefixes and stops at a term the document
/// already holds with the flag: that term's prefixes were recorded with it. Nothing is cleared
/// between documents: a term belongs to the current one when it was last seen in it.
#[derive(Default)]
pub(super) struct Vocab {
    /// Open addressing: term numbers (or [`NONE`]) at `slot_hash(key)` and after.
    slots: Vec<u32>,
    keys: Vec<Key>,
    terms: Vec<TermState>,
    /// The number of the document read last (counting from 1) and its terms, as met.
    current: u32,
    held: Vec<u32>,
    /// The text of every long word met (see [`Key`]).
    long_words: Vec<(Key, String)>,
    folded: Vec<char>,
}

#[derive(Clone, Copy)]
struct TermState {
    /// The term one character shorter, for a Han n-gram of two characters or more.
    prefix: u32,
    /// The document (counting from 1) that last recorded the term, and its flags there.
    seen_in: u32,
    flags: u32,
    /// The last two terms that followed this four-character one in a run, with their last
    /// character, the latest first.
    next: [(char, u32); 2],
    /// This n-gram without its first character, once looked up.
    suffix: u32,
}

#[inline]
fn slot_hash(k: Key) -> usize {
    let mut h = FxHasher::default();
    h.write_u128(k);
    h.finish() as usize
}

impl Vocab {
    /// The number of a token's term, given one when it is new.
    #[inline]
    fn id(&mut self, t: Tok) -> u32 {
        let k = key_of(t);
        if !self.slots.is_empty() {
            let mask = self.slots.len() - 1;
            let mut i = slot_hash(k) & mask;
            loop {
                let id = self.slots[i];
                if id == NONE {
                    break;
                }
                if self.keys[id as usize] == k {
                    return id;
                }
                i = (i + 1) & mask;
            }
        }
        self.insert(t, k)
    }

    #[cold]
    fn insert(&mut self, t: Tok, k: Key) -> u32 {
        let prefix = match t {
            Tok::Han(cs) if cs.len() > 1 => self.id(Tok::Han(&cs[..cs.len() - 1])),
            _ => NONE,
        };
        if let Tok::Word(cs) = t {
            if k & LONG_FLAG != 0 {
                self.long_words.push((k, cs.iter().collect()));
            }
        }
        let id = self.keys.len() as u32;
        self.keys.push(k);
        self.terms.push(TermState {
            prefix,
            seen_in: 0,
            flags: 0,
            next: [('\0', NONE); 2],
            suffix: NONE,
        });
        if self.keys.len() * 2 > self.slots.len() {
            // At most half full; the table is made again, keys included.
            let size = (self.slots.len() * 2).max(1 << 12);
            self.slots = vec![NONE; size];
            for id in 0..self.keys.len() as u32 {
                self.place(id);
            }
        } else {
            self.place(id);
        }
        id
    }

    fn place(&mut self, id: u32) {
        let mask = self.slots.len() - 1;
        let mut i = slot_hash(self.keys[id as usize]) & mask;
        while self.slots[i] != NONE {
            i = (i + 1) & mask;
        }
        self.slots[i] = id;
    }

    /// Records term `id` and its prefixes in the current document with `flag`.
    #[inline]
    fn record(&mut self, mut id: u32, flag: u32) {
        while id != NONE {
            let t = &mut self.terms[id as usize];
            if t.seen_in != self.current {
                t.seen_in = self.current;
                t.flags = flag;
                self.held.push(id);
            } else if t.flags & flag == flag {
                return;
            } else {
                t.flags |= flag;
            }
            id = t.prefix;
        }
    }

    fn add_text(&mut self, folded: &[char], flag: u32) {
        for_each_piece(folded, |p| match p {
            Piece::HanRun(run) => self.add_han_run(run, flag),
            Piece::Word(w) => {
                let id = self.id(Tok::Word(w));
                self.record(id, flag);
            }
        });
    }

    /// Records every n-gram of a Han run. Most lookups are spared, as phrases repeat: a
    /// position's longest n-gram is usually the one that followed the previous position's last
    /// time, with the same character at its end (each four-character term remembers its last two
    /// successors), and at the end of the run each n-gram is the one before it without its first
    /// character (each term remembers that one too).
    fn add_han_run(&mut self, run: &[char], flag: u32) {
        let n = run.len();
        let mut prev = NONE;
        for i in 0..(n + 1).saturating_sub(MAX_GRAM) {
            let gram = &run[i..i + MAX_GRAM];
            let last = gram[MAX_GRAM - 1];
            let id = match self.terms.get_mut(prev as usize) {
                Some(p) if p.next[0].0 == last => p.next[0].1,
                Some(p) if p.next[1].0 == last => {
                    p.next.swap(0, 1);
                    p.next[0].1
                }
                _ => {
                    let id = self.id(Tok::Han(gram));
                    if let Some(p) = self.terms.get_mut(prev as usize) {
                        p.next = [(last, id), p.next[0]];
                    }
                    id
                }
            };
            self.record(id, flag);
            prev = id;
        }
        // The last positions, whose n-grams are shorter (all of a run shorter than four).
        let (mut id, start) = if prev != NONE {
            (prev, n - MAX_GRAM)
        } else if n > 0 {
            let id = self.id(Tok::Han(run));
            self.record(id, flag);
            (id, 0)
        } else {
            return;
        };
        for i in start + 1..n {
            id = match self.terms[id as usize].suffix {
                NONE => {
                    let suffix = self.id(Tok::Han(&run[i..]));
                    self.terms[id as usize].suffix = suffix;
                    suffix
                }
                suffix => suffix,
            };
            self.record(id, flag);
        }
    }

    /// Reads one document: afterwards [`Vocab::held`] lists its terms.
    fn read(&mut self, doc: &SearchDoc) {
        self.current += 1;
        self.held.clear();
        let mut folded = std::mem::take(&mut self.folded);
        // Title and number (flag IN_TITLE), then the body; a line break keeps n-grams from
        // spanning two fields.
        folded.clear();
        fold_into(&doc.title, &mut folded);
        folded.push('\n');
        fold_into(doc.number.as_deref().unwrap_or(""), &mut folded);
        self.add_text(&folded, IN_TITLE);
        folded.clear();
        fold_into(&doc.body, &mut folded);
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
        self.add_text(&folded[..head_end], IN_HEAD);
        // The rest of the body, from as far back as an n-gram across the cut starts: up to
        // three Han characters before it (the terms wholly in the head are held already, and
        // no word run crosses the cut). Reading the head twice cost a sixth of the reading.
        let mut rest = head_end;
        while rest + MAX_GRAM > head_end + 1 && rest > 0 && is_han(folded[rest - 1]) {
            rest -= 1;
        }
        if rest < folded.len() {
            self.add_text(&folded[rest..], 0);
        }
        self.folded = folded;
    }

    /// The terms of the document read last, with their flags.
    fn held(&self) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.held
            .iter()
            .map(|&id| (id, self.terms[id as usize].flags))
    }
}

/// The distinct terms of one document with their flags ([`IN_HEAD`], [`IN_TITLE`]).
pub(super) struct DocTerms {
    pub(super) keys: Vec<(Key, u32)>,
    /// The text of the document's long words (see [`Key`]).
    pub(super) long_words: Vec<(Key, String)>,
}

/// The terms of one document, read with `vocab` (kept between documents to spare allocations).
pub(super) fn doc_terms(vocab: &mut Vocab, doc: &SearchDoc) -> DocTerms {
    vocab.read(doc);
    let keys: Vec<(Key, u32)> = vocab
        .held()
        .map(|(id, flags)| (vocab.keys[id as usize], flags))
        .collect();
    let long_words = vocab
        .long_words
        .iter()
        .filter(|(k, _)| keys.iter().any(|(d, _)| d == k))
        .cloned()
        .collect();
    DocTerms { keys, long_words }
}

/// Time spent reading documents (making and tokenizing them), for `GONGKAI_SEARCH_TIMING`.
static TOKENIZE_NANOS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The postings of a run of consecutive documents: the terms it holds (not every term of the
/// vocabulary that read it), and the `l`th one's postings as [`Run::bytes`] holds them.
struct RunPostings {
    keys: Vec<Key>,
    run: Run,
    long_words: Vec<(Key, String)>,
}

/// A run's postings, compressed: a term's are `bytes[starts[l]..starts[l + 1]]`, each posting
/// as a LEB128 varint of its gap from the one before (from `first - 1` for the first), shifted
/// left by two, with its flags below. Most gaps in a run of a few hundred documents are small,
/// so a posting takes a byte where a `u32` took four.
struct Run {
    first: u32,
    starts: Vec<u32>,
    bytes: Vec<u8>,
    /// The last document of each term's postings, counted from `first`.
    lasts: Vec<u8>,
}

impl Run {
    fn piece(&self, l: usize) -> &[u8] {
        &self.bytes[self.starts[l] as usize..self.starts[l + 1] as usize]
    }
}

/// Terms are sorted into groups of `1 << GROUP_BITS` consecutive numbers first.
const GROUP_BITS: u32 = 8;

/// What one thread keeps from run to run: the vocabulary, whose terms and remembered
/// successors carry over (documents of the same site share their phrases), and buffers.
#[derive(Default)]
struct RunScratch {
    vocab: Vocab,
    pairs: Vec<(u32, u32)>,
    grouped: Vec<(u32, u32)>,
    post: Vec<u32>,
}

/// The postings of `docs`, the first of which is document number `first`.
fn run_postings(first: usize, docs: &[SearchDoc], scratch: &mut RunScratch) -> RunPostings {
    let RunScratch {
        vocab,
        pairs,
        grouped,
        post,
    } = scratch;
    // Every document's (term, posting), one document after the other.
    pairs.clear();
    for (i, doc) in docs.iter().enumerate() {
        vocab.read(doc);
        let id = ((first + i) as u32) << 2;
        pairs.extend(vocab.held().map(|(t, flags)| (t, id | flags)));
    }
    // Sorted by term by counting, in two passes so that each writes to few places at a time
    // (writing to every term's place at once misses the cache on nearly every posting):
    // first into groups of terms, then each group into its terms. Each term's postings stay
    // in document order.
    let terms = vocab.keys.len();
    let groups = (terms >> GROUP_BITS) + 1;
    let mut starts = vec![0u32; terms + 1];
    let mut group_starts = vec![0u32; groups + 1];
    for &(t, _) in pairs.iter() {
        starts[t as usize + 1] += 1;
        group_starts[(t >> GROUP_BITS) as usize + 1] += 1;
    }
    for t in 0..terms {
        starts[t + 1] += starts[t];
    }
    for g in 0..groups {
        group_starts[g + 1] += group_starts[g];
    }
    grouped.clear();
    grouped.resize(pairs.len(), (0, 0));
    let mut next = group_starts;
    for &pair in pairs.iter() {
        let g = (pair.0 >> GROUP_BITS) as usize;
        grouped[next[g] as usize] = pair;
        next[g] += 1;
    }
    let mut next = starts.clone();
    post.clear();
    post.resize(grouped.len(), 0);
    for &(t, p) in grouped.iter() {
        post[next[t as usize] as usize] = p;
        next[t as usize] += 1;
    }
    // The run keeps only the terms it holds (the vocabulary grows with every run the thread
    // reads), their postings compressed (see [`Run`]).
    let mut keys = Vec::new();
    let mut kept = vec![0u32];
    let mut lasts = Vec::new();
    let mut bytes = Vec::with_capacity(post.len() + post.len() / 8);
    let mut long = Vec::new();
    for t in 0..terms {
        let list = &post[starts[t] as usize..starts[t + 1] as usize];
        if list.is_empty() {
            continue;
        }
        let k = vocab.keys[t];
        keys.push(k);
        if k & LONG_FLAG != 0 {
            long.push(k);
        }
        let mut prev = (first as u32).wrapping_sub(1);
        for &p in list {
            let doc = p >> 2;
            push_leb(&mut bytes, (doc.wrapping_sub(prev) - 1) << 2 | p & 3);
            prev = doc;
        }
        kept.push(bytes.len() as u32);
        lasts.push((prev - first as u32) as u8);
    }
    bytes.shrink_to_fit();
    long.sort_unstable();
    let long_words = vocab
        .long_words
        .iter()
        .filter(|(k, _)| long.binary_search(k).is_ok())
        .cloned()
        .collect();
    RunPostings {
        keys,
        run: Run {
            first: first as u32,
            starts: kept,
            bytes,
            lasts,
        },
        long_words,
    }
}

#[inline]
fn push_leb(out: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        out.push(n as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads a LEB128 varint at the start of `bytes`: its value and length.
#[inline]
fn read_leb(bytes: &[u8]) -> (u32, usize) {
    let (mut n, mut shift) = (0u32, 0);
    for (i, &b) in bytes.iter().enumerate() {
        n |= ((b & 0x7F) as u32) << shift;
        if b & 0x80 == 0 {
            return (n, i + 1);
        }
        shift += 7;
    }
    (n, bytes.len())
}

/// Every term's postings: the sorted document numbers, each shifted left by two with its
/// flags below, compressed as a run's are (see [`Run`]) but counted from -1, and each term's
/// in one place, so that reading a term's postings reads one stretch of memory.
pub(super) struct Postings {
    /// Every term's key, by term number.
    pub(super) keys: Vec<Key>,
    /// Every term's postings, by term number.
    lists: Vec<Box<[u8]>>,
    /// The text of the long words (see [`Key`]).
    pub(super) long_words: HashMap<Key, String>,
    /// What the index is made from ([`Source`]).
    pub(super) source: Source,
}

impl Postings {
    /// Term `t`'s postings, appended to `out`.
    #[inline]
    pub(super) fn list_into(&self, t: u32, out: &mut Vec<u32>) {
        let bytes = &self.lists[t as usize];
        // At most one posting per byte.
        out.reserve(bytes.len());
        let mut doc = u32::MAX;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            let n = if b < 0x80 {
                i += 1;
                b as u32
            } else {
                let (n, len) = read_leb(&bytes[i..]);
                i += len;
                n
            };
            doc = doc.wrapping_add((n >> 2) + 1);
            out.push(doc << 2 | n & 3);
        }
    }

    /// Calls `f` with every term of `terms`, in order, and its postings.
    pub(super) fn for_each_list(&self, terms: Range<u32>, mut f: impl FnMut(u32, &[u32])) {
        let mut list = Vec::new();
        for t in terms {
            list.clear();
            self.list_into(t, &mut list);
            f(t, &list);
        }
    }

    /// The length of term `t`'s entry value (see [`compressed_value_len`]).
    fn value_len(&self, t: u32, total: u32) -> usize {
        compressed_value_len(&self.lists[t as usize], total)
    }

    /// Roughly how many bytes of memory the postings take.
    fn heap_bytes(&self) -> usize {
        self.keys.capacity() * std::mem::size_of::<Key>()
            + self.lists.capacity() * std::mem::size_of::<Box<[u8]>>()
            + self.lists.iter().map(|l| l.len()).sum::<usize>()
    }

    /// The text of term `t`.
    fn text(&self, t: u32) -> String {
        key_text(self.keys[t as usize], &self.long_words)
    }

    /// Every term's (text, entry value), by term number.
    pub(super) fn entries(&self, total: u32) -> Vec<(String, String)> {
        (0..self.keys.len() as u32)
            .into_par_iter()
            .map_init(Vec::new, |list, t| {
                list.clear();
                self.list_into(t, list);
                (self.text(t), encode_value(list, total))
            })
            .collect()
    }
}

/// How many consecutive documents make one run of the build: many runs per thread, so the
/// threads share the work out evenly, and a run's documents and buffers stay small. Record
/// files never straddle two runs.
const CHUNK: usize = 256;
const _: () = assert!(CHUNK.is_multiple_of(RECORDS_PER_FILE));
// A run keeps its terms' last documents as offsets of a byte.
const _: () = assert!(CHUNK <= 256);

/// How many runs each thread reads, a batch at a time, before their postings join the
/// index's: a run's own list of its terms costs more memory than its postings (on real text
/// each run holds most of the site's terms; at 100,000 tasks the runs' lists, all held, were
/// 2.2 GB), so only a batch of runs is held, and the batch before it while it joins. Enough
/// for the threads to share the work out.
const RUNS_PER_THREAD: usize = 8;

/// The threads' [`RunScratch`]es between batches, so that a vocabulary keeps what it learnt.
type ScratchPool = Mutex<Vec<RunScratch>>;

/// A scratch lent from the pool to one of rayon's jobs, and given back when the job is done.
struct Lent<'a> {
    scratch: RunScratch,
    pool: &'a ScratchPool,
}

impl<'a> Lent<'a> {
    fn from(pool: &'a ScratchPool) -> Self {
        let scratch = pool.lock().unwrap_or_else(|e| e.into_inner()).pop();
        Lent {
            scratch: scratch.unwrap_or_default(),
            pool,
        }
    }
}

impl Drop for Lent<'_> {
    fn drop(&mut self) {
        let scratch = std::mem::take(&mut self.scratch);
        self.pool
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(scratch);
    }
}

/// Reads every document of `source` (see [`Vocab`]), a run at a time, and gives the postings
/// of every term. Each run's record files are written to `records` as soon as it is read, and
/// its documents let go; each batch of runs joins the index's postings while the next batch is
/// read, and is let go.
pub(super) fn postings<S: DocSource + ?Sized>(
    source: &S,
    records: &dyn Sink,
) -> Result<Postings, (String, io::Error)> {
    let batch_runs = RUNS_PER_THREAD * rayon::current_num_threads();
    postings_in_batches(source, records, batch_runs)
}

/// [`postings`], reading `batch_runs` runs at a time.
fn postings_in_batches<S: DocSource + ?Sized>(
    source: &S,
    records: &dyn Sink,
    batch_runs: usize,
) -> Result<Postings, (String, io::Error)> {
    let t = std::time::Instant::now();
    let total = source.count();
    let pool = ScratchPool::default();
    let mut joined = Joined::default();
    let runs = total.div_ceil(CHUNK);
    let read = |batch: usize| -> Result<Vec<(RunPostings, Source)>, (String, io::Error)> {
        (batch..runs.min(batch + batch_runs))
            .into_par_iter()
            .map_init(
                || Lent::from(&pool),
                |lent, c| {
                    let range = run_range(c, total);
                    let docs = source.docs(range.clone());
                    let run = run_postings(range.start, &docs, &mut lent.scratch);
                    for (i, group) in docs.chunks(RECORDS_PER_FILE).enumerate() {
                        let (path, bytes) = records_file(range.start / RECORDS_PER_FILE + i, group);
                        records.write(&path, &bytes).map_err(|e| (path, e))?;
                    }
                    Ok((run, Source::of(range.start, &docs)))
                },
            )
            .collect()
    };
    // Joining is one thread's work, in run order: the batch read last joins while the next
    // is read, so the other threads are not left idle through it (on real text the join is
    // about a fifth of the index's work, on the generated corpus a twentieth).
    let mut pending = Vec::new();
    for batch in (0..runs).step_by(batch_runs) {
        let (next, ()) = rayon::join(|| read(batch), || joined.add_all(pending));
        pending = next?;
    }
    joined.add_all(pending);
    TOKENIZE_NANOS.store(
        t.elapsed().as_nanos() as u64,
        std::sync::atomic::Ordering::Relaxed,
    );
    Ok(joined.into_postings())
}

/// The postings of the runs read so far, joined: every term numbered in the order the runs
/// first hold it, and its postings, run after run.
#[derive(Default)]
struct Joined {
    ids: FxMap<Key, u32>,
    keys: Vec<Key>,
    /// Each term's postings so far, and its last document.
    lists: Vec<Vec<u8>>,
    last: Vec<u32>,
    long_words: HashMap<Key, String>,
    source: Source,
}

impl Joined {
    /// Adds the next runs, in order, with their sources.
    fn add_all(&mut self, runs: Vec<(RunPostings, Source)>) {
        for (run, source) in runs {
            self.add(run);
            self.source.add(source);
        }
    }

    /// Adds the next run: its bytes as they are, but for each term's first gap, counted from
    /// the term's last document in the runs before instead of from the run's start.
    fn add(&mut self, postings: RunPostings) {
        let RunPostings {
            keys,
            run,
            long_words,
        } = postings;
        for (l, k) in keys.into_iter().enumerate() {
            let t = *self.ids.entry(k).or_insert_with(|| {
                self.keys.push(k);
                self.lists.push(Vec::new());
                self.last.push(u32::MAX);
                self.keys.len() as u32 - 1
            }) as usize;
            let piece = run.piece(l);
            let (first, len) = read_leb(piece);
            let doc = run.first + (first >> 2);
            let gap = (doc.wrapping_sub(self.last[t]) - 1) << 2 | first & 3;
            let list = &mut self.lists[t];
            push_leb(list, gap);
            list.extend_from_slice(&piece[len..]);
            self.last[t] = run.first + run.lasts[l] as u32;
        }
        self.long_words.extend(long_words);
    }

    fn into_postings(self) -> Postings {
        Postings {
            keys: self.keys,
            lists: self.lists.into_iter().map(Vec::into_boxed_slice).collect(),
            long_words: self.long_words,
            source: self.source,
        }
    }
}

/// The head of a body as the record keeps it.
pub fn head_text(body: &str) -> &str {
    let end = body
        .char_indices()
        .nth(HEAD_CHARS)
        .map_or(body.len(), |(i, _)| i);
    &body[..end]
}

/// What an index is made from: every document, by its number and [`super::held::doc_hash`],
/// summed so that runs read in any order (and `serve`'s patches, one document at a time) give
/// the same value. `meta.js` names it, with the number of documents and the code the binary is
/// built from, as `src` ([`Source::name`]): two builds whose `src` agree write the same
/// search files, which lets a rebuild keep the index of the site it starts from instead of
/// making it again ([`write_index`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Source(u128);

impl Source {
    /// Documents `first`, `first + 1`, … of `docs`.
    pub(super) fn of(first: usize, docs: &[SearchDoc]) -> Source {
        let mut s = Source::default();
        for (i, doc) in docs.iter().enumerate() {
            s.add_doc(first + i, super::held::doc_hash(doc));
        }
        s
    }

    /// The documents whose hashes are `hashes`, numbered from 0.
    pub(super) fn of_hashes(hashes: &[u128]) -> Source {
        hashes
            .par_iter()
            .enumerate()
            .map(|(i, &h)| {
                let mut s = Source::default();
                s.add_doc(i, h);
                s
            })
            .sum()
    }

    fn add_doc(&mut self, n: usize, hash: u128) {
        let mut bytes = [0u8; 24];
        bytes[..8].copy_from_slice(&(n as u64).to_le_bytes());
        bytes[8..].copy_from_slice(&hash.to_le_bytes());
        self.0 = self.0.wrapping_add(super::held::hash_bytes(&bytes));
    }

    fn add(&mut self, other: Source) {
        self.0 = self.0.wrapping_add(other.0);
    }

    /// `meta.js`'s `src`: this source, the number of documents and the code (hex).
    pub(super) fn name(self, total: u32) -> String {
        let mut bytes = Vec::with_capacity(48);
        bytes.extend_from_slice(&self.0.to_le_bytes());
        bytes.extend_from_slice(&total.to_le_bytes());
        bytes.extend_from_slice(env!("GONGKAI_CODE_HASH").as_bytes());
        format!("{:032x}", super::held::hash_bytes(&bytes))
    }
}

impl std::iter::Sum for Source {
    fn sum<I: Iterator<Item = Source>>(iter: I) -> Source {
        iter.fold(Source::default(), |mut a, b| {
            a.add(b);
            a
        })
    }
}

/// Documents `c * CHUNK` up to the next run's first (or the end): run `c` of the index's reading.
fn run_range(c: usize, total: usize) -> Range<usize> {
    c * CHUNK..total.min(c * CHUNK + CHUNK)
}

/// What a `meta.js` says.
#[derive(Debug, serde::Deserialize)]
struct Meta {
    docs: u32,
    parts: usize,
    group: usize,
    src: String,
}

impl Meta {
    fn parse(bytes: &[u8]) -> Option<Meta> {
        let text = std::str::from_utf8(bytes).ok()?;
        let json = text
            .strip_prefix("gongkaiSearch(\"meta\",0,")?
            .strip_suffix(");\n")?;
        serde_json::from_str(json).ok()
    }

    /// The files of the index it describes.
    fn files(&self) -> Vec<String> {
        let mut files = vec!["search/meta.js".to_string(), "search/fold.js".to_string()];
        files.extend((0..self.parts).map(part_path));
        files.extend((0..(self.docs as usize).div_ceil(self.group)).map(records_path));
        files
    }
}

fn js_call(kind: &str, n: usize, json: &str) -> Vec<u8> {
    format!("gongkaiSearch(\"{kind}\",{n},{json});\n").into_bytes()
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Builds every search file (see [`super`]), sorted by path.
pub fn build(docs: &[SearchDoc]) -> Vec<(String, Vec<u8>)> {
    let files = Collect::default();
    match write_index(docs, &files) {
        Ok(()) => files.into_sorted(),
        Err(_) => unreachable!("collecting files never fails"),
    }
}

/// Writes every search file of `source` to `sink` (see [`super::write_index`]).
pub(super) fn write_index<S: DocSource + ?Sized>(
    source: &S,
    sink: &dyn Sink,
) -> Result<(), (String, io::Error)> {
    let total = source.count() as u32;
    let timing = timing();
    let started = std::time::Instant::now();
    if keep_index(source, sink) {
        if timing {
            eprintln!(
                "search: the index kept, its documents unchanged {:.2?}",
                started.elapsed()
            );
        }
        return Ok(());
    }
    let postings = postings(source, sink)?;
    report_postings(timing, started, &postings);
    write_parts_from(&postings, total, sink)?;
    if timing {
        eprintln!(
            "search: {} terms encoded, files {:.2?}",
            postings.keys.len(),
            started.elapsed()
        );
    }
    Ok(())
}

/// Whether the site the sink starts from holds the index of these very documents, made by this
/// same code (its `meta.js` names their [`Source`]), and the sink took its files as they are
/// ([`Sink::keep_group`]). Reading the documents to know their source costs a few per cent of
/// making the index (50 ms against 1.4 s on the 10k corpus), and only when there is such a site.
fn keep_index<S: DocSource + ?Sized>(source: &S, sink: &dyn Sink) -> bool {
    let total = source.count();
    let now = std::cell::OnceCell::new();
    sink.keep_group("search/meta.js", &|bytes| {
        let meta = Meta::parse(bytes)?;
        if meta.docs as usize != total || meta.group != RECORDS_PER_FILE || meta.parts > 1 << 24 {
            return None;
        }
        let now = now.get_or_init(|| {
            (0..total.div_ceil(CHUNK))
                .into_par_iter()
                .map(|c| {
                    let range = run_range(c, total);
                    Source::of(range.start, &source.docs(range))
                })
                .sum::<Source>()
                .name(total as u32)
        });
        (meta.src == *now).then(|| meta.files())
    })
}

/// Writes `search/meta.js`, `search/fold.js` and every part straight from the postings, as
/// [`write_parts`] writes them from the entries. A first pass measures every term's entry (the
/// number of parts follows from their total size); the second encodes each part's entries
/// again as it writes the part. The entries are never all held: at 100,000 tasks they are
/// hundreds of megabytes, and encoding twice costs far less than that.
fn write_parts_from(
    postings: &Postings,
    total: u32,
    sink: &dyn Sink,
) -> Result<(), (String, io::Error)> {
    let terms = postings.keys.len() as u32;
    let texts: Vec<String> = (0..terms)
        .into_par_iter()
        .map(|t| postings.text(t))
        .collect();
    let size: usize = (0..terms)
        .into_par_iter()
        .map(|t| entry_len(texts[t as usize].len(), postings.value_len(t, total)))
        .sum();
    let parts = part_count(size);
    let by_part = layout(texts.len(), parts, |t| Some(&texts[t]));
    let write = |(path, bytes): (String, Vec<u8>)| sink.write(&path, &bytes).map_err(|e| (path, e));
    write(meta_file(total, parts, postings.source))?;
    write(fold_file(texts.iter().map(String::as_str)))?;
    by_part
        .par_iter()
        .enumerate()
        .try_for_each_init(Vec::new, |list, (n, ts)| {
            let values: Vec<String> = ts
                .iter()
                .map(|&t| {
                    list.clear();
                    postings.list_into(t, list);
                    encode_value(list, total)
                })
                .collect();
            write(part_file(
                n,
                ts.iter()
                    .zip(&values)
                    .map(|(&t, v)| (&texts[t as usize][..], &v[..])),
            ))
        })
}

/// A sink that keeps the files written to it, for [`build`] and [`super::held`].
#[derive(Default)]
pub(super) struct Collect(Mutex<Vec<(String, Vec<u8>)>>);

impl Sink for Collect {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((rel.to_string(), bytes.to_vec()));
        Ok(())
    }
}

impl Collect {
    /// The files written, sorted by path.
    pub(super) fn into_sorted(self) -> Vec<(String, Vec<u8>)> {
        let mut files = self.0.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        files
    }
}

/// Is `GONGKAI_SEARCH_TIMING` set (the build then reports its phases on stderr)?
pub(super) fn timing() -> bool {
    std::env::var_os("GONGKAI_SEARCH_TIMING").is_some()
}

pub(super) fn report_postings(timing: bool, started: std::time::Instant, postings: &Postings) {
    if timing {
        let tok = TOKENIZE_NANOS.load(std::sync::atomic::Ordering::Relaxed);
        eprintln!(
            "search: postings {:.2?} (reading {:.2}s; {:.1} MB for {} terms)",
            started.elapsed(),
            tok as f64 / 1e9,
            postings.heap_bytes() as f64 / 1e6,
            postings.keys.len()
        );
    }
}

/// How many parts entries of `size` bytes (see [`entry_size`]) are split into.
pub(super) fn part_count(size: usize) -> usize {
    size.div_ceil(PART_TARGET).max(1)
}

/// The bytes one term's entry counts for in choosing the number of parts.
pub(super) fn entry_size(text: &str, value: &str) -> usize {
    entry_len(text.len(), value.len())
}

/// [`entry_size`] from the lengths of the term's text and value.
fn entry_len(text: usize, value: usize) -> usize {
    text + value + 4
}

/// The part a term goes to.
pub(super) fn part_of(text: &str, parts: usize) -> usize {
    term_hash(text) as usize % parts
}

/// Which entries, as positions in the list of entries, each part holds, in the order the part
/// writes them.
pub(super) type Layout = Vec<Vec<u32>>;

/// The [`Layout`] of `count` terms in `parts` parts, given each term's text (`None` for a term
/// left out): a term goes to the part its text hashes to, and each part holds its terms sorted
/// by text (no two terms have the same text).
pub(super) fn layout<'a>(
    count: usize,
    parts: usize,
    text: impl Fn(usize) -> Option<&'a str> + Sync,
) -> Layout {
    let mut by_part: Layout = vec![Vec::new(); parts];
    for t in 0..count {
        if let Some(text) = text(t) {
            by_part[part_of(text, parts)].push(t as u32);
        }
    }
    by_part
        .par_iter_mut()
        .for_each(|p| p.sort_unstable_by(|&a, &b| text(a as usize).cmp(&text(b as usize))));
    by_part
}

/// Writes `search/meta.js`, `search/fold.js` and every part from the terms' entries (text,
/// value) to `sink`, and gives their [`Layout`].
pub(super) fn write_parts(
    entries: &[(String, String)],
    total: u32,
    source: Source,
    sink: &dyn Sink,
) -> Result<Layout, (String, io::Error)> {
    let size: usize = entries.iter().map(|(k, v)| entry_size(k, v)).sum();
    let parts = part_count(size);
    let by_part = layout(entries.len(), parts, |i| Some(&entries[i].0));
    let write = |(path, bytes): (String, Vec<u8>)| sink.write(&path, &bytes).map_err(|e| (path, e));
    write(meta_file(total, parts, source))?;
    write(fold_file(entries.iter().map(|(k, _)| k.as_str())))?;
    by_part.par_iter().enumerate().try_for_each(|(n, es)| {
        write(part_file(
            n,
            es.iter()
                .map(|&i| (&entries[i as usize].0[..], &entries[i as usize].1[..])),
        ))
    })?;
    Ok(by_part)
}

/// `search/meta.js`.
pub(super) fn meta_file(total: u32, parts: usize, source: Source) -> (String, Vec<u8>) {
    (
        "search/meta.js".into(),
        js_call(
            "meta",
            0,
            &format!(
                "{{\"v\":{FORMAT_VERSION},\"docs\":{total},\"parts\":{parts},\"group\":{RECORDS_PER_FILE},\"head\":{HEAD_CHARS},\"src\":\"{}\"}}",
                source.name(total)
            ),
        ),
    )
}

/// `search/fold.js`: the pairs of the Traditional → Simplified table whose Simplified
/// character is on the site, that is, one of the index's `terms` (every Han character of the
/// folded text is a term of its own). A query character whose Simplified form is nowhere on
/// the site matches nothing, folded or not, so its pair would only weigh on every cold query:
/// on real plans' text 929 of the 4,105 pairs are used, 2.4 kB gzip where the whole table is
/// 10.7 kB. The records' text folds with the same pairs, and every character of it is on the
/// site.
pub(super) fn fold_file<'a>(terms: impl Iterator<Item = &'a str>) -> (String, Vec<u8>) {
    let mut on_site = std::collections::HashSet::new();
    for term in terms {
        let mut chars = term.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            on_site.insert(c);
        }
    }
    let used: BTreeMap<char, char> = t2s_table()
        .iter()
        .filter(|(_, s)| !is_han(**s) || on_site.contains(*s))
        .map(|(&t, &s)| (t, s))
        .collect();
    (
        "search/fold.js".into(),
        js_call("fold", 0, &json_str(&encode_fold_table(&used))),
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
    let mut rec: BTreeMap<&str, &str> = BTreeMap::new();
    rec.insert("u", &d.url);
    rec.insert("t", &d.title);
    rec.insert("k", d.kind);
    for (key, value) in [("n", &d.number), ("p", &d.plan), ("s", &d.status)] {
        if let Some(v) = value {
            rec.insert(key, v);
        }
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

    /// Pseudo-random numbers, the same for the same seed.
    fn numbers(mut seed: u64) -> impl FnMut() -> u32 {
        move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as u32
        }
    }

    #[test]
    fn value_len_is_the_length_of_the_value() {
        // Sparse and dense sets, with no, some and every document flagged.
        let mut next = numbers(7);
        for total in [1, 5, 64, 1000] {
            for density in [1, 3, 10, 60, 100] {
                let mut list = Vec::new();
                for d in 0..total {
                    if next() % 100 < density {
                        list.push((d << 2) | (next() % 4));
                    }
                }
                for list in [
                    list.clone(),
                    list.iter().map(|v| v & !3).collect(),
                    list.iter().map(|v| v | 3).collect(),
                ] {
                    // Compressed as the build keeps them: gaps from -1, flags below.
                    let mut bytes = Vec::new();
                    let mut prev = u32::MAX;
                    for &p in &list {
                        push_leb(
                            &mut bytes,
                            (p >> 2).wrapping_sub(prev).wrapping_sub(1) << 2 | p & 3,
                        );
                        prev = p >> 2;
                    }
                    assert_eq!(
                        compressed_value_len(&bytes, total),
                        encode_value(&list, total).len(),
                        "{total} {density}"
                    );
                }
            }
        }
    }

    #[test]
    fn flag_positions_are_written_as_a_set_of_positions() {
        let mut next = numbers(11);
        for len in [1, 2, 6, 7, 40, 500] {
            for density in [1, 10, 50, 90, 99] {
                let list: Vec<u32> = (0..len)
                    .map(|d| d << 2 | u32::from(next() % 100 < density))
                    .collect();
                let count = list.iter().filter(|&&v| v & IN_HEAD != 0).count();
                let mut fast = Vec::new();
                write_positions(&mut fast, &list, IN_HEAD, count);
                let positions: Vec<u32> = (0..len)
                    .filter(|&i| list[i as usize] & IN_HEAD != 0)
                    .collect();
                assert_eq!(ascii(fast), encode_set(&positions, len), "{len} {density}");
            }
        }
    }

    #[test]
    fn fold_table_is_gaps_and_zigzag_distances() {
        let table: BTreeMap<char, char> = [('\u{3}', '\u{1}'), ('\u{5}', '\u{41}')].into();
        // 3: gap 3, distance -2 → 3; 5: gap 1, distance 60 → 120 = 3·32 + 24 ("j", "Y").
        assert_eq!(encode_fold_table(&table), "DDBjY");
    }

    #[test]
    fn meta_names_the_documents_the_index_is_made_from() {
        let doc = |i: usize, body: &str| SearchDoc {
            url: format!("t/{i}/index.html"),
            title: format!("任务{i}"),
            kind: "task",
            number: None,
            plan: None,
            status: None,
            body: body.into(),
        };
        let docs: Vec<SearchDoc> = (0..CHUNK + 9)
            .map(|i| doc(i, &format!("推进第{i}批污水管网建设")))
            .collect();
        let src = |docs: &[SearchDoc]| {
            let files = build(docs);
            let meta = &files.iter().find(|(p, _)| p == "search/meta.js").unwrap().1;
            Meta::parse(meta).unwrap().src
        };
        let name = src(&docs);
        assert_eq!(name.len(), 32);
        assert_eq!(src(&docs), name, "the same documents");
        // As serve's held index counts it, from the documents' hashes.
        let hashes: Vec<u128> = docs.iter().map(super::super::held::doc_hash).collect();
        assert_eq!(Source::of_hashes(&hashes).name(docs.len() as u32), name);
        let mut edited = docs.clone();
        edited[CHUNK + 3].body.push('。');
        assert_ne!(src(&edited), name, "one character more");
        let mut swapped = docs.clone();
        swapped.swap(2, 3);
        assert_ne!(src(&swapped), name, "two documents in the other order");
        assert_ne!(src(&docs[1..]), name, "one document fewer");
        // And `meta.js` lists the files of the index it heads.
        let files = build(&docs);
        let meta =
            Meta::parse(&files.iter().find(|(p, _)| p == "search/meta.js").unwrap().1).unwrap();
        let mut listed = meta.files();
        listed.sort();
        let made: Vec<String> = files.into_iter().map(|(p, _)| p).collect();
        assert_eq!(listed, made);
    }

    #[test]
    fn fold_js_carries_the_pairs_of_the_characters_on_the_site() {
        // 處 (→ 处) is on the site, in Traditional; 龍 (→ 龙) is in the table but on no page.
        let docs = [SearchDoc {
            url: "plans/p/index.html".into(),
            title: "污水處理".into(),
            kind: "plan",
            number: None,
            plan: None,
            status: None,
            body: "到2025年,污水处理率达到98%".into(),
        }];
        let files = crate::search::build_index(&docs);
        let fold = &files.iter().find(|(p, _)| p == "search/fold.js").unwrap().1;
        let on_site: Vec<char> = "污水处理到年率达".chars().collect();
        let used: BTreeMap<char, char> = t2s_table()
            .iter()
            .filter(|(_, s)| on_site.contains(s) || !is_han(**s))
            .map(|(&t, &s)| (t, s))
            .collect();
        assert_eq!(used.get(&'處'), Some(&'处'));
        assert_eq!(t2s_table().get(&'龍'), Some(&'龙'));
        assert!(!used.contains_key(&'龍'));
        let expected = js_call("fold", 0, &json_str(&encode_fold_table(&used)));
        assert_eq!(
            String::from_utf8_lossy(fold),
            String::from_utf8_lossy(&expected)
        );
    }

    #[test]
    fn longest_tokens_give_every_term_and_flag_once() {
        let text: Vec<char> = "推进城乡生活污水治理,城乡生活污水治理率达到98%,PM2.5下降。推进城乡"
            .chars()
            .map(super::super::fold::fold_char)
            .collect();
        let fields = [(0..12, IN_TITLE), (0..text.len(), 0), (0..20, IN_HEAD)];
        let mut all: FxMap<Key, u32> = FxMap::default();
        for (range, flag) in fields.clone() {
            super::super::tokenize::for_each_index_token(&text[range], |t| {
                *all.entry(key_of(t)).or_insert(0) |= flag;
            });
        }
        let mut vocab = Vocab {
            current: 1,
            ..Vocab::default()
        };
        for (range, flag) in fields {
            vocab.add_text(&text[range], flag);
        }
        let held: Vec<(Key, u32)> = vocab
            .held()
            .map(|(id, flags)| (vocab.keys[id as usize], flags))
            .collect();
        assert_eq!(held.len(), all.len(), "a term held twice");
        assert_eq!(held.into_iter().collect::<FxMap<_, _>>(), all);
    }

    #[test]
    fn a_vocab_reads_each_document_afresh() {
        let doc = |title: &str, body: &str| SearchDoc {
            url: String::new(),
            title: title.into(),
            kind: "task",
            number: Some("(三)1.".into()),
            plan: None,
            status: None,
            body: body.into(),
        };
        let a = doc("城乡生活污水治理", "城乡生活污水治理率达到98%,PM2.5下降");
        let b = doc("污水治理提质增效", "到2025年,城乡生活污水治理率达到98%以上");
        let sorted = |mut t: DocTerms| {
            t.keys.sort_unstable();
            t.keys
        };
        let mut shared = Vocab::default();
        let _ = doc_terms(&mut shared, &a);
        assert_eq!(
            sorted(doc_terms(&mut shared, &b)),
            sorted(doc_terms(&mut Vocab::default(), &b))
        );
    }

    #[test]
    fn postings_joined_over_runs_and_batches_are_every_documents_terms() {
        let phrases = [
            "城乡生活污水治理",
            "污水处理率达到98%",
            "推进碳达峰",
            "PM2.5下降",
            "生态环境质量持续提升",
            "新能源汽车",
        ];
        // Five runs and a part of one, read two at a time: terms every run holds, terms of a
        // few documents far apart (the numbers), terms first met in a later run (the batches).
        let docs: Vec<SearchDoc> = (0..CHUNK * 5 + 17)
            .map(|i| SearchDoc {
                url: format!("d/{i}/index.html"),
                title: phrases[i % 6].into(),
                kind: "task",
                number: None,
                plan: None,
                status: None,
                body: format!(
                    "{}。{},第{}项,第{}批",
                    phrases[(i / 7) % 6],
                    phrases[(i * 5 / 3) % 6],
                    i % 97,
                    i / 300
                ),
            })
            .collect();
        let postings = postings_in_batches(&docs[..], &Collect::default(), 2).unwrap();
        let mut want: FxMap<Key, Vec<u32>> = FxMap::default();
        for (d, doc) in docs.iter().enumerate() {
            for (k, flags) in doc_terms(&mut Vocab::default(), doc).keys {
                want.entry(k).or_default().push((d as u32) << 2 | flags);
            }
        }
        let got: FxMap<Key, Vec<u32>> = (0..postings.keys.len() as u32)
            .map(|t| {
                let mut list = Vec::new();
                postings.list_into(t, &mut list);
                (postings.keys[t as usize], list)
            })
            .collect();
        assert!(want.contains_key(&key_of(Tok::Word(&['5']))));
        assert_eq!(got.len(), want.len());
        assert_eq!(got, want);
    }

    #[test]
    fn term_hash_is_fnv1a_over_code_points() {
        assert_eq!(term_hash(""), 0x811c_9dc5);
        // Same value as search.js computes (checked in tests/search_browser.rs).
        assert_eq!(term_hash("a"), 0xe40c_292c);
    }
}
