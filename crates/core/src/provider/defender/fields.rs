//! The Defender for Cloud mapping table, as data: rendered into
//! `docs/mapping/defender-for-cloud.md` and checked against every golden event by the tests.
//! Sources are JSON pointers into the record; `AD` is `/properties/additionalData` (or its
//! `data` wrapper). PascalCase keys are accepted wherever camelCase is shown.

use crate::provider::{FieldRule, rule};

pub(super) static FIELDS: &[FieldRule] = &[
    rule(
        "timestamp",
        "options.now",
        "only when the host passes `now`; else Dynatrace's ingest time",
    ),
    rule(
        "event.id",
        "derived",
        "UUIDv5 over provider, finding.id, object.id, finding.time.created (scans: provider, scan.id)",
    ),
    rule("event.kind", "constant", "`SECURITY_EVENT`"),
    rule(
        "event.type",
        "constant",
        "`VULNERABILITY_FINDING`, or `VULNERABILITY_SCAN` (one per image per call)",
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
        "`registry/repository@digest` (parts that are unknown left out); else resourceDetails.id with a warning",
    ),
    rule("object.type", "constant", "`CONTAINER_IMAGE`"),
    rule("object.name", "image identity", "the repository"),
    rule(
        "finding.id",
        "/id",
        "the sub-assessment's ARM id, lower-cased (ids vary in case between exports); derived with a warning when missing",
    ),
    rule("finding.type", "constant", "`DEPENDENCY_VULNERABILITY`"),
    rule(
        "finding.title",
        "/properties/displayName, AD/softwareDetails",
        "`<displayName> in <package> <version>`",
    ),
    rule(
        "finding.time.created",
        "/properties/timeGenerated | /timeGenerated",
        "RFC 3339 UTC",
    ),
    rule(
        "finding.severity",
        "AD/vulnerabilityDetails/severity | /properties/status/severity",
        "as is",
    ),
    rule(
        "finding.score",
        "AD/cvssV30Score | AD/vulnerabilityDetails/cvss | AD/cvss",
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
        "table defender-for-cloud/1: Critical, High, Medium, Low as is; Unknown, None, missing → NONE",
    ),
    rule(
        "dt.security.risk.score",
        "CVSS base score",
        "as is (clamped to 0–10); without CVSS the level's fixed score: 10.0, 8.9, 6.9, 3.9, 0.0",
    ),
    rule(
        "vulnerability.id",
        "AD/vulnerabilityDetails/cveId | /properties/id",
        "CVE (MDVM) or Qualys QID",
    ),
    rule("vulnerability.title", "/properties/displayName", "as is"),
    rule(
        "vulnerability.description",
        "/properties/description",
        "as is",
    ),
    rule(
        "vulnerability.references.cve",
        "vulnerability.id, AD/cve[]/title",
        "the CVE ids, as an array",
    ),
    rule(
        "vulnerability.references.cwe",
        "AD/vulnerabilityDetails/weaknesses/cwe[]/id",
        "as an array",
    ),
    rule(
        "vulnerability.external_url",
        "AD/vulnerabilityDetails/references[] | AD/cve[]",
        "the link whose title is the vulnerability or a CVE id",
    ),
    rule(
        "vulnerability.cvss.base_score",
        "AD/cvssV30Score | AD/…/cvss/<version>/base",
        "the highest version with a score",
    ),
    rule(
        "vulnerability.cvss.version",
        "AD/…/cvss/<version>/cvssVectorString | version key",
        "from the vector (`CVSS:3.1/…` → `3.1`), else the key",
    ),
    rule(
        "vulnerability.cvss.vector",
        "AD/…/cvss/<version>/cvssVectorString",
        "as is",
    ),
    rule(
        "vulnerability.exploit.status",
        "AD/vulnerabilityDetails/exploitabilityAssessment",
        "`AVAILABLE` when exploit steps are published or verified, in an exploit kit, or exploit URIs exist; else `NOT_AVAILABLE`",
    ),
    rule(
        "vulnerability.remediation.status",
        "AD/softwareDetails/fixStatus | AD/patchable",
        "FixAvailable → `AVAILABLE`; NoFixAvailable, WontFix, Scheduled → `NOT_AVAILABLE`; patchable true/false",
    ),
    rule(
        "vulnerability.remediation.fix_versions",
        "AD/softwareDetails/fixedVersion",
        "as an array, when not empty",
    ),
    rule(
        "vulnerability.remediation.description",
        "/properties/remediation",
        "as is",
    ),
    rule("component.name", "AD/softwareDetails/packageName", "as is"),
    rule("component.version", "AD/softwareDetails/version", "as is"),
    rule(
        "container_image.digest",
        "AD/artifactDetails/digest | AD/imageDigest | resourceDetails.id",
        "when it is a content digest (`sha256:…`)",
    ),
    rule(
        "container_image.id",
        "AD/imageDigest",
        "an image id that is not a content digest, with a warning",
    ),
    rule(
        "container_image.repository",
        "AD/artifactDetails/repositoryName | AD/repositoryName | resourceDetails.id",
        "as is",
    ),
    rule(
        "container_image.registry",
        "AD/artifactDetails/registryHost | resourceDetails.id | ARM registry name",
        "as is; ACR: `<name>.azurecr.io`",
    ),
    rule(
        "container_image.tags",
        "AD/artifactDetails/tags",
        "as an array",
    ),
    rule(
        "scan.id",
        "derived",
        "UUIDv5 over provider, object.id and the image's latest finding time in the call; shared by the image's findings and its scan event",
    ),
    rule(
        "scan.name",
        "constant",
        "scan events: `Defender for Cloud container image vulnerability assessment`",
    ),
    rule(
        "scan.time.completed",
        "finding times",
        "scan events: the latest finding.time.created of the image in the call",
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
        "/id",
        "the parent assessment key (segment after `/assessments/`)",
    ),
    rule(
        "defender.assessed_resource_type",
        "AD/assessedResourceType",
        "as is",
    ),
    rule(
        "secmap.mapping.version",
        "constant",
        "the mapping version that produced the event",
    ),
    rule(
        "event.original_content",
        "the record",
        "finding events: compact JSON, when `originalContent` is on",
    ),
];
