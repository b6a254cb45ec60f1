//! What a provider's mapping sees of the call while it maps one record: typed parsing with
//! located errors, warnings, the unmapped-path report and normalization helpers.

use serde::Deserialize;

use crate::error::{Error, ErrorCode};
use crate::json;
use crate::options::Options;
use crate::output::{Warning, WarningCode};
use crate::payload::Record;
use crate::time::{self, Conversion};
use crate::value::{Num, Time};

/// The mapping context of one record.
pub(crate) struct Cx<'r> {
    pub options: &'r Options,
    /// `options.now`, normalized.
    pub now: Option<&'r str>,
    payload: &'r str,
    record: &'r Record<'r>,
    warnings: Vec<Warning>,
    unmapped: Option<Vec<String>>,
    original: Option<Option<String>>,
}

impl<'r> Cx<'r> {
    pub(crate) fn new(
        options: &'r Options,
        now: Option<&'r str>,
        payload: &'r str,
        record: &'r Record<'r>,
    ) -> Cx<'r> {
        Cx {
            options,
            now,
            payload,
            record,
            warnings: Vec::new(),
            unmapped: options.report_unmapped.then(Vec::new),
            original: None,
        }
    }

    /// The record's JSON text.
    pub(crate) fn text(&self) -> &'r str {
        &self.record.text
    }

    /// Deserializes `json` (the record's text or a part of it found at `at`, a pointer
    /// relative to the record) into `T`. Fields of the input that `T` does not read go to
    /// the unmapped report; a failure becomes a located [`Error`].
    pub(crate) fn parse<'j, T: Deserialize<'j>>(
        &mut self,
        json: &'j str,
        at: &str,
    ) -> Result<T, Error> {
        self.parse_tracked(json, at, true)
    }

    /// Like [`Cx::parse`], but what `T` leaves unread is not reported: for reads that only
    /// classify a record (its probe), before the mapping proper reads it.
    pub(crate) fn parse_untracked<'j, T: Deserialize<'j>>(
        &mut self,
        json: &'j str,
        at: &str,
    ) -> Result<T, Error> {
        self.parse_tracked(json, at, false)
    }

    fn parse_tracked<'j, T: Deserialize<'j>>(
        &mut self,
        json: &'j str,
        at: &str,
        track: bool,
    ) -> Result<T, Error> {
        let unmapped = if track { self.unmapped.as_mut() } else { None };
        let parsed = match unmapped {
            None => serde_json::from_str(json),
            Some(unmapped) => {
                let mut de = serde_json::Deserializer::from_str(json);
                serde_ignored::deserialize(&mut de, |path| {
                    let mut p = String::from(at);
                    ignored_pointer(&path, &mut p);
                    unmapped.push(p);
                })
                .and_then(|v| de.end().map(|()| v))
            }
        };
        parsed.map_err(|_| self.locate::<T>(json, at))
    }

    /// Re-runs a failed parse with path tracking to say where it failed. Errors are rare,
    /// so the hot path never pays for tracking.
    #[cold]
    fn locate<'j, T: Deserialize<'j>>(&self, json: &'j str, at: &str) -> Error {
        let mut de = serde_json::Deserializer::from_str(json);
        let err = match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Ok(_) => return Error::internal("a parse failed only once; please report it"),
            Err(e) => e,
        };
        let mut pointer = String::from(at);
        for segment in err.path().iter() {
            match segment {
                serde_path_to_error::Segment::Seq { index } => {
                    pointer.push('/');
                    pointer.push_str(&index.to_string());
                }
                serde_path_to_error::Segment::Map { key } => {
                    pointer.push('/');
                    pointer.push_str(&json::escape_token(key));
                }
                _ => {}
            }
        }
        let inner = err.into_inner();
        let message = json::bare_message(&inner);
        let code = match field_in(&message, "missing field `") {
            Some(field) => {
                pointer.push('/');
                pointer.push_str(&json::escape_token(field));
                ErrorCode::MissingField
            }
            None => {
                if let Some(field) = field_in(&message, "duplicate field `") {
                    pointer.push('/');
                    pointer.push_str(&json::escape_token(field));
                }
                ErrorCode::InvalidValue
            }
        };
        let error =
            Error::new(code, message).with_pointer(format!("{}{pointer}", self.record.pointer));
        self.position(json, &inner, error)
    }

    fn position(&self, json: &str, inner: &serde_json::Error, error: Error) -> Error {
        match json::offset_in(self.payload, json) {
            Some(start) if inner.line() > 0 => {
                let (l0, c0) = json::position(self.payload, start);
                let line = l0 + inner.line() as u32 - 1;
                let column = if inner.line() == 1 {
                    c0 + inner.column() as u32 - 1
                } else {
                    inner.column() as u32
                };
                error.with_position(line, column)
            }
            _ => error,
        }
    }

    /// A record-level error at `at` (relative to the record).
    #[cold]
    pub(crate) fn error(&self, code: ErrorCode, message: impl Into<String>, at: &str) -> Error {
        Error::new(code, message).with_pointer(format!("{}{at}", self.record.pointer))
    }

    /// Raises a warning about the value at `at` (relative to the record).
    pub(crate) fn warn(&mut self, code: WarningCode, message: impl Into<String>, at: &str) {
        self.warnings.push(Warning {
            record: self.record.index,
            code,
            message: message.into(),
            pointer: format!("{}{at}", self.record.pointer),
        });
    }

    /// A number, warning when it arrived as a string.
    pub(crate) fn num(&mut self, n: Num, at: &str) -> f64 {
        if n.from_string {
            self.warn(
                WarningCode::ValueCoerced,
                format!("number {} arrived as a string", n.value),
                at,
            );
        }
        n.value
    }

    /// A timestamp normalized to RFC 3339 UTC; `None` (with a warning) when unreadable.
    pub(crate) fn time(&mut self, t: &Time, at: &str) -> Option<String> {
        let normalized = match t {
            Time::Text(s) => time::normalize_text(s),
            Time::Epoch(n) => time::normalize_epoch(*n)
                .map(|(ts, unit)| (ts, Conversion::Converted(unit.epoch_unit()))),
        };
        match normalized {
            Some((ts, Conversion::None)) => Some(ts),
            Some((ts, Conversion::Converted(how))) => {
                self.warn(
                    WarningCode::TimestampNormalized,
                    format!("timestamp `{t}` converted to {ts} ({how})"),
                    at,
                );
                Some(ts)
            }
            None => {
                self.warn(
                    WarningCode::TimestampInvalid,
                    format!("`{t}` is not a timestamp; left out"),
                    at,
                );
                None
            }
        }
    }

    /// The first readable timestamp of `candidates` (value, pointer), for a required time.
    pub(crate) fn required_time(
        &mut self,
        candidates: &[(Option<&Time>, &str)],
    ) -> Result<String, Error> {
        for (t, at) in candidates {
            if let Some(t) = t
                && let Some(ts) = self.time(t, at)
            {
                return Ok(ts);
            }
        }
        let names: Vec<&str> = candidates.iter().map(|(_, at)| *at).collect();
        let first = names.first().copied().unwrap_or("");
        Err(self.error(
            ErrorCode::MissingField,
            format!("no readable finding time; looked at {}", names.join(", ")),
            first,
        ))
    }

    /// The record as compact JSON for `event.original_content`, computed once per record;
    /// `None` when the option is off.
    pub(crate) fn original_content(&mut self) -> Option<String> {
        if let Some(cached) = &self.original {
            return cached.clone();
        }
        let value = self.options.original_content.then(|| {
            let mut out = String::new();
            json::minify_into(self.text(), &mut out);
            if let Some(max) = self.options.original_content_max_bytes {
                let max = max as usize;
                if out.len() > max {
                    let len = out.len();
                    let mut end = max;
                    while !out.is_char_boundary(end) {
                        end -= 1;
                    }
                    out.truncate(end);
                    self.warn(
                        WarningCode::OriginalContentTruncated,
                        format!("event.original_content cut from {len} to {end} bytes"),
                        "",
                    );
                }
            }
            out
        });
        self.original = Some(value.clone());
        value
    }

    /// Ends the record: its warnings and unmapped paths (sorted, without duplicates; only
    /// for mapped records, since skipped ones were not mapped at all).
    pub(crate) fn finish(self, mapped: bool) -> (Vec<Warning>, Vec<String>) {
        let mut unmapped = if mapped {
            self.unmapped.unwrap_or_default()
        } else {
            Vec::new()
        };
        unmapped.sort();
        unmapped.dedup();
        (self.warnings, unmapped)
    }
}

/// The text between `prefix` and the next backtick, if `message` starts with `prefix`.
fn field_in<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    message.strip_prefix(prefix)?.split('`').next()
}

/// Appends the JSON pointer of an ignored path, array positions as `*`.
fn ignored_pointer(path: &serde_ignored::Path<'_>, out: &mut String) {
    use serde_ignored::Path;
    match path {
        Path::Root => {}
        Path::Seq { parent, .. } => {
            ignored_pointer(parent, out);
            out.push_str("/*");
        }
        Path::Map { parent, key } => {
            ignored_pointer(parent, out);
            out.push('/');
            out.push_str(&json::escape_token(key));
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => ignored_pointer(parent, out),
    }
}
