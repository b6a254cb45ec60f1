//! Building the artifacts: the component, the JS package, the test artifacts, the demo.

use std::fs;
use std::path::Path;

use crate::setup;
use crate::util::{Result, cargo, cmd, root, run, sizes, target_dir};

/// Where the component lands (what the README and the size report refer to).
pub const COMPONENT: &str = "dist/secmap.wasm";
/// The wasm-bindgen build inside the npm package.
const JS_DIST: &str = "js/secmap/dist";

pub fn all() -> Result {
    setup::targets()?;
    component()?;
    js()?;
    crate::web::build()?;
    jco()
}

/// The import-free component, built as the CLI's build script builds it.
pub fn component() -> Result {
    eprintln!("building the component ({})", COMPONENT);
    let bytes = secmap_component_build::build_component(&root(), &target_dir().join("component"))?;
    let out = root().join(COMPONENT);
    fs::create_dir_all(out.parent().expect("dist/")).map_err(|e| e.to_string())?;
    fs::write(&out, bytes).map_err(|e| format!("{}: {e}", out.display()))?;
    let (raw, gz) = sizes(&out)?;
    eprintln!("component: {raw} bytes, {gz} gzipped");
    Ok(())
}

/// The wasm-bindgen build of the core, optimized with binaryen's `wasm-opt` from npm.
pub fn js() -> Result {
    if !root().join("js/package.json").exists() {
        return Ok(());
    }
    run(cargo().args([
        "build",
        "--locked",
        "-p",
        "secmap-wasm-js",
        "--target",
        secmap_component_build::WASM_TARGET,
        "--profile",
        "wasm-js",
    ]))?;
    let input = target_dir().join(format!(
        "{}/wasm-js/secmap_wasm_js.wasm",
        secmap_component_build::WASM_TARGET
    ));
    let out = root().join(JS_DIST);
    eprintln!(
        "$ wasm-bindgen --target web --out-dir {JS_DIST} {}",
        input.display()
    );
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&input)
        .web(true)
        .map_err(|e| e.to_string())?
        .typescript(true)
        // The npm package's file names, not the crate's: `dist/secmap_wasm_bg.wasm` is
        // public layout (bundler setups copy it by name; see js/secmap/README.md).
        .out_name("secmap_wasm")
        .generate(&out)
        .map_err(|e| format!("wasm-bindgen: {e}"))?;
    let wasm = out.join("secmap_wasm_bg.wasm");
    let wasm_opt = root().join("js/node_modules/.bin/wasm-opt");
    if !wasm_opt.exists() {
        return Err("js/node_modules/.bin/wasm-opt is missing: run `cargo xtask setup`".into());
    }
    // The features rustc enabled (SIMD from .cargo/config.toml); `-Os`, since `-Oz` trades
    // speed for a few bytes (the Rust side is built for speed: profile `wasm-js`).
    run(std::process::Command::new(&wasm_opt)
        .args(["-Os", "--strip-debug", "--strip-producers"])
        .args([
            "--enable-bulk-memory",
            "--enable-sign-ext",
            "--enable-mutable-globals",
            "--enable-nontrapping-float-to-int",
            "--enable-simd",
        ])
        .arg(&wasm)
        .arg("-o")
        .arg(&wasm))?;
    let (raw, gz) = sizes(&wasm)?;
    eprintln!("npm package wasm: {raw} bytes, {gz} gzipped");
    Ok(())
}

/// The component transpiled by jco, for the Node conformance test.
pub fn jco() -> Result {
    let script = root().join("js/scripts/jco-transpile.mjs");
    if !script.exists() {
        return Ok(());
    }
    run(cmd("node", ".")
        .arg(&script)
        .arg(root().join(COMPONENT))
        .arg(target_dir().join("jco")))
}

/// The main job: build the CLI (which embeds the component) and map every bundled
/// example through the component; no Dynatrace account needed.
pub fn demo() -> Result {
    setup::targets()?;
    run(cargo().args(["build", "--locked", "--release", "--bin", "secmap"]))?;
    let secmap = target_dir().join("release/secmap");
    run(std::process::Command::new(&secmap).arg("providers"))?;
    run(std::process::Command::new(&secmap).args(["examples"]))
}

/// Prints the WIT world of the built component: what it imports (nothing) and exports.
pub fn wit() -> Result {
    let path = root().join(COMPONENT);
    if !path.exists() {
        component()?;
    }
    print!("{}", component_wit(&path)?);
    Ok(())
}

/// The WIT text of a component, as `wasm-tools component wit` prints it.
pub fn component_wit(path: &Path) -> Result<String> {
    let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let decoded = wit_component::decode(&bytes).map_err(|e| format!("decode: {e}"))?;
    let resolve = decoded.resolve();
    let main = decoded.package();
    // Print the interfaces the world uses inline, as `wasm-tools component wit` does.
    let nested: Vec<_> = resolve
        .packages
        .iter()
        .map(|(id, _)| id)
        .filter(|id| *id != main)
        .collect();
    let mut printer = wit_component::WitPrinter::default();
    printer
        .print(resolve, main, &nested)
        .map_err(|e| format!("print: {e}"))?;
    Ok(printer.output.to_string())
}
