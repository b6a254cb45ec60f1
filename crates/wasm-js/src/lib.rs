//! The secmap core for JavaScript. Mechanical, like the component: decode the arguments,
//! call [`secmap_core::transform`], encode the result as plain JS objects. The npm package
//! in `js/secmap` wraps these functions (payload normalization, `SecmapError`).

mod delivery;

use secmap_core::{self as core, Options};
use serde::Serialize;
use serde_wasm_bindgen::Serializer;
use wasm_bindgen::prelude::*;

/// `json_compatible`: maps become plain objects, not `Map`s.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&Serializer::json_compatible())
        .map_err(JsValue::from)
}

/// Talc instead of Rust's default dlmalloc: smaller, and faster on many small allocations.
#[cfg(target_family = "wasm")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Maps `payload` (UTF-8 bytes) from `provider`. `options` is `undefined` or the JSON text
/// of an object in the camelCase form of `secmap_core::Options` (the package stringifies
/// it: V8's `JSON.stringify` and serde_json beat walking the object through
/// serde-wasm-bindgen by ~1.5 µs a call). Returns the whole output as one byte buffer (see
/// [`output_bytes`]), which the package splits without copying: the request body goes to
/// the host exactly as the core wrote it, and only what the host reads is decoded or
/// parsed. One buffer is one copy out of linear memory; a string would add a UTF-8 decode,
/// and objects built through wasm-bindgen cost more than V8's `JSON.parse`. Throws a plain
/// `{code, category, message, limit?, pointer?, line?, column?}`
/// object (the core's serde: no names copied here), which the package turns into a
/// `SecmapError`.
#[wasm_bindgen]
pub fn transform(
    provider: &str,
    payload: &[u8],
    options: Option<String>,
) -> Result<Vec<u8>, JsValue> {
    let options = options_from(options)?;
    let out = core::transform(provider, payload, &options)
        .map_err(|e| to_js(&e).unwrap_or_else(|e| e))?;
    output_bytes(&out).map_err(|e| JsValue::from_str(&e.to_string()))
}

/// `BODY REPORT BODY_LEN EVENTS`: the request body (`[` + the events joined by `,` +
/// `]`, byte for byte [`core::Output::events_json`]), then `{"outcomes":[...],
/// "warnings":[...]}`, then the body's length in bytes and the event count, each a
/// little-endian `u32` (payloads are capped far below 4 GiB). The package reads the two
/// numbers from the end (`js/secmap/src/core.js`).
fn output_bytes(out: &core::Output) -> serde_json::Result<Vec<u8>> {
    let events: usize = out.events.iter().map(|e| e.json_len_hint()).sum();
    let mut body = String::with_capacity(2 + events + out.events.len());
    body.push('[');
    for (i, event) in out.events.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        event.write_json(&mut body);
    }
    body.push(']');
    let body_len = u32::try_from(body.len()).map_err(serde::ser::Error::custom)?;
    let count = u32::try_from(out.events.len()).map_err(serde::ser::Error::custom)?;
    let mut bytes = body.into_bytes();
    bytes.reserve(32 + out.outcomes.len() * 96 + 8);
    bytes.extend_from_slice(b"{\"outcomes\":");
    serde_json::to_writer(&mut bytes, &out.outcomes)?;
    bytes.extend_from_slice(b",\"warnings\":");
    serde_json::to_writer(&mut bytes, &out.warnings)?;
    bytes.push(b'}');
    bytes.extend_from_slice(&body_len.to_le_bytes());
    bytes.extend_from_slice(&count.to_le_bytes());
    Ok(bytes)
}

/// Options from their JSON text. Through a JSON value, so that the core's
/// `deny_unknown_fields` catches misspelled keys and messages carry no text positions.
fn options_from(options: Option<String>) -> Result<Options, JsValue> {
    let Some(text) = options else {
        return Ok(Options::default());
    };
    let invalid = |message: String| {
        to_js(&core::Error::new(core::ErrorCode::InvalidOptions, message)).unwrap_or_else(|e| e)
    };
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| invalid(format!("options must be a plain object: {e}")))?;
    serde_json::from_value(value).map_err(|e| invalid(format!("invalid options: {e}")))
}

/// The providers, with their bundled examples and severity tables (the browser demo shows
/// each table as its legend, so no provider fact is copied into the page).
#[wasm_bindgen]
pub fn providers() -> Result<JsValue, JsValue> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Example<'a> {
        name: &'a str,
        title: &'a str,
        payload: &'a str,
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Provider<'a> {
        id: &'a str,
        name: &'a str,
        vendor: &'a str,
        summary: &'a str,
        event_types: Vec<&'a str>,
        severity: Severity<'a>,
        examples: Vec<Example<'a>>,
    }
    /// `secmap_core::SeverityTable`, levels as their `dt.security.risk.level` text.
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Severity<'a> {
        id: &'a str,
        source: &'a str,
        labels: Vec<Label<'a>>,
        bands: Vec<Band>,
        fixed_scores: Vec<FixedScore>,
        range: [f64; 2],
        missing: &'static str,
    }
    #[derive(Serialize)]
    struct Label<'a> {
        label: &'a str,
        level: &'static str,
    }
    #[derive(Serialize)]
    struct Band {
        level: &'static str,
        min: f64,
        inclusive: bool,
    }
    #[derive(Serialize)]
    struct FixedScore {
        level: &'static str,
        score: f64,
    }
    let list: Vec<Provider<'_>> = core::providers()
        .map(|p| Provider {
            id: p.id,
            name: p.name,
            vendor: p.vendor,
            summary: p.summary,
            event_types: p.event_types.iter().map(|t| t.as_str()).collect(),
            severity: Severity {
                id: p.severity.id,
                source: p.severity.source,
                labels: p
                    .severity
                    .labels
                    .iter()
                    .map(|(label, level)| Label {
                        label,
                        level: level.as_str(),
                    })
                    .collect(),
                bands: p
                    .severity
                    .bands
                    .iter()
                    .map(|b| Band {
                        level: b.level.as_str(),
                        min: b.min,
                        inclusive: b.inclusive,
                    })
                    .collect(),
                fixed_scores: p
                    .severity
                    .fixed_scores
                    .iter()
                    .map(|(level, score)| FixedScore {
                        level: level.as_str(),
                        score: *score,
                    })
                    .collect(),
                range: [p.severity.range.0, p.severity.range.1],
                missing: p.severity.missing.as_str(),
            },
            examples: p
                .examples
                .iter()
                .map(|e| Example {
                    name: e.name,
                    title: e.title,
                    payload: e.payload,
                })
                .collect(),
        })
        .collect();
    to_js(&list)
}

/// The mapping version stamped into every event as `secmap.mapping.version`.
#[wasm_bindgen(js_name = mappingVersion)]
pub fn mapping_version() -> String {
    core::MAPPING_VERSION.to_owned()
}
