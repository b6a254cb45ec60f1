//! Which image an individual recommendation is about (§3.2, §3.5, §8.1). The repository
//! never comes from the dashed Azure `resourceDetails.Id` (`repositories-a-b-c-images-…`
//! is lossy: `a-b/c` and `a/b-c` look the same).

use super::super::artifact::{Image, acr_login_server};
use super::input::Assessment;
use crate::cx::{Cx, Node};
use crate::error::{Error, ErrorCode};
use crate::image::{digest_reference, is_content_digest};
use crate::output::WarningCode;

pub(super) struct Resolved {
    pub object_id: String,
    pub image: Image,
}

/// `sha256:<64 hex>` inside a resource id (Azure `…-images-sha256:…`, AWS/GCP `…@sha256:…`).
pub(super) fn digest_in_id(id: &str) -> Option<&str> {
    let at = id.find("sha256:")?;
    let digest = id.get(at..at + 71)?;
    is_content_digest(digest).then_some(digest)
}

/// `(registry, repository)` of an image reference `host/repo@sha256:…` (AWS ECR, GCP
/// Artifact Registry ids and `ImageUri`); ARM paths are not references.
fn reference(s: Option<&str>) -> (Option<&str>, Option<&str>) {
    match s.and_then(digest_reference) {
        Some((registry, repository, _)) => (registry, Some(repository).filter(|r| !r.is_empty())),
        None => (None, None),
    }
}

pub(super) fn resolve(a: &Assessment<'_>, rad: Node<'_>, cx: &Cx<'_>) -> Result<Resolved, Error> {
    let repo = rad.get("repositoryDetails");
    let rad_repository = repo.get("repositoryName").text()?;
    let rad_registry = repo.get("registryHost").text()?;
    let rad_digest = rad.get("digest").text()?;
    let uri = rad.get("imageUri").text()?;
    let rd = &a.resource;

    let digest = rad_digest
        .filter(|d| is_content_digest(d))
        .or_else(|| rd.id.and_then(digest_in_id))
        .or_else(|| rd.native_resource_id.and_then(digest_in_id));
    let Some(digest) = digest else {
        return Err(cx.error_at(
            ErrorCode::MissingField,
            "no image digest: looked at resourceAdditionalData.Digest and for `sha256:` in resourceDetails.Id",
            &a.properties.get("resourceAdditionalData"),
        ));
    };
    let (id_registry, id_repository) = reference(rd.id);
    let (uri_registry, uri_repository) = reference(uri);
    let mut repository = rad_repository.or(id_repository).or(uri_repository);
    if repository.is_none()
        && let Some(name) = rd.resource_name
    {
        cx.warn(
            WarningCode::IdDerived,
            "no repository name: container_image.repository is resourceDetails.ResourceName (for Azure only its last segment)",
            &rd.node.get("resourceName"),
        );
        repository = Some(name);
    }
    let registry = rad_registry
        .map(str::to_owned)
        .or(uri_registry.map(str::to_owned))
        .or(id_registry.map(str::to_owned))
        .or_else(|| a.id.and_then(acr_login_server))
        .or_else(|| rd.id.and_then(acr_login_server));
    let image = Image {
        digest: Some(digest.to_owned()),
        other_id: None,
        repository: repository.map(str::to_owned),
        registry,
        tags: Vec::new(),
    };
    let object_id = image.object_id().unwrap_or_else(|| digest.to_owned());
    Ok(Resolved { object_id, image })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_in_resource_ids() {
        let hex = "7663".repeat(16);
        let azure = format!(
            "/subscriptions/s/providers/Microsoft.ContainerRegistry/registries/r/repositories-a-b-images-sha256:{hex}"
        );
        assert_eq!(digest_in_id(&azure), Some(format!("sha256:{hex}").as_str()));
        let aws = format!("1.dkr.ecr.eu-west-1.amazonaws.com/team/api@sha256:{hex}");
        assert_eq!(digest_in_id(&aws), Some(format!("sha256:{hex}").as_str()));
        assert_eq!(digest_in_id("/x/repositories-a-images-sha256:abc"), None);
        assert_eq!(digest_in_id("/x/repositories-a-images-latest"), None);
    }

    #[test]
    fn image_references_but_not_arm_paths() {
        assert_eq!(
            reference(Some("1.dkr.ecr.us-east-1.amazonaws.com/team/api@sha256:ab")),
            (Some("1.dkr.ecr.us-east-1.amazonaws.com"), Some("team/api"))
        );
        assert_eq!(reference(Some("/subscriptions/s/x@y")), (None, None));
        assert_eq!(reference(None), (None, None));
    }
}
