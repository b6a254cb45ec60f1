//! The browser demo: build `js-demo/dist` and serve it.
//!
//! The static build is `js-demo/src` plus a copy of the npm package's browser entry
//! (`src/browser.js`, `src/core.js`) and its wasm-bindgen output (`dist/secmap_wasm.js`,
//! `dist/secmap_wasm_bg.wasm`) under `vendor/secmap/`, laid out as in the package so the
//! relative imports resolve; `js-demo/vendor.txt` lists them. Nothing is transformed: every
//! file is a byte-for-byte copy, so the folder can be hosted by any static file server. The
//! server here is std only, for `cargo xtask web`, and listens on 127.0.0.1 only.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::build;
use crate::util::{Result, root};

const SRC: &str = "js-demo/src";
const DIST: &str = "js-demo/dist";
/// The npm package's files the page needs and where they go inside the static build.
const VENDOR: &str = "js-demo/vendor.txt";
/// Sources of the wasm-bindgen build: if one is newer than the `.wasm`, say so.
const WASM_SOURCES: &[&str] = &["crates/core/src", "crates/wasm-js/src"];
const DEFAULT_PORT: u16 = 8080;
/// The policy the page also declares in a `<meta>` tag; sent as a header too, since a
/// header also covers the worker.
const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; \
connect-src 'self'; img-src 'self' blob:; style-src 'self'; font-src 'self'; object-src 'none'; \
base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// `cargo xtask web [--no-serve]`.
pub fn run(serve: bool) -> Result {
    build()?;
    let dist = root().join(DIST);
    if serve {
        serve_dir(&dist)
    } else {
        eprintln!(
            "built {DIST}: host that folder on any static file server (it must serve .wasm as \
             application/wasm), or run `cargo xtask web` to serve it on 127.0.0.1:{DEFAULT_PORT}"
        );
        Ok(())
    }
}

/// Builds `js-demo/dist` afresh from `js-demo/src` and the package files: the one build of
/// the demo, used by `cargo xtask web`, `cargo xtask build` ([`build::all`]) and the browser
/// test (`js/test-support/demo-support.mjs` runs `cargo xtask web --no-serve`).
pub fn build() -> Result {
    let root = root();
    let src = root.join(SRC);
    if !src.join("index.html").exists() {
        return Ok(());
    }
    let wasm = root.join("js/secmap/dist/secmap_wasm_bg.wasm");
    if !wasm.exists() || !root.join("js/secmap/dist/secmap_wasm.js").exists() {
        build::js()?;
    } else if let Some(newer) = newer_source(&wasm) {
        eprintln!(
            "warning: {} is newer than js/secmap/dist: run `cargo xtask build` to rebuild the package",
            newer.strip_prefix(&root).unwrap_or(&newer).display()
        );
    }

    // Build beside the old folder, then swap, so a running server never sees half a build.
    let dist = root.join(DIST);
    let tmp = root.join("js-demo/.dist-tmp");
    remove_dir(&tmp)?;
    let mut files = 0;
    let mut total = 0;
    copy_tree(&src, &tmp, &mut files, &mut total)?;
    for (from, to) in vendor_files()? {
        total += copy(&root.join(from), &tmp.join(to))?;
        files += 1;
    }
    remove_dir(&dist)?;
    fs::rename(&tmp, &dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    eprintln!(
        "demo: {DIST} ({files} files, {total} bytes; the page's own files and the secmap package)"
    );
    Ok(())
}

/// The pairs of `js-demo/vendor.txt`: (path from the root, path inside the build).
fn vendor_files() -> Result<Vec<(String, String)>> {
    let path = root().join(VENDOR);
    let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut pairs = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some(from), Some(to), None) if !to.split('/').any(|s| s == "..") => {
                pairs.push((from.to_string(), to.to_string()));
            }
            _ => {
                return Err(format!(
                    "{VENDOR}:{}: expected `<source> <destination>`",
                    n + 1
                ));
            }
        }
    }
    Ok(pairs)
}

fn remove_dir(dir: &Path) -> Result {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("{}: {e}", dir.display()))
        }
        _ => Ok(()),
    }
}

fn copy(from: &Path, to: &Path) -> Result<u64> {
    if let Some(parent) = to.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    fs::copy(from, to).map_err(|e| format!("copy {}: {e}", from.display()))
}

fn copy_tree(from: &Path, to: &Path, files: &mut usize, total: &mut u64) -> Result {
    let entries = fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_tree(&path, &target, files, total)?;
        } else {
            *total += copy(&path, &target)?;
            *files += 1;
        }
    }
    Ok(())
}

/// A source file newer than `artifact`, if any.
fn newer_source(artifact: &Path) -> Option<PathBuf> {
    let built = fs::metadata(artifact).and_then(|m| m.modified()).ok()?;
    let mut newest: Option<(SystemTime, PathBuf)> = None;
    for dir in WASM_SOURCES {
        newest_in(&root().join(dir), &mut newest);
    }
    newest.filter(|(t, _)| *t > built).map(|(_, p)| p)
}

fn newest_in(dir: &Path, newest: &mut Option<(SystemTime, PathBuf)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            newest_in(&path, newest);
        } else if let Ok(t) = entry.metadata().and_then(|m| m.modified())
            && newest.as_ref().is_none_or(|(n, _)| t > *n)
        {
            *newest = Some((t, path));
        }
    }
}

// -----------------------------------------------------------------------------------------
// The static file server

fn serve_dir(dir: &Path) -> Result {
    let port = match std::env::var("SECMAP_WEB_PORT") {
        Ok(p) if !p.is_empty() => p
            .parse::<u16>()
            .map_err(|_| format!("SECMAP_WEB_PORT is not a port number: {p}"))?,
        _ => DEFAULT_PORT,
    };
    let listener = TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
        format!(
            "cannot listen on 127.0.0.1:{port}: {e} (set SECMAP_WEB_PORT=<port> to use another)"
        )
    })?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    eprintln!();
    eprintln!("  secmap demo: open http://{addr}/ in a browser");
    eprintln!("  (serving {DIST} on 127.0.0.1 only; Ctrl+C to stop)");
    eprintln!();
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                let dir = dir.to_path_buf();
                std::thread::spawn(move || {
                    let _ = connection(stream, &dir);
                });
            }
            Err(e) => eprintln!("web: accept: {e}"),
        }
    }
    Ok(())
}

/// Serves the requests of one connection (HTTP/1.1 keep-alive, GET and HEAD).
fn connection(stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    loop {
        let mut line = String::new();
        if reader.by_ref().take(8192).read_line(&mut line)? == 0 {
            return Ok(());
        }
        let request_line = line.trim_end().to_string();
        let mut keep_alive = request_line.ends_with("HTTP/1.1");
        let mut has_body = false;
        let mut header_bytes = 0;
        loop {
            let mut h = String::new();
            let n = reader.by_ref().take(8192).read_line(&mut h)?;
            header_bytes += n;
            if n == 0 || header_bytes > 65536 {
                return Ok(());
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let lower = h.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("connection:") {
                match v.trim() {
                    "close" => keep_alive = false,
                    "keep-alive" => keep_alive = true,
                    _ => {}
                }
            }
            if lower.starts_with("content-length:") || lower.starts_with("transfer-encoding:") {
                has_body = true;
            }
        }
        let mut parts = request_line.split(' ');
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let (status, headers, body) = match method {
            "GET" | "HEAD" => respond(dir, target),
            _ => (
                "405 Method Not Allowed",
                vec![("Allow", "GET, HEAD".to_string())],
                b"only GET and HEAD\n".to_vec(),
            ),
        };
        if (method != "GET" && method != "HEAD") || has_body {
            keep_alive = false;
        }
        eprintln!("{method} {target} {}", &status[..3]);
        let mut head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("Cache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\n");
        head.push_str(
            "Referrer-Policy: no-referrer\r\nCross-Origin-Resource-Policy: same-origin\r\n",
        );
        head.push_str(&format!("Content-Security-Policy: {CSP}\r\n"));
        head.push_str(if keep_alive {
            "Connection: keep-alive\r\n\r\n"
        } else {
            "Connection: close\r\n\r\n"
        });
        out.write_all(head.as_bytes())?;
        if method != "HEAD" {
            out.write_all(&body)?;
        }
        out.flush()?;
        if !keep_alive {
            return Ok(());
        }
    }
}

type Response = (&'static str, Vec<(&'static str, String)>, Vec<u8>);

fn respond(dir: &Path, target: &str) -> Response {
    let not_found = || -> Response {
        (
            "404 Not Found",
            vec![("Content-Type", "text/plain; charset=utf-8".into())],
            b"not found\n".to_vec(),
        )
    };
    let path = target.split(['?', '#']).next().unwrap_or("");
    let Some(decoded) = percent_decode(path) else {
        return (
            "400 Bad Request",
            vec![("Content-Type", "text/plain; charset=utf-8".into())],
            b"bad path\n".to_vec(),
        );
    };
    if !decoded.starts_with('/') {
        return not_found();
    }
    let mut file = dir.to_path_buf();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return not_found(),
            s if s.contains(['\\', '\0']) || s.starts_with('.') => return not_found(),
            s => file.push(s),
        }
    }
    if file.is_dir() {
        if !decoded.ends_with('/') {
            return (
                "301 Moved Permanently",
                vec![("Location", format!("{path}/"))],
                Vec::new(),
            );
        }
        file.push("index.html");
    }
    match fs::read(&file) {
        Ok(bytes) => ("200 OK", vec![("Content-Type", mime(&file).into())], bytes),
        Err(_) => not_found(),
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn mime(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        "" if path.file_name().is_some_and(|n| n == "LICENSE") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_folder() {
        let dir = std::env::temp_dir().join(format!("secmap-web-test-{}", std::process::id()));
        fs::create_dir_all(dir.join("sub")).unwrap();
        fs::write(dir.join("index.html"), "<p>hi</p>").unwrap();
        fs::write(dir.join("sub/a b.wasm"), [0, 97, 115, 109]).unwrap();
        let status = |t: &str| respond(&dir, t).0;
        assert_eq!(status("/"), "200 OK");
        assert_eq!(status("/index.html?x=1"), "200 OK");
        assert_eq!(status("/sub/a%20b.wasm"), "200 OK");
        assert_eq!(respond(&dir, "/sub/a%20b.wasm").1[0].1, "application/wasm");
        assert_eq!(status("/sub"), "301 Moved Permanently");
        assert_eq!(status("/../Cargo.toml"), "404 Not Found");
        assert_eq!(status("/%2e%2e/Cargo.toml"), "404 Not Found");
        assert_eq!(status("/.hidden"), "404 Not Found");
        assert_eq!(status("/nope.js"), "404 Not Found");
        assert_eq!(status("/%zz"), "400 Bad Request");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn mime_types() {
        assert_eq!(mime(Path::new("x.wasm")), "application/wasm");
        assert_eq!(mime(Path::new("x.js")), "text/javascript; charset=utf-8");
        assert_eq!(mime(Path::new("index.html")), "text/html; charset=utf-8");
        assert_eq!(mime(Path::new("LICENSE")), "text/plain; charset=utf-8");
    }
}
