//! Splits a payload into records, whatever shape it arrived in.
//!
//! Accepted shapes (design §2): one record; a JSON array of records; `{"records": [...]}`
//! (Azure Monitor style); `{"findings": [...]}` / `{"Findings": [...]}` (GuardDuty
//! `GetFindings`); `{"value": [...]}` (Azure REST list responses); `{"data": [...]}` (Azure
//! Resource Graph result pages: REST `totalRecords`/`count`/`facets`/`resultTruncated`/
//! `$skipToken`, `az graph query` `count`/`skip_token`/`total_records`); NDJSON; and Azure
//! Functions' Event Hubs batches, where each element may be a JSON *string* holding the
//! message body. A body string is decoded once; it may hold a record or a container. An
//! Azure REST API specification example (`parameters` + `responses/200/body`) is read as
//! its response body.
//!
//! A payload that is not JSON fails as a whole (with line and column). Inside a readable
//! payload, an element that is not a record, an NDJSON line or a body string that is not
//! JSON becomes one rejected record; the others are still mapped.

use serde::{Deserialize, Deserializer as _};
use serde_json::value::RawValue;
use serde_json_borrow::Value;

use crate::error::{Error, ErrorCode};
use crate::json;
use crate::options::Limits;

/// One input record.
#[derive(Debug)]
pub(crate) struct Record<'a> {
    pub index: u32,
    /// JSON pointer of the record from the payload root (from its line, for NDJSON).
    pub pointer: String,
    /// 1-based NDJSON line.
    pub line: Option<u32>,
    /// The record's JSON text: a slice of the payload, or of a decoded message body.
    pub text: &'a str,
    /// The parsed record, when splitting already parsed it (a single-record payload).
    pub dom: Option<Value<'a>>,
}

/// A record that could not even be read as a record.
#[derive(Debug)]
pub(crate) struct BadRecord {
    pub index: u32,
    pub pointer: String,
    pub line: Option<u32>,
    pub error: Error,
}

// Bad records are rare; boxing the common variant would cost an allocation per record.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub(crate) enum Item<'a> {
    Record(Record<'a>),
    Bad(BadRecord),
}

/// The result of reading the payload's structure, before message bodies are decoded:
/// bodies are owned strings that the records of the second phase borrow.
pub(crate) struct Scanned<'a> {
    pending: Vec<Pending<'a>>,
    /// Decoded Event Hubs message bodies.
    pub bodies: Vec<String>,
}

enum Pending<'a> {
    Piece(Piece<'a>, Option<u32>),
    /// `bodies[usize]`, found at this pointer and line.
    Body(usize, String, Option<u32>),
}

/// Phase one: the payload's structure. Fails only when the payload fails as a whole.
pub(crate) fn scan<'a>(text: &'a str, limits: &Limits) -> Result<Scanned<'a>, Error> {
    json::reset_positions();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if first_byte(text).is_none() {
        return Err(Error::new(ErrorCode::EmptyPayload, "the payload is empty"));
    }
    let max = limits.max_records as usize;
    let mut scanned = Scanned {
        pending: Vec::new(),
        bodies: Vec::new(),
    };
    match pieces(text, "", true, max) {
        Ok(pieces) => scanned.extend(pieces, None, text),
        // One value per line: NDJSON. A document (pretty-printed, the first value spanning
        // lines) with text after it is not: that is one error at the trailing text.
        Err(DocError::Trailing(_)) if first_line_is_a_value(text) => scanned.ndjson(text, max)?,
        Err(DocError::Json(_)) if ndjson_with_bad_first_line(text) => {
            scanned.ndjson(text, max)?;
        }
        Err(DocError::TooMany) => return Err(too_many(limits)),
        Err(DocError::Json(e) | DocError::Trailing(e)) => {
            let (line, column) = json::error_position(text, &e);
            return Err(json_error(&e, limits).with_position(line, column));
        }
    }
    Ok(scanned)
}

fn too_many(limits: &Limits) -> Error {
    Error::limit("maxRecords", limits.max_records as usize, "records")
}

/// A parse error, or (serde_json's recursion guard) the nesting limit.
pub(crate) fn json_error(e: &serde_json::Error, limits: &Limits) -> Error {
    let message = json::bare_message(e);
    if message == "recursion limit exceeded" {
        Error::limit(
            "maxDepth",
            limits.max_depth.min(json::PARSER_DEPTH) as usize,
            "levels of nesting",
        )
    } else {
        Error::new(ErrorCode::InvalidJson, message)
    }
}

/// Phase two: decoded message bodies become records; every record gets its index.
///
/// Every piece of phase one becomes at least one record, so the count only grows; it is
/// checked as records are made, so that a payload over `maxRecords` fails before its
/// records take memory.
pub(crate) fn resolve<'a>(
    pending: Scanned<'a>,
    bodies: &'a [String],
    limits: &Limits,
) -> Result<Vec<Item<'a>>, Error> {
    let max = limits.max_records as usize;
    let mut items = Items(Vec::with_capacity(pending.pending.len().min(max)));
    for p in pending.pending {
        match p {
            Pending::Piece(piece, line) => items.piece(piece, line),
            Pending::Body(i, pointer, line) => {
                let budget = max.saturating_sub(items.0.len());
                if items.body(&bodies[i], pointer, line, budget).is_err() {
                    return Err(too_many(limits));
                }
            }
        }
        if items.0.len() > max {
            return Err(too_many(limits));
        }
    }
    Ok(items.0)
}

impl<'a> Scanned<'a> {
    /// Takes the bodies out, leaving the structure to resolve against them.
    pub(crate) fn take_bodies(&mut self) -> Vec<String> {
        std::mem::take(&mut self.bodies)
    }

    /// Adds the pieces of `text` (the payload, or NDJSON line `line`), locating bad ones
    /// that say where they are.
    fn extend(&mut self, pieces: Vec<Piece<'a>>, line: Option<u32>, text: &str) {
        for piece in pieces {
            match piece {
                Piece::Bad {
                    pointer,
                    mut error,
                    at: Some(at),
                } => {
                    if let Some(offset) = json::offset_in(text, at) {
                        let (l, column) = json::position(text, offset);
                        error = error.with_position(line.unwrap_or(l), column);
                    }
                    let bad = Piece::Bad {
                        pointer,
                        error,
                        at: None,
                    };
                    self.pending.push(Pending::Piece(bad, line));
                }
                Piece::Body { pointer, body } => {
                    self.bodies.push(body);
                    self.pending
                        .push(Pending::Body(self.bodies.len() - 1, pointer, line));
                }
                other => self.pending.push(Pending::Piece(other, line)),
            }
        }
    }

    /// The payload as NDJSON. Fails only when it holds more than `max` records.
    fn ndjson(&mut self, text: &'a str, max: usize) -> Result<(), Error> {
        self.pending.clear();
        self.bodies.clear();
        let over = || Error::limit("maxRecords", max, "records");
        for (n, raw_line) in text.split('\n').enumerate() {
            let line_no = u32_of(n + 1);
            let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
            if first_byte(line).is_none() {
                continue;
            }
            if self.pending.len() >= max {
                return Err(over());
            }
            match pieces(line, "", false, max - self.pending.len()) {
                Ok(pieces) => self.extend(pieces, Some(line_no), line),
                Err(DocError::TooMany) => return Err(over()),
                Err(e) => {
                    let error = match e {
                        DocError::TooMany => unreachable!("handled above"),
                        DocError::Trailing(_) => Error::new(
                            ErrorCode::InvalidJson,
                            "more than one JSON value on one NDJSON line",
                        )
                        .with_position(line_no, 1),
                        DocError::Json(e) => {
                            let (_, column) = json::error_position(line, &e);
                            Error::new(ErrorCode::InvalidJson, json::bare_message(&e))
                                .with_position(line_no, column)
                        }
                    };
                    self.pending.push(Pending::Piece(
                        Piece::Bad {
                            pointer: String::new(),
                            error,
                            at: None,
                        },
                        Some(line_no),
                    ));
                }
            }
        }
        Ok(())
    }
}

enum DocError {
    /// The first value parsed, then more followed: NDJSON, or a document with trailing text.
    Trailing(serde_json::Error),
    Json(serde_json::Error),
    /// More elements than the budget of records.
    TooMany,
}

/// What one JSON document holds, before message bodies are decoded.
#[allow(clippy::large_enum_variant)]
enum Piece<'t> {
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

/// Whether a parsed object is a container of records (the rule of [`Containers::array`]).
fn is_container(dom: &Value<'_>) -> bool {
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
fn pieces<'t>(
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
        Some(b'"') => match serde_json::from_str::<String>(text) {
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

fn not_a_record(found: &str, pointer: &str) -> Error {
    Error::new(
        ErrorCode::UnrecognizedRecord,
        format!("expected a record (a JSON object) or a string holding one, found {found}"),
    )
    .with_pointer(pointer)
}

struct Items<'a>(Vec<Item<'a>>);

/// A message body over the budget of records.
struct TooMany;

impl<'a> Items<'a> {
    fn piece(&mut self, piece: Piece<'a>, line: Option<u32>) {
        match piece {
            Piece::Record { pointer, text, dom } => self.record(text, dom, pointer, line),
            Piece::Bad { pointer, error, .. } => self.bad(pointer, line, error),
            // Bodies were set aside while scanning.
            Piece::Body { pointer, .. } => {
                self.bad(pointer, line, Error::internal("unresolved message body"))
            }
        }
    }

    /// A message body decoded from a JSON string: a record or a container of records.
    /// Fails when it holds more than `budget` records.
    fn body(
        &mut self,
        body: &'a str,
        pointer: String,
        line: Option<u32>,
        budget: usize,
    ) -> Result<(), TooMany> {
        match pieces(body, &pointer, false, budget) {
            Ok(inner) if inner.is_empty() => {
                // Accounted for like any message: an empty container is not silently gone.
                let e = Error::new(
                    ErrorCode::UnrecognizedRecord,
                    "the message body holds no records (an empty array or container)",
                )
                .with_pointer(pointer.clone());
                self.bad(pointer, line, e);
            }
            Ok(inner) => {
                for piece in inner {
                    match piece {
                        Piece::Body { pointer, .. } => {
                            let e = not_a_record("a string inside a message body", &pointer);
                            self.bad(pointer, line, e)
                        }
                        other => self.piece(other, line),
                    }
                }
            }
            Err(DocError::TooMany) => return Err(TooMany),
            Err(e) => {
                let message = match e {
                    DocError::TooMany => unreachable!("handled above"),
                    DocError::Trailing(_) => "message body holds more than one JSON value".into(),
                    DocError::Json(e) => format!(
                        "message body is not JSON: {} at line {} column {} of the string",
                        json::bare_message(&e),
                        e.line(),
                        e.column()
                    ),
                };
                let error =
                    Error::new(ErrorCode::InvalidJson, message).with_pointer(pointer.clone());
                self.bad(pointer, line, error)
            }
        }
        Ok(())
    }

    fn record(
        &mut self,
        text: &'a str,
        dom: Option<Value<'a>>,
        pointer: String,
        line: Option<u32>,
    ) {
        let index = self.next_index();
        self.0.push(Item::Record(Record {
            index,
            pointer,
            line,
            text,
            dom,
        }));
    }

    fn bad(&mut self, pointer: String, line: Option<u32>, error: Error) {
        let index = self.next_index();
        self.0.push(Item::Bad(BadRecord {
            index,
            pointer,
            line,
            error,
        }));
    }

    fn next_index(&self) -> u32 {
        u32_of(self.0.len())
    }
}

/// Whether the first non-blank line is a whole JSON value: NDJSON starts so, a
/// pretty-printed document does not.
fn first_line_is_a_value(text: &str) -> bool {
    text.lines()
        .find(|l| first_byte(l).is_some())
        .is_some_and(|l| serde_json::from_str::<&RawValue>(l.trim()).is_ok())
}

/// NDJSON whose first line is broken: as a single document it fails on line 1, but the
/// next non-blank line is a complete object on its own. Pretty-printed JSON never has one.
fn ndjson_with_bad_first_line(text: &str) -> bool {
    let mut lines = text.lines().filter(|l| first_byte(l).is_some());
    let (Some(_), Some(second)) = (lines.next(), lines.next()) else {
        return false;
    };
    let second = second.trim();
    second.starts_with('{') && serde_json::from_str::<&RawValue>(second).is_ok()
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

fn first_byte(text: &str) -> Option<u8> {
    text.bytes().find(|b| !b.is_ascii_whitespace())
}

fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str, limits: &Limits) -> Result<Vec<String>, Error> {
        let mut scanned = scan(text, limits)?;
        let bodies = scanned.take_bodies();
        let items = resolve(scanned, &bodies, limits)?;
        Ok(items
            .iter()
            .map(|i| match i {
                Item::Record(r) => format!(
                    "{}{}:{}",
                    r.pointer,
                    r.line.map(|l| format!("@{l}")).unwrap_or_default(),
                    r.text.len()
                ),
                Item::Bad(b) => format!(
                    "{}{}:bad:{}",
                    b.pointer,
                    b.line.map(|l| format!("@{l}")).unwrap_or_default(),
                    b.error.code()
                ),
            })
            .collect())
    }

    fn shape(text: &str) -> Vec<String> {
        split(text, &Limits::default()).unwrap()
    }

    #[test]
    fn single_array_and_containers() {
        assert_eq!(shape(r#"{"a":1}"#), [":7"]);
        assert_eq!(shape(r#"[{"a":1},{"b":22}]"#), ["/0:7", "/1:8"]);
        assert_eq!(shape(r#"{"records":[{"a":1}]}"#), ["/records/0:7"]);
        assert_eq!(
            shape(r#"{"Findings":[{"a":1}],"ResponseMetadata":{}}"#),
            ["/Findings/0:7"]
        );
        assert_eq!(
            shape(r#"{"value":[{"a":1}],"nextLink":null}"#),
            ["/value/0:7"]
        );
        // `value` that is not an array is just a field of a record.
        assert_eq!(shape(r#"{"value":"x"}"#), [":13"]);
        // Azure Resource Graph pages: the paging fields are neither records nor errors.
        assert_eq!(
            shape(
                r#"{"totalRecords":3,"count":1,"data":[{"a":1}],"facets":[],"resultTruncated":"false","$skipToken":"x"}"#
            ),
            ["/data/0:7"]
        );
        assert_eq!(
            shape(r#"{"count":1,"data":[{"a":1}],"skip_token":null,"total_records":1}"#),
            ["/data/0:7"]
        );
        // Two arrays of records: both are read, every record gets an outcome.
        assert_eq!(
            shape(r#"{"records":[{"a":1}],"value":[{"b":22}]}"#),
            ["/records/0:7", "/value/0:8"]
        );
        // A record with a `data` array stays a record.
        assert_eq!(shape(r#"{"type":"t","data":[1]}"#), [":23"]);
        // Inside a message body too.
        assert_eq!(
            shape(r#"["{\"data\":[{\"a\":1}],\"count\":1}"]"#),
            ["/0/data/0:7"]
        );
    }

    #[test]
    fn event_hubs_string_bodies() {
        assert_eq!(
            shape(
                r#"["{\"a\":1}", "[{\"b\":1},{\"c\":1}]", "{\"records\":[{\"d\":1}]}", "nope", 5]"#
            ),
            [
                "/0:7",
                "/1/0:7",
                "/1/1:7",
                "/2/records/0:7",
                "/3:bad:invalid-json",
                "/4:bad:unrecognized-record"
            ]
        );
        assert_eq!(shape(r#"["\"{}\""]"#), ["/0:bad:unrecognized-record"]);
        // A lone surrogate escape is valid JSON but no string: that body alone is rejected,
        // at its position.
        let items = split(r#"[{"a":1}, "\ud800"]"#, &Limits::default()).unwrap();
        assert_eq!(items, ["/0:7", "/1:bad:invalid-json"]);
        let mut scanned = scan("[\n \"\\udc00\"]", &Limits::default()).unwrap();
        let bodies = scanned.take_bodies();
        match &resolve(scanned, &bodies, &Limits::default()).unwrap()[0] {
            Item::Bad(b) => assert_eq!((b.error.line(), b.error.column()), (Some(2), Some(2))),
            Item::Record(_) => panic!("a lone surrogate is no record"),
        }
    }

    #[test]
    fn ndjson_rejects_only_bad_lines() {
        assert_eq!(
            shape("{\"a\":1}\n\n{bad\r\n{\"b\":1}\n"),
            ["@1:7", "@3:bad:invalid-json", "@4:7"]
        );
        assert_eq!(shape("{bad\n{\"b\":1}\n"), ["@1:bad:invalid-json", "@2:7"]);
    }

    #[test]
    fn whole_payload_errors() {
        let l = Limits::default();
        assert_eq!(
            split("  \n", &l).unwrap_err().code(),
            ErrorCode::EmptyPayload
        );
        let e = split("{\n  \"a\": tru\n}", &l).unwrap_err();
        assert_eq!(
            (e.code(), e.line(), e.column()),
            (ErrorCode::InvalidJson, Some(2), Some(11))
        );
        // A single record nesting beyond serde_json's own guard fails the payload...
        let deep = r#"{"a":"#.repeat(200) + "1" + &"}".repeat(200);
        assert_eq!(
            split(&deep, &l).unwrap_err().code(),
            ErrorCode::LimitExceeded
        );
        // ...while inside a batch only that element is rejected (the others go on).
        let deep = "[{},".to_owned() + &"[".repeat(5000) + &"]".repeat(5000) + "]";
        assert_eq!(
            split(&deep, &l).unwrap(),
            ["/0:2", "/1:bad:unrecognized-record"]
        );
        let few = Limits {
            max_records: 1,
            ..Limits::default()
        };
        assert_eq!(
            split("[{},{}]", &few).unwrap_err().code(),
            ErrorCode::LimitExceeded
        );
    }

    #[test]
    fn duplicate_keys_still_become_a_record() {
        assert_eq!(shape(r#"{"type":"a","type":"b"}"#), [":23"]);
    }
}
