//! The objects a GuardDuty finding affects, the way Dynatrace models them:
//!
//! - a container finding is about containers (Dynatrace's GuardDuty page: "findings whose
//!   target resource is a container get `object.type = CONTAINER`"): the one container the
//!   finding names in `resource.containerDetails`, else every container of the workload or
//!   task, because the finding does not say which;
//! - a Malware Protection for S3 finding (`resourceType` `S3Object`) is about each scanned
//!   object, an S3 finding about each bucket: Dynatrace's own forwarder splits them so
//!   (dynatrace-oss/cloud-snippets @ 772acd31fe5b,
//!   `aws/aws-guardduty-event-forwarder/dynatrace_aws_guardduty_event_forwarder_template.yaml`,
//!   commit b5e32a5 "Handle S3Object nested split": one event per bucket × object for
//!   `S3Object`, one per bucket for `S3Bucket`; as published, its `S3Bucket` branch uses an
//!   undefined `object_detail` and so forwards nothing for bucket findings: we follow the
//!   evident intent, one event per bucket);
//! - anything else is about its primary resource, and a finding that names none (attack
//!   sequences, no resource block, a resource type we do not know, a known type without its
//!   details) is about the account. Never the finding's own ARN: every update of a finding
//!   would look like a new object.
//!
//! Field names: GuardDuty API model (botocore `guardduty/2017-11-28/service-2.json`, shapes
//! `Resource`, `S3BucketDetail`, `S3ObjectDetail`, `KubernetesWorkloadDetails`, `Container`,
//! `EksClusterDetails`, `InstanceDetails`).

use std::collections::HashSet;

use super::input::{Bucket, Container, Finding, Named, Resource, Workload};
use crate::aws::ec2_instance_arn;
use crate::image::ImageRef;
use crate::k8s;

/// How each GuardDuty `resourceType` maps: Dynatrace object type (Smartscape-style names,
/// as GuardDuty findings carry them via Security Hub, whose ASFF resource types are the
/// same names: `AwsEc2Instance`, `AwsS3Object`, `AwsAccount`, ...) and CloudFormation
/// resource type (`aws.resource.type`).
pub(crate) const RESOURCE_TYPES: &[(&str, &str, &str)] = &[
    ("Instance", "AwsEc2Instance", "AWS::EC2::Instance"),
    ("AccessKey", "AwsIamAccessKey", "AWS::IAM::AccessKey"),
    ("S3Bucket", S3_BUCKET.0, S3_BUCKET.1),
    // The object is the S3 object; `aws.resource.*` name its bucket, the AWS resource
    // (S3 objects are no CloudFormation resource).
    ("S3Object", "AwsS3Object", S3_BUCKET.1),
    ("EKSCluster", "AwsEksCluster", "AWS::EKS::Cluster"),
    ("ECSCluster", "AwsEcsCluster", "AWS::ECS::Cluster"),
    // Without container details, a `Container` finding falls back to its host instance.
    ("Container", "AwsEc2Instance", "AWS::EC2::Instance"),
    ("Lambda", "AwsLambdaFunction", "AWS::Lambda::Function"),
    ("RDSDBInstance", "AwsRdsDbInstance", "AWS::RDS::DBInstance"),
    // An attack sequence spans many resources (`service.detection.sequence`): the account.
    ("AttackSequence", ACCOUNT.0, ACCOUNT.1),
];

const S3_BUCKET: (&str, &str) = ("AwsS3Bucket", "AWS::S3::Bucket");

/// The account as an object: ASFF's `AwsAccount` resource, whose id Security Hub writes
/// `AWS::::Account:<account id>` (shared/samples/securityhub `asr-solution__CIS-1.3.json`,
/// `ocsf-examples__sechub-pci-config-1-failed.json`); `AWS::::Account` is its type.
const ACCOUNT: (&str, &str) = ("AwsAccount", "AWS::::Account");

/// One affected object, with what the event says about it.
#[derive(Debug, Default)]
pub(crate) struct Object {
    pub object_type: &'static str,
    pub id: String,
    pub name: String,
    pub aws_type: Option<&'static str>,
    pub aws_id: Option<String>,
    pub aws_name: Option<String>,
    pub arn: Option<String>,
    pub availability_zone: Option<String>,
    pub container: Option<ContainerFields>,
    pub k8s: Option<K8sFields>,
    pub s3: Option<S3Fields>,
}

#[derive(Debug, Default)]
pub(crate) struct ContainerFields {
    pub id: Option<String>,
    pub name: Option<String>,
    pub image_name: Option<String>,
    pub image_version: Option<String>,
    pub image_digest: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub(crate) struct K8sFields {
    pub cluster: Option<String>,
    pub namespace: Option<String>,
    pub pod_name: Option<String>,
    pub pod_uid: Option<String>,
    pub workload: Option<String>,
    pub workload_kind: Option<String>,
}

/// What GuardDuty says about one scanned S3 object beyond its ARN and key.
#[derive(Debug, Default)]
pub(crate) struct S3Fields {
    pub version_id: Option<String>,
    pub etag: Option<String>,
    pub hash: Option<String>,
}

/// Why the account stands in for the object the finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StandIn {
    /// The finding names its object (or is about the account, as attack sequences are).
    No,
    /// No `resource` block, or one without `resourceType` that names nothing.
    NoResource,
    /// A known resource type whose details block is missing or names nothing.
    NoDetails,
    /// A resource type this mapping does not know.
    UnknownType,
}

/// The affected objects, and whether (and why) the account stands in for them.
pub(crate) fn affected(f: &Finding<'_>, account: &str, region: &str) -> (Vec<Object>, StandIn) {
    let r = &f.resource;
    let partition = f.partition.unwrap_or("aws");
    let containers = containers(r);
    if !containers.is_empty() {
        return (with_zone(distinct(containers), r), StandIn::No);
    }
    let rtype = r.resource_type.unwrap_or("");
    let known = RESOURCE_TYPES.iter().find(|(t, _, _)| *t == rtype);
    let types = known.map(|(_, o, a)| (*o, *a));
    let objects = match (rtype, types) {
        ("Instance" | "Container", Some(t)) => instance(r, partition, region, account, t),
        ("AccessKey", Some(t)) => r
            .access_key
            .as_ref()
            .and_then(|k| {
                let id = k.access_key_id?;
                Some(vec![Object {
                    object_type: t.0,
                    aws_type: Some(t.1),
                    name: k.user_name.unwrap_or(id).to_owned(),
                    aws_name: k.user_name.map(str::to_owned),
                    aws_id: Some(id.to_owned()),
                    id: id.to_owned(),
                    ..Object::default()
                }])
            })
            .unwrap_or_default(),
        ("S3Bucket", _) => r
            .s3_buckets
            .iter()
            .filter_map(|b| bucket(b, partition))
            .collect(),
        ("S3Object", _) => s3_objects(&r.s3_buckets, partition),
        ("EKSCluster", Some(t)) => named(r.eks_cluster.as_ref(), t),
        ("ECSCluster", Some(t)) => named(
            r.ecs_cluster
                .as_ref()
                .map(|c| Named {
                    name: c.name,
                    arn: c.arn,
                })
                .as_ref(),
            t,
        ),
        ("Lambda", Some(t)) => named(r.lambda.as_ref(), t),
        ("RDSDBInstance", Some(t)) => named(r.rds.as_ref(), t),
        _ => Vec::new(),
    };
    if !objects.is_empty() {
        return (with_zone(distinct(objects), r), StandIn::No);
    }
    let why = match (rtype, known) {
        ("AttackSequence", _) => StandIn::No,
        ("", _) => StandIn::NoResource,
        (_, Some(_)) => StandIn::NoDetails,
        (_, None) => StandIn::UnknownType,
    };
    (vec![account_object(account)], why)
}

/// The account as the object. Without an account id it has no id: the caller rejects it.
fn account_object(account: &str) -> Object {
    if account.is_empty() {
        return Object::default();
    }
    Object {
        object_type: ACCOUNT.0,
        id: format!("AWS::::Account:{account}"),
        name: account.to_owned(),
        aws_type: Some(ACCOUNT.1),
        aws_id: Some(account.to_owned()),
        ..Object::default()
    }
}

/// The zone of `instanceDetails` (shape `InstanceDetails.availabilityZone`) on the objects
/// that run there: a runtime container's host, an EKS or ECS finding's node (its containers,
/// or the cluster when no container is named). An access key, bucket or function that a
/// finding lists next to an instance is not in that zone, and the account is in none.
fn with_zone(mut objects: Vec<Object>, r: &Resource<'_>) -> Vec<Object> {
    const ON_THE_INSTANCE: &[&str] = &["CONTAINER", "AwsEksCluster", "AwsEcsCluster"];
    if let Some(zone) = r.instance.as_ref().and_then(|i| i.availability_zone) {
        for o in objects
            .iter_mut()
            .filter(|o| o.availability_zone.is_none() && ON_THE_INSTANCE.contains(&o.object_type))
        {
            o.availability_zone = Some(zone.to_owned());
        }
    }
    objects
}

/// The objects with the first of each id: a payload that lists a container or bucket
/// twice describes one object, and two events with one `event.id` would be one too many.
fn distinct(mut objects: Vec<Object>) -> Vec<Object> {
    if objects.len() > 1 {
        let mut seen = HashSet::with_capacity(objects.len());
        objects.retain(|o| seen.insert(o.id.clone()));
    }
    objects
}

fn instance(
    r: &Resource<'_>,
    partition: &str,
    region: &str,
    account: &str,
    (object_type, aws_type): (&'static str, &'static str),
) -> Vec<Object> {
    let Some(d) = &r.instance else {
        return Vec::new();
    };
    let Some(id) = d.instance_id else {
        return Vec::new();
    };
    let arn = (!region.is_empty() && !account.is_empty())
        .then(|| ec2_instance_arn(partition, region, account, id));
    vec![Object {
        object_type,
        aws_type: Some(aws_type),
        id: arn.clone().unwrap_or_else(|| id.to_owned()),
        name: d.name_tag.unwrap_or(id).to_owned(),
        aws_id: Some(id.to_owned()),
        aws_name: d.name_tag.map(str::to_owned),
        arn,
        availability_zone: d.availability_zone.map(str::to_owned),
        ..Object::default()
    }]
}

/// A bucket's ARN as given, else built from its name (`arn:aws:s3:::name`, S3's ARN form).
fn bucket_arn(b: &Bucket<'_>, partition: &str) -> Option<String> {
    b.arn
        .map(str::to_owned)
        .or_else(|| b.name.map(|n| format!("arn:{partition}:s3:::{n}")))
}

/// One bucket as the object (`S3Bucket` findings), with `aws.resource.*` of the bucket.
fn bucket(b: &Bucket<'_>, partition: &str) -> Option<Object> {
    let arn = bucket_arn(b, partition);
    let id = arn.clone().or_else(|| b.name.map(str::to_owned))?;
    Some(Object {
        object_type: S3_BUCKET.0,
        aws_type: Some(S3_BUCKET.1),
        name: b.name.map_or_else(|| id.clone(), str::to_owned),
        aws_name: b.name.map(str::to_owned),
        aws_id: b.name.map(str::to_owned),
        arn,
        id,
        ..Object::default()
    })
}

/// One object per scanned S3 object (`S3Object` findings of Malware Protection for S3):
/// `object.id` is the object's ARN (`S3ObjectDetail.objectArn`, else built in S3's form
/// `arn:aws:s3:::bucket/key`), without the version: a new version of the same key is the
/// same object, scanned again. `object.name` is the key; `aws.resource.*` and `aws.arn`
/// describe the bucket. A bucket whose objects name neither ARN nor key is the object.
fn s3_objects(buckets: &[Bucket<'_>], partition: &str) -> Vec<Object> {
    let mut out = Vec::new();
    for b in buckets {
        let before = out.len();
        let arn = bucket_arn(b, partition);
        for o in &b.objects {
            let id = o.arn.map(str::to_owned).or_else(|| {
                let (name, key) = (b.name?, o.key?);
                Some(format!("arn:{partition}:s3:::{name}/{key}"))
            });
            let Some(id) = id else { continue };
            out.push(Object {
                object_type: "AwsS3Object",
                aws_type: Some(S3_BUCKET.1),
                name: o.key.map_or_else(|| id.clone(), str::to_owned),
                aws_name: b.name.map(str::to_owned),
                aws_id: b.name.map(str::to_owned),
                arn: arn.clone(),
                s3: Some(S3Fields {
                    version_id: o.version_id.map(str::to_owned),
                    etag: o.etag.map(str::to_owned),
                    hash: o.hash.map(str::to_owned),
                }),
                id,
                ..Object::default()
            });
        }
        if out.len() == before {
            out.extend(bucket(b, partition));
        }
    }
    out
}

fn named(
    d: Option<&Named<'_>>,
    (object_type, aws_type): (&'static str, &'static str),
) -> Vec<Object> {
    let Some(d) = d else {
        return Vec::new();
    };
    let Some(id) = d.arn.or(d.name) else {
        return Vec::new();
    };
    vec![Object {
        object_type,
        aws_type: Some(aws_type),
        name: d.name.unwrap_or(id).to_owned(),
        aws_name: d.name.map(str::to_owned),
        aws_id: d.name.map(str::to_owned),
        arn: d.arn.map(str::to_owned),
        id: id.to_owned(),
        ..Object::default()
    }]
}

/// The containers the finding is about, each paired with the runtime details that name it.
///
/// A finding that names its container (`resource.containerDetails`, shape `Container`) is
/// about that container only: its pod's or task's other containers (a sidecar next to a
/// reverse shell) did nothing. It is found in the workload's or task's list by id, else by
/// name, and takes the list entry's image where the details lack one. A finding that names
/// none (EKS audit-log findings list the workload's containers) is about each of them.
fn affected_containers<'a>(
    list: &[Container<'a>],
    named: Option<&Container<'a>>,
) -> Vec<Container<'a>> {
    // Details without id or name (`containerDetails: {}`) name no container.
    let Some(n) = named.filter(|n| n.id.is_some() || n.name.is_some()) else {
        return list.to_vec();
    };
    let same = |a: Option<&str>, b: Option<&str>| a.is_some() && a == b;
    let entry = list
        .iter()
        .find(|c| same(c.id, n.id))
        .or_else(|| list.iter().find(|c| same(c.name, n.name)));
    vec![match entry {
        Some(c) => Container {
            id: n.id.or(c.id),
            name: n.name.or(c.name),
            image: n.image.or(c.image),
        },
        None => *n,
    }]
}

/// One object per affected container: EKS workload containers, ECS task containers, or the
/// runtime `containerDetails` alone.
fn containers(r: &Resource<'_>) -> Vec<Object> {
    let runtime = r.container.as_ref();
    if let Some(w) = &r.workload {
        let cluster = r.eks_cluster.as_ref();
        let cluster_name = cluster.and_then(|c| c.name);
        let cluster_id = cluster.and_then(|c| c.arn.or(c.name));
        let k8s = k8s_fields(w, cluster_name);
        let list: Vec<Object> = affected_containers(&w.containers, runtime)
            .iter()
            .map(|c| {
                // A stable id for a container without a runtime id: its place in the
                // cluster, with GuardDuty's own workload type (stable across mappings).
                let path = [cluster_id, w.namespace, w.kind, w.name, c.name]
                    .iter()
                    .map(|p| p.unwrap_or("-"))
                    .collect::<Vec<_>>()
                    .join("/");
                let mut o = container_object(c, path);
                o.k8s = Some(k8s.clone());
                o.aws_type = Some("AWS::EKS::Cluster");
                o.aws_name = cluster_name.map(str::to_owned);
                o.aws_id = cluster_name.map(str::to_owned);
                o.arn = cluster.and_then(|c| c.arn).map(str::to_owned);
                o
            })
            .collect();
        if !list.is_empty() {
            return list;
        }
    }
    if let Some(ecs) = &r.ecs_cluster {
        let list: Vec<Object> = affected_containers(&ecs.task_containers, runtime)
            .iter()
            .map(|c| {
                let path = format!("{}/{}", ecs.task_arn.unwrap_or("-"), c.name.unwrap_or("-"));
                let mut o = container_object(c, path);
                o.aws_type = Some("AWS::ECS::Cluster");
                o.aws_name = ecs.name.map(str::to_owned);
                o.aws_id = ecs.name.map(str::to_owned);
                o.arn = ecs.arn.map(str::to_owned);
                o
            })
            .collect();
        if !list.is_empty() {
            return list;
        }
    }
    if let Some(c) = runtime {
        let fallback = c.name.unwrap_or("container").to_owned();
        let mut o = container_object(c, fallback);
        if let Some(i) = &r.instance {
            o.aws_type = Some("AWS::EC2::Instance");
            o.aws_id = i.instance_id.map(str::to_owned);
        }
        return vec![o];
    }
    Vec::new()
}

/// `k8s.*` of a workload. GuardDuty's `name`/`uid` are the workload's own; when its type is
/// `pods` they are the pod's (`k8s.pod.name`, `k8s.pod.uid`), and the pod's owner (a
/// deployment's replica set, a job, or none) is not in the finding: `k8s.workload.*` is
/// then left out rather than guessed (the Dynatrace Operator writes `pod` only for a pod
/// without an owner).
fn k8s_fields(w: &Workload<'_>, cluster: Option<&str>) -> K8sFields {
    let kind = w.kind.map(workload_kind);
    let is_pod = kind.as_deref() == Some("pod");
    K8sFields {
        cluster: cluster.map(str::to_owned),
        namespace: w.namespace.map(str::to_owned),
        pod_name: w.name.filter(|_| is_pod).map(str::to_owned),
        pod_uid: w.uid.filter(|_| is_pod).map(str::to_owned),
        workload: w.name.filter(|_| !is_pod).map(str::to_owned),
        workload_kind: kind.filter(|_| !is_pod),
    }
}

/// Dynatrace's `k8s.workload.kind` for GuardDuty's workload type ([`k8s::workload_kind`]);
/// a type outside the table is kept, lower-cased, rather than dropped.
pub(crate) fn workload_kind(kind: &str) -> String {
    k8s::workload_kind(kind).map_or_else(|| kind.trim().to_ascii_lowercase(), str::to_owned)
}

fn container_object(c: &Container<'_>, path: String) -> Object {
    let id = c.id.map(str::to_owned);
    let image = c.image.map(ImageRef::parse);
    Object {
        object_type: "CONTAINER",
        id: id.clone().unwrap_or(path),
        name: c
            .name
            .map(str::to_owned)
            .or_else(|| id.clone())
            .unwrap_or_else(|| "container".into()),
        container: Some(ContainerFields {
            id,
            name: c.name.map(str::to_owned),
            image_name: image.map(|i| i.name.to_owned()),
            image_version: image.and_then(|i| i.tag.map(str::to_owned)),
            image_digest: image.and_then(|i| i.digest.map(str::to_owned)),
        }),
        ..Object::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workload_kinds_are_singular_lower_case() {
        assert_eq!(workload_kind("deployments"), "deployment");
        assert_eq!(workload_kind("DAEMONSETS"), "daemonset");
        assert_eq!(workload_kind("StatefulSet"), "statefulset");
        assert_eq!(workload_kind("pods"), "pod");
        assert_eq!(workload_kind("cronjobs"), "cronjob");
        assert_eq!(workload_kind("Rollouts"), "rollouts");
    }

    #[test]
    fn a_named_container_is_the_only_one() {
        let app = Container {
            id: None,
            name: Some("app"),
            image: Some("app:1"),
        };
        let sidecar = Container {
            id: None,
            name: Some("sidecar"),
            image: Some("envoy:1"),
        };
        let named = Container {
            id: Some("c0ffee"),
            name: Some("sidecar"),
            image: None,
        };
        let got = affected_containers(&[app, sidecar], Some(&named));
        assert_eq!(got.len(), 1);
        assert_eq!(
            (got[0].id, got[0].name, got[0].image),
            (Some("c0ffee"), Some("sidecar"), Some("envoy:1"))
        );
        assert_eq!(affected_containers(&[app, sidecar], None).len(), 2);
        let nameless = Container {
            id: None,
            name: None,
            image: Some("envoy:1"),
        };
        assert_eq!(
            affected_containers(&[app, sidecar], Some(&nameless)).len(),
            2
        );
    }
}
