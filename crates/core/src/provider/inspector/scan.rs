//! `Inspector2 Scan` → one `VULNERABILITY_SCAN` per image (`next-providers.md` §3.3):
//! Dynatrace's ECR forwarder turns `INITIAL_SCAN_COMPLETE` events into scan events, and
//! nothing else. Severity counts are not copied (not allowed on scans). Findings of the same
//! image in the same call get the scan's `scan.id`; no scan is synthesised from findings
//! alone, since Inspector sends its own (open questions 2 and 3 of §3.8).

use std::collections::HashMap;

use super::map::{Envelope, PROVIDER};
use super::resource::ecr_repository;
use crate::aws::{Arn, ecr_registry};
use crate::cx::{Cx, Node};
use crate::error::Error;
use crate::event::{Event, EventType, Producer};
use crate::ids;
use crate::output::SkipReason;
use crate::provider::{Mapped, Slot};

const COMPLETE: &str = "INITIAL_SCAN_COMPLETE";
pub(super) const SCAN_NAME: &str = "Amazon Inspector initial scan of an Amazon ECR image";

pub(super) fn map(
    root: Node<'_>,
    detail: Node<'_>,
    envelope: Envelope<'_>,
    cx: &Cx<'_>,
    producer: Producer,
) -> Result<Mapped, Error> {
    let status = detail.get("scan-status").opt_str()?.unwrap_or_default();
    if status != COMPLETE {
        return Ok(Mapped::Skipped(
            SkipReason::NotAFinding,
            format!("Inspector scan status `{status}` is not a completed initial scan"),
        ));
    }
    let Some(digest) = detail.get("image-digest").text()? else {
        return Ok(Mapped::Skipped(
            SkipReason::NotAFinding,
            "an Inspector scan event without `image-digest` names no image".into(),
        ));
    };
    let repository_node = detail.get("repository-name");
    let repository_id = repository_node.text()?.unwrap_or_default();
    let tags = detail.get("image-tags").strs()?;
    let completed = cx.optional_time(&root.get("time"))?;

    // `repository-name` is the repository ARN (ECR user guide, enhanced scanning events).
    let arn = Arn::parse(repository_id);
    let account = arn
        .as_ref()
        .map(|a| a.account)
        .or(envelope.account)
        .filter(|s| !s.is_empty());
    let region = arn
        .as_ref()
        .map(|a| a.region)
        .or(envelope.region)
        .filter(|s| !s.is_empty());
    let partition = arn.as_ref().map_or("aws", |a| a.partition);
    let repository = match &arn {
        Some(a) => ecr_repository(a.resource),
        None => Some(repository_id).filter(|r| !r.is_empty()),
    };
    let repository_arn = match (&arn, account, region, repository) {
        (Some(_), ..) => Some(repository_id.to_owned()),
        (None, Some(acct), Some(region), Some(repo)) => Some(format!(
            "arn:{partition}:ecr:{region}:{acct}:repository/{repo}"
        )),
        _ => None,
    };
    // As the image's findings name it: `<repository ARN>/<digest>`.
    let object_id = match &repository_arn {
        Some(r) => format!("{r}/{digest}"),
        None => digest.to_owned(),
    };
    let scan_id = ids::name_based(&[
        PROVIDER,
        "scan",
        &object_id,
        completed.as_deref().unwrap_or(""),
    ]);

    let mut e = Event::new(EventType::VulnerabilityScan, producer, cx.now);
    e.put("object.id", object_id.as_str());
    e.put_static("object.type", "CONTAINER_IMAGE");
    e.put("object.name", repository.unwrap_or(object_id.as_str()));
    e.put("scan.id", scan_id);
    e.put_static("scan.name", SCAN_NAME);
    e.opt("scan.time.completed", completed);
    e.put("container_image.digest", digest);
    e.opt("container_image.repository", repository);
    e.opt(
        "container_image.registry",
        account
            .zip(region)
            .map(|(acct, region)| ecr_registry(acct, region, partition)),
    );
    e.opt(
        "container_image.tags",
        Some(tags.iter().map(|t| (*t).to_owned()).collect::<Vec<_>>()),
    );
    e.put_static("cloud.provider", "aws");
    e.opt("aws.account.id", account);
    e.opt("aws.region", region);
    Ok(Mapped::Events(vec![e]))
}

/// Gives each ECR image finding the `scan.id` of its image's scan event in the same call.
pub(super) fn link_findings(slots: &mut [Slot]) {
    let mut scans: HashMap<String, String> = HashMap::new();
    for slot in slots.iter().filter(|s| s.provider == Some(PROVIDER)) {
        for e in &slot.events {
            if e.event_type() == Some(EventType::VulnerabilityScan)
                && let (Some(object), Some(scan)) = (e.get_str("object.id"), e.get_str("scan.id"))
            {
                scans
                    .entry(object.to_owned())
                    .or_insert_with(|| scan.to_owned());
            }
        }
    }
    if scans.is_empty() {
        return;
    }
    for slot in slots.iter_mut().filter(|s| s.provider == Some(PROVIDER)) {
        for e in &mut slot.events {
            if e.event_type() != Some(EventType::VulnerabilityFinding) {
                continue;
            }
            let scan = e.get_str("object.id").and_then(|o| scans.get(o)).cloned();
            if let Some(scan) = scan {
                e.set("scan.id", scan);
            }
        }
    }
}
