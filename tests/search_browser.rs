//! Search end to end in a real browser: index files from `build_index`, the search page
//! template, `static/search.js`, opened from disk (`file://`) in headless Chromium.

#[path = "support/chromium.rs"]
mod chromium;

use std::path::{Path, PathBuf};

use gongkai::search::{build_index, index, tokenize, SearchDoc};

fn doc(url: &str, title: &str, kind: &'static str, number: Option<&str>, body: &str) -> SearchDoc {
    SearchDoc {
        url: url.into(),
        title: title.into(),
        kind,
        number: number.map(Into::into),
        plan: (kind == "task").then(|| "示例市绿色发展实施方案".to_string()),
        status: (kind == "task").then(|| "按计划推进".to_string()),
        body: body.into(),
    }
}

/// Fixture documents in the seeds' vocabulary: one in Traditional characters, one that holds
/// 污水 and 处理率 but not 污水处理率, a plan, a unit and a page.
fn fixture_docs() -> Vec<SearchDoc> {
    vec![
        doc(
            "plans/wuhan/tasks/1/index.html",
            "推動降碳減污協同增效",
            "task",
            Some("二(一)"),
            "全面落實國家、省碳達峰碳中和目標要求。全面實行排污許可制。到2025年,具備條件的省級以上園區全部實施循環化改造。牽頭單位:市發改委;責任單位:各有關部門和單位",
        ),
        doc(
            "plans/wuhan/tasks/9/index.html",
            "提升城乡绿色人居环境",
            "task",
            Some("二(九)"),
            "推进城乡生活污水治理和生活垃圾处理设施建设,到2025年,污水处理率达到98%以上,全市城乡生活垃圾焚烧占比不低于80%。牵头单位:市城建局",
        ),
        doc(
            "plans/demo/tasks/3/index.html",
            "推进生活垃圾分类",
            "task",
            Some("(三)"),
            "新建污水管网120公里。生活垃圾无害化处理率达到100%。牵头单位:市城管委",
        ),
        doc(
            "plans/demo/tasks/4/index.html",
            "打好蓝天保卫战",
            "task",
            Some("(四)"),
            "到2025年,细颗粒物(PM2.5)平均浓度下降到35微克/立方米。牵头单位:市生态环境局",
        ),
        doc(
            "plans/demo/tasks/5/index.html",
            "加强森林资源保护",
            "task",
            Some("(五)1."),
            "到2025年,森林覆盖率达到29.8%。牵头单位:市林草局;配合单位:市自然资源和规划局",
        ),
        doc(
            "plans/xianning-carbon/index.html",
            "咸宁市碳达峰实施方案",
            "plan",
            None,
            "为深入贯彻落实党中央、国务院关于碳达峰碳中和的重大战略决策,制定本方案。",
        ),
        doc("units/fgw/index.html", "市发改委", "unit", None, "市发展和改革委员会,简称市发改委。"),
        doc("disclosure/guide/index.html", "政府信息公开指南", "page", None, "依申请公开的办理程序。"),
    ]
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Writes a site holding only search: index files, the theme's static files and the search page
/// rendered with a stand-in base template.
fn write_site(dir: &Path, docs: &[SearchDoc]) {
    for (path, bytes) in build_index(docs) {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    let static_dir = repo().join("themes/default/static");
    std::fs::create_dir_all(dir.join("static")).unwrap();
    for entry in std::fs::read_dir(&static_dir).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join("static").join(entry.file_name())).unwrap();
    }
    let mut tera = tera::Tera::default();
    tera.add_raw_template(
        "base.html",
        &std::fs::read_to_string(repo().join("tests/fixtures/search/base.html")).unwrap(),
    )
    .unwrap();
    tera.add_raw_template(
        "search.html",
        &std::fs::read_to_string(repo().join("themes/default/templates/search.html")).unwrap(),
    )
    .unwrap();
    let mut ctx = tera::Context::new();
    ctx.insert("root", "../");
    ctx.insert("site", &serde_json::json!({"title": "测试站点"}));
    ctx.insert("lang", "zh-CN");
    let html = tera.render("search.html", &ctx).unwrap();
    std::fs::write(dir.join("search/index.html"), html).unwrap();
}

struct Page {
    links: Vec<(String, String)>,
    dom: String,
}

fn query(dir: &Path, q: &str) -> Option<Page> {
    let url = chromium::file_url(&dir.join("search/index.html"), Some(&format!("q={q}")));
    let dom = chromium::dump_dom("search_browser", &url)?;
    assert!(
        dom.contains("data-state=\"done\""),
        "search did not finish for {q}:\n{dom}"
    );
    Some(Page {
        links: chromium::links_in(&dom, "<ol id=\"search-results\""),
        dom,
    })
}

fn titles(p: &Page) -> Vec<&str> {
    p.links.iter().map(|(_, t)| t.as_str()).collect()
}

#[test]
fn queries_find_the_right_documents_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    write_site(dir.path(), &fixture_docs());
    let cases: &[(&str, &[&str])] = &[
        // A phrase must be present as a whole: 推进生活垃圾分类 has 污水 and 处理率 only.
        ("污水处理率", &["提升城乡绿色人居环境"]),
        ("污水處理率", &["提升城乡绿色人居环境"]),
        // Title hits first, then the Traditional text found by a Simplified query.
        ("碳达峰", &["咸宁市碳达峰实施方案", "推動降碳減污協同增效"]),
        ("碳達峰", &["咸宁市碳达峰实施方案", "推動降碳減污協同增效"]),
        ("市发改委", &["市发改委", "推動降碳減污協同增效"]),
        ("市林草局", &["加强森林资源保护"]),
        ("98%", &["提升城乡绿色人居环境"]),
        ("PM2.5", &["打好蓝天保卫战"]),
        ("ｐｍ２．５", &["打好蓝天保卫战"]),
        ("29.8%", &["加强森林资源保护"]),
        ("绿色 人居", &["提升城乡绿色人居环境"]),
        ("二(九)", &["提升城乡绿色人居环境"]),
        ("量子计算", &[]),
    ];
    let mut failures = Vec::new();
    for (q, expected) in cases {
        let Some(page) = query(dir.path(), q) else {
            return;
        };
        if titles(&page) != *expected {
            failures.push(format!(
                "{q}: got {:?}, expected {expected:?}",
                titles(&page)
            ));
        }
        for (href, _) in &page.links {
            assert!(
                href.starts_with("../") && href.ends_with("index.html"),
                "{href}"
            );
        }
        if !expected.is_empty() && !["二(九)", "绿色 人居"].contains(q) {
            // (the other two hit titles and numbers only, which the snippet does not show)
            assert!(page.dom.contains("<mark>"), "no highlighted hit for {q}");
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn snippet_highlights_the_hit_and_the_status_says_how_many() {
    let dir = tempfile::tempdir().unwrap();
    write_site(dir.path(), &fixture_docs());
    let Some(page) = query(dir.path(), "污水處理率") else {
        return;
    };
    assert!(page.dom.contains("<mark>污水处理率</mark>"), "{}", page.dom);
    assert!(page.dom.contains("找到 1 条"), "{}", page.dom);
    assert!(page.dom.contains("value=\"污水處理率\"") || page.dom.contains("搜索"));
    let Some(page) = query(dir.path(), "量子计算") else {
        return;
    };
    assert!(page.dom.contains("没有找到"), "{}", page.dom);
}

/// The JavaScript tokenizer, folding, hash and set decoding give exactly what the Rust ones
/// give, on the shared cases. The site holds the cases' text too: `fold.js` carries the pairs
/// of the characters on the site, and a character that is on none folds to nothing that could
/// match (see `fold_js_carries_the_pairs_of_the_characters_on_the_site`).
#[test]
fn javascript_tokenizer_matches_rust_on_shared_cases() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<serde_json::Value> =
        serde_json::from_str(include_str!("../src/search/tokenizer_cases.json")).unwrap();
    let texts: Vec<String> = cases
        .iter()
        .map(|c| c["text"].as_str().unwrap().to_string())
        .collect();
    let mut docs = fixture_docs();
    docs.push(doc(
        "plans/cases/index.html",
        "分词用例",
        "plan",
        None,
        &texts.join("\n"),
    ));
    write_site(dir.path(), &docs);
    let sets: Vec<Vec<u32>> = vec![
        vec![0],
        vec![1, 2, 3, 40, 1000, 5000],
        (0..5000).step_by(3).collect(),
    ];
    let encoded: Vec<String> = sets.iter().map(|s| index::encode_set(s, 6000)).collect();
    let page = format!(
        r#"<!DOCTYPE html><meta charset="utf-8"><pre id="out"></pre>
<script src="../static/search.js"></script>
<script>
gongkaiSearch.ready.then(function () {{
  var texts = {texts};
  var sets = {encoded};
  document.getElementById("out").textContent = JSON.stringify({{
    query: texts.map(gongkaiSearch.queryTokens),
    index: texts.map(gongkaiSearch.indexTokens),
    fold: texts.map(gongkaiSearch.foldText),
    hash: texts.map(gongkaiSearch.termHash),
    sets: sets.map(gongkaiSearch.decodeSet)
  }});
}}, function (e) {{ document.getElementById("out").textContent = "ERROR " + e; }});
</script>"#,
        texts = serde_json::to_string(&texts).unwrap(),
        encoded = serde_json::to_string(&encoded).unwrap(),
    );
    let path = dir.path().join("search/tokenizer-test.html");
    std::fs::write(&path, page).unwrap();
    let Some(dom) = chromium::dump_dom("search_browser", &chromium::file_url(&path, None)) else {
        return;
    };
    let out = chromium::unescape(chromium::between(&dom, "<pre id=\"out\">", "</pre>").unwrap());
    let js: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    for (i, t) in texts.iter().enumerate() {
        let rust_query = tokenize::query_tokens(t);
        let rust_index = tokenize::index_tokens(t);
        assert_eq!(
            js["query"][i],
            serde_json::json!(rust_query),
            "query tokens of {t:?}"
        );
        assert_eq!(
            js["index"][i],
            serde_json::json!(rust_index),
            "index tokens of {t:?}"
        );
        assert_eq!(
            js["query"][i], cases[i]["query"],
            "expected query tokens of {t:?}"
        );
        assert_eq!(
            js["fold"][i],
            serde_json::json!(gongkai::search::fold::fold(t)),
            "{t:?}"
        );
        assert_eq!(
            js["hash"][i],
            serde_json::json!(index::term_hash(t)),
            "hash of {t:?}"
        );
    }
    for (i, s) in sets.iter().enumerate() {
        assert_eq!(js["sets"][i], serde_json::json!(s), "set {}", encoded[i]);
    }
}

#[test]
fn the_page_says_search_needs_javascript_when_it_is_off() {
    let dir = tempfile::tempdir().unwrap();
    write_site(dir.path(), &fixture_docs());
    let html = std::fs::read_to_string(dir.path().join("search/index.html")).unwrap();
    let noscript = chromium::between(&html, "<noscript>", "</noscript>").unwrap();
    assert!(noscript.contains("JavaScript"), "{noscript}");
    assert!(html.contains("role=\"search\"") && html.contains("id=\"search-input\""));
    assert!(html.contains("aria-live=\"polite\""));
}

#[test]
fn same_documents_give_the_same_bytes() {
    let docs = fixture_docs();
    assert_eq!(build_index(&docs), build_index(&docs));
}
