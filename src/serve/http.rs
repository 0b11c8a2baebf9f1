//! HTTP: the in-memory site over tiny_http, with the live-reload script and the error overlay.
//!
//! In: requests and the current [`Snapshot`]. Out: responses. `/` and folder URLs serve their
//! `index.html`; a folder URL without its trailing slash is redirected (so the pages' relative
//! links resolve); misses get the site's `404.html` with status 404. HTML responses get the
//! reload script (and, when the latest build failed, the overlay) injected before `</body>` —
//! only here, on the way out: the held files are exactly what `build` writes.
//!
//! `/__gongkai/status` answers the current state as JSON; `/__gongkai/poll?v=N` answers it as
//! soon as the version differs from N (long poll, at most [`POLL_WAIT`]).

use std::io::Cursor;
use std::sync::Arc;
use std::time::Duration;

use tiny_http::{Header, Request, Response, StatusCode};

use super::state::{Snapshot, State};
use crate::diagnostics::Severity;
use crate::util::escape::escape_html;

/// How long a long poll is held open before it answers "no change".
pub const POLL_WAIT: Duration = Duration::from_secs(20);

const RELOAD_JS: &str = include_str!("reload.js");

type Reply = Response<Cursor<Arc<[u8]>>>;

/// Answers one request.
pub fn handle(state: &State, req: Request) {
    let url = req.url().to_string();
    let (path, query) = url.split_once('?').unwrap_or((&url, ""));
    let reply = if let Some(endpoint) = path.strip_prefix("/__gongkai/") {
        api(state, endpoint, query)
    } else {
        page(&state.snapshot(), path)
    };
    // A browser that went away is not an error worth reporting.
    let _ = req.respond(reply);
}

fn api(state: &State, endpoint: &str, query: &str) -> Reply {
    match endpoint {
        "status" => json(&status_json(&state.snapshot()).to_string()),
        "poll" => {
            let param = |name: &str| {
                query
                    .split('&')
                    .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            };
            let seen = param("v").and_then(|v| v.parse().ok()).unwrap_or(0);
            let snap = state.wait_newer(seen, POLL_WAIT);
            let mut status = status_json(&snap);
            // The served page's identity, so a tab reloads only when its own page (or a
            // stylesheet or script) changed.
            if let Some(page) = param("p").and_then(decode_path) {
                let sha = served_file(&snap, &page).map_or("", |(_, f)| f.sha256.as_str());
                status["page"] = sha.into();
            }
            json(&status.to_string())
        }
        _ => plain(404, "no such endpoint"),
    }
}

fn status_json(s: &Snapshot) -> serde_json::Value {
    serde_json::json!({
        "version": s.version,
        "ok": s.errors.is_empty(),
        "building": s.building,
        "diagnostics": s.errors,
        "assets": s.assets,
    })
}

/// The file a request for `rel` (decoded, without the leading '/') is answered with, and its
/// key: `index.html` for folders, else the path itself.
fn served_file<'a>(snap: &'a Snapshot, rel: &str) -> Option<(String, &'a super::site::File)> {
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    let f = snap.preview.get(&key).or_else(|| snap.files.get(&key))?;
    Some((key, f))
}

fn page(snap: &Snapshot, url_path: &str) -> Reply {
    let Some(rel) = decode_path(url_path) else {
        return plain(400, "bad path");
    };
    if snap.files.is_empty() {
        // Nothing good built yet: a placeholder that reloads once a build arrives, with the
        // overlay when the first build failed.
        let title = if snap.building {
            "正在构建… (building)"
        } else {
            "构建失败 (build failed)"
        };
        let html = format!(
            "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>gongkai</title>\
             <body><p>{title}</p></body></html>"
        );
        return html_reply(200, html.as_bytes(), snap, "");
    }
    if let Some((key, f)) = served_file(snap, &rel) {
        return file_reply(200, &key, f, snap);
    }
    if snap.files.contains_key(&format!("{rel}/index.html")) {
        let to = format!("/{rel}/");
        return with_header(plain(301, &to), "Location", &to);
    }
    match snap.files.get("404.html") {
        Some(f) => file_reply(404, "404.html", f, snap),
        None => plain(404, "not found"),
    }
}

/// The URL path as a path into the site: percent-decoded, no leading '/', and `None` when it
/// tries to climb out (`..`) or is not UTF-8.
fn decode_path(p: &str) -> Option<String> {
    let bytes = p.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    let s = String::from_utf8(out).ok()?;
    let s = s.trim_start_matches('/').to_string();
    if s.split('/').any(|c| c == "..") {
        return None;
    }
    Some(s)
}

pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn file_reply(code: u16, path: &str, f: &super::site::File, snap: &Snapshot) -> Reply {
    if path.ends_with(".html") {
        // A 404 page stands in for a page that may appear: it reloads on every change.
        let page = if code == 200 {
            f.sha256.as_str()
        } else {
            "404"
        };
        html_reply(code, &f.bytes, snap, page)
    } else {
        reply(code, content_type(path), Arc::clone(&f.bytes))
    }
}

/// An HTML page with the reload script (and the overlay, when the latest build failed)
/// inserted before its last `</body>`; `page` identifies the page's bytes for the script.
fn html_reply(code: u16, html: &[u8], snap: &Snapshot, page: &str) -> Reply {
    reply(
        code,
        "text/html; charset=utf-8",
        inject(html, snap, page).into(),
    )
}

fn inject(html: &[u8], snap: &Snapshot, page: &str) -> Vec<u8> {
    let inject = injection(snap, page);
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + inject.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(inject.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The script, and the overlay as HTML when there are errors (so it shows even before the
/// script runs). The script keeps it up to date afterwards.
pub fn injection(snap: &Snapshot, page: &str) -> String {
    let mut s = String::new();
    if !snap.errors.is_empty() {
        s.push_str(&overlay_html(snap));
    }
    s.push_str("<script>");
    // The page id and the assets digest are hex digits (or "404"): nothing to escape.
    s.push_str(
        &RELOAD_JS
            .replace("__GONGKAI_VERSION__", &snap.version.to_string())
            .replace("__GONGKAI_PAGE__", page)
            .replace("__GONGKAI_ASSETS__", &snap.assets),
    );
    s.push_str("</script>");
    s
}

/// The error overlay: every diagnostic of the failed build with its place, escaped.
pub fn overlay_html(snap: &Snapshot) -> String {
    let mut s = String::from(
        "<div id=\"gongkai-overlay\" role=\"alert\" style=\"position:fixed;inset:0;z-index:2147483647;\
         overflow:auto;background:rgba(20,20,20,.92);color:#fff;padding:2em;\
         font:14px/1.5 ui-monospace,Menlo,Consolas,monospace\">\
         <h2 style=\"color:#ff8080;margin-top:0\">构建失败 · build failed</h2>\
         <p>网页仍显示上次成功构建的内容;修改文件后自动刷新。The last good build is shown underneath; \
         fix the file and this clears.</p><ul style=\"list-style:none;padding:0\">",
    );
    for d in &snap.errors {
        let color = match d.severity {
            Severity::Error => "#ff8080",
            Severity::Warning => "#ffd080",
        };
        let sev = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        s.push_str(&format!(
            "<li style=\"margin:0 0 1em\"><b>{}:{}:{}</b>: <span style=\"color:{color}\">{sev}</span>: {}",
            escape_html(&d.path.display().to_string()),
            d.line,
            d.col,
            escape_html(&d.message)
        ));
        if let Some(h) = &d.help {
            s.push_str(&format!(
                "<br><span style=\"color:#9cf\">help: {}</span>",
                escape_html(h)
            ));
        }
        s.push_str("</li>");
    }
    s.push_str("</ul></div>");
    s
}

fn reply(code: u16, content_type: &str, bytes: Arc<[u8]>) -> Reply {
    let len = bytes.len();
    let r = Response::new(
        StatusCode(code),
        Vec::new(),
        Cursor::new(bytes),
        Some(len),
        None,
    );
    let r = with_header(r, "Content-Type", content_type);
    with_header(r, "Cache-Control", "no-store")
}

fn with_header(r: Reply, name: &str, value: &str) -> Reply {
    match Header::from_bytes(name.as_bytes(), value.as_bytes()) {
        Ok(h) => r.with_header(h),
        Err(()) => r,
    }
}

fn json(body: &str) -> Reply {
    reply(200, "application/json", Arc::from(body.as_bytes()))
}

fn plain(code: u16, body: &str) -> Reply {
    reply(
        code,
        "text/plain; charset=utf-8",
        Arc::from(body.as_bytes()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{Diagnostic, Pos};

    #[test]
    fn paths_are_decoded_and_may_not_climb_out() {
        assert_eq!(decode_path("/").as_deref(), Some(""));
        assert_eq!(decode_path("/plans/a%20b/").as_deref(), Some("plans/a b/"));
        assert_eq!(decode_path("/%E7%BB%BF").as_deref(), Some("绿"));
        assert_eq!(decode_path("/a/../../etc/passwd"), None);
        assert_eq!(decode_path("/%2e%2e/x"), None);
        assert_eq!(decode_path("/bad%"), Some("bad%".to_string()));
    }

    #[test]
    fn overlay_escapes_what_the_content_said() {
        let snap = Snapshot {
            version: 3,
            files: Arc::default(),
            preview: Arc::default(),
            errors: vec![Diagnostic::error(
                "content/<x>.toml",
                Pos { line: 4, col: 2 },
                "unknown unit \"<script>alert(1)</script>\"",
            )],
            building: false,
            assets: String::new(),
        };
        let html = injection(&snap, "");
        assert!(html.contains("content/&lt;x&gt;.toml:4:2"));
        assert!(!html.contains("<script>alert"));
        assert!(html.contains("var version = 3"));
    }

    #[test]
    fn script_goes_before_the_last_body_end() {
        let snap = Snapshot {
            version: 1,
            files: Arc::default(),
            preview: Arc::default(),
            errors: vec![],
            building: false,
            assets: String::new(),
        };
        let body = inject(b"<html><body><p>x</p></body></html>", &snap, "");
        let body = String::from_utf8(body).unwrap();
        assert!(body.starts_with("<html><body><p>x</p><script>"));
        assert!(body.ends_with("</script></body></html>"));
        assert!(!body.contains("id=\"gongkai-overlay\""));
    }
}
