//! `[[source]]` in `site.toml`: mirrored gongkai portals an aggregator site compares.
//!
//! In: the `[[source]]` entries (id, path of a mirror folder under the project root, optional
//! public key and base URL). Out: each source verified exactly as `gongkai verify` verifies a
//! mirror ([`crate::mirror::verify_dir`]: the signature when a key is given, then every file
//! against the manifest), and its `data/plans.json` read — only the bytes the manifest lists
//! for it, within the size limit of every file a build reads — into a [`Source`].
//!
//! A source that fails verification, or whose `plans.json` is malformed, is an error located
//! at its `[[source]]` entry or in the file, and nothing of it reaches the model: a signature
//! proves who published a mirror, not that its text is harmless, so what is read is checked
//! for shape here and escaped like local content by the renderers. It never writes anything
//! and reads nothing outside the project root.

use std::collections::{BTreeMap, HashSet};
use std::path::{Component, Path};

use serde::Deserialize;
use toml::Spanned;

use super::SourceFile;
use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::model::{
    Comparator, Date, Origin, Source, SourcePlan, SourceSpec, SourceTarget, SourceTask,
};

/// The published file an aggregator reads from each source.
pub const PLANS_JSON: &str = "data/plans.json";

/// The target statuses a `plans.json` may hold (DESIGN §4; the names of
/// `derive::status::TargetStatus`, which a test keeps equal).
pub const STATUSES: [&str; 8] = [
    "achieved",
    "on_track",
    "needs_acceleration",
    "limited_progress",
    "deteriorating",
    "missed",
    "no_data",
    "qualitative",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSource {
    id: Spanned<String>,
    path: Spanned<String>,
    pubkey: Option<Spanned<String>>,
    base_url: Option<Spanned<String>>,
}

/// The `[[source]]` entries of `site.toml`, checked for shape: ids usable in a URL and unique,
/// paths inside the project, base URLs http(s).
pub(super) fn specs(
    file: &SourceFile,
    raw: Vec<Spanned<RawSource>>,
    diags: &mut Diagnostics,
) -> Vec<SourceSpec> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for entry in raw {
        let at = entry.span().start;
        let r = entry.into_inner();
        let mut ok = true;
        let id = r.id.get_ref().trim();
        if !super::site::is_url_segment(id) {
            diags.push(
                file.error(
                    r.id.span().start,
                    format!("source id \"{id}\" cannot be used in a URL"),
                )
                .with_help("use lowercase ASCII letters, digits and '-', e.g. id = \"wuhan\""),
            );
            ok = false;
        } else if !seen.insert(id.to_string()) {
            diags.push(
                file.error(
                    r.id.span().start,
                    format!("source id \"{id}\" is used twice"),
                )
                .with_help("give every [[source]] its own id"),
            );
            ok = false;
        }
        for (field, value) in [("path", Some(&r.path)), ("pubkey", r.pubkey.as_ref())] {
            let Some(v) = value else { continue };
            if !inside_root(v.get_ref()) {
                diags.push(
                    file.error(
                        v.span().start,
                        format!("source {field} \"{}\" is not inside the project folder", v.get_ref()),
                    )
                    .with_help("a build reads only its --root: give a path relative to it, without '..', e.g. path = \"mirrors/wuhan\""),
                );
                ok = false;
            }
        }
        let base_url = r.base_url.as_ref().and_then(|b| {
            let url = web_base(b.get_ref());
            if url.is_none() {
                diags.push(
                    file.error(
                        b.span().start,
                        format!("source base_url \"{}\" is not an http(s) address", b.get_ref()),
                    )
                    .with_help("write the address the source publishes at, e.g. base_url = \"https://www.example.gov.cn/gongkai/\""),
                );
                ok = false;
            }
            url
        });
        if ok {
            out.push(SourceSpec {
                id: id.to_string(),
                path: r.path.into_inner(),
                pubkey: r.pubkey.map(Spanned::into_inner),
                base_url,
                origin: file.origin(at),
            });
        }
    }
    out
}

/// True for a relative path with no `..`, root or drive: inside the project folder.
fn inside_root(path: &str) -> bool {
    let p = Path::new(path);
    !path.trim().is_empty()
        && p.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
}

/// An http(s) base URL, ending in `/`; `None` for anything else.
pub(crate) fn web_base(url: &str) -> Option<String> {
    let u = url.trim();
    let lower = u.to_ascii_lowercase();
    let web = (lower.starts_with("http://") || lower.starts_with("https://"))
        && u.len() > "https://".len()
        && crate::util::url::is_safe_url(u);
    web.then(|| {
        let mut s = crate::util::url::href(u);
        if !s.ends_with('/') {
            s.push('/');
        }
        s
    })
}

/// A page path as gongkai publishes it (`plans/x/tasks/y/`): relative, no scheme, no `..`, no
/// characters a URL cannot hold. Anything else in a source's `plans.json` is refused.
fn page_path(url: &str) -> bool {
    !url.starts_with('/')
        && !url.contains("//")
        && !url.contains(':')
        && url.split('/').all(|seg| seg != ".." && seg != ".")
        && url
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~/%".contains(&b))
}

/// Verifies and reads every source, in the order of `site.toml`.
pub(super) fn load(root: &Path, specs: &[SourceSpec], diags: &mut Diagnostics) -> Vec<Source> {
    specs
        .iter()
        .filter_map(|spec| {
            let mut d = Diagnostics::new();
            let source = load_one(root, spec, &mut d);
            let failed = d.has_errors();
            diags.extend(d.into_sorted());
            source.filter(|_| !failed)
        })
        .collect()
}

fn at_entry(spec: &SourceSpec, message: String) -> Diagnostic {
    Diagnostic::error(&spec.origin.path, spec.origin.pos, message)
}

fn load_one(root: &Path, spec: &SourceSpec, diags: &mut Diagnostics) -> Option<Source> {
    let dir = root.join(&spec.path);
    let pubkey = spec.pubkey.as_ref().map(|k| root.join(k));
    let name = &spec.id;
    // Exactly `gongkai verify DIR [--pubkey FILE]`.
    let report = match crate::mirror::verify_dir(&dir, pubkey.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            diags.push(
                at_entry(spec, format!("source \"{name}\" failed verification: {e}")).with_help(
                    format!(
                    "{}; nothing from this source is published until `gongkai verify {}{}` passes",
                    e.help(),
                    spec.path,
                    spec.pubkey
                        .as_ref()
                        .map(|k| format!(" --pubkey {k}"))
                        .unwrap_or_default()
                ),
                ),
            );
            return None;
        }
    };
    if !report.is_intact() {
        let shown: Vec<String> = report
            .problems
            .iter()
            .take(5)
            .map(|p| p.to_string())
            .collect();
        let more = report.problems.len().saturating_sub(shown.len());
        diags.push(
            at_entry(
                spec,
                format!(
                    "source \"{name}\" failed verification: {} problem(s) in {}: {}{}",
                    report.problems.len(),
                    spec.path,
                    shown.join("; "),
                    if more > 0 { format!("; and {more} more") } else { String::new() }
                ),
            )
            .with_help(format!(
                "the mirror differs from what its publisher released: mirror it again, then run `gongkai verify {}`; nothing from this source is published until it passes",
                spec.path
            )),
        );
        return None;
    }
    // The manifest as verified names the bytes of plans.json: read them, and check that they
    // are those bytes (the folder could change between the check and the read).
    let manifest_path = dir.join(crate::mirror::MANIFEST_FILE);
    let manifest = std::fs::read(&manifest_path).ok();
    let entries = manifest
        .as_deref()
        .and_then(|m| crate::mirror::parse_manifest(m).ok())
        .unwrap_or_default();
    let Some(entry) = entries.iter().find(|e| e.path == PLANS_JSON) else {
        diags.push(
            at_entry(spec, format!("source \"{name}\" publishes no {PLANS_JSON}")).with_help(
                "a source must be a mirror of a gongkai site (its manifest lists data/plans.json)",
            ),
        );
        return None;
    };
    let file = super::files::read(root, &dir.join(PLANS_JSON), diags)?;
    if crate::mirror::sha256_hex(file.text.as_bytes()) != entry.sha256 {
        diags.push(
            Diagnostic::error(
                &file.shown,
                Pos::START,
                format!("source \"{name}\": {PLANS_JSON} changed after it was verified"),
            )
            .with_help("build again once the mirror is no longer being written"),
        );
        return None;
    }
    let parsed = parse_plans(&file, name, diags)?;
    let base_url = spec.base_url.clone().or(parsed.base_url);
    let Some(base_url) = base_url else {
        diags.push(
            at_entry(spec, format!("source \"{name}\": its {PLANS_JSON} names no http(s) base_url, so its pages cannot be linked"))
                .with_help("add base_url = \"https://…/\" (where the source publishes) to this [[source]]"),
        );
        return None;
    };
    Some(Source {
        id: spec.id.clone(),
        path: spec.path.clone(),
        title: parsed.title,
        base_url,
        as_of: parsed.as_of,
        signed_by: report.signed_by,
        manifest_sha256: manifest
            .map(|m| crate::mirror::sha256_hex(&m))
            .unwrap_or_default(),
        files: report.files,
        plans: parsed.plans,
    })
}

/// What a source's `plans.json` says, checked.
pub(crate) struct Parsed {
    pub title: Option<String>,
    /// Its `base_url`, when it is an http(s) address.
    pub base_url: Option<String>,
    pub as_of: Option<Date>,
    pub plans: Vec<SourcePlan>,
}

/// A source's `plans.json` (the text of `file`), read into the model; `None` with located
/// errors when it is not what gongkai publishes. Never panics, whatever the text.
pub(crate) fn parse_plans(
    file: &SourceFile,
    name: &str,
    diags: &mut Diagnostics,
) -> Option<Parsed> {
    let raw: RawRoot = match serde_json::from_str(&file.text) {
        Ok(r) => r,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    &file.shown,
                    Pos {
                        line: e.line().max(1),
                        col: e.column().max(1),
                    },
                    format!("source \"{name}\": not a gongkai plans.json: {e}"),
                )
                .with_help("the source must be a mirror of a gongkai site; fetch data/plans.json again from its publisher"),
            );
            return None;
        }
    };
    if raw.version != Some(1) {
        diags.push(
            Diagnostic::error(
                &file.shown,
                Pos::START,
                format!(
                    "source \"{name}\": plans.json version {} is not one this gongkai reads (1)",
                    raw.version
                        .map_or_else(|| "(none)".to_string(), |v| v.to_string())
                ),
            )
            .with_help("update gongkai, or ask the source's publisher which version it publishes"),
        );
        return None;
    }
    let mut reader = Reader { file, diags };
    let plans = reader.plans(raw.plans, &raw.jurisdictions);
    let as_of = raw.as_of.as_deref().and_then(|d| reader.date(d, "as_of"));
    if reader.diags.has_errors() {
        return None;
    }
    Some(Parsed {
        title: raw.title,
        base_url: raw.base_url.as_deref().and_then(web_base),
        as_of,
        plans,
    })
}

#[derive(Deserialize)]
struct RawRoot {
    version: Option<u32>,
    as_of: Option<String>,
    title: Option<String>,
    base_url: Option<String>,
    #[serde(default)]
    jurisdictions: BTreeMap<String, String>,
    plans: Vec<RawPlan>,
}

#[derive(Deserialize)]
struct RawPlan {
    id: String,
    title: String,
    jurisdiction: Option<String>,
    url: String,
    #[serde(default)]
    targets: Vec<RawTarget>,
    #[serde(default)]
    tasks: Vec<RawTask>,
}

#[derive(Deserialize)]
struct RawTask {
    id: String,
    title: String,
    url: String,
    #[serde(default)]
    targets: Vec<RawTarget>,
}

#[derive(Deserialize)]
struct RawTarget {
    id: String,
    text: String,
    metric: Option<String>,
    year: Option<i32>,
    value: Option<f64>,
    unit: Option<String>,
    comparator: String,
    baseline: Option<RawBaseline>,
    latest: Option<RawPoint>,
    status: String,
    deadline: Option<String>,
    #[serde(default)]
    sample: bool,
}

#[derive(Deserialize)]
struct RawBaseline {
    value: Option<f64>,
    date: Option<String>,
    year: Option<i32>,
}

#[derive(Deserialize)]
struct RawPoint {
    value: f64,
    date: String,
}

/// Turns the raw file into the model, with an error (at the first place the offending value
/// is written) for every value gongkai would not have published.
struct Reader<'a> {
    file: &'a SourceFile,
    diags: &'a mut Diagnostics,
}

impl Reader<'_> {
    /// Where `value` (a JSON string) first appears in the file.
    fn place(&self, value: &str) -> Origin {
        let quoted = serde_json::to_string(value).unwrap_or_default();
        let offset = self.file.text.find(&quoted).unwrap_or(0);
        self.file.origin(offset)
    }

    fn refuse(&mut self, value: &str, message: String, help: &str) {
        let o = self.place(value);
        self.diags
            .push(Diagnostic::error(&o.path, o.pos, message).with_help(help.to_string()));
    }

    fn date(&mut self, d: &str, what: &str) -> Option<Date> {
        let date = Date::parse(d);
        if date.is_none() {
            self.refuse(
                d,
                format!("{what} \"{d}\" is not a date (YYYY-MM-DD)"),
                "a gongkai plans.json writes dates as YYYY-MM-DD",
            );
        }
        date
    }

    fn url(&mut self, url: String) -> String {
        if !page_path(&url) {
            self.refuse(&url, format!("page address \"{url}\" is not a relative page path"), "a gongkai plans.json gives page addresses relative to the site root, e.g. plans/x/tasks/1/");
        }
        url
    }

    fn plans(&mut self, raw: Vec<RawPlan>, names: &BTreeMap<String, String>) -> Vec<SourcePlan> {
        raw.into_iter()
            .map(|p| SourcePlan {
                jurisdiction_name: p.jurisdiction.as_ref().and_then(|j| names.get(j).cloned()),
                url: self.url(p.url),
                targets: self.targets(p.targets),
                tasks: p
                    .tasks
                    .into_iter()
                    .map(|t| SourceTask {
                        url: self.url(t.url),
                        targets: self.targets(t.targets),
                        id: t.id,
                        title: t.title,
                    })
                    .collect(),
                id: p.id,
                title: p.title,
                jurisdiction: p.jurisdiction,
            })
            .collect()
    }

    fn targets(&mut self, raw: Vec<RawTarget>) -> Vec<SourceTarget> {
        raw.into_iter().filter_map(|t| self.target(t)).collect()
    }

    fn target(&mut self, t: RawTarget) -> Option<SourceTarget> {
        let comparator = Comparator::parse(&t.comparator);
        if comparator.is_none() {
            self.refuse(
                &t.comparator,
                format!(
                    "comparator \"{}\" is not one gongkai publishes",
                    t.comparator
                ),
                "one of >= <= = decrease_by increase_by qualitative",
            );
        }
        let known = STATUSES.contains(&t.status.as_str());
        if !known {
            self.refuse(&t.status, format!("status \"{}\" is not one gongkai publishes", t.status), "one of achieved on_track needs_acceleration limited_progress deteriorating missed no_data qualitative");
        }
        let baseline_date = t.baseline.as_ref().and_then(|b| b.date.clone());
        let baseline_date = baseline_date.and_then(|d| self.date(&d, "baseline date"));
        let latest_date = match &t.latest {
            Some(p) => Some(self.date(&p.date, "latest date")?),
            None => None,
        };
        let deadline = match t.deadline.clone() {
            Some(d) => Some(self.date(&d, "deadline")?),
            None => None,
        };
        let origin = self.place(&t.id);
        Some(SourceTarget {
            comparator: comparator?,
            status: known.then_some(t.status)?,
            baseline_value: t.baseline.as_ref().and_then(|b| b.value),
            baseline_year: t.baseline.as_ref().and_then(|b| b.year),
            baseline_date,
            latest_value: t.latest.as_ref().map(|p| p.value),
            latest_date,
            deadline,
            id: t.id,
            text: t.text,
            metric: t.metric,
            year: t.year,
            value: t.value,
            unit: t.unit,
            sample: t.sample,
            origin,
        })
    }
}

/// The sources of `site`, loaded (see the module docs); `root` is the project folder.
pub(super) fn load_sources(
    root: &Path,
    site: &crate::model::SiteConfig,
    diags: &mut Diagnostics,
) -> Vec<Source> {
    if site.sources.is_empty() {
        return Vec::new();
    }
    load(root, &site.sources, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statuses_read_are_those_derive_writes() {
        let written: Vec<&str> = crate::derive::status::TargetStatus::ALL
            .iter()
            .map(|s| s.as_str())
            .collect();
        assert_eq!(written, STATUSES);
    }

    /// A real `plans.json`, cut short at many places and with bytes swapped for others: every
    /// variant gives a result or located errors, never a panic.
    #[test]
    fn damaged_plans_json_never_panics() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut diags = Diagnostics::new();
        let (data, _) = crate::build::prepare(root, &mut diags).expect("the bundled site loads");
        let text = crate::export::plans_json(&data);
        let shown = std::path::PathBuf::from("mirrors/x/data/plans.json");
        let parse = |t: &str| {
            let file = SourceFile::new(shown.clone(), t.to_string());
            let mut d = Diagnostics::new();
            let parsed = parse_plans(&file, "x", &mut d);
            (parsed.is_some(), d)
        };
        let (ok, d) = parse(&text);
        assert!(ok && d.is_empty(), "{:?}", d.iter().collect::<Vec<_>>());
        let cuts: Vec<usize> = (0..text.len())
            .step_by(997)
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        for &i in &cuts {
            let (ok, d) = parse(&text[..i]);
            assert!(!ok && d.has_errors(), "cut at {i}");
            assert!(
                d.iter().all(|e| e.path == shown && e.line >= 1),
                "cut at {i}"
            );
        }
        for (from, to) in [
            ("\"", "'"),
            ("2025", "x"),
            (">=", "≥"),
            ("achieved", "won"),
            ("plans/", "javascript:"),
        ] {
            for (n, (at, _)) in text.match_indices(from).enumerate().step_by(53) {
                let mut t = text.clone();
                t.replace_range(at..at + from.len(), to);
                let _ = parse(&t);
                assert!(n < 100_000);
            }
        }
    }

    #[test]
    fn only_paths_inside_the_project_are_sources() {
        assert!(inside_root("mirrors/wuhan"));
        assert!(inside_root("./mirrors/wuhan"));
        assert!(!inside_root("../elsewhere"));
        assert!(!inside_root("mirrors/../../x"));
        assert!(!inside_root("/etc"));
        assert!(!inside_root(""));
    }

    #[test]
    fn page_paths_are_relative_and_plain() {
        assert!(page_path("plans/x/tasks/1/"));
        assert!(page_path("plans/x-y_2/"));
        for bad in [
            "javascript:alert(1)",
            "//evil.example/",
            "/plans/x/",
            "../x/",
            "plans/\"><script>/",
            "https://evil.example/",
        ] {
            assert!(!page_path(bad), "{bad}");
        }
    }

    #[test]
    fn base_urls_are_http_and_end_in_a_slash() {
        assert_eq!(
            web_base("https://a.example").as_deref(),
            Some("https://a.example/")
        );
        assert_eq!(
            web_base("http://a.example/x/").as_deref(),
            Some("http://a.example/x/")
        );
        assert_eq!(web_base("javascript:alert(1)//"), None);
        assert_eq!(web_base("plans/"), None);
        assert_eq!(web_base("https://"), None);
    }
}
