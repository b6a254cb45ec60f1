//! The browser demo: build `js-demo/dist` and serve it.
//!
//! The static build is `js-demo/src` plus a copy of the npm package's browser entry
//! (`src/browser.js`, `src/core.js`) and its wasm-bindgen output (`dist/secmap_wasm.js`,
//! `dist/secmap_wasm_bg.wasm`) under `vendor/secmap/`, laid out as in the package so the
//! relative imports resolve; `js-demo/vendor.txt` lists them. Nothing is transformed: every
//! file is a byte-for-byte copy, so the folder can be hosted by any static file server.
//! `cargo xtask web` serves it on 127.0.0.1 with `js/scripts/serve-demo.mjs` (node:http), the
//! server the browser test uses too.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::build;
use crate::util::{Result, root};

const SRC: &str = "js-demo/src";
const DIST: &str = "js-demo/dist";
/// The npm package's files the page needs and where they go inside the static build.
const VENDOR: &str = "js-demo/vendor.txt";
/// Sources of the wasm-bindgen build: if one is newer than the `.wasm`, say so.
const WASM_SOURCES: &[&str] = &["crates/core/src", "crates/wasm-js/src"];
const DEFAULT_PORT: u16 = 8080;
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
// Serving: js/scripts/serve-demo.mjs (node:http), the same server the browser test uses.

fn serve_dir(dir: &Path) -> Result {
    let port = match std::env::var("SECMAP_WEB_PORT") {
        Ok(p) if !p.is_empty() => p
            .parse::<u16>()
            .map_err(|_| format!("SECMAP_WEB_PORT is not a port number: {p}"))?,
        _ => DEFAULT_PORT,
    };
    let script = root().join("js/scripts/serve-demo.mjs");
    crate::util::run(
        std::process::Command::new("node")
            .arg(script)
            .arg(dir)
            .arg(port.to_string()),
    )
}
