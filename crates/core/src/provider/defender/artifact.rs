//! Where a Defender record says which image it is about. Checked in order: MDVM
//! `artifactDetails`, Qualys-era flat `imageDigest` / `repositoryName`, then the resource id:
//! `<registry>/<repo>@sha256:…` (AWS, GCP), `/repositories/<repo>/images/sha256:…` (Azure
//! MDVM), `…/registries/<name>/repository/<repo>/imageDigest/<digest>/…` (Qualys).

use super::input::{Artifact, Properties, SubAssessment};
use crate::event::Event;
use crate::image::{digest_reference, is_content_digest};

#[derive(Debug, Default, PartialEq)]
pub(super) struct Image {
    /// A content digest (`sha256:…`).
    pub digest: Option<String>,
    /// An image id that is not a content digest (Qualys examples carry GUIDs).
    pub other_id: Option<String>,
    pub repository: Option<String>,
    pub registry: Option<String>,
    pub tags: Vec<String>,
}

impl Image {
    pub(super) fn resolve(s: &SubAssessment<'_>, p: &Properties<'_>, a: &Artifact<'_>) -> Image {
        let resource_id = p.resource.id.unwrap_or("");
        let from_id = parse_resource_id(resource_id);
        let arm = s.id.unwrap_or("");

        let raw_digest = a
            .digest
            .or(a.image_digest)
            .map(str::to_owned)
            .or(from_id.digest.clone())
            .filter(|d| !d.trim().is_empty());
        let (digest, other_id) = match raw_digest {
            Some(d) if is_content_digest(&d) => (Some(d), None),
            Some(d) => (None, Some(d)),
            None => (None, None),
        };
        let repository = a
            .repository_name
            .or(a.flat_repository_name)
            .map(str::to_owned)
            .or(from_id.repository)
            .filter(|r| !r.is_empty());
        let registry = a
            .registry_host
            .map(str::to_owned)
            .or(from_id.registry)
            .or_else(|| acr_login_server(arm).or_else(|| acr_login_server(resource_id)))
            .filter(|r| !r.is_empty());
        let tags = a
            .tags
            .iter()
            .filter(|t| !t.is_empty())
            .map(|t| (*t).to_owned())
            .collect();
        Image {
            digest,
            other_id,
            repository,
            registry,
            tags,
        }
    }

    /// The `container_image.*` fields (SD §1.9). `container_image.name` is the image name
    /// without registry, tag and digest, i.e. the repository: the skills' CONTAINER_IMAGE
    /// table ("Image name without tag (e.g. `online-boutique/checkoutservice`)", S4 in
    /// semantic-dictionary.md) and the operator's split, where the registry is apart (C6).
    pub(super) fn put(&self, e: &mut Event) {
        e.opt("container_image.digest", self.digest.clone());
        e.opt("container_image.id", self.other_id.clone());
        e.opt("container_image.name", self.repository.clone());
        e.opt("container_image.repository", self.repository.clone());
        e.opt("container_image.registry", self.registry.clone());
        e.opt("container_image.tags", Some(self.tags.clone()));
    }

    /// The stable object id: `registry/repository@digest`, leaving out what is unknown.
    pub(super) fn object_id(&self) -> Option<String> {
        let id = self.digest.as_ref().or(self.other_id.as_ref())?;
        let name = match (&self.registry, &self.repository) {
            (Some(reg), Some(repo)) => format!("{reg}/{repo}"),
            (None, Some(repo)) => repo.clone(),
            (Some(reg), None) => reg.clone(),
            (None, None) => return Some(id.clone()),
        };
        Some(format!("{name}@{id}"))
    }
}

#[derive(Debug, Default, PartialEq)]
struct FromId {
    digest: Option<String>,
    repository: Option<String>,
    registry: Option<String>,
}

fn parse_resource_id(id: &str) -> FromId {
    let id = id.trim();
    if id.is_empty() {
        return FromId::default();
    }
    // `/repositories/<repo>/images/<digest>` (Azure MDVM)
    if let Some(rest) = id.strip_prefix("/repositories/")
        && let Some((repo, digest)) = rest.rsplit_once("/images/")
    {
        return FromId {
            digest: Some(digest.to_owned()),
            repository: Some(repo.to_owned()),
            registry: None,
        };
    }
    // ARM path with `/repository/<repo>/imageDigest/<digest>` (Qualys era)
    if let Some((_, rest)) = split_ci(id, "/repository/")
        && let Some((repo, after)) = split_ci(rest, "/imageDigest/")
    {
        let digest = after.split('/').next().unwrap_or("");
        return FromId {
            digest: Some(digest.to_owned()),
            repository: Some(repo.to_owned()),
            registry: None,
        };
    }
    // `<registry>/<repo>@<digest>` (AWS ECR, GCP Artifact Registry)
    if let Some((registry, repository, digest)) = digest_reference(id) {
        return FromId {
            digest: digest.map(str::to_owned),
            repository: Some(repository.to_owned()),
            registry: registry.map(str::to_owned),
        };
    }
    FromId::default()
}

/// `<name>.azurecr.io` from an ARM id naming a container registry (ACR login servers are
/// the lower-cased registry name under `azurecr.io`).
pub(super) fn acr_login_server(arm_id: &str) -> Option<String> {
    let (_, rest) = split_ci(arm_id, "/providers/Microsoft.ContainerRegistry/registries/")?;
    let name = rest.split('/').next()?.trim();
    (!name.is_empty() && !name.contains(['{', ' ']))
        .then(|| format!("{}.azurecr.io", name.to_ascii_lowercase()))
}

/// Splits at the first case-insensitive occurrence of `sep` (ARM ids vary in case), an
/// ASCII literal. Without lower-cased copies: every Defender record looks up three to
/// five segments of its ids.
pub(super) fn split_ci<'a>(s: &'a str, sep: &str) -> Option<(&'a str, &'a str)> {
    debug_assert!(sep.is_ascii() && !sep.is_empty(), "{sep:?}");
    let (hay, needle) = (s.as_bytes(), sep.as_bytes());
    let (lower, upper) = (
        needle[0].to_ascii_lowercase(),
        needle[0].to_ascii_uppercase(),
    );
    let last = hay.len().checked_sub(needle.len())?;
    let mut at = 0;
    while at <= last {
        let b = hay[at];
        // A match starts and ends at ASCII bytes: both cuts are char boundaries.
        if (b == lower || b == upper) && hay[at..at + needle.len()].eq_ignore_ascii_case(needle) {
            return Some((&s[..at], &s[at + needle.len()..]));
        }
        at += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_id_layouts() {
        assert_eq!(
            parse_resource_id("/repositories/public/azureml/x/images/sha256:4af8"),
            FromId {
                digest: Some("sha256:4af8".into()),
                repository: Some("public/azureml/x".into()),
                registry: None
            }
        );
        assert_eq!(
            parse_resource_id(
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/myRegistry/repository/myRepo/imageDigest/c186/providers/Microsoft.Security/assessments/a"
            ),
            FromId {
                digest: Some("c186".into()),
                repository: Some("myRepo".into()),
                registry: None
            }
        );
        assert_eq!(
            parse_resource_id("544047870946.dkr.ecr.us-east-1.amazonaws.com/mc/va/img@sha256:87e1"),
            FromId {
                digest: Some("sha256:87e1".into()),
                repository: Some("mc/va/img".into()),
                registry: Some("544047870946.dkr.ecr.us-east-1.amazonaws.com".into())
            }
        );
        assert_eq!(parse_resource_id("/subscriptions/x"), FromId::default());
    }

    #[test]
    fn split_ci_matches_in_any_case_at_the_first_occurrence() {
        assert_eq!(
            split_ci("/a/RESOURCEgroups/rg/x", "/resourceGroups/"),
            Some(("/a", "rg/x"))
        );
        assert_eq!(split_ci("é/x/é/X/", "/x/"), Some(("é", "é/X/")));
        assert_eq!(split_ci("/resourceGroups", "/resourceGroups/"), None);
        assert_eq!(split_ci("", "/a"), None);
        assert_eq!(split_ci("/A", "/a"), Some(("", "")));
    }

    #[test]
    fn acr_login_server_from_arm_ids() {
        assert_eq!(
            acr_login_server(
                "/subscriptions/s/resourceGroups/r/providers/Microsoft.ContainerRegistry/registries/myRegistry/providers/Microsoft.Security/assessments/a"
            ),
            Some("myregistry.azurecr.io".into())
        );
        assert_eq!(
            acr_login_server(
                "/x/providers/microsoft.containerregistry/registries/{Registry Name}/y"
            ),
            None
        );
    }
}
