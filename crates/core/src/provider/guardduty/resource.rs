//! The objects a GuardDuty finding affects: one per container when the finding carries
//! container details (EKS workloads, ECS tasks, runtime `Container` resources), else the
//! primary resource. Dynatrace's GuardDuty integration: "findings whose target resource is
//! a container get `object.type = CONTAINER`".

use super::input::{Container, Finding, Named, Resource};
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
pub(crate) fn affected(f: &Finding<'_>, account: &str, region: &str) -> (Vec<Object>, bool) {
    let r = &f.resource;
    let partition = f.partition.unwrap_or("aws");
    let containers = containers(r);
    if !containers.is_empty() {
        return (distinct(containers), false);
    }
    let rtype = r.resource_type.unwrap_or("");
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
            .access_key
            .as_ref()
            .and_then(|k| {
                let id = k.access_key_id?;
                Some(vec![Object {
                    name: k.user_name.unwrap_or(id).to_owned(),
                    aws_name: k.user_name.map(str::to_owned),
                    aws_id: Some(id.to_owned()),
                    id: id.to_owned(),
                    ..Object::default()
                }])
            })
            .unwrap_or_default(),
        "S3Bucket" => r
            .s3_buckets
            .iter()
            .filter_map(|b| {
                let arn = b
                    .arn
                    .map(str::to_owned)
                    .or_else(|| b.name.map(|n| format!("arn:{partition}:s3:::{n}")));
                let id = arn.clone().or_else(|| b.name.map(str::to_owned))?;
                Some(Object {
                    name: b.name.map_or_else(|| id.clone(), str::to_owned),
                    aws_name: b.name.map(str::to_owned),
                    aws_id: b.name.map(str::to_owned),
                    arn,
                    id,
                    ..Object::default()
                })
            })
            .collect(),
        "EKSCluster" => named(r.eks_cluster.as_ref()),
        "ECSCluster" => named(
            r.ecs_cluster
                .as_ref()
                .map(|c| Named {
                    name: c.name,
                    arn: c.arn,
                })
                .as_ref(),
        ),
        "Lambda" => named(r.lambda.as_ref()),
        "RDSDBInstance" => named(r.rds.as_ref()),
        _ => Vec::new(),
    };
    // Unknown types, and known ones without their details block: the finding's account.
    let unknown = known.is_none();
    if objects.is_empty() {
        // Without an account, an account-level object has no id: the caller rejects it.
        let id = if rtype.is_empty() || rtype == "AttackSequence" {
            account.to_owned()
        } else {
            f.arn.map_or_else(
                || {
                    if account.is_empty() {
                        String::new()
                    } else {
                        format!("{account}/{rtype}/{}", f.id)
                    }
                },
                str::to_owned,
            )
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
    (distinct(objects), unknown && !rtype.is_empty())
}

/// The objects with the first of each id: a payload that lists a container or bucket
/// twice describes one object, and two events with one `event.id` would be one too many.
fn distinct(mut objects: Vec<Object>) -> Vec<Object> {
    if objects.len() > 1 {
        let mut seen = std::collections::HashSet::with_capacity(objects.len());
        objects.retain(|o| seen.insert(o.id.clone()));
    }
    objects
}

fn instance(r: &Resource<'_>, partition: &str, region: &str, account: &str) -> Vec<Object> {
    let Some(d) = &r.instance else {
        return Vec::new();
    };
    let Some(id) = d.instance_id else {
        return Vec::new();
    };
    let arn = (!region.is_empty() && !account.is_empty())
        .then(|| format!("arn:{partition}:ec2:{region}:{account}:instance/{id}"));
    vec![Object {
        id: arn.clone().unwrap_or_else(|| id.to_owned()),
        name: d.name_tag.unwrap_or(id).to_owned(),
        aws_id: Some(id.to_owned()),
        aws_name: d.name_tag.map(str::to_owned),
        arn,
        availability_zone: d.availability_zone.map(str::to_owned),
        ..Object::default()
    }]
}

fn named(d: Option<&Named<'_>>) -> Vec<Object> {
    let Some(d) = d else {
        return Vec::new();
    };
    let Some(id) = d.arn.or(d.name) else {
        return Vec::new();
    };
    vec![Object {
        name: d.name.unwrap_or(id).to_owned(),
        aws_name: d.name.map(str::to_owned),
        aws_id: d.name.map(str::to_owned),
        arn: d.arn.map(str::to_owned),
        id: id.to_owned(),
        ..Object::default()
    }]
}

/// One object per container: EKS workload containers, ECS task containers, or the runtime
/// `containerDetails`.
fn containers(r: &Resource<'_>) -> Vec<Object> {
    let runtime = r.container.as_ref();
    if let Some(w) = &r.workload {
        let cluster = r.eks_cluster.as_ref();
        let cluster_name = cluster.and_then(|c| c.name);
        let cluster_id = cluster.and_then(|c| c.arn.or(c.name));
        let list: Vec<Object> = w
            .containers
            .iter()
            .map(|c| {
                let id = runtime_id(c, runtime);
                let path = [cluster_id, w.namespace, w.kind, w.name, c.name]
                    .iter()
                    .map(|p| p.unwrap_or("-"))
                    .collect::<Vec<_>>()
                    .join("/");
                let mut o = container_object(c, id, path);
                o.k8s = Some(K8sFields {
                    cluster: cluster_name.map(str::to_owned),
                    namespace: w.namespace.map(str::to_owned),
                    workload: w.name.map(str::to_owned),
                    workload_kind: w.kind.map(str::to_owned),
                });
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
        let list: Vec<Object> = ecs
            .task_containers
            .iter()
            .map(|c| {
                let id = runtime_id(c, runtime);
                let path = format!("{}/{}", ecs.task_arn.unwrap_or("-"), c.name.unwrap_or("-"));
                let mut o = container_object(c, id, path);
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
        let mut o = container_object(c, c.id.map(str::to_owned), fallback);
        if let Some(i) = &r.instance {
            o.aws_type = Some("AWS::EC2::Instance");
            o.aws_id = i.instance_id.map(str::to_owned);
            o.availability_zone = i.availability_zone.map(str::to_owned);
        }
        return vec![o];
    }
    Vec::new()
}

/// The runtime id of a workload container, when the runtime details name the same one.
fn runtime_id(c: &Container<'_>, runtime: Option<&Container<'_>>) -> Option<String> {
    c.id.or_else(|| {
        runtime
            .filter(|r| r.name.is_some() && r.name == c.name)
            .and_then(|r| r.id)
    })
    .map(str::to_owned)
}

fn container_object(c: &Container<'_>, id: Option<String>, path: String) -> Object {
    let image = c.image.map(ImageRef::parse);
    Object {
        object_type: "CONTAINER".into(),
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
