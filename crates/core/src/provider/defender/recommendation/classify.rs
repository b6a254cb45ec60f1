//! Which assessments are container image findings (§5). `SoftwareUpdate` alone is never
//! enough: the category spans VMs, EC2 and GCP instances, AKS and code repositories [doc].

use super::image::digest_in_id;
use super::input::Assessment;
use crate::cx::{Cx, Node};
use crate::error::Error;
use crate::image::is_content_digest;
use crate::output::{SkipReason, WarningCode};

pub(super) enum Kind {
    ContainerImage,
    Skip(SkipReason, String),
}

/// The grouped container recommendations replaced by individual ones (§1): their parent
/// assessments summarise sub-assessments and are not findings themselves.
const GROUPED_KEYS: &[&str] = &[
    "c0b7cfc6-3172-465a-b378-53c7ff2cc0d5",
    "33422d8f-ab1e-42be-bc9a-38685bb567b9",
    "c609cf0f-71ab-41e9-a3c6-9a1f7fe1b8d5",
    "682b2595-d045-4cff-b5aa-46624eb2dd8f",
    "e538731a-80c8-4317-a119-13075e002516",
];

/// §5, rules 2–4 (rule 1, sub-assessments, is decided by `type` before).
pub(super) fn kind(
    a: &Assessment<'_>,
    ad: Node<'_>,
    rad: Node<'_>,
    cx: &Cx<'_>,
) -> Result<Kind, Error> {
    let category = a
        .properties
        .get("metadata")
        .get("recommendationCategory")
        .text()?;
    let in_category = match category {
        Some(c) => format!(" (category `{c}`)"),
        None => String::new(),
    };
    let grouped = a
        .name
        .is_some_and(|n| GROUPED_KEYS.iter().any(|k| k.eq_ignore_ascii_case(n)));
    if grouped || ad.get("subAssessmentsLink").exists() {
        return Ok(Kind::Skip(
            SkipReason::NotAFinding,
            format!(
                "a grouped parent assessment{in_category}: a summary of sub-assessments, not a finding"
            ),
        ));
    }
    // Rule 2: the discriminator Azure Resource Graph shows.
    if let Some(t) = a.resource.resource_type {
        return Ok(if t.trim().eq_ignore_ascii_case(".containerimage") {
            Kind::ContainerImage
        } else {
            Kind::Skip(
                SkipReason::UnsupportedRecordType,
                format!(
                    "assessments of `{t}` resources{in_category} are not mapped (only container images, `.containerimage`)"
                ),
            )
        });
    }
    // Rule 3: export may lack ARG's extras (§10.1); a CVE list on an image is enough.
    let digest = rad.get("digest").text()?.is_some_and(is_content_digest)
        || a.resource.id.is_some_and(|id| digest_in_id(id).is_some());
    if ad.get("cvesDetails").exists() && digest {
        cx.warn(
            WarningCode::UnknownResourceType,
            "no resourceDetails.ResourceType: mapped as a container image (CvesDetails and an image digest are present)",
            &a.resource.node.get("resourceType"),
        );
        return Ok(Kind::ContainerImage);
    }
    Ok(Kind::Skip(
        SkipReason::UnsupportedRecordType,
        format!(
            "assessments without `resourceDetails.ResourceType`{in_category} are not mapped unless they list CVEs of a container image"
        ),
    ))
}
