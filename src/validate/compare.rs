//! The metrics catalogue: how a printed metric name finds its canonical metric, and the
//! catalogue's own checks.
//!
//! A target is matched by its metric name, folded (Traditional → Simplified, full-width →
//! ASCII, by [`crate::util::fold`], the search's own folding) and stripped of a scope prefix
//! such as 全市, 市区, 县城 or 中心城区: `市区污水处理率`, `县城污水处理率` and `污水處理率` are
//! all 污水处理率, the first two with their scope. Matching is exact after that: a name that
//! is only similar is not guessed at (the catalogue lists it as an alias instead).
//!
//! In: the loaded catalogue and plans. Out: located errors for ids used twice, ids that are
//! not URL segments and names two metrics claim; for `check`, the targets no metric matches.

use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Content, Metric, Origin};

/// Scope prefixes, longest first where one begins another (中心城区 before 城区).
pub const SCOPES: [&str; 19] = [
    "中心城区",
    "地级城市",
    "县级城市",
    "主城区",
    "全市",
    "全省",
    "全区",
    "全县",
    "市区",
    "县城",
    "城区",
    "城镇",
    "城市",
    "农村",
    "乡村",
    "市域",
    "县域",
    "我市",
    "全州",
];

/// A printed metric name as the catalogue looks it up: folded, without spaces, without scope
/// prefixes; and the scope it had (as folded), if any.
pub fn metric_key(name: &str) -> (String, Option<String>) {
    let folded: String = crate::util::fold::fold(name)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let mut rest = folded.as_str();
    let mut scopes: Vec<&str> = Vec::new();
    'strip: loop {
        for s in SCOPES {
            if let Some(r) = rest.strip_prefix(s) {
                // Never strip a name down to nothing or to one character.
                if r.chars().count() >= 2 {
                    scopes.push(s);
                    rest = r;
                    continue 'strip;
                }
            }
        }
        break;
    }
    let scope = (!scopes.is_empty()).then(|| scopes.concat());
    (rest.to_string(), scope)
}

/// The catalogue's lookup: key of every name and alias → the metric's index.
pub struct Catalogue<'a> {
    pub metrics: &'a [Metric],
    by_key: HashMap<String, usize>,
}

impl<'a> Catalogue<'a> {
    pub fn new(metrics: &'a [Metric]) -> Catalogue<'a> {
        let mut by_key = HashMap::new();
        for (i, m) in metrics.iter().enumerate() {
            for name in std::iter::once(&m.name).chain(&m.aliases) {
                by_key.entry(metric_key(name).0).or_insert(i);
            }
        }
        Catalogue { metrics, by_key }
    }

    /// The metric a printed name matches, and the scope it was printed with.
    pub fn find(&self, printed: &str) -> Option<(&'a Metric, Option<String>)> {
        let (key, scope) = metric_key(printed);
        self.by_key.get(&key).map(|&i| (&self.metrics[i], scope))
    }
}

/// Ids used twice, and names (or aliases) that two metrics claim.
pub fn check_catalogue(metrics: &[Metric], diags: &mut Diagnostics) {
    let mut ids: HashMap<&str, &Origin> = HashMap::new();
    let mut keys: HashMap<String, (&str, &str)> = HashMap::new();
    for m in metrics {
        if let Some(first) = ids.insert(m.id.as_str(), &m.origin) {
            diags.push(
                Diagnostic::error(
                    &m.origin.path,
                    m.origin.pos,
                    format!("metric id \"{}\" is used twice", m.id),
                )
                .with_help(format!(
                    "the first is at line {}; give each metric its own id",
                    first.pos.line
                )),
            );
        }
        if metric_key(&m.name).0.is_empty() {
            diags.push(
                Diagnostic::error(
                    &m.origin.path,
                    m.origin.pos,
                    format!("metric \"{}\" has no name", m.id),
                )
                .with_help("name = \"污水处理率\""),
            );
        }
        let names =
            std::iter::once((&m.name, &m.origin)).chain(m.aliases.iter().zip(&m.alias_origins));
        for (name, origin) in names {
            let key = metric_key(name).0;
            match keys.get(&key) {
                Some((other, printed)) if *other != m.id => diags.push(
                    Diagnostic::error(
                        &origin.path,
                        origin.pos,
                        format!("\"{name}\" of metric \"{}\" is also a name of metric \"{other}\" (as \"{printed}\")", m.id),
                    )
                    .with_help("a printed name may belong to one metric only; Traditional spellings and scope prefixes (全市, 市区, 县城 …) count as the same name"),
                ),
                Some(_) => {}
                None => {
                    keys.insert(key, (m.id.as_str(), name.as_str()));
                }
            }
        }
    }
}

/// Every target with a metric name that no metric of the catalogue matches: its place and
/// the name (what `check` lists, so the catalogue can be completed). Empty without a catalogue.
pub fn unmatched(content: &Content) -> Vec<(Origin, String)> {
    if content.metrics.is_empty() {
        return Vec::new();
    }
    let catalogue = Catalogue::new(&content.metrics);
    content
        .plans
        .iter()
        .flat_map(|p| {
            p.targets
                .iter()
                .chain(p.tasks.iter().flat_map(|t| t.targets.iter()))
        })
        .filter_map(|t| {
            let name = t.metric.as_deref()?;
            catalogue
                .find(name)
                .is_none()
                .then(|| (t.origin.clone(), name.to_string()))
        })
        .collect()
}

/// `check`'s listing of [`unmatched`] targets, one located line each.
pub fn unmatched_note(content: &Content) -> Option<String> {
    let list = unmatched(content);
    if list.is_empty() {
        return None;
    }
    let mut s = format!(
        "note: {} target(s) match no metric of content/metrics.toml and are not compared; add a metric, or an alias to one, to compare them:\n",
        list.len()
    );
    for (o, name) in list {
        s.push_str(&format!(
            "  {}:{}:{}: {name}\n",
            o.path.display(),
            o.pos.line,
            o.pos.col
        ));
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_prefixes_and_traditional_spellings_name_the_same_metric() {
        assert_eq!(metric_key("污水处理率"), ("污水处理率".into(), None));
        assert_eq!(metric_key("污水處理率"), ("污水处理率".into(), None));
        assert_eq!(
            metric_key("市区污水处理率"),
            ("污水处理率".into(), Some("市区".into()))
        );
        assert_eq!(
            metric_key("縣城污水處理率"),
            ("污水处理率".into(), Some("县城".into()))
        );
        assert_eq!(
            metric_key("中心城区 污水处理率"),
            ("污水处理率".into(), Some("中心城区".into()))
        );
        assert_eq!(
            metric_key("全市城镇污水处理率"),
            ("污水处理率".into(), Some("全市城镇".into()))
        );
        // A name is never stripped to nothing.
        assert_eq!(metric_key("全市城区"), ("城区".into(), Some("全市".into())));
        assert_eq!(metric_key("Ｐ M2.5").0, "pm2.5");
    }

    #[test]
    fn the_catalogue_finds_names_and_aliases_and_nothing_merely_similar() {
        let metric = |id: &str, name: &str, aliases: &[&str]| Metric {
            id: id.into(),
            name: name.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            unit: Some("%".into()),
            direction: None,
            code: None,
            description: None,
            convert: Vec::new(),
            origin: Origin::default(),
            alias_origins: vec![Origin::default(); aliases.len()],
        };
        let metrics = vec![
            metric("sewage", "污水处理率", &[]),
            metric(
                "bus",
                "新能源公交车占比",
                &["新增或者更新车辆中新能源公交车占比"],
            ),
        ];
        let c = Catalogue::new(&metrics);
        assert_eq!(
            c.find("县城污水处理率").map(|(m, s)| (m.id.as_str(), s)),
            Some(("sewage", Some("县城".into())))
        );
        assert_eq!(
            c.find("新增或者更新车辆中新能源公交车占比")
                .map(|(m, _)| m.id.as_str()),
            Some("bus")
        );
        assert!(c.find("生活污水治理率").is_none());
        assert!(c.find("污水处理").is_none());
        let mut diags = Diagnostics::new();
        check_catalogue(&metrics, &mut diags);
        assert!(diags.is_empty());
        let clash = vec![
            metric("a", "污水处理率", &[]),
            metric("b", "水质", &["市区污水處理率"]),
            metric("a", "x率", &[]),
        ];
        let mut diags = Diagnostics::new();
        check_catalogue(&clash, &mut diags);
        let messages: Vec<String> = diags.iter().map(|d| d.message.clone()).collect();
        assert_eq!(diags.error_count(), 2, "{messages:?}");
        assert!(
            messages
                .iter()
                .any(|m| m.contains("also a name of metric \"a\"")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("\"a\" is used twice")),
            "{messages:?}"
        );
    }
}
