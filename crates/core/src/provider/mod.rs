//! The providers, behind one registry. A new provider is one folder here and one line in
//! [`REGISTRY`].

use serde_json_borrow::Value;

use crate::cx::Cx;
use crate::error::{Error, ErrorCode};
use crate::event::{Event, EventType, Producer};
use crate::output::SkipReason;
use crate::severity::SeverityTable;

pub(crate) mod defender;
mod defender_alerts;
mod example;
pub(crate) mod guardduty;
pub(crate) mod inspector;
#[cfg(feature = "docs")]
mod rows;
pub(crate) mod security_hub;

/// Every provider, in the order `auto` asks them. Defender alerts come before
/// `defender-for-cloud`, which also claims alerts (to skip them with a pointer here).
static REGISTRY: &[&dyn Provider] = &[
    &defender_alerts::DefenderAlerts,
    &defender::DefenderForCloud,
    &guardduty::GuardDuty,
    &inspector::Inspector,
    &security_hub::SecurityHub,
];

/// What a provider declares about itself: the same data drives the docs, the tests, the
/// WIT `providers` function and the demo's example list.
#[derive(Debug)]
pub struct ProviderInfo {
    /// The id passed to [`transform`](crate::transform), e.g. `guardduty`.
    pub id: &'static str,
    /// Product name, as `event.provider` and `product.name` carry it.
    pub name: &'static str,
    /// Vendor, as `product.vendor` carries it.
    pub vendor: &'static str,
    /// One paragraph on what is mapped.
    pub summary: &'static str,
    /// The event types it emits.
    pub event_types: &'static [EventType],
    /// Its severity rules.
    pub severity: &'static SeverityTable,
    /// Target field ← source path, rule: the mapping table in the docs (feature `docs`).
    #[cfg(feature = "docs")]
    pub fields: &'static [FieldRule],
    /// Bundled example payloads (real, permissively licensed, or written for the docs).
    pub examples: &'static [Example],
}

/// One row of a provider's mapping table.
#[cfg(feature = "docs")]
#[derive(Debug, Clone, Copy)]
pub struct FieldRule {
    /// The Dynatrace field.
    pub target: &'static str,
    /// Where it comes from (JSON pointers into the record; `|` separates fallbacks).
    pub source: &'static str,
    /// How, in a few words.
    pub rule: &'static str,
}

/// A bundled example payload.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// A short file-name-like id.
    pub name: &'static str,
    /// What it shows.
    pub title: &'static str,
    /// The payload as a host would receive it, without the whitespace between tokens
    /// of the file it comes from (the JSON values are unchanged).
    pub payload: &'static str,
}

/// Shorthand for a mapping-table row.
#[cfg(feature = "docs")]
pub(crate) const fn rule(
    target: &'static str,
    source: &'static str,
    rule: &'static str,
) -> FieldRule {
    FieldRule {
        target,
        source,
        rule,
    }
}

/// What a provider made of one record.
pub(crate) enum Mapped {
    Events(Vec<Event>),
    Skipped(SkipReason, String),
    /// A resolved finding that still says its object was scanned: skipped as resolved,
    /// with coverage events (e.g. a scan placeholder) for [`Provider::finish`]. A record
    /// whose slot still holds events after `finish` counts as mapped into them (the events
    /// must be located by the mapped counts); else it stays skipped.
    Resolved(Vec<Event>, String),
}

/// A provider's mapping of one record; see the module docs of each provider.
pub(crate) trait Provider: Sync {
    fn info(&self) -> &'static ProviderInfo;

    /// Whether this provider recognises the record (for `auto`).
    fn claims(&self, shape: &Shape<'_>) -> bool;

    /// Maps one record.
    fn map(&self, shape: &Shape<'_>, cx: &Cx<'_>) -> Result<Mapped, Error>;

    /// Batch-level events after every record was mapped (e.g. one scan event per image).
    /// `slots` holds, per record in input order, the provider that mapped it and its events.
    fn finish(&self, _slots: &mut [Slot], _now: Option<&str>) {}

    /// Event fields that tell apart the sibling events of one finding on one object (one
    /// per vulnerable package, say): added to the name of their `event.id`. None by default,
    /// so the ids of providers that need none never change.
    fn id_fields(&self) -> &'static [&'static str] {
        &[]
    }

    fn producer(&self) -> Producer {
        let info = self.info();
        Producer {
            provider: info.name,
            vendor: info.vendor,
            product: info.name,
        }
    }
}

/// The events of one record during a call.
pub(crate) struct Slot {
    pub provider: Option<&'static str>,
    pub events: Vec<Event>,
}

/// Every provider's declarations.
///
/// # Example
/// ```
/// let ids: Vec<&str> = secmap_core::providers().map(|p| p.id).collect();
/// assert_eq!(ids, ["defender-alerts", "defender-for-cloud", "guardduty", "inspector", "security-hub"]);
/// ```
pub fn providers() -> impl Iterator<Item = &'static ProviderInfo> {
    REGISTRY.iter().map(|p| p.info())
}

/// Which provider(s) to map with.
#[derive(Clone, Copy)]
pub(crate) enum Selector {
    Auto,
    One(&'static dyn Provider),
}

impl Selector {
    pub(crate) fn parse(name: &str) -> Result<Selector, Error> {
        let name = name.trim();
        if name.eq_ignore_ascii_case("auto") {
            return Ok(Selector::Auto);
        }
        REGISTRY
            .iter()
            .find(|p| p.info().id.eq_ignore_ascii_case(name))
            .map(|p| Selector::One(*p))
            .ok_or_else(|| {
                let known: Vec<&str> = std::iter::once("auto")
                    .chain(REGISTRY.iter().map(|p| p.info().id))
                    .collect();
                Error::new(
                    ErrorCode::UnknownProvider,
                    format!("unknown provider `{name}`; known: {}", known.join(", ")),
                )
            })
    }

    /// With an explicit provider: another provider that claims a record this one does not,
    /// i.e. the caller named the wrong provider for it.
    pub(crate) fn claimed_elsewhere(self, shape: &Shape<'_>) -> Option<&'static dyn Provider> {
        match self {
            Selector::Auto => None,
            Selector::One(p) if p.claims(shape) => None,
            Selector::One(p) => REGISTRY
                .iter()
                .copied()
                .find(|o| o.info().id != p.info().id && o.claims(shape)),
        }
    }

    /// The provider for one record, if any claims it.
    pub(crate) fn pick(self, shape: &Shape<'_>) -> Option<&'static dyn Provider> {
        match self {
            Selector::One(p) => Some(p),
            Selector::Auto => REGISTRY.iter().copied().find(|p| p.claims(shape)),
        }
    }
}

/// Looks a provider up by id.
pub(crate) fn by_id(id: &str) -> Option<&'static dyn Provider> {
    REGISTRY.iter().copied().find(|p| p.info().id == id)
}

/// The top-level keys that say what a record is: read from the parsed record, outside the
/// unmapped-path tracking (classifying is not mapping).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Shape<'a> {
    pub detail_type: Option<&'a str>,
    pub source: Option<&'a str>,
    pub has_detail: bool,
    /// `type` or `Type`, when a string.
    pub record_type: Option<&'a str>,
    /// `AlertType` or `SystemAlertId` (Defender alerts in the Log Analytics shape).
    pub alert: bool,
    pub arn: Option<&'a str>,
    pub has_resource: bool,
    pub has_severity: bool,
    /// `SchemaVersion` and `ProductArn`: an ASFF finding (Security Hub).
    pub asff: bool,
    /// `class_uid` and `finding_info`: an OCSF finding (Security Hub V2).
    pub ocsf: bool,
    /// `findingArn` (Inspector2 findings, bare or in a `ListFindings` page).
    pub finding_arn: Option<&'a str>,
    /// An Inspector Classic SNS notification: `template`, `run` and `event`.
    pub inspector_classic: bool,
}

impl<'a> Shape<'a> {
    pub(crate) fn of(root: &'a Value<'a>) -> Shape<'a> {
        let Some(o) = root.as_object() else {
            return Shape::default();
        };
        let get = |k: &str| o.get(k);
        let str_of = |k: &str| get(k).and_then(Value::as_str);
        Shape {
            detail_type: str_of("detail-type"),
            source: str_of("source"),
            has_detail: get("detail").is_some(),
            record_type: str_of("type").or_else(|| str_of("Type")),
            alert: get("AlertType").is_some() || get("SystemAlertId").is_some(),
            arn: str_of("arn").or_else(|| str_of("Arn")),
            has_resource: get("resource").is_some() || get("Resource").is_some(),
            has_severity: get("severity").is_some() || get("Severity").is_some(),
            asff: get("SchemaVersion").is_some() && get("ProductArn").is_some(),
            ocsf: get("class_uid").is_some() && get("finding_info").is_some(),
            finding_arn: str_of("findingArn"),
            inspector_classic: get("template").is_some()
                && get("run").is_some()
                && str_of("event").is_some(),
        }
    }

    /// Whether the record is an EventBridge envelope.
    pub(crate) fn is_eventbridge(&self) -> bool {
        self.detail_type.is_some() || (self.source.is_some() && self.has_detail)
    }
}
