//! Search: Chinese full-text search that works without a server (DESIGN §7).
//!
//! In: the site's documents as [`SearchDoc`]s (tasks, plans, units, disclosure pages).
//! Out: the files under `search/` that `static/search.js` loads with `<script>` tags, so the
//! search page works over http and from `file://` alike:
//!
//! ```text
//! search/meta.js        counts: documents, index parts, records per file, format version;
//!                       `src`, the name of the documents and code the index is made from
//! search/fold.js        the pairs of the Traditional → Simplified table whose Simplified
//!                       character is on the site (see `index::fold_file`)
//! search/p/<n>.js       index part n: the postings of the terms whose hash falls in n
//! search/d/<n>.js       the records of documents 4n to 4n+3: url, title, kind, number, plan,
//!                       status, and the head of its text for the snippet
//! ```
//!
//! The index is an inverted index built at build time and queried in the browser, as in lunr,
//! but split by term (a query loads only the parts holding its terms) and with compact postings
//! (see [`index`]): elasticlunr-rs's JSON layout holds a trie of every term with a document map
//! per node and cannot be split or kept small enough at 10,000 tasks (figures in
//! `bench/search/README.md`). [`tokenize::Chinese`] is the same tokenizer as an elasticlunr-rs
//! `Language`, for anyone who wants the elasticlunr layout for a small site.
//!
//! `gongkai serve` holds the index between builds ([`held::Held`]) and, after an edit, rewrites
//! only the search files whose bytes change: the parts holding the edited documents' changed
//! terms and their record groups.
//!
//! A build makes the documents a run at a time from the derived site ([`site::SiteDocs`], a
//! [`DocSource`]) and writes the files through the build's sink as they are made
//! ([`write_index`]): what stays until the end is the terms' postings, never the documents'
//! text or the whole index's bytes.
//!
//! A rebuild keeps the index of the site it starts from, instead of making it, when that
//! site's `meta.js` names the same documents and code (`index::Source`) and the sink vouches
//! for every file of it ([`crate::output::Sink::keep_group`]).
//!
//! Never: reads files, or writes anything but through the sink it is handed; the same
//! documents give the same bytes.

use std::borrow::Cow;
use std::io;
use std::ops::Range;

use crate::output::Sink;

pub mod held;
pub mod index;
pub mod site;
pub mod tokenize;

/// The folding the index is made with, shared with the checks and the 繁體 switch.
pub use crate::util::fold;

/// One searchable document, as the site core hands it over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDoc {
    /// Relative to the site root, an explicit file: "plans/wuhan-yangtze-2022/tasks/3/index.html".
    pub url: String,
    /// Shown as the result link text.
    pub title: String,
    /// "task" | "plan" | "unit" | "page".
    pub kind: &'static str,
    /// Printed numbering, e.g. "二(九)" or "(三)1.".
    pub number: Option<String>,
    /// The plan title, shown under the result.
    pub plan: Option<String>,
    /// Status label in Chinese, e.g. "按计划推进".
    pub status: Option<String>,
    /// Plain text: task text, units, target texts, progress report text.
    pub body: String,
}

/// The site's documents, numbered from 0 in site order, made a range at a time: a build asks
/// for a few hundred at once and lets them go once read, so the whole site's text is never
/// held as documents.
pub trait DocSource: Sync {
    /// How many documents there are.
    fn count(&self) -> usize;
    /// Documents `range.start` to `range.end - 1`, in order.
    fn docs(&self, range: Range<usize>) -> Cow<'_, [SearchDoc]>;
}

impl DocSource for [SearchDoc] {
    fn count(&self) -> usize {
        self.len()
    }
    fn docs(&self, range: Range<usize>) -> Cow<'_, [SearchDoc]> {
        Cow::Borrowed(&self[range])
    }
}

/// Every search file, as (path relative to the output root, bytes), sorted by path.
pub fn build_index(docs: &[SearchDoc]) -> Vec<(String, Vec<u8>)> {
    index::build(docs)
}

/// Writes every search file of `source`'s documents to `sink`, each as soon as it is made;
/// the bytes are [`build_index`]'s. On failure, the path that could not be written.
pub fn write_index(source: &dyn DocSource, sink: &dyn Sink) -> Result<(), (String, io::Error)> {
    index::write_index(source, sink)
}
