//! Every test, and blessing the golden expectations.

use crate::util::{Result, cargo, cmd, root};
use crate::{build, setup};

/// What CI runs: lints, then every test in every engine.
fn run_all(browser: bool) -> Result {
    setup::run(browser)?;
    build::all()?;
    crate::util::run(cargo().args(["fmt", "--all", "--", "--check"]))?;
    crate::util::run(cargo().args([
        "clippy",
        "--locked",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    crate::util::run(cargo().args(["test", "--locked", "--workspace"]))?;
    if root().join("js/package.json").exists() {
        let mut node = cmd("npm", "js");
        node.args(["test", "--silent"]);
        if !browser {
            node.env("SECMAP_SKIP_BROWSER", "1");
        }
        crate::util::run(&mut node)?;
    }
    crate::bench::ci()?; // `bench --quick`: the harness runs (no timing is asserted)
    Ok(())
}

pub fn run(browser: bool) -> Result {
    run_all(browser)
}

/// Rewrites the golden expectations, the manifest and the mapping docs from the native
/// core. Review the diff before committing.
pub fn bless() -> Result {
    crate::util::run(cargo().env("UPDATE_EXPECT", "1").args([
        "test",
        "--locked",
        "-p",
        "secmap-core",
        "--test",
        "golden",
    ]))?;
    eprintln!("blessed: review `git diff testdata docs` before committing");
    Ok(())
}
