//! What a fresh machine lacks. Idempotent: each step checks first.

use crate::util::{self, Result, cmd, have, root};

pub fn run(browser: bool) -> Result {
    targets()?;
    npm()?;
    if browser {
        chromium()?;
    }
    Ok(())
}

/// The wasm targets (a new machine has only the host target; `rustup` downloads them).
pub fn targets() -> Result {
    let installed = std::process::Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == secmap_build::WASM_TARGET)
    {
        return Ok(());
    }
    util::run(std::process::Command::new("rustup").args([
        "target",
        "add",
        secmap_build::WASM_TARGET,
    ]))
}

/// npm packages from the committed lockfile. `npm install` rather than `npm ci`: the
/// lockfile leaves out other platforms' optional packages, which `npm ci` rejects.
pub fn npm() -> Result {
    if !root().join("js/package.json").exists() {
        return Ok(());
    }
    if !have("npm") {
        return Err("npm is needed for the JavaScript package and hosts (Node 20)".into());
    }
    util::run(cmd("npm", "js").args(["install", "--no-audit", "--no-fund", "--loglevel=error"]))
}

/// Debian's Chromium for the browser tests (only as root, where apt works).
pub fn chromium() -> Result {
    if std::path::Path::new("/usr/bin/chromium").exists() {
        return Ok(());
    }
    let root_user = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !root_user || !have("apt-get") {
        return Err(
            "Chromium is missing: install Debian's `chromium` package, or pass --no-browser".into(),
        );
    }
    util::run(std::process::Command::new("apt-get").args(["update", "-qq"]))?;
    util::run(
        std::process::Command::new("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args([
                "install",
                "-y",
                "-qq",
                "--no-install-recommends",
                "chromium",
            ]),
    )
}
