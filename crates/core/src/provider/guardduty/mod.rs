//! Amazon GuardDuty findings, as delivered by Amazon EventBridge (or bare, or in a
//! `GetFindings` result), to `DETECTION_FINDING` events.

#[cfg(feature = "docs")]
mod fields;
mod input;
mod map;
mod resource;
mod severity;

use super::{Example, Mapped, Provider, ProviderInfo, Shape};
use crate::cx::Cx;
use crate::error::Error;
use crate::event::EventType;
use crate::provider::example::minified_json;

pub(crate) struct GuardDuty;

static INFO: ProviderInfo = ProviderInfo {
    id: "guardduty",
    name: "Amazon GuardDuty",
    vendor: "Amazon",
    summary: "GuardDuty findings from EventBridge (`detail-type` \"GuardDuty Finding\"), bare or \
              in a GetFindings result, camelCase or PascalCase. One DETECTION_FINDING per affected \
              object: the container a runtime finding names, else each container of the EKS \
              workload or ECS task (object.type CONTAINER); each scanned S3 object \
              (Malware Protection for S3) or bucket; else the primary resource, or the account. \
              Risk score is the GuardDuty severity; the level follows GuardDuty's bands.",
    event_types: &[EventType::DetectionFinding],
    severity: &severity::TABLE,
    #[cfg(feature = "docs")]
    fields: fields::FIELDS,
    examples: &[
        Example {
            name: "eventbridge-network-connection",
            title: "EventBridge event: EC2 instance talking to a command-and-control server",
            payload: minified_json!(
                "../../../../../testdata/samples/guardduty/guardduty-sentinel-integration__network-connection-eventbridge.json"
            ),
        },
        Example {
            name: "bare-finding-ec2",
            title: "Bare GuardDuty finding (no envelope), AWS-generated sample values",
            payload: minified_json!(
                "../../../../../testdata/samples/guardduty/aws-samples-automated-response__ec2.json"
            ),
        },
        Example {
            name: "eks-runtime-multi-container",
            title: "EKS runtime finding on a two-container pod: one event per container",
            payload: minified_json!(
                "../../../../../testdata/cases/guardduty/eks-multi-container.json"
            ),
        },
    ],
};

impl Provider for GuardDuty {
    fn info(&self) -> &'static ProviderInfo {
        &INFO
    }

    fn claims(&self, shape: &Shape<'_>) -> bool {
        if shape.is_eventbridge() {
            return shape.source == Some("aws.guardduty")
                || shape
                    .detail_type
                    .is_some_and(|d| d.starts_with("GuardDuty"));
        }
        // A trimmed envelope (only `detail`, maybe `region`), or a bare finding.
        shape.has_detail
            || shape.arn.is_some_and(|a| a.contains(":guardduty:"))
            || (shape.has_resource
                && shape.has_severity
                && shape
                    .record_type
                    .is_some_and(|t| t.contains(':') && t.contains('/')))
    }

    fn map(&self, shape: &Shape<'_>, cx: &Cx<'_>) -> Result<Mapped, Error> {
        map::map(shape, cx, self.producer())
    }
}
