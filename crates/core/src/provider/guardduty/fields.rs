//! The GuardDuty mapping table, as data: rendered into `docs/mapping/guardduty.md` and
//! checked against every golden event by the tests. Sources are JSON pointers into the
//! finding (`/detail/...` when it came in an EventBridge event); PascalCase keys are
//! accepted wherever camelCase is shown.
//!
//! Evidence cited in the rules: "GuardDuty API model" is botocore
//! `guardduty/2017-11-28/service-2.json`; "Dynatrace GuardDuty forwarder" is
//! dynatrace-oss/cloud-snippets @ 772acd31fe5b,
//! `aws/aws-guardduty-event-forwarder/dynatrace_aws_guardduty_event_forwarder_template.yaml`;
//! "Dynatrace GuardDuty docs" is "Ingest Amazon GuardDuty security findings"; "Dynatrace
//! Operator" is the k8s attributes its pod mutator writes (Dynatrace/dynatrace-operator,
//! resource-attributes mutator test); "Security Hub ASFF" is Security Hub's resource types and
//! ids (shared/samples/securityhub); "Semantic Dictionary" is shared/docs/semantic-dictionary.md
//! §1.9; "design.md" is shared/docs/design.md §4 (the GuardDuty seed table).

use crate::provider::rows::{EVENT_KIND, MAPPING_VERSION, TIMESTAMP};
use crate::provider::{FieldRule, rule};

pub(super) static FIELDS: &[FieldRule] = &[
    TIMESTAMP,
    rule(
        "event.id",
        "derived",
        "UUIDv5 over provider, finding.id, object.id, finding.time.created; a record keeps one event per id, the first (run.rs `distinct_ids`)",
    ),
    EVENT_KIND,
    rule("event.type", "constant", "`DETECTION_FINDING`"),
    rule("event.name", "constant", "`Detection finding event`"),
    rule("event.provider", "constant", "`Amazon GuardDuty`"),
    rule("product.vendor", "constant", "`Amazon`"),
    rule("product.name", "constant", "`Amazon GuardDuty`"),
    rule(
        "object.id",
        "/resource/*Details",
        "one event per affected object (Dynatrace GuardDuty docs; Dynatrace GuardDuty forwarder): the container named by `containerDetails` only, else each container of the workload or task (runtime id, else cluster/namespace/type/workload/container path); per scanned S3 object (`S3Object`): `s3ObjectDetails[]/objectArn`, else `arn:aws:s3:::bucket/key` (GuardDuty API model; Dynatrace GuardDuty forwarder); per bucket (`S3Bucket`): its ARN; else the resource ARN (or id); else the account, `AWS::::Account:<id>` (Security Hub ASFF). Never the finding's ARN",
    ),
    rule(
        "object.type",
        "/resource/resourceType",
        "`CONTAINER` per container (Dynatrace GuardDuty docs); else Instance→AwsEc2Instance, AccessKey→AwsIamAccessKey, S3Bucket→AwsS3Bucket, S3Object→AwsS3Object, EKSCluster→AwsEksCluster, ECSCluster→AwsEcsCluster, Lambda→AwsLambdaFunction, RDSDBInstance→AwsRdsDbInstance (Semantic Dictionary; Security Hub ASFF); the account (`AwsAccount` (Security Hub ASFF)) for AttackSequence, no resource, a known type without its details (warning `id-derived`) and unknown types (warning `unknown-resource-type`)",
    ),
    rule(
        "object.name",
        "/resource/*Details",
        "container name; S3 object key; `Name` tag or instance id; user name; bucket, cluster, function or DB name; the account id",
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
        "the band's level in capitals as the seed table writes it: LOW, MEDIUM, HIGH, CRITICAL; NONE for 0 or no severity (design.md; Dynatrace GuardDuty docs)",
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
        "k8s.pod.name",
        "/resource/kubernetesDetails/kubernetesWorkloadDetails/name",
        "when the workload `type` is `pods` (GuardDuty API model; Semantic Dictionary)",
    ),
    rule(
        "k8s.pod.uid",
        "/resource/kubernetesDetails/kubernetesWorkloadDetails/uid",
        "when the workload `type` is `pods` (GuardDuty API model; Semantic Dictionary)",
    ),
    rule(
        "k8s.workload.name",
        "/resource/kubernetesDetails/kubernetesWorkloadDetails/name",
        "the workload's own name; left out for `pods`, whose owner the finding does not name (Dynatrace Operator)",
    ),
    rule(
        "k8s.workload.kind",
        "/resource/kubernetesDetails/kubernetesWorkloadDetails/type",
        "lower-case singular: deployments→deployment, daemonsets→daemonset, statefulsets→statefulset, replicasets→replicaset, jobs→job, cronjobs→cronjob, replicationcontrollers→replicationcontroller; other types lower-cased; left out for `pods` (GuardDuty API model; Dynatrace Operator)",
    ),
    rule("aws.account.id", "/accountId | envelope /account", "as is"),
    rule("aws.region", "/region | envelope /region", "as is"),
    rule(
        "aws.availability_zone",
        "/resource/instanceDetails/availabilityZone",
        "as is, on the objects in that zone: the instance; a runtime container (its host); an EKS or ECS finding's containers or cluster (its node) (Dynatrace GuardDuty docs; GuardDuty API model)",
    ),
    rule(
        "aws.resource.type",
        "/resource/resourceType",
        "CloudFormation type, e.g. `AWS::EC2::Instance`; the cluster or host of a container; the bucket (`AWS::S3::Bucket`) of an S3 object; `AWS::::Account` for the account (Dynatrace GuardDuty docs; Security Hub ASFF)",
    ),
    rule(
        "aws.resource.id",
        "/resource/*Details",
        "instance id, access key id, bucket, cluster, function or DB name; the account id",
    ),
    rule(
        "aws.resource.name",
        "/resource/*Details",
        "`Name` tag, user name, bucket (also of an S3 object), cluster, function or DB name",
    ),
    rule(
        "aws.arn",
        "/resource/*Details/arn",
        "as given, or built for instances and buckets; the bucket's for an S3 object",
    ),
    rule(
        "actor.ips",
        "/service/action/*/remoteIpDetails/ipAddressV4|V6, kubernetesApiCallAction/sourceIPs, portProbeDetails[]",
        "distinct, first-seen order (linear: a hash set, not a scan per address)",
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
        "guardduty.s3.object.version_id",
        "/resource/s3BucketDetails/*/s3ObjectDetails/*/versionId",
        "the scanned version of an S3 object (GuardDuty API model)",
    ),
    rule(
        "guardduty.s3.object.etag",
        "/resource/s3BucketDetails/*/s3ObjectDetails/*/eTag",
        "the scanned content of an S3 object (GuardDuty API model)",
    ),
    rule(
        "guardduty.s3.object.hash",
        "/resource/s3BucketDetails/*/s3ObjectDetails/*/hash",
        "hash of the threat GuardDuty found in the S3 object (GuardDuty API model)",
    ),
    rule(
        "guardduty.sample",
        "/service/additionalInfo/sample",
        "`true` on sample findings (skipped with `skipSampleFindings`)",
    ),
    MAPPING_VERSION,
    rule(
        "event.original_content",
        "the record",
        "compact JSON, when `originalContent` is on",
    ),
];
