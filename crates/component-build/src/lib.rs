//! Builds the secmap WebAssembly component, for `secmap-host`'s build script and for `cargo xtask`.
//!
//! The component is the `secmap-component` crate compiled for `wasm32-unknown-unknown` with
//! the `wasm-component` profile, then encoded as a component by `wit-component` (the WIT
//! travels inside the core module as a `component-type` custom section written by
//! `wit-bindgen`). Built this way it imports nothing: no WASI, no clock, no randomness.
//!
//! Every custom section of the result (names, producers, target features) is dropped: a
//! component runs without them, and without them the artifact is smaller and its bytes
//! depend only on the code.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use wasmparser::{Parser, Payload, Validator, WasmFeatures};

/// The target the core module is compiled for. It has no system interface, so the
/// component imports nothing.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The workspace profile the core module is built with (size-optimized, symbols stripped).
pub const PROFILE: &str = "wasm-component";

const PACKAGE: &str = "secmap-component";
const ARTIFACT: &str = "secmap_component.wasm";

/// Variables an outer cargo (a build script's, `cargo clippy`'s, a coverage or sanitizer
/// tool's) sets for its own build that must not reach the nested wasm build: host
/// rustflags break or bloat a wasm build, a wrapper like clippy-driver would lint it, and
/// the target dir and target are ours to choose.
const LEAKY_ENV: &[&str] = &[
    "CARGO_ENCODED_RUSTFLAGS",
    "RUSTFLAGS",
    "CARGO_BUILD_RUSTFLAGS",
    "CARGO_ENCODED_RUSTDOCFLAGS",
    "RUSTDOCFLAGS",
    "CARGO_BUILD_RUSTDOCFLAGS",
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET_DIR",
    "CARGO_BUILD_TARGET",
    "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER",
];

/// Builds the component and returns its bytes.
///
/// Runs `$CARGO build -p secmap-component --target wasm32-unknown-unknown --profile
/// wasm-component --target-dir <target_dir>` in `workspace_root` (the nested build's
/// progress goes to stderr), encodes the core module as a validated component and strips
/// its custom sections.
///
/// `target_dir` must differ from the target dir of a cargo that runs this from a build
/// script (cargo holds a lock on it); a folder under it, like `target/component`, is fine.
///
/// # Errors
/// A message saying what failed: the wasm target is missing (with the command that
/// installs it), cargo failed (its output is above), or encoding failed.
pub fn build_component(workspace_root: &Path, target_dir: &Path) -> Result<Vec<u8>, String> {
    check_target(workspace_root)?;
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(&cargo);
    cmd.current_dir(workspace_root)
        .args([
            "build",
            "-p",
            PACKAGE,
            "--target",
            WASM_TARGET,
            "--profile",
            PROFILE,
        ])
        .arg("--target-dir")
        .arg(target_dir)
        // A build script's stdout is read by cargo as instructions: keep cargo's off it.
        .stdout(io::stderr());
    for var in LEAKY_ENV {
        cmd.env_remove(var);
    }
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run `{}`: {e}", cargo.to_string_lossy()))?;
    if !status.success() {
        return Err(format!(
            "`cargo build -p {PACKAGE} --target {WASM_TARGET} --profile {PROFILE}` failed ({status}); \
             its output is above"
        ));
    }
    let path = artifact_path(target_dir);
    let module = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    encode_component(&module)
}

/// Where the nested build leaves the core module.
pub fn artifact_path(target_dir: &Path) -> PathBuf {
    target_dir.join(WASM_TARGET).join(PROFILE).join(ARTIFACT)
}

/// Encodes a core module built with `wit-bindgen` as a component (validated), without
/// custom sections.
///
/// # Errors
/// The message of `wit-component` or of the validator.
pub fn encode_component(module: &[u8]) -> Result<Vec<u8>, String> {
    let component = wit_component::ComponentEncoder::default()
        .validate(true)
        .module(module)
        .and_then(|e| e.encode())
        .map_err(|e| format!("encoding the component failed: {e:#}"))?;
    let stripped = strip_custom_sections(&component)?;
    Validator::new_with_features(WasmFeatures::all())
        .validate_all(&stripped)
        .map_err(|e| format!("the stripped component is invalid: {e}"))?;
    Ok(stripped)
}

/// Copies a module or component without its custom sections, also inside nested modules
/// and components.
///
/// # Errors
/// The parser's message when `wasm` is malformed.
pub fn strip_custom_sections(wasm: &[u8]) -> Result<Vec<u8>, String> {
    const HEADER: usize = 8; // magic + version/layer
    let mut out = wasm
        .get(..HEADER)
        .ok_or("not WebAssembly: too short")?
        .to_vec();
    // Payloads of nested modules and components follow their section; they are copied
    // (stripped) as a whole, so skip their payloads until the matching end.
    let mut nested = 0usize;
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(|e| format!("not WebAssembly: {e}"))?;
        match &payload {
            Payload::End(_) if nested > 0 => nested -= 1,
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => {
                if nested == 0 {
                    let (id, range) = payload.as_section().expect("a section");
                    let inner = strip_custom_sections(slice(wasm, &range)?)?;
                    push_section(&mut out, id, &inner);
                }
                nested += 1;
            }
            Payload::CustomSection(_) => {}
            _ if nested > 0 => {}
            _ => {
                if let Some((id, range)) = payload.as_section() {
                    push_section(&mut out, id, slice(wasm, &range)?);
                }
            }
        }
    }
    Ok(out)
}

fn slice<'a>(wasm: &'a [u8], range: &std::ops::Range<u64>) -> Result<&'a [u8], String> {
    usize::try_from(range.start)
        .ok()
        .zip(usize::try_from(range.end).ok())
        .and_then(|(start, end)| wasm.get(start..end))
        .ok_or_else(|| "not WebAssembly: a section runs past the end".to_owned())
}

fn push_section(out: &mut Vec<u8>, id: u8, contents: &[u8]) {
    out.push(id);
    let mut len = contents.len();
    loop {
        let byte = (len & 0x7f) as u8;
        len >>= 7;
        if len == 0 {
            out.push(byte);
            break;
        }
        out.push(byte | 0x80);
    }
    out.extend_from_slice(contents);
}

/// Fails with the command that fixes it when the toolchain lacks the wasm target. Asks the
/// same `rustc` the nested cargo will use (`$RUSTC`, else the one on `PATH`, resolved in
/// the workspace so that a `rust-toolchain.toml` applies).
fn check_target(workspace_root: &Path) -> Result<(), String> {
    let rustc: OsString = env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = Command::new(&rustc)
        .current_dir(workspace_root)
        .args(["--print", "target-libdir", "--target", WASM_TARGET])
        .output()
        .map_err(|e| format!("cannot run `{}`: {e}", rustc.to_string_lossy()))?;
    let libdir = String::from_utf8_lossy(&out.stdout);
    if out.status.success() && Path::new(libdir.trim()).is_dir() {
        return Ok(());
    }
    Err(format!(
        "the Rust target `{WASM_TARGET}` is not installed: \
         run `rustup target add {WASM_TARGET}` (or `cargo xtask setup`)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_custom_sections_and_keeps_the_rest() {
        // (module (memory 1)) with a custom section "producers" before and after it.
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        push_section(&mut wasm, 0, b"\x09producersXYZ");
        push_section(&mut wasm, 5, &[1, 0, 1]);
        push_section(&mut wasm, 0, b"\x04name");
        let stripped = strip_custom_sections(&wasm).unwrap();
        let mut want = b"\0asm\x01\0\0\0".to_vec();
        push_section(&mut want, 5, &[1, 0, 1]);
        assert_eq!(stripped, want);
    }

    #[test]
    fn section_sizes_are_leb128() {
        let mut out = Vec::new();
        push_section(&mut out, 1, &[0; 200]);
        assert_eq!(&out[..3], &[1, 0xc8, 0x01]);
        assert_eq!(out.len(), 203);
    }
}
