//! NDJSON: one JSON document per line, each line read on its own so that a broken line
//! is one rejected record and the others are still mapped.

use serde_json::value::RawValue;

use super::document::{DocError, Piece, pieces};
use super::{Pending, Scanned, first_byte, u32_of};
use crate::error::{Error, ErrorCode};
use crate::json;

impl<'a> Scanned<'a> {
    /// The payload as NDJSON. Fails only when it holds more than `max` records.
    pub(super) fn ndjson(&mut self, text: &'a str, max: usize) -> Result<(), Error> {
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

/// Whether the first non-blank line is a whole JSON value: NDJSON starts so, a
/// pretty-printed document does not.
pub(super) fn first_line_is_a_value(text: &str) -> bool {
    text.lines()
        .find(|l| first_byte(l).is_some())
        .is_some_and(|l| serde_json::from_str::<&RawValue>(l.trim()).is_ok())
}

/// NDJSON whose first line is broken: as a single document it fails on line 1, but the
/// next non-blank line is a complete object on its own. Pretty-printed JSON never has one.
pub(super) fn ndjson_with_bad_first_line(text: &str) -> bool {
    let mut lines = text.lines().filter(|l| first_byte(l).is_some());
    let (Some(_), Some(second)) = (lines.next(), lines.next()) else {
        return false;
    };
    let second = second.trim();
    second.starts_with('{') && serde_json::from_str::<&RawValue>(second).is_ok()
}
