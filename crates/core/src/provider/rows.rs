//! Mapping-table rows that read the same in every provider's table, written once so the
//! tables cannot drift apart on what secmap itself does (design §3). A provider whose row
//! says more (its own evidence, its own wording) keeps its own row.

use super::{FieldRule, rule};

/// `timestamp`: secmap sets it only from the host's `now`.
pub(crate) const TIMESTAMP: FieldRule = rule(
    "timestamp",
    "options.now",
    "only when the host passes `now`; else Dynatrace's ingest time",
);

/// `event.kind`: every secmap event is a security event.
pub(crate) const EVENT_KIND: FieldRule = rule("event.kind", "constant", "`SECURITY_EVENT`");

/// `secmap.mapping.version`.
pub(crate) const MAPPING_VERSION: FieldRule = rule(
    "secmap.mapping.version",
    "constant",
    "the mapping version that produced the event",
);
