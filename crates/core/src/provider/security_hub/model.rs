//! One Security Hub finding as the mapping sees it, whatever format it came in: ASFF
//! (`asff.rs`) and OCSF (`ocsf.rs`) are both read into this model, and `build.rs` turns it
//! into events. The fields follow next-providers.md §2.4 (ASFF and OCSF V2 columns).

use crate::cx::{Cx, Node};
use crate::error::{Error, ErrorCode};
use crate::severity::Risk;

/// The event type a finding routes to (§2.2 for ASFF `Types[0]`, §2.7 for OCSF `class_uid`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Compliance,
    Detection,
    Vulnerability,
}

/// What a reader made of one finding.
pub(super) enum Read<'a> {
    Finding(Box<Finding<'a>>),
    /// Skipped: a reason and the words for it.
    Skipped(crate::output::SkipReason, String),
}

pub(super) struct Finding<'a> {
    /// The finding in the record (errors about it point here).
    pub node: Node<'a>,
    pub kind: Kind,
    pub id: &'a str,
    pub title: &'a str,
    pub description: Option<&'a str>,
    /// `finding.type` for compliance and detection findings: the first type.
    pub first_type: Option<&'a str>,
    pub time: String,
    pub vendor: Option<&'a str>,
    pub product: Option<&'a str>,
    /// `finding.severity`: the vendor's label as sent (or the level it was derived to).
    pub severity: String,
    /// `finding.score`: a genuine 0–10 vendor score, when there is one.
    pub score: Option<f64>,
    pub risk: Risk,
    /// Where the risk warning points.
    pub severity_node: Node<'a>,
    pub status: Option<&'a str>,
    pub url: Option<&'a str>,
    pub account: Option<&'a str>,
    pub region: Option<&'a str>,
    pub resources: Vec<Resource<'a>>,
    pub compliance: Option<Compliance<'a>>,
    pub rule_id: Option<&'a str>,
    pub actor_ips: Vec<&'a str>,
    pub vulnerabilities: Vec<Vulnerability<'a>>,
    pub extra: Vendor<'a>,
}

/// One affected resource: one event (or one per vulnerability and package) each.
#[derive(Default)]
pub(super) struct Resource<'a> {
    pub id: &'a str,
    pub object_type: String,
    pub name: String,
    pub region: Option<&'a str>,
    pub aws_type: Option<&'a str>,
    pub aws_id: Option<&'a str>,
    pub aws_name: Option<&'a str>,
    pub arn: Option<&'a str>,
    pub image: Option<Image<'a>>,
}

/// `container_image.*` of an ECR image resource.
pub(super) struct Image<'a> {
    pub digest: Option<&'a str>,
    pub repository: Option<&'a str>,
    pub registry: Option<String>,
    pub tags: Vec<String>,
}

pub(super) struct Compliance<'a> {
    pub status: Option<String>,
    pub control: Option<&'a str>,
    pub standards: Vec<String>,
    pub requirements: Vec<String>,
    pub status_reasons: Vec<String>,
}

#[derive(Default)]
pub(super) struct Vulnerability<'a> {
    pub id: Option<&'a str>,
    pub cvss: Option<Cvss<'a>>,
    pub exploit: Option<&'static str>,
    pub fix: Option<&'static str>,
    pub url: Option<&'a str>,
    pub packages: Vec<Package<'a>>,
    /// Where a `no-package` warning points.
    pub node: Option<Node<'a>>,
}

#[derive(Clone, Copy)]
pub(super) struct Cvss<'a> {
    pub score: Option<f64>,
    pub version: Option<&'a str>,
    pub vector: Option<&'a str>,
}

pub(super) struct Package<'a> {
    pub name: Option<&'a str>,
    pub version: Option<String>,
    pub fixed_in: Option<&'a str>,
}

/// The `securityhub.*` vendor namespace.
#[derive(Default)]
pub(super) struct Vendor<'a> {
    pub product_arn: Option<&'a str>,
    pub generator_id: Option<&'a str>,
    pub types: Vec<String>,
    pub record_state: Option<&'a str>,
    pub class_name: Option<&'a str>,
    pub activity_name: Option<&'a str>,
    pub sample: bool,
}

/// A required identifier: present, a string, and not empty (an empty id would make an
/// event without identity).
pub(super) fn required_id<'a>(n: Node<'a>, cx: &Cx<'_>) -> Result<&'a str, Error> {
    let id = n.str()?;
    if id.trim().is_empty() {
        return Err(cx.error_at(ErrorCode::InvalidValue, "empty identifier", &n));
    }
    Ok(id)
}

/// `AVAILABLE` / `NOT_AVAILABLE` from ASFF's `YES`/`PARTIAL`/`NO` (design.md, the rule
/// Defender's exploit and fix fields follow).
pub(super) fn availability(v: Option<&str>) -> Option<&'static str> {
    match v?.trim().to_ascii_uppercase().as_str() {
        "YES" | "PARTIAL" => Some("AVAILABLE"),
        "NO" => Some("NOT_AVAILABLE"),
        _ => None,
    }
}

/// `finding.result` from the compliance status: PASSED → PASS, FAILED → FAIL, else as is
/// (dt-sec-insights `compliance.md` recommends `finding.result`; values [infer]).
pub(super) fn result(status: &str) -> &str {
    match status {
        "PASSED" => "PASS",
        "FAILED" => "FAIL",
        other => other,
    }
}

/// `component.version` from ASFF/OCSF package parts: `epoch:version-release`, the epoch
/// only when it is not 0 (the RPM/dpkg form; next-providers.md §2.4 [infer]).
pub(super) fn package_version(
    version: Option<&str>,
    release: Option<&str>,
    epoch: Option<&str>,
) -> Option<String> {
    let version = version.filter(|v| !v.is_empty())?;
    let mut out = String::new();
    if let Some(e) = epoch.map(str::trim).filter(|e| !e.is_empty() && *e != "0") {
        out.push_str(e);
        out.push(':');
    }
    out.push_str(version);
    if let Some(r) = release.filter(|r| !r.is_empty()) {
        out.push('-');
        out.push_str(r);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_versions() {
        assert_eq!(
            package_version(Some("14.2.20"), None, Some("0")).as_deref(),
            Some("14.2.20")
        );
        assert_eq!(
            package_version(Some("3.0.15"), Some("1~deb12u1"), Some("1")).as_deref(),
            Some("1:3.0.15-1~deb12u1")
        );
        assert_eq!(package_version(None, Some("1"), None), None);
    }

    #[test]
    fn availability_and_result() {
        assert_eq!(availability(Some("PARTIAL")), Some("AVAILABLE"));
        assert_eq!(availability(Some("no")), Some("NOT_AVAILABLE"));
        assert_eq!(availability(Some("MAYBE")), None);
        assert_eq!(result("PASSED"), "PASS");
        assert_eq!(result("WARNING"), "WARNING");
    }
}
