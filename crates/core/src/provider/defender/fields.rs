//! The Defender for Cloud mapping table, as data: rendered into
//! `docs/mapping/defender-for-cloud.md` and checked against every golden event by the tests.
//! Sources are JSON pointers into the record; `AD` is `/properties/additionalData` (or its
//! `data` wrapper). PascalCase keys are accepted wherever camelCase is shown.
//!
//! Two record formats: **SA**, the retired container sub-assessments
//! (`Microsoft.Security/assessments/subAssessments`), and **IR**, the individual
//! recommendations (`Microsoft.Security/assessments` with `resourceDetails.ResourceType`
//! `.containerimage`; `shared/docs/defender-individual-recommendations.md`, "IR §n"), whose
//! keys match in any case. In IR rows `CVE` is one entry of `AD/CvesDetails`, `SCN` is
//! `AD/ScannersDetails/mdvm` (else `/agentlessmdvm`) and `RAD` is
//! `/properties/resourceAdditionalData`; these three may be JSON text or objects (IR §4).

use crate::provider::rows::{EVENT_KIND, MAPPING_VERSION, TIMESTAMP};
use crate::provider::{FieldRule, rule};

pub(super) static FIELDS: &[FieldRule] = &[
    TIMESTAMP,
    rule(
        "event.id",
        "derived",
        "UUIDv5 over provider, finding.id, object.id, finding.time.created (scans: provider, scan.id); design §3; a record keeps one event per id, the first (run.rs `distinct_ids`)",
    ),
    EVENT_KIND,
    rule(
        "event.type",
        "constant",
        "`VULNERABILITY_FINDING` (SA: one per record; IR: one per CVE entry × detected version, IR §8.1), or `VULNERABILITY_SCAN` (one per image and scan day in a call, SD §1.6; also for images whose records are all Healthy)",
    ),
    rule(
        "event.name",
        "constant",
        "`Vulnerability finding event` / `Vulnerability scan event`",
    ),
    rule(
        "event.provider",
        "constant",
        "`Microsoft Defender for Cloud`",
    ),
    rule("product.vendor", "constant", "`Microsoft`"),
    rule("product.name", "constant", "`Microsoft Defender for Cloud`"),
    rule(
        "object.id",
        "image identity",
        "`registry/repository@digest` (parts that are unknown left out); SA: else resourceDetails.id with a warning; IR: the digest is required (else rejected)",
    ),
    rule("object.type", "constant", "`CONTAINER_IMAGE`"),
    rule("object.name", "image identity", "the repository"),
    rule(
        "finding.id",
        "/id | IR: /id, CVE/CveId",
        "as the provider sent it (not lower-cased: issue 10); IR: `<id>/<CveId>` (IR §8.1 proposes a lower-cased id; the provider's case is kept instead), plus `/<version>` when several versions are detected, `<id>/<n>` (entry position) for an entry without CveId; derived with a warning when `id` is missing",
    ),
    rule("finding.type", "constant", "`DEPENDENCY_VULNERABILITY`"),
    rule(
        "finding.title",
        "/properties/displayName, AD/softwareDetails | IR: CVE/CveId, AD/SoftwareName, version",
        "`<displayName or CVE> in <package> <version>`",
    ),
    rule(
        "finding.time.created",
        "/properties/timeGenerated | /timeGenerated | IR: /properties/status/statusChangeDate | /properties/status/firstEvaluationDate | /timeGenerated",
        "RFC 3339 UTC; required (IR §8.1: these records have no properties.timeGenerated)",
    ),
    rule(
        "finding.severity",
        "AD/vulnerabilityDetails/severity | /properties/status/severity | IR: CVE/Severity | /properties/metadata/severity",
        "as is; IR: the CVE's own (IR §7), the record's metadata.severity only when the CVE has none (with a warning)",
    ),
    rule(
        "finding.score",
        "AD/cvssV30Score | AD/vulnerabilityDetails/cvss | AD/cvss | IR: CVE/Cvss",
        "CVSS base score, as is",
    ),
    rule(
        "finding.status",
        "/properties/status/code",
        "as is (`Unhealthy`)",
    ),
    rule(
        "dt.security.risk.level",
        "severity label",
        "table defender-for-cloud/1 (Dynatrace Defender ingest page, SD §4.1): Critical, High, Medium, Low as is; Unknown, None, missing → NONE",
    ),
    rule(
        "dt.security.risk.score",
        "CVSS base score",
        "as is (clamped to 0–10); without CVSS the level's fixed score: 10.0, 8.9, 6.9, 3.9, 0.0; IR: NONE is always 0.0 (seed table: Unknown/None → NONE 0.0), a CVSS beside it stays in vulnerability.cvss.base_score with a warning (IR §7, §10.7)",
    ),
    rule(
        "vulnerability.id",
        "AD/vulnerabilityDetails/cveId | /properties/id | IR: CVE/CveId",
        "CVE (MDVM) or Qualys QID",
    ),
    rule(
        "vulnerability.title",
        "/properties/displayName | IR: CVE/CveId",
        "as is",
    ),
    rule(
        "vulnerability.description",
        "/properties/description | IR: CVE/Description | CVE/ExtendedDescription/Summary | /properties/metadata/description",
        "as is",
    ),
    rule(
        "vulnerability.references.cve",
        "vulnerability.id, AD/cve[]/title | IR: CVE/CveId, CVE/AdditionalIdentifiers[]",
        "the `CVE-` ids, as an array, de-duplicated in linear time",
    ),
    rule(
        "vulnerability.references.cwe",
        "AD/vulnerabilityDetails/weaknesses/cwe[]/id | IR: CVE/Weaknesses[]/Id",
        "as an array",
    ),
    rule(
        "vulnerability.external_url",
        "AD/vulnerabilityDetails/references[] | AD/cve[] | IR: CVE/References[]",
        "the link (`link`, IR `Url`) whose title is the vulnerability or a CVE id",
    ),
    rule(
        "vulnerability.cvss.base_score",
        "AD/cvssV30Score | AD/…/cvss/<version>/base | IR: CVE/Cvss[]/Value/Base",
        "the highest version with a score (IR: `Key` `\"3\"`; a null `Base` is no score, IR §3.4)",
    ),
    rule(
        "vulnerability.cvss.version",
        "AD/…/cvss/<version>/cvssVectorString | version key | IR: CVE/Cvss[]/Value/CvssVectorString",
        "from the vector (`CVSS:3.1/…` → `3.1`, SD §1.5: version number only); SA: else the key; IR: else left out (IR §7)",
    ),
    rule(
        "vulnerability.cvss.vector",
        "AD/…/cvss/<version>/cvssVectorString | IR: CVE/Cvss[]/Value/CvssVectorString",
        "as is",
    ),
    rule(
        "vulnerability.exploit.status",
        "AD/vulnerabilityDetails/exploitabilityAssessment | IR: CVE/ExploitabilityDetails",
        "`AVAILABLE` when exploit steps are published or verified (IR also `IsPubliclyDisclosed`, `IsVerified`), in an exploit kit, or exploit URIs exist; else `NOT_AVAILABLE`; absent without the object (IR §3.4, §8.1)",
    ),
    rule(
        "vulnerability.remediation.status",
        "AD/softwareDetails/fixStatus | AD/patchable | IR: CVE/FixStatus | SCN/FixStatus | AD/FixStatus",
        "FixAvailable → `AVAILABLE`; NoFixAvailable, NoFix, WillNotFix, WontFix, Scheduled → `NOT_AVAILABLE`; SA: patchable true/false; IR: without a status, `AVAILABLE` when a fixed version exists (IR §8.1)",
    ),
    rule(
        "vulnerability.remediation.fix_versions",
        "AD/softwareDetails/fixedVersion | IR: CVE/FixedVersion | SCN/FixedVersion | AD/FixedVersion",
        "as an array, when not empty",
    ),
    rule(
        "vulnerability.remediation.description",
        "/properties/remediation | IR: CVE/ExtendedDescription/Remediation | /properties/metadata/remediationDescription",
        "as is; IR metadata text with its HTML tags removed (`<br>` → line break, IR §3.1)",
    ),
    rule(
        "component.name",
        "AD/softwareDetails/packageName | IR: AD/SoftwareName",
        "as is",
    ),
    rule(
        "component.version",
        "AD/softwareDetails/version | IR: SCN/DetectedSoftwareVersions[] | AD/DetectedSoftwareVersions",
        "as is; IR: one finding per detected version (an array or a comma list; IR §10.5)",
    ),
    rule(
        "container_image.digest",
        "AD/artifactDetails/digest | AD/imageDigest | resourceDetails.id | IR: RAD/Digest | `sha256:<64 hex>` in /properties/resourceDetails/Id or NativeResourceId",
        "when it is a content digest (`sha256:…`); IR: none → rejected at /properties/resourceAdditionalData",
    ),
    rule(
        "container_image.id",
        "AD/imageDigest",
        "an image id that is not a content digest, with a warning",
    ),
    rule(
        "container_image.name",
        "container_image.repository",
        "the image name without registry, tag and digest: the repository (SD §1.9 lists the field for CONTAINER_IMAGE; the skills' table, S4: \"Image name without tag (e.g. `online-boutique/checkoutservice`)\"; the operator keeps the registry apart, C6)",
    ),
    rule(
        "container_image.repository",
        "AD/artifactDetails/repositoryName | AD/repositoryName | resourceDetails.id | IR: RAD/RepositoryDetails/RepositoryName | image reference in resourceDetails/Id or RAD/ImageUri | resourceDetails/ResourceName",
        "as is; IR: never from the dashed Azure Id (lossy, IR §3.2); ResourceName with an `id-derived` warning",
    ),
    rule(
        "container_image.registry",
        "AD/artifactDetails/registryHost | resourceDetails.id | ARM registry name | IR: RAD/RepositoryDetails/RegistryHost | host of RAD/ImageUri or of resourceDetails/Id | ARM registry name",
        "as is; ACR: `<name>.azurecr.io`",
    ),
    rule(
        "container_image.tags",
        "AD/artifactDetails/tags",
        "as an array; IR: none (no tag field in the format, IR §10.4)",
    ),
    rule(
        "scan.id",
        "derived",
        "UUIDv5 over provider, object.id and the UTC day of the record's time (finding.time.created; Healthy records: their status time): Defender rescans registry images daily (Microsoft Learn, Defender for Containers architecture) and no record names its scan; depends on the record alone, never on the other records of the call (issue 10); shared by the scan's findings and its scan event",
    ),
    rule(
        "scan.name",
        "constant",
        "scan events: `Defender for Cloud container image vulnerability assessment`",
    ),
    rule(
        "scan.time.completed",
        "finding times",
        "scan events: the latest time of the scan's records in the call (findings, and Healthy records, which keep an image covered when it has no finding)",
    ),
    rule(
        "cloud.provider",
        "/properties/resourceDetails/source",
        "lower-cased: `azure`, `aws`, `gcp`",
    ),
    rule(
        "aws.account.id",
        "/properties/resourceDetails/hierarchyId",
        "AWS-sourced images",
    ),
    rule(
        "aws.region",
        "/properties/resourceDetails/region",
        "AWS-sourced images",
    ),
    rule(
        "aws.arn",
        "/properties/resourceDetails/nativeCloudUniqueIdentifier",
        "AWS-sourced images",
    ),
    rule("azure.tenant.id", "/tenantId", "as is"),
    rule(
        "azure.subscription",
        "/subscriptionId | /id",
        "the `/subscriptions/<id>` segment",
    ),
    rule(
        "azure.resource.group",
        "/resourceGroup | /id",
        "the `/resourceGroups/<name>` segment",
    ),
    rule(
        "defender.assessment.key",
        "/id | IR: /name",
        "SA: the parent assessment key (segment after `/assessments/`); IR: the record's dynamic key (IR §1: not one of the grouped keys)",
    ),
    rule(
        "defender.assessed_resource_type",
        "AD/assessedResourceType",
        "as is",
    ),
    rule(
        "defender.recommendation.category",
        "IR: /properties/metadata/recommendationCategory",
        "as is (`SoftwareUpdate`; IR §1, §3.1)",
    ),
    MAPPING_VERSION,
    rule(
        "event.original_content",
        "the record",
        "finding events: compact JSON, when `originalContent` is on",
    ),
];
