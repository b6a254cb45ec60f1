//! Phase two of splitting: the pieces of phase one become records with their indexes,
//! and each Event Hubs message body (a JSON string decoded in phase one) is read as a
//! record or a container of records.

use serde_json_borrow::Value;

use serde::Deserialize as _;

use super::document::{CONTAINER_KEYS, DocError, Piece, is_container, not_a_record, pieces};
use super::first_byte;
use super::{BadRecord, Item, Record, u32_of};
use crate::error::{Error, ErrorCode};
use crate::json;

/// The records of one piece of phase one, made and not yet handed on; `count` counts
/// every record made so far, and a record's index is its place in that count.
pub(super) struct Items<'a> {
    made: std::collections::VecDeque<Item<'a>>,
    pub(super) count: usize,
}

/// A message body over the budget of records.
pub(super) struct TooMany;

impl<'a> Items<'a> {
    pub(super) fn new() -> Self {
        Items {
            made: std::collections::VecDeque::new(),
            count: 0,
        }
    }

    /// The next record made, in order.
    pub(super) fn pop(&mut self) -> Option<Item<'a>> {
        self.made.pop_front()
    }

    pub(super) fn piece(&mut self, piece: Piece<'a>, line: Option<u32>) {
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
    pub(super) fn body(
        &mut self,
        body: &'a str,
        pointer: String,
        line: Option<u32>,
        budget: usize,
    ) -> Result<(), TooMany> {
        if budget > 0
            && let Some(dom) = parsed_record(body)
        {
            self.record(body, Some(dom), pointer, line);
            return Ok(());
        }
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
        self.push(Item::Record(Record {
            index,
            pointer,
            line,
            text,
            dom,
        }));
    }

    fn bad(&mut self, pointer: String, line: Option<u32>, error: Error) {
        let index = self.next_index();
        self.push(Item::Bad(BadRecord {
            index,
            pointer,
            line,
            error,
        }));
    }

    fn push(&mut self, item: Item<'a>) {
        self.count += 1;
        self.made.push_back(item);
    }

    fn next_index(&self) -> u32 {
        u32_of(self.count)
    }
}

/// A message body that is one record, parsed: read once, and handed on parsed so that the
/// mapping does not read it again. `None` for anything else (a container, a REST example,
/// text that is not one JSON object, an object naming a container key twice), which
/// [`pieces`] reads as before, with its errors. Only for what `pieces` would take as one
/// record with no error: the container rule is [`is_container`]'s, and `pieces` reads the
/// container keys with a derived reader that fails on a key given twice.
fn parsed_record(body: &str) -> Option<Value<'_>> {
    if first_byte(body) != Some(b'{') || container_first(body) {
        return None;
    }
    let mut de = serde_json::Deserializer::from_str(body);
    let dom = Value::deserialize(&mut de).ok()?;
    de.end().ok()?;
    let o = dom.as_object()?;
    let mut seen = 0u16;
    for (key, _) in o.iter() {
        if let Some(i) = CONTAINER_KEYS.iter().position(|k| *k == key) {
            if seen & (1 << i) != 0 {
                return None;
            }
            seen |= 1 << i;
        }
    }
    // Both example keys: a REST API example, read for its response body.
    let example = (1 << CONTAINER_KEYS.len()) - (1 << (CONTAINER_KEYS.len() - 2));
    if seen & example == example || is_container(&dom) {
        return None;
    }
    Some(dom)
}

/// Whether the object's first key is a container's or an example's (`{"records": [...`,
/// as Azure Monitor sends them): such a body is no single record, and parsing it whole
/// first would be wasted. Only a shortcut: what it misses, [`parsed_record`] finds.
fn container_first(body: &str) -> bool {
    let rest = body.trim_start_matches([' ', '\t', '\n', '\r']);
    let Some(rest) = rest.strip_prefix('{') else {
        return false;
    };
    let rest = rest.trim_start_matches([' ', '\t', '\n', '\r']);
    let Some(key) = rest.strip_prefix('"') else {
        return false;
    };
    key.split_once('"').is_some_and(|(key, _)| {
        matches!(
            key,
            "records" | "findings" | "Findings" | "value" | "data" | "parameters" | "responses"
        )
    })
}
