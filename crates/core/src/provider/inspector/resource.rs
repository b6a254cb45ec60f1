//! The object of each `resources[]` entry (`next-providers.md` §3.4). ECR images become
//! `CONTAINER_IMAGE` with the same `container_image.*` values Defender for Cloud's ECR
//! findings carry, so both join the same running containers by digest; EC2 instances and
//! Lambda functions keep the canonical AWS object types.

use super::input::Resource;
use crate::aws::{Arn, ec2_instance_arn, ecr_registry};

/// `resources[].type` → `object.type`, `aws.resource.type` (CloudFormation form; empty:
/// none). Anything else is skipped as `unsupported-resource-type`.
pub(crate) const RESOURCE_TYPES: &[(&str, &str, &str)] = &[
    ("AWS_ECR_CONTAINER_IMAGE", "CONTAINER_IMAGE", ""),
    ("AWS_EC2_INSTANCE", "AwsEc2Instance", "AWS::EC2::Instance"),
    (
        "AWS_LAMBDA_FUNCTION",
        "AwsLambdaFunction",
        "AWS::Lambda::Function",
    ),
];

/// One affected object and what the event says about it.
#[derive(Debug, Default)]
pub(crate) struct Object {
    pub object_type: &'static str,
    pub id: String,
    pub name: String,
    pub cloud_provider: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
    pub aws_type: Option<&'static str>,
    pub aws_id: Option<String>,
    pub aws_name: Option<String>,
    pub arn: Option<String>,
    pub host_ips: Vec<String>,
    pub image: Option<ImageFields>,
}

/// `container_image.*`, as Defender for Cloud fills them for ECR images.
#[derive(Debug, Default, Clone)]
pub(crate) struct ImageFields {
    pub digest: Option<String>,
    pub repository: Option<String>,
    pub registry: Option<String>,
    pub tags: Vec<String>,
}

/// Where the finding sits, for what the resource leaves out.
pub(crate) struct Context<'a> {
    pub account: Option<&'a str>,
    /// The EventBridge envelope's region.
    pub envelope_region: Option<&'a str>,
    /// The finding ARN's region.
    pub finding_region: Option<&'a str>,
}

/// The object of `r`, or `None` when its type has no mapping.
pub(crate) fn object(r: &Resource<'_>, cx: &Context<'_>) -> Option<Object> {
    let kind = r.kind?;
    let &(_, object_type, aws_type) = RESOURCE_TYPES.iter().find(|(t, _, _)| *t == kind)?;
    let id = r.id?;
    let arn = Arn::parse(id);
    // 2021 events say `N/A` for partition and region: the envelope's region (§3.4), else
    // the resource ARN's, else the finding ARN's (a bare ListFindings element).
    let region = known(r.region)
        .or(cx.envelope_region)
        .or(arn.as_ref().map(|a| a.region).filter(|s| !s.is_empty()))
        .or(cx.finding_region)
        .filter(|s| !s.is_empty());
    let account = cx
        .account
        .or(arn.as_ref().map(|a| a.account))
        .filter(|s| !s.is_empty());
    let partition = known(r.partition)
        .or(arn.as_ref().map(|a| a.partition))
        .unwrap_or("aws");
    let mut o = Object {
        object_type,
        aws_type: (!aws_type.is_empty()).then_some(aws_type),
        cloud_provider: Some(r.provider.unwrap_or("aws").to_ascii_lowercase()),
        account: account.map(str::to_owned),
        region: region.map(str::to_owned),
        ..Object::default()
    };
    match kind {
        "AWS_ECR_CONTAINER_IMAGE" => {
            let image = r.image.as_ref();
            let repository = image
                .and_then(|i| i.repository)
                .or_else(|| arn.as_ref().and_then(|a| ecr_repository(a.resource)));
            let registry_account = image.and_then(|i| i.registry).or(account);
            o.id = id.to_owned();
            o.name = repository.unwrap_or(id).to_owned();
            o.arn = arn.is_some().then(|| id.to_owned());
            o.image = Some(ImageFields {
                digest: image.and_then(|i| i.digest).map(str::to_owned),
                repository: repository.map(str::to_owned),
                registry: registry_account
                    .zip(region)
                    .map(|(acct, region)| ecr_registry(acct, region, partition)),
                tags: image
                    .map(|i| i.tags.iter().map(|t| (*t).to_owned()).collect())
                    .unwrap_or_default(),
            });
        }
        "AWS_EC2_INSTANCE" => {
            let instance_id = match &arn {
                Some(a) => a.resource.strip_prefix("instance/").unwrap_or(a.resource),
                None => id,
            };
            // The ARN, as the GuardDuty mapping builds it, so both name one object.
            let full = match (&arn, account, region) {
                (Some(_), _, _) => Some(id.to_owned()),
                (None, Some(acct), Some(region)) => {
                    Some(ec2_instance_arn(partition, region, acct, instance_id))
                }
                _ => None,
            };
            o.id = full.clone().unwrap_or_else(|| id.to_owned());
            o.name = r.name_tag.unwrap_or(instance_id).to_owned();
            o.aws_id = Some(instance_id.to_owned());
            o.aws_name = r.name_tag.map(str::to_owned);
            o.arn = full;
            o.host_ips = r
                .instance
                .as_ref()
                .map(|i| i.ipv4.iter().map(|s| (*s).to_owned()).collect())
                .unwrap_or_default();
        }
        _ => {
            // AWS_LAMBDA_FUNCTION: the function ARN with its qualifier.
            let name = r
                .function
                .as_ref()
                .and_then(|f| f.name)
                .or_else(|| arn.as_ref().and_then(|a| lambda_name(a.resource)));
            o.id = id.to_owned();
            o.name = name.unwrap_or(id).to_owned();
            o.aws_name = name.map(str::to_owned);
            o.arn = arn.is_some().then(|| id.to_owned());
        }
    }
    Some(o)
}

/// `N/A` and empty values say nothing.
fn known(s: Option<&str>) -> Option<&str> {
    s.filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("N/A"))
}

/// The repository of an ECR resource: `repository/<repo>[/sha256:…]`.
pub(crate) fn ecr_repository(resource: &str) -> Option<&str> {
    let rest = resource.strip_prefix("repository/")?;
    let repo = match rest.rfind("/sha256:") {
        Some(at) => &rest[..at],
        None => rest,
    };
    (!repo.is_empty()).then_some(repo)
}

/// The function name of `function:<name>[:<qualifier>]`.
fn lambda_name(resource: &str) -> Option<&str> {
    resource
        .strip_prefix("function:")?
        .split(':')
        .next()
        .filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_names() {
        assert_eq!(
            ecr_repository("repository/amazon/amazon-ecs-sample/sha256:36c7"),
            Some("amazon/amazon-ecs-sample")
        );
        assert_eq!(ecr_repository("repository/team/app"), Some("team/app"));
        assert_eq!(
            lambda_name("function:claims-ocr:$LATEST"),
            Some("claims-ocr")
        );
    }
}
