//! The same metric across cities, and a portal built from other portals' mirrors: two signed
//! sites built from parts of the bundled content, an aggregator over their mirrors (rows and
//! links of both), tampered, re-keyed, malformed and huge mirrors refused with the source
//! named and the output left as it was, the hostile fixture served as a signed source, and the
//! aggregator's pages through the quality gates.

#[path = "support/quality.rs"]
mod quality;
#[path = "support/site.rs"]
mod site;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use quality::*;
use site::*;

/// A site of the bundled content with only `plans`, and without the catalogue.
fn part_of_bundled(root: &Path, plans: &[&str]) {
    copy_tree(&repo().join("content"), &root.join("content"));
    for e in fs::read_dir(root.join("content/plans")).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !plans.contains(&name.as_str()) {
            fs::remove_dir_all(e.path()).unwrap();
        }
    }
    let _ = fs::remove_file(root.join("content/metrics.toml"));
}

/// `gongkai keygen --out DIR`: the fingerprint it prints.
fn keygen(dir: &Path) -> String {
    let o = gongkai(&["keygen", "--out", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    text.lines()
        .find_map(|l| l.strip_prefix("fingerprint: "))
        .expect("keygen prints the fingerprint")
        .to_string()
}

/// Builds `root` signed with the key in `keys`, published at `base`, into `out`.
fn build_signed(root: &Path, keys: &Path, base: &str, out: &Path) {
    let key = keys.join("gongkai.key");
    let o = try_build(
        root,
        out,
        &["--sign-key", key.to_str().unwrap(), "--base-url", base],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

struct Fixture {
    _tmp: tempfile::TempDir,
    /// The aggregator's project folder (mirrors and keys inside it).
    root: PathBuf,
    out: PathBuf,
    fingerprints: [String; 2],
}

const SOUTH: &str = "https://south.example.org/gongkai/";
const JIXI: &str = "https://jixi.example.org/";

/// Two signed sites — 武汉 and 陇南 ("south"), 鸡西 ("jixi") — mirrored into an aggregator
/// with no plans of its own and the bundled catalogue, built once.
fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("aggregator");
        fs::create_dir_all(root.join("content")).unwrap();
        let mut fingerprints = Vec::new();
        for (id, plans, base) in [
            (
                "south",
                &[
                    "wuhan-yangtze-2022",
                    "wuhan-pollution-carbon-2023",
                    "longnan-eco-civilization-2023",
                ][..],
                SOUTH,
            ),
            ("jixi", &["jixi-green-longjiang-2024"][..], JIXI),
        ] {
            let site = tmp.path().join(id);
            part_of_bundled(&site, plans);
            let keys = tmp.path().join(format!("keys-{id}"));
            fingerprints.push(keygen(&keys));
            build_signed(&site, &keys, base, &root.join("mirrors").join(id));
            fs::create_dir_all(root.join("keys")).unwrap();
            fs::copy(
                keys.join("gongkai.pub"),
                root.join(format!("keys/{id}.pub")),
            )
            .unwrap();
        }
        fs::write(
            root.join("content/site.toml"),
            "title = \"城市绿色发展目标比较\"\nas_of = 2025-06-30\n\n\
             [[source]]\nid = \"south\"\npath = \"mirrors/south\"\npubkey = \"keys/south.pub\"\n\n\
             [[source]]\nid = \"jixi\"\npath = \"mirrors/jixi\"\npubkey = \"keys/jixi.pub\"\n",
        )
        .unwrap();
        fs::copy(
            repo().join("content/metrics.toml"),
            root.join("content/metrics.toml"),
        )
        .unwrap();
        let out = tmp.path().join("public");
        build(&root, &out);
        Fixture {
            root,
            out,
            fingerprints: fingerprints.try_into().unwrap(),
            _tmp: tmp,
        }
    })
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every `href` of a page.
fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(|s| s.replace("&amp;", "&"))
        .collect()
}

/// The mirror file and anchor an absolute link into a source points at, checked to exist.
fn resolves_in_mirror(f: &Fixture, link: &str) -> Result<(), String> {
    for (id, base) in [("south", SOUTH), ("jixi", JIXI)] {
        if let Some(rest) = link.strip_prefix(base) {
            let (page, anchor) = rest.split_once('#').unwrap_or((rest, ""));
            let mut file = f.root.join("mirrors").join(id).join(page);
            if page.is_empty() || page.ends_with('/') {
                file = file.join("index.html");
            }
            let html = fs::read_to_string(&file).map_err(|e| format!("{link}: {e}"))?;
            if !anchor.is_empty() && !html.contains(&format!("id=\"{anchor}\"")) {
                return Err(format!("{link}: no #{anchor} in {}", file.display()));
            }
            return Ok(());
        }
    }
    Err(format!("{link}: not a link into a source"))
}

#[test]
fn an_aggregator_with_no_plans_compares_the_cities_of_two_signed_mirrors() {
    let f = fixture();
    let index = read(&f.out.join("compare/index.html"));
    for metric in [
        "污水处理率",
        "新能源公交车占比",
        "绿色建筑占新建建筑比例",
        "单位地区生产总值用水量",
    ] {
        assert!(
            index.contains(metric),
            "{metric} is not on compare/: {index}"
        );
    }
    // With no plans of its own, the home page and the navigation lead to the comparison, not
    // to empty plan, target, unit and update lists.
    let home = read(&f.out.join("index.html"));
    assert!(home.contains("本站不发布自有规划") && home.contains("compare/index.html"));
    for empty in [
        "目标总体进展",
        "规划文件",
        "targets/index.html",
        "updates/index.html",
    ] {
        assert!(
            !home.contains(empty),
            "{empty:?} on the aggregator's home page"
        );
    }
    let page = read(&f.out.join("compare/index.html"));
    let nav = &page[page.find("class=\"site-nav\"").unwrap()..];
    let nav = &nav[..nav.find("</nav>").unwrap()];
    assert!(
        !nav.contains(">目标进展</a>") && nav.contains(">城市比较</a>"),
        "{nav}"
    );
    // 新能源公交车占比: 鸡西 from one mirror, 武汉 from the other, each row linking to its
    // source's own task page.
    let bus = read(&f.out.join("compare/new-energy-bus-share/index.html"));
    for want in [
        "鸡西市",
        "武汉市",
        "到2026年",
        "https://jixi.example.org/plans/jixi-green-longjiang-2024/tasks/30/#target-30-1",
        "https://south.example.org/gongkai/plans/wuhan-pollution-carbon-2023/tasks/7/#target-7-2",
        "<svg",
    ] {
        assert!(bus.contains(want), "no {want:?} on the bus page");
    }
    // 鸡西's figures are the bundled demonstration data: marked so on the aggregator too.
    assert!(
        bus.contains("<span class=\"tag-sample\">示例</span>") && bus.contains("sample-banner")
    );
    // 污水处理率: three rows from one source, two cities, scopes kept apart.
    let sewage = read(&f.out.join("compare/sewage-treatment-rate/index.html"));
    assert!(
        sewage.contains("范围:市区") && sewage.contains("范围:县城"),
        "scopes"
    );
    assert!(sewage.contains("陇南市") && sewage.contains("武汉市"));
    // Every link of every comparison page resolves: local ones in the output, source ones to a
    // page and target anchor of that source's mirror.
    let mut bad = broken_links(&f.out);
    let mut external = 0;
    for e in walkdir::WalkDir::new(f.out.join("compare"))
        .into_iter()
        .flatten()
    {
        if e.file_name() != "index.html" {
            continue;
        }
        for link in hrefs(&read(e.path())) {
            if link.starts_with("https://") {
                external += 1;
                if let Err(why) = resolves_in_mirror(f, &link) {
                    bad.push(why);
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert!(external >= 10, "only {external} links into the sources");
    // The open data: rows of both sources, absolute links, sources listed.
    let json: serde_json::Value =
        serde_json::from_str(&read(&f.out.join("data/compare.json"))).unwrap();
    let rows: Vec<&serde_json::Value> = json["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["rows"].as_array().unwrap())
        .collect();
    for source in ["south", "jixi"] {
        assert!(
            rows.iter().any(|r| r["source"] == source),
            "no row of {source}"
        );
    }
    for r in &rows {
        let url = r["url"].as_str().unwrap();
        assert!(url.starts_with(SOUTH) || url.starts_with(JIXI), "{url}");
        for key in [
            "jurisdiction",
            "plan",
            "task",
            "target",
            "value",
            "unit",
            "year",
            "latest",
            "status",
        ] {
            assert!(r.get(key).is_some(), "row without {key}: {r}");
        }
    }
    assert_eq!(json["sources"].as_array().unwrap().len(), 2);
    let csv = read(&f.out.join("data/compare.csv"));
    assert!(csv.contains(",jixi,") && csv.contains(",south,"), "{csv}");
    let pkg = read(&f.out.join("data/datapackage.json"));
    assert!(pkg.contains("\"compare.csv\""), "{pkg}");
}

#[test]
fn the_sources_page_names_each_source_with_its_fingerprint_date_and_verification() {
    let f = fixture();
    let page = read(&f.out.join("sources/index.html"));
    for fp in &f.fingerprints {
        assert!(
            page.contains(fp.as_str()),
            "no fingerprint {fp} on sources/"
        );
    }
    for want in [
        "id=\"source-south\"",
        "id=\"source-jixi\"",
        SOUTH,
        JIXI,
        "2025-06-30",
        "签名有效",
    ] {
        assert!(page.contains(want), "no {want:?} on sources/");
    }
    // The nav leads to the comparison.
    assert!(read(&f.out.join("index.html")).contains("compare/index.html"));
}

/// A copy of the fixture's aggregator project, to break.
fn aggregator_copy() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let f = fixture();
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("aggregator");
    copy_tree(&f.root, &root);
    let out = tmp.path().join("public");
    build(&root, &out);
    (tmp, root, out)
}

fn fails_naming(root: &Path, out: &Path, wants: &[&str]) {
    let before = snapshot(out);
    let o = try_build(root, out, &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    for want in wants {
        assert!(err.contains(want), "no {want:?} in:\n{err}");
    }
    assert!(snapshot(out) == before, "the output changed");
}

#[test]
fn a_tampered_mirror_fails_the_build_naming_the_source_and_leaves_the_output_as_it_was() {
    let (_tmp, root, out) = aggregator_copy();
    let page = root.join("mirrors/jixi/plans/jixi-green-longjiang-2024/tasks/30/index.html");
    let html = read(&page).replace("72", "27");
    fs::write(&page, html).unwrap();
    fails_naming(
        &root,
        &out,
        &[
            "content/site.toml:",
            "source \"jixi\" failed verification",
            "MODIFIED    plans/jixi-green-longjiang-2024/tasks/30/index.html",
        ],
    );
}

#[test]
fn a_mirror_signed_by_another_key_fails_the_build_naming_the_source() {
    let (_tmp, root, out) = aggregator_copy();
    fs::copy(root.join("keys/south.pub"), root.join("keys/jixi.pub")).unwrap();
    fails_naming(
        &root,
        &out,
        &[
            "source \"jixi\" failed verification",
            "signed by a different key",
        ],
    );
}

/// A mirror whose manifest is intact (made with the library's own manifest writer) but whose
/// `plans.json` is `text`; unsigned.
fn unsigned_mirror(root: &Path, id: &str, plans_json: &[u8]) {
    let dir = root.join("mirrors").join(id);
    fs::create_dir_all(dir.join("data")).unwrap();
    fs::write(dir.join("data/plans.json"), plans_json).unwrap();
    let entries = gongkai::mirror::manifest_from_dir(&dir).unwrap();
    fs::write(
        dir.join("manifest.json"),
        gongkai::mirror::manifest_json(&entries),
    )
    .unwrap();
    let site = root.join("content/site.toml");
    let mut text = read(&site);
    text.push_str(&format!("\n[[source]]\nid = \"{id}\"\npath = \"mirrors/{id}\"\nbase_url = \"https://{id}.example.org/\"\n"));
    fs::write(site, text).unwrap();
}

#[test]
fn a_malformed_plans_json_is_a_located_error_not_a_panic() {
    let (_tmp, root, out) = aggregator_copy();
    unsigned_mirror(
        &root,
        "broken",
        b"{\"version\": 1,\n \"plans\": [\n  {\"id\": 7}\n ]\n}\n",
    );
    fails_naming(
        &root,
        &out,
        &[
            "mirrors/broken/data/plans.json:3:",
            "source \"broken\": not a gongkai plans.json",
        ],
    );
    let (_tmp, root, out) = aggregator_copy();
    unsigned_mirror(
        &root,
        "script",
        br#"{"version": 1, "plans": [{"id": "p", "title": "t", "url": "javascript:alert(1)//", "targets": [], "tasks": []}]}"#,
    );
    fails_naming(
        &root,
        &out,
        &[
            "mirrors/script/data/plans.json:1:",
            "page address \"javascript:alert(1)//\" is not a relative page path",
        ],
    );
}

#[test]
fn a_huge_plans_json_is_refused_before_it_is_parsed() {
    let (_tmp, root, out) = aggregator_copy();
    let mut huge = b"{\"version\": 1, \"plans\": [], \"pad\": \"".to_vec();
    huge.resize(65 * 1024 * 1024, b'x');
    huge.extend_from_slice(b"\"}");
    unsigned_mirror(&root, "huge", &huge);
    fails_naming(
        &root,
        &out,
        &[
            "mirrors/huge/data/plans.json",
            "larger than the 64 MB limit",
        ],
    );
}

#[test]
fn check_lists_the_targets_that_match_no_metric() {
    let o = gongkai(&["check", "--root", repo().to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.contains("match no metric of content/metrics.toml"),
        "{err}"
    );
    // 全市铁路货运量 is in no metric; 全市森林覆盖率 is 森林覆盖率 with its scope.
    let line = err
        .lines()
        .find(|l| l.ends_with(": 全市铁路货运量"))
        .unwrap_or_else(|| panic!("{err}"));
    assert!(
        line.trim_start()
            .starts_with("content/plans/jixi-green-longjiang-2024/tasks.toml:"),
        "{line}"
    );
    assert!(
        !err.lines().any(|l| l.ends_with(": 全市森林覆盖率")),
        "{err}"
    );
}

/// The hostile fixture, built signed and mirrored, as an aggregator's only source, with a
/// catalogue that claims its payload-laden metric names.
fn hostile_aggregator() -> &'static (tempfile::TempDir, PathBuf) {
    static H: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    H.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("aggregator");
        let keys = tmp.path().join("keys");
        keygen(&keys);
        build_signed(
            &repo().join("tests/fixtures/hostile"),
            &keys,
            "https://hostile.example.org/",
            &root.join("mirrors/hostile"),
        );
        fs::create_dir_all(root.join("content")).unwrap();
        fs::copy(keys.join("gongkai.pub"), root.join("hostile.pub")).unwrap();
        fs::write(
            root.join("content/site.toml"),
            "title = \"比较\"\nas_of = 2025-06-30\n[[source]]\nid = \"hostile\"\npath = \"mirrors/hostile\"\npubkey = \"hostile.pub\"\n",
        )
        .unwrap();
        fs::write(
            root.join("content/metrics.toml"),
            "[[metric]]\nid = \"sewage\"\nname = \"污水处理率\"\naliases = ['''污水处理率\"><svg onload=alert(1)>''', '''指标\"><img src=x onerror=alert(1)>''', '''-2+3''']\nunit = \"%\"\n",
        )
        .unwrap();
        let out = tmp.path().join("public");
        build(&root, &out);
        (tmp, out)
    })
}

#[test]
fn a_hostile_signed_source_reaches_the_pages_only_as_text() {
    let (_, out) = hostile_aggregator();
    let page = read(&out.join("compare/sewage/index.html"));
    assert!(
        page.contains("&lt;svg onload=alert(1)&gt;"),
        "the payload is shown as text"
    );
    for p in [
        "compare/index.html",
        "compare/sewage/index.html",
        "sources/index.html",
    ] {
        let html = read(&out.join(p));
        for needle in [
            "<svg onload",
            "<img src=x",
            "<script>window.__pwned",
            "href=\"javascript:",
        ] {
            assert!(!html.contains(needle), "{p}: {needle}");
        }
    }
    // No cell of compare.csv starts a formula.
    let csv = read(&out.join("data/compare.csv"));
    let mut rdr =
        csv::ReaderBuilder::new().from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    for rec in rdr.records() {
        for cell in rec.unwrap().iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@']),
                "formula cell {cell:?}"
            );
        }
    }
    if !browser_tools() {
        return;
    }
    let urls: Vec<String> = [
        "compare/index.html",
        "compare/sewage/index.html",
        "sources/index.html",
    ]
    .iter()
    .map(|p| file_url(out, p))
    .collect();
    let results = browser_check("xss.mjs", &urls);
    assert_eq!(results.len(), urls.len());
    for r in &results {
        assert_eq!(r["pwned"], false, "{r}");
        assert!(r["dialogs"].as_array().unwrap().is_empty(), "{r}");
        assert!(r["scriptLinks"].as_array().unwrap().is_empty(), "{r}");
    }
}

#[test]
fn the_aggregators_pages_are_valid_html_and_pass_axe_and_the_keyboard_walk() {
    let f = fixture();
    if let Some(jar) = vnu_jar() {
        let (errors, _) = vnu_errors(&jar, &f.out);
        assert!(errors.is_empty(), "{}", errors.join("\n"));
    }
    if !browser_tools() {
        return;
    }
    let pages = page_types(&f.out);
    for want in ["compare/index.html", "sources/index.html"] {
        assert!(pages.iter().any(|p| p == want), "{pages:?}");
    }
    let urls: Vec<String> = pages.iter().map(|p| file_url(&f.out, p)).collect();
    let mut problems = Vec::new();
    for r in browser_check("axe.mjs", &urls) {
        for v in r["violations"].as_array().unwrap() {
            problems.push(format!("{}: {} {}", r["url"], v["id"], v["help"]));
        }
    }
    for r in browser_check("keyboard.mjs", &urls) {
        for key in ["unreachable", "invisible"] {
            if let Some(list) = r[key].as_array().filter(|l| !l.is_empty()) {
                problems.push(format!("{}: {key}: {list:?}", r["url"]));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn import_proposes_catalogue_entries_for_new_metric_names_only() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    fs::create_dir_all(&content).unwrap();
    fs::copy(
        repo().join("content/metrics.toml"),
        content.join("metrics.toml"),
    )
    .unwrap();
    // Seed 000 is the Wuhan plan in Traditional characters: its 污水處理率 is in the catalogue.
    let seed = repo().join("seeds/000_ae0f84441761acdb.txt");
    let o = gongkai(&[
        "import",
        seed.to_str().unwrap(),
        "--out",
        content.join("plans/wuhan").to_str().unwrap(),
        "--dry-run",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    let proposals = &out[out.find("\nmetrics: ").unwrap_or_else(|| panic!("{out}"))..];
    assert!(
        proposals.contains(
            "name = \"累计建成地下综合管廊\"  # printed as 累計建成地下綜合管廊 (target 9-4)"
        ),
        "{proposals}"
    );
    // The scope prefix is taken off the proposed name; case is kept.
    assert!(
        proposals.contains("name = \"新增A级旅游景区\"  # printed as 全市新增A級旅游景區"),
        "{proposals}"
    );
    assert!(
        !proposals.contains("污水"),
        "污水處理率 is in the catalogue: {proposals}"
    );
    // The proposals are TOML the catalogue reads.
    let entries = &proposals[proposals.find("[[metric]]").unwrap()..];
    let parsed: toml::Table = toml::from_str(entries).unwrap_or_else(|e| panic!("{e}\n{entries}"));
    assert_eq!(parsed["metric"].as_array().unwrap().len(), 7);
}
