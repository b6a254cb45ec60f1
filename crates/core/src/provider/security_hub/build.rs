//! The model of one finding → its events, one per resource (× vulnerability × package for
//! vulnerability findings; next-providers.md §2.3), fields in the order an ingest pipeline
//! reads: object, finding, risk, type-specific fields, `aws.*`, `container_image.*`,
//! vendor namespace.

use super::model::{Finding, Kind, Package, Resource, Vulnerability, result};
use crate::cve;
use crate::cx::Cx;
use crate::error::{Error, ErrorCode};
use crate::event::{Event, EventType, Producer, Value};
use crate::output::WarningCode;

pub(super) fn events(
    f: &Finding<'_>,
    cx: &Cx<'_>,
    producer: Producer,
) -> Result<Vec<Event>, Error> {
    if let Some((code, message)) = &f.risk.warning {
        cx.warn(*code, message.clone(), &f.severity_node);
    }
    if f.resources.is_empty() {
        // ASFF requires at least one resource; without one there is no object.
        return Err(cx.error_at(
            ErrorCode::MissingField,
            format!("finding `{}` names no resource", f.id),
            &f.node,
        ));
    }
    let kind = match f.kind {
        Kind::Compliance => EventType::ComplianceFinding,
        Kind::Detection => EventType::DetectionFinding,
        Kind::Vulnerability => EventType::VulnerabilityFinding,
    };
    if f.kind == Kind::Vulnerability {
        warn_gaps(f, cx);
    }
    let text = Text {
        title: Value::shared(f.title),
        description: f.description.map(Value::shared),
    };
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::with_capacity(f.resources.len());
    // A resource listed twice is one object: two events with one `event.id` would be one
    // too many.
    for r in f
        .resources
        .iter()
        .filter(|r| seen.insert((r.id, r.object_type.as_str())))
    {
        if f.kind != Kind::Vulnerability {
            out.push(event(f, &text, r, kind, producer, cx, None));
            continue;
        }
        if f.vulnerabilities.is_empty() {
            out.push(event(f, &text, r, kind, producer, cx, None));
        }
        for v in &f.vulnerabilities {
            if v.packages.is_empty() {
                out.push(event(f, &text, r, kind, producer, cx, Some((v, None))));
            }
            for p in &v.packages {
                out.push(event(f, &text, r, kind, producer, cx, Some((v, Some(p)))));
            }
        }
    }
    Ok(out)
}

/// Warnings about a vulnerability finding's gaps, once per finding (not per resource).
fn warn_gaps(f: &Finding<'_>, cx: &Cx<'_>) {
    if f.vulnerabilities.is_empty() {
        cx.warn(
            WarningCode::FieldMissing,
            format!("vulnerability finding `{}` lists no vulnerability", f.id),
            &f.node,
        );
    }
    for v in f.vulnerabilities.iter().filter(|v| v.packages.is_empty()) {
        if let Some(node) = &v.node {
            cx.warn(
                WarningCode::NoPackage,
                format!(
                    "vulnerability `{}` lists no vulnerable package: one event without component.*",
                    v.id.unwrap_or_default()
                ),
                node,
            );
        }
    }
}

/// The finding's title and description, one allocation each for all its events (one per
/// resource, vulnerability and package), as GuardDuty's (`Value::Shared`).
struct Text {
    title: Value,
    description: Option<Value>,
}

fn event(
    f: &Finding<'_>,
    text: &Text,
    r: &Resource<'_>,
    kind: EventType,
    producer: Producer,
    cx: &Cx<'_>,
    vuln: Option<(&Vulnerability<'_>, Option<&Package<'_>>)>,
) -> Event {
    let mut e = Event::new(kind, producer, cx.now);
    // The producing product (GuardDuty, Inspector, Security Hub, …), not the hub.
    if let Some(v) = f.vendor {
        e.set("product.vendor", v);
    }
    if let Some(p) = f.product {
        e.set("product.name", p);
    }
    e.put("object.id", r.id);
    e.put("object.type", r.object_type.as_str());
    e.put("object.name", r.name.as_str());
    e.put("finding.id", f.id);
    e.put(
        "finding.type",
        match f.kind {
            Kind::Vulnerability => "DEPENDENCY_VULNERABILITY",
            _ => f.first_type.unwrap_or(f.id),
        },
    );
    e.put("finding.title", text.title.clone());
    e.opt("finding.description", text.description.clone());
    e.put("finding.time.created", f.time.as_str());
    e.put("finding.severity", f.severity.as_str());
    e.opt("finding.score", f.score);
    e.opt("finding.status", f.status);
    e.opt("finding.url", f.url);
    e.put_static("dt.security.risk.level", f.risk.level.as_str());
    e.put("dt.security.risk.score", f.risk.score);
    match f.kind {
        Kind::Compliance => compliance(&mut e, f),
        Kind::Detection => {
            e.opt("detection.type", f.first_type);
            e.opt(
                "actor.ips",
                Some(
                    f.actor_ips
                        .iter()
                        .map(|s| (*s).to_owned())
                        .collect::<Vec<_>>(),
                ),
            );
        }
        Kind::Vulnerability => {
            if let Some((v, p)) = vuln {
                vulnerability(&mut e, v, p);
            }
        }
    }
    e.opt("aws.account.id", f.account);
    e.opt("aws.region", r.region.or(f.region));
    e.opt("aws.resource.type", r.aws_type);
    e.opt("aws.resource.id", r.aws_id);
    e.opt("aws.resource.name", r.aws_name);
    e.opt("aws.arn", r.arn);
    if let Some(i) = &r.image {
        e.opt("container_image.digest", i.digest);
        e.opt("container_image.repository", i.repository);
        e.opt("container_image.registry", i.registry.as_deref());
        e.opt("container_image.tags", Some(i.tags.clone()));
    }
    vendor(&mut e, f);
    e
}

fn compliance(e: &mut Event, f: &Finding<'_>) {
    if let Some(c) = &f.compliance {
        e.opt("compliance.status", c.status.as_deref());
        e.opt("compliance.control", c.control);
        e.opt("compliance.standards", Some(c.standards.clone()));
        e.opt("compliance.requirements", Some(c.requirements.clone()));
        e.opt("finding.result", c.status.as_deref().map(result));
    }
    e.opt("rule.id", f.rule_id);
    e.put("rule.name", f.title);
    e.opt("rule.description", f.description);
}

fn vulnerability(e: &mut Event, v: &Vulnerability<'_>, p: Option<&Package<'_>>) {
    e.opt("vulnerability.id", v.id);
    e.opt("vulnerability.references.cve", Some(cve::cve_ids(v.id)));
    e.opt("vulnerability.external_url", v.url);
    if let Some(c) = &v.cvss {
        e.opt("vulnerability.cvss.base_score", c.score);
        e.opt("vulnerability.cvss.version", c.version);
        e.opt("vulnerability.cvss.vector", c.vector);
    }
    e.opt("vulnerability.exploit.status", v.exploit);
    e.opt("vulnerability.remediation.status", v.fix);
    if let Some(p) = p {
        e.opt(
            "vulnerability.remediation.fix_versions",
            p.fixed_in.map(|f| vec![f.to_owned()]),
        );
        e.opt("component.name", p.name);
        e.opt("component.version", p.version.as_deref());
    }
}

fn vendor(e: &mut Event, f: &Finding<'_>) {
    let x = &f.extra;
    e.opt("securityhub.product_arn", x.product_arn);
    e.opt("securityhub.generator_id", x.generator_id);
    e.opt("securityhub.types", Some(x.types.clone()));
    e.opt("securityhub.record_state", x.record_state);
    if let Some(c) = &f.compliance {
        e.opt(
            "securityhub.compliance.status_reasons",
            Some(c.status_reasons.clone()),
        );
    }
    e.opt("securityhub.class_name", x.class_name);
    e.opt("securityhub.activity_name", x.activity_name);
    if x.sample {
        e.put("securityhub.sample", true);
    }
}
