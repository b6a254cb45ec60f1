//! Amazon Inspector (Inspector2) findings and scans, as delivered by Amazon EventBridge
//! (`Inspector2 Finding`, `Inspector2 Scan`) or read from a `ListFindings` page, to
//! `VULNERABILITY_FINDING` and `VULNERABILITY_SCAN` events (`next-providers.md` §3).

#[cfg(feature = "docs")]
mod fields;
mod input;
mod map;
mod resource;
mod scan;
mod severity;

use super::{Example, Mapped, Provider, ProviderInfo, Shape, Slot};
use crate::cx::Cx;
use crate::error::Error;
use crate::event::EventType;
use crate::provider::example::minified_json;

pub(crate) struct Inspector;

static INFO: ProviderInfo = ProviderInfo {
    id: "inspector",
    name: "Amazon Inspector",
    vendor: "Amazon",
    summary: "Inspector2 findings from EventBridge (`detail-type` \"Inspector2 Finding\") or in a \
              ListFindings page. Package vulnerabilities: one VULNERABILITY_FINDING per resource × \
              vulnerable package, on ECR images (object.type CONTAINER_IMAGE, container_image.* \
              as Defender for Cloud fills them), EC2 instances and Lambda functions; code \
              vulnerabilities: one per finding with code.*. \"Inspector2 Scan\" events with \
              INITIAL_SCAN_COMPLETE: one VULNERABILITY_SCAN per image, whose scan.id the image's \
              findings in the same call share. Level from Inspector's severity label; score is \
              the inspectorScore when it lies in that level's band, else the level's fixed \
              score. Suppressed and closed findings, network reachability, other resource \
              types, other scan statuses, ECR basic-scanning events and Inspector Classic \
              notifications are skipped with a reason.",
    event_types: &[
        EventType::VulnerabilityFinding,
        EventType::VulnerabilityScan,
    ],
    severity: &severity::TABLE,
    #[cfg(feature = "docs")]
    fields: fields::FIELDS,
    examples: &[
        Example {
            name: "eventbridge-ecr-image",
            title: "EventBridge event: package vulnerability on an Amazon ECR image (AWS's 2021 sample)",
            payload: minified_json!(
                "../../../../../testdata/samples/inspector/awsdocs-ecr-guide__inspector2-finding-ecr-image-2021-human-readable-timestamps.json"
            ),
        },
        Example {
            name: "eventbridge-ec2-package",
            title: "EventBridge event: package vulnerability on an EC2 instance",
            payload: minified_json!(
                "../../../../../testdata/samples/inspector/synthetic-inspector2-finding-ec2-package.json"
            ),
        },
    ],
};

impl Provider for Inspector {
    fn info(&self) -> &'static ProviderInfo {
        &INFO
    }

    fn claims(&self, shape: &Shape<'_>) -> bool {
        if shape.is_eventbridge() {
            // ECR's own scan events sit beside Inspector's: the same images, no findings.
            return matches!(shape.source, Some("aws.inspector2" | "aws.ecr"))
                || shape
                    .detail_type
                    .is_some_and(|d| d.starts_with("Inspector2 "));
        }
        shape
            .finding_arn
            .is_some_and(|a| a.starts_with("arn:") && a.contains(":inspector2:"))
            || shape.inspector_classic
    }

    fn map(&self, shape: &Shape<'_>, cx: &Cx<'_>) -> Result<Mapped, Error> {
        map::map(shape, cx, self.producer())
    }

    fn finish(&self, slots: &mut [Slot], _now: Option<&str>) {
        scan::link_findings(slots);
    }
}
