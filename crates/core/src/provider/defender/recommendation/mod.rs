//! Defender for Cloud "individual recommendations" (GA 2026-05, the only container format
//! since the sub-assessments were retired on 2026-07-31): one `Microsoft.Security/assessments`
//! record per vulnerable package of an image, listing the package's CVEs in
//! `additionalData.CvesDetails`. One `VULNERABILITY_FINDING` per image × package × CVE
//! (× detected version). Field facts: `shared/docs/defender-individual-recommendations.md`
//! (cited as §n below); the rules are in the provider's field table.
//!
//! Keys are read in any case (§2.1: export and ARG differ in casing, camelCase spellings
//! are read defensively), and `CvesDetails`, `ScannersDetails` and `resourceAdditionalData`
//! as JSON text or as objects (§4: `additionalData` is a string map in the API model).

mod classify;
mod finding;
mod image;
mod input;

use super::cloud::Cloud;
use super::scan;
use crate::cx::{Cx, Node};
use crate::error::Error;
use crate::event::Producer;
use crate::output::SkipReason;
use crate::provider::Mapped;
use classify::Kind;
use input::{Assessment, Package};

pub(super) fn map(cx: &Cx<'_>, producer: Producer) -> Result<Mapped, Error> {
    cx.match_keys_in_any_case();
    let root = cx.root();
    let a = Assessment::read(root)?;
    let p = a.properties;
    let ad = p.get("additionalData");
    let rad_node = p.get("resourceAdditionalData");
    let rad_doc = cx.parse_embedded(&rad_node)?;
    let rad_cx = rad_doc.as_ref().map(|d| cx.embedded(d));
    let rad = rad_cx.as_ref().map_or(rad_node, |c| c.root());

    match classify::kind(&a, ad, rad, cx)? {
        Kind::ContainerImage => {}
        Kind::Skip(reason, message) => return Ok(Mapped::Skipped(reason, message)),
    }
    // §6: a deleted record is gone (resource deleted or finding withdrawn): no finding,
    // no scan.
    if a.deleted {
        return Ok(Mapped::Skipped(
            SkipReason::Resolved,
            "the recommendation was deleted (enrichment action `Delete`)".into(),
        ));
    }
    let status = p.get("status");
    let code = status.get("code").opt_str()?.unwrap_or("");
    if code.eq_ignore_ascii_case("NotApplicable") {
        return Ok(Mapped::Skipped(
            SkipReason::NotApplicable,
            format!("status NotApplicable{}", because(status)?),
        ));
    }

    let times = [
        status.get("statusChangeDate"),
        status.get("firstEvaluationDate"),
        root.get("timeGenerated"),
    ];
    let cloud = cloud(&a);

    if code.eq_ignore_ascii_case("Healthy") {
        // §6: the package is fixed; the image still counts as scanned, when the record
        // says which image and when (else it is only resolved: nothing to reject).
        let message = format!("status Healthy{}: the package is fixed", because(status)?);
        let (Ok(image), Ok(time)) = (image::resolve(&a, rad, cx), cx.required_time(&times)) else {
            return Ok(Mapped::Skipped(SkipReason::Resolved, message));
        };
        let mut scan = scan::placeholder(producer, cx.now, &image.object_id, &image.image, &time);
        cloud.put(&mut scan);
        end(cx, &rad_cx, &rad_doc);
        return Ok(Mapped::Resolved(vec![scan], message));
    }
    let image = image::resolve(&a, rad, cx)?;
    let time = cx.required_time(&times)?;

    let scanners_node = ad.get("ScannersDetails");
    let scanners_doc = cx.parse_embedded(&scanners_node)?;
    let scanners_cx = scanners_doc.as_ref().map(|d| cx.embedded(d));
    let scanners = scanners_cx.as_ref().map_or(scanners_node, |c| c.root());
    let cves_node = ad.get("CvesDetails");
    let cves_doc = cx.parse_embedded(&cves_node)?;
    let cves_cx = cves_doc.as_ref().map(|d| cx.embedded(d));
    let cves = cves_cx.as_ref().map_or(cves_node, |c| c.root());

    let package = Package::read(&a, ad, scanners, cves)?;
    let mut events = finding::events(&a, &package, &image, &time, &cloud, cx, producer)?;
    if events.is_empty() {
        // An Unhealthy package without CVE entries: nothing to report but coverage.
        let mut scan = scan::placeholder(producer, cx.now, &image.object_id, &image.image, &time);
        cloud.put(&mut scan);
        events.push(scan);
    }
    end(cx, &rad_cx, &rad_doc);
    end(cx, &scanners_cx, &scanners_doc);
    end(cx, &cves_cx, &cves_doc);
    Ok(Mapped::Events(events))
}

/// Hands an embedded document's unread paths to the record's report.
fn end(cx: &Cx<'_>, sub: &Option<Cx<'_>>, doc: &Option<crate::cx::Embedded<'_>>) {
    if let (Some(sub), Some(doc)) = (sub, doc) {
        cx.end_embedded(sub, doc);
    }
}

/// ` (cause: description)` of a status, when given.
fn because(status: Node<'_>) -> Result<String, Error> {
    let why = [
        status.get("cause").opt_str()?,
        status.get("description").opt_str()?,
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(": ");
    Ok(if why.is_empty() {
        why
    } else {
        format!(" ({why})")
    })
}

fn cloud<'a>(a: &Assessment<'a>) -> Cloud<'a> {
    Cloud {
        source: a.resource.source,
        hierarchy_id: a.resource.hierarchy_id,
        region: a.resource.region,
        native_cloud_unique_identifier: a.resource.native_cloud_unique_identifier,
        arm_id: a.id,
        tenant_id: a.tenant_id,
        subscription_id: a.subscription_id,
        resource_group: a.resource_group,
    }
}

#[cfg(test)]
mod tests {
    use crate::{Options, Output, transform};

    const BATCH: &str = include_str!(
        "../../../../../../testdata/samples/defender-for-cloud/synthetic-individual-rec-eventhub-batch.json"
    );

    fn events(payload: &str) -> Vec<String> {
        let out: Output = transform(
            "auto",
            payload.as_bytes(),
            &Options::new().original_content(false),
        )
        .expect("maps");
        out.events.iter().map(|e| e.to_json()).collect()
    }

    /// A finding, and its scan, are the same whichever records share the call (issue 10).
    #[test]
    fn a_record_maps_the_same_alone_and_in_a_batch() {
        let records: Vec<serde_json::Value> = serde_json::from_str(BATCH).expect("array");
        let together = events(BATCH);
        let mut apart = Vec::new();
        for r in &records {
            apart.extend(events(&r.to_string()));
        }
        // Alone, each of the two Unhealthy records and the Healthy one brings the image's
        // scan; together the first carries it. Everything else is identical.
        let mut unique = Vec::new();
        for e in apart {
            if !unique.contains(&e) {
                unique.push(e);
            }
        }
        assert_eq!(unique, together);
        assert_eq!(together.len(), 4);
    }

    /// The Healthy record alone still covers its image.
    #[test]
    fn a_healthy_record_alone_is_a_scan() {
        let records: Vec<serde_json::Value> = serde_json::from_str(BATCH).expect("array");
        let out = transform(
            "defender-for-cloud",
            records[2].to_string().as_bytes(),
            &Options::new(),
        )
        .expect("maps");
        assert_eq!(out.events.len(), 1);
        assert_eq!(
            out.events[0].get_str("event.type"),
            Some("VULNERABILITY_SCAN")
        );
    }
}
