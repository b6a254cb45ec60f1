//! `cargo xtask dist`: the release artifacts in target/dist/, each ready to deploy:
//!
//! - `secmap` — the CLI (release build, the component embedded);
//! - `secmap-<version>.tgz` — the npm package (`npm pack`);
//! - `secmap-aws-lambda.zip` — the Lambda (handler `src/index.handler`, `secmap` vendored;
//!   deploy/aws/template.yaml's CodeUri);
//! - `secmap-azure-function.zip` — the Function app (zip deploy, production dependencies
//!   vendored, no remote build);
//! - `cloudflare-worker/` — wrangler's bundle of the Worker (`wrangler deploy --dry-run`).
//!
//! `dist_js` builds all but the CLI (what the tests need); each step prints its size.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{Result, cargo, cmd, root, run, target_dir};

pub fn dir() -> PathBuf {
    target_dir().join("dist")
}

/// Every artifact, the CLI included.
pub fn all() -> Result {
    crate::build::component()?;
    crate::build::js()?;
    run(cargo().args(["build", "--locked", "--release", "--bin", "secmap"]))?;
    fs::create_dir_all(dir()).map_err(|e| e.to_string())?;
    let cli = dir().join("secmap");
    copy(&target_dir().join("release/secmap"), &cli)?;
    report(&cli)?;
    dist_js()
}

/// The npm tarball, the Lambda and Function app zips and the Worker bundle, from the
/// package as `build::js` left it.
pub fn dist_js() -> Result {
    let out = dir();
    fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let tarball = npm_pack(&out)?;
    report(&tarball)?;
    let lambda = lambda_zip(&out, &tarball)?;
    report(&lambda)?;
    let function = function_zip(&out, &tarball)?;
    report(&function)?;
    let worker = worker_bundle(&out)?;
    for e in fs::read_dir(&worker).map_err(|e| e.to_string())?.flatten() {
        report(&e.path())?;
    }
    Ok(())
}

fn report(path: &Path) -> Result {
    let size = fs::metadata(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .len();
    eprintln!("dist: {} ({size} bytes)", path.display());
    Ok(())
}

fn copy(from: &Path, to: &Path) -> Result {
    fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("{} -> {}: {e}", from.display(), to.display()))
}

/// A fresh, empty staging folder under target/dist/.stage.
fn stage(name: &str) -> Result<PathBuf> {
    let d = dir().join(".stage").join(name);
    if d.exists() {
        fs::remove_dir_all(&d).map_err(|e| format!("{}: {e}", d.display()))?;
    }
    fs::create_dir_all(&d).map_err(|e| format!("{}: {e}", d.display()))?;
    Ok(d)
}

/// `npm pack` of js/secmap (LICENSE, README, `repository` and `types` come with it).
fn npm_pack(out: &Path) -> Result<PathBuf> {
    if !root().join("js/secmap/dist/secmap_wasm_bg.wasm").exists() {
        return Err("js/secmap/dist is not built: run `cargo xtask build` first".into());
    }
    let output = cmd("npm", "js/secmap")
        .args(["pack", "--json", "--pack-destination"])
        .arg(out)
        .output()
        .map_err(|e| format!("npm pack: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "npm pack failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let json = String::from_utf8_lossy(&output.stdout);
    // `[{"filename": "secmap-0.1.0.tgz", ...}]`: the first "filename" value.
    let name = json
        .split("\"filename\":")
        .nth(1)
        .and_then(|s| s.split('"').nth(1))
        .ok_or_else(|| format!("npm pack: no filename in {json}"))?;
    Ok(out.join(name))
}

/// Unpacks the npm tarball as `<dir>/node_modules/secmap` (what `npm install` would do,
/// without touching the registry: the package has no dependencies).
fn vendor_secmap(dir: &Path, tarball: &Path) -> Result {
    let modules = dir.join("node_modules/secmap");
    fs::create_dir_all(&modules).map_err(|e| e.to_string())?;
    run(Command::new("tar")
        .arg("-xzf")
        .arg(tarball)
        .arg("-C")
        .arg(&modules)
        .arg("--strip-components=1"))
}

fn zip(dir: &Path, out: &Path, entries: &[&str]) -> Result {
    if out.exists() {
        fs::remove_file(out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    // -X: no extra file attributes, so the zip depends on the content only.
    run(Command::new("zip")
        .args(["-q", "-r", "-X"])
        .arg(out)
        .args(entries)
        .current_dir(dir))
}

fn copy_tree(from: &Path, to: &Path) -> Result {
    run(Command::new("cp").arg("-r").arg(from).arg(to))
}

/// The Lambda: `package.json` (ESM), `src/`, `node_modules/secmap`. The AWS SDK clients it
/// imports for the secret ship with the Node 22/24 runtimes, so nothing else is vendored.
fn lambda_zip(out: &Path, tarball: &Path) -> Result<PathBuf> {
    let s = stage("aws-lambda")?;
    let host = root().join("js/hosts/aws-lambda");
    copy_tree(&host.join("src"), &s)?;
    fs::write(
        s.join("package.json"),
        "{ \"name\": \"secmap-aws-lambda\", \"private\": true, \"type\": \"module\" }\n",
    )
    .map_err(|e| e.to_string())?;
    vendor_secmap(&s, tarball)?;
    let zip_path = out.join("secmap-aws-lambda.zip");
    zip(&s, &zip_path, &["package.json", "src", "node_modules"])?;
    Ok(zip_path)
}

/// The Function app: host.json, package.json, src/, and node_modules with its production
/// dependencies (`@azure/functions` at the version js/hosts/azure-function pins, and the
/// vendored `secmap`), for zip deploy without a remote build.
fn function_zip(out: &Path, tarball: &Path) -> Result<PathBuf> {
    let s = stage("azure-function")?;
    let host = root().join("js/hosts/azure-function");
    copy_tree(&host.join("src"), &s)?;
    copy(&host.join("host.json"), &s.join("host.json"))?;
    let manifest = fs::read_to_string(host.join("package.json")).map_err(|e| e.to_string())?;
    let azure = manifest
        .split("\"@azure/functions\":")
        .nth(1)
        .and_then(|s| s.split('"').nth(1))
        .ok_or("js/hosts/azure-function/package.json: no @azure/functions dependency")?;
    fs::write(
        s.join("package.json"),
        format!(
            "{{\n  \"name\": \"secmap-azure-function\",\n  \"private\": true,\n  \"type\": \"module\",\n  \"main\": \"src/functions/*.js\",\n  \"dependencies\": {{ \"@azure/functions\": \"{azure}\" }}\n}}\n"
        ),
    )
    .map_err(|e| e.to_string())?;
    run(Command::new("npm")
        .args([
            "install",
            "--omit=dev",
            "--no-audit",
            "--no-fund",
            "--prefer-offline",
            "--loglevel=error",
        ])
        .current_dir(&s))?;
    vendor_secmap(&s, tarball)?;
    let zip_path = out.join("secmap-azure-function.zip");
    zip(
        &s,
        &zip_path,
        &["host.json", "package.json", "src", "node_modules"],
    )?;
    Ok(zip_path)
}

/// What `wrangler deploy` uploads, written by `wrangler deploy --dry-run --outdir`.
fn worker_bundle(out: &Path) -> Result<PathBuf> {
    let d = out.join("cloudflare-worker");
    if d.exists() {
        fs::remove_dir_all(&d).map_err(|e| e.to_string())?;
    }
    let wrangler = root().join("js/node_modules/wrangler/bin/wrangler.js");
    run(cmd("node", "js/hosts/cloudflare-worker")
        .arg(wrangler)
        .args(["deploy", "--dry-run", "--outdir"])
        .arg(&d)
        .env("WRANGLER_SEND_METRICS", "false"))?;
    Ok(d)
}
