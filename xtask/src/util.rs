//! Running commands, and where things are.

use std::path::{Path, PathBuf};
use std::process::Command;

pub type Result<T = ()> = std::result::Result<T, String>;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// The workspace target directory.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

/// `cargo`, as the one running xtask.
pub fn cargo() -> Command {
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    c.current_dir(root());
    c
}

/// A command run in `dir` (relative to the root).
pub fn cmd(program: &str, dir: &str) -> Command {
    let mut c = Command::new(program);
    c.current_dir(root().join(dir));
    c
}

/// Runs `c`, echoing it; fails with its exit status.
pub fn run(c: &mut Command) -> Result {
    eprintln!("$ {}", describe(c));
    let status = c
        .status()
        .map_err(|e| format!("cannot run `{}`: {e}", describe(c)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(c)))
    }
}

/// Runs `c` with its output in `log` (libFuzzer prints a line per new input); prints the
/// last line on success and the last 60 lines on failure.
pub fn run_logged(c: &mut Command, log: &Path) -> Result {
    eprintln!("$ {}  > {}", describe(c), log.display());
    let file = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
    let err = file
        .try_clone()
        .map_err(|e| format!("{}: {e}", log.display()))?;
    let status = c
        .stdout(file)
        .stderr(err)
        .status()
        .map_err(|e| format!("cannot run `{}`: {e}", describe(c)))?;
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let tail = if status.success() { 1 } else { 60 };
    for line in &lines[lines.len().saturating_sub(tail)..] {
        eprintln!("  {line}");
    }
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`{}` failed ({status}); log: {}",
            describe(c),
            log.display()
        ))
    }
}

/// Whether `program --version` runs.
pub fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn describe(c: &Command) -> String {
    let mut s = c.get_program().to_string_lossy().into_owned();
    for a in c.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    if let Some(dir) = c.get_current_dir()
        && dir != root()
    {
        s = format!(
            "(cd {}; {s})",
            dir.strip_prefix(root()).unwrap_or(dir).display()
        );
    }
    s
}

/// `n` bytes, and gzipped (`gzip -9`), for size reports.
pub fn sizes(path: &Path) -> Result<(u64, u64)> {
    let raw = std::fs::metadata(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .len();
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .map_err(|e| format!("gzip: {e}"))?;
    Ok((raw, out.stdout.len() as u64))
}
