//! One `VULNERABILITY_SCAN` per distinct image per call (design §4): Dynatrace counts a
//! vulnerability integration without scan events as a coverage gap. The image's findings
//! share its `scan.id`, derived from the image and the latest finding time in the call.

use std::collections::HashMap;

use crate::MAPPING_VERSION;
use crate::event::{Event, EventType, MAPPING_VERSION_FIELD, Producer};
use crate::ids;
use crate::provider::Slot;
use crate::time;

/// Fields a scan event copies from its image's first finding: they describe the object.
const OBJECT_FIELDS: &[&str] = &[
    "container_image.digest",
    "container_image.id",
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

struct Group {
    object_id: String,
    /// (slot, event) of every finding of this image, in input order.
    members: Vec<(usize, usize)>,
    latest: Option<((i64, u32), String)>,
}

pub(super) fn add_scan_events(
    slots: &mut [Slot],
    provider: &str,
    producer: Producer,
    now: Option<&str>,
) {
    let mut groups: Vec<Group> = Vec::new();
    let mut by_object: HashMap<String, usize> = HashMap::new();
    for (i, slot) in slots.iter().enumerate() {
        if slot.provider != Some(provider) {
            continue;
        }
        for (j, e) in slot.events.iter().enumerate() {
            let (Some(object_id), Some(created)) =
                (e.get_str("object.id"), e.get_str("finding.time.created"))
            else {
                continue;
            };
            let at = *by_object.entry(object_id.to_owned()).or_insert_with(|| {
                groups.push(Group {
                    object_id: object_id.to_owned(),
                    members: Vec::new(),
                    latest: None,
                });
                groups.len() - 1
            });
            let g = &mut groups[at];
            g.members.push((i, j));
            if let Some(ts) = time::instant(created)
                && g.latest.as_ref().is_none_or(|(l, _)| ts > *l)
            {
                g.latest = Some((ts, created.to_owned()));
            }
        }
    }
    // Scans go in front of their image's first finding; walk backwards so that earlier
    // insertions do not shift later positions.
    let mut scans: Vec<(usize, usize, Event)> = Vec::with_capacity(groups.len());
    for g in groups {
        let completed = g.latest.map(|(_, s)| s).unwrap_or_default();
        let scan_id = ids::name_based(&[provider, "scan", &g.object_id, &completed]);
        for &(i, j) in &g.members {
            slots[i].events[j].set("scan.id", scan_id.as_str());
        }
        let (first_slot, first_event) = g.members[0];
        let finding = &slots[first_slot].events[first_event];
        let mut scan = Event::new(EventType::VulnerabilityScan, producer, now);
        scan.put("object.id", g.object_id.as_str());
        scan.opt("object.type", finding.get_str("object.type"));
        scan.opt("object.name", finding.get_str("object.name"));
        scan.put("scan.id", scan_id);
        scan.put_static(
            "scan.name",
            "Defender for Cloud container image vulnerability assessment",
        );
        scan.opt("scan.time.completed", Some(completed));
        for &key in OBJECT_FIELDS {
            if let Some(v) = finding.get(key) {
                scan.put(key, v.clone());
            }
        }
        scan.put_static(MAPPING_VERSION_FIELD, MAPPING_VERSION);
        scans.push((first_slot, first_event, scan));
    }
    scans.sort_by_key(|(i, j, _)| (*i, *j));
    for (i, j, scan) in scans.into_iter().rev() {
        slots[i].events.insert(j, scan);
    }
}
