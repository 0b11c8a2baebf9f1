//! Helpers every stage needs, below all of them: escaping, number formatting, URLs, the
//! Traditional → Simplified folding (checks, search and the 繁體 switch fold alike), the
//! hash `serve` detects changes with, and a struct serialised with more fields after its own.
//!
//! Nothing here knows the site model or any stage; every stage may use it, and it uses none of
//! them. (DESIGN §2: no module imports from a later stage.)

pub mod escape;
pub mod fold;
pub mod hash;
pub mod number;
pub mod ser;
pub mod url;

/// The file that marks a folder as a build's staging folder (`output`); a site's `static/`
/// may not hold one (`content::static_files`).
pub const STAGING_MARK: &str = ".gongkai-staging";
