//! The common case of a progress report's front matter, read fast.
//!
//! Reports are most of a site's files (100,000 on the benchmark corpus), and the `toml` crate
//! with serde spends about 10 µs on each front matter: most of the time it takes to load a
//! site. `toml-spanner` parses the same text in under 2 µs. [`raw_report`] reads a front matter
//! that is exactly what [`RawReport`] describes — every key known, every value of the type its
//! field takes, every date a plain calendar date — into the same `RawReport`, with the same
//! spans. Anything else it declines, and the caller reads the front matter with `toml` and
//! serde as before: every error message, and every unusual form, comes from that one path.

use toml::value::{Date, Datetime};
use toml::Spanned;
use toml_spanner::{Item, Value};

use super::{RawCorrection, RawEvidence, RawMeasure, RawReport};

/// The front matter `fm` as serde would read it, or `None` when it is not the common case.
pub(super) fn raw_report(fm: &str) -> Option<RawReport> {
    let arena = toml_spanner::Arena::new();
    let doc = toml_spanner::parse(fm, &arena).ok()?;
    let (mut task, mut date, mut published, mut status, mut percent, mut reporter) =
        (None, None, None, None, None, None);
    let mut sample = false;
    let (mut measure, mut evidence, mut correction) = (Vec::new(), Vec::new(), Vec::new());
    for (key, item) in doc.table() {
        match key.name {
            "task" => task = Some(string(item)?),
            "date" => date = Some(date_of(item)?),
            "published" => published = Some(date_of(item)?),
            "status" => status = Some(string(item)?),
            "percent" => percent = Some(number(item)?),
            "reporter" => reporter = Some(text(item)?),
            "sample" => sample = item.as_bool()?,
            "measure" => measure = tables(item, |t| Some(spanned(t, raw_measure(t)?)))?,
            "evidence" => evidence = tables(item, raw_evidence)?,
            "correction" => correction = tables(item, |t| Some(spanned(t, raw_correction(t)?)))?,
            _ => return None,
        }
    }
    Some(RawReport {
        task: task?,
        date: date?,
        published,
        status: status?,
        percent,
        reporter,
        sample,
        measure,
        evidence,
        correction,
    })
}

fn raw_measure(item: &Item) -> Option<RawMeasure> {
    let (mut target, mut value, mut unit, mut as_of, mut source) = (None, None, None, None, None);
    for (key, item) in item.as_table()? {
        match key.name {
            "target" => target = Some(string(item)?),
            "value" => value = Some(number(item)?),
            "unit" => unit = Some(text(item)?),
            "as_of" => as_of = Some(date_of(item)?),
            "source" => source = Some(text(item)?),
            _ => return None,
        }
    }
    Some(RawMeasure {
        target: target?,
        value: value?,
        unit,
        as_of,
        source,
    })
}

fn raw_evidence(item: &Item) -> Option<RawEvidence> {
    let (mut title, mut url) = (None, None);
    for (key, item) in item.as_table()? {
        match key.name {
            "title" => title = Some(text(item)?),
            "url" => url = Some(text(item)?),
            _ => return None,
        }
    }
    Some(RawEvidence {
        title: title?,
        url: url?,
    })
}

fn raw_correction(item: &Item) -> Option<RawCorrection> {
    let (mut date, mut note, mut target, mut previous) = (None, None, None, None);
    for (key, item) in item.as_table()? {
        match key.name {
            "date" => date = Some(date_of(item)?),
            "note" => note = Some(text(item)?),
            "target" => target = Some(text(item)?),
            // serde reads an integer as a float too.
            "previous" => {
                previous = Some(match item.value() {
                    Value::Float(&f) => f,
                    _ => item.as_i64()? as f64,
                })
            }
            _ => return None,
        }
    }
    Some(RawCorrection {
        date: date?,
        note: note?,
        target,
        previous,
    })
}

/// Each element of an array of tables (`[[measure]]` or `measure = [{ … }]`), read by `read`.
fn tables<T>(item: &Item, read: impl Fn(&Item) -> Option<T>) -> Option<Vec<T>> {
    item.as_array()?.iter().map(read).collect()
}

/// `value` with `item`'s span: for a string, number or date the span serde gives. Of a table
/// serde's ends sooner (after a `[[measure]]` header), but only a table's start is ever used
/// (where a measure or a correction begins, for messages about it).
fn spanned<T>(item: &Item, value: T) -> Spanned<T> {
    let span = item.span();
    Spanned::new(span.start as usize..span.end as usize, value)
}

/// A string value; `None` for any other type.
fn text(item: &Item) -> Option<String> {
    item.as_str().map(str::to_string)
}

fn string(item: &Item) -> Option<Spanned<String>> {
    Some(spanned(item, text(item)?))
}

/// A plain date that is a real calendar day; the `toml` crate refuses other days itself, and
/// reports a date with a time or an offset through the caller.
fn date_of(item: &Item) -> Option<Spanned<Datetime>> {
    let Value::DateTime(dt) = item.value() else {
        return None;
    };
    let d = dt.date()?;
    if dt.time().is_some() || dt.offset().is_some() {
        return None;
    }
    crate::model::Date::from_ymd(i32::from(d.year), u32::from(d.month), u32::from(d.day))?;
    let date = Date {
        year: d.year,
        month: d.month,
        day: d.day,
    };
    Some(spanned(
        item,
        Datetime {
            date: Some(date),
            time: None,
            offset: None,
        },
    ))
}

/// An integer or a float, as the `toml::Value` serde gives a field that takes any value; the
/// caller reports any other type.
fn number(item: &Item) -> Option<Spanned<toml::Value>> {
    let value = match item.value() {
        Value::Integer(_) => toml::Value::Integer(item.as_i64()?),
        Value::Float(&f) => toml::Value::Float(f),
        _ => return None,
    };
    Some(spanned(item, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything a report's fields hold, spans by their start (the only part used).
    fn describe(r: &RawReport) -> String {
        let s = |v: &Spanned<String>| format!("{:?}@{}", v.get_ref(), v.span().start);
        let d = |v: &Spanned<Datetime>| format!("{}@{}", v.get_ref(), v.span().start);
        let n = |v: &Spanned<toml::Value>| format!("{:?}@{}", v.get_ref(), v.span().start);
        let mut out = format!(
            "task {} date {} published {:?} status {} percent {:?} reporter {:?} sample {}",
            s(&r.task),
            d(&r.date),
            r.published.as_ref().map(d),
            s(&r.status),
            r.percent.as_ref().map(n),
            r.reporter,
            r.sample
        );
        for m in &r.measure {
            let mr = m.get_ref();
            out += &format!(
                "\nmeasure@{} target {} value {} unit {:?} as_of {:?} source {:?}",
                m.span().start,
                s(&mr.target),
                n(&mr.value),
                mr.unit,
                mr.as_of.as_ref().map(d),
                mr.source
            );
        }
        for e in &r.evidence {
            out += &format!("\nevidence {:?} {:?}", e.title, e.url);
        }
        for c in &r.correction {
            let cr = c.get_ref();
            out += &format!(
                "\ncorrection@{} date {} note {:?} target {:?} previous {:?}",
                c.span().start,
                d(&cr.date),
                cr.note,
                cr.target,
                cr.previous
            );
        }
        out
    }

    const BASE: &str = "task = \"9\"\ndate = 2024-06-30\nstatus = \"in_progress\"\n";

    /// Front matters the fast path reads: it must give exactly what serde gives.
    #[test]
    fn the_common_forms_read_as_serde_reads_them() {
        let cases = [
            BASE.to_string(),
            format!("{BASE}percent = 60\nreporter = \"市生态环境局\"\nsample = true\n"),
            format!("# 注释\n{BASE}percent = 62.5 # 约\npublished = 2024-07-05\n"),
            "'task' = \"10\"\n\"date\" = 2023-01-01\nstatus = 'done'\nreporter = \"a\\tb\\u00e9\"\n"
                .to_string(),
            format!("{BASE}[[measure]]\ntarget = \"9-1\"\nvalue = 96.8\nunit = \"%\"\nas_of = 2024-06-01\nsource = \"\"\"统计\n公报\"\"\"\n\n[[measure]]\ntarget = \"9-2\"\nvalue = -3\n"),
            format!("{BASE}measure = [{{ target = \"9-1\", value = 1e3 }}, {{target=\"9-2\",value=0}}]\n"),
            format!("{BASE}[[evidence]]\ntitle = \"验收报告\"\nurl = \"https://example.org/a.pdf\"\n"),
            format!("{BASE}[[correction]]\ndate = 2024-08-01\nnote = \"数据更正\"\ntarget = \"9-1\"\nprevious = 95\n[[correction]]\ndate = 2024-09-01\nnote = \"x\"\nprevious = 1.5\n"),
            format!("{BASE}measure = []\nsample = false\n"),
        ];
        for fm in &cases {
            let fast = raw_report(fm).unwrap_or_else(|| panic!("declined:\n{fm}"));
            let serde: RawReport = toml::from_str(fm).unwrap();
            assert_eq!(describe(&fast), describe(&serde), "\n{fm}");
        }
    }

    /// Anything else is declined, so that `toml` and serde read it and report what is wrong
    /// with it exactly as before: errors, unknown keys, wrong types, dates that are not plain
    /// calendar days, integers `toml` cannot hold.
    #[test]
    fn everything_else_is_left_to_serde() {
        let cases = [
            "task = \"9\"\nstatus = \"done\"\n".to_string(),
            format!("{BASE}task = \"10\"\n"),
            format!("{BASE}colour = \"red\"\n"),
            format!("{BASE}percent = \"60%\"\n"),
            format!("{BASE}percent = true\n"),
            format!("{BASE}reporter = 5\n"),
            format!("{BASE}sample = \"yes\"\n"),
            "task = 9\ndate = 2024-06-30\nstatus = \"done\"\n".to_string(),
            "task = \"9\"\ndate = \"2024-06-30\"\nstatus = \"done\"\n".to_string(),
            "task = \"9\"\ndate = 2024-06-30T10:00:00\nstatus = \"done\"\n".to_string(),
            "task = \"9\"\ndate = 2024-06-30T10:00:00+08:00\nstatus = \"done\"\n".to_string(),
            "task = \"9\"\ndate = 2023-02-29\nstatus = \"done\"\n".to_string(),
            format!("{BASE}[measure]\ntarget = \"9-1\"\nvalue = 1\n"),
            format!("{BASE}[[measure]]\ntarget = \"9-1\"\n"),
            format!("{BASE}[[measure]]\ntarget = \"9-1\"\nvalue = \"96%\"\n"),
            format!("{BASE}[[measure]]\ntarget = \"9-1\"\nvalue = 1\nnote = \"x\"\n"),
            format!("{BASE}[[measure]]\ntarget = \"9-1\"\nvalue = 99999999999999999999\n"),
            format!("{BASE}[[evidence]]\ntitle = \"t\"\n"),
            format!("{BASE}[[correction]]\ndate = 2024-08-01\nprevious = 1\n"),
            format!("{BASE}[[correction]]\ndate = 2024-08-01\nnote = \"n\"\nprevious = \"1\"\n"),
            format!("{BASE}status = \"done\"\n"),
            format!("{BASE}percent = 60\n[[measure]\n"),
            "task = \"9\"\ndate = 2024-06-30\nstatus = \"in_progress\n".to_string(),
        ];
        for fm in &cases {
            assert!(raw_report(fm).is_none(), "read:\n{fm}");
        }
    }
}
