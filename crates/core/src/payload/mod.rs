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
//!
//! [`split`] is the one way in: [`transform`](crate::transform) maps what it hands over,
//! and [`split_records`](crate::split_records) shows the same records to the bench, the
//! fuzz targets and the tests.

mod body;
mod document;
mod ndjson;
mod records;
#[cfg(test)]
mod tests;

pub use records::{InputRecord, split_records};

use serde_json_borrow::Value;

use crate::error::{Error, ErrorCode};
use crate::json;
use crate::options::Limits;

use body::Items;
use document::{DocError, Piece, pieces};
use ndjson::{first_line_is_a_value, ndjson_with_bad_first_line};

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

/// Splits the payload bytes into records under `limits` and hands them, with the payload
/// as text, to `f`. Fails only when the payload fails as a whole: over `maxPayloadBytes`,
/// not UTF-8, empty, not JSON, or over `maxRecords`. The records borrow the payload and the
/// decoded Event Hubs message bodies, which live only for this call: hence the callback.
///
/// The records come one at a time ([`Resolve`]), so that a message body's record can be
/// handed on parsed without every body's parsed record being held at once. A payload over
/// `maxRecords` inside its message bodies shows as an `Err` item where the count passes the
/// limit; `f` must fail with it.
pub(crate) fn split<R>(
    payload: &[u8],
    limits: &Limits,
    f: impl for<'a> FnOnce(&'a str, Resolve<'a>) -> R,
) -> Result<R, Error> {
    if payload.len() as u64 > limits.max_payload_bytes {
        return Err(Error::limit(
            "maxPayloadBytes",
            usize::try_from(limits.max_payload_bytes).unwrap_or(usize::MAX),
            "bytes",
        ));
    }
    let text = decode_utf8(payload)?;
    let mut scanned = scan(text, limits)?;
    let bodies = scanned.take_bodies();
    let items = Resolve::new(scanned, &bodies, limits);
    Ok(f(text, items))
}

fn decode_utf8(payload: &[u8]) -> Result<&str, Error> {
    std::str::from_utf8(payload).map_err(|e| {
        let valid = e.valid_up_to();
        // The valid prefix is text; count lines and columns in it.
        let prefix = std::str::from_utf8(&payload[..valid]).unwrap_or("");
        let (line, column) = json::position(prefix, valid);
        Error::new(
            ErrorCode::InvalidUtf8,
            format!("the payload is not UTF-8: invalid byte at offset {valid}"),
        )
        .with_position(line, column)
    })
}

/// Phase one: the payload's structure. Fails only when the payload fails as a whole.
fn scan<'a>(text: &'a str, limits: &Limits) -> Result<Scanned<'a>, Error> {
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
/// checked as records are made, so that a payload over `maxRecords` fails before more
/// records are made. Records are made as they are asked for: a message body's record is
/// parsed here and handed on parsed, and only one body's records live at a time.
pub(crate) struct Resolve<'a> {
    pending: std::vec::IntoIter<Pending<'a>>,
    bodies: &'a [String],
    items: Items<'a>,
    max: usize,
    failed: bool,
}

impl<'a> Resolve<'a> {
    fn new(scanned: Scanned<'a>, bodies: &'a [String], limits: &Limits) -> Self {
        Resolve {
            pending: scanned.pending.into_iter(),
            bodies,
            items: Items::new(),
            max: limits.max_records as usize,
            failed: false,
        }
    }

    /// How many records at least: every piece of phase one is one record or more.
    pub(crate) fn len_hint(&self) -> usize {
        self.pending.len().min(self.max)
    }

    fn too_many(&self) -> Error {
        Error::limit("maxRecords", self.max, "records")
    }
}

impl<'a> Iterator for Resolve<'a> {
    type Item = Result<Item<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        loop {
            if let Some(item) = self.items.pop() {
                return Some(Ok(item));
            }
            let p = self.pending.next()?;
            match p {
                Pending::Piece(piece, line) => self.items.piece(piece, line),
                Pending::Body(i, pointer, line) => {
                    let budget = self.max.saturating_sub(self.items.count);
                    if self
                        .items
                        .body(&self.bodies[i], pointer, line, budget)
                        .is_err()
                    {
                        self.failed = true;
                        return Some(Err(self.too_many()));
                    }
                }
            }
            if self.items.count > self.max {
                self.failed = true;
                return Some(Err(self.too_many()));
            }
        }
    }
}

/// Phase two at once (the tests).
#[cfg(test)]
fn resolve<'a>(
    pending: Scanned<'a>,
    bodies: &'a [String],
    limits: &Limits,
) -> Result<Vec<Item<'a>>, Error> {
    Resolve::new(pending, bodies, limits).collect()
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
}

/// The first byte that is not JSON whitespace: what kind of value a text holds.
fn first_byte(text: &str) -> Option<u8> {
    text.bytes().find(|b| !b.is_ascii_whitespace())
}

fn u32_of(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
