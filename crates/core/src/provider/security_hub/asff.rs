//! An ASFF finding (AWS Security Finding Format, `SchemaVersion` 2018-10-08) read into the
//! model: routing by `Types[0]` (next-providers.md §2.2), skips (§2.6), fields (§2.4),
//! severity (§2.5). Field names: ASFF attribute reference and the Security Hub API model
//! (`AwsSecurityFinding`).

use super::model::{
    Compliance, Cvss, Finding, Kind, Package, Read, Vendor, Vulnerability, availability,
    package_version, required_id,
};
use super::{resource, severity};
use crate::cvss;
use crate::cx::{Cx, Node};
use crate::error::Error;
use crate::output::{SkipReason, WarningCode};

/// `Types[0]` namespace and category → event type. Dynatrace "Ingest AWS Security Hub
/// security findings": vulnerabilities, TTPs / Effects / Unusual Behaviors, and Industry
/// and Regulatory Standards; anything else "ingested, but not mapped".
pub(super) const ROUTES: &[(&str, Option<&str>, Kind)] = &[
    (
        "Software and Configuration Checks",
        Some("Vulnerabilities"),
        Kind::Vulnerability,
    ),
    (
        "Software and Configuration Checks",
        Some("Industry and Regulatory Standards"),
        Kind::Compliance,
    ),
    ("TTPs", None, Kind::Detection),
    ("Effects", None, Kind::Detection),
    ("Unusual Behaviors", None, Kind::Detection),
];

/// The event type of a `Types[0]` value; `None`: not mapped.
pub(super) fn route(first_type: &str) -> Option<Kind> {
    let mut parts = first_type.split('/');
    let namespace = parts.next().unwrap_or_default().trim();
    let category = parts.next().map(str::trim);
    ROUTES
        .iter()
        .find(|(ns, cat, _)| *ns == namespace && (cat.is_none() || *cat == category))
        .map(|(_, _, k)| *k)
}

/// The standards ARN prefix that `compliance.standards` drops
/// (`arn:aws:securityhub:::standards/…` → `standards/…`, dt-sec-insights example).
const STANDARDS_PREFIX: &str = ":::";

pub(super) fn read<'a>(
    f: Node<'a>,
    cx: &'a Cx<'a>,
    env_region: Option<&'a str>,
) -> Result<Read<'a>, Error> {
    let id = required_id(f.get("Id"), cx)?;
    let types = f.get("Types").strs()?;
    let record_state = f.get("RecordState").text()?;
    if record_state.is_some_and(|s| s.eq_ignore_ascii_case("ARCHIVED")) {
        return Ok(Read::Skipped(
            SkipReason::Resolved,
            format!("finding `{id}` is archived (RecordState ARCHIVED)"),
        ));
    }
    let first_type = types.first().copied().filter(|t| !t.is_empty());
    let Some(kind) = first_type.and_then(route) else {
        return Ok(Read::Skipped(
            SkipReason::UnsupportedFindingType,
            match first_type {
                Some(t) => {
                    format!("Types[0] `{t}` is not a vulnerability, detection or compliance type")
                }
                None => "the finding has no Types".to_owned(),
            },
        ));
    };
    let sample = f.get("Sample").opt_bool()? == Some(true);
    if sample && cx.options.skip_sample_findings {
        return Ok(Read::Skipped(
            SkipReason::SampleFinding,
            "a sample finding (Sample: true)".into(),
        ));
    }
    let product_fields = f.get("ProductFields");
    let product = match f.get("ProductName").text()? {
        Some(p) => Some(p),
        None => product_fields.get("aws/securityhub/ProductName").text()?,
    };
    let vendor = match f.get("CompanyName").text()? {
        Some(v) => Some(v),
        None => product_fields.get("aws/securityhub/CompanyName").text()?,
    };
    let time = cx.required_time(&[
        f.get("UpdatedAt"),
        f.get("LastObservedAt"),
        f.get("ProcessedAt"),
    ])?;

    let sev = f.get("Severity");
    let label = sev.get("Label").text()?;
    let normalized = sev.get("Normalized").opt_num()?;
    let (score, score_node) = vendor_score(f, product, product_fields)?;
    let (risk, severity) = severity::asff(label, normalized, score);
    let severity_node = match &risk.warning {
        Some((WarningCode::ScoreOutsideBand, _)) => score_node,
        Some((WarningCode::SeverityOutOfRange, _)) => sev.get("Normalized"),
        Some((WarningCode::SeverityUnknown, _)) => sev.get("Label"),
        _ => sev,
    };

    let region = f.get("Region").text()?.or(env_region);
    let resources = f
        .get("Resources")
        .items()?
        .into_iter()
        .map(|r| resource::asff(r, region, cx))
        .collect::<Result<Vec<_>, _>>()?;
    let generator_id = f.get("GeneratorId").text()?;
    let compliance = match kind {
        Kind::Compliance => Some(compliance(f.get("Compliance"), product_fields, cx)?),
        _ => {
            // Read for the report only when the routing does not use it.
            None
        }
    };
    if kind == Kind::Compliance && generator_id.is_none() {
        cx.warn(
            WarningCode::FieldMissing,
            "no GeneratorId: the compliance finding gets no rule.id",
            &f.get("GeneratorId"),
        );
    }
    let actor_ips = match kind {
        Kind::Detection => actor_ips(f)?,
        _ => Vec::new(),
    };
    let vulnerabilities = match kind {
        Kind::Vulnerability => f
            .get("Vulnerabilities")
            .items()?
            .into_iter()
            .map(vulnerability)
            .collect::<Result<Vec<_>, _>>()?,
        _ => Vec::new(),
    };
    let workflow = match f.get("Workflow").get("Status").text()? {
        Some(s) => Some(s),
        None => f.get("WorkflowState").text()?,
    };
    Ok(Read::Finding(Box::new(Finding {
        node: f,
        kind,
        id,
        title: match f.get("Title").text()? {
            Some(t) => t,
            None => first_type.unwrap_or(id),
        },
        description: f.get("Description").text()?,
        first_type,
        time,
        vendor,
        product,
        severity,
        score,
        risk,
        severity_node,
        status: workflow,
        url: f.get("SourceUrl").text()?,
        account: f.get("AwsAccountId").text()?,
        region,
        resources,
        compliance,
        rule_id: generator_id,
        actor_ips,
        vulnerabilities,
        extra: Vendor {
            product_arn: f.get("ProductArn").text()?,
            generator_id,
            types: types.iter().map(|t| (*t).to_owned()).collect(),
            record_state,
            sample,
            ..Vendor::default()
        },
    })))
}

/// The producing product's own 0–10 score (§2.5): GuardDuty's severity in
/// `Severity.Product`, Inspector's `aws/inspector/inspectorScore`; none for other products
/// (Security Hub controls put 0–100 values in `Product`).
fn vendor_score<'a>(
    f: Node<'a>,
    product: Option<&str>,
    product_fields: Node<'a>,
) -> Result<(Option<f64>, Node<'a>), Error> {
    match product {
        Some("GuardDuty") => {
            let n = f.get("Severity").get("Product");
            Ok((n.opt_num()?, n))
        }
        Some("Inspector") => {
            // ProductFields values are always strings in ASFF: no coercion warning.
            let n = product_fields.get("aws/inspector/inspectorScore");
            let score = n
                .text()?
                .and_then(|s| s.trim().parse::<f64>().ok())
                .filter(|s| s.is_finite());
            Ok((score, n))
        }
        _ => Ok((None, f)),
    }
}

fn compliance<'a>(c: Node<'a>, pf: Node<'a>, cx: &Cx<'_>) -> Result<Compliance<'a>, Error> {
    let status = c.get("Status").text()?;
    if status.is_none() {
        cx.warn(
            WarningCode::FieldMissing,
            "a compliance finding without Compliance.Status: no compliance.status",
            &c.get("Status"),
        );
    }
    let control = match c.get("SecurityControlId").text()? {
        Some(s) => Some(s),
        None => match pf.get("ControlId").text()? {
            Some(s) => Some(s),
            None => pf.get("RuleId").text()?,
        },
    };
    let mut standards: Vec<String> = Vec::new();
    for s in c.get("AssociatedStandards").items()? {
        if let Some(id) = s.get("StandardsId").text()? {
            standards.push(id.to_owned());
        }
    }
    if standards.is_empty() {
        // Older findings name the standard only in ProductFields (CIS 1.2.0: the guide).
        let arn = match pf.get("StandardsArn").text()? {
            Some(a) => Some(a),
            None => pf.get("StandardsGuideArn").text()?,
        };
        if let Some(arn) = arn {
            let short = arn
                .split_once(STANDARDS_PREFIX)
                .map_or(arn, |(_, rest)| rest);
            standards.push(short.to_owned());
        }
    }
    let mut reasons = Vec::new();
    for r in c.get("StatusReasons").items()? {
        if let Some(code) = r.get("ReasonCode").text()? {
            reasons.push(code.to_owned());
        }
    }
    Ok(Compliance {
        status: status.map(str::to_owned),
        control,
        standards,
        requirements: c
            .get("RelatedRequirements")
            .strs()?
            .into_iter()
            .map(str::to_owned)
            .collect(),
        status_reasons: reasons,
    })
}

/// The remote IPs of a detection: `Action.*.RemoteIpDetails.IpAddressV4` (GuardDuty's
/// actions as ASFF carries them) and `Network.SourceIpV4` unless the traffic is outbound
/// (then the source is the resource itself). [infer]
fn actor_ips<'a>(f: Node<'a>) -> Result<Vec<&'a str>, Error> {
    let mut ips: Vec<&'a str> = Vec::new();
    let mut push = |ip: Option<&'a str>| {
        if let Some(ip) = ip
            && !ips.contains(&ip)
        {
            ips.push(ip);
        }
    };
    let action = f.get("Action");
    for name in [
        "NetworkConnectionAction",
        "AwsApiCallAction",
        "PortProbeAction",
    ] {
        let a = action.get(name);
        push(a.get("RemoteIpDetails").get("IpAddressV4").text()?);
        if name == "PortProbeAction" {
            for d in a.get("PortProbeDetails").items()? {
                push(d.get("RemoteIpDetails").get("IpAddressV4").text()?);
            }
        }
    }
    let network = f.get("Network");
    let outbound = network
        .get("Direction")
        .text()?
        .is_some_and(|d| d.eq_ignore_ascii_case("OUT"));
    if !outbound {
        push(network.get("SourceIpV4").text()?);
    }
    Ok(ips)
}

fn vulnerability(v: Node<'_>) -> Result<Vulnerability<'_>, Error> {
    let vendor = v.get("Vendor");
    let vendor_name = vendor.get("Name").text()?;
    let mut ratings = Vec::new();
    for c in v.get("Cvss").items()? {
        let source = c.get("Source").text()?;
        let entry = Cvss {
            score: c.get("BaseScore").opt_num()?,
            version: c.get("Version").text()?,
            vector: c.get("BaseVector").text()?,
        };
        ratings.push((source, entry));
    }
    let cvss = cvss::own_or_first(&ratings, vendor_name, |(s, _)| *s).map(|(_, c)| *c);
    let mut packages = Vec::new();
    for p in v.get("VulnerablePackages").items()? {
        let fixed = p.get("FixedInVersion").text()?;
        packages.push(Package {
            name: p.get("Name").text()?,
            version: package_version(
                p.get("Version").text()?,
                p.get("Release").text()?,
                p.get("Epoch").text()?,
            ),
            fixed_in: fixed.filter(|f| !f.eq_ignore_ascii_case("NotAvailable")),
        });
    }
    Ok(Vulnerability {
        id: v.get("Id").text()?,
        cvss,
        exploit: availability(v.get("ExploitAvailable").text()?),
        fix: availability(v.get("FixAvailable").text()?),
        url: vendor.get("Url").text()?,
        packages,
        node: Some(v),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing_by_the_first_type() {
        let r = |t| route(t);
        assert_eq!(
            r("Software and Configuration Checks/Vulnerabilities/CVE"),
            Some(Kind::Vulnerability)
        );
        assert_eq!(
            r("Software and Configuration Checks/Industry and Regulatory Standards"),
            Some(Kind::Compliance)
        );
        assert_eq!(
            r(
                "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark"
            ),
            Some(Kind::Compliance)
        );
        assert_eq!(
            r("TTPs/Command and Control/Backdoor:EC2-C&CActivity.B!DNS"),
            Some(Kind::Detection)
        );
        assert_eq!(r("Effects/Data Exposure"), Some(Kind::Detection));
        assert_eq!(r("Unusual Behaviors/User"), Some(Kind::Detection));
        assert_eq!(r("TTPs"), Some(Kind::Detection));
        assert_eq!(r("Software and Configuration Checks"), None);
        assert_eq!(
            r("Software and Configuration Checks/AWS Security Best Practices"),
            None
        );
        assert_eq!(r("Sensitive Data Identifications/PII"), None);
        assert_eq!(r("TTPsX/y"), None);
        assert_eq!(r(""), None);
    }
}
