//! Cloud and Azure context of a Defender record, shared by both formats.

use super::artifact::split_ci;
use crate::event::Event;

/// What a record says about where the assessed resource lives.
#[derive(Default)]
pub(super) struct Cloud<'a> {
    /// `resourceDetails.source`: `Azure`, `Aws`, `Gcp`.
    pub source: Option<&'a str>,
    pub hierarchy_id: Option<&'a str>,
    pub region: Option<&'a str>,
    pub native_cloud_unique_identifier: Option<&'a str>,
    /// The record's ARM id.
    pub arm_id: Option<&'a str>,
    pub tenant_id: Option<&'a str>,
    pub subscription_id: Option<&'a str>,
    pub resource_group: Option<&'a str>,
}

impl Cloud<'_> {
    /// `cloud.provider`, `aws.*` for AWS-sourced images, `azure.*` (SD §1.9).
    pub(super) fn put(&self, e: &mut Event) {
        let source = self.source.map(str::to_ascii_lowercase);
        e.opt("cloud.provider", source.clone());
        if source.as_deref() == Some("aws") {
            e.opt("aws.account.id", self.hierarchy_id);
            e.opt("aws.region", self.region);
            e.opt("aws.arn", self.native_cloud_unique_identifier);
        }
        let arm = self.arm_id.unwrap_or("");
        e.opt("azure.tenant.id", self.tenant_id);
        e.opt(
            "azure.subscription",
            self.subscription_id
                .map(str::to_owned)
                .or_else(|| arm_segment(arm, "/subscriptions/")),
        );
        e.opt(
            "azure.resource.group",
            self.resource_group
                .map(str::to_owned)
                .or_else(|| arm_segment(arm, "/resourceGroups/")),
        );
    }
}

/// The path segment after `key` in an ARM id, unless it is a documentation placeholder.
pub(super) fn arm_segment(arm: &str, key: &str) -> Option<String> {
    let (_, rest) = split_ci(arm, key)?;
    let seg = rest.split('/').next()?.trim();
    (!seg.is_empty() && !seg.starts_with('{')).then(|| seg.to_owned())
}

/// The assessment key: the segment after the first `/assessments/`.
pub(super) fn assessment_key(arm: Option<&str>) -> Option<String> {
    arm_segment(arm?, "/assessments/")
}
