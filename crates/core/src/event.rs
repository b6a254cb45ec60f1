//! One Dynatrace security event: flat dotted keys in a fixed order.

use std::borrow::Cow;
use std::sync::Arc;

use serde::ser::{SerializeMap, SerializeSeq};

use crate::codes::codes;
use crate::json;
use serde::{Serialize, Serializer};

/// Field that stamps which mapping version produced an event.
pub const MAPPING_VERSION_FIELD: &str = "secmap.mapping.version";

/// A Dynatrace security event in the Semantic Dictionary format.
///
/// Keys are flat and dotted (`"container_image.digest"`), as every Dynatrace integration
/// sends them. Key order is fixed by the mapping, so the serialized bytes are the same in
/// every host.
///
/// # Example
/// ```
/// let payload = br#"{"detail-type":"GuardDuty Finding","source":"aws.guardduty",
///   "detail":{"id":"abc","type":"Recon:EC2/Portscan","severity":5,
///   "updatedAt":"2026-01-01T00:00:00Z","accountId":"123456789012","region":"us-east-1",
///   "resource":{"resourceType":"Instance","instanceDetails":{"instanceId":"i-1"}}}}"#;
/// let out = secmap_core::transform("auto", payload, &Default::default()).unwrap();
/// let event = &out.events[0];
/// assert_eq!(event.get_str("event.type"), Some("DETECTION_FINDING"));
/// assert_eq!(event.get_str("dt.security.risk.level"), Some("MEDIUM"));
/// assert!(event.to_json().starts_with(r#"{"event.id":"#));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    fields: Vec<(&'static str, Value)>,
}

/// The value of one event field.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A string.
    Str(Cow<'static, str>),
    /// A string from the payload that several events of one record carry (a GuardDuty
    /// finding's title on each of its containers' events): one allocation, cloned per
    /// event, so that a record's events take memory linear in the record. Serialized
    /// exactly as [`Value::Str`].
    Shared(Arc<str>),
    /// A finite number (risk and CVSS scores).
    Num(f64),
    /// An integer (counts).
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// An array of strings (CVE ids, tags, IPs).
    StrList(Vec<String>),
    /// A JSON document carried as a string (`event.original_content`): see [`JsonDoc`].
    Json(Arc<JsonDoc>),
}

/// A record's JSON text as `event.original_content` carries it: the JSON string literal of
/// its compact form, quotes included, written once per record. The record's events share
/// it, and the output count and the writer copy it instead of compacting the record again
/// for each event and each count (three passes or more per record before).
#[derive(Debug, PartialEq)]
pub struct JsonDoc {
    literal: Box<str>,
    source_len: usize,
}

impl JsonDoc {
    /// The document of the JSON text `text` (which must be valid JSON).
    pub(crate) fn new(text: &str) -> JsonDoc {
        let mut literal = String::new();
        json::write_compact_as_str(&mut literal, text);
        JsonDoc {
            literal: literal.into_boxed_str(),
            source_len: text.len(),
        }
    }

    /// The length of the source text: what the per-record budgets count.
    pub(crate) fn source_len(&self) -> usize {
        self.source_len
    }

    /// The compact text, unescaped (what the JSON string literal holds).
    pub fn compact(&self) -> String {
        // The literal is JSON that `write_compact_as_str` wrote: it always parses.
        serde_json::from_str(&self.literal).unwrap_or_default()
    }
}

codes! {
    /// The `event.type` values secmap emits.
    pub enum EventType {
        /// One weakness in one component of one object.
        VulnerabilityFinding = "VULNERABILITY_FINDING",
        /// Coverage: this object was scanned at this time.
        VulnerabilityScan = "VULNERABILITY_SCAN",
        /// An alert or detection.
        DetectionFinding = "DETECTION_FINDING",
        /// The result of one compliance check (control) on one object.
        ComplianceFinding = "COMPLIANCE_FINDING",
    }
}

impl EventType {
    /// The conventional `event.name` for this type.
    pub fn event_name(self) -> &'static str {
        match self {
            EventType::VulnerabilityFinding => "Vulnerability finding event",
            EventType::VulnerabilityScan => "Vulnerability scan event",
            EventType::DetectionFinding => "Detection finding event",
            EventType::ComplianceFinding => "Compliance finding event",
        }
    }

    /// Whether this is a `*_FINDING` type (which carries `finding.*` and risk fields).
    pub fn is_finding(self) -> bool {
        !matches!(self, EventType::VulnerabilityScan)
    }

    fn parse(s: &str) -> Option<EventType> {
        Some(match s {
            "VULNERABILITY_FINDING" => EventType::VulnerabilityFinding,
            "VULNERABILITY_SCAN" => EventType::VulnerabilityScan,
            "DETECTION_FINDING" => EventType::DetectionFinding,
            "COMPLIANCE_FINDING" => EventType::ComplianceFinding,
            _ => return None,
        })
    }
}

/// Who produced an event: the `event.provider` / `product.*` triple of a provider.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Producer {
    pub provider: &'static str,
    pub vendor: &'static str,
    pub product: &'static str,
}

impl Event {
    /// Starts an event with the fields every event carries, in their fixed order.
    /// `event.id` is a placeholder until [`Event::set_id`].
    pub(crate) fn new(kind: EventType, producer: Producer, now: Option<&str>) -> Event {
        let mut fields = Vec::with_capacity(48);
        if let Some(now) = now {
            fields.push(("timestamp", Value::Str(Cow::Owned(now.to_owned()))));
        }
        let fixed = |s: &'static str| Value::Str(Cow::Borrowed(s));
        fields.push(("event.id", fixed("")));
        fields.push(("event.kind", fixed("SECURITY_EVENT")));
        fields.push(("event.type", fixed(kind.as_str())));
        fields.push(("event.name", fixed(kind.event_name())));
        fields.push(("event.provider", fixed(producer.provider)));
        fields.push(("product.vendor", fixed(producer.vendor)));
        fields.push(("product.name", fixed(producer.product)));
        Event { fields }
    }

    /// The value of `key`, if the event has it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The value of `key` if it is a string (not `event.original_content`, which is a
    /// JSON document: see [`Value::Json`]).
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }

    /// The value of `key` if it is a number.
    pub fn get_num(&self, key: &str) -> Option<f64> {
        match self.get(key) {
            Some(Value::Num(n)) => Some(*n),
            _ => None,
        }
    }

    /// All fields in their serialized order.
    pub fn fields(&self) -> impl Iterator<Item = (&'static str, &Value)> {
        self.fields.iter().map(|(k, v)| (*k, v))
    }

    /// The `event.type` of this event.
    pub fn event_type(&self) -> Option<EventType> {
        self.get_str("event.type").and_then(EventType::parse)
    }

    /// The event as compact JSON, exactly as it is sent to Dynatrace.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(self.json_len_hint());
        self.write_json(&mut out);
        out
    }

    /// Appends the compact JSON of the event to `out`.
    ///
    /// Strings are escaped and numbers printed exactly as JavaScript's `JSON.stringify`
    /// does, so a JavaScript host that parses an event and serializes it again sends the
    /// same bytes the core produced.
    pub fn write_json(&self, out: &mut String) {
        out.push('{');
        for (i, (k, v)) in self.fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            json::write_key(out, k);
            match v {
                Value::Str(s) => json::write_str(out, s),
                Value::Shared(s) => json::write_str(out, s),
                Value::Json(doc) => out.push_str(&doc.literal),
                Value::Num(n) => json::write_number(out, *n),
                Value::Int(n) => out.push_str(&n.to_string()),
                Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
                Value::StrList(l) => {
                    out.push('[');
                    for (j, s) in l.iter().enumerate() {
                        if j > 0 {
                            out.push(',');
                        }
                        json::write_str(out, s);
                    }
                    out.push(']');
                }
            }
        }
        out.push('}');
    }

    /// The exact length of [`Event::to_json`], without building it: the call's output
    /// limit (`maxOutputBytes`) counts it for every event, so it must cost little next to
    /// writing the JSON.
    pub(crate) fn json_len(&self, m: &mut JsonLen) -> usize {
        // `{`, `}` and a comma between fields; per field its key (secmap's own names, which
        // need no escape), quoted, and a colon.
        let mut len = 2 + self.fields.len().saturating_sub(1);
        for (k, v) in &self.fields {
            debug_assert_eq!(json::str_len(k), k.len() + 2, "{k}");
            len += k.len() + 3;
            len += match v {
                Value::Str(s) => json::str_len(s),
                Value::Shared(s) => json::str_len(s),
                Value::Json(doc) => doc.literal.len(),
                Value::Num(n) => {
                    m.scratch.clear();
                    json::write_number(&mut m.scratch, *n);
                    m.scratch.len()
                }
                Value::Int(n) => {
                    usize::from(*n < 0)
                        + n.unsigned_abs().checked_ilog10().unwrap_or(0) as usize
                        + 1
                }
                Value::Bool(b) => {
                    if *b {
                        4
                    } else {
                        5
                    }
                }
                Value::StrList(l) => {
                    2 + l.len().saturating_sub(1)
                        + l.iter().map(|s| json::str_len(s)).sum::<usize>()
                }
            };
        }
        len
    }

    /// A lower bound of [`Event::json_len`] that reads no string's bytes (escapes and
    /// numbers counted at their least): what the call counts while mapping, to stop at
    /// `maxOutputBytes` early; the exact count follows on the call's final events.
    pub(crate) fn json_len_min(&self) -> usize {
        let mut len = 2 + self.fields.len().saturating_sub(1);
        for (k, v) in &self.fields {
            len += k.len() + 3;
            len += match v {
                Value::Str(s) => s.len() + 2,
                Value::Shared(s) => s.len() + 2,
                Value::Json(doc) => doc.literal.len(),
                Value::Num(_) => 1,
                Value::Int(_) | Value::Bool(_) => 1,
                Value::StrList(l) => 1 + l.iter().map(|s| s.len() + 3).sum::<usize>().max(1),
            };
        }
        len
    }

    /// An upper bound of [`Event::json_len`] that reads no string's bytes: every byte of
    /// a string is written as at most 6 (`\u00XX`), a number as at most 25 characters
    /// (`-0.0000012345678901234567`, as JavaScript prints it), an integer as at most 20.
    /// When the call's events stay under `maxOutputBytes` by this bound, the exact count
    /// (which scans every string for escapes) is skipped: it could not refuse them. In
    /// `u64`, so that six times a long string cannot wrap in the 32-bit guest.
    pub(crate) fn json_len_max(&self) -> u64 {
        let text = |s: &str| 6 * s.len() as u64 + 2;
        let mut len = 2 + self.fields.len().saturating_sub(1) as u64;
        for (k, v) in &self.fields {
            len += k.len() as u64 + 3;
            len += match v {
                Value::Str(s) => text(s),
                Value::Shared(s) => text(s),
                Value::Json(doc) => doc.literal.len() as u64,
                Value::Num(_) => 25,
                Value::Int(_) => 20,
                Value::Bool(_) => 5,
                Value::StrList(l) => 2 + l.len() as u64 + l.iter().map(|s| text(s)).sum::<u64>(),
            };
        }
        len
    }

    /// A cheap upper-bound guess of the serialized size, for buffer capacity.
    pub fn json_len_hint(&self) -> usize {
        self.fields
            .iter()
            .map(|(k, v)| {
                k.len()
                    + 6
                    + match v {
                        Value::Str(s) => s.len() + s.len() / 8,
                        Value::Shared(s) => s.len() + s.len() / 8,
                        Value::Json(doc) => doc.literal.len(),
                        Value::Num(_) | Value::Int(_) => 24,
                        Value::Bool(_) => 5,
                        Value::StrList(l) => l.iter().map(|s| s.len() + 3).sum::<usize>() + 2,
                    }
            })
            .sum::<usize>()
            + 2
    }

    /// Appends `key`, which the event does not have yet (mapping code builds each event
    /// once, in field order; [`Event::set`] replaces).
    pub(crate) fn put(&mut self, key: &'static str, value: impl Into<Value>) {
        debug_assert!(self.get(key).is_none(), "{key} set twice");
        self.fields.push((key, value.into()));
    }

    /// Appends `key` with a constant string, without allocating.
    pub(crate) fn put_static(&mut self, key: &'static str, value: &'static str) {
        self.put(key, Value::Str(Cow::Borrowed(value)));
    }

    /// Sets `key`, replacing its value in place if present, else appending it.
    pub(crate) fn set(&mut self, key: &'static str, value: impl Into<Value>) {
        let value = value.into();
        match self.fields.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.fields.push((key, value)),
        }
    }

    /// Appends `key` when `value` is present and not empty.
    pub(crate) fn opt(&mut self, key: &'static str, value: Option<impl Into<Value>>) {
        if let Some(v) = value {
            let v = v.into();
            let empty = match &v {
                Value::Str(s) => s.is_empty(),
                Value::Shared(s) => s.is_empty(),
                Value::StrList(l) => l.is_empty(),
                _ => false,
            };
            if !empty {
                self.put(key, v);
            }
        }
    }

    pub(crate) fn set_id(&mut self, id: String) {
        self.set("event.id", id);
    }

    pub(crate) fn fields_mut(&mut self) -> impl Iterator<Item = (&'static str, &mut Value)> {
        self.fields.iter_mut().map(|(k, v)| (*k, v))
    }

    /// Keeps the fields for which `f` holds (it may change them on the way): the record
    /// output budget (`budget.rs`) leaves long shared fields out of further events.
    pub(crate) fn retain(&mut self, mut f: impl FnMut(&'static str, &mut Value) -> bool) {
        self.fields.retain_mut(|(k, v)| f(k, v));
    }

    /// Gives back the room reserved for fields never set: an event is built with room for
    /// 48, and a call may hold 250,000 of them until it ends.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.fields.shrink_to_fit();
    }
}

impl Value {
    /// The JSON text of a record, for `event.original_content` (see [`JsonDoc`]).
    pub(crate) fn json(text: &str) -> Value {
        Value::Json(Arc::new(JsonDoc::new(text)))
    }

    /// A string the events of one record share (see [`Value::Shared`]).
    pub(crate) fn shared(s: &str) -> Value {
        Value::Shared(Arc::from(s))
    }

    /// The string, if this is one (not `event.original_content`'s JSON document).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            Value::Shared(s) => Some(s),
            _ => None,
        }
    }
}

/// What [`Event::json_len`] keeps between events: a buffer for the values it measures by
/// writing them (numbers).
#[derive(Default)]
pub(crate) struct JsonLen {
    scratch: String,
}

/// The shared strings of one record cut so far, and their cut forms: a string the record's
/// events share is cut once (at `maxStringBytes`, or by the output budget), and the events
/// share the cut form too, instead of each making its own copy.
#[derive(Default)]
pub(crate) struct SharedCuts(Vec<(Arc<str>, Arc<str>)>);

impl SharedCuts {
    /// `s` cut to at most `max` bytes at a character boundary, shared.
    pub(crate) fn cut(&mut self, s: &Arc<str>, max: usize) -> Arc<str> {
        if let Some((_, short)) = self
            .0
            .iter()
            .find(|(long, short)| Arc::ptr_eq(long, s) && short.len() <= max)
        {
            return short.clone();
        }
        let short: Arc<str> = Arc::from(json::truncate(s, max));
        self.0.push((s.clone(), short.clone()));
        short
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(Cow::Owned(s))
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Str(Cow::Owned(s.to_owned()))
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::Str(Cow::Owned(s.clone()))
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Value {
        debug_assert!(n.is_finite(), "event numbers must be finite");
        Value::Num(n)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Int(n)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<Vec<String>> for Value {
    fn from(l: Vec<String>) -> Value {
        Value::StrList(l)
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Str(v) => s.serialize_str(v),
            Value::Shared(v) => s.serialize_str(v),
            Value::Json(doc) => s.serialize_str(&doc.compact()),
            // Whole numbers as integers, as JavaScript (and `Event::write_json`) print them.
            Value::Num(v) if v.fract() == 0.0 && v.abs() < 9.007_199_254_740_992e15 => {
                s.serialize_i64(*v as i64)
            }
            Value::Num(v) => s.serialize_f64(*v),
            Value::Int(v) => s.serialize_i64(*v),
            Value::Bool(v) => s.serialize_bool(*v),
            Value::StrList(v) => {
                let mut seq = s.serialize_seq(Some(v.len()))?;
                for item in v {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
        }
    }
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.fields.len()))?;
        for (k, v) in &self.fields {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: Producer = Producer {
        provider: "Amazon GuardDuty",
        vendor: "Amazon",
        product: "Amazon GuardDuty",
    };

    #[test]
    fn fixed_head_then_insertion_order() {
        let mut e = Event::new(EventType::DetectionFinding, P, Some("2026-01-01T00:00:00Z"));
        e.set("object.id", "i-1");
        e.set("dt.security.risk.score", 10.0);
        e.set("actor.ips", vec!["203.0.113.5".to_owned()]);
        e.set_id("id-1".into());
        assert_eq!(
            e.to_json(),
            r#"{"timestamp":"2026-01-01T00:00:00Z","event.id":"id-1","event.kind":"SECURITY_EVENT","event.type":"DETECTION_FINDING","event.name":"Detection finding event","event.provider":"Amazon GuardDuty","product.vendor":"Amazon","product.name":"Amazon GuardDuty","object.id":"i-1","dt.security.risk.score":10,"actor.ips":["203.0.113.5"]}"#
        );
        assert!(e.to_json().len() <= e.json_len_hint());
    }

    /// `maxOutputBytes` counts `json_len`: it must be the JSON's length exactly, escapes,
    /// numbers and the compacted original content included; `json_len_min` never more,
    /// `json_len_max` never less.
    #[test]
    fn json_len_is_exact_and_min_and_max_bound_it() {
        let mut e = Event::new(EventType::DetectionFinding, P, Some("2026-01-01T00:00:00Z"));
        e.set_id("id-1".into());
        e.put(
            "finding.title",
            Value::shared("quote \" backslash \\ tab \t nul \u{0} bell \u{7} é"),
        );
        e.put("finding.description", "line\nbreak \u{1f}");
        e.put("dt.security.risk.score", 8.9);
        e.put("finding.score", 1e21);
        e.put("vulnerability.count", -120_i64);
        e.put("guardduty.count", 0_i64);
        e.put("guardduty.sample", true);
        e.put(
            "actor.ips",
            vec!["203.0.113.5".to_owned(), "a\"b".to_owned()],
        );
        e.put("container.ids", Vec::<String>::new());
        e.put(
            "event.original_content",
            Value::json("{ \"a\" : [1, 2],\n  \"b\": \"x y\\\"\" }"),
        );
        let mut m = JsonLen::default();
        let json = e.to_json();
        assert_eq!(e.json_len(&mut m), json.len(), "{json}");
        assert!(e.json_len_min() <= json.len());
        assert!(e.json_len_max() >= json.len() as u64);
        // The bound holds for the longest number and integer and the most escaped string.
        let mut worst = Event::new(EventType::DetectionFinding, P, None);
        worst.put("dt.security.risk.score", -1.234_567_890_123_456_7e-6);
        worst.put("vulnerability.count", i64::MIN);
        worst.put("finding.title", "\u{1}\u{2}");
        worst.put("actor.ips", vec!["\u{1f}".to_owned()]);
        let json = worst.to_json();
        assert!(
            json.contains(r#""dt.security.risk.score":-0.0000012345678901234567,"#),
            "{json}"
        );
        assert!(worst.json_len_max() >= json.len() as u64);
        let plain = Event::new(EventType::VulnerabilityScan, P, None);
        assert_eq!(plain.json_len(&mut m), plain.to_json().len());
    }

    /// The record's text is compacted once; writing the event and serializing it as an
    /// object (the npm package's events as objects) give the same string.
    #[test]
    fn original_content_is_compacted_once_and_serializes_as_written() {
        let doc = Value::json("{ \"a\" : [1, \"x \\\" \\\\ y\"],\n  \"b\": {} }");
        let mut e = Event::new(EventType::DetectionFinding, P, None);
        e.put("event.original_content", doc.clone());
        let written = e.to_json();
        assert!(
            written
                .ends_with(r#""event.original_content":"{\"a\":[1,\"x \\\" \\\\ y\"],\"b\":{}}"}"#),
            "{written}"
        );
        assert_eq!(
            serde_json::to_string(&doc).unwrap(),
            r#""{\"a\":[1,\"x \\\" \\\\ y\"],\"b\":{}}""#
        );
        let Value::Json(d) = &doc else { panic!() };
        assert_eq!(d.compact(), r#"{"a":[1,"x \" \\ y"],"b":{}}"#);
        assert_eq!(d.source_len(), 37);
    }

    #[test]
    fn opt_skips_empty_values_and_set_replaces_in_place() {
        let mut e = Event::new(EventType::VulnerabilityScan, P, None);
        e.opt("a.b", Some(""));
        e.opt("a.c", None::<String>);
        e.opt("a.d", Some(Vec::<String>::new()));
        assert!(e.get("a.b").is_none() && e.get("a.c").is_none() && e.get("a.d").is_none());
        e.set("event.kind", "X");
        assert_eq!(
            e.fields().nth(1).unwrap(),
            ("event.kind", &Value::Str("X".into()))
        );
        assert_eq!(e.event_type(), Some(EventType::VulnerabilityScan));
    }
}
