//! Defender for Cloud record → one `VULNERABILITY_FINDING` per container-image
//! sub-assessment (image × vulnerability × package). Other record kinds are skipped with a
//! reason; the scan events come in [`super::scan`].

use super::artifact::{Image, pick, split_ci};
use super::input::{AdditionalData, CvssMap, Properties, SubAssessment};
use super::severity::TABLE;
use crate::cx::Cx;
use crate::error::{Error, ErrorCode};
use crate::event::{Event, EventType, Producer};
use crate::ids;
use crate::output::{SkipReason, WarningCode};
use crate::payload::Probe;
use crate::provider::Mapped;

/// `assessedResourceType`s of container image vulnerability sub-assessments.
pub(super) const CONTAINER_TYPES: &[&str] = &[
    "ContainerRegistryVulnerability",
    "AzureContainerRegistryVulnerability",
    "AwsContainerRegistryVulnerability",
    "GcpContainerRegistryVulnerability",
];

const AD: &str = "/properties/additionalData";

pub(super) fn map(probe: &Probe<'_>, cx: &mut Cx<'_>, producer: Producer) -> Result<Mapped, Error> {
    match classify(probe) {
        Class::SubAssessment => {}
        Class::Skip(reason, message) => return Ok(Mapped::Skipped(reason, message)),
        Class::NoType => {
            return Err(cx.error(
                ErrorCode::MissingField,
                "not a Defender for Cloud record: no `type` (e.g. `Microsoft.Security/assessments/subAssessments`)",
                "/type",
            ));
        }
    }
    let s: SubAssessment = cx.parse(cx.text(), "")?;
    let deleted = [
        &s.sub_assessment_event_data_enrichment,
        &s.security_event_data_enrichment,
    ]
    .into_iter()
    .flatten()
    .any(|e| {
        e.action
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case("Delete"))
    });
    if deleted {
        return Ok(Mapped::Skipped(
            SkipReason::Resolved,
            "the sub-assessment was deleted (enrichment action `Delete`)".into(),
        ));
    }
    let p = s.properties.as_ref().ok_or_else(|| {
        cx.error(
            ErrorCode::MissingField,
            "missing field `properties`",
            "/properties",
        )
    })?;
    let empty = AdditionalData::default();
    let ad = p.additional_data.as_ref().unwrap_or(&empty);
    let assessed = pick(ad, |a| a.assessed_resource_type.as_ref()).ok_or_else(|| {
        cx.error(
            ErrorCode::MissingField,
            "sub-assessment without `assessedResourceType`",
            &format!("{AD}/assessedResourceType"),
        )
    })?;
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
    if let Some(skip) = status_skip(p) {
        return Ok(skip);
    }

    let image = Image::resolve(&s, p, ad);
    let object_id = object_id(&image, p, cx)?;
    let vuln = pick(ad, |a| a.vulnerability_details.as_ref());
    let software = pick(ad, |a| a.software_details.as_ref());
    let vuln_id = vuln
        .and_then(|v| v.cve_id.clone())
        .or_else(|| p.id.clone())
        .filter(|v| !v.is_empty());
    let package = software
        .and_then(|s| s.package_name.clone())
        .filter(|x| !x.is_empty());
    let version = software
        .and_then(|s| s.version.clone())
        .filter(|x| !x.is_empty());
    let time = cx.required_time(&[
        (p.time_generated.as_ref(), "/properties/timeGenerated"),
        (s.time_generated.as_ref(), "/timeGenerated"),
    ])?;
    let finding_id = match s.id.as_deref().filter(|i| !i.is_empty()) {
        // ARM ids vary in case between exports (`subAssessments`, `subassessments`).
        Some(id) => id.to_ascii_lowercase(),
        None => {
            let parts = [
                object_id.as_str(),
                vuln_id.as_deref().unwrap_or(""),
                package.as_deref().unwrap_or(""),
                version.as_deref().unwrap_or(""),
            ];
            cx.warn(
                WarningCode::IdDerived,
                "no sub-assessment `id`; finding.id derived from image, vulnerability and package",
                "/id",
            );
            ids::name_based(&parts)
        }
    };
    let cvss = Cvss::pick(ad, cx);
    let (label, label_at) = match vuln.and_then(|v| v.severity.as_deref()) {
        Some(l) => (Some(l), format!("{AD}/vulnerabilityDetails/severity")),
        None => (
            p.status.as_ref().and_then(|s| s.severity.as_deref()),
            "/properties/status/severity".to_owned(),
        ),
    };
    let risk = TABLE.risk_for_label(label, cvss.score);
    if let Some((code, message)) = &risk.warning {
        // A clamped score concerns the CVSS value; anything else the label.
        let at = match (code, &cvss.at) {
            (WarningCode::SeverityOutOfRange, Some(score_at)) => score_at,
            _ => &label_at,
        };
        cx.warn(*code, message.clone(), at);
    }

    let mut e = Event::new(EventType::VulnerabilityFinding, producer, cx.now);
    e.set("object.id", object_id.as_str());
    e.set("object.type", "CONTAINER_IMAGE");
    e.set(
        "object.name",
        image
            .repository
            .clone()
            .unwrap_or_else(|| object_id.clone()),
    );
    e.set("finding.id", finding_id);
    e.set("finding.type", "DEPENDENCY_VULNERABILITY");
    let display = p
        .display_name
        .clone()
        .or_else(|| vuln_id.clone())
        .unwrap_or_default();
    let title = match (&package, &version) {
        (Some(pkg), Some(ver)) => format!("{display} in {pkg} {ver}"),
        (Some(pkg), None) => format!("{display} in {pkg}"),
        _ => display.clone(),
    };
    e.set("finding.title", title);
    e.set("finding.time.created", time);
    // Always set on findings (design §3): the vendor's label, else the level it maps to.
    e.set(
        "finding.severity",
        label
            .filter(|l| !l.trim().is_empty())
            .unwrap_or(risk.level.as_str()),
    );
    e.opt("finding.score", cvss.score);
    e.opt(
        "finding.status",
        p.status.as_ref().and_then(|s| s.code.as_deref()),
    );
    e.set("dt.security.risk.level", risk.level.as_str());
    e.set("dt.security.risk.score", risk.score);

    e.opt("vulnerability.id", vuln_id.as_deref());
    e.opt("vulnerability.title", Some(display));
    e.opt("vulnerability.description", p.description.as_deref());
    let cves = cve_ids(ad, vuln_id.as_deref());
    let external_url = external_url(ad, vuln_id.as_deref(), &cves);
    e.opt("vulnerability.references.cve", Some(cves));
    e.opt(
        "vulnerability.references.cwe",
        Some(
            vuln.and_then(|v| v.weaknesses.as_ref())
                .and_then(|w| w.cwe.as_ref())
                .map(|c| c.iter().filter_map(|c| c.id.clone()).collect::<Vec<_>>())
                .unwrap_or_default(),
        ),
    );
    e.opt("vulnerability.external_url", external_url);
    e.opt("vulnerability.cvss.base_score", cvss.score);
    e.opt("vulnerability.cvss.version", cvss.version);
    e.opt("vulnerability.cvss.vector", cvss.vector);
    e.opt("vulnerability.exploit.status", exploit_status(ad));
    e.opt("vulnerability.remediation.status", remediation_status(ad));
    e.opt(
        "vulnerability.remediation.fix_versions",
        software
            .and_then(|s| s.fixed_version.clone())
            .filter(|v| !v.is_empty())
            .map(|v| vec![v]),
    );
    e.opt(
        "vulnerability.remediation.description",
        p.remediation.as_deref(),
    );
    e.opt("component.name", package);
    e.opt("component.version", version);

    e.opt("container_image.digest", image.digest.clone());
    e.opt("container_image.id", image.other_id.clone());
    e.opt("container_image.repository", image.repository.clone());
    e.opt("container_image.registry", image.registry.clone());
    e.opt("container_image.tags", Some(image.tags.clone()));
    // Filled per image once the whole call is mapped (see `scan`).
    e.set("scan.id", "");
    cloud(&mut e, &s, p);
    e.opt("defender.assessment.key", assessment_key(s.id.as_deref()));
    e.set("defender.assessed_resource_type", assessed.as_str());
    Ok(Mapped::Events(vec![e]))
}

enum Class {
    SubAssessment,
    Skip(SkipReason, String),
    NoType,
}

/// What kind of Defender record this is, from its `type` (alerts have none).
fn classify(probe: &Probe<'_>) -> Class {
    let kind = probe.record_type();
    let t = kind.as_deref().unwrap_or("").to_ascii_lowercase();
    let alert =
        probe.alert_type.is_some() || probe.system_alert_id.is_some() || t.ends_with("/alerts");
    if t == "microsoft.security/assessments/subassessments" {
        Class::SubAssessment
    } else if alert {
        Class::Skip(
            SkipReason::UnsupportedRecordType,
            "security alerts are not mapped yet".into(),
        )
    } else if t == "microsoft.security/assessments" {
        Class::Skip(
            SkipReason::UnsupportedRecordType,
            "assessments (recommendations) are not mapped yet; container findings arrive as sub-assessments".into(),
        )
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

fn status_skip(p: &Properties) -> Option<Mapped> {
    let status = p.status.as_ref()?;
    let code = status.code.as_deref()?;
    let why = [status.cause.as_deref(), status.description.as_deref()]
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

fn object_id(image: &Image, p: &Properties, cx: &mut Cx<'_>) -> Result<String, Error> {
    if let Some(other) = &image.other_id {
        cx.warn(
            WarningCode::NotAContentDigest,
            format!("image digest `{other}` is not a content digest; kept as container_image.id"),
            &format!("{AD}/imageDigest"),
        );
    }
    if let Some(id) = image.object_id() {
        return Ok(id);
    }
    match p.resource_details.as_ref().and_then(|r| r.id.clone()).filter(|i| !i.is_empty()) {
        Some(id) => {
            cx.warn(
                WarningCode::IdDerived,
                "no image digest; object.id is the resource id",
                "/properties/resourceDetails/id",
            );
            Ok(id)
        }
        None => Err(cx.error(
            ErrorCode::MissingField,
            "no image digest: looked at additionalData.artifactDetails.digest, additionalData.imageDigest and resourceDetails.id",
            &format!("{AD}/artifactDetails/digest"),
        )),
    }
}

/// The CVSS score, version and vector of a record.
#[derive(Default)]
struct Cvss {
    score: Option<f64>,
    version: Option<String>,
    vector: Option<String>,
    /// Where the score came from (pointer relative to the record).
    at: Option<String>,
}

impl Cvss {
    fn pick(ad: &AdditionalData, cx: &mut Cx<'_>) -> Cvss {
        let vuln_map = pick(ad, |a| a.vulnerability_details.as_ref()).and_then(|v| v.cvss.as_ref());
        let (map, at) = match (vuln_map, pick(ad, |a| a.cvss.as_ref())) {
            (Some(m), _) => (Some(m), format!("{AD}/vulnerabilityDetails/cvss")),
            (None, m) => (m, format!("{AD}/cvss")),
        };
        let best = map.and_then(best_version);
        let mut c = Cvss::default();
        if let Some((key, entry)) = best {
            c.vector = entry.cvss_vector_string.clone().filter(|v| !v.is_empty());
            c.version = Some(
                c.vector
                    .as_deref()
                    .and_then(|v| v.strip_prefix("CVSS:"))
                    .and_then(|v| v.split('/').next())
                    .unwrap_or(key)
                    .to_owned(),
            );
            let score_at = format!("{at}/{key}/base");
            c.score = entry.base.map(|n| cx.num(n, &score_at));
            c.at = c.score.is_some().then_some(score_at);
        }
        // MDVM's top-level score wins: it is what the portal shows.
        if let Some(n) = pick(ad, |a| a.cvss_v30_score.as_ref()) {
            let score_at = format!("{AD}/cvssV30Score");
            c.score = Some(cx.num(*n, &score_at));
            c.at = Some(score_at);
            c.version.get_or_insert_with(|| "3.0".into());
        }
        c
    }
}

/// The highest CVSS version that carries a score or vector.
fn best_version(map: &CvssMap) -> Option<(&str, &super::input::Cvss)> {
    map.iter().rev().find_map(|(k, v)| {
        v.as_ref()
            .filter(|c| c.base.is_some() || c.cvss_vector_string.is_some())
            .map(|c| (k.as_str(), c))
    })
}

fn cve_ids(ad: &AdditionalData, vuln_id: Option<&str>) -> Vec<String> {
    let mut cves: Vec<String> = pick(ad, |a| a.cve.as_ref())
        .map(|list| list.iter().filter_map(|r| r.title.clone()).collect())
        .unwrap_or_default();
    if let Some(id) = vuln_id {
        cves.insert(0, id.to_owned());
    }
    let mut seen = Vec::new();
    cves.retain(|c| {
        let keep = c.starts_with("CVE-") && !seen.contains(c);
        if keep {
            seen.push(c.clone());
        }
        keep
    });
    cves
}

/// The link the vendor gives for the vulnerability itself (NVD for MDVM).
fn external_url(ad: &AdditionalData, vuln_id: Option<&str>, cves: &[String]) -> Option<String> {
    let refs = pick(ad, |a| a.vulnerability_details.as_ref())
        .and_then(|v| v.references.as_ref())
        .into_iter()
        .flatten()
        .chain(pick(ad, |a| a.cve.as_ref()).into_iter().flatten());
    let wanted: Vec<&str> = vuln_id
        .into_iter()
        .chain(cves.iter().map(String::as_str))
        .collect();
    refs.filter(|r| r.title.as_deref().is_some_and(|t| wanted.contains(&t)))
        .find_map(|r| r.link.clone())
        .filter(|l| !l.is_empty())
}

fn exploit_status(ad: &AdditionalData) -> Option<&'static str> {
    let x = pick(ad, |a| a.vulnerability_details.as_ref())?
        .exploitability_assessment
        .as_ref()?;
    let flagged = [
        x.exploit_steps_published,
        x.exploit_steps_verified,
        x.is_in_exploit_kit,
    ]
    .iter()
    .any(|f| f.is_some_and(|f| f.0))
        || x.exploit_uris.as_ref().is_some_and(|u| !u.is_empty());
    Some(if flagged {
        "AVAILABLE"
    } else {
        "NOT_AVAILABLE"
    })
}

fn remediation_status(ad: &AdditionalData) -> Option<&'static str> {
    if let Some(status) =
        pick(ad, |a| a.software_details.as_ref()).and_then(|s| s.fix_status.as_deref())
    {
        return match status.to_ascii_lowercase().as_str() {
            "fixavailable" => Some("AVAILABLE"),
            "nofixavailable" | "wontfix" | "scheduled" => Some("NOT_AVAILABLE"),
            _ => None,
        };
    }
    pick(ad, |a| a.patchable.as_ref()).map(|p| if p.0 { "AVAILABLE" } else { "NOT_AVAILABLE" })
}

fn cloud(e: &mut Event, s: &SubAssessment, p: &Properties) {
    let rd = p.resource_details.as_ref();
    let source = rd
        .and_then(|r| r.source.as_deref())
        .map(str::to_ascii_lowercase);
    e.opt("cloud.provider", source.clone());
    if source.as_deref() == Some("aws") {
        e.opt("aws.account.id", rd.and_then(|r| r.hierarchy_id.as_deref()));
        e.opt("aws.region", rd.and_then(|r| r.region.as_deref()));
        e.opt(
            "aws.arn",
            rd.and_then(|r| r.native_cloud_unique_identifier.as_deref()),
        );
    }
    let arm = s.id.as_deref().unwrap_or("");
    e.opt("azure.tenant.id", s.tenant_id.as_deref());
    e.opt(
        "azure.subscription",
        s.subscription_id
            .clone()
            .or_else(|| arm_segment(arm, "/subscriptions/")),
    );
    e.opt(
        "azure.resource.group",
        s.resource_group
            .clone()
            .or_else(|| arm_segment(arm, "/resourceGroups/")),
    );
}

/// The path segment after `key` in an ARM id, unless it is a documentation placeholder.
fn arm_segment(arm: &str, key: &str) -> Option<String> {
    let (_, rest) = split_ci(arm, key)?;
    let seg = rest.split('/').next()?.trim();
    (!seg.is_empty() && !seg.starts_with('{')).then(|| seg.to_owned())
}

/// The parent assessment's key: the segment after `/assessments/`.
fn assessment_key(arm: Option<&str>) -> Option<String> {
    arm_segment(arm?, "/assessments/")
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
