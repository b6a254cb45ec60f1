//! Container image references: `[registry/]repository[:tag][@digest]`.
//!
//! Split the way Dynatrace's Kubernetes operator splits the image of a running container,
//! so that ingested findings join the runtime side on the same values: the tag is the part
//! after the last `:` that follows the last `/` (a `:` before it is a registry port), the
//! digest the part after `@`.

/// The parts of an image reference, borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ImageRef<'a> {
    /// Everything before the tag and digest: `registry/repository`.
    pub name: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

impl<'a> ImageRef<'a> {
    pub(crate) fn parse(reference: &'a str) -> ImageRef<'a> {
        let reference = reference.trim();
        let (rest, digest) = match reference.rsplit_once('@') {
            Some((rest, d)) if !d.is_empty() => (rest, Some(d)),
            _ => (reference, None),
        };
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => {
                let colon = last_slash + i;
                let tag = &rest[colon + 1..];
                (&rest[..colon], (!tag.is_empty()).then_some(tag))
            }
            None => (rest, None),
        };
        ImageRef { name, tag, digest }
    }
}

/// The `registry` (when the first segment is a host), `repository` and `digest` of a
/// digest-pinned reference, `host/repo@sha256:…`, as cloud resource ids carry it (AWS ECR
/// and GCP Artifact Registry ids in Defender for Cloud, its `ImageUri`). `None` for an ARM
/// path (they start with `/`) or a string without `@`: those are not references.
pub(crate) fn digest_reference(s: &str) -> Option<(Option<&str>, &str, Option<&str>)> {
    if s.starts_with('/') || !s.contains('@') {
        return None;
    }
    let r = ImageRef::parse(s);
    let (registry, repository) = split_registry(r.name);
    Some((registry, repository, r.digest))
}

/// Splits `host/repo/path` into `(Some(host), "repo/path")` when the first segment is a host.
pub(crate) fn split_registry(name: &str) -> (Option<&str>, &str) {
    match name.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (Some(first), rest)
        }
        _ => (None, name),
    }
}

/// Whether `s` is a content digest (`algorithm:hex`, e.g. `sha256:<64 hex>`).
pub(crate) fn is_content_digest(s: &str) -> bool {
    match s.split_once(':') {
        Some((alg, hex)) => {
            !alg.is_empty()
                && alg
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                && hex.len() >= 32
                && hex.bytes().all(|b| b.is_ascii_hexdigit())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(r: &str) -> (&str, Option<&str>, Option<&str>) {
        let i = ImageRef::parse(r);
        (i.name, i.tag, i.digest)
    }

    #[test]
    fn splits_tags_digests_and_ports() {
        assert_eq!(parts("nginx"), ("nginx", None, None));
        assert_eq!(parts("nginx:1.25"), ("nginx", Some("1.25"), None));
        assert_eq!(
            parts("registry:5000/team/app"),
            ("registry:5000/team/app", None, None)
        );
        assert_eq!(
            parts("registry:5000/team/app:v2"),
            ("registry:5000/team/app", Some("v2"), None)
        );
        assert_eq!(
            parts("repo@sha256:abcd"),
            ("repo", None, Some("sha256:abcd"))
        );
        assert_eq!(
            parts("host.io/repo:1@sha256:abcd"),
            ("host.io/repo", Some("1"), Some("sha256:abcd"))
        );
        assert_eq!(parts("repo:"), ("repo", None, None));
    }

    #[test]
    fn registry_needs_a_host_like_first_segment() {
        assert_eq!(
            split_registry("123.dkr.ecr.us-east-1.amazonaws.com/team/app"),
            (Some("123.dkr.ecr.us-east-1.amazonaws.com"), "team/app")
        );
        assert_eq!(split_registry("library/nginx"), (None, "library/nginx"));
        assert_eq!(split_registry("localhost/app"), (Some("localhost"), "app"));
    }

    #[test]
    fn digest_references() {
        assert_eq!(
            digest_reference("1.dkr.ecr.us-east-1.amazonaws.com/mc/img@sha256:87e1"),
            Some((
                Some("1.dkr.ecr.us-east-1.amazonaws.com"),
                "mc/img",
                Some("sha256:87e1")
            ))
        );
        assert_eq!(digest_reference("/repositories/r/images/sha256:4af8"), None);
        assert_eq!(digest_reference("nginx:1.25"), None);
    }

    #[test]
    fn content_digests() {
        assert!(is_content_digest(
            "sha256:87e18285c301bc09b7f2da126992475eb0c536d38272aa0a7066324b7dda3d87"
        ));
        assert!(!is_content_digest("c186fc44-3154-4ce2-ba18-b719d895c3b0"));
        assert!(!is_content_digest("sha256:xyz"));
    }
}
