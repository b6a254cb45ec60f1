//! An OCSF finding from Security Hub V2 (`Findings Imported V2`) read into the same model
//! (next-providers.md §2.7): routing by `class_uid`, lifecycle skips, `severity_id`, the
//! ASFF↔OCSF correspondence of AWS's Automated Security Response solution (v3.1.5
//! `schemaTypes.ts`, `findingEventNormalizer.ts`) and the Security Hub `OcsfStringFilter`
//! field names. No captured V2 detection or vulnerability event is public (§2.8 q6).

use super::model::{
    Compliance, Cvss, Finding, Kind, Package, Read, Resource, Vendor, Vulnerability,
    package_version, required_id,
};
use super::{resource, severity};
use crate::cx::{Cx, Node};
use crate::error::{Error, ErrorCode};
use crate::output::SkipReason;

/// OCSF `class_uid` → event type. Others (e.g. Data Security Finding 2006) are skipped.
pub(super) const CLASSES: &[(i64, Kind)] = &[
    (2002, Kind::Vulnerability),
    (2003, Kind::Compliance),
    (2004, Kind::Detection),
];

/// OCSF `activity_id` Close, `status_id` Resolved and Archived: the finding is over (ASR
/// treats Close and Archived as ASFF ARCHIVED; Resolved [infer]).
const CLOSE_ACTIVITY: f64 = 3.0;
const OVER_STATUSES: &[(f64, &str)] = &[(4.0, "Resolved"), (5.0, "Archived")];

pub(super) fn read<'a>(f: Node<'a>, cx: &'a Cx<'a>) -> Result<Read<'a>, Error> {
    let info = f.get("finding_info");
    let id = required_id(info.get("uid"), cx)?;
    let class_uid = f.get("class_uid").opt_num()?;
    let class_name = f.get("class_name").text()?;
    let activity_id = f.get("activity_id").opt_num()?;
    let activity_name = f.get("activity_name").text()?;
    if activity_id == Some(CLOSE_ACTIVITY)
        || activity_name.is_some_and(|a| a.eq_ignore_ascii_case("Close"))
    {
        return Ok(Read::Skipped(
            SkipReason::Resolved,
            format!("finding `{id}` was closed (activity Close)"),
        ));
    }
    let status_id = f.get("status_id").opt_num()?;
    if let Some((_, name)) = OVER_STATUSES.iter().find(|(s, _)| Some(*s) == status_id) {
        return Ok(Read::Skipped(
            SkipReason::Resolved,
            format!("finding `{id}` has status {name}"),
        ));
    }
    let Some(kind) = class_uid.and_then(|c| {
        CLASSES
            .iter()
            .find(|(uid, _)| *uid as f64 == c)
            .map(|(_, k)| *k)
    }) else {
        return Ok(Read::Skipped(
            SkipReason::UnsupportedFindingType,
            format!(
                "OCSF class {} ({}) is not a vulnerability, detection or compliance finding",
                class_uid.map_or_else(|| "missing".to_owned(), crate::json::number),
                class_name.unwrap_or("unnamed")
            ),
        ));
    };
    let time = cx.required_time(&[
        info.get("modified_time_dt"),
        info.get("last_seen_time_dt"),
        f.get("time_dt"),
        f.get("time"),
    ])?;
    let severity_node = f.get("severity_id");
    let risk = severity::ocsf(severity_node.opt_num()?);
    let severity = f
        .get("severity")
        .text()?
        .unwrap_or(risk.level.as_str())
        .to_owned();
    let cloud = f.get("cloud");
    let region = cloud.get("region").text()?;
    let resources = f
        .get("resources")
        .items()?
        .into_iter()
        .map(|r| ocsf_resource(r, region, cx))
        .collect::<Result<Vec<_>, _>>()?;
    let types = info.get("types").strs()?;
    let first_type = types
        .first()
        .copied()
        .filter(|t| !t.is_empty())
        .or(class_name);
    let product = f.get("metadata").get("product");
    let analytic = info.get("analytic").get("name").text()?;
    let compliance = match kind {
        Kind::Compliance => Some(compliance(f.get("compliance"))?),
        _ => None,
    };
    let actor_ips = match kind {
        Kind::Detection => actor_ips(f, &resources)?,
        _ => Vec::new(),
    };
    let vulnerabilities = match kind {
        Kind::Vulnerability => f
            .get("vulnerabilities")
            .items()?
            .into_iter()
            .map(vulnerability)
            .collect::<Result<Vec<_>, _>>()?,
        _ => Vec::new(),
    };
    Ok(Read::Finding(Box::new(Finding {
        node: f,
        kind,
        id,
        title: info.get("title").text()?.or(first_type).unwrap_or(id),
        description: info.get("desc").text()?,
        first_type,
        time,
        vendor: product.get("vendor_name").text()?,
        product: product.get("name").text()?,
        severity,
        score: None,
        risk,
        severity_node,
        status: f.get("status").text()?,
        url: info.get("src_url").text()?,
        account: cloud.get("account").get("uid").text()?,
        region,
        resources,
        compliance,
        rule_id: analytic,
        actor_ips,
        vulnerabilities,
        extra: Vendor {
            class_name,
            activity_name,
            ..Vendor::default()
        },
    })))
}

/// One OCSF `resources[]` entry: `object.id` is `uid_alt` when it is an ARN, else `uid`,
/// else `name` (ASR's rule); `type` is already CloudFormation-style (`AWS::S3::Bucket`).
fn ocsf_resource<'a>(
    r: Node<'a>,
    cloud_region: Option<&'a str>,
    cx: &Cx<'_>,
) -> Result<Resource<'a>, Error> {
    let uid = r.get("uid").text()?;
    let uid_alt = r.get("uid_alt").text()?;
    let name = r.get("name").text()?;
    let arn = uid_alt.filter(|u| u.starts_with("arn:"));
    let Some(id) = arn.or(uid).or(name) else {
        return Err(cx.error_at(
            ErrorCode::MissingField,
            "an OCSF resource needs `uid_alt`, `uid` or `name`",
            &r,
        ));
    };
    let rtype = r.get("type").text()?;
    Ok(Resource {
        id,
        object_type: rtype.unwrap_or("Other").to_owned(),
        name: name.map_or_else(|| resource::last_segment(id).to_owned(), str::to_owned),
        region: r.get("region").text()?.or(cloud_region),
        aws_type: rtype.filter(|t| t.starts_with("AWS::")),
        aws_id: uid,
        aws_name: name,
        arn,
        image: None,
    })
}

/// OCSF `compliance.status` (`Pass`/`Fail`/`Warning`) → ASFF's `PASSED`/`FAILED`/`WARNING`,
/// else `NOT_AVAILABLE` (ASR `findingEventNormalizer.ts`).
fn compliance(c: Node<'_>) -> Result<Compliance<'_>, Error> {
    let status = c.get("status").text()?.map(|s| {
        match s.to_ascii_lowercase().as_str() {
            "pass" => "PASSED",
            "fail" => "FAILED",
            "warning" => "WARNING",
            _ => "NOT_AVAILABLE",
        }
        .to_owned()
    });
    let owned = |v: Vec<&str>| v.into_iter().map(str::to_owned).collect::<Vec<_>>();
    Ok(Compliance {
        status: Some(status.unwrap_or_else(|| "NOT_AVAILABLE".to_owned())),
        control: c.get("control").text()?,
        standards: owned(c.get("standards").strs()?),
        requirements: owned(c.get("requirements").strs()?),
        status_reasons: Vec::new(),
    })
}

/// `evidences[].src_endpoint.ip`, unless the endpoint is one of the finding's resources
/// (its `instance_uid` or `uid` names one). [infer]
fn actor_ips<'a>(f: Node<'a>, resources: &[Resource<'_>]) -> Result<Vec<&'a str>, Error> {
    let mut ips: Vec<&'a str> = Vec::new();
    for e in f.get("evidences").items()? {
        let src = e.get("src_endpoint");
        let ip = src.get("ip").text()?;
        let own = [src.get("instance_uid").text()?, src.get("uid").text()?]
            .into_iter()
            .flatten()
            .any(|u| resources.iter().any(|r| r.aws_id == Some(u) || r.id == u));
        if let Some(ip) = ip
            && !own
            && !ips.contains(&ip)
        {
            ips.push(ip);
        }
    }
    Ok(ips)
}

fn vulnerability(v: Node<'_>) -> Result<Vulnerability<'_>, Error> {
    let cve = v.get("cve");
    let mut cvss = None;
    for c in cve.get("cvss").items()? {
        if cvss.is_none() {
            cvss = Some(Cvss {
                score: c.get("base_score").opt_num()?,
                version: c.get("version").text()?,
                vector: c.get("vector_string").text()?,
            });
        }
    }
    let flag = |n: Node<'_>| -> Result<Option<&'static str>, Error> {
        Ok(n.opt_bool()?
            .map(|b| if b { "AVAILABLE" } else { "NOT_AVAILABLE" }))
    };
    let mut packages = Vec::new();
    for p in v.get("affected_packages").items()? {
        packages.push(Package {
            name: p.get("name").text()?,
            version: package_version(
                p.get("version").text()?,
                p.get("release").text()?,
                p.get("epoch").text()?,
            ),
            fixed_in: p
                .get("fixed_in_version")
                .text()?
                .filter(|f| !f.eq_ignore_ascii_case("NotAvailable")),
        });
    }
    Ok(Vulnerability {
        id: cve.get("uid").text()?,
        cvss,
        exploit: flag(v.get("is_exploit_available"))?,
        fix: flag(v.get("is_fix_available"))?,
        url: None,
        packages,
        node: Some(v),
    })
}
