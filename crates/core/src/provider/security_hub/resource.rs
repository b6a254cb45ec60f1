//! The objects of a Security Hub finding: ASFF `Resources[]` entries (OCSF `resources[]`
//! in `ocsf.rs`), with their Dynatrace object type and `aws.*` fields.

use super::model::{Image, Resource, required_id};
use crate::aws::ecr_registry;
use crate::cx::{Cx, Node};
use crate::error::Error;

/// ASFF resource type → CloudFormation resource type (`aws.resource.type`, the Semantic
/// Dictionary's CloudFormation form). ASFF names are AWS's "Resources" attribute values
/// (ASFF `Resources[].Type` list). Only types with a CloudFormation resource type are
/// listed (no account, no ECR image); the others get no `aws.resource.type`.
pub(super) const CLOUDFORMATION_TYPES: &[(&str, &str)] = &[
    ("AwsApiGatewayRestApi", "AWS::ApiGateway::RestApi"),
    ("AwsApiGatewayStage", "AWS::ApiGateway::Stage"),
    (
        "AwsAutoScalingAutoScalingGroup",
        "AWS::AutoScaling::AutoScalingGroup",
    ),
    ("AwsCloudFrontDistribution", "AWS::CloudFront::Distribution"),
    ("AwsCloudTrailTrail", "AWS::CloudTrail::Trail"),
    ("AwsCodeBuildProject", "AWS::CodeBuild::Project"),
    ("AwsDynamoDbTable", "AWS::DynamoDB::Table"),
    ("AwsEc2Instance", "AWS::EC2::Instance"),
    ("AwsEc2NetworkAcl", "AWS::EC2::NetworkAcl"),
    ("AwsEc2NetworkInterface", "AWS::EC2::NetworkInterface"),
    ("AwsEc2SecurityGroup", "AWS::EC2::SecurityGroup"),
    ("AwsEc2Subnet", "AWS::EC2::Subnet"),
    ("AwsEc2Volume", "AWS::EC2::Volume"),
    ("AwsEc2Vpc", "AWS::EC2::VPC"),
    ("AwsEcrRepository", "AWS::ECR::Repository"),
    ("AwsEcsCluster", "AWS::ECS::Cluster"),
    ("AwsEcsService", "AWS::ECS::Service"),
    ("AwsEcsTaskDefinition", "AWS::ECS::TaskDefinition"),
    ("AwsEksCluster", "AWS::EKS::Cluster"),
    (
        "AwsElbv2LoadBalancer",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
    ),
    ("AwsIamAccessKey", "AWS::IAM::AccessKey"),
    ("AwsIamPolicy", "AWS::IAM::Policy"),
    ("AwsIamRole", "AWS::IAM::Role"),
    ("AwsIamUser", "AWS::IAM::User"),
    ("AwsKmsKey", "AWS::KMS::Key"),
    ("AwsLambdaFunction", "AWS::Lambda::Function"),
    ("AwsRdsDbCluster", "AWS::RDS::DBCluster"),
    ("AwsRdsDbInstance", "AWS::RDS::DBInstance"),
    ("AwsRedshiftCluster", "AWS::Redshift::Cluster"),
    ("AwsS3Bucket", "AWS::S3::Bucket"),
    ("AwsSecretsManagerSecret", "AWS::SecretsManager::Secret"),
    ("AwsSnsTopic", "AWS::SNS::Topic"),
    ("AwsSqsQueue", "AWS::SQS::Queue"),
    ("AwsSsmParameter", "AWS::SSM::Parameter"),
    ("AwsWafWebAcl", "AWS::WAF::WebACL"),
];

/// ASFF resource types whose Dynatrace object type differs from the vendor's name: the
/// ones that enable runtime contextualization (next-providers.md §1, "object type").
const OBJECT_TYPES: &[(&str, &str)] = &[("AwsEcrContainerImage", "CONTAINER_IMAGE")];

/// Keys inside `Details.<Type>` that name the resource, in the order tried.
const NAME_KEYS: &[&str] = &[
    "Name",
    "FunctionName",
    "DbInstanceIdentifier",
    "DbClusterIdentifier",
    "TableName",
    "RepositoryName",
    "UserName",
    "RoleName",
    "PolicyName",
    "PrincipalName",
    "GroupName",
    "TopicName",
    "QueueName",
];

pub(super) fn cloudformation_type(asff_type: &str) -> Option<&'static str> {
    CLOUDFORMATION_TYPES
        .iter()
        .find(|(t, _)| *t == asff_type)
        .map(|(_, cf)| *cf)
}

/// One ASFF `Resources[]` entry. `Id` is required: it is the object's identity.
pub(super) fn asff<'a>(
    r: Node<'a>,
    finding_region: Option<&'a str>,
    cx: &Cx<'_>,
) -> Result<Resource<'a>, Error> {
    let id = required_id(r.get("Id"), cx)?;
    let rtype = r.get("Type").text()?.unwrap_or("Other");
    let region = r.get("Region").text()?.or(finding_region);
    let details = r.get("Details");
    let name = name(r, details)?;
    let arn = id.starts_with("arn:").then_some(id);
    let image = if rtype == "AwsEcrContainerImage" {
        Some(ecr_image(details.get("AwsEcrContainerImage"), region)?)
    } else {
        None
    };
    let object_type = OBJECT_TYPES
        .iter()
        .find(|(t, _)| *t == rtype)
        .map_or(rtype, |(_, o)| *o)
        .to_owned();
    Ok(Resource {
        id,
        object_type,
        name: name.map_or_else(|| last_segment(id).to_owned(), str::to_owned),
        region,
        aws_type: cloudformation_type(rtype),
        aws_id: Some(id),
        aws_name: name,
        arn,
        image,
    })
}

/// The resource's name: tag `Name`, else a name field of its details block.
fn name<'a>(r: Node<'a>, details: Node<'a>) -> Result<Option<&'a str>, Error> {
    if let Some(n) = r.get("Tags").get("Name").text()? {
        return Ok(Some(n));
    }
    for (_, block) in details.entries()? {
        for key in NAME_KEYS {
            if let Some(n) = block.get(key).text()? {
                return Ok(Some(n));
            }
        }
    }
    Ok(None)
}

/// The last part of an id: after the last `/`, else after the last `:`
/// (`arn:aws:lambda:…:function:claims-intake` → `claims-intake`,
/// `AWS::::Account:111111111111` → `111111111111`).
pub(super) fn last_segment(id: &str) -> &str {
    let tail = id.rsplit('/').next().unwrap_or(id);
    let tail = if tail.is_empty() { id } else { tail };
    match tail.rsplit(':').next() {
        Some(t) if !t.is_empty() => t,
        _ => tail,
    }
}

/// `container_image.*` from `Details.AwsEcrContainerImage` (Dynatrace's ECR integration:
/// digest join, registry host `<RegistryId>.dkr.ecr.<region>.amazonaws.com`).
fn ecr_image<'a>(d: Node<'a>, region: Option<&str>) -> Result<Image<'a>, Error> {
    let registry_id = d.get("RegistryId").text()?;
    Ok(Image {
        digest: d.get("ImageDigest").text()?,
        repository: d.get("RepositoryName").text()?,
        registry: registry_id
            .zip(region)
            // ASFF's ECR block names no partition; the commercial host, as this mapping
            // has always built it.
            .map(|(id, region)| ecr_registry(id, region, "aws")),
        tags: d
            .get("ImageTags")
            .strs()?
            .into_iter()
            .map(str::to_owned)
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_segments() {
        assert_eq!(
            last_segment("arn:aws:lambda:sa-east-1:1:function:claims-intake"),
            "claims-intake"
        );
        assert_eq!(last_segment("AWS::::Account:111111111111"), "111111111111");
        assert_eq!(last_segment("arn:aws:s3:::my-bucket"), "my-bucket");
        assert_eq!(
            last_segment("arn:aws:ec2:us-east-1:1:instance/i-0abc"),
            "i-0abc"
        );
        assert_eq!(last_segment("plain"), "plain");
    }

    #[test]
    fn cloudformation_table_has_no_duplicates() {
        for (i, (t, _)) in CLOUDFORMATION_TYPES.iter().enumerate() {
            assert!(
                CLOUDFORMATION_TYPES[i + 1..].iter().all(|(o, _)| o != t),
                "{t} twice"
            );
        }
        assert_eq!(cloudformation_type("AwsS3Bucket"), Some("AWS::S3::Bucket"));
        assert_eq!(cloudformation_type("Other"), None);
    }
}
