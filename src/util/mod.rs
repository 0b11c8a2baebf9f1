//! Helpers every stage needs, below all of them: escaping, number formatting, URLs, and the
//! hash `serve` detects changes with.
//!
//! Nothing here knows the site model or any stage; every stage may use it, and it uses none of
//! them. (DESIGN §2: no module imports from a later stage.)

pub mod escape;
pub mod hash;
pub mod number;
pub mod url;
