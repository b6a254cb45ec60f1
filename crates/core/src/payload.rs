//! Splits a payload into records, whatever shape it arrived in.
//!
//! Accepted shapes (design §2): one record; a JSON array of records; `{"records": [...]}`
//! (Azure Monitor style); `{"findings": [...]}` / `{"Findings": [...]}` (GuardDuty
//! `GetFindings`); `{"value": [...]}` (Azure REST list responses); NDJSON; and Azure
//! Functions' Event Hubs batches, where each element may be a JSON *string* holding the
//! message body. A body string is decoded once; it may hold a record or a container.
//!
//! A payload that is not JSON fails as a whole (with line and column). Inside a readable
//! payload, an element that is not a record, an NDJSON line or a body string that is not
//! JSON becomes one rejected record; the others are still mapped.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;

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
    /// The record's JSON text: a slice of the payload, or a decoded message body.
    pub text: Cow<'a, str>,
    /// The record's probe, when it was already read while splitting.
    pub probe: Option<Probe<'a>>,
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

/// The top-level keys that classify a record or a container, read in one pass that skips
/// everything else. Every field is raw so that a probe never fails on types.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
pub(crate) struct Probe<'a> {
    #[serde(borrow)]
    pub records: Option<&'a RawValue>,
    #[serde(borrow)]
    pub findings: Option<&'a RawValue>,
    #[serde(borrow, rename = "Findings")]
    pub findings_pascal: Option<&'a RawValue>,
    #[serde(borrow)]
    pub value: Option<&'a RawValue>,
    #[serde(borrow, rename = "detail-type")]
    pub detail_type: Option<&'a RawValue>,
    #[serde(borrow)]
    pub source: Option<&'a RawValue>,
    #[serde(borrow)]
    pub detail: Option<&'a RawValue>,
    #[serde(borrow, rename = "type")]
    pub type_lower: Option<&'a RawValue>,
    #[serde(borrow, rename = "Type")]
    pub type_pascal: Option<&'a RawValue>,
    #[serde(borrow, rename = "AlertType")]
    pub alert_type: Option<&'a RawValue>,
    #[serde(borrow, rename = "SystemAlertId")]
    pub system_alert_id: Option<&'a RawValue>,
    #[serde(borrow)]
    pub arn: Option<&'a RawValue>,
    #[serde(borrow, rename = "Arn")]
    pub arn_pascal: Option<&'a RawValue>,
    #[serde(borrow)]
    pub resource: Option<&'a RawValue>,
    #[serde(borrow, rename = "Resource")]
    pub resource_pascal: Option<&'a RawValue>,
    #[serde(borrow)]
    pub severity: Option<&'a RawValue>,
    #[serde(borrow, rename = "Severity")]
    pub severity_pascal: Option<&'a RawValue>,
}

impl<'a> Probe<'a> {
    /// The string value of a raw field, if it is a string.
    pub(crate) fn string(raw: Option<&'a RawValue>) -> Option<Cow<'a, str>> {
        raw.and_then(|r| serde_json::from_str::<Cow<'a, str>>(r.get()).ok())
    }

    /// `type` or `Type`.
    pub(crate) fn record_type(&self) -> Option<Cow<'a, str>> {
        Probe::string(self.type_lower).or_else(|| Probe::string(self.type_pascal))
    }

    /// `arn` or `Arn`.
    pub(crate) fn arn(&self) -> Option<Cow<'a, str>> {
        Probe::string(self.arn).or_else(|| Probe::string(self.arn_pascal))
    }

    /// Whether the record is an EventBridge envelope (or a trimmed one with only `detail`).
    pub(crate) fn is_eventbridge(&self) -> bool {
        self.detail_type.is_some() || (self.source.is_some() && self.detail.is_some())
    }

    /// The array of records when this object is a container, with its key.
    fn container(&self) -> Option<(&'static str, &'a RawValue)> {
        [
            ("records", self.records),
            ("findings", self.findings),
            ("Findings", self.findings_pascal),
            ("value", self.value),
        ]
        .into_iter()
        .find_map(|(k, v)| {
            v.filter(|r| first_byte(r.get()) == Some(b'['))
                .map(|r| (k, r))
        })
    }
}

/// Splits `text` into records.
pub(crate) fn split<'a>(text: &'a str, limits: &Limits) -> Result<Vec<Item<'a>>, Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if first_byte(text).is_none() {
        return Err(Error::new(ErrorCode::EmptyPayload, "the payload is empty"));
    }
    if let Some(at) = json::depth_exceeded(text, limits.max_depth) {
        let (line, column) = json::position(text, at);
        return Err(
            Error::limit("maxDepth", limits.max_depth as usize, "levels of nesting")
                .with_position(line, column),
        );
    }
    let mut items = Items::default();
    match pieces(text, "") {
        Ok(pieces) => items.extend(pieces, None),
        Err(DocError::Trailing) => items.ndjson(text),
        Err(DocError::Json(e)) if ndjson_with_bad_first_line(text) => {
            let _ = e;
            items.ndjson(text)
        }
        Err(DocError::Json(e)) => {
            let (line, column) = json::error_position(text, &e);
            return Err(Error::new(ErrorCode::InvalidJson, json::bare_message(&e))
                .with_position(line, column));
        }
    }
    if items.0.len() > limits.max_records as usize {
        return Err(Error::limit(
            "maxRecords",
            limits.max_records as usize,
            "records",
        ));
    }
    Ok(items.0)
}

enum DocError {
    /// The first value parsed, then more followed: NDJSON.
    Trailing,
    Json(serde_json::Error),
}

/// What one JSON document holds, before message bodies are decoded.
#[allow(clippy::large_enum_variant)]
enum Piece<'t> {
    Record {
        pointer: String,
        text: &'t str,
        probe: Option<Probe<'t>>,
    },
    /// A string element: an Event Hubs message body still to decode.
    Body {
        pointer: String,
        body: String,
    },
    Bad {
        pointer: String,
        error: Error,
    },
}

/// Reads one JSON document (the payload, an NDJSON line or a message body).
fn pieces<'t>(text: &'t str, pointer: &str) -> Result<Vec<Piece<'t>>, DocError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let pieces = match first_byte(text) {
        Some(b'{') => match Probe::deserialize(&mut de) {
            Ok(probe) => {
                de.end().map_err(|_| DocError::Trailing)?;
                match probe.container() {
                    Some((key, array)) => {
                        let elements: Vec<&'t RawValue> =
                            serde_json::from_str(array.get()).map_err(DocError::Json)?;
                        elements
                            .into_iter()
                            .enumerate()
                            .map(|(i, el)| element(el, format!("{pointer}/{key}/{i}")))
                            .collect()
                    }
                    None => vec![Piece::Record {
                        pointer: pointer.to_owned(),
                        text,
                        probe: Some(probe),
                    }],
                }
            }
            // Valid JSON that the probe cannot read (a duplicate key): the mapping will
            // reject it with a located error.
            Err(e) if e.is_data() => {
                serde_json::from_str::<&RawValue>(text).map_err(classify)?;
                vec![Piece::Record {
                    pointer: pointer.to_owned(),
                    text,
                    probe: None,
                }]
            }
            Err(e) => return Err(classify(e)),
        },
        Some(b'[') => {
            let elements = Vec::<&'t RawValue>::deserialize(&mut de).map_err(classify)?;
            de.end().map_err(|_| DocError::Trailing)?;
            elements
                .into_iter()
                .enumerate()
                .map(|(i, el)| element(el, format!("{pointer}/{i}")))
                .collect()
        }
        _ => {
            let raw = <&'t RawValue>::deserialize(&mut de).map_err(classify)?;
            de.end().map_err(|_| DocError::Trailing)?;
            vec![element(raw, pointer.to_owned())]
        }
    };
    Ok(pieces)
}

/// One element of a container: a record, a message body string, or neither.
fn element<'t>(raw: &'t RawValue, pointer: String) -> Piece<'t> {
    let text = raw.get();
    match first_byte(text) {
        Some(b'{') => Piece::Record {
            pointer,
            text,
            probe: None,
        },
        Some(b'"') => match serde_json::from_str::<String>(text) {
            Ok(body) => Piece::Body { pointer, body },
            Err(e) => Piece::Bad {
                error: Error::internal(e.to_string()).with_pointer(pointer.clone()),
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

#[derive(Default)]
struct Items<'a>(Vec<Item<'a>>);

impl<'a> Items<'a> {
    fn extend(&mut self, pieces: Vec<Piece<'a>>, line: Option<u32>) {
        for piece in pieces {
            match piece {
                Piece::Record {
                    pointer,
                    text,
                    probe,
                } => self.record(Cow::Borrowed(text), probe, pointer, line),
                Piece::Bad { pointer, error } => self.bad(pointer, line, error),
                Piece::Body { pointer, body } => self.body(&body, pointer, line),
            }
        }
    }

    /// A message body decoded from a JSON string: a record or a container of records.
    /// Its records are owned copies; bodies are small and this keeps lifetimes simple.
    fn body(&mut self, body: &str, pointer: String, line: Option<u32>) {
        match pieces(body, &pointer) {
            Ok(inner) => {
                for piece in inner {
                    match piece {
                        Piece::Record { pointer, text, .. } => {
                            self.record(Cow::Owned(text.to_owned()), None, pointer, line)
                        }
                        Piece::Body { pointer, .. } => {
                            let e = not_a_record("a string inside a message body", &pointer);
                            self.bad(pointer, line, e)
                        }
                        Piece::Bad { pointer, error } => self.bad(pointer, line, error),
                    }
                }
            }
            Err(e) => {
                let message = match e {
                    DocError::Trailing => "message body holds more than one JSON value".into(),
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
    }

    fn ndjson(&mut self, text: &'a str) {
        self.0.clear();
        for (n, raw_line) in text.split('\n').enumerate() {
            let line_no = u32_of(n + 1);
            let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);
            if first_byte(line).is_none() {
                continue;
            }
            match pieces(line, "") {
                Ok(pieces) => self.extend(pieces, Some(line_no)),
                Err(e) => {
                    let error = match e {
                        DocError::Trailing => Error::new(
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
                    self.bad(String::new(), Some(line_no), error);
                }
            }
        }
    }

    fn record(
        &mut self,
        text: Cow<'a, str>,
        probe: Option<Probe<'a>>,
        pointer: String,
        line: Option<u32>,
    ) {
        let index = self.next_index();
        self.0.push(Item::Record(Record {
            index,
            pointer,
            line,
            text,
            probe,
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
        DocError::Trailing
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

    fn shape(text: &str) -> Vec<String> {
        split(text, &Limits::default())
            .unwrap()
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
            .collect()
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
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert_eq!(
            split(&deep, &l).unwrap_err().code(),
            ErrorCode::LimitExceeded
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
