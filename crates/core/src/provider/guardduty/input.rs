//! The GuardDuty finding as it arrives: camelCase from EventBridge, S3 export and the API;
//! PascalCase when someone re-wraps a boto3 `GetFindings` result. Only the fields the
//! mapping reads are declared; everything else goes to the unmapped report.
//!
//! Field names: GuardDuty API model (botocore `guardduty/2017-11-28/service-2.json`).

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::value::{Flag, Num, Time};

/// The EventBridge envelope around a finding.
#[derive(Debug, Deserialize)]
pub(crate) struct Envelope<'a> {
    #[serde(rename = "detail-type")]
    pub detail_type: Option<String>,
    pub source: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
    #[serde(borrow)]
    pub detail: Option<&'a RawValue>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Finding {
    #[serde(alias = "AccountId")]
    pub account_id: Option<String>,
    #[serde(alias = "Arn")]
    pub arn: Option<String>,
    #[serde(alias = "CreatedAt")]
    pub created_at: Option<Time>,
    #[serde(alias = "Description")]
    pub description: Option<String>,
    #[serde(alias = "Id")]
    pub id: String,
    #[serde(alias = "Partition")]
    pub partition: Option<String>,
    #[serde(alias = "Region")]
    pub region: Option<String>,
    #[serde(alias = "Resource")]
    pub resource: Option<Resource>,
    #[serde(alias = "Service")]
    pub service: Option<Service>,
    #[serde(alias = "Severity")]
    pub severity: Option<Num>,
    #[serde(alias = "Title")]
    pub title: Option<String>,
    #[serde(rename = "type", alias = "Type")]
    pub kind: String,
    #[serde(alias = "UpdatedAt")]
    pub updated_at: Option<Time>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Resource {
    #[serde(alias = "ResourceType")]
    pub resource_type: Option<String>,
    #[serde(alias = "InstanceDetails")]
    pub instance_details: Option<InstanceDetails>,
    #[serde(alias = "AccessKeyDetails")]
    pub access_key_details: Option<AccessKeyDetails>,
    #[serde(alias = "S3BucketDetails")]
    pub s3_bucket_details: Option<Vec<S3BucketDetail>>,
    #[serde(alias = "EksClusterDetails")]
    pub eks_cluster_details: Option<NamedArn>,
    #[serde(alias = "KubernetesDetails")]
    pub kubernetes_details: Option<KubernetesDetails>,
    #[serde(alias = "EcsClusterDetails")]
    pub ecs_cluster_details: Option<EcsClusterDetails>,
    #[serde(alias = "ContainerDetails")]
    pub container_details: Option<Container>,
    #[serde(alias = "LambdaDetails")]
    pub lambda_details: Option<LambdaDetails>,
    #[serde(alias = "RdsDbInstanceDetails")]
    pub rds_db_instance_details: Option<RdsDbInstanceDetails>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InstanceDetails {
    #[serde(alias = "InstanceId")]
    pub instance_id: Option<String>,
    #[serde(alias = "AvailabilityZone")]
    pub availability_zone: Option<String>,
    #[serde(alias = "Tags")]
    pub tags: Option<Vec<Tag>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Tag {
    #[serde(alias = "Key")]
    pub key: Option<String>,
    #[serde(alias = "Value")]
    pub value: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AccessKeyDetails {
    #[serde(alias = "AccessKeyId")]
    pub access_key_id: Option<String>,
    #[serde(alias = "UserName")]
    pub user_name: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct S3BucketDetail {
    #[serde(alias = "Arn")]
    pub arn: Option<String>,
    #[serde(alias = "Name")]
    pub name: Option<String>,
}

/// EKS and ECS cluster details share these two fields.
#[derive(Debug, Deserialize)]
pub(crate) struct NamedArn {
    #[serde(alias = "Name")]
    pub name: Option<String>,
    #[serde(alias = "Arn")]
    pub arn: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct KubernetesDetails {
    #[serde(alias = "KubernetesWorkloadDetails")]
    pub kubernetes_workload_details: Option<Workload>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Workload {
    #[serde(alias = "Name")]
    pub name: Option<String>,
    #[serde(rename = "type", alias = "Type")]
    pub kind: Option<String>,
    #[serde(alias = "Namespace")]
    pub namespace: Option<String>,
    #[serde(alias = "Containers")]
    pub containers: Option<Vec<Container>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct EcsClusterDetails {
    #[serde(alias = "Name")]
    pub name: Option<String>,
    #[serde(alias = "Arn")]
    pub arn: Option<String>,
    #[serde(alias = "TaskDetails")]
    pub task_details: Option<TaskDetails>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct TaskDetails {
    #[serde(alias = "Arn")]
    pub arn: Option<String>,
    #[serde(alias = "Containers")]
    pub containers: Option<Vec<Container>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct Container {
    #[serde(alias = "Id")]
    pub id: Option<String>,
    #[serde(alias = "Name")]
    pub name: Option<String>,
    #[serde(alias = "Image")]
    pub image: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LambdaDetails {
    #[serde(alias = "FunctionArn")]
    pub function_arn: Option<String>,
    #[serde(alias = "FunctionName")]
    pub function_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RdsDbInstanceDetails {
    #[serde(alias = "DbInstanceIdentifier")]
    pub db_instance_identifier: Option<String>,
    #[serde(alias = "DbInstanceArn")]
    pub db_instance_arn: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Service {
    #[serde(alias = "Action")]
    pub action: Option<Action>,
    #[serde(alias = "AdditionalInfo")]
    pub additional_info: Option<AdditionalInfo>,
    #[serde(alias = "Archived")]
    pub archived: Option<Flag>,
    #[serde(alias = "Count")]
    pub count: Option<Num>,
    #[serde(alias = "DetectorId")]
    pub detector_id: Option<String>,
    #[serde(alias = "EventLastSeen")]
    pub event_last_seen: Option<Time>,
    #[serde(alias = "FeatureName")]
    pub feature_name: Option<String>,
    #[serde(alias = "ResourceRole")]
    pub resource_role: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct AdditionalInfo {
    #[serde(alias = "Sample")]
    pub sample: Option<Flag>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Action {
    #[serde(alias = "ActionType")]
    pub action_type: Option<String>,
    #[serde(alias = "NetworkConnectionAction")]
    pub network_connection_action: Option<RemoteAction>,
    #[serde(alias = "AwsApiCallAction")]
    pub aws_api_call_action: Option<RemoteAction>,
    #[serde(alias = "RdsLoginAttemptAction")]
    pub rds_login_attempt_action: Option<RemoteAction>,
    #[serde(alias = "KubernetesApiCallAction")]
    pub kubernetes_api_call_action: Option<KubernetesApiCallAction>,
    #[serde(alias = "PortProbeAction")]
    pub port_probe_action: Option<PortProbeAction>,
    #[serde(alias = "DnsRequestAction")]
    pub dns_request_action: Option<DnsRequestAction>,
}

/// Actions whose actor is one remote IP.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RemoteAction {
    #[serde(alias = "RemoteIpDetails")]
    pub remote_ip_details: Option<RemoteIpDetails>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct KubernetesApiCallAction {
    #[serde(alias = "RemoteIpDetails")]
    pub remote_ip_details: Option<RemoteIpDetails>,
    #[serde(rename = "sourceIPs", alias = "SourceIps", alias = "SourceIPs")]
    pub source_ips: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PortProbeAction {
    #[serde(alias = "PortProbeDetails")]
    pub port_probe_details: Option<Vec<RemoteAction>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DnsRequestAction {
    #[serde(alias = "Domain")]
    pub domain: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RemoteIpDetails {
    #[serde(alias = "IpAddressV4")]
    pub ip_address_v4: Option<String>,
    #[serde(alias = "IpAddressV6")]
    pub ip_address_v6: Option<String>,
    #[serde(alias = "Country")]
    pub country: Option<Country>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Country {
    #[serde(alias = "CountryName")]
    pub country_name: Option<String>,
}
