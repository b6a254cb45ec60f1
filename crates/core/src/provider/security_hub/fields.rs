//! The Security Hub mapping table, as data: rendered into `docs/mapping/security-hub.md`
//! and checked against every golden event by the tests. Sources are ASFF paths (PascalCase,
//! relative to the finding, i.e. below `/detail/findings/*` in an EventBridge event), then
//! `OCSF:` paths of Security Hub V2. Evidence tags as in next-providers.md: [DT-doc]
//! Dynatrace documentation, [DT-code] Dynatrace's forwarder, [DT-skill] Dynatrace's agent
//! skills, [vendor] AWS, [3rd] AWS's ASR solution, [infer] our choice.

use crate::provider::rows::{EVENT_KIND, MAPPING_VERSION, TIMESTAMP};
use crate::provider::{FieldRule, rule};

pub(super) static FIELDS: &[FieldRule] = &[
    TIMESTAMP,
    rule(
        "event.id",
        "derived",
        "UUIDv5 over provider, finding.id, object.id, finding.time.created, object.type, vulnerability.id, component.name, component.version; a record keeps one event per id, the first (run.rs `distinct_ids`: a finding listed twice)",
    ),
    EVENT_KIND,
    rule(
        "event.type",
        "/Types/0 | OCSF: /class_uid",
        "`…/Vulnerabilities/…` → VULNERABILITY_FINDING; `TTPs/`, `Effects/`, `Unusual Behaviors/` → DETECTION_FINDING; `…/Industry and Regulatory Standards…` → COMPLIANCE_FINDING; other types skipped `unsupported-finding-type`. OCSF 2002 / 2004 / 2003 alike [DT-doc Security Hub ingest; §2.2, §2.7]",
    ),
    rule(
        "event.name",
        "constant",
        "per event type, e.g. `Compliance finding event`",
    ),
    rule(
        "event.provider",
        "constant",
        "`AWS Security Hub` [DT-doc, DT-skill provider taxonomy]",
    ),
    rule(
        "product.vendor",
        "/CompanyName | /ProductFields/aws~1securityhub~1CompanyName | OCSF: /metadata/product/vendor_name",
        "the producing product's vendor, e.g. `Amazon`, `AWS`; else `Amazon` [DT-skill]",
    ),
    rule(
        "product.name",
        "/ProductName | /ProductFields/aws~1securityhub~1ProductName | OCSF: /metadata/product/name",
        "the producing product, e.g. `GuardDuty`, `Inspector`, `Security Hub`; else `AWS Security Hub` [DT-skill: product.name GuardDuty observed]",
    ),
    rule(
        "object.id",
        "/Resources/*/Id | OCSF: /resources/*/uid_alt (an ARN) | uid | name",
        "one event per resource; as is (ARN, `AWS::::Account:…`) [DT-skill \"ID or ARN\", 3rd ASR]",
    ),
    rule(
        "object.type",
        "/Resources/*/Type | OCSF: /resources/*/type",
        "as reported (`AwsEc2Instance`, `AWS::RDS::DBInstance`); `AwsEcrContainerImage` → `CONTAINER_IMAGE` [DT-skill external types; infer for the image]",
    ),
    rule(
        "object.name",
        "/Resources/*/Tags/Name | /Resources/*/Details/*/Name, FunctionName, DbInstanceIdentifier, … | OCSF: /resources/*/name",
        "the resource's name, else the last segment of its id [infer]",
    ),
    rule(
        "finding.id",
        "/Id | OCSF: /finding_info/uid",
        "as is; shared by the events of one finding [DT-skill, 3rd ASR]",
    ),
    rule(
        "finding.type",
        "/Types/0 | OCSF: /finding_info/types/0",
        "compliance and detection: the first type; vulnerability: `DEPENDENCY_VULNERABILITY` [DT-skill conventions]",
    ),
    rule(
        "finding.title",
        "/Title | OCSF: /finding_info/title",
        "as is (else the type) [infer]",
    ),
    rule(
        "finding.description",
        "/Description | OCSF: /finding_info/desc",
        "as is [infer]",
    ),
    rule(
        "finding.time.created",
        "/UpdatedAt | /LastObservedAt | /ProcessedAt | OCSF: /finding_info/modified_time_dt | last_seen_time_dt | /time_dt | /time (epoch ms)",
        "the last update, never the creation time; first readable, RFC 3339 UTC [DT-skill]",
    ),
    rule(
        "finding.severity",
        "/Severity/Label | OCSF: /severity",
        "as sent; without a label, the label derived from Normalized [vendor]",
    ),
    rule(
        "finding.score",
        "/Severity/Product (GuardDuty) | /ProductFields/aws~1inspector~1inspectorScore (Inspector)",
        "the producing product's own 0–10 score; none for other products [vendor, §2.5]",
    ),
    rule(
        "finding.status",
        "/Workflow/Status | /WorkflowState | OCSF: /status",
        "as is [infer]",
    ),
    rule(
        "finding.url",
        "/SourceUrl | OCSF: /finding_info/src_url",
        "as is [infer]",
    ),
    rule(
        "dt.security.risk.level",
        "/Severity/Label | /Severity/Normalized | OCSF: /severity_id",
        "table security-hub/1: the label; else Normalized 0 / 1–39 / 40–69 / 70–89 / 90–100; else NOT_AVAILABLE with `severity-missing`. OCSF: 6, 5 CRITICAL, 4 HIGH, 3 MEDIUM, 2 LOW, 1 NONE, 0, 99, missing NOT_AVAILABLE [vendor, 3rd ASR, DT-doc Trivy]",
    ),
    rule(
        "dt.security.risk.score",
        "finding.score | level",
        "the vendor score when in the level's band (CRITICAL 9.0–10.0, HIGH 7.0–8.9, MEDIUM 4.0–6.9, LOW 0.1–3.9), else the fixed score 10.0 / 8.9 / 6.9 / 3.9 / 0.0 with `score-outside-band` [DT-doc, DT-skill fixed scores]",
    ),
    rule(
        "compliance.status",
        "/Compliance/Status | OCSF: /compliance/status",
        "ASFF as is (`PASSED`, `FAILED`, `WARNING`, `NOT_AVAILABLE`); OCSF `Pass`/`Fail`/`Warning` → `PASSED`/`FAILED`/`WARNING`, else `NOT_AVAILABLE`; PASSED is mapped [DT-skill, DT-code, 3rd ASR]",
    ),
    rule(
        "compliance.control",
        "/Compliance/SecurityControlId | /ProductFields/ControlId | /ProductFields/RuleId | OCSF: /compliance/control",
        "e.g. `S3.8`, `CIS-1.3` style ids [DT-skill]",
    ),
    rule(
        "compliance.standards",
        "/Compliance/AssociatedStandards/*/StandardsId | /ProductFields/StandardsArn | /ProductFields/StandardsGuideArn | OCSF: /compliance/standards",
        "array; ARNs without `arn:aws:securityhub:::` (`standards/cis-aws-foundations-benchmark/v/5.0.0`) [DT-skill]",
    ),
    rule(
        "compliance.requirements",
        "/Compliance/RelatedRequirements | OCSF: /compliance/requirements",
        "array [DT-skill]",
    ),
    rule(
        "finding.result",
        "compliance.status",
        "`PASSED` → `PASS`, `FAILED` → `FAIL`, else the status [DT-skill recommended field; infer values]",
    ),
    rule(
        "rule.id",
        "/GeneratorId | OCSF: /finding_info/analytic/name",
        "compliance findings; missing → `field-missing` warning [DT-skill rule.* for external compliance]",
    ),
    rule(
        "rule.name",
        "/Title | OCSF: /finding_info/title",
        "compliance findings [DT-skill]",
    ),
    rule(
        "rule.description",
        "/Description | OCSF: /finding_info/desc",
        "compliance findings [DT-skill]",
    ),
    rule(
        "detection.type",
        "/Types/0 | OCSF: /finding_info/types/0",
        "detection findings [DT-doc]",
    ),
    rule(
        "actor.ips",
        "/Action/{NetworkConnection,AwsApiCall,PortProbe}Action/…/RemoteIpDetails/IpAddressV4 | /Network/SourceIpV4 | OCSF: /evidences/*/src_endpoint/ip",
        "detections; the network source unless `Direction` is OUT; OCSF endpoints that are not the resource [infer]",
    ),
    rule(
        "vulnerability.id",
        "/Vulnerabilities/*/Id | OCSF: /vulnerabilities/*/cve/uid",
        "one event per vulnerability (× package) [DT-doc ECR dedup key]",
    ),
    rule(
        "vulnerability.references.cve",
        "/Vulnerabilities/*/Id",
        "array, when the id is a CVE [DT-doc]",
    ),
    rule(
        "vulnerability.external_url",
        "/Vulnerabilities/*/Vendor/Url",
        "as is [infer]",
    ),
    rule(
        "vulnerability.cvss.base_score",
        "/Vulnerabilities/*/Cvss/*/BaseScore | OCSF: /vulnerabilities/*/cve/cvss/0/base_score",
        "the entry whose `Source` is `Vendor.Name`, else the first [DT-skill one version]",
    ),
    rule(
        "vulnerability.cvss.version",
        "/Vulnerabilities/*/Cvss/*/Version | OCSF: …/cvss/0/version",
        "same entry [DT-skill]",
    ),
    rule(
        "vulnerability.cvss.vector",
        "/Vulnerabilities/*/Cvss/*/BaseVector | OCSF: …/cvss/0/vector_string",
        "same entry [DT-skill]",
    ),
    rule(
        "vulnerability.exploit.status",
        "/Vulnerabilities/*/ExploitAvailable | OCSF: /vulnerabilities/*/is_exploit_available",
        "`YES`, `PARTIAL` (true) → `AVAILABLE`; `NO` (false) → `NOT_AVAILABLE` [design.md]",
    ),
    rule(
        "vulnerability.remediation.status",
        "/Vulnerabilities/*/FixAvailable | OCSF: /vulnerabilities/*/is_fix_available",
        "same rule [design.md]",
    ),
    rule(
        "vulnerability.remediation.fix_versions",
        "/Vulnerabilities/*/VulnerablePackages/*/FixedInVersion | OCSF: …/affected_packages/*/fixed_in_version",
        "array of one, unless `NotAvailable` [DT-skill]",
    ),
    rule(
        "component.name",
        "/Vulnerabilities/*/VulnerablePackages/*/Name | OCSF: …/affected_packages/*/name",
        "one event per package; a vulnerability without packages gives one event without component.* and a `no-package` warning [DT-doc ECR dedup key; DT-code split; infer]",
    ),
    rule(
        "component.version",
        "…/VulnerablePackages/*/Epoch, Version, Release",
        "`epoch:version-release`, the epoch only when not 0 [DT-doc; infer form]",
    ),
    rule(
        "aws.account.id",
        "/AwsAccountId | OCSF: /cloud/account/uid",
        "as is [DT-doc GuardDuty]",
    ),
    rule(
        "aws.region",
        "/Resources/*/Region | /Region | EventBridge /region | OCSF: /resources/*/region | /cloud/region",
        "the resource's region, else the finding's [DT-doc GuardDuty]",
    ),
    rule(
        "aws.resource.type",
        "/Resources/*/Type | OCSF: /resources/*/type",
        "CloudFormation form from a table in code (`AwsS3Bucket` → `AWS::S3::Bucket`), omitted for types without one; OCSF as sent [SD]",
    ),
    rule(
        "aws.resource.id",
        "/Resources/*/Id | OCSF: /resources/*/uid",
        "as is [SD]",
    ),
    rule(
        "aws.resource.name",
        "/Resources/*/Tags/Name | /Resources/*/Details/*/Name, … | OCSF: /resources/*/name",
        "when the resource names itself [infer]",
    ),
    rule(
        "aws.arn",
        "/Resources/*/Id | OCSF: /resources/*/uid_alt",
        "when it is an ARN [SD]",
    ),
    rule(
        "container_image.digest",
        "/Resources/*/Details/AwsEcrContainerImage/ImageDigest",
        "ECR image resources [DT-doc ECR digest join]",
    ),
    rule(
        "container_image.repository",
        "/Resources/*/Details/AwsEcrContainerImage/RepositoryName",
        "ECR image resources [DT-doc ECR]",
    ),
    rule(
        "container_image.registry",
        "/Resources/*/Details/AwsEcrContainerImage/RegistryId, region",
        "`<RegistryId>.dkr.ecr.<region>.amazonaws.com` [DT-doc ECR; infer host form]",
    ),
    rule(
        "container_image.tags",
        "/Resources/*/Details/AwsEcrContainerImage/ImageTags",
        "array [DT-doc ECR]",
    ),
    rule("securityhub.product_arn", "/ProductArn", "as is [infer]"),
    rule("securityhub.generator_id", "/GeneratorId", "as is [infer]"),
    rule(
        "securityhub.types",
        "/Types",
        "every type, as an array [DT-doc: only Types[0] routes]",
    ),
    rule(
        "securityhub.record_state",
        "/RecordState",
        "as is (`ACTIVE`; ARCHIVED findings are skipped `resolved`) [infer]",
    ),
    rule(
        "securityhub.compliance.status_reasons",
        "/Compliance/StatusReasons/*/ReasonCode",
        "array [infer]",
    ),
    rule(
        "securityhub.sample",
        "/Sample",
        "`true` on sample findings (skipped with option skipSampleFindings) [infer]",
    ),
    rule(
        "securityhub.class_name",
        "OCSF: /class_name",
        "as is [infer]",
    ),
    rule(
        "securityhub.activity_name",
        "OCSF: /activity_name",
        "as is (Close findings are skipped `resolved`) [infer]",
    ),
    rule(
        "event.original_content",
        "the record",
        "the record as compact JSON (an EventBridge event with all its findings)",
    ),
    MAPPING_VERSION,
];
