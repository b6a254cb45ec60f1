//! GuardDuty finding → `DETECTION_FINDING` events, in the order an ingest pipeline reads:
//! envelope, finding, derived fields, one event per affected object.

use super::input::{Finding, Service};
use super::resource::{self, Object, StandIn};
use super::severity::TABLE;
use crate::cx::Cx;
use crate::error::{Error, ErrorCode};
use crate::event::{Event, EventType, Producer, Value};
use crate::output::{SkipReason, WarningCode};
use crate::provider::{Mapped, Shape};
use crate::severity::Risk;

const EVENTBRIDGE_SOURCE: &str = "aws.guardduty";
const FINDING_DETAIL_TYPE: &str = "GuardDuty Finding";

pub(super) fn map(shape: &Shape<'_>, cx: &Cx<'_>, producer: Producer) -> Result<Mapped, Error> {
    let root = cx.root();
    let (finding, envelope) = if shape.is_eventbridge() || shape.has_detail {
        let source = root.get("source").opt_str()?;
        let detail_type = root.get("detail-type").opt_str()?;
        let account = root.get("account").opt_str()?;
        let region = root.get("region").opt_str()?;
        if let Some(source) = source.filter(|s| *s != EVENTBRIDGE_SOURCE) {
            return Ok(Mapped::Skipped(
                SkipReason::UnsupportedRecordType,
                format!(
                    "EventBridge events from `{source}` are not mapped by the guardduty provider"
                ),
            ));
        }
        if let Some(dt) = detail_type.filter(|d| *d != FINDING_DETAIL_TYPE) {
            return Ok(Mapped::Skipped(
                SkipReason::UnsupportedRecordType,
                format!("GuardDuty `{dt}` events are not findings"),
            ));
        }
        let detail = root.get("detail");
        if !detail.exists() {
            return Err(cx.error_at(
                ErrorCode::MissingField,
                "EventBridge event without `detail`",
                &detail,
            ));
        }
        (detail, (account, region))
    } else {
        (root, (None, None))
    };
    let f = Finding::read(finding)?;
    let service = f.service.as_ref();

    if service.is_some_and(|s| s.archived) {
        return Ok(Mapped::Skipped(
            SkipReason::Resolved,
            "the finding is archived".into(),
        ));
    }
    let sample = service.is_some_and(|s| s.sample);
    if sample && cx.options.skip_sample_findings {
        return Ok(Mapped::Skipped(
            SkipReason::SampleFinding,
            "a GuardDuty sample finding (service.additionalInfo.sample)".into(),
        ));
    }

    let (env_account, env_region) = envelope;
    let account = f.account_id.or(env_account).unwrap_or_default();
    let region = f.region.or(env_region).unwrap_or_default();
    let mut times = vec![f.updated_at];
    times.extend(service.map(|s| s.event_last_seen));
    times.push(f.created_at);
    let time = cx.required_time(&times)?;
    let score = f.severity.opt_num()?;
    let risk = TABLE.risk_for_score(score);
    if let Some((code, message)) = &risk.warning {
        cx.warn(*code, message.clone(), &f.severity);
    }
    let (objects, stand_in) = resource::affected(&f, account, region);
    if objects.iter().any(|o| o.id.is_empty()) {
        // The resource names nothing, so the object is the account, and there is none.
        return Err(cx.error_at(
            ErrorCode::MissingField,
            "a finding whose resource names no object needs `accountId` (or an EventBridge `account`)",
            &finding.get("accountId"),
        ));
    }
    let resource = finding.get("resource");
    let rtype = f.resource.resource_type.unwrap_or("");
    match stand_in {
        StandIn::No => {}
        StandIn::UnknownType => cx.warn(
            WarningCode::UnknownResourceType,
            format!("resource type `{rtype}` is not mapped; the account stands in as the object"),
            &resource.get("resourceType"),
        ),
        StandIn::NoDetails => cx.warn(
            WarningCode::IdDerived,
            format!("the `{rtype}` resource names no object; the account stands in as the object"),
            &resource,
        ),
        StandIn::NoResource => cx.warn(
            WarningCode::IdDerived,
            "the finding names no resource; the account stands in as the object",
            &resource,
        ),
    }
    let count = match service {
        Some(s) => s.count.opt_num()?,
        None => None,
    };
    let text = FindingText::new(&f, &time, region);
    let events = objects
        .iter()
        .map(|o| {
            let mut e = Event::new(EventType::DetectionFinding, producer, cx.now);
            object(&mut e, o);
            finding_fields(&mut e, &text, score, &risk);
            container(&mut e, o);
            aws(&mut e, o, account, region);
            if let Some(s) = service {
                actor(&mut e, s);
            }
            vendor(&mut e, service, count, sample);
            s3_object(&mut e, o);
            e
        })
        .collect();
    Ok(Mapped::Events(events))
}

fn object(e: &mut Event, o: &Object) {
    e.put("object.id", o.id.as_str());
    e.put_static("object.type", o.object_type);
    e.put("object.name", o.name.as_str());
}

/// The finding's own strings, made once and shared by its events (one per affected
/// object: a pod finding names every container), so that a finding's events take memory
/// linear in the finding, whatever its title's length times its containers.
struct FindingText {
    id: Value,
    kind: Value,
    title: Value,
    description: Option<Value>,
    time: Value,
    url: Option<Value>,
}

impl FindingText {
    fn new(f: &Finding<'_>, time: &str, region: &str) -> FindingText {
        let url = (!region.is_empty() && matches!(f.partition, None | Some("aws"))).then(|| {
            Value::shared(&format!(
                "https://{region}.console.aws.amazon.com/guardduty/home?region={region}#/findings?macros=current&fId={}",
                f.id
            ))
        });
        FindingText {
            id: Value::shared(f.id),
            kind: Value::shared(f.kind),
            title: Value::shared(f.title.unwrap_or(f.kind)),
            description: f.description.map(Value::shared),
            time: Value::shared(time),
            url,
        }
    }
}

fn finding_fields(e: &mut Event, t: &FindingText, score: Option<f64>, risk: &Risk) {
    e.put("finding.id", t.id.clone());
    e.put("finding.type", t.kind.clone());
    e.put("finding.title", t.title.clone());
    e.opt("finding.description", t.description.clone());
    e.put("finding.time.created", t.time.clone());
    // The band's level in capitals, as the GuardDuty seed table (design.md §4) and
    // Dynatrace's GuardDuty page write GuardDuty's levels: `HIGH`, not the console's `High`;
    // `NONE` for 0 and for no severity. The number is `finding.score`.
    e.put_static("finding.severity", risk.level.as_str());
    e.opt("finding.score", score);
    e.opt("finding.url", t.url.clone());
    e.put_static("dt.security.risk.level", risk.level.as_str());
    e.put("dt.security.risk.score", risk.score);
}

fn container(e: &mut Event, o: &Object) {
    if let Some(c) = &o.container {
        e.opt("container.id", c.id.as_deref());
        e.opt("container.name", c.name.as_deref());
        e.opt("container.image.name", c.image_name.as_deref());
        e.opt("container.image.version", c.image_version.as_deref());
        e.opt("container.image.digest", c.image_digest.as_deref());
    }
    if let Some(k) = &o.k8s {
        e.opt("k8s.cluster.name", k.cluster.as_deref());
        e.opt("k8s.namespace.name", k.namespace.as_deref());
        e.opt("k8s.pod.name", k.pod_name.as_deref());
        e.opt("k8s.pod.uid", k.pod_uid.as_deref());
        e.opt("k8s.workload.name", k.workload.as_deref());
        e.opt("k8s.workload.kind", k.workload_kind.as_deref());
    }
}

/// What GuardDuty says about a scanned S3 object besides its ARN (`object.id`) and key
/// (`object.name`): the version and ETag that were scanned, the hash of the threat.
fn s3_object(e: &mut Event, o: &Object) {
    if let Some(s) = &o.s3 {
        e.opt("guardduty.s3.object.version_id", s.version_id.as_deref());
        e.opt("guardduty.s3.object.etag", s.etag.as_deref());
        e.opt("guardduty.s3.object.hash", s.hash.as_deref());
    }
}

fn aws(e: &mut Event, o: &Object, account: &str, region: &str) {
    e.opt("aws.account.id", Some(account));
    e.opt("aws.region", Some(region));
    e.opt("aws.availability_zone", o.availability_zone.as_deref());
    e.opt("aws.resource.type", o.aws_type);
    e.opt("aws.resource.id", o.aws_id.as_deref());
    e.opt("aws.resource.name", o.aws_name.as_deref());
    e.opt("aws.arn", o.arn.as_deref());
}

fn actor(e: &mut Event, s: &Service<'_>) {
    let a = &s.actor;
    e.opt(
        "actor.ips",
        Some(a.ips.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()),
    );
    e.opt(
        "actor.fqdns",
        Some(a.fqdns.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()),
    );
    e.opt("actor.geo.country.name", a.country);
}

fn vendor(e: &mut Event, service: Option<&Service<'_>>, count: Option<f64>, sample: bool) {
    if let Some(s) = service {
        e.opt("guardduty.detector.id", s.detector_id);
        e.opt("guardduty.action.type", s.action_type);
        e.opt("guardduty.feature.name", s.feature_name);
        e.opt("guardduty.resource.role", s.resource_role);
        // A count: whole numbers stay integers in the event.
        e.opt(
            "guardduty.count",
            count
                .filter(|c| c.fract() == 0.0 && c.abs() < 9e15)
                .map(|c| c as i64),
        );
    }
    if sample {
        e.put("guardduty.sample", true);
    }
}
