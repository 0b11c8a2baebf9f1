//! Themes: the built-in default theme (embedded in the binary, so a site without a themes/
//! folder still builds) and a site's own `themes/<name>/`, which overrides it file by file.

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use crate::content::read_user_file;
use crate::diagnostics::Diagnostics;

/// The default theme as shipped.
pub static THEME_FILES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

pub struct Theme {
    /// (template name, source), e.g. ("task.html", "…").
    pub templates: Vec<(String, String)>,
    /// (path under static/, bytes).
    pub statics: Vec<(String, Vec<u8>)>,
    /// (path under the output root, bytes): the project's own `static/` folder, published
    /// verbatim at the site's root (see [`crate::content::static_files`]).
    pub site_files: Vec<(String, Vec<u8>)>,
    /// Template names that came from the site's own theme, with their paths.
    overridden: Vec<(String, PathBuf)>,
}

impl Theme {
    /// The built-in theme overlaid with `root/themes/<name>/` when that folder exists.
    pub fn load(root: &Path, name: &str, diags: &mut Diagnostics) -> Theme {
        let mut templates: Vec<(String, String)> = Vec::new();
        let mut statics: Vec<(String, Vec<u8>)> = Vec::new();
        collect(&THEME_FILES, &mut |path, bytes| {
            if let Some(t) = path.strip_prefix("templates/") {
                templates.push((t.to_string(), String::from_utf8_lossy(bytes).into_owned()));
            } else if let Some(s) = path.strip_prefix("static/") {
                statics.push((s.to_string(), bytes.to_vec()));
            }
        });
        let mut overridden = Vec::new();
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            for entry in walkdir::WalkDir::new(&dir)
                .sort_by_file_name()
                .into_iter()
                .filter_map(Result::ok)
            {
                if !entry.file_type().is_file() {
                    continue;
                }
                let Ok(rel) = entry.path().strip_prefix(&dir) else {
                    continue;
                };
                let rel = rel.to_string_lossy().replace('\\', "/");
                if let Some(t) = rel.strip_prefix("templates/") {
                    if let Some(file) = read_user_file(root, entry.path(), diags) {
                        templates.retain(|(n, _)| n != t);
                        templates.push((t.to_string(), file));
                        overridden.push((t.to_string(), entry.path().to_path_buf()));
                    }
                } else if let Some(s) = rel.strip_prefix("static/") {
                    if let Ok(bytes) = std::fs::read(entry.path()) {
                        statics.retain(|(n, _)| n != s);
                        statics.push((s.to_string(), bytes));
                    }
                }
            }
        }
        templates.sort();
        statics.sort();
        Theme {
            templates,
            statics,
            site_files: crate::content::static_files::load(root, diags),
            overridden,
        }
    }

    /// Where a template came from, as shown in messages.
    pub fn shown_path(&self, template: &str) -> PathBuf {
        self.overridden
            .iter()
            .find(|(n, _)| n == template)
            .map(|(_, p)| p.clone())
            .unwrap_or_else(|| PathBuf::from(format!("themes/default/templates/{template}")))
    }
}

fn collect(dir: &Dir<'static>, f: &mut dyn FnMut(&str, &[u8])) {
    for file in dir.files() {
        f(
            &file.path().to_string_lossy().replace('\\', "/"),
            file.contents(),
        );
    }
    for d in dir.dirs() {
        collect(d, f);
    }
}
