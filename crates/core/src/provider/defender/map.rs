//! Defender for Cloud record → one `VULNERABILITY_FINDING` per container-image
//! sub-assessment (image × vulnerability × package). Other record kinds are skipped with a
//! reason; the scan events come in [`super::scan`].

use super::artifact::Image;
use super::cloud::{Cloud, assessment_key};
use super::input::{Artifact, Properties, Software, SubAssessment, Vulnerability};
use super::severity::TABLE;
use super::{recommendation, remediation, scan};
use crate::cve;
use crate::cvss::Choice;
use crate::cx::{Cx, Node};
use crate::error::{Error, ErrorCode};
use crate::event::{Event, EventType, Producer};
use crate::ids;
use crate::output::{SkipReason, WarningCode};
use crate::provider::{Mapped, Shape};

/// `assessedResourceType`s of container image vulnerability sub-assessments.
pub(super) const CONTAINER_TYPES: &[&str] = &[
    "ContainerRegistryVulnerability",
    "AzureContainerRegistryVulnerability",
    "AwsContainerRegistryVulnerability",
    "GcpContainerRegistryVulnerability",
];

pub(super) fn map(shape: &Shape<'_>, cx: &Cx<'_>, producer: Producer) -> Result<Mapped, Error> {
    let root = cx.root();
    match classify(shape) {
        Class::SubAssessment => {}
        Class::Assessment => return recommendation::map(cx, producer),
        Class::Skip(reason, message) => return Ok(Mapped::Skipped(reason, message)),
        Class::NoType => {
            return Err(cx.error_at(
                ErrorCode::MissingField,
                "not a Defender for Cloud record: no `type` (e.g. `Microsoft.Security/assessments/subAssessments`)",
                &root.get("type"),
            ));
        }
    }
    let s = SubAssessment::read(root)?;
    if s.deleted {
        return Ok(Mapped::Skipped(
            SkipReason::Resolved,
            "the sub-assessment was deleted (enrichment action `Delete`)".into(),
        ));
    }
    if !s.properties.exists() {
        return Err(cx.error_at(
            ErrorCode::MissingField,
            "missing field `properties`",
            &s.properties,
        ));
    }
    let p = Properties::read(s.properties)?;
    let ad = p.additional_data;
    let assessed_node = ad.get_or_data("assessedResourceType");
    let Some(assessed) = assessed_node.opt_str()? else {
        return Err(cx.error_at(
            ErrorCode::MissingField,
            "sub-assessment without `assessedResourceType`",
            &assessed_node,
        ));
    };
    if !CONTAINER_TYPES
        .iter()
        .any(|t| t.eq_ignore_ascii_case(assessed))
    {
        return Ok(Mapped::Skipped(
            SkipReason::UnsupportedRecordType,
            format!(
                "`{assessed}` sub-assessments are not mapped (only container image vulnerabilities)"
            ),
        ));
    }
    if let Some(skip) = status_skip(&p) {
        return healthy_scan(skip, &s, &p, cx, producer);
    }

    let vuln = Vulnerability::read(ad)?;
    let artifact = Artifact::read(ad)?;
    let software = Software::read(ad)?;
    let image = Image::resolve(&s, &p, &artifact);
    let object_id = object_id(&image, &p, ad, cx)?;
    let vuln_id = vuln.cve_id.or(p.id).filter(|v| !v.is_empty());
    let (package, version) = (software.package_name, software.version);
    let time = cx.required_time(&[p.time_generated, s.time_generated])?;
    let finding_id = match s.id.filter(|i| !i.is_empty()) {
        // As the provider sent it: ARM ids vary in case between exports, but a finding id
        // is the vendor's identifier (issue 10), not ours to normalize.
        Some(id) => id.to_owned(),
        None => {
            cx.warn(
                WarningCode::IdDerived,
                "no sub-assessment `id`; finding.id derived from image, vulnerability and package",
                &root.get("id"),
            );
            ids::name_based(&[
                object_id.as_str(),
                vuln_id.unwrap_or(""),
                package.unwrap_or(""),
                version.unwrap_or(""),
            ])
        }
    };
    let cvss = pick_cvss(&vuln)?;
    let (label, label_node) = match vuln.severity {
        Some(l) => (Some(l), vuln.severity_node),
        None => (p.status.severity, p.status.severity_node),
    };
    let risk = TABLE.risk_for_label(label, cvss.score);
    if let Some((code, message)) = &risk.warning {
        // A clamped score concerns the CVSS value; anything else the label.
        let at = match (code, cvss.at) {
            (WarningCode::SeverityOutOfRange, Some(score_at)) => score_at,
            _ => label_node,
        };
        cx.warn(*code, message.clone(), &at);
    }

    let mut e = Event::new(EventType::VulnerabilityFinding, producer, cx.now);
    e.put("object.id", object_id.as_str());
    e.put_static("object.type", "CONTAINER_IMAGE");
    e.put(
        "object.name",
        image
            .repository
            .clone()
            .unwrap_or_else(|| object_id.clone()),
    );
    e.put("finding.id", finding_id);
    e.put_static("finding.type", "DEPENDENCY_VULNERABILITY");
    let display = p.display_name.or(vuln_id).unwrap_or_default();
    e.put("finding.title", finding_title(display, package, version));
    e.put("finding.time.created", time);
    // Always set on findings (design §3): the vendor's label, else the level it maps to.
    e.put(
        "finding.severity",
        label
            .filter(|l| !l.trim().is_empty())
            .unwrap_or(risk.level.as_str()),
    );
    e.opt("finding.score", cvss.score);
    e.opt("finding.status", p.status.code);
    e.put_static("dt.security.risk.level", risk.level.as_str());
    e.put("dt.security.risk.score", risk.score);

    e.opt("vulnerability.id", vuln_id);
    e.opt("vulnerability.title", Some(display));
    e.opt("vulnerability.description", p.description);
    let cves = cve::cve_ids(
        vuln_id
            .into_iter()
            .chain(vuln.cve.iter().filter_map(|r| r.title)),
    );
    let external_url = cve::external_url(
        vuln_id.into_iter().chain(cves.iter().map(String::as_str)),
        vuln.references
            .iter()
            .chain(&vuln.cve)
            .map(|r| (r.title, r.link)),
    );
    e.opt("vulnerability.references.cve", Some(cves));
    e.opt(
        "vulnerability.references.cwe",
        Some(vuln.cwe.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>()),
    );
    e.opt("vulnerability.external_url", external_url);
    e.opt("vulnerability.cvss.base_score", cvss.score);
    e.opt("vulnerability.cvss.version", cvss.version);
    e.opt("vulnerability.cvss.vector", cvss.vector);
    e.opt(
        "vulnerability.exploit.status",
        remediation::exploit_status(vuln.exploit)?,
    );
    e.opt(
        "vulnerability.remediation.status",
        remediation_status(&software, &vuln),
    );
    e.opt(
        "vulnerability.remediation.fix_versions",
        software.fixed_version.map(|v| vec![v.to_owned()]),
    );
    e.opt("vulnerability.remediation.description", p.remediation);
    e.opt("component.name", package);
    e.opt("component.version", version);

    image.put(&mut e);
    // Filled per image once the whole call is mapped (see `scan`).
    e.put_static("scan.id", "");
    cloud(&s, &p).put(&mut e);
    e.opt("defender.assessment.key", assessment_key(s.id));
    e.put("defender.assessed_resource_type", assessed);
    Ok(Mapped::Events(vec![e]))
}

enum Class {
    SubAssessment,
    /// `Microsoft.Security/assessments`: individual recommendations and other assessments.
    Assessment,
    Skip(SkipReason, String),
    NoType,
}

/// What kind of Defender record this is, from its `type` (alerts have none).
/// `<displayName or CVE> in <package> <version>`, the finding title of both record formats
/// (field table `finding.title`): what is vulnerable, where, at which version.
pub(super) fn finding_title(display: &str, package: Option<&str>, version: Option<&str>) -> String {
    match (package, version) {
        (Some(pkg), Some(ver)) => format!("{display} in {pkg} {ver}"),
        (Some(pkg), None) => format!("{display} in {pkg}"),
        _ => display.to_owned(),
    }
}

fn classify(shape: &Shape<'_>) -> Class {
    let kind = shape.record_type;
    let t = kind.unwrap_or("").to_ascii_lowercase();
    let alert = shape.alert || t.ends_with("/alerts");
    if t == "microsoft.security/assessments/subassessments" {
        Class::SubAssessment
    } else if alert {
        Class::Skip(
            SkipReason::UnsupportedRecordType,
            "security alerts are mapped by provider `defender-alerts`: use provider `auto` or `defender-alerts`".into(),
        )
    } else if t == "microsoft.security/assessments" {
        Class::Assessment
    } else if t.starts_with("microsoft.security/securescore") {
        Class::Skip(
            SkipReason::NotAFinding,
            "secure scores are not findings".into(),
        )
    } else if t.contains("regulatorycompliance") {
        Class::Skip(
            SkipReason::NotAFinding,
            "regulatory compliance state is not a finding".into(),
        )
    } else if t.is_empty() {
        Class::NoType
    } else {
        Class::Skip(
            SkipReason::UnsupportedRecordType,
            format!(
                "records of type `{}` are not mapped",
                kind.unwrap_or_default()
            ),
        )
    }
}

fn status_skip(p: &Properties<'_>) -> Option<Mapped> {
    let code = p.status.code?;
    let why = [p.status.cause, p.status.description]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(": ");
    let why = if why.is_empty() {
        String::new()
    } else {
        format!(" ({why})")
    };
    if code.eq_ignore_ascii_case("Healthy") {
        Some(Mapped::Skipped(
            SkipReason::Resolved,
            format!("status Healthy{why}"),
        ))
    } else if code.eq_ignore_ascii_case("NotApplicable") {
        Some(Mapped::Skipped(
            SkipReason::NotApplicable,
            format!("status NotApplicable{why}"),
        ))
    } else {
        None
    }
}

fn object_id(
    image: &Image,
    p: &Properties<'_>,
    ad: Node<'_>,
    cx: &Cx<'_>,
) -> Result<String, Error> {
    if let Some(other) = &image.other_id {
        cx.warn(
            WarningCode::NotAContentDigest,
            format!("image digest `{other}` is not a content digest; kept as container_image.id"),
            &ad.get_or_data("imageDigest"),
        );
    }
    if let Some(id) = image.object_id() {
        return Ok(id);
    }
    let rd = p.additional_data;
    match p.resource.id.filter(|i| !i.is_empty()) {
        Some(id) => {
            cx.warn(
                WarningCode::IdDerived,
                "no image digest; object.id is the resource id",
                &cx.root().get("properties").get("resourceDetails").get("id"),
            );
            Ok(id.to_owned())
        }
        None => Err(cx.error_at(
            ErrorCode::MissingField,
            "no image digest: looked at additionalData.artifactDetails.digest, additionalData.imageDigest and resourceDetails.id",
            &rd.get_or_data("artifactDetails").get("digest"),
        )),
    }
}

/// The CVSS of a sub-assessment: the `cvss` map's best entry, MDVM's `cvssV30Score` over it.
fn pick_cvss<'a>(v: &Vulnerability<'a>) -> Result<Choice<'a>, Error> {
    let map = if v.cvss.is_empty() {
        &v.cvss_flat
    } else {
        &v.cvss
    };
    let mut c = Choice::best(map, true)?;
    // MDVM's top-level score wins: it is what the portal shows.
    if let Some(n) = v.cvss_v30_score.opt_num()? {
        c.score = Some(n);
        c.at = Some(v.cvss_v30_score);
        c.version.get_or_insert_with(|| "3.0".into());
    }
    Ok(c)
}

fn remediation_status(s: &Software<'_>, v: &Vulnerability<'_>) -> Option<&'static str> {
    if let Some(status) = s.fix_status {
        return remediation::fix_status(status);
    }
    v.patchable
        .map(|p| if p { "AVAILABLE" } else { "NOT_AVAILABLE" })
}

fn cloud<'a>(s: &SubAssessment<'a>, p: &Properties<'a>) -> Cloud<'a> {
    let rd = &p.resource;
    Cloud {
        source: rd.source,
        hierarchy_id: rd.hierarchy_id,
        region: rd.region,
        native_cloud_unique_identifier: rd.native_cloud_unique_identifier,
        arm_id: s.id,
        tenant_id: s.tenant_id,
        subscription_id: s.subscription_id,
        resource_group: s.resource_group,
    }
}

/// A Healthy container sub-assessment still says its image was scanned (issue 10): it is
/// skipped as resolved, carrying a scan placeholder when its image and time are readable.
fn healthy_scan(
    skip: Mapped,
    s: &SubAssessment<'_>,
    p: &Properties<'_>,
    cx: &Cx<'_>,
    producer: Producer,
) -> Result<Mapped, Error> {
    let Mapped::Skipped(SkipReason::Resolved, message) = skip else {
        return Ok(skip);
    };
    let artifact = Artifact::read(p.additional_data)?;
    let image = Image::resolve(s, p, &artifact);
    let time = [p.time_generated, s.time_generated]
        .into_iter()
        .find_map(|n| n.time().ok().flatten().and_then(|t| cx.time(t, &n)));
    let (Some(object_id), Some(time)) = (image.object_id(), time) else {
        return Ok(Mapped::Skipped(SkipReason::Resolved, message));
    };
    let mut e = scan::placeholder(producer, cx.now, &object_id, &image, &time);
    cloud(s, p).put(&mut e);
    Ok(Mapped::Resolved(vec![e], message))
}

#[cfg(test)]
mod tests {
    use crate::{Options, Output, WarningCode, transform};

    /// One MDVM sub-assessment with the given `status` and `additionalData` extras.
    fn map(status: &str, extra: &str) -> Output {
        let payload = format!(
            r#"{{"type":"Microsoft.Security/assessments/subAssessments",
              "id":"/subscriptions/s/providers/Microsoft.Security/assessments/a/subAssessments/b",
              "properties":{{"status":{{"code":"Unhealthy"{status}}},
              "timeGenerated":"2026-01-01T00:00:00Z",
              "additionalData":{{"assessedResourceType":"AzureContainerRegistryVulnerability",
                "artifactDetails":{{"repositoryName":"repo","digest":"sha256:{digest}"}}{extra}}}}}}}"#,
            digest = "ab".repeat(32)
        );
        transform("defender-for-cloud", payload.as_bytes(), &Options::new()).unwrap()
    }

    fn finding_severity(out: &Output) -> Option<&str> {
        out.events
            .iter()
            .find_map(|e| e.get_str("finding.severity"))
    }

    #[test]
    fn finding_severity_is_always_set() {
        let out = map(r#","severity":"High""#, "");
        assert_eq!(finding_severity(&out), Some("High"));
        // No label anywhere: the level it maps to (it used to be left out).
        let out = map("", "");
        assert_eq!(finding_severity(&out), Some("NONE"));
        assert_eq!(out.warnings[0].code, WarningCode::SeverityMissing);
    }

    #[test]
    fn severity_warnings_point_at_the_value_they_concern() {
        // The label came from status.severity, not vulnerabilityDetails.
        let out = map(r#","severity":"Severe""#, "");
        assert_eq!(out.warnings[0].code, WarningCode::SeverityUnknown);
        assert_eq!(out.warnings[0].pointer, "/properties/status/severity");
        // A clamped score concerns the score.
        let out = map(r#","severity":"High""#, r#","cvssV30Score":11.2"#);
        assert_eq!(out.warnings[0].code, WarningCode::SeverityOutOfRange);
        assert_eq!(
            out.warnings[0].pointer,
            "/properties/additionalData/cvssV30Score"
        );
        let out = map(r#","severity":"High""#, r#","cvss":{"3.0":{"base":-1}}"#);
        assert_eq!(
            out.warnings[0].pointer,
            "/properties/additionalData/cvss/3.0/base"
        );
    }
}
