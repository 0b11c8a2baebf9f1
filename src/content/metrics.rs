//! `content/metrics.toml`: the catalogue of canonical metrics that targets of different plans,
//! cities and sources are compared by.
//!
//! ```toml
//! [[metric]]
//! id = "sewage-treatment-rate"        # URL segment: compare/sewage-treatment-rate/
//! name = "污水处理率"
//! aliases = ["城市污水处理率"]          # other printed names (Traditional spellings fold by themselves)
//! unit = "%"
//! direction = "higher"                # or "lower": which way is better
//! code = "生态文明建设示范区指标 19"     # optional: the code in a national indicator system
//! convert = [{ unit = "万吨", factor = 10000 }]   # value × factor = value in `unit`
//! ```
//!
//! Parsed for shape here, with each value's place; cross-checks (duplicate ids, a name claimed
//! by two metrics) are `validate`'s.

use serde::Deserialize;
use toml::Spanned;

use super::SourceFile;
use crate::diagnostics::Diagnostics;
use crate::model::{Conversion, Direction, Metric};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    metric: Vec<Spanned<RawMetric>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetric {
    id: Spanned<String>,
    name: String,
    #[serde(default)]
    aliases: Vec<Spanned<String>>,
    unit: Option<String>,
    direction: Option<Spanned<String>>,
    code: Option<String>,
    description: Option<String>,
    #[serde(default)]
    convert: Vec<Spanned<RawConversion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConversion {
    unit: String,
    factor: f64,
}

pub(super) fn parse_metrics(file: &SourceFile, diags: &mut Diagnostics) -> Vec<Metric> {
    let raw: RawFile = match toml::from_str(&file.text) {
        Ok(r) => r,
        Err(e) => {
            diags.push(file.toml_error(0, &e));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for m in raw.metric {
        let at = m.span().start;
        let m = m.into_inner();
        if !super::site::is_url_segment(m.id.get_ref()) {
            diags.push(
                file.error(
                    m.id.span().start,
                    format!("metric id \"{}\" cannot be used in a URL", m.id.get_ref()),
                )
                .with_help("use lowercase ASCII letters, digits and '-', e.g. id = \"sewage-treatment-rate\""),
            );
        }
        let direction = m
            .direction
            .as_ref()
            .and_then(|d| match d.get_ref().as_str() {
                "higher" => Some(Direction::Higher),
                "lower" => Some(Direction::Lower),
                other => {
                    diags.push(
                        file.error(d.span().start, format!("unknown direction \"{other}\""))
                            .with_help("direction is \"higher\" (higher is better) or \"lower\""),
                    );
                    None
                }
            });
        let mut convert = Vec::new();
        for c in m.convert {
            let span = c.span();
            let c = c.into_inner();
            if !(c.factor.is_finite() && c.factor > 0.0) || c.unit.trim().is_empty() {
                diags.push(
                    file.error(span.start, format!("conversion from \"{}\" needs a unit and a positive factor", c.unit))
                        .with_help("write convert = [{ unit = \"万吨\", factor = 10000 }]: a value in 万吨 × 10000 is the value in the metric's unit"),
                );
                continue;
            }
            convert.push(Conversion {
                unit: c.unit.trim().to_string(),
                factor: c.factor,
            });
        }
        out.push(Metric {
            id: m.id.get_ref().clone(),
            name: m.name,
            alias_origins: m
                .aliases
                .iter()
                .map(|a| file.origin(a.span().start))
                .collect(),
            aliases: m.aliases.into_iter().map(Spanned::into_inner).collect(),
            unit: m.unit.filter(|u| !u.trim().is_empty()),
            direction,
            code: m.code,
            description: m.description,
            convert,
            origin: file.origin(at),
        });
    }
    out
}
