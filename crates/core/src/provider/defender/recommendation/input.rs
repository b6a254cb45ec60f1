//! The individual-recommendation record (§2, §3): the ARM envelope (continuous export or a
//! Resource Graph row), `properties`, the package (`additionalData`, `ScannersDetails`) and
//! its CVE entries (`CvesDetails[]`, §3.4). Keys match in any case (set by the caller).

use crate::cvss::{Entry, sort_by_version};
use crate::cx::Node;
use crate::error::Error;

pub(super) struct Assessment<'a> {
    pub id: Option<&'a str>,
    pub name: Option<&'a str>,
    pub tenant_id: Option<&'a str>,
    /// Azure Resource Graph adds these two.
    pub subscription_id: Option<&'a str>,
    pub resource_group: Option<&'a str>,
    /// Continuous export's enrichment says the record was deleted (§2.1, §6).
    pub deleted: bool,
    pub properties: Node<'a>,
    pub resource: Resource<'a>,
}

/// `properties.resourceDetails` (§3.2): PascalCase in ARG, camelCase in older exports.
pub(super) struct Resource<'a> {
    pub source: Option<&'a str>,
    pub id: Option<&'a str>,
    pub resource_type: Option<&'a str>,
    pub resource_name: Option<&'a str>,
    pub native_resource_id: Option<&'a str>,
    pub region: Option<&'a str>,
    pub hierarchy_id: Option<&'a str>,
    pub native_cloud_unique_identifier: Option<&'a str>,
    pub node: Node<'a>,
}

impl<'a> Assessment<'a> {
    pub(super) fn read(r: Node<'a>) -> Result<Self, Error> {
        // Read (not mapped): classification already used it.
        r.get("type").opt_str()?;
        let mut deleted = false;
        for name in [
            "assessmentEventDataEnrichment",
            "securityEventDataEnrichment",
        ] {
            let action = r.get(name).get("action").opt_str()?;
            deleted |= action.is_some_and(|a| a.trim().eq_ignore_ascii_case("Delete"));
        }
        let p = r.get("properties");
        let rd = p.get("resourceDetails");
        Ok(Assessment {
            id: r.get("id").text()?,
            name: r.get("name").text()?,
            tenant_id: r.get("tenantId").text()?,
            subscription_id: r.get("subscriptionId").text()?,
            resource_group: r.get("resourceGroup").text()?,
            deleted,
            properties: p,
            resource: Resource {
                source: rd.get("source").text()?,
                id: rd.get("id").text()?,
                resource_type: rd.get("resourceType").text()?,
                resource_name: rd.get("resourceName").text()?,
                native_resource_id: rd.get("nativeResourceId").text()?,
                region: rd.get("region").text()?,
                hierarchy_id: rd.get("hierarchyId").text()?,
                native_cloud_unique_identifier: rd.get("nativeCloudUniqueIdentifier").text()?,
                node: rd,
            },
        })
    }
}

/// The vulnerable package (§3.3, §3.6).
pub(super) struct Package<'a> {
    pub name: Option<&'a str>,
    /// Detected versions: `ScannersDetails.mdvm`, then `.agentlessmdvm`, then
    /// `additionalData.DetectedSoftwareVersions` (an array, or a comma list).
    pub versions: Vec<&'a str>,
    /// Where the versions came from.
    pub versions_node: Node<'a>,
    /// Fixed version of the scanner, then of `additionalData`.
    pub fixed_version: Option<&'a str>,
    pub fix_status: Option<&'a str>,
    pub cves: Vec<Cve<'a>>,
    pub display_name: Option<&'a str>,
    pub severity: Option<&'a str>,
    pub severity_node: Node<'a>,
    pub description: Option<&'a str>,
    pub remediation: Option<&'a str>,
    pub category: Option<&'a str>,
}

/// One `CvesDetails` entry (§3.4).
pub(super) struct Cve<'a> {
    pub id: Option<&'a str>,
    pub additional_ids: Vec<&'a str>,
    pub severity: Option<&'a str>,
    pub severity_node: Node<'a>,
    /// `Cvss[]` by `Key`, sorted by version.
    pub cvss: Vec<(&'a str, Entry<'a>)>,
    pub fix_status: Option<&'a str>,
    pub fixed_version: Option<&'a str>,
    pub exploit: Node<'a>,
    pub description: Option<&'a str>,
    pub summary: Option<&'a str>,
    pub remediation: Option<&'a str>,
    pub cwe: Vec<&'a str>,
    pub references: Vec<(Option<&'a str>, Option<&'a str>)>,
    pub node: Node<'a>,
}

/// The scanners in the order §3.6 reads them.
const SCANNERS: &[&str] = &["mdvm", "agentlessmdvm"];

impl<'a> Package<'a> {
    pub(super) fn read(
        a: &Assessment<'a>,
        ad: Node<'a>,
        scanners: Node<'a>,
        cves: Node<'a>,
    ) -> Result<Self, Error> {
        let mut versions = Vec::new();
        let mut versions_node = ad.get("detectedSoftwareVersions");
        let mut scanner_fixed = None;
        let mut scanner_fix_status = None;
        for name in SCANNERS {
            let s = scanners.get(name);
            if versions.is_empty() {
                let node = s.get("detectedSoftwareVersions");
                versions = node.strs()?;
                if !versions.is_empty() {
                    versions_node = node;
                }
            }
            scanner_fixed = scanner_fixed.or(s.get("fixedVersion").text()?);
            scanner_fix_status = scanner_fix_status.or(s.get("fixStatus").text()?);
        }
        let top = ad.get("detectedSoftwareVersions");
        let top_versions = match top.opt_str()? {
            Some(list) => list.split(',').map(str::trim).collect(),
            None if top.exists() => top.strs()?,
            None => Vec::new(),
        };
        if versions.is_empty() {
            versions = top_versions;
        }
        versions.retain(|v| !v.trim().is_empty());
        let mut seen = std::collections::HashSet::new();
        versions.retain(|v| seen.insert(*v));

        let mut entries = Vec::new();
        for item in cves.items()? {
            entries.push(Cve::read(item)?);
        }
        let m = a.properties.get("metadata");
        Ok(Package {
            name: ad.get("softwareName").text()?,
            versions,
            versions_node,
            fixed_version: scanner_fixed.or(ad.get("fixedVersion").text()?),
            fix_status: scanner_fix_status.or(ad.get("fixStatus").text()?),
            cves: entries,
            display_name: m
                .get("displayName")
                .text()?
                .or(a.properties.get("displayName").text()?),
            severity: m.get("severity").opt_str()?,
            severity_node: m.get("severity"),
            description: m.get("description").text()?,
            remediation: m.get("remediationDescription").text()?,
            category: m.get("recommendationCategory").text()?,
        })
    }
}

impl<'a> Cve<'a> {
    fn read(c: Node<'a>) -> Result<Self, Error> {
        let mut cvss = Vec::new();
        for entry in c.get("cvss").items()? {
            let value = entry.get("value");
            if !value.exists() {
                continue;
            }
            cvss.push((
                entry.get("key").opt_str()?.unwrap_or(""),
                Entry {
                    base: value.get("base"),
                    vector: value.get("cvssVectorString").text()?,
                },
            ));
        }
        sort_by_version(&mut cvss);
        let mut cwe = Vec::new();
        for w in c.get("weaknesses").items()? {
            if let Some(id) = w.get("id").text()? {
                cwe.push(id);
            }
        }
        let mut references = Vec::new();
        for r in c.get("references").items()? {
            references.push((r.get("title").opt_str()?, r.get("url").opt_str()?));
        }
        let ext = c.get("extendedDescription");
        Ok(Cve {
            id: c
                .get("cveId")
                .text()?
                .map(str::trim)
                .filter(|s| !s.is_empty()),
            additional_ids: c.get("additionalIdentifiers").strs()?,
            severity: c.get("severity").opt_str()?,
            severity_node: c.get("severity"),
            cvss,
            fix_status: c.get("fixStatus").text()?,
            fixed_version: c.get("fixedVersion").text()?,
            exploit: c.get("exploitabilityDetails"),
            description: c.get("description").text()?,
            summary: ext.get("summary").text()?,
            remediation: ext.get("remediation").text()?,
            cwe,
            references,
            node: c,
        })
    }
}
