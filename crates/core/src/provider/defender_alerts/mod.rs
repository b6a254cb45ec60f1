//! Microsoft Defender for Cloud security alerts, as continuous export sends them to Azure
//! Event Hubs (PascalCase, Log-Analytics-like) or as the ARM alerts API documents them
//! (camelCase under `properties`), to one `DETECTION_FINDING` per alert and affected Azure
//! resource. See shared/docs/next-providers.md §4.

mod azure;
mod entities;
#[cfg(feature = "docs")]
mod fields;
mod input;
mod map;
mod severity;

use super::{Example, Mapped, Provider, ProviderInfo, Shape};
use crate::cx::Cx;
use crate::error::Error;
use crate::event::EventType;
use crate::provider::example::minified_json;

pub(crate) struct DefenderAlerts;

static INFO: ProviderInfo = ProviderInfo {
    id: "defender-alerts",
    name: "Microsoft Defender for Cloud",
    vendor: "Microsoft",
    summary: "Security alerts (Defender for Containers, Servers, Key Vault, ...) in the \
              PascalCase shape continuous export sends to Event Hubs or the camelCase ARM \
              alerts API shape. One DETECTION_FINDING per alert and affected Azure resource: \
              the resource as the object, or the container when the alert names exactly one, \
              with `azure.*`, `k8s.*`, `container.*`, `actor.ips` and MITRE technique ids from \
              the alert's JSON.NET entity graph. Dismissed and Resolved alerts are skipped. The \
              events of one alert copy its descriptive fields within 1 MiB per record \
              (warning `fields-shared` beyond).",
    event_types: &[EventType::DetectionFinding],
    severity: &severity::TABLE,
    #[cfg(feature = "docs")]
    fields: fields::FIELDS,
    examples: &[
        Example {
            name: "event-hubs-container-and-vm",
            title: "Event Hubs batch: a Defender for Containers runtime alert and a Defender for Servers alert",
            payload: minified_json!(
                "../../../../../testdata/cases/defender-alerts/event-hubs-container-and-vm.json"
            ),
        },
        Example {
            name: "arm-shape-key-vault",
            title: "ARM alerts API shape in a `records` wrapper: a Key Vault alert with an attacker IP",
            payload: minified_json!(
                "../../../../../testdata/samples/defender-alerts/synthetic-alert-arm-shape-records-wrapper.json"
            ),
        },
    ],
};

impl Provider for DefenderAlerts {
    fn info(&self) -> &'static ProviderInfo {
        &INFO
    }

    fn claims(&self, shape: &Shape<'_>) -> bool {
        map::is_alert(shape)
    }

    fn map(&self, shape: &Shape<'_>, cx: &Cx<'_>) -> Result<Mapped, Error> {
        map::map(shape, cx, self.producer())
    }
}
