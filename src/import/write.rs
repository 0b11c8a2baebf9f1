//! A [`Plan`] → the text of plan.toml and tasks.toml, and the atomic write of a plan folder.
//!
//! The TOML is emitted by hand, in the field order of DESIGN §3, so a person reviewing an import
//! reads it top to bottom like the document; every string goes through [`string`], which escapes
//! as the TOML spec requires (text fields hold quotes, backslashes and newlines). Tests parse the
//! output back with the `toml` crate.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use super::model::{Plan, Target};

/// A TOML basic string (one line) or multi-line basic string (text with newlines).
pub fn string(s: &str) -> String {
    let multiline = s.contains('\n');
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str(if multiline { "\"\"\"\n" } else { "\"" });
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' if multiline => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push_str(if multiline { "\"\"\"" } else { "\"" });
    out
}

fn list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| string(s)).collect();
    format!("[{}]", inner.join(", "))
}

fn opt(out: &mut String, key: &str, value: &Option<String>) {
    if let Some(v) = value {
        let _ = writeln!(out, "{key} = {}", string(v));
    }
}

fn number(v: f64) -> String {
    let s = format!("{v}");
    if s.contains(['.', 'e', 'E']) || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

fn target(out: &mut String, header: &str, t: &Target) {
    let _ = writeln!(out, "{header}");
    let _ = writeln!(out, "id = {}", string(&t.id));
    let _ = writeln!(out, "text = {}", string(&t.text));
    let _ = writeln!(out, "metric = {}", string(&t.metric));
    if let Some(y) = t.year {
        let _ = writeln!(out, "year = {y}");
    }
    if let Some(v) = t.value {
        let _ = writeln!(out, "value = {}", number(v));
    }
    opt(out, "unit", &t.unit);
    let _ = writeln!(out, "comparator = {}", string(t.comparator.as_str()));
    if let Some(y) = t.baseline_year {
        let _ = writeln!(out, "baseline = {{ year = {y} }}");
    }
}

pub fn plan_toml(p: &Plan) -> String {
    let mut out = String::new();
    let o = &mut out;
    let _ = writeln!(o, "id = {}", string(&p.id));
    let _ = writeln!(o, "title = {}", string(&p.title));
    let _ = writeln!(o, "jurisdiction = {}", string(&p.jurisdiction));
    opt(o, "issuer", &p.issuer);
    opt(o, "doc_number", &p.doc_number);
    opt(o, "index_number", &p.index_number);
    if !p.categories.is_empty() {
        let _ = writeln!(o, "categories = {}", list(&p.categories));
    }
    if let Some(d) = p.written {
        let _ = writeln!(o, "written = {d}");
    }
    if let Some(d) = p.published {
        let _ = writeln!(o, "published = {d}");
    }
    opt(o, "validity", &p.validity);
    if let Some((s, e)) = p.period {
        let _ = writeln!(o, "period = {{ start = {s}, end = {e} }}");
    }
    let _ = writeln!(o, "source = {}", string(&p.source));
    opt(o, "summary", &p.summary);
    opt(o, "goals", &p.goals);
    for s in &p.sections {
        let _ = writeln!(
            o,
            "\n[[section]]\npath = {}\ntitle = {}",
            list(&s.path),
            string(&s.title)
        );
    }
    for s in &p.safeguards {
        let _ = writeln!(
            o,
            "\n[[safeguard]]\npath = {}\ntitle = {}\ntext = {}",
            list(&s.path),
            string(&s.title),
            string(&s.text)
        );
    }
    for t in &p.targets {
        o.push('\n');
        target(o, "[[target]]", t);
    }
    out
}

pub fn tasks_toml(p: &Plan) -> String {
    let mut out = String::new();
    for (i, t) in p.tasks.iter().enumerate() {
        let o = &mut out;
        if i > 0 {
            o.push('\n');
        }
        let _ = writeln!(o, "[[task]]");
        let _ = writeln!(o, "id = {}", string(&t.id));
        let _ = writeln!(o, "path = {}", list(&t.path));
        let _ = writeln!(o, "title = {}", string(&t.title));
        let _ = writeln!(o, "text = {}", string(&t.text));
        let _ = writeln!(o, "lead = {}", list(&t.duty.lead));
        let _ = writeln!(o, "responsible = {}", list(&t.duty.responsible));
        opt(o, "responsible_label", &t.duty.responsible_label);
        opt(o, "units_note", &t.duty.note);
        for g in &t.targets {
            o.push('\n');
            target(o, "  [[task.target]]", g);
        }
    }
    out
}

/// Writes `files` into `dir` all at once: into a hidden sibling folder first, then renamed into
/// place, so a reader never sees a half-written plan. An existing `dir` is updated only when
/// `force` is set (the caller checks this earlier too, to fail before doing any work), and then
/// only the files written here are replaced: the plan's progress reports, and anything else
/// the web team keeps in the folder, stay as they are.
pub fn write_dir_atomically(dir: &Path, files: &[(&str, String)], force: bool) -> io::Result<()> {
    if dir.exists() {
        if !force {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "output exists",
            ));
        }
        return replace_files(dir, files);
    }
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("plan");
    let staging = parent.join(format!(".{name}.import-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir(&staging)?;
    let result = (|| {
        for (file, text) in files {
            fs::write(staging.join(file), text)?;
        }
        fs::rename(&staging, dir)
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

/// Replaces `files` in the existing folder `dir`: every new version is written beside its file
/// first, and only when all are written are they renamed over the old ones.
fn replace_files(dir: &Path, files: &[(&str, String)]) -> io::Result<()> {
    let temp = |file: &str| dir.join(format!(".{file}.import-{}", std::process::id()));
    let written = files
        .iter()
        .try_for_each(|(file, text)| fs::write(temp(file), text));
    if let Err(e) = written {
        for (file, _) in files {
            let _ = fs::remove_file(temp(file));
        }
        return Err(e);
    }
    for (file, _) in files {
        fs::rename(temp(file), dir.join(file))?;
    }
    Ok(())
}

/// Writes one file through a temporary sibling and a rename.
pub fn write_file_atomically(path: &Path, text: &str) -> io::Result<()> {
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    fs::write(&tmp, text)?;
    fs::rename(&tmp, path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_with_quotes_backslashes_and_newlines_round_trip() {
        for s in [
            "以“共抓大保护”为导向",
            "a \"q\" \\ b",
            "第一段\n第二段\"\"\"结尾\"",
            "tab\there",
        ] {
            let doc = format!("v = {}\n", string(s));
            let parsed: toml::Table = toml::from_str(&doc).unwrap();
            assert_eq!(parsed["v"].as_str(), Some(s), "{doc}");
        }
    }

    #[test]
    fn numbers_are_floats() {
        assert_eq!(number(98.0), "98.0");
        assert_eq!(number(1487.43), "1487.43");
    }
}
