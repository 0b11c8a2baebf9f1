//! Plan documents as a web team receives them, made from their text: a Word .docx with
//! automatic numbering, a government site's article page (optionally in GBK), and a PDF whose
//! Chinese text is drawn with a composite font and read back through its ToUnicode map.
//! Also the hostile files of tests/import_formats.rs. Minimal, hand-written writers: each
//! file holds only what real producers put there for the feature under test.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

/// The documents whose text imports are compared with their .docx, .html and .pdf forms:
/// every seed, the layout fixtures, and every file of tests/fixtures/import/real/ (the corpus
/// of published plans) when it is there. Add a document by adding its text file there.
pub fn documents() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["seeds", "tests/fixtures/import/real"] {
        if let Ok(entries) = std::fs::read_dir(root.join(dir)) {
            let mut found: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "txt"))
                .collect();
            found.sort();
            files.extend(found);
        }
    }
    for f in ["fullwidth.txt", "chapters.txt"] {
        files.push(root.join("tests/fixtures/import").join(f));
    }
    files
}

// ---------------------------------------------------------------------------------------------
// .docx

static CN_HEAD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([一二三四五六七八九十]+)(、)").unwrap());
static CN_PAREN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([(（])([一二三四五六七八九十]+)([)）])").unwrap());
static DEC_PAREN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([(（])(\d{1,2})([)）])").unwrap());
static DEC_DOT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(\d{1,2})([.．、])(\D)").unwrap());

fn cn_value(s: &str) -> u32 {
    let d = |c: char| "一二三四五六七八九".find(c).map(|i| i as u32 / 3 + 1);
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        ['十'] => 10,
        ['十', b] => 10 + d(*b).unwrap_or(0),
        [a, '十'] => d(*a).unwrap_or(0) * 10,
        [a, '十', b] => d(*a).unwrap_or(0) * 10 + d(*b).unwrap_or(0),
        [a] => d(*a).unwrap_or(0),
        _ => 0,
    }
}

/// A numbered line → (lvlText, numFmt, value, the text after the number).
fn numbering(line: &str) -> Option<(String, &'static str, u32, String)> {
    if let Some(c) = CN_HEAD.captures(line) {
        return Some((
            format!("%1{}", &c[2]),
            "chineseCounting",
            cn_value(&c[1]),
            line[c[0].len()..].into(),
        ));
    }
    if let Some(c) = CN_PAREN.captures(line) {
        return Some((
            format!("{}%1{}", &c[1], &c[3]),
            "chineseCounting",
            cn_value(&c[2]),
            line[c[0].len()..].into(),
        ));
    }
    if let Some(c) = DEC_PAREN.captures(line) {
        return Some((
            format!("{}%1{}", &c[1], &c[3]),
            "decimal",
            c[2].parse().ok()?,
            line[c[0].len()..].into(),
        ));
    }
    if let Some(c) = DEC_DOT.captures(line) {
        let rest = &line[c[1].len() + c[2].len()..];
        return Some((
            format!("%1{}", &c[2]),
            "decimal",
            c[1].parse().ok()?,
            rest.into(),
        ));
    }
    None
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A .docx of `text`, a paragraph a line; numbered lines get Word's automatic numbering (the
/// number itself is not in the text, as in a real Word file), continuing or restarting lists
/// with `startOverride` as Word does.
pub fn to_docx(text: &str) -> Vec<u8> {
    let mut styles: Vec<(String, &'static str)> = Vec::new();
    // numId → (abstract index, start)
    let mut nums: Vec<(usize, u32)> = Vec::new();
    // per style: (current numId, last value)
    let mut current: BTreeMap<usize, (usize, u32)> = BTreeMap::new();
    let mut body = String::new();
    for line in text.lines() {
        let line = line.trim_end();
        match numbering(line) {
            Some((lvl_text, fmt, value, rest)) if value > 0 => {
                let s = match styles.iter().position(|(t, f)| *t == lvl_text && *f == fmt) {
                    Some(i) => i,
                    None => {
                        styles.push((lvl_text, fmt));
                        styles.len() - 1
                    }
                };
                let num_id = match current.get(&s) {
                    Some(&(id, last)) if value == last + 1 => id,
                    _ => {
                        nums.push((s, value));
                        nums.len()
                    }
                };
                current.insert(s, (num_id, value));
                body.push_str(&format!(
                    r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr></w:pPr><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
                    xml_escape(&rest)
                ));
            }
            _ => body.push_str(&format!(
                r#"<w:p><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
                xml_escape(line)
            )),
        }
    }
    let mut numbering = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    );
    for (i, (lvl_text, fmt)) in styles.iter().enumerate() {
        numbering.push_str(&format!(
            r#"<w:abstractNum w:abstractNumId="{i}"><w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{}"/><w:lvlJc w:val="left"/><w:suff w:val="nothing"/></w:lvl></w:abstractNum>"#,
            xml_escape(lvl_text)
        ));
    }
    for (i, (abs, start)) in nums.iter().enumerate() {
        numbering.push_str(&format!(
            r#"<w:num w:numId="{}"><w:abstractNumId w:val="{abs}"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="{start}"/></w:lvlOverride></w:num>"#,
            i + 1
        ));
    }
    numbering.push_str("</w:numbering>");
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    zip_parts(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("word/document.xml", document.as_bytes()),
        ("word/numbering.xml", numbering.as_bytes()),
    ])
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

/// A zip archive of the parts, deflated.
pub fn zip_parts(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in parts {
        z.start_file(*name, opts).unwrap();
        z.write_all(data).unwrap();
    }
    z.finish().unwrap().into_inner()
}

/// A docx whose body is `document_xml` as given (for hostile parts).
pub fn docx_with_body(document_xml: &str) -> Vec<u8> {
    zip_parts(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("word/document.xml", document_xml.as_bytes()),
    ])
}

/// A raw deflate stream that inflates to `n_mib` MiB of spaces from about a KiB per MiB:
/// one compressed MiB, sync-flushed, repeated, then an empty final block.
pub fn deflate_bomb(n_mib: usize) -> Vec<u8> {
    let mut c = flate2::Compress::new(flate2::Compression::best(), false);
    let input = vec![b' '; 1 << 20];
    let mut seg = Vec::with_capacity(1 << 16);
    c.compress_vec(&input, &mut seg, flate2::FlushCompress::Sync)
        .unwrap();
    let mut out = Vec::with_capacity(seg.len() * n_mib + 2);
    for _ in 0..n_mib {
        out.extend_from_slice(&seg);
    }
    out.extend_from_slice(&[0x03, 0x00]);
    out
}

/// A zip with `word/document.xml` deflated from a bomb, its header claiming 1 KiB.
pub fn zip_bomb_docx(n_mib: usize) -> Vec<u8> {
    let data = deflate_bomb(n_mib);
    let name = b"word/document.xml";
    let mut z = Vec::new();
    let local = |z: &mut Vec<u8>| {
        z.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        z.extend_from_slice(&[20, 0, 0, 0, 8, 0, 0, 0, 0, 0]);
        z.extend_from_slice(&0u32.to_le_bytes()); // crc
        z.extend_from_slice(&(data.len() as u32).to_le_bytes());
        z.extend_from_slice(&1024u32.to_le_bytes()); // claimed size
        z.extend_from_slice(&(name.len() as u16).to_le_bytes());
        z.extend_from_slice(&0u16.to_le_bytes());
        z.extend_from_slice(name);
    };
    local(&mut z);
    z.extend_from_slice(&data);
    let cd_start = z.len();
    z.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    z.extend_from_slice(&[20, 0, 20, 0, 0, 0, 8, 0, 0, 0, 0, 0]);
    z.extend_from_slice(&0u32.to_le_bytes());
    z.extend_from_slice(&(data.len() as u32).to_le_bytes());
    z.extend_from_slice(&1024u32.to_le_bytes());
    z.extend_from_slice(&(name.len() as u16).to_le_bytes());
    z.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
    z.extend_from_slice(&0u32.to_le_bytes());
    z.extend_from_slice(&0u32.to_le_bytes()); // local header offset
    z.extend_from_slice(name);
    let cd_len = z.len() - cd_start;
    z.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    z.extend_from_slice(&[0, 0, 0, 0, 1, 0, 1, 0]);
    z.extend_from_slice(&(cd_len as u32).to_le_bytes());
    z.extend_from_slice(&(cd_start as u32).to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z
}

// ---------------------------------------------------------------------------------------------
// .html

/// A government site's article page: header and navigation, breadcrumb, the 信息公开 metadata
/// table, the article (a `<p>` a line), share bar, related links, footer and scripts.
pub fn to_html(text: &str, charset: &str) -> Vec<u8> {
    let paras: String = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            format!(
                "<p style=\"text-indent:2em\">{}</p>\n",
                xml_escape(l.trim())
            )
        })
        .collect();
    let page = format!(
        r#"<!DOCTYPE html>
<html lang="zh-CN"><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>政策文件_某某市人民政府门户网站</title>
<meta name="SiteName" content="某某市人民政府门户网站"><meta name="ColumnName" content="政策文件">
<link rel="stylesheet" href="/css/style.css"><script src="/js/jquery.min.js"></script></head>
<body><div class="top-bar"><a href="/">无障碍</a> <a href="/en">English</a> <a href="/login">登录</a></div>
<div id="header" class="header"><img src="/logo.png" alt="某某市人民政府"><div class="search"><input name="q"><button>搜索</button></div></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/zjmc/">走进本市</a></li></ul></div>
<div class="container"><div class="position">您当前的位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/zcwj/">政策文件</a></div>
<div class="xxgk-info"><table class="table_info">
<tr><th>索&nbsp;引&nbsp;号：</th><td>011234567/2024-00042</td><th>主题分类：</th><td>城乡建设、环境保护</td></tr>
<tr><th>发文机关：</th><td>测试市人民政府办公室</td><th>成文日期：</th><td>2024年03月01日</td></tr>
<tr><th>文　　号：</th><td>测政办发〔2024〕7号</td><th>发布日期：</th><td>2024年03月05日</td></tr>
</table></div>
<div class="article"><div class="article-title"></div><div id="zoom" class="TRS_Editor">
{paras}</div>
<div class="article-tools"><span class="print"><a href="javascript:window.print()">【打印本页】</a></span><span><a href="javascript:window.close()">【关闭窗口】</a></span></div>
<div class="bdsharebuttonbox share">分享到：<a class="bds_weixin">微信</a><a class="bds_tsina">微博</a><a class="bds_qzone">QQ空间</a></div>
</div>
<div class="related"><h4>相关链接</h4><ul><li><a href="/a/1.html">关于印发某某市城市更新三年行动计划的政策解读</a></li><li><a href="/a/2.html">图解：某某市城市更新三年行动计划（2024—2026年）</a></li><li><a href="/a/3.html">某某市召开城市更新工作推进会议部署重点任务</a></li></ul></div>
</div>
<div id="footer" class="footer"><p>主办：某某市人民政府办公室　承办：某某市大数据中心</p><p>网站标识码：1234000001　<a href="https://beian.miit.gov.cn">某ICP备05001234号</a>　某公网安备 12345602000123号</p><p>联系我们 | 网站地图 | 隐私声明</p></div>
<script>var _hmt = _hmt || []; document.write("<span>统计</span>");</script>
</body></html>"#
    );
    match charset {
        "gbk" | "gb2312" | "gb18030" => encoding_rs::GB18030.encode(&page).0.into_owned(),
        _ => page.into_bytes(),
    }
}

// ---------------------------------------------------------------------------------------------
// .pdf

/// Glyph advance in ems, as the reader estimates it (and as this writer lays out text).
fn em(c: char) -> f32 {
    if c.is_ascii() {
        0.5
    } else {
        1.0
    }
}

struct PdfWriter {
    objects: Vec<Vec<u8>>,
}

impl PdfWriter {
    fn add(&mut self, body: Vec<u8>) -> usize {
        self.objects.push(body);
        self.objects.len()
    }

    fn set(&mut self, id: usize, body: Vec<u8>) {
        self.objects[id - 1] = body;
    }

    fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
        let mut v = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
        v.extend_from_slice(data);
        v.extend_from_slice(b"\nendstream");
        v
    }

    fn finish(self, root: usize) -> Vec<u8> {
        let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in self.objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(o);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", self.objects.len() + 1).as_bytes(),
        );
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                self.objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A4 PDF of `text`: a paragraph a line, first lines indented two characters, wrapped at the
/// right margin, 12 pt, page numbers `— n —` at the foot. The font is a composite
/// (Type0, Identity-H) font whose glyph ids are the characters' order of first use, so the text
/// can only be read through its ToUnicode map (no font program is embedded: a viewer draws it
/// with a substitute font, and extraction does not need one). On each page the page number is
/// drawn first and each line's second half before its first, so reading order comes from the
/// positions, not from the drawing order.
pub fn to_pdf(text: &str) -> Vec<u8> {
    to_pdf_with(text, false)
}

/// [`to_pdf`], with each page's text drawn by a form XObject (as some PDF printers write it)
/// when `in_form`.
pub fn to_pdf_with(text: &str, in_form: bool) -> Vec<u8> {
    const SIZE: f32 = 12.0;
    const LEFT: f32 = 72.0;
    const WIDTH: f32 = 451.0;
    const TOP: f32 = 770.0;
    const BOTTOM: f32 = 80.0;
    const LEADING: f32 = 21.0;

    let mut cids: BTreeMap<char, u16> = BTreeMap::new();
    let mut cid = |c: char| {
        let n = cids.len() as u16 + 1;
        *cids.entry(c).or_insert(n)
    };
    // Lay out: (page, x, y, chars)
    let mut lines: Vec<Vec<(f32, f32, String)>> = vec![Vec::new()];
    let mut y = TOP;
    for para in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut x0 = LEFT + 2.0 * SIZE;
        let mut cur = String::new();
        let mut w = 0.0;
        let flush =
            |cur: &mut String, x0: f32, lines: &mut Vec<Vec<(f32, f32, String)>>, y: &mut f32| {
                if *y < BOTTOM {
                    lines.push(Vec::new());
                    *y = TOP;
                }
                lines
                    .last_mut()
                    .unwrap()
                    .push((x0, *y, std::mem::take(cur)));
                *y -= LEADING;
            };
        for c in para.chars() {
            let cw = em(c) * SIZE;
            if x0 + w + cw > LEFT + WIDTH {
                flush(&mut cur, x0, &mut lines, &mut y);
                x0 = LEFT;
                w = 0.0;
            }
            cur.push(c);
            w += cw;
        }
        flush(&mut cur, x0, &mut lines, &mut y);
    }
    let hex = |s: &str, cid: &mut dyn FnMut(char) -> u16| -> String {
        s.chars().map(|c| format!("{:04X}", cid(c))).collect()
    };
    let mut w = PdfWriter {
        objects: Vec::new(),
    };
    let catalog = w.add(Vec::new());
    let pages = w.add(Vec::new());
    let font = w.add(Vec::new());
    let mut kids = Vec::new();
    let n_pages = lines.len();
    for (i, page) in lines.iter().enumerate() {
        let mut ops = String::new();
        let number = format!("— {} —", i + 1);
        let nx = LEFT + WIDTH / 2.0 - number.chars().map(em).sum::<f32>() * SIZE / 2.0;
        ops.push_str(&format!(
            "BT /F1 {SIZE} Tf 1 0 0 1 {nx:.2} 40 Tm <{}> Tj ET\n",
            hex(&number, &mut cid)
        ));
        for (x, y, s) in page {
            let chars: Vec<char> = s.chars().collect();
            let mid = chars.len() / 2;
            let (a, b): (String, String) =
                (chars[..mid].iter().collect(), chars[mid..].iter().collect());
            let bx = x + a.chars().map(em).sum::<f32>() * SIZE;
            if !b.is_empty() {
                ops.push_str(&format!(
                    "BT /F1 {SIZE} Tf 1 0 0 1 {bx:.2} {y:.2} Tm <{}> Tj ET\n",
                    hex(&b, &mut cid)
                ));
            }
            if !a.is_empty() {
                ops.push_str(&format!(
                    "BT /F1 {SIZE} Tf 1 0 0 1 {x:.2} {y:.2} Tm [<{}>] TJ ET\n",
                    hex(&a, &mut cid)
                ));
            }
        }
        let (content, resources) = if in_form {
            let form = w.add(PdfWriter::stream(
                &format!("/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Matrix [1 0 0 1 0 0] /Resources << /Font << /F1 {font} 0 R >> >> /Filter /FlateDecode"),
                &deflate(ops.as_bytes()),
            ));
            (
                w.add(PdfWriter::stream("", b"q 1 0 0 1 0 0 cm /Fm1 Do Q")),
                format!("/XObject << /Fm1 {form} 0 R >>"),
            )
        } else {
            (
                w.add(PdfWriter::stream(
                    "/Filter /FlateDecode",
                    &deflate(ops.as_bytes()),
                )),
                format!("/Font << /F1 {font} 0 R >>"),
            )
        };
        let page = w.add(
            format!("<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 595 842] /Resources << {resources} >> /Contents {content} 0 R >>")
                .into_bytes(),
        );
        kids.push(format!("{page} 0 R"));
    }
    // ToUnicode: bfchar blocks of at most 100 entries.
    let mut cmap = String::from("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    let entries: Vec<(u16, char)> = cids.iter().map(|(c, id)| (*id, *c)).collect();
    for chunk in entries.chunks(100) {
        cmap.push_str(&format!("{} beginbfchar\n", chunk.len()));
        for (id, c) in chunk {
            let mut u = [0u16; 2];
            let utf16: String = c
                .encode_utf16(&mut u)
                .iter()
                .map(|v| format!("{v:04X}"))
                .collect();
            cmap.push_str(&format!("<{id:04X}> <{utf16}>\n"));
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    let to_unicode = w.add(PdfWriter::stream(
        "/Filter /FlateDecode",
        &deflate(cmap.as_bytes()),
    ));
    let widths: String = entries
        .iter()
        .filter(|(_, c)| c.is_ascii())
        .map(|(id, _)| format!("{id} [500] "))
        .collect();
    let descriptor = w.add(
        b"<< /Type /FontDescriptor /FontName /SimSun /Flags 6 /FontBBox [0 -141 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 683 /StemV 80 >>".to_vec(),
    );
    let cidfont = w.add(
        format!("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor {descriptor} 0 R /DW 1000 /W [{widths}] /CIDToGIDMap /Identity >>").into_bytes(),
    );
    w.set(font, format!("<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [{cidfont} 0 R] /ToUnicode {to_unicode} 0 R >>").into_bytes());
    w.set(
        pages,
        format!(
            "<< /Type /Pages /Kids [{}] /Count {n_pages} >>",
            kids.join(" ")
        )
        .into_bytes(),
    );
    w.set(
        catalog,
        format!("<< /Type /Catalog /Pages {pages} 0 R >>").into_bytes(),
    );
    w.finish(catalog)
}

/// A one-page PDF drawing only an image (a scan): no text layer.
pub fn scanned_pdf() -> Vec<u8> {
    let mut w = PdfWriter {
        objects: Vec::new(),
    };
    let catalog = w.add(Vec::new());
    let pages = w.add(Vec::new());
    let image = w.add(PdfWriter::stream("/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8", &[0, 255, 255, 0]));
    let content = w.add(PdfWriter::stream("", b"q 595 0 0 842 0 0 cm /Im1 Do Q"));
    let page = w.add(format!("<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 {image} 0 R >> >> /Contents {content} 0 R >>").into_bytes());
    w.set(
        pages,
        format!("<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>").into_bytes(),
    );
    w.set(
        catalog,
        format!("<< /Type /Catalog /Pages {pages} 0 R >>").into_bytes(),
    );
    w.finish(catalog)
}

/// A PDF whose page tree points back at itself and whose content is a reference cycle.
pub fn cyclic_pdf() -> Vec<u8> {
    let mut w = PdfWriter {
        objects: Vec::new(),
    };
    let catalog = w.add(Vec::new());
    let pages = w.add(Vec::new());
    let a = w.add(Vec::new());
    let b = w.add(Vec::new());
    let page = w.add(Vec::new());
    w.set(a, format!("{b} 0 R").into_bytes());
    w.set(b, format!("{a} 0 R").into_bytes());
    w.set(
        page,
        format!("<< /Type /Page /Parent {pages} 0 R /Resources {a} 0 R /Contents {b} 0 R >>")
            .into_bytes(),
    );
    w.set(pages, format!("<< /Type /Pages /Parent {pages} 0 R /Kids [{pages} 0 R {page} 0 R {pages} 0 R] /Count 3 >>").into_bytes());
    w.set(
        catalog,
        format!("<< /Type /Catalog /Pages {pages} 0 R >>").into_bytes(),
    );
    w.finish(catalog)
}

/// A PDF whose page content inflates to `n_mib` MiB, and a stream with no end.
pub fn bomb_pdf(n_mib: usize) -> Vec<u8> {
    let mut z = vec![0x78, 0x9C];
    z.extend_from_slice(&deflate_bomb(n_mib));
    z.extend_from_slice(&[0, 0, 0, 0]);
    let mut w = PdfWriter {
        objects: Vec::new(),
    };
    let catalog = w.add(Vec::new());
    let pages = w.add(Vec::new());
    let content = w.add(PdfWriter::stream("/Filter /FlateDecode", &z));
    let page = w.add(
        format!(
            "<< /Type /Page /Parent {pages} 0 R /MediaBox [0 0 595 842] /Contents {content} 0 R >>"
        )
        .into_bytes(),
    );
    w.set(
        pages,
        format!("<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>").into_bytes(),
    );
    w.set(
        catalog,
        format!("<< /Type /Catalog /Pages {pages} 0 R >>").into_bytes(),
    );
    w.finish(catalog)
}

/// A PDF whose one stream claims a length far past the end and never ends.
pub fn endless_stream_pdf() -> Vec<u8> {
    let mut out = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>\nendobj\n4 0 obj\n<< /Length 99999999999 >>\nstream\n".to_vec();
    for _ in 0..20_000 {
        out.extend_from_slice(b"BT /F1 12 Tf (x) Tj ET q Q ");
    }
    out
}

/// Arrays nested `depth` deep in a page's content and its dictionary.
pub fn nested_pdf(depth: usize) -> Vec<u8> {
    let nest = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let mut w = PdfWriter {
        objects: Vec::new(),
    };
    let catalog = w.add(Vec::new());
    let pages = w.add(Vec::new());
    let content = w.add(PdfWriter::stream("", format!("{nest} TJ").as_bytes()));
    let page = w.add(
        format!("<< /Type /Page /Parent {pages} 0 R /X {nest} /Contents {content} 0 R >>")
            .into_bytes(),
    );
    w.set(
        pages,
        format!("<< /Type /Pages /Kids [{page} 0 R] /Count 1 >>").into_bytes(),
    );
    w.set(
        catalog,
        format!("<< /Type /Catalog /Pages {pages} 0 R >>").into_bytes(),
    );
    w.finish(catalog)
}
