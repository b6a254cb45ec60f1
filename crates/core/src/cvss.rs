//! CVSS choice: which one of a record's CVSS ratings becomes `vulnerability.cvss.*` (the
//! Semantic Dictionary takes one). Two rules, by what the vendor's ratings say:
//!
//! - Defender for Cloud, both record formats ([`Choice::best`]): of its entries
//!   (sub-assessments: a map keyed by version, `"2.0"`/`"3.0"`; individual recommendations:
//!   `Cvss[]` with `Key` `"3"`), the highest version that carries a score or a vector.
//! - AWS, Inspector and Security Hub ASFF ([`own_or_first`]): the ratings name their
//!   source, so the one from the vulnerability's own source, else the first
//!   (`next-providers.md` §2, §3.5).

use crate::cx::Node;
use crate::error::Error;

/// One CVSS entry as the vendor sent it.
pub(crate) struct Entry<'a> {
    pub base: Node<'a>,
    pub vector: Option<&'a str>,
}

/// The chosen score, version and vector.
#[derive(Default)]
pub(crate) struct Choice<'a> {
    pub score: Option<f64>,
    pub version: Option<String>,
    pub vector: Option<String>,
    /// Where the score came from (for warnings about it).
    pub at: Option<Node<'a>>,
}

impl<'a> Choice<'a> {
    /// The entry with the highest version (entries sorted by version key, ascending) that
    /// has a score or a vector. `vulnerability.cvss.version` is the vector's (`CVSS:3.1/…`
    /// → `3.1`, SD: "version number only"), else the key when `key_is_version`.
    pub(crate) fn best(
        entries: &[(&'a str, Entry<'a>)],
        key_is_version: bool,
    ) -> Result<Self, Error> {
        let mut c = Choice::default();
        let Some((key, entry)) = entries
            .iter()
            .rev()
            .find(|(_, e)| e.base.exists() || e.vector.is_some())
        else {
            return Ok(c);
        };
        c.vector = entry.vector.filter(|s| !s.is_empty()).map(str::to_owned);
        c.version = c
            .vector
            .as_deref()
            .and_then(|v| v.strip_prefix("CVSS:"))
            .and_then(|v| v.split('/').next())
            .map(str::to_owned)
            .or_else(|| key_is_version.then(|| (*key).to_owned()));
        c.score = entry.base.opt_num()?;
        c.at = c.score.is_some().then_some(entry.base);
        Ok(c)
    }
}

/// The rating whose source (`source`) is the vulnerability's own (`own`: Inspector's
/// `packageVulnerabilityDetails.source`, ASFF's `Vendor.Name`), else the first rating.
pub(crate) fn own_or_first<'e, T>(
    ratings: &'e [T],
    own: Option<&str>,
    source: impl Fn(&T) -> Option<&str>,
) -> Option<&'e T> {
    ratings
        .iter()
        .find(|r| own.is_some() && source(r) == own)
        .or_else(|| ratings.first())
}

/// Orders version keys numerically where they are numbers (`"3"` < `"3.1"` < `"4.0"`).
pub(crate) fn sort_by_version<T>(entries: &mut [(&str, T)]) {
    entries.sort_by(|a, b| {
        let n = |k: &str| k.trim().parse::<f64>().ok();
        match (n(a.0), n(b.0)) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            _ => a.0.cmp(b.0),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::{own_or_first, sort_by_version};

    #[test]
    fn own_source_else_first() {
        let r = [(Some("NVD"), 1), (None, 2), (Some("GHSA"), 3)];
        let pick = |own| own_or_first(&r, own, |(s, _)| *s).map(|(_, n)| *n);
        assert_eq!(pick(Some("GHSA")), Some(3));
        assert_eq!(pick(Some("ALAS")), Some(1));
        // A rating without a source is never "the own one", even when no source is known.
        assert_eq!(pick(None), Some(1));
        assert_eq!(
            own_or_first(&[] as &[(Option<&str>, i32)], None, |(s, _)| *s),
            None
        );
    }

    #[test]
    fn versions_sort_as_numbers() {
        let mut v = vec![("4.0", ()), ("3", ()), ("10", ()), ("2.0", ()), ("3.1", ())];
        sort_by_version(&mut v);
        let keys: Vec<&str> = v.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, ["2.0", "3", "3.1", "4.0", "10"]);
    }
}
