//! Microsoft Defender for Cloud container image vulnerability assessments, as exported to
//! Azure Event Hubs (continuous export) or read from Azure Resource Graph, to
//! `VULNERABILITY_FINDING` and `VULNERABILITY_SCAN` events. Two formats: the individual
//! recommendations (`Microsoft.Security/assessments`, one record per vulnerable package;
//! [`recommendation`]) and the retired sub-assessments (one record per CVE and package;
//! [`map`]).

mod artifact;
mod cloud;
#[cfg(feature = "docs")]
mod fields;
mod input;
mod map;
mod recommendation;
mod remediation;
mod scan;
mod severity;

use super::{Example, Mapped, Provider, ProviderInfo, Shape, Slot};
use crate::cx::Cx;
use crate::error::Error;
use crate::event::EventType;
use crate::provider::example::minified_json;

pub(crate) struct DefenderForCloud;

static INFO: ProviderInfo = ProviderInfo {
    id: "defender-for-cloud",
    name: "Microsoft Defender for Cloud",
    vendor: "Microsoft",
    summary: "Container image vulnerabilities in both formats, from continuous export \
              (Event Hubs) or Azure Resource Graph (`data`/`value` pages), camelCase or \
              PascalCase: individual recommendations (Microsoft.Security/assessments with \
              ResourceType .containerimage, category SoftwareUpdate; CvesDetails, \
              ScannersDetails and resourceAdditionalData as JSON text or objects), one \
              VULNERABILITY_FINDING per image × package × CVE with the CVE's own severity; and \
              the retired sub-assessments (Qualys-era ContainerRegistryVulnerability and MDVM \
              Azure/Aws/GcpContainerRegistryVulnerability), one finding per record. One \
              VULNERABILITY_SCAN per image and scan, also for images whose records are all \
              Healthy. Healthy and deleted records are resolved, NotApplicable ones not \
              applicable; VM, DevOps, AKS and secrets recommendations, grouped parents, alerts, \
              secure scores and compliance records are skipped with a reason. In the field \
              table, SA marks sub-assessment sources and IR individual-recommendation sources \
              (IR §n: shared/docs/defender-individual-recommendations.md); AD is \
              /properties/additionalData, CVE an entry of AD/CvesDetails, SCN \
              AD/ScannersDetails/mdvm (else agentlessmdvm), RAD \
              /properties/resourceAdditionalData.",
    event_types: &[
        EventType::VulnerabilityFinding,
        EventType::VulnerabilityScan,
    ],
    severity: &severity::TABLE,
    #[cfg(feature = "docs")]
    fields: fields::FIELDS,
    examples: &[
        Example {
            name: "mdvm-aws-ecr",
            title: "MDVM sub-assessment of an Amazon ECR image (Azure Resource Graph result)",
            payload: minified_json!(
                "../../../../../testdata/samples/defender-for-cloud/arg-subassessment-mdvm-aws-ecr-CVE-2023-32700.json"
            ),
        },
        Example {
            name: "mdvm-gcp-gar",
            title: "MDVM sub-assessment of a Google Artifact Registry image",
            payload: minified_json!(
                "../../../../../testdata/samples/defender-for-cloud/arg-subassessment-mdvm-gcp-gar-CVE-2017-11613.json"
            ),
        },
        Example {
            name: "event-hubs-batch",
            title: "Event Hubs batch: two findings on one ACR image, a healthy one, a secure score",
            payload: minified_json!(
                "../../../../../testdata/cases/defender-for-cloud/event-hubs-batch.json"
            ),
        },
        Example {
            name: "individual-recommendations-event-hubs",
            title: "Individual recommendations (2026 format): Event Hubs batch with two vulnerable packages of one ACR image, a Healthy package, a VM update and a secret",
            payload: minified_json!(
                "../../../../../testdata/samples/defender-for-cloud/synthetic-individual-rec-eventhub-batch.json"
            ),
        },
    ],
};

impl Provider for DefenderForCloud {
    fn info(&self) -> &'static ProviderInfo {
        &INFO
    }

    fn claims(&self, shape: &Shape<'_>) -> bool {
        shape.alert
            || shape
                .record_type
                .is_some_and(|t| t.to_ascii_lowercase().starts_with("microsoft.security/"))
    }

    fn map(&self, shape: &Shape<'_>, cx: &Cx<'_>) -> Result<Mapped, Error> {
        map::map(shape, cx, self.producer())
    }

    fn finish(&self, slots: &mut [Slot], now: Option<&str>) {
        scan::add_scan_events(slots, INFO.id, self.producer(), now);
    }
}
