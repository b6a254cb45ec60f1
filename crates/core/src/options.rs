//! Options for [`transform`](crate::transform), passed by value with documented defaults.

use serde::{Deserialize, Serialize};

use crate::codes::documented_fields;
use crate::error::{Error, ErrorCode};
use crate::time;

documented_fields! {
    /// How [`transform`](crate::transform) maps a payload.
    ///
    /// Build with [`Options::new`] and the setters; every field has a safe default:
    /// - `original_content`: `true`, each finding event carries the vendor record as compact
    ///   JSON in `event.original_content`;
    /// - `original_content_max_bytes`: `None`, no cap (when set, longer content is cut at a
    ///   character boundary and a warning is raised);
    /// - `report_unmapped`: `false`, the source paths no mapping read are not collected
    ///   (turn it on in previews and checks; it costs time on the hot path);
    /// - `skip_sample_findings`: `false`, provider sample findings are mapped and marked;
    /// - `now`: `None`, events carry no `timestamp` and Dynatrace uses the ingest time;
    /// - `limits`: see [`Limits`].
    ///
    /// The same options serialize to JSON in camelCase (`{"originalContent": false}`), which is
    /// how the JS bindings and the golden test sidecars pass them.
    ///
    /// # Example
    /// ```
    /// let options = secmap_core::Options::new()
    ///     .original_content(false)
    ///     .report_unmapped(true)
    ///     .now("2026-11-22T10:00:00Z");
    /// assert_eq!(options.now.as_deref(), Some("2026-11-22T10:00:00Z"));
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, rename_all = "camelCase", deny_unknown_fields)]
    pub struct Options {
        /// Put the vendor record into `event.original_content`.
        pub original_content: bool,
        /// Cap `event.original_content` at this many bytes.
        pub original_content_max_bytes: Option<u32>,
        /// Collect, per record, the source paths that no mapping read.
        pub report_unmapped: bool,
        /// Skip provider sample findings (GuardDuty `service.additionalInfo.sample`) instead of
        /// mapping and marking them.
        pub skip_sample_findings: bool,
        /// The host's current time (RFC 3339). When set, every event gets `timestamp` = `now`.
        pub now: Option<String>,
        /// Resource limits; exceeding one is a typed error that names it.
        pub limits: Limits,
    }
}

/// The default `maxOutputBytes`: 640 MiB, above the output of every payload the other
/// limits allow that does not fan out long strings (250,000 container events: 573 MB),
/// and within what the component's default memory (`secmap_host::memory_bytes_for`, 925
/// MiB) holds with room: the guest needs the JSON plus ~150 MiB (docs/robustness.md).
pub const DEFAULT_MAX_OUTPUT_BYTES: u64 = 640 << 20;

/// The smallest `maxStringBytes`: the longest timestamp secmap writes is 30 bytes, an
/// event id 36.
pub const MIN_STRING_BYTES: u32 = 64;

documented_fields! {
    /// Limits on what one call may consume. Exceeding a payload-level limit fails the call with
    /// [`ErrorCode::LimitExceeded`]; string lengths are capped with a warning instead.
    ///
    /// Defaults:
    /// - `max_payload_bytes`: 64 MiB;
    /// - `max_records`: 100,000 records per call;
    /// - `max_depth`: 64 levels of JSON nesting;
    /// - `max_string_bytes`: 32 KiB for any one string copied into an event (not counting
    ///   `event.original_content`, which has its own cap); at least 64, so that no timestamp
    ///   or identifier secmap writes is ever cut;
    /// - `max_events`: 250,000 events per call;
    /// - `max_output_bytes`: 640 MiB of events per call, counted as their JSON (what a host
    ///   sends), as records are mapped.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default, rename_all = "camelCase", deny_unknown_fields)]
    pub struct Limits {
        /// Largest payload accepted, in bytes.
        pub max_payload_bytes: u64,
        /// Most records accepted in one payload.
        pub max_records: u32,
        /// Deepest JSON nesting accepted (arrays and objects).
        pub max_depth: u32,
        /// Longest string copied into an event, in bytes (at least 64); longer ones are cut
        /// with a warning.
        pub max_string_bytes: u32,
        /// Most events one call may produce.
        pub max_events: u32,
        /// Most bytes of events one call may produce, counted as their compact JSON.
        pub max_output_bytes: u64,
    }
}

impl Default for Options {
    fn default() -> Options {
        Options {
            original_content: true,
            original_content_max_bytes: None,
            report_unmapped: false,
            skip_sample_findings: false,
            now: None,
            limits: Limits::default(),
        }
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_payload_bytes: 64 * 1024 * 1024,
            max_records: 100_000,
            max_depth: 64,
            max_string_bytes: 32 * 1024,
            max_events: 250_000,
            max_output_bytes: DEFAULT_MAX_OUTPUT_BYTES,
        }
    }
}

impl Options {
    /// The default options (see the type's documentation).
    pub fn new() -> Options {
        Options::default()
    }

    /// Whether to include `event.original_content`.
    #[must_use]
    pub fn original_content(mut self, yes: bool) -> Options {
        self.original_content = yes;
        self
    }

    /// Caps `event.original_content` at `max_bytes`.
    #[must_use]
    pub fn original_content_max_bytes(mut self, max_bytes: u32) -> Options {
        self.original_content_max_bytes = Some(max_bytes);
        self
    }

    /// Whether to collect the source paths no mapping read.
    #[must_use]
    pub fn report_unmapped(mut self, yes: bool) -> Options {
        self.report_unmapped = yes;
        self
    }

    /// Whether to skip provider sample findings.
    #[must_use]
    pub fn skip_sample_findings(mut self, yes: bool) -> Options {
        self.skip_sample_findings = yes;
        self
    }

    /// Sets the host's current time (RFC 3339), stamped as `timestamp` on every event.
    #[must_use]
    pub fn now(mut self, now: impl Into<String>) -> Options {
        self.now = Some(now.into());
        self
    }

    /// Replaces the limits.
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> Options {
        self.limits = limits;
        self
    }

    /// Checks the options and returns `now` normalized to RFC 3339 UTC.
    pub(crate) fn validate(&self) -> Result<Option<String>, Error> {
        let l = &self.limits;
        if l.max_payload_bytes == 0
            || l.max_records == 0
            || l.max_depth == 0
            || l.max_events == 0
            || l.max_output_bytes == 0
            || l.max_string_bytes < MIN_STRING_BYTES
        {
            return Err(Error::new(
                ErrorCode::InvalidOptions,
                format!(
                    "limits must be positive (and `maxStringBytes` at least {MIN_STRING_BYTES})"
                ),
            ));
        }
        match &self.now {
            None => Ok(None),
            Some(now) => match time::parse_rfc3339(now) {
                Some(ts) => Ok(Some(ts)),
                None => Err(Error::new(
                    ErrorCode::InvalidOptions,
                    format!("option `now` is not an RFC 3339 timestamp: `{now}`"),
                )),
            },
        }
    }
}

impl Limits {
    /// The default limits.
    pub fn new() -> Limits {
        Limits::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_form_is_camel_case_and_rejects_unknown_keys() {
        let o: Options =
            serde_json::from_str(r#"{"originalContent":false,"limits":{"maxRecords":5}}"#).unwrap();
        assert!(!o.original_content);
        assert_eq!(o.limits.max_records, 5);
        assert_eq!(o.limits.max_depth, 64);
        assert!(serde_json::from_str::<Options>(r#"{"original_content":false}"#).is_err());
    }

    #[test]
    fn validate_normalizes_now_and_rejects_garbage() {
        let o = Options::new().now("2026-11-22T11:00:00+01:00");
        assert_eq!(
            o.validate().unwrap().as_deref(),
            Some("2026-11-22T10:00:00Z")
        );
        let e = Options::new().now("yesterday").validate().unwrap_err();
        assert_eq!(e.code(), ErrorCode::InvalidOptions);
        let mut bad = Options::new();
        bad.limits.max_records = 0;
        assert_eq!(
            bad.validate().unwrap_err().code(),
            ErrorCode::InvalidOptions
        );
    }
}
