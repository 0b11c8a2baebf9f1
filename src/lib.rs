//! gongkai (公开): a static site generator for public transparency portals.
//!
//! The pipeline (DESIGN §2), one module per stage:
//! `content` (load) → `validate` → `derive` → `render` / `search` / `export` → `output` (write).
//! `build` strings the stages together; `import`, `mirror` and `serve` are the other commands.

pub mod build;
pub mod content;
pub mod derive;
pub mod diagnostics;
pub mod disclosure;
pub mod export;
pub mod history;
pub mod import;
pub mod lint;
pub mod markdown;
pub mod mirror;
pub mod model;
pub mod output;
pub mod render;
pub mod search;
pub mod serve;
pub mod validate;
