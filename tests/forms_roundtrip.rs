//! Progress forms, round trip: `gongkai forms` for the bundled site → rows filled the way an
//! office program saves them (dates as date cells, numbers as numbers, some as text) →
//! `gongkai import-progress` → `gongkai build`: the task page and data/plans.json show the
//! figures. Importing again changes nothing; a changed figure becomes a correction; bad cells
//! are refused, each named, and nothing is written.

#[path = "support/site.rs"]
mod site;

use std::fs;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use site::*;

const UNIT: &str = "wuhan-scjj"; // 市城建局, lead of task 9 of wuhan-yangtze-2022
const PLAN: &str = "wuhan-yangtze-2022";

fn setup() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    copy_tree(&repo().join("content"), &root.join("content"));
    // The round's first step: the site's as_of moves to the date the round reports for.
    let site_toml = root.join("content/site.toml");
    let text = fs::read_to_string(&site_toml).unwrap();
    fs::write(
        &site_toml,
        text.replace("as_of = 2025-06-30", "as_of = 2025-12-31"),
    )
    .unwrap();
    let forms = tmp.path().join("forms");
    let o = gongkai(&[
        "forms",
        "--root",
        root.to_str().unwrap(),
        "--out",
        forms.to_str().unwrap(),
        "--date",
        "2025-12-31",
        "--deadline",
        "2026-01-15",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    (tmp, root)
}

/// What to put in a cell of the filled form.
#[derive(Clone)]
enum Fill {
    Text(&'static str),
    Number(f64),
    Date(u16, u8, u8),
    /// A formula with the value the office program saved with it.
    Formula(&'static str, &'static str),
}

/// The form's cells, read with a spreadsheet library.
fn read_sheets(path: &Path) -> Vec<(String, Vec<Vec<Data>>)> {
    let mut book: Xlsx<_> = calamine::open_workbook(path).unwrap();
    let names = book.sheet_names();
    names
        .into_iter()
        .map(|n| {
            let range = book.worksheet_range(&n).unwrap();
            let rows = range.rows().map(|r| r.to_vec()).collect();
            (n, rows)
        })
        .collect()
}

/// Saves the form again as an office program would after a person filled it: every cell
/// rewritten, dates as date cells, the edits of `fill` applied (row of the sheet, column title).
fn fill_form(form: &Path, out: &Path, fill: &[(usize, &str, Fill)]) {
    let sheets = read_sheets(form);
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (name, rows) in &sheets {
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    Data::String(s) => {
                        ws.write_string(r, c, s).unwrap();
                    }
                    Data::Float(f) => {
                        ws.write_number(r, c, *f).unwrap();
                    }
                    Data::Int(i) => {
                        ws.write_number(r, c, *i as f64).unwrap();
                    }
                    Data::DateTime(d) => {
                        let (y, m, dd, ..) = d.to_ymd_hms_milli();
                        let v = ExcelDateTime::from_ymd(y, m, dd).unwrap();
                        ws.write_datetime_with_format(r, c, v, &date).unwrap();
                    }
                    _ => {}
                }
            }
        }
        if name != "进展填报" {
            continue;
        }
        for (row, title, value) in fill {
            let c = header.iter().position(|h| h == title).unwrap() as u16;
            let r = *row as u32;
            match value {
                Fill::Text(t) => ws.write_string(r, c, *t).map(|_| ()),
                Fill::Number(n) => ws.write_number(r, c, *n).map(|_| ()),
                Fill::Date(y, m, d) => ws
                    .write_datetime_with_format(
                        r,
                        c,
                        ExcelDateTime::from_ymd(*y, *m, *d).unwrap(),
                        &date,
                    )
                    .map(|_| ()),
                Fill::Formula(f, v) => ws
                    .write_formula(r, c, Formula::new(*f).set_result(*v))
                    .map(|_| ()),
            }
            .unwrap();
        }
    }
    wb.save(out).unwrap();
}

/// The sheet row (0-based, header = 0) of a task and target in a form.
fn row_of(form: &Path, task: &str, target: &str) -> usize {
    let sheets = read_sheets(form);
    let (_, rows) = sheets.iter().find(|(n, _)| n == "进展填报").unwrap();
    rows.iter()
        .position(|r| r[0] == PLAN && r[1] == task && r[3] == target)
        .unwrap_or_else(|| panic!("no row for {task} {target}"))
}

fn import(root: &Path, files: &[&Path]) -> std::process::Output {
    let mut args = vec![
        "import-progress",
        "--root",
        root.to_str().unwrap(),
        "--today",
        "2026-01-20",
    ];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    gongkai(&args)
}

#[test]
fn a_form_has_the_header_the_locks_the_drop_down_and_the_instructions() {
    let (tmp, _root) = setup();
    let form = tmp.path().join(format!("forms/{UNIT}.xlsx"));
    let sheets = read_sheets(&form);
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["填表说明", "进展填报"]);
    let rows = &sheets[1].1;
    let header: Vec<String> = rows[0].iter().map(|c| c.to_string()).collect();
    assert_eq!(
        header,
        [
            "方案",
            "任务编号",
            "任务",
            "目标编号",
            "目标",
            "目标值",
            "单位",
            "截至日期",
            "本期数值",
            "进展状态",
            "完成百分比",
            "进展情况",
            "数据来源",
            "佐证材料"
        ]
    );
    // One row per task and target: task 9 has six targets, all on the form of its lead.
    let task9: Vec<String> = rows
        .iter()
        .filter(|r| r[0] == PLAN && r[1] == "9")
        .map(|r| r[3].to_string())
        .collect();
    assert_eq!(task9, ["9-1", "9-2", "9-3", "9-4", "9-5", "9-6"]);
    let r = row_of(&form, "9", "9-1");
    assert_eq!(rows[r][5].to_string(), "≥98");
    assert!(
        matches!(rows[r][7], Data::DateTime(_)),
        "the date is a date cell"
    );
    // Locks, drop-down, validations and the last published value, in the sheet's XML.
    let xml = sheet_xml(&form, "xl/worksheets/sheet2.xml");
    assert!(xml.contains("<sheetProtection"), "the sheet is protected");
    assert!(
        xml.contains("\"未开始,推进中,已完成,滞后,暂停\""),
        "status drop-down"
    );
    assert!(xml.contains("type=\"date\"") && xml.contains("type=\"decimal\""));
    assert!(
        xml.contains("<pageSetup") && xml.contains("paperSize=\"9\"") && xml.contains("landscape")
    );
    let notes = sheet_xml(&form, "xl/comments1.xml");
    assert!(
        notes.contains("上期数值:98.2%(截至 2025-06-30,市城建局报)"),
        "last published 9-1 figure: {notes}"
    );
    // The instructions: who sends it where, by when.
    let info: Vec<String> = sheets[0]
        .1
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    let info = info.join("\n");
    for want in [
        "单位编号|wuhan-scjj",
        "报送截止|2026-01-15 前",
        "gongkai@example.org",
        "截至日期|2025-12-31",
    ] {
        assert!(info.contains(want), "no {want:?} in\n{info}");
    }
}

fn sheet_xml(xlsx: &Path, part: &str) -> String {
    let mut zip = zip::ZipArchive::new(fs::File::open(xlsx).unwrap()).unwrap();
    let mut s = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(part).unwrap(), &mut s).unwrap();
    s
}

#[test]
fn filled_forms_become_reports_that_the_site_shows_and_importing_again_changes_nothing() {
    let (tmp, root) = setup();
    let form = tmp.path().join(format!("forms/{UNIT}.xlsx"));
    let filled = tmp.path().join("市城建局-已填.xlsx");
    let (r1, r2, r4) = (
        row_of(&form, "9", "9-1"),
        row_of(&form, "9", "9-2"),
        row_of(&form, "9", "9-4"),
    );
    fill_form(
        &form,
        &filled,
        &[
            (r1, "截至日期", Fill::Date(2025, 12, 31)),
            (r1, "本期数值", Fill::Number(98.6)),
            (r1, "进展状态", Fill::Text("推进中")),
            (r1, "完成百分比", Fill::Number(90.0)),
            (
                r1,
                "进展情况",
                Fill::Text("上半年新建污水管网 35 公里,污水处理厂四期投入试运行。"),
            ),
            (r1, "数据来源", Fill::Text("《2025年上半年城市建设统计》")),
            (
                r1,
                "佐证材料",
                Fill::Text("四期工程试运行公告 https://example.org/wsc-4"),
            ),
            // A number typed as text, as WPS keeps it when the cell was formatted as text.
            (r2, "本期数值", Fill::Text("82.5")),
            (r2, "进展状态", Fill::Text("推进中")),
            (r4, "本期数值", Fill::Number(131.0)),
        ],
    );
    let o = import(&root, &[&filled]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = root.join(format!("content/plans/{PLAN}/progress/2025-12-31-9.md"));
    let text = fs::read_to_string(&report).unwrap();
    assert!(text.contains("reporter = \"市城建局\""), "{text}");
    assert!(
        !text.contains("sample"),
        "imported reports are real data: {text}"
    );
    assert!(
        text.contains("value = 98.6")
            && text.contains("value = 82.5")
            && text.contains("value = 131"),
        "{text}"
    );
    assert!(
        text.contains("url = \"https://example.org/wsc-4\""),
        "{text}"
    );

    let out = tmp.path().join("public");
    build(&root, &out);
    let page = fs::read_to_string(out.join(format!("plans/{PLAN}/tasks/9/index.html"))).unwrap();
    for want in ["98.6", "82.5", "污水处理厂四期投入试运行", "市城建局"] {
        assert!(page.contains(want), "task page lacks {want}");
    }
    let plans: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("data/plans.json")).unwrap()).unwrap();
    let plan = plans["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == PLAN)
        .unwrap();
    let task = plan["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "9")
        .unwrap();
    let latest = |id: &str| {
        task["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .unwrap()["latest"]
            .clone()
    };
    assert_eq!(latest("9-1")["value"], 98.6);
    assert_eq!(latest("9-1")["date"], "2025-12-31");
    assert_eq!(latest("9-2")["value"], 82.5);
    assert_eq!(latest("9-4")["value"], 131.0);
    assert_eq!(task["percent"], 90.0);

    // The same file again: not a byte of content/ changes.
    let before = snapshot(&root.join("content"));
    let o = import(&root, &[&filled]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("0 new report(s), 0 corrected, 1 unchanged"),
        "{}",
        stderr(&o)
    );
    assert!(
        snapshot(&root.join("content")) == before,
        "re-import changed content/"
    );

    // A changed figure for the published report: a correction, the old figure kept.
    let again = tmp.path().join("市城建局-更正.xlsx");
    fill_form(&filled, &again, &[(r1, "本期数值", Fill::Number(98.4))]);
    assert!(fs::read_to_string(&report)
        .unwrap()
        .contains("value = 98.6"));
    let o = import(&root, &[&again]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = fs::read_to_string(&report).unwrap();
    assert!(text.contains("value = 98.4"), "{text}");
    assert!(
        text.contains("[[correction]]\ndate = 2026-01-20\ntarget = \"9-1\"\nprevious = 98.6\n"),
        "{text}"
    );
    let out2 = tmp.path().join("public2");
    build(&root, &out2);
    let page = fs::read_to_string(out2.join(format!("plans/{PLAN}/tasks/9/index.html"))).unwrap();
    assert!(
        page.contains("98.4") && page.contains("原发布数值 98.6"),
        "the page shows the correction"
    );
}

#[test]
fn bad_cells_are_named_all_at_once_and_nothing_is_written() {
    let (tmp, root) = setup();
    let form = tmp.path().join(format!("forms/{UNIT}.xlsx"));
    let bad = tmp.path().join("bad.xlsx");
    let (r1, r2, r3, r5) = (
        row_of(&form, "9", "9-1"),
        row_of(&form, "9", "9-2"),
        row_of(&form, "9", "9-3"),
        row_of(&form, "9", "9-5"),
    );
    // A good row too: it must not be written either.
    let good = row_of(&form, "9", "9-4");
    fill_form(
        &form,
        &bad,
        &[
            (good, "本期数值", Fill::Number(131.0)),
            (good, "进展状态", Fill::Text("推进中")),
            (r1, "本期数值", Fill::Text("约98")),
            (r2, "进展状态", Fill::Text("基本完成")),
            (r2, "本期数值", Fill::Number(80.0)),
            (r3, "截至日期", Fill::Date(2031, 6, 30)),
            (r3, "本期数值", Fill::Number(50.0)),
            (r5, "目标编号", Fill::Text("9-9")),
            (r5, "本期数值", Fill::Number(700.0)),
            (
                r5 + 1,
                "方案",
                Fill::Formula("=\"wuhan-yangtze-2022\"", "wuhan-yangtze-2022"),
            ),
        ],
    );
    let before = snapshot(&root.join("content"));
    let o = import(&root, &[&bad]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let at =
        |col: &str, row: usize| format!("{}:进展填报!{col}{}: error: ", bad.display(), row + 1);
    for (place, what) in [
        (at("I", r1), "本期数值 \"约98\" is not a number"),
        (at("J", r2), "unknown status \"基本完成\""),
        (
            at("H", r3),
            "date 2031-06-30 is outside the plan period 2022–2025",
        ),
        (
            at("D", r5),
            "the row's key columns were edited: task \"9\" has no target \"9-9\"",
        ),
        (at("A", r5 + 1), "a formula (="),
    ] {
        let want = format!("{place}{what}");
        assert!(err.contains(&want), "no {want:?} in:\n{err}");
    }
    assert!(err.contains("help: "), "every problem has a hint:\n{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert!(
        snapshot(&root.join("content")) == before,
        "a refused import wrote something"
    );
}

#[test]
fn a_zip_bomb_and_an_entity_bomb_are_refused_quickly() {
    let (tmp, root) = setup();
    // A part declaring (and inflating to) 45 MB of spaces: about 45 KB compressed.
    let bomb = tmp.path().join("bomb.xlsx");
    {
        let mut z = zip::ZipWriter::new(fs::File::create(&bomb).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(1))
            .large_file(true);
        z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..45 {
            std::io::Write::write_all(&mut z, &chunk).unwrap();
        }
        z.finish().unwrap();
    }
    // Billion laughs in the shared strings of a real form.
    let form = tmp.path().join(format!("forms/{UNIT}.xlsx"));
    let laughs = tmp.path().join("laughs.xlsx");
    {
        let mut src = zip::ZipArchive::new(fs::File::open(&form).unwrap()).unwrap();
        let mut z = zip::ZipWriter::new(fs::File::create(&laughs).unwrap());
        for i in 0..src.len() {
            let f = src.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            if name == "xl/sharedStrings.xml" {
                drop(f);
                z.start_file(&name, zip::write::SimpleFileOptions::default())
                    .unwrap();
                let mut x =
                    String::from("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
                x.push_str("<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">");
                for n in 2..10 {
                    x.push_str(&format!(
                        "<!ENTITY lol{n} \"{}\">",
                        format!("&lol{};", n - 1).repeat(10)
                    ));
                }
                x.push_str("]><sst><si><t>&lol9;</t></si></sst>");
                std::io::Write::write_all(&mut z, x.as_bytes()).unwrap();
            } else {
                z.raw_copy_file(f).unwrap();
            }
        }
        z.finish().unwrap();
    }
    let started = std::time::Instant::now();
    let o = import(&root, &[&bomb, &laughs]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        started.elapsed().as_secs() < 20,
        "took {:?}",
        started.elapsed()
    );
    assert!(
        err.contains(&format!(
            "{}: error: part xl/worksheets/sheet1.xml would inflate to 47185920 bytes",
            bomb.display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{}: error: part xl/sharedStrings.xml declares a DTD",
            laughs.display()
        )),
        "{err}"
    );
}

#[test]
fn a_real_report_replaces_the_sample_report_of_the_same_task_and_date() {
    let (tmp, root) = setup();
    let form = tmp.path().join(format!("forms/{UNIT}.xlsx"));
    let filled = tmp.path().join("filled.xlsx");
    let r1 = row_of(&form, "9", "9-1");
    // content/ ships a sample report for task 9 dated 2025-06-30.
    let report = root.join(format!("content/plans/{PLAN}/progress/2025-06-30-9.md"));
    assert!(fs::read_to_string(&report)
        .unwrap()
        .contains("sample = true"));
    fill_form(
        &form,
        &filled,
        &[
            (r1, "截至日期", Fill::Text("2025/6/30")),
            (r1, "本期数值", Fill::Number(97.9)),
            (r1, "进展状态", Fill::Text("滞后")),
        ],
    );
    let o = import(&root, &[&filled]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = fs::read_to_string(&report).unwrap();
    assert!(!text.contains("sample"), "{text}");
    assert!(
        text.contains("status = \"delayed\"") && text.contains("value = 97.9"),
        "{text}"
    );
    assert!(
        !text.contains("[[correction]]"),
        "sample figures were never real: {text}"
    );
    build(&root, &tmp.path().join("public"));
}
