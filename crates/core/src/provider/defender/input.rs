//! Defender for Cloud sub-assessments as exported: the camelCase ARM shape (continuous
//! export, Azure Resource Graph) and the PascalCase .NET shape (the accessors match both).
//! Container vulnerability data comes in two layouts: Qualys-era
//! (`ContainerRegistryVulnerability`, flat) and MDVM (`Azure/Aws/GcpContainerRegistryVulnerability`,
//! nested `*Details`), optionally wrapped in `additionalData.data`.
//!
//! Field names: Azure REST API specs, `Microsoft.Security/.../subAssessments.json`, and
//! Defender for Cloud's "Container vulnerability assessments" sub-assessment reference.

use crate::cvss::{Entry as Cvss, sort_by_version};
use crate::cx::Node;
use crate::error::Error;

pub(crate) struct SubAssessment<'a> {
    pub id: Option<&'a str>,
    pub tenant_id: Option<&'a str>,
    /// Azure Resource Graph adds these three.
    pub subscription_id: Option<&'a str>,
    pub resource_group: Option<&'a str>,
    pub time_generated: Node<'a>,
    /// Continuous export's enrichment says the record was deleted.
    pub deleted: bool,
    pub properties: Node<'a>,
}

pub(crate) struct Properties<'a> {
    /// The vulnerability id: a CVE (MDVM) or a Qualys QID.
    pub id: Option<&'a str>,
    pub display_name: Option<&'a str>,
    pub status: Status<'a>,
    pub remediation: Option<&'a str>,
    pub description: Option<&'a str>,
    pub time_generated: Node<'a>,
    pub resource: ResourceDetails<'a>,
    pub additional_data: Node<'a>,
}

pub(crate) struct Status<'a> {
    pub code: Option<&'a str>,
    pub severity: Option<&'a str>,
    pub severity_node: Node<'a>,
    pub cause: Option<&'a str>,
    pub description: Option<&'a str>,
}

#[derive(Default)]
pub(crate) struct ResourceDetails<'a> {
    pub source: Option<&'a str>,
    pub id: Option<&'a str>,
    pub region: Option<&'a str>,
    pub native_cloud_unique_identifier: Option<&'a str>,
    pub hierarchy_id: Option<&'a str>,
}

/// The vulnerability part of `additionalData` (both layouts).
pub(crate) struct Vulnerability<'a> {
    pub cve_id: Option<&'a str>,
    pub severity: Option<&'a str>,
    pub severity_node: Node<'a>,
    /// CVSS entries by version key (`"2.0"`, `"3.0"`), sorted; `null` versions left out.
    pub cvss: Vec<(&'a str, Cvss<'a>)>,
    /// Qualys-era: `cvss` sits directly under `additionalData`.
    pub cvss_flat: Vec<(&'a str, Cvss<'a>)>,
    pub cvss_v30_score: Node<'a>,
    /// `exploitabilityAssessment`, read by [`super::remediation::exploit_status`].
    pub exploit: Node<'a>,
    pub references: Vec<Reference<'a>>,
    pub cwe: Vec<&'a str>,
    /// Qualys-era CVE list.
    pub cve: Vec<Reference<'a>>,
    pub patchable: Option<bool>,
}

pub(crate) struct Reference<'a> {
    pub title: Option<&'a str>,
    pub link: Option<&'a str>,
}

pub(crate) struct Artifact<'a> {
    pub registry_host: Option<&'a str>,
    pub repository_name: Option<&'a str>,
    pub digest: Option<&'a str>,
    pub tags: Vec<&'a str>,
    /// Qualys-era flat fields.
    pub image_digest: Option<&'a str>,
    pub flat_repository_name: Option<&'a str>,
}

#[derive(Default)]
pub(crate) struct Software<'a> {
    pub package_name: Option<&'a str>,
    pub version: Option<&'a str>,
    pub fixed_version: Option<&'a str>,
    pub fix_status: Option<&'a str>,
}

impl<'a> SubAssessment<'a> {
    pub(crate) fn read(r: Node<'a>) -> Result<SubAssessment<'a>, Error> {
        // Read (not mapped): classification already used it.
        r.get("type").opt_str()?;
        let mut deleted = false;
        for name in [
            "subAssessmentEventDataEnrichment",
            "securityEventDataEnrichment",
        ] {
            let action = r.get(name).get("action").opt_str()?;
            deleted |= action.is_some_and(|a| a.eq_ignore_ascii_case("Delete"));
        }
        Ok(SubAssessment {
            id: r.get("id").opt_str()?,
            tenant_id: r.get("tenantId").opt_str()?,
            subscription_id: r.get("subscriptionId").opt_str()?,
            resource_group: r.get("resourceGroup").opt_str()?,
            time_generated: r.get("timeGenerated"),
            deleted,
            properties: r.get("properties"),
        })
    }
}

impl<'a> Properties<'a> {
    pub(crate) fn read(p: Node<'a>) -> Result<Properties<'a>, Error> {
        let status = p.get("status");
        let rd = p.get("resourceDetails");
        Ok(Properties {
            id: p.get("id").opt_str()?,
            display_name: p.get("displayName").opt_str()?,
            status: Status {
                code: status.get("code").opt_str()?,
                severity: status.get("severity").opt_str()?,
                severity_node: status.get("severity"),
                cause: status.get("cause").opt_str()?,
                description: status.get("description").opt_str()?,
            },
            remediation: p.get("remediation").opt_str()?,
            description: p.get("description").opt_str()?,
            time_generated: p.get("timeGenerated"),
            resource: ResourceDetails {
                source: rd.get("source").opt_str()?,
                id: rd.get("id").opt_str()?,
                region: rd.get("region").opt_str()?,
                native_cloud_unique_identifier: rd.get("nativeCloudUniqueIdentifier").opt_str()?,
                hierarchy_id: rd.get("hierarchyId").opt_str()?,
            },
            additional_data: p.get("additionalData"),
        })
    }
}

impl<'a> Vulnerability<'a> {
    pub(crate) fn read(ad: Node<'a>) -> Result<Vulnerability<'a>, Error> {
        let v = ad.get_or_data("vulnerabilityDetails");
        let mut cwe = Vec::new();
        for w in v.get("weaknesses").get("cwe").items()? {
            if let Some(id) = w.get("id").opt_str()? {
                cwe.push(id);
            }
        }
        Ok(Vulnerability {
            cve_id: v.get("cveId").opt_str()?,
            severity: v.get("severity").opt_str()?,
            severity_node: v.get("severity"),
            cvss: cvss_map(v.get("cvss"))?,
            cvss_flat: cvss_map(ad.get_or_data("cvss"))?,
            cvss_v30_score: ad.get_or_data("cvssV30Score"),
            exploit: v.get("exploitabilityAssessment"),
            references: references(v.get("references"))?,
            cwe,
            cve: references(ad.get_or_data("cve"))?,
            patchable: ad.get_or_data("patchable").opt_bool()?,
        })
    }
}

fn cvss_map<'a>(m: Node<'a>) -> Result<Vec<(&'a str, Cvss<'a>)>, Error> {
    let mut out = Vec::new();
    for (version, entry) in m.entries()? {
        if entry.exists() {
            out.push((
                version,
                Cvss {
                    base: entry.get("base"),
                    vector: entry.get("cvssVectorString").opt_str()?,
                },
            ));
        }
    }
    sort_by_version(&mut out);
    Ok(out)
}

fn references<'a>(list: Node<'a>) -> Result<Vec<Reference<'a>>, Error> {
    let mut out = Vec::new();
    for r in list.items()? {
        out.push(Reference {
            title: r.get("title").opt_str()?,
            link: r.get("link").opt_str()?,
        });
    }
    Ok(out)
}

impl<'a> Artifact<'a> {
    pub(crate) fn read(ad: Node<'a>) -> Result<Artifact<'a>, Error> {
        let a = ad.get_or_data("artifactDetails");
        Ok(Artifact {
            registry_host: a.get("registryHost").opt_str()?,
            repository_name: a.get("repositoryName").opt_str()?,
            digest: a.get("digest").opt_str()?,
            tags: a.get("tags").strs()?,
            image_digest: ad.get_or_data("imageDigest").opt_str()?,
            flat_repository_name: ad.get_or_data("repositoryName").opt_str()?,
        })
    }
}

impl<'a> Software<'a> {
    pub(crate) fn read(ad: Node<'a>) -> Result<Software<'a>, Error> {
        let s = ad.get_or_data("softwareDetails");
        Ok(Software {
            package_name: s.get("packageName").text()?,
            version: s.get("version").text()?,
            fixed_version: s.get("fixedVersion").text()?,
            fix_status: s.get("fixStatus").opt_str()?,
        })
    }
}
