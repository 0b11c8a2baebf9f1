//! `site.toml`, `units/*.toml` and `disclosure/*.md`.

use serde::Deserialize;
use toml::value::Datetime;
use toml::Spanned;

use super::{split_front_matter, SourceFile};
use crate::diagnostics::Diagnostics;
use crate::model::{DisclosureDoc, Feedback, Publisher, SiteConfig, Unit, UnitId};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    title: String,
    description: Option<String>,
    language: Option<String>,
    as_of: Option<Spanned<Datetime>>,
    base_url: Option<String>,
    catalogue_prefix: Option<String>,
    #[serde(default)]
    sample: bool,
    theme: Option<String>,
    publisher: Option<RawPublisher>,
    feedback: Option<RawFeedback>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPublisher {
    name: String,
    office: Option<String>,
    address: Option<String>,
    postcode: Option<String>,
    hours: Option<String>,
    phone: Option<String>,
    fax: Option<String>,
    email: Option<String>,
    website: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeedback {
    email: Option<String>,
    form_url: Option<Spanned<String>>,
}

pub(super) fn parse_site(file: &SourceFile, diags: &mut Diagnostics) -> SiteConfig {
    let raw: RawSite = match toml::from_str(&file.text) {
        Ok(r) => r,
        Err(e) => {
            diags.push(file.toml_error(0, &e));
            return SiteConfig {
                title: "gongkai".into(),
                language: "zh-CN".into(),
                theme: "default".into(),
                ..Default::default()
            };
        }
    };
    let as_of = raw.as_of.as_ref().and_then(|d| file.date(0, d, diags));
    let publisher = raw
        .publisher
        .map_or_else(Publisher::default, |p| Publisher {
            name: p.name,
            office: p.office,
            address: p.address,
            postcode: p.postcode,
            hours: p.hours,
            phone: p.phone,
            fax: p.fax,
            email: p.email.as_deref().map(crate::validate::href),
            website: link(file, "website", p.website, diags),
        });
    let feedback = raw.feedback.map_or_else(Feedback::default, |f| Feedback {
        email: f.email.as_deref().map(crate::validate::href),
        form_url: link(file, "form_url", f.form_url, diags),
    });
    SiteConfig {
        title: raw.title,
        description: raw.description,
        language: raw.language.unwrap_or_else(|| "zh-CN".into()),
        as_of,
        base_url: raw.base_url,
        publisher,
        feedback,
        catalogue_prefix: raw.catalogue_prefix,
        sample: raw.sample,
        theme: raw.theme.unwrap_or_else(|| "default".into()),
    }
}

/// A URL setting that becomes an `href`: refused, with its location, unless it is http(s) or
/// relative — a `javascript:` URL here would run in every reader's browser.
fn link(
    file: &SourceFile,
    field: &str,
    value: Option<Spanned<String>>,
    diags: &mut Diagnostics,
) -> Option<String> {
    let value = value?;
    if crate::validate::is_safe_url(value.get_ref()) {
        return Some(crate::validate::href(value.get_ref()));
    }
    diags.push(
        file.error(
            value.span().start,
            format!(
                "{field} \"{}\" is not an http(s) or relative URL",
                value.get_ref()
            ),
        )
        .with_help("write the address in full, e.g. \"https://www.example.gov.cn/\""),
    );
    None
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnitsFile {
    name: Option<String>,
    #[serde(default)]
    unit: Vec<Spanned<RawUnit>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnit {
    id: Spanned<String>,
    name: String,
    full_name: Option<String>,
    short_name: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    kind: Option<Spanned<String>>,
}

/// The units of one jurisdiction; the file stem names the jurisdiction.
pub(super) fn parse_units(file: &SourceFile, diags: &mut Diagnostics) -> Vec<Unit> {
    let raw: RawUnitsFile = match toml::from_str(&file.text) {
        Ok(r) => r,
        Err(e) => {
            diags.push(file.toml_error(0, &e));
            return Vec::new();
        }
    };
    let jurisdiction = file
        .shown
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    let mut out = Vec::new();
    for u in raw.unit {
        let span = u.span();
        let u = u.into_inner();
        let collective = match u.kind.as_ref().map(|k| k.get_ref().as_str()) {
            None | Some("department") => false,
            Some("collective") => true,
            Some(other) => {
                let k = u.kind.as_ref().map_or(span.start, |k| k.span().start);
                diags.push(
                    file.error(k, format!("unknown unit kind \"{other}\""))
                        .with_help("kind is \"department\" (the default) or \"collective\" (各有关部门和单位, 各区人民政府 …)"),
                );
                false
            }
        };
        if !is_url_segment(u.id.get_ref()) {
            diags.push(
                file.error(
                    u.id.span().start,
                    format!("unit id \"{}\" cannot be used in a URL", u.id.get_ref()),
                )
                .with_help("use lowercase ASCII letters, digits and '-', e.g. \"wuhan-sfgw\""),
            );
        }
        let mut aliases = u.aliases;
        if let Some(s) = u.short_name {
            aliases.push(s);
        }
        out.push(Unit {
            id: UnitId(u.id.into_inner()),
            name: u.name,
            full_name: u.full_name,
            aliases,
            collective,
            jurisdiction: jurisdiction.clone(),
            jurisdiction_name: raw.name.clone(),
            origin: file.origin(span.start),
        });
    }
    out
}

/// True for ids usable as one URL path segment everywhere: ASCII letters, digits, '-', '_', '.'
/// (not starting with a dot).
pub(crate) fn is_url_segment(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('.')
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDisclosure {
    title: String,
    kind: Option<String>,
    index_number: Option<String>,
    summary: Option<String>,
    issuer: Option<String>,
    #[serde(default)]
    categories: Vec<String>,
    #[serde(default)]
    keywords: Vec<String>,
    written: Option<Spanned<Datetime>>,
    published: Option<Spanned<Datetime>>,
    doc_number: Option<String>,
    validity: Option<String>,
    #[serde(default)]
    sample: bool,
    #[serde(default)]
    order: i64,
}

pub(super) fn parse_disclosure(
    file: &SourceFile,
    diags: &mut Diagnostics,
) -> Option<DisclosureDoc> {
    let Some((fm, base, body)) = split_front_matter(&file.text) else {
        diags.push(file.error(0, "missing +++ front matter").with_help(
            "start the file with a +++ line, TOML fields (title = \"…\"), and another +++ line",
        ));
        return None;
    };
    if !file.body_nesting_ok(body, diags) {
        return None;
    }
    let raw: RawDisclosure = match toml::from_str(fm) {
        Ok(r) => r,
        Err(e) => {
            diags.push(file.toml_error(base, &e));
            return None;
        }
    };
    let slug = file
        .shown
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    if !is_url_segment(&slug) {
        diags.push(
            file.error(0, format!("file name \"{slug}\" cannot be used in a URL"))
                .with_help("rename the file with ASCII letters, digits and '-'"),
        );
    }
    Some(DisclosureDoc {
        slug,
        title: raw.title,
        kind: raw.kind,
        index_number: raw.index_number,
        summary: raw.summary,
        issuer: raw.issuer,
        categories: raw.categories,
        keywords: raw.keywords,
        written: raw.written.as_ref().and_then(|d| file.date(base, d, diags)),
        published: raw
            .published
            .as_ref()
            .and_then(|d| file.date(base, d, diags)),
        doc_number: raw.doc_number,
        validity: raw.validity,
        sample: raw.sample,
        order: raw.order,
        body: body.to_string(),
        origin: file.origin(0),
    })
}
