//! AWS Security Hub findings (next-providers.md §2): ASFF as EventBridge delivers it
//! (`Security Hub Findings - Imported`), in `GetFindings` pages or bare; and OCSF from
//! Security Hub V2 (`Findings Imported V2`). One COMPLIANCE_FINDING, DETECTION_FINDING or
//! VULNERABILITY_FINDING per finding and resource (and vulnerability and package).
//!
//! Records: a payload splits into records before any provider sees it (`payload.rs`), so
//! a `GetFindings` page (`{"Findings": [...]}`) or an array of findings gives one record
//! per finding, but an EventBridge event is one record however many findings its
//! `detail.findings` holds (AWS sends one per event; the array is iterated all the same).
//! Each finding of an event is mapped on its own: the event is mapped when any finding
//! gives events (each skipped sibling raises a `finding-skipped` warning naming it), skipped
//! when every finding is skipped (the message lists each), and rejected when a finding is
//! invalid (the error's pointer names that finding). So every finding is accounted for in
//! the outcome or the warnings of its record.

mod asff;
mod build;
#[cfg(feature = "docs")]
mod fields;
mod model;
mod ocsf;
mod resource;
mod severity;

use super::{Example, Mapped, Provider, ProviderInfo, Shape};
use crate::cx::{Cx, Node};
use crate::error::{Error, ErrorCode};
use crate::event::{Event, EventType, Producer};
use crate::output::{SkipReason, WarningCode};
use crate::provider::example::minified_json;
use model::Read;

pub(crate) struct SecurityHub;

const SOURCE: &str = "aws.securityhub";
const IMPORTED: &str = "Security Hub Findings - Imported";
const IMPORTED_V2: &str = "Findings Imported V2";
/// Not findings to import: a user re-sending findings already imported (Dynatrace's rule
/// does not subscribe to it), and insight result counts.
const NOT_FINDINGS: &[&str] = &[
    "Security Hub Findings - Custom Action",
    "Security Hub Insight Results",
];

static INFO: ProviderInfo = ProviderInfo {
    id: "security-hub",
    name: "AWS Security Hub",
    vendor: "Amazon",
    summary: "Security Hub findings in ASFF (EventBridge `Security Hub Findings - Imported`, \
              GetFindings pages, bare findings) and in OCSF (Security Hub V2, `Findings \
              Imported V2`). Routed by ASFF `Types[0]` (OCSF `class_uid`) to \
              COMPLIANCE_FINDING (controls), DETECTION_FINDING (TTPs, Effects, Unusual \
              Behaviors) or VULNERABILITY_FINDING (CVEs), one event per resource (and per \
              vulnerability and package); other types, archived or closed findings, custom \
              actions and insight results are skipped. The level comes from the severity \
              label (OCSF `severity_id`); the score is the producing product's own score \
              (GuardDuty, Inspector) when it lies in the level's band, else the level's \
              fixed score.",
    event_types: &[
        EventType::ComplianceFinding,
        EventType::DetectionFinding,
        EventType::VulnerabilityFinding,
    ],
    severity: &severity::TABLE,
    #[cfg(feature = "docs")]
    fields: fields::FIELDS,
    examples: &[
        Example {
            name: "getfindings-inspector-cve-and-control",
            title: "GetFindings page: an Inspector CVE on a Lambda function and a control warning",
            payload: minified_json!(
                "../../../../../testdata/samples/security-hub/synthetic-asff-getfindings-page.json"
            ),
        },
        Example {
            name: "v2-ocsf-compliance-and-detection",
            title: "Security Hub V2 (OCSF): an RDS control failure and a GuardDuty detection",
            payload: minified_json!(
                "../../../../../testdata/samples/security-hub/synthetic-v2-ocsf-findings-imported-batch.json"
            ),
        },
    ],
};

impl Provider for SecurityHub {
    fn info(&self) -> &'static ProviderInfo {
        &INFO
    }

    fn claims(&self, shape: &Shape<'_>) -> bool {
        if shape.is_eventbridge() {
            return shape.source == Some(SOURCE);
        }
        shape.asff || shape.ocsf
    }

    fn map(&self, shape: &Shape<'_>, cx: &Cx<'_>) -> Result<Mapped, Error> {
        map(shape, cx, self.producer())
    }

    fn id_fields(&self) -> &'static [&'static str] {
        // Sibling events of one finding differ here: resources of different types may
        // share an id (an access key and the role using it, both named by the key id), and
        // one vulnerability finding on one resource gives an event per package.
        &[
            "object.type",
            "vulnerability.id",
            "component.name",
            "component.version",
        ]
    }
}

/// The format of the findings of a record.
#[derive(Clone, Copy)]
enum Format {
    Asff,
    Ocsf,
}

fn map(shape: &Shape<'_>, cx: &Cx<'_>, producer: Producer) -> Result<Mapped, Error> {
    let root = cx.root();
    if !shape.is_eventbridge() {
        let format = if shape.ocsf {
            Format::Ocsf
        } else {
            Format::Asff
        };
        return Ok(match one(root, format, cx, None, producer)? {
            Ok(events) => Mapped::Events(events),
            Err((reason, message)) => Mapped::Skipped(reason, message),
        });
    }
    let source = root.get("source").opt_str()?;
    let detail_type = root.get("detail-type").opt_str()?.unwrap_or_default();
    if let Some(s) = source.filter(|s| *s != SOURCE) {
        return Ok(Mapped::Skipped(
            SkipReason::UnsupportedRecordType,
            format!("EventBridge events from `{s}` are not mapped by the security-hub provider"),
        ));
    }
    let format = match detail_type {
        IMPORTED => Format::Asff,
        IMPORTED_V2 => Format::Ocsf,
        d if NOT_FINDINGS.contains(&d) => {
            return Ok(Mapped::Skipped(
                SkipReason::NotAFinding,
                format!("Security Hub `{d}` events are not imported findings"),
            ));
        }
        d => {
            return Ok(Mapped::Skipped(
                SkipReason::UnsupportedRecordType,
                format!("Security Hub `{d}` events are not mapped"),
            ));
        }
    };
    let region = root.get("region").text()?;
    let list = root.get("detail").get("findings");
    let findings = list.items()?;
    if findings.is_empty() {
        return Err(cx.error_at(
            ErrorCode::MissingField,
            format!("a `{detail_type}` event without findings"),
            &list,
        ));
    }
    let mut events = Vec::new();
    let mut skipped = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        match one(*f, format, cx, region, producer)? {
            Ok(mut e) => events.append(&mut e),
            Err(s) => skipped.push((i, *f, s)),
        }
    }
    if events.is_empty() {
        // Every finding skipped: the record takes the first one's reason; the message
        // names each finding with its own.
        let reason = skipped[0].2.0;
        let message = if skipped.len() == 1 {
            skipped.remove(0).2.1
        } else {
            skipped
                .iter()
                .map(|(i, _, (r, m))| format!("finding {i} ({}): {m}", r.as_str()))
                .collect::<Vec<_>>()
                .join("; ")
        };
        return Ok(Mapped::Skipped(reason, message));
    }
    for (i, node, (reason, message)) in skipped {
        cx.warn(
            WarningCode::FindingSkipped,
            format!("finding {i} skipped ({}): {message}", reason.as_str()),
            &node,
        );
    }
    Ok(Mapped::Events(events))
}

/// The events of one finding, or why it is skipped.
type FindingOutcome = Result<Vec<Event>, (SkipReason, String)>;

/// One finding: its events, or why it is skipped.
fn one<'a>(
    f: Node<'a>,
    format: Format,
    cx: &'a Cx<'a>,
    region: Option<&'a str>,
    producer: Producer,
) -> Result<FindingOutcome, Error> {
    let read = match format {
        Format::Asff => asff::read(f, cx, region)?,
        Format::Ocsf => ocsf::read(f, cx)?,
    };
    match read {
        Read::Finding(finding) => Ok(Ok(build::events(&finding, cx, producer)?)),
        Read::Skipped(reason, message) => Ok(Err((reason, message))),
    }
}
