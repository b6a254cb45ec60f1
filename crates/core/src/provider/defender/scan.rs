//! One `VULNERABILITY_SCAN` per image and scan in a call (design §4; SD §1.6: "one per scan
//! cycle per scanned object"): Dynatrace counts a vulnerability integration without scan
//! events as a coverage gap. A scan is identified by the image and its time alone (issue
//! 10): `scan.id` = UUIDv5 over provider, object id and the record's time, so a finding
//! carries the same `scan.id` whichever other records share its call. Records of one scan
//! share their time, hence one scan per image in the usual call; records of the same image
//! from different evaluations (an Azure Resource Graph page) give one scan each.
//!
//! Findings name their scan through `finding.time.created`; a resolved record (Healthy)
//! brings a placeholder scan event (`scan.id` empty), so an image whose records are all
//! Healthy is still covered. The first record of a scan carries its scan event.

use std::collections::HashMap;

use super::artifact::Image;
use crate::event::{Event, EventType, Producer};
use crate::ids;
use crate::provider::Slot;

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
    // scan id → (slot, event) of its first member; what to do at each event.
    let mut first: HashMap<String, (usize, usize)> = HashMap::new();
    let mut plan: Vec<(usize, usize, String, bool)> = Vec::new();
    for (i, slot) in slots.iter().enumerate() {
        if slot.provider != Some(provider) {
            continue;
        }
        for (j, e) in slot.events.iter().enumerate() {
            let Some((object_id, time, placeholder)) = member(e) else {
                continue;
            };
            let scan_id = ids::name_based(&[provider, "scan", object_id, time]);
            first.entry(scan_id.clone()).or_insert((i, j));
            plan.push((i, j, scan_id, placeholder));
        }
    }
    // Per slot: events to drop (placeholders of scans carried elsewhere) and scan events
    // to insert in front of a finding.
    let mut inserts: HashMap<(usize, usize), Event> = HashMap::new();
    let mut drops: HashMap<(usize, usize), ()> = HashMap::new();
    for (i, j, scan_id, placeholder) in plan {
        let carrier = first[&scan_id] == (i, j);
        let e = &mut slots[i].events[j];
        e.set("scan.id", scan_id.as_str());
        match (placeholder, carrier) {
            (true, true) => {}
            (true, false) => {
                drops.insert((i, j), ());
            }
            (false, true) => {
                inserts.insert((i, j), scan_from_finding(e, scan_id, producer, now));
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
    producer: Producer,
    now: Option<&str>,
) -> Event {
    let mut scan = Event::new(EventType::VulnerabilityScan, producer, now);
    scan.opt("object.id", finding.get_str("object.id"));
    scan.opt("object.type", finding.get_str("object.type"));
    scan.opt("object.name", finding.get_str("object.name"));
    scan.put("scan.id", scan_id);
    scan.put_static("scan.name", SCAN_NAME);
    scan.opt(
        "scan.time.completed",
        finding.get_str("finding.time.created"),
    );
    for &key in OBJECT_FIELDS {
        if let Some(v) = finding.get(key) {
            scan.put(key, v.clone());
        }
    }
    scan.put_static(crate::event::MAPPING_VERSION_FIELD, crate::MAPPING_VERSION);
    scan
}
