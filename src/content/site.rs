//! `site.toml`, `units/*.toml` and `disclosure/*.md`.

use serde::Deserialize;
use toml::value::Datetime;
use toml::Spanned;

use super::{split_front_matter, SourceFile};
use crate::diagnostics::Diagnostics;
use crate::model::{
    DisclosureDoc, Feedback, Identity, PartyGovMark, Publisher, SiteConfig, Unit, UnitId,
};

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
    site_code: Option<Spanned<String>>,
    icp: Option<String>,
    police_record: Option<Spanned<String>>,
    party_gov_mark: Option<RawMark>,
    #[serde(default)]
    source: Vec<Spanned<super::sources::RawSource>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMark {
    image: Spanned<String>,
    url: Spanned<String>,
}

/// The MIIT ICP filing system, where every ICP number is looked up.
pub const ICP_SYSTEM: &str = "https://beian.miit.gov.cn/";
/// The public-security filing system's page for one record code.
pub const POLICE_SYSTEM: &str = "https://beian.mps.gov.cn/#/query/webSearch?code=";
/// The national government-website error-report platform (我为政府网站找错).
pub const ERROR_REPORT_PLATFORM: &str = "https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=";
/// Where 党政机关网站 mark certificates are issued.
pub const PARTY_GOV_MARK_HOST: &str = "https://bszs.conac.cn/";

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
            email: p.email.as_deref().map(crate::util::url::href),
            website: link(file, "website", p.website, diags),
        });
    let feedback = raw.feedback.map_or_else(Feedback::default, |f| Feedback {
        email: f.email.as_deref().map(crate::util::url::href),
        form_url: link(file, "form_url", f.form_url, diags),
    });
    let identity = identity(
        file,
        raw.site_code,
        raw.icp,
        raw.police_record,
        raw.party_gov_mark,
        diags,
    );
    let sources = super::sources::specs(file, raw.source, diags);
    SiteConfig {
        sources,
        compare: false,
        has_plans: false,
        identity,
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

/// The identity fields, checked, with the links of the systems that issued them.
fn identity(
    file: &SourceFile,
    site_code: Option<Spanned<String>>,
    icp: Option<String>,
    police_record: Option<Spanned<String>>,
    mark: Option<RawMark>,
    diags: &mut Diagnostics,
) -> Identity {
    let site_code = site_code.and_then(|code| {
        let c = code.get_ref().trim();
        if c.len() == 10 && c.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Some(c.to_string());
        }
        diags.push(
            file.error(
                code.span().start,
                format!("site_code \"{c}\" is not a 网站标识码 (10 letters or digits)"),
            )
            .with_help("copy the 网站标识码 as issued, e.g. site_code = \"4201000001\""),
        );
        None
    });
    let police = police_record.and_then(|record| {
        let text = record.get_ref().trim().to_string();
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 12 {
            return Some((text, digits));
        }
        diags.push(
            file.error(
                record.span().start,
                format!("police_record \"{text}\" holds no record code (its 12 to 14 digits)"),
            )
            .with_help("copy it as issued, e.g. police_record = \"鄂公网安备 42010202000001号\""),
        );
        None
    });
    let party_gov_mark = mark.and_then(|m| {
        let url = m.url.get_ref().trim();
        let image = m.image.get_ref().trim().trim_start_matches('/');
        let mut ok = true;
        if !(url.starts_with(PARTY_GOV_MARK_HOST) || url.starts_with("http://bszs.conac.cn/")) {
            diags.push(
                file.error(m.url.span().start, format!("party_gov_mark url \"{url}\" is not a bszs.conac.cn certificate link"))
                    .with_help("copy the link as issued, e.g. \"https://bszs.conac.cn/sitename?method=show&id=…\""),
            );
            ok = false;
        }
        if image.is_empty() || image.contains("..") || image.contains("://") {
            diags.push(
                file.error(m.image.span().start, format!("party_gov_mark image \"{image}\" is not a file in static/"))
                    .with_help("put the issued image in static/ (e.g. static/dzjg.png) and write image = \"dzjg.png\""),
            );
            ok = false;
        }
        ok.then(|| PartyGovMark {
            image: image.to_string(),
            url: crate::util::url::href(url),
        })
    });
    Identity {
        error_report_url: site_code
            .as_ref()
            .map(|c| format!("{ERROR_REPORT_PLATFORM}{c}")),
        site_code,
        icp_url: icp.as_ref().map(|_| ICP_SYSTEM.to_string()),
        icp: icp.map(|i| i.trim().to_string()).filter(|i| !i.is_empty()),
        police_url: police
            .as_ref()
            .map(|(_, code)| format!("{POLICE_SYSTEM}{code}")),
        police_record: police.map(|(text, _)| text),
        party_gov_mark,
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
    if crate::util::url::is_safe_url(value.get_ref()) {
        return Some(crate::util::url::href(value.get_ref()));
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
