//! The Inspector mapping table, as data: rendered into `docs/mapping/inspector.md` and
//! checked against every golden event by the tests. Sources are JSON pointers into the
//! finding (`/detail/...` in an EventBridge event; a `ListFindings` element is the finding
//! itself); `R` is the `resources[]` entry, `P` the `vulnerablePackages[]` entry of the
//! event. Evidence tags as in `next-providers.md`: [DT-doc], [DT-code], [DT-skill],
//! [vendor], [infer].

use crate::provider::rows::{EVENT_KIND, MAPPING_VERSION, TIMESTAMP};
use crate::provider::{FieldRule, rule};

pub(super) static FIELDS: &[FieldRule] = &[
    TIMESTAMP,
    rule(
        "event.id",
        "derived",
        "findings: UUIDv5 over provider, finding.id, object.id, finding.time.created, component name and version (siblings differ by package) [DT-code split]; scans: provider, scan.id; a record keeps one event per id, the first (run.rs `distinct_ids`)",
    ),
    EVENT_KIND,
    rule(
        "event.type",
        "/detail-type, /type",
        "`VULNERABILITY_FINDING` for PACKAGE_VULNERABILITY and CODE_VULNERABILITY; `VULNERABILITY_SCAN` for `Inspector2 Scan` INITIAL_SCAN_COMPLETE [DT-code ECR forwarder]",
    ),
    rule(
        "event.name",
        "constant",
        "`Vulnerability finding event` / `Vulnerability scan event`",
    ),
    rule(
        "event.provider",
        "constant",
        "`Amazon Inspector` [infer: Dynatrace's ECR integration name is undocumented; EC2 and Lambda findings are not ECR's]",
    ),
    rule("product.vendor", "constant", "`Amazon`"),
    rule("product.name", "constant", "`Amazon Inspector`"),
    rule(
        "object.id",
        "R/id | scan: /detail/repository-name, /detail/image-digest",
        "ECR image and Lambda: the resource id (ARN); EC2: `arn:<partition>:ec2:<region>:<account>:instance/<id>` as the GuardDuty mapping builds it; scan: `<repository ARN>/<digest>`, equal to its findings' [infer]",
    ),
    rule(
        "object.type",
        "R/type",
        "AWS_ECR_CONTAINER_IMAGE→`CONTAINER_IMAGE` [DT-doc ECR], AWS_EC2_INSTANCE→`AwsEc2Instance`, AWS_LAMBDA_FUNCTION→`AwsLambdaFunction` [DT-skill]; other types skipped (`unsupported-resource-type`)",
    ),
    rule(
        "object.name",
        "R/details, R/tags",
        "the repository; the `Name` tag or instance id; the function name",
    ),
    rule(
        "finding.id",
        "/findingArn",
        "as is; the events of one finding share it [vendor]",
    ),
    rule(
        "finding.type",
        "/type",
        "PACKAGE_VULNERABILITY→`DEPENDENCY_VULNERABILITY` [DT-code], CODE_VULNERABILITY→`CODE_VULNERABILITY` [infer]",
    ),
    rule(
        "finding.title",
        "/title",
        "as is (the vulnerability id, else the ARN, when missing) [infer]",
    ),
    rule("finding.description", "/description", "as is [infer]"),
    rule(
        "finding.status",
        "/status",
        "as is; only ACTIVE is mapped, SUPPRESSED and CLOSED are skipped (`resolved`) [DT-code]",
    ),
    rule(
        "finding.time.created",
        "/updatedAt | /lastObservedAt",
        "first readable, RFC 3339 UTC: display strings (`Wed Sep 04 16:55:38.411 UTC 2024`; zone-less `Dec 3, 2021, 6:02:30 PM` assumed UTC) and ListFindings epoch seconds normalized [DT-skill, vendor]",
    ),
    rule(
        "finding.severity",
        "/severity",
        "as is (the level when missing) [vendor]",
    ),
    rule("finding.score", "/inspectorScore", "as is [vendor]"),
    rule(
        "dt.security.risk.level",
        "/severity",
        "table inspector/1: CRITICAL, HIGH, MEDIUM, LOW as is; INFORMATIONAL→NONE; UNTRIAGED, missing or unknown→NOT_AVAILABLE (the last two with a warning) [DT-doc]",
    ),
    rule(
        "dt.security.risk.score",
        "/inspectorScore, /severity",
        "inspectorScore when it lies in the level's band (clamped to 0–10 with a warning), else the level's fixed score with `score-outside-band` [DT-doc, DT-skill]",
    ),
    rule(
        "vulnerability.id",
        "/packageVulnerabilityDetails/vulnerabilityId | /codeVulnerabilityDetails/ruleId",
        "as is (CVE, GHSA, ALAS… ids; the detector rule for code) [DT-doc ECR dedup key]",
    ),
    rule(
        "vulnerability.references.cve",
        "/packageVulnerabilityDetails/vulnerabilityId",
        "`[id]` when it is a CVE",
    ),
    rule(
        "vulnerability.references.cwe",
        "/codeVulnerabilityDetails/cwes",
        "as is [DT-skill]",
    ),
    rule(
        "vulnerability.external_url",
        "/packageVulnerabilityDetails/sourceUrl",
        "as is [infer]",
    ),
    rule(
        "vulnerability.cvss.base_score",
        "/inspectorScoreDetails/adjustedCvss/score | /packageVulnerabilityDetails/cvss[]/baseScore",
        "one rating: the adjusted one, else the entry whose `source` is the finding's source, else the first [DT-skill]",
    ),
    rule(
        "vulnerability.cvss.version",
        "…/version",
        "of the same rating",
    ),
    rule(
        "vulnerability.cvss.vector",
        "…/scoringVector",
        "of the same rating",
    ),
    rule(
        "vulnerability.exploit.status",
        "/exploitAvailable",
        "YES→`AVAILABLE`, NO→`NOT_AVAILABLE` [design.md]",
    ),
    rule(
        "vulnerability.remediation.status",
        "/fixAvailable",
        "YES, PARTIAL→`AVAILABLE`, NO→`NOT_AVAILABLE` [design.md]",
    ),
    rule(
        "vulnerability.remediation.fix_versions",
        "P/fixedInVersion",
        "`[version]` unless `NotAvailable` [DT-skill]",
    ),
    rule(
        "vulnerability.remediation.description",
        "P/remediation | /remediation/recommendation/text",
        "the package's command, else the recommendation unless `None Provided` [infer]",
    ),
    rule(
        "component.name",
        "P/name",
        "as is [DT-doc ECR dedup key]; none on code findings",
    ),
    rule(
        "component.version",
        "P/epoch, P/version, P/release",
        "`version-release`, `epoch:` in front when not 0, e.g. `3.0.13-0ubuntu3.2` [infer]",
    ),
    rule(
        "software_component.type",
        "P/packageManager",
        "as is, e.g. `OS`, `PYTHONPKG` [infer]",
    ),
    rule(
        "code.filepath",
        "/codeVulnerabilityDetails/filePath/filePath | P/filePath",
        "as is [DT-skill]",
    ),
    rule(
        "code.line.number",
        "/codeVulnerabilityDetails/filePath/startLine",
        "as is [DT-skill]",
    ),
    rule(
        "rule.name",
        "/codeVulnerabilityDetails/detectorName",
        "as is [infer]",
    ),
    rule(
        "container_image.digest",
        "R/details/awsEcrContainerImage/imageHash | R/details/image/imageDigest | scan: /detail/image-digest",
        "as is: the join with running containers [DT-doc ECR]",
    ),
    rule(
        "container_image.repository",
        "…/repositoryName | scan: /detail/repository-name",
        "the repository name (after `repository/` in the scan's ARN) [DT-doc ECR]",
    ),
    rule(
        "container_image.registry",
        "…/registry, aws.region",
        "`<registry account>.dkr.ecr.<region>.amazonaws.com`, as Defender for Cloud's ECR findings carry it [DT-doc ECR, infer]",
    ),
    rule(
        "container_image.tags",
        "…/imageTags | scan: /detail/image-tags",
        "as is",
    ),
    rule(
        "host.ip",
        "R/details/awsEc2Instance/ipV4Addresses",
        "as is [infer]",
    ),
    rule(
        "cloud.provider",
        "R/provider",
        "lower-cased; `aws` when missing [infer, as Defender]",
    ),
    rule(
        "aws.account.id",
        "/awsAccountId | /account",
        "the finding's, else the envelope's (scans: the repository ARN's) [DT-doc]",
    ),
    rule(
        "aws.region",
        "R/region | /region",
        "the resource's unless `N/A` (2021 events), else the envelope's, else the resource ARN's [DT-doc]",
    ),
    rule(
        "aws.resource.type",
        "R/type",
        "`AWS::EC2::Instance`, `AWS::Lambda::Function` (none for images) [SD]",
    ),
    rule("aws.resource.id", "R/id", "the EC2 instance id [SD]"),
    rule(
        "aws.resource.name",
        "R/tags/Name | R/details/awsLambdaFunction/functionName",
        "as is [SD]",
    ),
    rule(
        "aws.arn",
        "R/id",
        "the resource ARN (EC2: built as object.id) [SD]",
    ),
    rule(
        "scan.id",
        "derived",
        "scan: UUIDv5 over provider, object.id, scan.time.completed; ECR findings: their image's scan id when its scan event is in the same call, else none [infer, §3.8 questions 2–3]",
    ),
    rule(
        "scan.name",
        "constant",
        "`Amazon Inspector initial scan of an Amazon ECR image`",
    ),
    rule(
        "scan.time.completed",
        "/time",
        "the envelope time of the `Inspector2 Scan` event [infer]",
    ),
    rule("inspector.epss.score", "/epss/score", "as is [infer]"),
    rule(
        "inspector.exploit.last_known_at",
        "/exploitabilityDetails/lastKnownExploitAt",
        "RFC 3339 UTC [infer]",
    ),
    rule(
        "inspector.vendor_severity",
        "/packageVulnerabilityDetails/vendorSeverity",
        "as is; never used for the level [infer]",
    ),
    rule(
        "inspector.related_vulnerabilities",
        "/packageVulnerabilityDetails/relatedVulnerabilities",
        "as is [infer]",
    ),
    rule(
        "inspector.reference_urls",
        "/packageVulnerabilityDetails/referenceUrls",
        "as is [infer]",
    ),
    rule(
        "inspector.package.layer_arn",
        "P/sourceLambdaLayerArn | /codeVulnerabilityDetails/sourceLambdaLayerArn",
        "the Lambda layer the package or code comes from [infer]",
    ),
    rule(
        "event.original_content",
        "the record",
        "compact JSON of the whole record (EventBridge envelope included)",
    ),
    MAPPING_VERSION,
];
