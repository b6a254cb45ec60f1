//! The secmap core for JavaScript. Mechanical, like the component: decode the arguments,
//! call [`secmap_core::transform`], encode the result as plain JS objects. The npm package
//! in `js/secmap` wraps these functions (payload normalization, `SecmapError`).

use secmap_core::{self as core, Event, Options, RecordOutcome, Warning};
use serde::Serialize;
use serde_wasm_bindgen::Serializer;
use wasm_bindgen::prelude::*;

/// What `transform` returns to JS.
#[derive(Serialize)]
struct JsOutput<'a> {
    events: &'a [Event],
    outcomes: &'a [RecordOutcome],
    warnings: &'a [Warning],
}

/// `json_compatible`: maps become plain objects, not `Map`s.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&Serializer::json_compatible())
        .map_err(JsValue::from)
}

/// Maps `payload` (UTF-8 bytes) from `provider`. `options` is `undefined` or an object in
/// the camelCase form of `secmap_core::Options`. Throws a plain `{code, message, pointer?,
/// line?, column?}` object, which the package turns into a `SecmapError`.
#[wasm_bindgen]
pub fn transform(provider: &str, payload: &[u8], options: JsValue) -> Result<JsValue, JsValue> {
    let options = options_from(options)?;
    match core::transform(provider, payload, &options) {
        Ok(out) => to_js(&JsOutput {
            events: &out.events,
            outcomes: &out.outcomes,
            warnings: &out.warnings,
        }),
        Err(e) => Err(to_js(&e)?),
    }
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

/// The providers, with their bundled examples.
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
        examples: Vec<Example<'a>>,
    }
    let list: Vec<Provider<'_>> = core::providers()
        .map(|p| Provider {
            id: p.id,
            name: p.name,
            vendor: p.vendor,
            summary: p.summary,
            event_types: p.event_types.iter().map(|t| t.as_str()).collect(),
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
