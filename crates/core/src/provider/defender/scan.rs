//! One `VULNERABILITY_SCAN` per image and scan cycle in a call (design §4; SD §1.6: "one per
//! scan cycle per scanned object"): Dynatrace counts a vulnerability integration without
//! scan events as a coverage gap. Defender rescans registry images daily ("images that are
//! actively used or recently pushed are rescanned daily", Microsoft Learn, Defender for
//! Containers architecture; file index 56454862061) and no record names its scan, so a
//! scan is the image and the UTC day of the record's time: `scan.id` = UUIDv5 over
//! provider, object id and that day. It depends on the record alone, never on the other
//! records of the call (issue 10), and the records of one evaluation share it even when
//! their times differ by seconds. `scan.time.completed` is the latest time of the scan's
//! records in the call.
//!
//! Findings name their time in `finding.time.created`; a resolved record (Healthy) brings
//! a placeholder scan event (`scan.id` empty), so an image whose records are all Healthy is
//! still covered. The scan's first finding carries its scan event, else its first resolved
//! record.

use std::collections::HashMap;

use super::artifact::Image;
use crate::event::{Event, EventType, Producer};
use crate::ids;
use crate::provider::Slot;
use crate::time;

const SCAN_NAME: &str = "Defender for Cloud container image vulnerability assessment";

/// Fields a scan event copies from its image's first finding: they describe the object.
const OBJECT_FIELDS: &[&str] = &[
    "container_image.digest",
    "container_image.id",
    "container_image.name",
    "container_image.repository",
    "container_image.registry",
    "container_image.tags",
    "cloud.provider",
    "aws.account.id",
    "aws.region",
    "aws.arn",
    "azure.tenant.id",
    "azure.subscription",
    "azure.resource.group",
];

/// The scan event of a resolved record, completed by [`add_scan_events`].
pub(super) fn placeholder(
    producer: Producer,
    now: Option<&str>,
    object_id: &str,
    image: &Image,
    time: &str,
) -> Event {
    let mut scan = Event::new(EventType::VulnerabilityScan, producer, now);
    scan.put("object.id", object_id);
    scan.put_static("object.type", "CONTAINER_IMAGE");
    scan.put(
        "object.name",
        image
            .repository
            .clone()
            .unwrap_or_else(|| object_id.to_owned()),
    );
    scan.put_static("scan.id", "");
    scan.put_static("scan.name", SCAN_NAME);
    scan.put("scan.time.completed", time);
    image.put(&mut scan);
    scan
}

/// What an event contributes to a scan: (object id, scan time), and whether it is a
/// placeholder.
fn member(e: &Event) -> Option<(&str, &str, bool)> {
    let object_id = e.get_str("object.id")?;
    match e.event_type()? {
        EventType::VulnerabilityScan if e.get_str("scan.id") == Some("") => {
            Some((object_id, e.get_str("scan.time.completed")?, true))
        }
        EventType::VulnerabilityFinding => {
            Some((object_id, e.get_str("finding.time.created")?, false))
        }
        _ => None,
    }
}

pub(super) fn add_scan_events(
    slots: &mut [Slot],
    provider: &str,
    producer: Producer,
    now: Option<&str>,
) {
    struct Scan {
        /// (slot, event) of its first finding and of its first placeholder: the first
        /// finding carries the scan event, so that resolved records stay skipped unless
        /// their image has no finding.
        finding: Option<(usize, usize)>,
        placeholder: Option<(usize, usize)>,
        latest: Option<((i64, u32), String)>,
    }
    let mut scans: HashMap<String, Scan> = HashMap::new();
    let mut plan: Vec<(usize, usize, String, bool)> = Vec::new();
    for (i, slot) in slots.iter().enumerate() {
        if slot.provider != Some(provider) {
            continue;
        }
        for (j, e) in slot.events.iter().enumerate() {
            let Some((object_id, at, placeholder)) = member(e) else {
                continue;
            };
            // Normalized RFC 3339 UTC: the day is the first ten characters.
            let day = at.get(..10).unwrap_or(at);
            let scan_id = ids::name_based(&[provider, "scan", object_id, day]);
            let scan = scans.entry(scan_id.clone()).or_insert(Scan {
                finding: None,
                placeholder: None,
                latest: None,
            });
            let first = if placeholder {
                &mut scan.placeholder
            } else {
                &mut scan.finding
            };
            first.get_or_insert((i, j));
            if let Some(ts) = time::instant(at)
                && scan.latest.as_ref().is_none_or(|(l, _)| ts > *l)
            {
                scan.latest = Some((ts, at.to_owned()));
            }
            plan.push((i, j, scan_id, placeholder));
        }
    }
    // Per slot: events to drop (placeholders of scans carried elsewhere) and scan events
    // to insert in front of a finding.
    let mut inserts: HashMap<(usize, usize), Event> = HashMap::new();
    let mut drops: HashMap<(usize, usize), ()> = HashMap::new();
    for (i, j, scan_id, placeholder) in plan {
        let scan = &scans[&scan_id];
        let carrier = scan.finding.or(scan.placeholder) == Some((i, j));
        let completed = scan.latest.as_ref().map(|(_, s)| s.clone());
        let e = &mut slots[i].events[j];
        e.set("scan.id", scan_id.as_str());
        match (placeholder, carrier) {
            (true, true) => {
                if let Some(c) = completed {
                    e.set("scan.time.completed", c);
                }
            }
            (true, false) => {
                drops.insert((i, j), ());
            }
            (false, true) => {
                let scan = scan_from_finding(e, scan_id, completed, producer, now);
                inserts.insert((i, j), scan);
            }
            (false, false) => {}
        }
    }
    if inserts.is_empty() && drops.is_empty() {
        return;
    }
    for (i, slot) in slots.iter_mut().enumerate() {
        if slot.provider != Some(provider) {
            continue;
        }
        let events = std::mem::take(&mut slot.events);
        let mut out = Vec::with_capacity(events.len() + 1);
        for (j, e) in events.into_iter().enumerate() {
            if let Some(scan) = inserts.remove(&(i, j)) {
                out.push(scan);
            }
            if !drops.contains_key(&(i, j)) {
                out.push(e);
            }
        }
        slot.events = out;
    }
}

fn scan_from_finding(
    finding: &Event,
    scan_id: String,
    completed: Option<String>,
    producer: Producer,
    now: Option<&str>,
) -> Event {
    let mut scan = Event::new(EventType::VulnerabilityScan, producer, now);
    scan.opt("object.id", finding.get_str("object.id"));
    scan.opt("object.type", finding.get_str("object.type"));
    scan.opt("object.name", finding.get_str("object.name"));
    scan.put("scan.id", scan_id);
    scan.put_static("scan.name", SCAN_NAME);
    scan.opt("scan.time.completed", completed);
    for &key in OBJECT_FIELDS {
        if let Some(v) = finding.get(key) {
            scan.put(key, v.clone());
        }
    }
    scan.put_static(crate::event::MAPPING_VERSION_FIELD, crate::MAPPING_VERSION);
    scan
}
