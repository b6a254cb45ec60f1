//! Defender for Cloud sub-assessments as exported: the camelCase ARM shape (continuous
//! export, Azure Resource Graph) and the PascalCase .NET shape. Container vulnerability data
//! comes in two layouts: Qualys-era (`ContainerRegistryVulnerability`, flat) and MDVM
//! (`Azure/Aws/GcpContainerRegistryVulnerability`, nested `*Details`), optionally wrapped in
//! `additionalData.data`.
//!
//! Field names: Azure REST API specs, `Microsoft.Security/.../subAssessments.json`, and
//! Defender for Cloud's "Container vulnerability assessments" sub-assessment reference.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::value::{Flag, Num, Time};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SubAssessment {
    #[serde(alias = "Id")]
    pub id: Option<String>,
    /// Classified from the probe before parsing; declared so that the unmapped report
    /// counts it as read.
    #[serde(rename = "type", alias = "Type")]
    #[allow(dead_code)]
    pub kind: Option<String>,
    #[serde(alias = "TenantId")]
    pub tenant_id: Option<String>,
    /// Azure Resource Graph adds these three.
    #[serde(alias = "SubscriptionId")]
    pub subscription_id: Option<String>,
    #[serde(alias = "ResourceGroup")]
    pub resource_group: Option<String>,
    #[serde(alias = "TimeGenerated")]
    pub time_generated: Option<Time>,
    #[serde(alias = "Properties")]
    pub properties: Option<Properties>,
    #[serde(alias = "SubAssessmentEventDataEnrichment")]
    pub sub_assessment_event_data_enrichment: Option<Enrichment>,
    #[serde(alias = "SecurityEventDataEnrichment")]
    pub security_event_data_enrichment: Option<Enrichment>,
}

/// Continuous export's enrichment object.
#[derive(Debug, Deserialize)]
pub(crate) struct Enrichment {
    #[serde(alias = "Action")]
    pub action: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Properties {
    /// The vulnerability id: a CVE (MDVM) or a Qualys QID.
    #[serde(alias = "Id")]
    pub id: Option<String>,
    #[serde(alias = "DisplayName")]
    pub display_name: Option<String>,
    #[serde(alias = "Status")]
    pub status: Option<Status>,
    #[serde(alias = "Remediation")]
    pub remediation: Option<String>,
    #[serde(alias = "Description")]
    pub description: Option<String>,
    #[serde(alias = "TimeGenerated")]
    pub time_generated: Option<Time>,
    #[serde(alias = "ResourceDetails")]
    pub resource_details: Option<ResourceDetails>,
    #[serde(alias = "AdditionalData")]
    pub additional_data: Option<AdditionalData>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Status {
    #[serde(alias = "Code")]
    pub code: Option<String>,
    #[serde(alias = "Severity")]
    pub severity: Option<String>,
    #[serde(alias = "Cause")]
    pub cause: Option<String>,
    #[serde(alias = "Description")]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ResourceDetails {
    #[serde(alias = "Source")]
    pub source: Option<String>,
    #[serde(alias = "Id")]
    pub id: Option<String>,
    #[serde(alias = "Region")]
    pub region: Option<String>,
    #[serde(alias = "NativeCloudUniqueIdentifier")]
    pub native_cloud_unique_identifier: Option<String>,
    #[serde(alias = "HierarchyId")]
    pub hierarchy_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AdditionalData {
    #[serde(alias = "AssessedResourceType")]
    pub assessed_resource_type: Option<String>,
    /// Some exports nest the polymorphic fields one level down.
    #[serde(alias = "Data")]
    pub data: Option<Box<AdditionalData>>,
    // MDVM layout.
    #[serde(alias = "CvssV30Score")]
    pub cvss_v30_score: Option<Num>,
    #[serde(alias = "VulnerabilityDetails")]
    pub vulnerability_details: Option<VulnerabilityDetails>,
    #[serde(alias = "ArtifactDetails")]
    pub artifact_details: Option<ArtifactDetails>,
    #[serde(alias = "SoftwareDetails")]
    pub software_details: Option<SoftwareDetails>,
    // Qualys-era layout.
    #[serde(alias = "ImageDigest")]
    pub image_digest: Option<String>,
    #[serde(alias = "RepositoryName")]
    pub repository_name: Option<String>,
    #[serde(alias = "Cvss")]
    pub cvss: Option<CvssMap>,
    #[serde(alias = "Patchable")]
    pub patchable: Option<Flag>,
    #[serde(alias = "Cve")]
    pub cve: Option<Vec<Reference>>,
}

/// CVSS per version key (`"2.0"`, `"3.0"`, ...); a version may be `null`.
pub(crate) type CvssMap = BTreeMap<String, Option<Cvss>>;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Cvss {
    #[serde(alias = "Base")]
    pub base: Option<Num>,
    #[serde(alias = "CvssVectorString")]
    pub cvss_vector_string: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VulnerabilityDetails {
    #[serde(alias = "CveId")]
    pub cve_id: Option<String>,
    #[serde(alias = "Severity")]
    pub severity: Option<String>,
    #[serde(alias = "Cvss")]
    pub cvss: Option<CvssMap>,
    #[serde(alias = "ExploitabilityAssessment")]
    pub exploitability_assessment: Option<Exploitability>,
    #[serde(alias = "References")]
    pub references: Option<Vec<Reference>>,
    #[serde(alias = "Weaknesses")]
    pub weaknesses: Option<Weaknesses>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Exploitability {
    #[serde(alias = "ExploitStepsPublished")]
    pub exploit_steps_published: Option<Flag>,
    #[serde(alias = "ExploitStepsVerified")]
    pub exploit_steps_verified: Option<Flag>,
    #[serde(alias = "IsInExploitKit")]
    pub is_in_exploit_kit: Option<Flag>,
    #[serde(alias = "ExploitUris")]
    pub exploit_uris: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Reference {
    #[serde(alias = "Title")]
    pub title: Option<String>,
    #[serde(alias = "Link")]
    pub link: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Weaknesses {
    #[serde(alias = "Cwe")]
    pub cwe: Option<Vec<Cwe>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Cwe {
    #[serde(alias = "Id")]
    pub id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ArtifactDetails {
    #[serde(alias = "RegistryHost")]
    pub registry_host: Option<String>,
    #[serde(alias = "RepositoryName")]
    pub repository_name: Option<String>,
    #[serde(alias = "Digest")]
    pub digest: Option<String>,
    #[serde(alias = "Tags")]
    pub tags: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SoftwareDetails {
    #[serde(alias = "PackageName")]
    pub package_name: Option<String>,
    #[serde(alias = "Version")]
    pub version: Option<String>,
    #[serde(alias = "FixedVersion")]
    pub fixed_version: Option<String>,
    #[serde(alias = "FixStatus")]
    pub fix_status: Option<String>,
}
