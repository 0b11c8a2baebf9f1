//! 政府信息公开: the `disclosure/` section, generated from content and data.
//!
//! In: the derived [`SiteData`] (its catalogue, change log and annual reports). Out: the
//! section's pages:
//!
//! | page | what it answers |
//! |---|---|
//! | `disclosure/index.html` | what is published, how to ask for more, how to complain |
//! | `disclosure/guide/` | 政府信息公开指南 (条例 第十二条): classification and arrangement, how to obtain, the office's name, address, hours, phone, fax, internet contact |
//! | `disclosure/catalogue/` (+ `category/<slug>/`, `year/<y>/`, `issuer/<slug>/`) | 政府信息公开目录: every plan, disclosure document and annual report with 索引号 … 有效性 |
//! | `disclosure/statutory/` | 法定主动公开内容: the plans (条例 第二十条(三)), their responsibility lists, progress and 政策解读 |
//! | `disclosure/annual/`, `disclosure/annual/<year>/` | 政府信息公开工作年度报告 in the 2021 six-part format |
//! | `disclosure/apply/` | 依申请公开: procedure, where to send, what a request contains, time limits |
//! | `disclosure/feedback/` | 监督与反馈: the channels (task pages link here and to a per-task 纠错 link) |
//! | `disclosure/changes/` | 更新记录: every publication and correction, newest first, late reports flagged |
//! | `disclosure/<slug>/` | every other `disclosure/<slug>.md` (政策解读 …) |
//!
//! `disclosure/guide.md`, `apply.md` and `feedback.md` fill the pages of the same name; their
//! front matter is that of every disclosure document (title, kind, index_number, summary,
//! issuer, categories, keywords, written, published, doc_number, validity, sample, order).
//! Documents of `kind = "interpretation"` are listed beside the plan whose title they contain.
//! The site.toml fields read here: `publisher.{name, office, address, postcode, hours, phone,
//! fax, email, website}`, `feedback.{email, form_url}`, `catalogue_prefix`, `sample`.
//!
//! It never reads or writes files itself: content arrives loaded, pages leave through the
//! staging writer.

use rayon::prelude::*;
use serde::Serialize;

use super::pages::{PageCache, PageContext, Pages};
use super::Renderer;
use crate::derive::catalogue::{self, Entry, View};
use crate::derive::{changes, PlanView, SiteData};
use crate::diagnostics::Diagnostic;
use crate::markdown;
use crate::model::{AnnualReport, Date, DisclosureDoc, SiteConfig};
use crate::output::Sink;
use crate::util::url::enc;

/// The section's pages are the site's pages ([`Pages`]), each also told which entry of the
/// section's own navigation to mark as current (`dsection`).
struct Out<'a> {
    pages: Pages<'a>,
}

impl Out<'_> {
    fn page(
        &self,
        path: &str,
        template: &str,
        dsection: &'static str,
        sample: bool,
        fill: impl FnOnce(&mut PageContext),
    ) -> Result<(), Diagnostic> {
        self.pages.page(path, template, "disclosure", sample, |c| {
            c.insert("dsection", dsection);
            fill(c)
        })
    }
}

/// A disclosure document as its page shows it.
#[derive(Serialize)]
struct DocPage<'a> {
    doc: &'a DisclosureDoc,
    body_html: String,
    entry: Option<&'a Entry>,
}

fn doc_page<'a>(doc: &'a DisclosureDoc, entries: &'a [Entry]) -> DocPage<'a> {
    let url = catalogue::doc_url(&doc.slug);
    // The body's top-level headings become <h2> under the page's <h1>, whether the author
    // started at `#` or at `##`.
    let shift = u8::from(doc.body.lines().any(|l| l.starts_with("# ")));
    DocPage {
        doc,
        body_html: markdown::to_html(&doc.body, shift),
        entry: entries.iter().find(|e| e.url == url),
    }
}

/// A plan as 法定主动公开内容 lists it.
#[derive(Serialize)]
struct StatutoryPlan<'a> {
    title: &'a str,
    url: &'a str,
    source_url: &'a Option<String>,
    targets_url: String,
    entry: Option<&'a Entry>,
    period: Option<crate::model::Period>,
    tasks: usize,
    targets: usize,
    reports: usize,
    late_reports: usize,
    percent: f64,
    last_update: Option<Date>,
    sample: bool,
    interpretations: Vec<Link>,
}

#[derive(Serialize)]
struct Link {
    title: String,
    url: String,
}

/// An interpretation belongs to the plan whose title (without 《》) its title contains.
fn interprets(doc: &DisclosureDoc, plan: &PlanView) -> bool {
    doc.kind.as_deref() == Some("interpretation")
        && doc
            .title
            .contains(plan.plan.title.trim_matches(['《', '》']))
}

/// A channel of 监督与反馈.
#[derive(Serialize)]
struct Channel {
    label: &'static str,
    value: String,
    href: Option<String>,
}

fn channels(site: &SiteConfig) -> Vec<Channel> {
    let mut out = Vec::new();
    if let Some(f) = &site.feedback.form_url {
        out.push(Channel {
            label: "在线意见表",
            value: f.clone(),
            href: Some(f.clone()),
        });
    }
    if let Some(e) = site
        .feedback
        .email
        .as_ref()
        .or(site.publisher.email.as_ref())
    {
        let subject = format!("[{}] 意见建议", site.title);
        out.push(Channel {
            label: "电子邮箱",
            value: e.clone(),
            href: Some(format!("mailto:{e}?subject={}", enc(&subject))),
        });
    }
    if let Some(p) = &site.publisher.phone {
        out.push(Channel {
            label: "电话",
            value: p.clone(),
            href: tel_href(p),
        });
    }
    if let Some(a) = &site.publisher.address {
        let to = site
            .publisher
            .office
            .as_deref()
            .unwrap_or(&site.publisher.name);
        let post = site
            .publisher
            .postcode
            .as_deref()
            .map_or(String::new(), |p| format!("(邮编 {p})"));
        out.push(Channel {
            label: "信函",
            value: format!("{a}{post},{to}收"),
            href: None,
        });
    }
    out
}

/// The 公开指南's office details, each with its label, in the order of 条例 第十二条.
#[derive(Serialize)]
struct Contact {
    label: &'static str,
    value: Option<String>,
    href: Option<String>,
}

fn contacts(site: &SiteConfig) -> Vec<Contact> {
    let p = &site.publisher;
    let c = |label, v: &Option<String>| Contact {
        label,
        value: v.clone().filter(|s| !s.trim().is_empty()),
        href: None,
    };
    vec![
        Contact {
            label: "机构名称",
            value: Some(p.name.clone()).filter(|s| !s.is_empty()),
            href: None,
        },
        c("工作机构", &p.office),
        c("办公地址", &p.address),
        c("邮政编码", &p.postcode),
        c("办公时间", &p.hours),
        Contact {
            href: p.phone.as_ref().and_then(|t| tel_href(t)),
            ..c("联系电话", &p.phone)
        },
        c("传真号码", &p.fax),
        Contact {
            href: p.email.as_ref().map(|e| format!("mailto:{e}")),
            ..c("电子邮箱", &p.email)
        },
        Contact {
            href: p.website.clone(),
            ..c("网址", &p.website)
        },
    ]
}

/// A `tel:` link for a printed phone number: its digits (and a leading +) only, so notes such
/// as "(示例号码)" or 转 extensions do not end up in the link; none when no digits are left.
fn tel_href(printed: &str) -> Option<String> {
    let number: String = printed
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    (number.bytes().any(|b| b.is_ascii_digit())).then(|| format!("tel:{number}"))
}

/// Renders every page of the section into `staging`.
pub fn render(
    data: &SiteData,
    renderer: &Renderer,
    staging: &dyn Sink,
    cache: Option<&dyn PageCache>,
) -> Result<(), Diagnostic> {
    let out = Out {
        pages: Pages::new(data, renderer, staging, cache),
    };
    let entries = &data.catalogue;
    let annual = &data.annual;
    let views = catalogue::views(entries);
    let view_list: Vec<&View> = views.iter().map(|(v, _)| v).collect();
    let log = &data.changes;
    let site_sample = data.site.sample;
    let doc = |slug: &str| data.disclosure.iter().find(|d| d.slug == slug);
    let contact_list = contacts(&data.site);
    let channel_list = channels(&data.site);
    let mut annual_sorted: Vec<&AnnualReport> = annual.iter().collect();
    annual_sorted.sort_by_key(|a| std::cmp::Reverse(a.year));

    // Section home.
    let latest: Vec<&Entry> = entries.iter().take(6).collect();
    let late = log.iter().filter(|c| c.late).count();
    out.page(
        "disclosure/index.html",
        "disclosure_index.html",
        "index",
        site_sample,
        |c| {
            c.insert("latest", &latest);
            c.insert("fingerprint", &data.fingerprint);
            c.insert("entry_count", &entries.len());
            c.insert("plan_count", &data.plans.len());
            c.insert("annual", &annual_sorted.first());
            c.insert("channels", &channel_list);
            c.insert("contacts", &contact_list);
            c.insert("late", &late);
            c.insert("guide", &doc("guide").map(|d| &d.title));
        },
    )?;

    // 公开指南.
    let categories: Vec<&View> = view_list
        .iter()
        .copied()
        .filter(|v| v.kind == "category")
        .collect();
    let guide = doc("guide").map(|d| doc_page(d, entries));
    out.page(
        "disclosure/guide/index.html",
        "disclosure_guide.html",
        "guide",
        site_sample || guide.as_ref().is_some_and(|g| g.doc.sample),
        |c| {
            c.insert("page_doc", &guide);
            c.insert("contacts", &contact_list);
            c.insert("categories", &categories);
            c.insert("entry_count", &entries.len());
        },
    )?;

    // 公开目录 and its views.
    out.page(
        "disclosure/catalogue/index.html",
        "disclosure_catalogue.html",
        "catalogue",
        entries.iter().any(|e| e.sample),
        |c| {
            c.insert("entries", entries);
            c.insert("views", &view_list);
            c.insert("current", &Option::<&View>::None);
            c.insert("total", &entries.len());
        },
    )?;
    for (v, ix) in &views {
        let subset: Vec<&Entry> = ix.iter().map(|&i| &entries[i]).collect();
        out.page(
            &v.url,
            "disclosure_catalogue.html",
            "catalogue",
            subset.iter().any(|e| e.sample),
            |c| {
                c.insert("entries", &subset);
                c.insert("views", &view_list);
                c.insert("current", &Some(v));
                c.insert("total", &entries.len());
            },
        )?;
    }

    // 法定主动公开内容.
    let plans: Vec<StatutoryPlan> = data
        .plans
        .iter()
        .map(|p| StatutoryPlan {
            title: &p.plan.title,
            url: &p.url,
            source_url: &p.source_url,
            targets_url: format!("targets/plan/{}/index.html", p.id()),
            entry: entries.iter().find(|e| e.url == p.url),
            period: p.plan.period,
            tasks: p.tasks.len(),
            targets: p.target_counts.total,
            reports: p.report_count,
            late_reports: p
                .tasks
                .iter()
                .flat_map(|t| t.reports.iter())
                .filter(|r| r.late)
                .count(),
            percent: p.percent,
            last_update: p.last_update,
            sample: p.sample,
            interpretations: data
                .disclosure
                .iter()
                .filter(|d| interprets(d, p))
                .map(|d| Link {
                    title: d.title.clone(),
                    url: catalogue::doc_url(&d.slug),
                })
                .collect(),
        })
        .collect();
    let interpretations: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.kind == catalogue::kind_label(Some("interpretation")))
        .collect();
    out.page(
        "disclosure/statutory/index.html",
        "disclosure_statutory.html",
        "statutory",
        plans.iter().any(|p| p.sample),
        |c| {
            c.insert("plans", &plans);
            c.insert("interpretations", &interpretations);
            c.insert("unit_count", &data.units.len());
        },
    )?;

    // 年度报告.
    out.page(
        "disclosure/annual/index.html",
        "disclosure_annual_index.html",
        "annual",
        annual.iter().any(|a| a.sample),
        |c| c.insert("reports", &annual_sorted),
    )?;
    for a in annual {
        let entry = entries.iter().find(|e| e.url == a.url);
        out.page(&a.url, "disclosure_annual.html", "annual", a.sample, |c| {
            c.insert("report", a);
            c.insert("entry", &entry);
            c.insert("request_columns", &crate::model::REQUEST_COLUMNS);
            c.insert("appeal_columns", &crate::model::APPEAL_COLUMNS);
        })?;
    }

    // 依申请公开.
    let apply = doc("apply").map(|d| doc_page(d, entries));
    out.page(
        "disclosure/apply/index.html",
        "disclosure_apply.html",
        "apply",
        site_sample || apply.as_ref().is_some_and(|g| g.doc.sample),
        |c| {
            c.insert("page_doc", &apply);
            c.insert("contacts", &contact_list);
        },
    )?;

    // 监督与反馈.
    let feedback = doc("feedback").map(|d| doc_page(d, entries));
    out.page(
        "disclosure/feedback/index.html",
        "disclosure_feedback.html",
        "feedback",
        site_sample || feedback.as_ref().is_some_and(|g| g.doc.sample),
        |c| {
            c.insert("page_doc", &feedback);
            c.insert("channels", &channel_list);
            c.insert("form_url", &data.site.feedback.form_url);
        },
    )?;

    // 更新记录.
    // Paginated: a large portal logs hundreds of thousands of events.
    // A page holds events standing for about [`changes::PER_PAGE`] entries (a day's
    // grouped reports count one each).
    let mut chunks: Vec<&[changes::Change]> = Vec::new();
    let (mut start, mut weight) = (0, 0);
    for (i, c) in log.iter().enumerate() {
        if weight > 0 && weight + c.weight() > changes::PER_PAGE {
            chunks.push(&log[start..i]);
            (start, weight) = (i, 0);
        }
        weight += c.weight();
    }
    if start < log.len() || chunks.is_empty() {
        chunks.push(&log[start..]);
    }
    let pages = chunks.len();
    let total: usize = log.iter().map(changes::Change::weight).sum();
    // Targets weakened after publication (修订记录), at the head of the first page.
    let weakened = data.history.weakened_log(&data.plans);
    let url = |n: usize| {
        if n == 1 {
            "disclosure/changes/index.html".to_string()
        } else {
            format!("disclosure/changes/page/{n}/index.html")
        }
    };
    chunks.par_iter().enumerate().try_for_each(|(i, chunk)| {
        let n = i + 1;
        out.page(
            &url(n),
            "disclosure_changes.html",
            "changes",
            chunk.iter().any(|c| c.sample),
            |c| {
                c.insert("changes", chunk);
                c.insert("total", &total);
                c.insert("late", &late);
                c.insert("limit", &changes::LIMIT);
                c.insert("page_no", &n);
                c.insert("pages", &pages);
                c.insert("prev", &(n > 1).then(|| url(n - 1)));
                c.insert("next", &(n < pages).then(|| url(n + 1)));
                c.insert("weakened", &(n == 1).then_some(&weakened));
            },
        )
    })?;

    // Every other disclosure document.
    for d in data
        .disclosure
        .iter()
        .filter(|d| !matches!(d.slug.as_str(), "guide" | "apply" | "feedback"))
    {
        let page = doc_page(d, entries);
        let plans: Vec<Link> = data
            .plans
            .iter()
            .filter(|p| interprets(d, p))
            .map(|p| Link {
                title: p.plan.title.clone(),
                url: p.url.clone(),
            })
            .collect();
        out.page(
            &catalogue::doc_url(&d.slug),
            "disclosure_doc.html",
            "catalogue",
            d.sample,
            |c| {
                c.insert("page_doc", &page);
                c.insert("plans", &plans);
            },
        )?;
    }
    Ok(())
}
