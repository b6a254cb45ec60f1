//! The GuardDuty mapping table, as data: rendered into `docs/mapping/guardduty.md` and
//! checked against every golden event by the tests. Sources are JSON pointers into the
//! finding (`/detail/...` when it came in an EventBridge event); PascalCase keys are
//! accepted wherever camelCase is shown.

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
        "UUIDv5 over provider, finding.id, object.id, finding.time.created",
    ),
    rule("event.kind", "constant", "`SECURITY_EVENT`"),
    rule("event.type", "constant", "`DETECTION_FINDING`"),
    rule("event.name", "constant", "`Detection finding event`"),
    rule("event.provider", "constant", "`Amazon GuardDuty`"),
    rule("product.vendor", "constant", "`Amazon`"),
    rule("product.name", "constant", "`Amazon GuardDuty`"),
    rule(
        "object.id",
        "/resource/*Details",
        "container id or cluster/namespace/workload/container path; else the resource ARN (or id); else the account",
    ),
    rule(
        "object.type",
        "/resource/resourceType",
        "`CONTAINER` per container; else Instance→AwsEc2Instance, AccessKey→AwsIamAccessKey, S3Bucket→AwsS3Bucket, EKSCluster→AwsEksCluster, ECSCluster→AwsEcsCluster, Lambda→AwsLambdaFunction, RDSDBInstance→AwsRdsDbInstance, AttackSequence→AwsAccount; unknown types kept with a warning",
    ),
    rule(
        "object.name",
        "/resource/*Details",
        "container name; `Name` tag or instance id; user name; bucket, cluster, function or DB name",
    ),
    rule("finding.id", "/id", "as is"),
    rule(
        "finding.type",
        "/type",
        "as is, e.g. `Recon:EC2/PortProbeUnprotectedPort`",
    ),
    rule("finding.title", "/title", "as is (the type when missing)"),
    rule("finding.description", "/description", "as is"),
    rule(
        "finding.time.created",
        "/updatedAt | /service/eventLastSeen | /createdAt",
        "first readable, RFC 3339 UTC",
    ),
    rule(
        "finding.severity",
        "/severity",
        "GuardDuty's label of the band: Low, Medium, High, Critical",
    ),
    rule("finding.score", "/severity", "as is"),
    rule(
        "finding.url",
        "/region, /id",
        "GuardDuty console link (partition `aws` only)",
    ),
    rule(
        "dt.security.risk.level",
        "/severity",
        "table guardduty/1: ≥9.0 CRITICAL, ≥7.0 HIGH, ≥4.0 MEDIUM, >0 LOW, 0 NONE; missing → NONE with a warning",
    ),
    rule(
        "dt.security.risk.score",
        "/severity",
        "as is, clamped to 0–10 with a warning",
    ),
    rule(
        "container.id",
        "/resource/containerDetails/id | containers[]/id",
        "when known",
    ),
    rule(
        "container.name",
        "…/containers[]/name | /resource/containerDetails/name",
        "as is",
    ),
    rule(
        "container.image.name",
        "…/containers[]/image",
        "image reference without tag and digest",
    ),
    rule(
        "container.image.version",
        "…/containers[]/image",
        "the tag; none for digest-only references",
    ),
    rule(
        "container.image.digest",
        "…/containers[]/image",
        "the part after `@`",
    ),
    rule(
        "k8s.cluster.name",
        "/resource/eksClusterDetails/name",
        "EKS container events",
    ),
    rule(
        "k8s.namespace.name",
        "/resource/kubernetesDetails/kubernetesWorkloadDetails/namespace",
        "EKS container events",
    ),
    rule(
        "k8s.workload.name",
        "/resource/kubernetesDetails/kubernetesWorkloadDetails/name",
        "EKS container events",
    ),
    rule(
        "k8s.workload.kind",
        "/resource/kubernetesDetails/kubernetesWorkloadDetails/type",
        "EKS container events",
    ),
    rule("aws.account.id", "/accountId | envelope /account", "as is"),
    rule("aws.region", "/region | envelope /region", "as is"),
    rule(
        "aws.availability_zone",
        "/resource/instanceDetails/availabilityZone",
        "as is",
    ),
    rule(
        "aws.resource.type",
        "/resource/resourceType",
        "CloudFormation type, e.g. `AWS::EC2::Instance`; the cluster or host of a container",
    ),
    rule(
        "aws.resource.id",
        "/resource/*Details",
        "instance id, access key id, bucket, cluster, function or DB name",
    ),
    rule(
        "aws.resource.name",
        "/resource/*Details",
        "`Name` tag, user name, bucket, cluster, function or DB name",
    ),
    rule(
        "aws.arn",
        "/resource/*Details/arn",
        "as given, or built for instances and buckets",
    ),
    rule(
        "actor.ips",
        "/service/action/*/remoteIpDetails/ipAddressV4|V6, kubernetesApiCallAction/sourceIPs, portProbeDetails[]",
        "distinct, in order",
    ),
    rule(
        "actor.fqdns",
        "/service/action/dnsRequestAction/domain",
        "as is",
    ),
    rule(
        "actor.geo.country.name",
        "/service/action/*/remoteIpDetails/country/countryName",
        "the first",
    ),
    rule("guardduty.detector.id", "/service/detectorId", "as is"),
    rule(
        "guardduty.action.type",
        "/service/action/actionType",
        "as is",
    ),
    rule("guardduty.feature.name", "/service/featureName", "as is"),
    rule("guardduty.resource.role", "/service/resourceRole", "as is"),
    rule("guardduty.count", "/service/count", "as is"),
    rule(
        "guardduty.sample",
        "/service/additionalInfo/sample",
        "`true` on sample findings (skipped with `skipSampleFindings`)",
    ),
    rule(
        "secmap.mapping.version",
        "constant",
        "the mapping version that produced the event",
    ),
    rule(
        "event.original_content",
        "the record",
        "compact JSON, when `originalContent` is on",
    ),
];
