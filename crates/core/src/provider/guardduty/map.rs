//! GuardDuty finding → `DETECTION_FINDING` events, in the order an ingest pipeline reads:
//! envelope, finding, derived fields, one event per affected object.

use super::input::{Envelope, Finding, RemoteIpDetails, Service};
use super::resource::{self, Object};
use super::severity::{self, TABLE};
use crate::cx::Cx;
use crate::error::{Error, ErrorCode};
use crate::event::{Event, EventType, Producer};
use crate::output::{SkipReason, WarningCode};
use crate::payload::Probe;
use crate::provider::Mapped;
use crate::severity::Risk;

const EVENTBRIDGE_SOURCE: &str = "aws.guardduty";
const FINDING_DETAIL_TYPE: &str = "GuardDuty Finding";

pub(super) fn map(probe: &Probe<'_>, cx: &mut Cx<'_>, producer: Producer) -> Result<Mapped, Error> {
    let text = cx.text();
    let (finding_text, at, envelope) = if probe.is_eventbridge() || probe.detail.is_some() {
        let env: Envelope<'_> = cx.parse(text, "")?;
        if let Some(source) = env.source.as_deref().filter(|s| *s != EVENTBRIDGE_SOURCE) {
            return Ok(Mapped::Skipped(
                SkipReason::UnsupportedRecordType,
                format!(
                    "EventBridge events from `{source}` are not mapped by the guardduty provider"
                ),
            ));
        }
        if let Some(dt) = env
            .detail_type
            .as_deref()
            .filter(|d| *d != FINDING_DETAIL_TYPE)
        {
            return Ok(Mapped::Skipped(
                SkipReason::UnsupportedRecordType,
                format!("GuardDuty `{dt}` events are not findings"),
            ));
        }
        let detail = env.detail.ok_or_else(|| {
            cx.error(
                ErrorCode::MissingField,
                "EventBridge event without `detail`",
                "/detail",
            )
        })?;
        if !detail.get().starts_with('{') {
            return Err(cx.error(
                ErrorCode::InvalidValue,
                "`detail` is not a JSON object",
                "/detail",
            ));
        }
        (detail.get(), "/detail", Some((env.account, env.region)))
    } else {
        (text, "", None)
    };
    let f: Finding = cx.parse(finding_text, at)?;
    let service = f.service.as_ref();

    if service.and_then(|s| s.archived).is_some_and(|a| a.0) {
        return Ok(Mapped::Skipped(
            SkipReason::Resolved,
            "the finding is archived".into(),
        ));
    }
    let sample = service
        .and_then(|s| s.additional_info.as_ref())
        .and_then(|i| i.sample)
        .is_some_and(|s| s.0);
    if sample && cx.options.skip_sample_findings {
        return Ok(Mapped::Skipped(
            SkipReason::SampleFinding,
            "a GuardDuty sample finding (service.additionalInfo.sample)".into(),
        ));
    }

    let (env_account, env_region) = envelope.unwrap_or((None, None));
    let account = f.account_id.clone().or(env_account).unwrap_or_default();
    let region = f.region.clone().or(env_region).unwrap_or_default();
    let time = cx.required_time(&[
        (f.updated_at.as_ref(), &format!("{at}/updatedAt")),
        (
            service.and_then(|s| s.event_last_seen.as_ref()),
            &format!("{at}/service/eventLastSeen"),
        ),
        (f.created_at.as_ref(), &format!("{at}/createdAt")),
    ])?;
    let score = f.severity.map(|n| cx.num(n, &format!("{at}/severity")));
    let risk = TABLE.risk_for_score(score);
    if let Some((code, message)) = &risk.warning {
        cx.warn(*code, message.clone(), &format!("{at}/severity"));
    }
    let (objects, unknown_type) = resource::affected(&f, &account, &region);
    if unknown_type {
        let rtype = f
            .resource
            .as_ref()
            .and_then(|r| r.resource_type.as_deref())
            .unwrap_or("");
        cx.warn(
            WarningCode::UnknownResourceType,
            format!("resource type `{rtype}` has no known object type; kept as is"),
            &format!("{at}/resource/resourceType"),
        );
    }
    let actor = Actor::of(service);
    let events = objects
        .iter()
        .map(|o| {
            let mut e = Event::new(EventType::DetectionFinding, producer, cx.now);
            object(&mut e, o);
            finding(&mut e, &f, &time, score, &risk, &region);
            container(&mut e, o);
            aws(&mut e, o, &account, &region);
            actor.write(&mut e);
            vendor(&mut e, service, sample);
            e
        })
        .collect();
    Ok(Mapped::Events(events))
}

fn object(e: &mut Event, o: &Object) {
    e.set("object.id", o.id.as_str());
    e.set("object.type", o.object_type.as_str());
    e.set("object.name", o.name.as_str());
}

fn finding(e: &mut Event, f: &Finding, time: &str, score: Option<f64>, risk: &Risk, region: &str) {
    e.set("finding.id", f.id.as_str());
    e.set("finding.type", f.kind.as_str());
    e.set("finding.title", f.title.as_deref().unwrap_or(&f.kind));
    e.opt("finding.description", f.description.as_deref());
    e.set("finding.time.created", time);
    // Always set on findings (design §3): GuardDuty's band label, else the number as
    // sent, else (no severity at all) the level it maps to.
    let label = severity::label(risk.level).map(str::to_owned);
    e.set(
        "finding.severity",
        label
            .or_else(|| score.map(|s| s.to_string()))
            .unwrap_or_else(|| risk.level.as_str().to_owned()),
    );
    e.opt("finding.score", score);
    if !region.is_empty() && matches!(f.partition.as_deref(), None | Some("aws")) {
        e.set(
            "finding.url",
            format!(
                "https://{region}.console.aws.amazon.com/guardduty/home?region={region}#/findings?macros=current&fId={}",
                f.id
            ),
        );
    }
    e.set("dt.security.risk.level", risk.level.as_str());
    e.set("dt.security.risk.score", risk.score);
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
        e.opt("k8s.workload.name", k.workload.as_deref());
        e.opt("k8s.workload.kind", k.workload_kind.as_deref());
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

fn vendor(e: &mut Event, service: Option<&Service>, sample: bool) {
    if let Some(s) = service {
        e.opt("guardduty.detector.id", s.detector_id.as_deref());
        e.opt(
            "guardduty.action.type",
            s.action.as_ref().and_then(|a| a.action_type.as_deref()),
        );
        e.opt("guardduty.feature.name", s.feature_name.as_deref());
        e.opt("guardduty.resource.role", s.resource_role.as_deref());
        // A count: whole numbers stay integers in the event.
        e.opt(
            "guardduty.count",
            s.count
                .filter(|c| c.value.fract() == 0.0 && c.value.abs() < 9e15)
                .map(|c| c.value as i64),
        );
    }
    if sample {
        e.set("guardduty.sample", true);
    }
}

/// Who acted: remote IPs and domains of the finding's action.
#[derive(Default)]
struct Actor {
    ips: Vec<String>,
    fqdns: Vec<String>,
    country: Option<String>,
}

impl Actor {
    fn of(service: Option<&Service>) -> Actor {
        let mut a = Actor::default();
        let Some(action) = service.and_then(|s| s.action.as_ref()) else {
            return a;
        };
        let remotes = [
            &action.network_connection_action,
            &action.aws_api_call_action,
            &action.rds_login_attempt_action,
        ];
        for r in remotes.into_iter().flatten() {
            a.add(r.remote_ip_details.as_ref());
        }
        if let Some(k) = &action.kubernetes_api_call_action {
            a.add(k.remote_ip_details.as_ref());
            for ip in k.source_ips.iter().flatten() {
                a.ip(ip);
            }
        }
        for p in action
            .port_probe_action
            .iter()
            .flat_map(|p| p.port_probe_details.iter().flatten())
        {
            a.add(p.remote_ip_details.as_ref());
        }
        if let Some(domain) = action
            .dns_request_action
            .as_ref()
            .and_then(|d| d.domain.as_deref())
            && !domain.is_empty()
        {
            a.fqdns.push(domain.to_owned());
        }
        a
    }

    fn add(&mut self, details: Option<&RemoteIpDetails>) {
        let Some(d) = details else { return };
        for ip in [&d.ip_address_v4, &d.ip_address_v6].into_iter().flatten() {
            self.ip(ip);
        }
        if self.country.is_none() {
            self.country = d.country.as_ref().and_then(|c| c.country_name.clone());
        }
    }

    fn ip(&mut self, ip: &str) {
        if !ip.is_empty() && !self.ips.iter().any(|i| i == ip) {
            self.ips.push(ip.to_owned());
        }
    }

    fn write(&self, e: &mut Event) {
        e.opt("actor.ips", Some(self.ips.clone()));
        e.opt("actor.fqdns", Some(self.fqdns.clone()));
        e.opt("actor.geo.country.name", self.country.as_deref());
    }
}

#[cfg(test)]
mod tests {
    use crate::{Options, transform};

    fn severity_of(severity: &str) -> Option<String> {
        let payload = format!(
            r#"{{"id":"f1","type":"Recon:EC2/Portscan","accountId":"123456789012",
              "region":"us-east-1","updatedAt":"2026-01-01T00:00:00Z"{severity},
              "resource":{{"resourceType":"Instance","instanceDetails":{{"instanceId":"i-1"}}}}}}"#
        );
        let out = transform("guardduty", payload.as_bytes(), &Options::new()).unwrap();
        out.events[0].get_str("finding.severity").map(str::to_owned)
    }

    #[test]
    fn finding_severity_is_always_set() {
        assert_eq!(severity_of(r#","severity":8.2"#).as_deref(), Some("High"));
        assert_eq!(severity_of(r#","severity":0"#).as_deref(), Some("0"));
        // No severity at all: the level it maps to (it used to be left out).
        assert_eq!(severity_of("").as_deref(), Some("NONE"));
    }
}
