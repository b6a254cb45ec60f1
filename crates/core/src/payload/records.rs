//! The records of a payload as [`transform`](crate::transform) splits them, for code that
//! needs the records without the mapping: the bench (its inputs are corpus records), the
//! fuzz targets and the property tests (their seeds). One splitter, so none of them keeps
//! its own list of container keys that drifts from the core's.

use std::borrow::Cow;
use std::ops::Range;

use super::{Item, split};
use crate::error::Error;
use crate::json;
use crate::options::Limits;

/// One record of a payload: where it is, and its JSON text or why it is no record.
///
/// The index, pointer and line are those of the record's
/// [`RecordOutcome`](crate::RecordOutcome) in the output of [`transform`](crate::transform)
/// for the same payload and limits.
#[derive(Debug, Clone, PartialEq)]
pub struct InputRecord<'a> {
    /// 0-based position of the record in the payload, counting every record.
    pub index: u32,
    /// JSON pointer to the record in the payload (`""` for a single-record payload,
    /// `/3`, `/records/0`, `/0/findings/1` inside an Event Hubs message body, ...);
    /// relative to its line for NDJSON.
    pub pointer: String,
    /// 1-based line of the record for NDJSON payloads.
    pub line: Option<u32>,
    /// The record's JSON text (an object, without surrounding whitespace), or the error
    /// `transform` rejects it with (an element that is no object, a message body or an
    /// NDJSON line that is not JSON).
    pub json: Result<Cow<'a, str>, Error>,
    /// Where `json` is in the payload, in bytes. `None` for a record read from an Event
    /// Hubs message body (a JSON string: its text is the decoded copy) and for a rejected
    /// record.
    pub span: Option<Range<usize>>,
}

/// Splits a payload into its records exactly as [`transform`](crate::transform) does
/// (the same code: `transform` maps what this splitter yields), without mapping them.
///
/// Accepts every shape `transform` accepts (see its docs) and fails, with the same error,
/// exactly when `transform` fails for the payload as a whole under the same `limits`:
/// over `maxPayloadBytes` or `maxRecords`, not UTF-8, empty, not JSON, nested beyond
/// `maxDepth`. A bad element inside a readable payload is one record whose `json` is the
/// error.
///
/// ```
/// use secmap_core::{Limits, split_records};
///
/// let payload = br#"{"records": [{"id": "a"}, 5, "{\"id\": \"b\"}"]}"#;
/// let records = split_records(payload, &Limits::default())?;
/// assert_eq!(records.len(), 3);
/// assert_eq!(records[0].pointer, "/records/0");
/// assert_eq!(records[0].json.as_deref().ok(), Some(r#"{"id": "a"}"#));
/// assert_eq!(records[0].span, Some(13..24));
/// assert!(records[1].json.is_err()); // a number is no record
/// assert_eq!(records[2].json.as_deref().ok(), Some(r#"{"id": "b"}"#)); // a message body
/// assert_eq!(records[2].span, None);
/// # Ok::<(), secmap_core::Error>(())
/// ```
pub fn split_records<'a>(
    payload: &'a [u8],
    limits: &Limits,
) -> Result<Vec<InputRecord<'a>>, Error> {
    split(payload, limits, |text, items| {
        items
            .map(|item| {
                item.map(|item| match item {
                    Item::Record(r) => {
                        let record = r
                            .text
                            .trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
                        // A slice of the payload is borrowed as it is; a decoded message body
                        // lives only for this call and is copied.
                        let span = json::offset_in(text, record).map(|at| at..at + record.len());
                        let json = match span.clone().map(|s| std::str::from_utf8(&payload[s])) {
                            Some(Ok(borrowed)) => Cow::Borrowed(borrowed),
                            _ => Cow::Owned(record.to_owned()),
                        };
                        InputRecord {
                            index: r.index,
                            pointer: r.pointer,
                            line: r.line,
                            json: Ok(json),
                            span,
                        }
                    }
                    Item::Bad(b) => InputRecord {
                        index: b.index,
                        pointer: b.pointer,
                        line: b.line,
                        json: Err(b.error),
                        span: None,
                    },
                })
            })
            .collect()
    })?
}
