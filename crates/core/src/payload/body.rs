//! Phase two of splitting: the pieces of phase one become records with their indexes,
//! and each Event Hubs message body (a JSON string decoded in phase one) is read as a
//! record or a container of records.

use serde_json_borrow::Value;

use super::document::{DocError, Piece, not_a_record, pieces};
use super::{BadRecord, Item, Record, u32_of};
use crate::error::{Error, ErrorCode};
use crate::json;

/// The records made so far; a record's index is its place here.
pub(super) struct Items<'a>(pub(super) Vec<Item<'a>>);

/// A message body over the budget of records.
pub(super) struct TooMany;

impl<'a> Items<'a> {
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
