//! Inspector2 record → events, in the order an ingest pipeline reads: envelope (what kind
//! of event), lifecycle and type (what to skip), the finding, then one event per resource ×
//! vulnerable package (`next-providers.md` §3.1–3.5).

use super::input::{Cvss, Finding, Package, Resource};
use super::resource::{self, Context, Object};
use super::scan;
use super::severity::TABLE;
use crate::aws::Arn;
use crate::cve;
use crate::cvss;
use crate::cx::{Cx, Node};
use crate::error::{Error, ErrorCode};
use crate::event::{Event, EventType, Producer, Value};
use crate::ids;
use crate::output::{SkipReason, WarningCode};
use crate::provider::{Mapped, Shape};
use crate::severity::Risk;

pub(super) const PROVIDER: &str = "inspector";
const SOURCE: &str = "aws.inspector2";
const ECR_SOURCE: &str = "aws.ecr";
const FINDING_DETAIL_TYPE: &str = "Inspector2 Finding";
const SCAN_DETAIL_TYPE: &str = "Inspector2 Scan";

/// What the EventBridge envelope adds.
#[derive(Default, Clone, Copy)]
pub(super) struct Envelope<'a> {
    pub account: Option<&'a str>,
    pub region: Option<&'a str>,
}

pub(super) fn map(shape: &Shape<'_>, cx: &Cx<'_>, producer: Producer) -> Result<Mapped, Error> {
    let root = cx.root();
    if shape.inspector_classic {
        let event = root.get("event").opt_str()?.unwrap_or_default();
        return Ok(Mapped::Skipped(
            SkipReason::UnsupportedRecordType,
            format!(
                "an Amazon Inspector Classic SNS notification (`{event}`) names a finding ARN \
                 but carries no finding content; Inspector Classic is not mapped"
            ),
        ));
    }
    if !shape.is_eventbridge() {
        // A bare finding: a `ListFindings` page element.
        return finding(root, Envelope::default(), cx, producer);
    }
    let source = root.get("source").opt_str()?;
    let detail_type = root.get("detail-type").opt_str()?;
    let envelope = Envelope {
        account: root.get("account").text()?,
        region: root.get("region").text()?,
    };
    let detail = root.get("detail");
    match (source, detail_type) {
        // Dynatrace's basic-scanning forwarder reads the findings from the ECR API instead
        // of these events (cloud-snippets `aws-ecr-event-forwarder`).
        (Some(ECR_SOURCE), Some("ECR Image Scan")) => Ok(Mapped::Skipped(
            SkipReason::NotAFinding,
            "an Amazon ECR basic scanning result holds severity counts only, no findings \
             (enhanced scanning findings arrive as `Inspector2 Finding` events)"
                .into(),
        )),
        (Some(ECR_SOURCE), dt) => Ok(Mapped::Skipped(
            SkipReason::NotAFinding,
            format!(
                "Amazon ECR `{}` events are not findings",
                dt.unwrap_or_default()
            ),
        )),
        (Some(s), _) if s != SOURCE => Ok(Mapped::Skipped(
            SkipReason::UnsupportedRecordType,
            format!("EventBridge events from `{s}` are not mapped by the inspector provider"),
        )),
        (_, Some(FINDING_DETAIL_TYPE)) => {
            require(cx, &detail)?;
            finding(detail, envelope, cx, producer)
        }
        (_, Some(SCAN_DETAIL_TYPE)) => {
            require(cx, &detail)?;
            scan::map(root, detail, envelope, cx, producer)
        }
        (_, Some(dt)) => Ok(Mapped::Skipped(
            SkipReason::NotAFinding,
            format!("Inspector `{dt}` events are not findings"),
        )),
        (_, None) => Err(cx.error_at(
            ErrorCode::MissingField,
            "an `aws.inspector2` EventBridge event without `detail-type`",
            &root.get("detail-type"),
        )),
    }
}

fn require(cx: &Cx<'_>, detail: &Node<'_>) -> Result<(), Error> {
    if detail.exists() {
        Ok(())
    } else {
        Err(cx.error_at(
            ErrorCode::MissingField,
            "EventBridge event without `detail`",
            detail,
        ))
    }
}

fn finding(
    node: Node<'_>,
    envelope: Envelope<'_>,
    cx: &Cx<'_>,
    producer: Producer,
) -> Result<Mapped, Error> {
    let f = Finding::read(node)?;
    // Dynatrace's rule matches `detail.status: ["ACTIVE"]` only (cloud-snippets ECR forwarder).
    if let Some(status) = f.status.filter(|s| !s.eq_ignore_ascii_case("ACTIVE")) {
        return Ok(Mapped::Skipped(
            SkipReason::Resolved,
            format!("the finding is {status} (only ACTIVE findings are mapped)"),
        ));
    }
    let finding_type = match f.kind {
        "PACKAGE_VULNERABILITY" => "DEPENDENCY_VULNERABILITY",
        "CODE_VULNERABILITY" => "CODE_VULNERABILITY",
        "NETWORK_REACHABILITY" => {
            return Ok(Mapped::Skipped(
                SkipReason::UnsupportedFindingType,
                "network reachability findings have no Dynatrace event type (Dynatrace's \
                 Inspector integration maps package vulnerabilities only; Security Hub's \
                 mapping leaves their type unmapped too)"
                    .into(),
            ));
        }
        other => {
            return Ok(Mapped::Skipped(
                SkipReason::UnsupportedFindingType,
                format!("Inspector findings of type `{other}` are not mapped"),
            ));
        }
    };
    // A bare ListFindings element has no envelope; the finding's own ARN names its account
    // and region.
    let own = Arn::parse(f.arn);
    let context = Context {
        account: f
            .account_id
            .or(envelope.account)
            .or(own.as_ref().map(|a| a.account)),
        envelope_region: envelope.region,
        finding_region: own.as_ref().map(|a| a.region),
    };
    let mut objects = Vec::new();
    let mut unsupported = Vec::new();
    for r in &f.resources {
        let r = Resource::read(*r)?;
        match resource::object(&r, &context) {
            Some(o) => objects.push(o),
            None if r.kind.is_some() && r.id.is_none() => {
                return Err(cx.error_at(
                    ErrorCode::MissingField,
                    "a resource without `id`",
                    &r.node.get("id"),
                ));
            }
            None => unsupported.push((r.kind.unwrap_or(""), r.kind_node)),
        }
    }
    if objects.is_empty() {
        return match unsupported.first() {
            Some((kind, _)) => Ok(Mapped::Skipped(
                SkipReason::UnsupportedResourceType,
                format!("findings on `{kind}` resources are not mapped"),
            )),
            None => Err(cx.error_at(
                ErrorCode::MissingField,
                "a finding without `resources`",
                &f.resources_node,
            )),
        };
    }
    for (kind, at) in &unsupported {
        cx.warn(
            WarningCode::UnknownResourceType,
            format!("resource type `{kind}` has no object mapping; left out"),
            at,
        );
    }
    let time = cx.required_time(&[f.updated_at, f.last_observed_at])?;
    let risk = TABLE.risk_for_label_score_in_band(f.severity, f.score);
    if let Some((code, message)) = &risk.warning {
        let at = match code {
            WarningCode::ScoreOutsideBand | WarningCode::SeverityOutOfRange => f.score_node,
            _ => f.severity_node,
        };
        cx.warn(*code, message.clone(), &at);
    }
    let exploit_at = cx.optional_time(&f.last_known_exploit_at)?;
    let cvss = pick_cvss(&f);
    let base = Base {
        f: &f,
        finding_type,
        time: &time,
        risk: &risk,
        cvss,
        exploit_at: exploit_at.as_deref(),
        title: Value::shared(f.title.or(vulnerability_id(&f)).unwrap_or(f.arn)),
        description: f.description.map(Value::shared),
    };
    let mut events = Vec::new();
    for o in &objects {
        match (&f.package, &f.code) {
            (Some(p), _) if !p.packages.is_empty() && f.code.is_none() => {
                for pkg in &p.packages {
                    events.push(base.event(o, Some(pkg), producer, cx));
                }
            }
            _ => events.push(base.event(o, None, producer, cx)),
        }
    }
    // A finding listing one resource or package twice: the run keeps one event per
    // `event.id` of a record (run.rs `distinct_ids`).
    Ok(Mapped::Events(events))
}

/// What every event of one finding shares.
struct Base<'f, 'a> {
    f: &'f Finding<'a>,
    finding_type: &'static str,
    time: &'f str,
    risk: &'f Risk,
    cvss: Option<&'f Cvss<'a>>,
    exploit_at: Option<&'f str>,
    /// The finding's title and description, one allocation each for all its events (one
    /// per vulnerable package and resource), as GuardDuty's (`Value::Shared`).
    title: Value,
    description: Option<Value>,
}

impl Base<'_, '_> {
    fn event(
        &self,
        o: &Object,
        pkg: Option<&Package<'_>>,
        producer: Producer,
        cx: &Cx<'_>,
    ) -> Event {
        let f = self.f;
        let mut e = Event::new(EventType::VulnerabilityFinding, producer, cx.now);
        e.put("object.id", o.id.as_str());
        e.put_static("object.type", o.object_type);
        e.put("object.name", o.name.as_str());
        e.put("finding.id", f.arn);
        e.put_static("finding.type", self.finding_type);
        let vuln_id = vulnerability_id(f);
        e.put("finding.title", self.title.clone());
        e.opt("finding.description", self.description.clone());
        e.opt("finding.status", f.status);
        e.put("finding.time.created", self.time);
        e.put(
            "finding.severity",
            f.severity.unwrap_or(self.risk.level.as_str()),
        );
        e.opt("finding.score", f.score);
        e.put_static("dt.security.risk.level", self.risk.level.as_str());
        e.put("dt.security.risk.score", self.risk.score);

        self.vulnerability(&mut e, vuln_id, pkg);
        if let Some(p) = pkg {
            component(&mut e, p);
        }
        if let Some(c) = &f.code {
            e.opt("code.filepath", c.file_path);
            e.opt(
                "code.line.number",
                c.start_line
                    .filter(|n| n.fract() == 0.0 && *n >= 0.0 && *n < 9e15)
                    .map(|n| n as i64),
            );
            e.opt("rule.name", c.detector_name);
        }
        object_fields(&mut e, o);
        self.vendor(&mut e, pkg);
        // Siblings (one per package) share finding.id and object.id: the package tells
        // their ids apart (`next-providers.md` §1, splitting).
        let (name, version) = pkg.map_or((String::new(), String::new()), |p| {
            (
                p.name.unwrap_or("").to_owned(),
                version_of(p).unwrap_or_default(),
            )
        });
        e.set_id(ids::name_based(&[
            PROVIDER,
            f.arn,
            o.id.as_str(),
            self.time,
            &name,
            &version,
        ]));
        e
    }

    fn vulnerability(&self, e: &mut Event, vuln_id: Option<&str>, pkg: Option<&Package<'_>>) {
        let f = self.f;
        e.opt("vulnerability.id", vuln_id);
        e.opt("vulnerability.references.cve", Some(cve::cve_ids(vuln_id)));
        if let Some(c) = &f.code {
            e.opt(
                "vulnerability.references.cwe",
                Some(c.cwes.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()),
            );
        }
        e.opt(
            "vulnerability.external_url",
            f.package.as_ref().and_then(|p| p.source_url),
        );
        if let Some(c) = self.cvss {
            e.opt("vulnerability.cvss.base_score", c.score);
            e.opt("vulnerability.cvss.version", c.version);
            e.opt("vulnerability.cvss.vector", c.vector);
        }
        e.opt(
            "vulnerability.exploit.status",
            f.exploit_available.and_then(|x| match x {
                "YES" => Some("AVAILABLE"),
                "NO" => Some("NOT_AVAILABLE"),
                _ => None,
            }),
        );
        e.opt(
            "vulnerability.remediation.status",
            f.fix_available.and_then(|x| match x {
                "YES" | "PARTIAL" => Some("AVAILABLE"),
                "NO" => Some("NOT_AVAILABLE"),
                _ => None,
            }),
        );
        e.opt(
            "vulnerability.remediation.fix_versions",
            pkg.and_then(|p| p.fixed_in)
                .filter(|v| !v.eq_ignore_ascii_case("NotAvailable"))
                .map(|v| vec![v.to_owned()]),
        );
        // The package's own command first; AWS's generic text says nothing.
        e.opt(
            "vulnerability.remediation.description",
            pkg.and_then(|p| p.remediation)
                .or(f.recommendation.filter(|t| *t != "None Provided")),
        );
    }

    fn vendor(&self, e: &mut Event, pkg: Option<&Package<'_>>) {
        let f = self.f;
        let details = f.package.as_ref();
        e.opt("inspector.epss.score", f.epss);
        e.opt("inspector.exploit.last_known_at", self.exploit_at);
        e.opt(
            "inspector.vendor_severity",
            details.and_then(|p| p.vendor_severity),
        );
        e.opt(
            "inspector.related_vulnerabilities",
            details.map(|p| {
                p.related
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect::<Vec<_>>()
            }),
        );
        e.opt(
            "inspector.reference_urls",
            details.map(|p| {
                p.reference_urls
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect::<Vec<_>>()
            }),
        );
        e.opt(
            "inspector.package.layer_arn",
            pkg.and_then(|p| p.layer_arn)
                .or(f.code.as_ref().and_then(|c| c.layer_arn)),
        );
    }
}

/// The package vulnerability id (CVE, GHSA, ALAS…), or the code rule.
fn vulnerability_id<'a>(f: &Finding<'a>) -> Option<&'a str> {
    match (&f.package, &f.code) {
        (Some(p), _) if p.vulnerability_id.is_some() => p.vulnerability_id,
        (_, Some(c)) => c.rule_id,
        _ => None,
    }
}

/// One CVSS rating only (`next-providers.md` §3.5): the adjusted one Inspector scored
/// with, else the entry from the finding's own source, else the first.
fn pick_cvss<'f, 'a>(f: &'f Finding<'a>) -> Option<&'f Cvss<'a>> {
    if let Some(c) = f.adjusted_cvss.as_ref().filter(|c| c.score.is_some()) {
        return Some(c);
    }
    let p = f.package.as_ref()?;
    cvss::own_or_first(&p.cvss, p.source, |c| c.source)
}

/// `version-release`, with `epoch:` in front when it is not 0: the form rpm and dpkg
/// print (`next-providers.md` §3.5, open question 4).
fn version_of(p: &Package<'_>) -> Option<String> {
    let version = p.version?;
    let mut out = String::new();
    if let Some(epoch) = p.epoch.filter(|e| *e != 0.0) {
        out.push_str(&crate::json::number(epoch));
        out.push(':');
    }
    out.push_str(version);
    if let Some(release) = p.release {
        out.push('-');
        out.push_str(release);
    }
    Some(out)
}

fn component(e: &mut Event, p: &Package<'_>) {
    e.opt("component.name", p.name);
    e.opt("component.version", version_of(p));
    e.opt("software_component.type", p.manager);
    e.opt("code.filepath", p.file_path);
}

fn object_fields(e: &mut Event, o: &Object) {
    if let Some(i) = &o.image {
        e.opt("container_image.digest", i.digest.clone());
        e.opt("container_image.repository", i.repository.clone());
        e.opt("container_image.registry", i.registry.clone());
        e.opt("container_image.tags", Some(i.tags.clone()));
    }
    e.opt("host.ip", Some(o.host_ips.clone()));
    e.opt("cloud.provider", o.cloud_provider.clone());
    e.opt("aws.account.id", o.account.clone());
    e.opt("aws.region", o.region.clone());
    e.opt("aws.resource.type", o.aws_type);
    e.opt("aws.resource.id", o.aws_id.clone());
    e.opt("aws.resource.name", o.aws_name.clone());
    e.opt("aws.arn", o.arn.clone());
}
