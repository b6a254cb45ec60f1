//! The pieces of one JSON document (the payload, an NDJSON line or a message body):
//! records, containers of records (`records`, `findings`, `value`, `data`, ...), Azure
//! REST API examples, and string elements that are message bodies still to decode.

use serde::{Deserialize, Deserializer as _};
use serde_json::value::RawValue;
use serde_json_borrow::Value;

use super::first_byte;
use crate::error::{Error, ErrorCode};
use crate::json;

pub(super) enum DocError {
    /// The first value parsed, then more followed: NDJSON, or a document with trailing text.
    Trailing(serde_json::Error),
    Json(serde_json::Error),
    /// More elements than the budget of records.
    TooMany,
}

/// What one JSON document holds, before message bodies are decoded.
#[allow(clippy::large_enum_variant)]
pub(super) enum Piece<'t> {
    Record {
        pointer: String,
        text: &'t str,
        dom: Option<Value<'t>>,
    },
    /// A string element: an Event Hubs message body still to decode.
    Body { pointer: String, body: String },
    Bad {
        pointer: String,
        error: Error,
        /// The offending text, when it is worth locating (a slice of the document).
        at: Option<&'t str>,
    },
}

/// The container keys of an object, read in a pass that skips everything else. Raw, so
/// that the read never fails on types.
#[derive(Deserialize)]
struct Containers<'a> {
    #[serde(borrow)]
    records: Option<&'a RawValue>,
    #[serde(borrow)]
    findings: Option<&'a RawValue>,
    #[serde(borrow, rename = "Findings")]
    findings_pascal: Option<&'a RawValue>,
    #[serde(borrow)]
    value: Option<&'a RawValue>,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
    /// A record's discriminators: an object that has one is a record even with a `data`
    /// array (`data` is too common a field name to be a container on its own).
    #[serde(borrow, rename = "type")]
    kind: Option<&'a RawValue>,
    #[serde(borrow, rename = "Type")]
    kind_pascal: Option<&'a RawValue>,
    #[serde(borrow, rename = "detail-type")]
    detail_type: Option<&'a RawValue>,
    /// An Azure REST API example document has both (see [`rest_example_body`]).
    #[serde(borrow)]
    parameters: Option<&'a RawValue>,
    #[serde(borrow)]
    responses: Option<&'a RawValue>,
}

/// Where an Azure REST API example keeps the response body.
const REST_EXAMPLE_BODY: &str = "/responses/200/body";

/// The `200` response body of an Azure REST API specification example
/// (`{"parameters": {...}, "responses": {"200": {"body": ...}}}`), the form in which
/// Microsoft publishes what the Defender for Cloud APIs return (azure-rest-api-specs,
/// `examples/`). The body is what a caller of the API receives, so it is read as the
/// payload; a document of that form without a `200` body is an ordinary record.
fn rest_example_body(text: &str) -> Option<&str> {
    #[derive(Deserialize)]
    struct Example<'a> {
        #[serde(borrow)]
        responses: Responses<'a>,
    }
    #[derive(Deserialize)]
    struct Responses<'a> {
        #[serde(borrow, rename = "200")]
        ok: Option<Response<'a>>,
    }
    #[derive(Deserialize)]
    struct Response<'a> {
        #[serde(borrow)]
        body: Option<&'a RawValue>,
    }
    let example: Example<'_> = serde_json::from_str(text).ok()?;
    example.responses.ok?.body.map(RawValue::get)
}

impl<'a> Containers<'a> {
    /// The array of records when the object is a container, with its key: the first of
    /// [`Containers::arrays`].
    fn array(&self) -> Option<(&'static str, &'a RawValue)> {
        self.arrays().next()
    }

    /// Every array of records of a container, in key order: an object with both `records`
    /// and `value` arrays (no vendor sends one) has its records in both, and every one of
    /// them gets an outcome.
    fn arrays(&self) -> impl Iterator<Item = (&'static str, &'a RawValue)> {
        [
            ("records", self.records),
            ("findings", self.findings),
            ("Findings", self.findings_pascal),
            ("value", self.value),
            (
                "data",
                self.data.filter(|_| {
                    self.kind.is_none() && self.kind_pascal.is_none() && self.detail_type.is_none()
                }),
            ),
        ]
        .into_iter()
        .filter_map(|(k, v)| {
            v.filter(|r| first_byte(r.get()) == Some(b'['))
                .map(|r| (k, r))
        })
    }
}

/// The keys [`Containers`] reads, as JSON spells them; the REST API example's two last.
pub(super) const CONTAINER_KEYS: [&str; 10] = [
    "records",
    "findings",
    "Findings",
    "value",
    "data",
    "type",
    "Type",
    "detail-type",
    "parameters",
    "responses",
];

/// Whether a parsed object is a container of records (the rule of [`Containers::array`]).
pub(super) fn is_container(dom: &Value<'_>) -> bool {
    dom.as_object().is_some_and(|o| {
        let array = |k: &str| o.get(k).is_some_and(Value::is_array);
        ["records", "findings", "Findings", "value"]
            .into_iter()
            .any(array)
            || (array("data")
                && !["type", "Type", "detail-type"]
                    .iter()
                    .any(|k| o.contains_key(k)))
    })
}

/// Reads one JSON document (the payload, an NDJSON line or a message body). With
/// `keep_dom`, a single-record document is parsed once and kept. An array of more than
/// `budget` elements fails with [`DocError::TooMany`] as soon as the parser passes the
/// limit, before the elements take memory.
pub(super) fn pieces<'t>(
    text: &'t str,
    pointer: &str,
    keep_dom: bool,
    budget: usize,
) -> Result<Vec<Piece<'t>>, DocError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let pieces = match first_byte(text) {
        Some(b'{') if keep_dom => {
            let dom = Value::deserialize(&mut de).map_err(classify)?;
            de.end().map_err(DocError::Trailing)?;
            let example = dom
                .as_object()
                .is_some_and(|o| o.contains_key("parameters") && o.contains_key("responses"));
            if let Some(body) = example.then(|| rest_example_body(text)).flatten() {
                return pieces(
                    body,
                    &format!("{pointer}{REST_EXAMPLE_BODY}"),
                    keep_dom,
                    budget,
                );
            }
            if is_container(&dom) {
                container(text, pointer, budget)?
            } else {
                vec![Piece::Record {
                    pointer: pointer.to_owned(),
                    text,
                    dom: Some(dom),
                }]
            }
        }
        Some(b'{') => {
            let c = Containers::deserialize(&mut de).map_err(classify)?;
            de.end().map_err(DocError::Trailing)?;
            if c.parameters.is_some()
                && c.responses.is_some()
                && let Some(body) = rest_example_body(text)
            {
                let pointer = format!("{pointer}{REST_EXAMPLE_BODY}");
                return pieces(body, &pointer, keep_dom, budget);
            }
            match c.array() {
                Some(_) => container(text, pointer, budget)?,
                None => vec![Piece::Record {
                    pointer: pointer.to_owned(),
                    text,
                    dom: None,
                }],
            }
        }
        Some(b'[') => {
            let elements = (&mut de)
                .deserialize_seq(Elements {
                    pointer: pointer.to_owned(),
                    budget,
                })
                .map_err(classify)?;
            de.end().map_err(DocError::Trailing)?;
            elements
        }
        _ => {
            let raw = <&'t RawValue>::deserialize(&mut de).map_err(classify)?;
            de.end().map_err(DocError::Trailing)?;
            vec![element(raw, pointer.to_owned())]
        }
    };
    Ok(pieces)
}

/// The records of a container object, from each of its arrays of records.
fn container<'t>(text: &'t str, pointer: &str, budget: usize) -> Result<Vec<Piece<'t>>, DocError> {
    let c: Containers<'t> = serde_json::from_str(text).map_err(classify)?;
    let mut pieces = Vec::new();
    for (key, array) in c.arrays() {
        let mut de = serde_json::Deserializer::from_str(array.get());
        let more = (&mut de)
            .deserialize_seq(Elements {
                pointer: format!("{pointer}/{key}"),
                budget: budget - pieces.len(),
            })
            .map_err(classify)?;
        pieces.extend(more);
    }
    Ok(pieces)
}

/// The message of the error [`Elements`] stops the parser with; never shown.
const TOO_MANY: &str = "secmap: more elements than the record budget";

/// The elements of an array as pieces, at most `budget` of them: the parser stops at the
/// next one.
struct Elements {
    /// The array's pointer; elements are `{pointer}/{i}`.
    pointer: String,
    budget: usize,
}

impl<'de> serde::de::Visitor<'de> for Elements {
    type Value = Vec<Piece<'de>>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(self.budget));
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            if out.len() == self.budget {
                return Err(serde::de::Error::custom(TOO_MANY));
            }
            let pointer = format!("{}/{}", self.pointer, out.len());
            out.push(element(raw, pointer));
        }
        Ok(out)
    }
}

/// One element of a container: a record, a message body string, or neither.
fn element<'t>(raw: &'t RawValue, pointer: String) -> Piece<'t> {
    let text = raw.get();
    match first_byte(text) {
        Some(b'{') => Piece::Record {
            pointer,
            text,
            dom: None,
        },
        Some(b'"') => match body_text(text) {
            Ok(body) => Piece::Body { pointer, body },
            // Valid JSON text that is no Unicode string: a lone surrogate escape
            // (`"\ud800"`), which the JSON grammar allows and UTF-8 cannot hold.
            Err(e) => Piece::Bad {
                error: Error::new(
                    ErrorCode::InvalidJson,
                    format!(
                        "the message body string holds an unpaired surrogate escape (\\uD800 to \\uDFFF), \
                         which is not Unicode text ({})",
                        json::bare_message(&e)
                    ),
                )
                .with_pointer(pointer.clone()),
                at: Some(text),
                pointer,
            },
        },
        other => {
            let found = match other {
                Some(b'[') => "an array",
                Some(b't' | b'f') => "a boolean",
                Some(b'n') => "null",
                _ => "a number",
            };
            Piece::Bad {
                error: not_a_record(found, &pointer),
                pointer,
                at: None,
            }
        }
    }
}

/// The text a message body string holds. The fast decoder leaves what it does not expect
/// (unpaired surrogates) to serde_json, which words the error.
fn body_text(text: &str) -> Result<String, serde_json::Error> {
    json::unescape_str(text).map_or_else(|| serde_json::from_str(text), Ok)
}

pub(super) fn not_a_record(found: &str, pointer: &str) -> Error {
    Error::new(
        ErrorCode::UnrecognizedRecord,
        format!("expected a record (a JSON object) or a string holding one, found {found}"),
    )
    .with_pointer(pointer)
}

fn classify(e: serde_json::Error) -> DocError {
    if e.is_syntax() && json::bare_message(&e) == "trailing characters" {
        DocError::Trailing(e)
    } else if e.is_data() && json::bare_message(&e) == TOO_MANY {
        DocError::TooMany
    } else {
        DocError::Json(e)
    }
}
