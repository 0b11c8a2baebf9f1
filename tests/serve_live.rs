//! End-to-end: `gongkai serve` on a free loopback port, edited while it runs, seen over HTTP.

#[path = "support/site.rs"]
mod site;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the server when the test ends, pass or fail.
struct Server {
    child: Child,
    host: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["serve", "--root", root.to_str().unwrap(), "--port", "0"])
        .env("CI", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start gongkai serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"));
    let host = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    Server { child, host }
}

struct Reply {
    status: u16,
    headers: String,
    body: String,
}

fn get(host: &str, path: &str) -> Reply {
    let mut s = TcpStream::connect(host).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap();
    Reply {
        status,
        headers: head.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

/// Polls `path` until `ok` holds (at most 20 s), returning the last reply.
fn wait_for(server: &Server, path: &str, what: &str, ok: impl Fn(&Reply) -> bool) -> Reply {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let r = get(&server.host, path);
        if ok(&r) {
            return r;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what} at {path}; last reply {}:\n{}",
            r.status,
            r.body
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits for the first build to have finished well.
fn wait_built(server: &Server) -> Reply {
    wait_for(server, "/__gongkai/status", "the first build", |r| {
        r.body.contains("\"ok\":true") && r.body.contains("\"building\":false")
    })
}

fn project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    site::copy_tree(&site::repo().join("tests/fixtures/basic"), tmp.path());
    tmp
}

const TASK: &str = "/plans/demo-plan/tasks/1/";
const REPORT: &str = "content/plans/demo-plan/progress/2024-06-30-1.md";

#[test]
fn serves_on_loopback_and_shows_an_edit_without_a_restart() {
    let tmp = project();
    let server = start(tmp.path());
    assert!(server.host.starts_with("127.0.0.1:"), "{}", server.host);
    let page = wait_for(&server, TASK, "the first build", |r| {
        r.status == 200 && r.body.contains("35 公里")
    });
    assert!(page
        .headers
        .contains("content-type: text/html; charset=utf-8"));
    assert!(
        page.body.contains("/__gongkai/poll"),
        "reload script injected"
    );
    assert!(
        !page.body.contains("gongkai-overlay\" role"),
        "no overlay on a good build"
    );

    let report = tmp.path().join(REPORT);
    let text = fs::read_to_string(&report).unwrap();
    fs::write(&report, text.replace("35 公里", "47 公里")).unwrap();
    wait_for(&server, TASK, "the edited report", |r| {
        r.status == 200 && r.body.contains("47 公里") && !r.body.contains("35 公里")
    });
    // The task page may show the edit first (the preview); the full rebuild that follows
    // brings the export up to date too.
    let csv = wait_for(
        &server,
        "/data/progress.csv",
        "the export after the edit",
        |r| r.body.contains("47 公里"),
    );
    assert!(csv.headers.contains("content-type: text/csv"));
}

#[test]
fn content_types_folders_redirects_and_misses() {
    let tmp = project();
    let server = start(tmp.path());
    wait_built(&server);
    for (path, ty) in [
        ("/static/style.css", "text/css"),
        ("/data/plans.json", "application/json"),
        ("/feed.xml", "application/xml"),
        ("/robots.txt", "text/plain"),
    ] {
        let r = get(&server.host, path);
        assert_eq!(r.status, 200, "{path}");
        assert!(
            r.headers.contains(&format!("content-type: {ty}")),
            "{path}: {}",
            r.headers
        );
    }
    let r = get(&server.host, "/plans/demo-plan");
    assert_eq!(r.status, 301);
    assert!(r.headers.contains("location: /plans/demo-plan/"));
    let r = get(&server.host, "/no/such/page/");
    assert_eq!(r.status, 404);
    assert!(
        r.body.contains("/__gongkai/poll"),
        "the 404 page reloads too"
    );
    assert_eq!(get(&server.host, "/../../etc/passwd").status, 400);
    // The script is added on the way out, never stored: served JSON and the manifest say so.
    assert!(!get(&server.host, "/manifest.json")
        .body
        .contains("__gongkai"));
}

#[test]
fn a_broken_file_shows_the_overlay_and_fixing_it_recovers() {
    let tmp = project();
    let server = start(tmp.path());
    wait_built(&server);

    let tasks = tmp.path().join("content/plans/demo-plan/tasks.toml");
    let good = fs::read_to_string(&tasks).unwrap();
    fs::write(&tasks, format!("{good}\nbroken = [\n")).unwrap();
    let status = wait_for(&server, "/__gongkai/status", "the failed build", |r| {
        r.body.contains("\"ok\":false")
    });
    assert!(
        status.body.contains("content/plans/demo-plan/tasks.toml")
            && status.body.contains("\"line\":"),
        "located diagnostic: {}",
        status.body
    );
    // The server still answers with the last good page, with the overlay on top.
    let page = get(&server.host, TASK);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("35 公里"), "last good page still served");
    assert!(
        page.body.contains("id=\"gongkai-overlay\""),
        "overlay shown"
    );
    assert!(
        page.body.contains("content/plans/demo-plan/tasks.toml:"),
        "overlay names the file"
    );

    fs::write(&tasks, &good).unwrap();
    wait_for(&server, "/__gongkai/status", "the recovery", |r| {
        r.body.contains("\"ok\":true")
    });
    let page = get(&server.host, TASK);
    assert!(
        !page.body.contains("id=\"gongkai-overlay\""),
        "overlay cleared"
    );
    assert!(page.body.contains("35 公里"));
}

#[test]
fn a_waiting_browser_hears_of_a_new_build() {
    let tmp = project();
    let server = start(tmp.path());
    let s = wait_built(&server);
    let v: u64 = s
        .body
        .split("\"version\":")
        .nth(1)
        .and_then(|x| x.trim_end_matches('}').split(',').next())
        .and_then(|x| x.parse().ok())
        .unwrap();
    let host = server.host.clone();
    let poll = std::thread::spawn(move || {
        let started = Instant::now();
        let r = get(&host, &format!("/__gongkai/poll?v={v}"));
        (r, started.elapsed())
    });
    std::thread::sleep(Duration::from_millis(300));
    let report = tmp.path().join(REPORT);
    let text = fs::read_to_string(&report).unwrap();
    fs::write(&report, text.replace("35 公里", "36 公里")).unwrap();
    let (r, waited) = poll.join().unwrap();
    assert!(
        r.body.contains(&format!("\"version\":{}", v + 1)),
        "{}",
        r.body
    );
    assert!(
        waited < Duration::from_secs(15),
        "answered on change, not on timeout"
    );
}

/// The `page` field of a poll answer for `path` (answered at once: version 0 is never current).
fn page_id(server: &Server, path: &str) -> String {
    let r = get(&server.host, &format!("/__gongkai/poll?v=0&p={path}"));
    let v: serde_json::Value = serde_json::from_str(&r.body).expect("poll answers JSON");
    v["page"].as_str().expect("page field").to_string()
}

#[test]
fn a_tab_reloads_only_when_its_own_page_changed() {
    let tmp = project();
    let server = start(tmp.path());
    wait_built(&server);
    let task_before = page_id(&server, TASK);
    let search_before = page_id(&server, "/search/");
    assert_eq!(task_before.len(), 64, "{task_before}");
    let served = get(&server.host, TASK);
    assert!(
        served.body.contains(&format!("var page = '{task_before}'")),
        "the served page carries its id"
    );

    let report = tmp.path().join(REPORT);
    let text = fs::read_to_string(&report).unwrap();
    fs::write(&report, text.replace("35 公里", "52 公里")).unwrap();
    wait_for(&server, "/data/progress.csv", "the full rebuild", |r| {
        r.body.contains("52 公里")
    });
    assert_ne!(
        page_id(&server, TASK),
        task_before,
        "the edited page reloads"
    );
    assert_eq!(
        page_id(&server, "/search/"),
        search_before,
        "an untouched page stays"
    );
}
