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

/// Maps `payload` (UTF-8 bytes) from `provider`. `options` is `undefined` or an object in
/// the camelCase form of `secmap_core::Options`. Returns `{events, outcomes, warnings}` as
/// JSON text, which the package hands to `JSON.parse`: one string across the boundary and
/// V8's parser beat building every event field by field through wasm-bindgen. Throws the
/// core's error as a plain `{code, category, message, limit?, pointer?, line?, column?}`
/// object (the core's serde: no names copied here), which the package turns into a
/// `SecmapError`.
#[wasm_bindgen]
pub fn transform(provider: &str, payload: &[u8], options: JsValue) -> Result<String, JsValue> {
    let options = options_from(options)?;
    let out = core::transform(provider, payload, &options)
        .map_err(|e| to_js(&e).unwrap_or_else(|e| e))?;
    output_json(&out).map_err(|e| JsValue::from_str(&e.to_string()))
}

/// `{"events":[...],"outcomes":[...],"warnings":[...]}`, the events exactly as the core
/// wrote them.
fn output_json(out: &core::Output) -> serde_json::Result<String> {
    let events: usize = out.events.iter().map(|e| e.json_len_hint()).sum();
    let mut json = String::with_capacity(64 + events + out.outcomes.len() * 96);
    json.push_str("{\"events\":[");
    for (i, event) in out.events.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        event.write_json(&mut json);
    }
    json.push_str("],\"outcomes\":");
    json.push_str(&serde_json::to_string(&out.outcomes)?);
    json.push_str(",\"warnings\":");
    json.push_str(&serde_json::to_string(&out.warnings)?);
    json.push('}');
    Ok(json)
}

/// Options from JS. Through a JSON value, so that the core's `deny_unknown_fields`
/// catches misspelled keys (serde-wasm-bindgen only looks up the declared ones).
fn options_from(options: JsValue) -> Result<Options, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(Options::default());
    }
    let invalid = |message: String| {
        to_js(&core::Error::new(core::ErrorCode::InvalidOptions, message)).unwrap_or_else(|e| e)
    };
    let value: serde_json::Value = serde_wasm_bindgen::from_value(options)
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
