//! Derive: the validated content → [`SiteData`], the one value every output renders from.
//!
//! In: [`Content`] after validation. Out: plain serialisable data — target status and tracker
//! inputs, task status and roll-ups, unit responsibility lists and scorecards, the update
//! timeline, page URLs, the disclosure catalogue with its 索引号 ([`catalogue`]) and the change
//! log ([`changes`]) — with nothing left to compute in templates. Computed as of one date
//! (`site.toml`'s `as_of`, else the newest report), never the wall clock, so the same input
//! always derives the same value. It never touches the file system.

pub mod catalogue;
pub mod changes;
pub mod chart;
pub mod columns;
pub mod compare;
mod site;
pub mod status;

pub use site::*;
