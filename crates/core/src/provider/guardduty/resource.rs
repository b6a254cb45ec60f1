//! The objects a GuardDuty finding affects: one per container when the finding carries
//! container details (EKS workloads, ECS tasks, runtime `Container` resources), else the
//! primary resource. Dynatrace's GuardDuty integration: "findings whose target resource is
//! a container get `object.type = CONTAINER`".

use super::input::{Container, Finding, Resource};
use crate::image::ImageRef;

/// How each GuardDuty `resourceType` maps: Dynatrace object type (Smartscape-style names,
/// as GuardDuty findings carry them via Security Hub) and CloudFormation resource type
/// (`aws.resource.type`).
pub(crate) const RESOURCE_TYPES: &[(&str, &str, &str)] = &[
    ("Instance", "AwsEc2Instance", "AWS::EC2::Instance"),
    ("AccessKey", "AwsIamAccessKey", "AWS::IAM::AccessKey"),
    ("S3Bucket", "AwsS3Bucket", "AWS::S3::Bucket"),
    ("EKSCluster", "AwsEksCluster", "AWS::EKS::Cluster"),
    ("ECSCluster", "AwsEcsCluster", "AWS::ECS::Cluster"),
    // Without container details, a `Container` finding falls back to its host instance.
    ("Container", "AwsEc2Instance", "AWS::EC2::Instance"),
    ("Lambda", "AwsLambdaFunction", "AWS::Lambda::Function"),
    ("RDSDBInstance", "AwsRdsDbInstance", "AWS::RDS::DBInstance"),
    ("AttackSequence", "AwsAccount", ""),
];

/// One affected object, with what the event says about it.
#[derive(Debug, Default)]
pub(crate) struct Object {
    pub object_type: String,
    pub id: String,
    pub name: String,
    pub aws_type: Option<&'static str>,
    pub aws_id: Option<String>,
    pub aws_name: Option<String>,
    pub arn: Option<String>,
    pub availability_zone: Option<String>,
    pub container: Option<ContainerFields>,
    pub k8s: Option<K8sFields>,
}

#[derive(Debug, Default)]
pub(crate) struct ContainerFields {
    pub id: Option<String>,
    pub name: Option<String>,
    pub image_name: Option<String>,
    pub image_version: Option<String>,
    pub image_digest: Option<String>,
}

#[derive(Debug, Default)]
pub(crate) struct K8sFields {
    pub cluster: Option<String>,
    pub namespace: Option<String>,
    pub workload: Option<String>,
    pub workload_kind: Option<String>,
}

/// The affected objects, and whether the resource type was unknown.
pub(crate) fn affected(f: &Finding, account: &str, region: &str) -> (Vec<Object>, bool) {
    let empty = Resource::default();
    let r = f.resource.as_ref().unwrap_or(&empty);
    let partition = f.partition.as_deref().unwrap_or("aws");
    let containers = containers(r);
    if !containers.is_empty() {
        return (containers, false);
    }
    let rtype = r.resource_type.as_deref().unwrap_or("");
    let known = RESOURCE_TYPES.iter().find(|(t, _, _)| *t == rtype);
    let (object_type, aws_type) = match known {
        Some((_, o, a)) => ((*o).to_owned(), (!a.is_empty()).then_some(*a)),
        None => (
            if rtype.is_empty() {
                "AwsAccount"
            } else {
                rtype
            }
            .to_owned(),
            None,
        ),
    };
    let mut objects = match rtype {
        "Instance" | "Container" => instance(r, partition, region, account),
        "AccessKey" => r
            .access_key_details
            .as_ref()
            .and_then(|k| {
                let id = k.access_key_id.clone()?;
                Some(vec![Object {
                    name: k.user_name.clone().unwrap_or_else(|| id.clone()),
                    aws_name: k.user_name.clone(),
                    aws_id: Some(id.clone()),
                    id,
                    ..Object::default()
                }])
            })
            .unwrap_or_default(),
        "S3Bucket" => r
            .s3_bucket_details
            .iter()
            .flatten()
            .filter_map(|b| {
                let name = b.name.clone();
                let arn = b
                    .arn
                    .clone()
                    .or_else(|| name.as_ref().map(|n| format!("arn:{partition}:s3:::{n}")));
                let id = arn.clone().or_else(|| name.clone())?;
                Some(Object {
                    name: name.clone().unwrap_or_else(|| id.clone()),
                    aws_name: name.clone(),
                    aws_id: name,
                    arn,
                    id,
                    ..Object::default()
                })
            })
            .collect(),
        "EKSCluster" => named_arn(r.eks_cluster_details.as_ref().map(|d| (&d.name, &d.arn))),
        "ECSCluster" => named_arn(r.ecs_cluster_details.as_ref().map(|d| (&d.name, &d.arn))),
        "Lambda" => named_arn(
            r.lambda_details
                .as_ref()
                .map(|d| (&d.function_name, &d.function_arn)),
        ),
        "RDSDBInstance" => named_arn(
            r.rds_db_instance_details
                .as_ref()
                .map(|d| (&d.db_instance_identifier, &d.db_instance_arn)),
        ),
        _ => Vec::new(),
    };
    // Unknown types, and known ones without their details block: the finding's account.
    let unknown = known.is_none();
    if objects.is_empty() {
        let id = if rtype.is_empty() || rtype == "AttackSequence" {
            account.to_owned()
        } else {
            f.arn
                .clone()
                .unwrap_or_else(|| format!("{account}/{rtype}/{}", f.id))
        };
        objects.push(Object {
            name: id.clone(),
            id,
            ..Object::default()
        });
    }
    for o in &mut objects {
        o.object_type.clone_from(&object_type);
        o.aws_type = aws_type;
    }
    (objects, unknown && !rtype.is_empty())
}

fn instance(r: &Resource, partition: &str, region: &str, account: &str) -> Vec<Object> {
    let Some(d) = &r.instance_details else {
        return Vec::new();
    };
    let Some(id) = d.instance_id.clone() else {
        return Vec::new();
    };
    let name_tag = d
        .tags
        .iter()
        .flatten()
        .find(|t| t.key.as_deref() == Some("Name"))
        .and_then(|t| t.value.clone());
    let arn = (!region.is_empty() && !account.is_empty())
        .then(|| format!("arn:{partition}:ec2:{region}:{account}:instance/{id}"));
    vec![Object {
        id: arn.clone().unwrap_or_else(|| id.clone()),
        name: name_tag.clone().unwrap_or_else(|| id.clone()),
        aws_id: Some(id),
        aws_name: name_tag,
        arn,
        availability_zone: d.availability_zone.clone(),
        ..Object::default()
    }]
}

fn named_arn(d: Option<(&Option<String>, &Option<String>)>) -> Vec<Object> {
    let Some((name, arn)) = d else {
        return Vec::new();
    };
    let Some(id) = arn.clone().or_else(|| name.clone()) else {
        return Vec::new();
    };
    vec![Object {
        name: name.clone().unwrap_or_else(|| id.clone()),
        aws_name: name.clone(),
        aws_id: name.clone(),
        arn: arn.clone(),
        id,
        ..Object::default()
    }]
}

/// One object per container: EKS workload containers, ECS task containers, or the runtime
/// `containerDetails`.
fn containers(r: &Resource) -> Vec<Object> {
    let runtime = r.container_details.as_ref();
    if let Some(w) = r
        .kubernetes_details
        .as_ref()
        .and_then(|k| k.kubernetes_workload_details.as_ref())
    {
        let cluster = r.eks_cluster_details.as_ref();
        let cluster_name = cluster.and_then(|c| c.name.clone());
        let cluster_id = cluster.and_then(|c| c.arn.clone().or_else(|| c.name.clone()));
        let list: Vec<Object> = w
            .containers
            .iter()
            .flatten()
            .map(|c| {
                let id = runtime_id(c, runtime);
                let path = [
                    cluster_id.as_deref(),
                    w.namespace.as_deref(),
                    w.kind.as_deref(),
                    w.name.as_deref(),
                    c.name.as_deref(),
                ]
                .iter()
                .map(|p| p.unwrap_or("-"))
                .collect::<Vec<_>>()
                .join("/");
                let mut o = container_object(c, id, path);
                o.k8s = Some(K8sFields {
                    cluster: cluster_name.clone(),
                    namespace: w.namespace.clone(),
                    workload: w.name.clone(),
                    workload_kind: w.kind.clone(),
                });
                o.aws_type = Some("AWS::EKS::Cluster");
                o.aws_name = cluster_name.clone();
                o.aws_id = cluster_name.clone();
                o.arn = cluster.and_then(|c| c.arn.clone());
                o
            })
            .collect();
        if !list.is_empty() {
            return list;
        }
    }
    if let Some(ecs) = &r.ecs_cluster_details
        && let Some(task) = &ecs.task_details
    {
        let list: Vec<Object> = task
            .containers
            .iter()
            .flatten()
            .map(|c| {
                let id = runtime_id(c, runtime);
                let path = format!(
                    "{}/{}",
                    task.arn.as_deref().unwrap_or("-"),
                    c.name.as_deref().unwrap_or("-")
                );
                let mut o = container_object(c, id, path);
                o.aws_type = Some("AWS::ECS::Cluster");
                o.aws_name = ecs.name.clone();
                o.aws_id = ecs.name.clone();
                o.arn = ecs.arn.clone();
                o
            })
            .collect();
        if !list.is_empty() {
            return list;
        }
    }
    if let Some(c) = runtime {
        let id = c.id.clone();
        let fallback = c.name.clone().unwrap_or_else(|| "container".into());
        let mut o = container_object(c, id, fallback);
        if let Some(i) = &r.instance_details {
            o.aws_type = Some("AWS::EC2::Instance");
            o.aws_id = i.instance_id.clone();
            o.availability_zone = i.availability_zone.clone();
        }
        return vec![o];
    }
    Vec::new()
}

/// The runtime id of a workload container, when the runtime details name the same one.
fn runtime_id(c: &Container, runtime: Option<&Container>) -> Option<String> {
    c.id.clone().or_else(|| {
        runtime
            .filter(|r| r.name.is_some() && r.name == c.name)
            .and_then(|r| r.id.clone())
    })
}

fn container_object(c: &Container, id: Option<String>, path: String) -> Object {
    let image = c.image.as_deref().map(ImageRef::parse);
    Object {
        object_type: "CONTAINER".into(),
        id: id.clone().unwrap_or(path),
        name: c
            .name
            .clone()
            .or_else(|| id.clone())
            .unwrap_or_else(|| "container".into()),
        container: Some(ContainerFields {
            id,
            name: c.name.clone(),
            image_name: image.map(|i| i.name.to_owned()),
            image_version: image.and_then(|i| i.tag.map(str::to_owned)),
            image_digest: image.and_then(|i| i.digest.map(str::to_owned)),
        }),
        ..Object::default()
    }
}
